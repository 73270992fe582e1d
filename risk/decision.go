package risk

import (
	"github.com/aspmkit/aspm/risk/cvss"
	"github.com/aspmkit/aspm/risk/ssvc"
)

// SSVC is the SSVC outcome of a finding: CISA's coordinator decision and
// the SSVC deployer priority, with the decision points behind each.
type SSVC struct {
	// Decision is the CISA coordinator decision: track, track*, attend or
	// act.
	Decision ssvc.Decision `json:"decision"`
	// Coordinator holds the decision points the decision came from.
	Coordinator ssvc.CoordinatorInput `json:"coordinator"`
	// Priority is the deployer's patch-application priority: defer,
	// scheduled, out-of-cycle or immediate.
	Priority ssvc.Priority `json:"priority"`
	// Deployer holds the decision points the priority came from.
	Deployer ssvc.DeployerInput `json:"deployer"`
	// Assumed names the decision points that no signal determined, so the
	// model assumed them (see [deriveSSVC] in the package documentation).
	Assumed []string `json:"assumed,omitempty"`
	// Version names the decision trees used.
	Version string `json:"version"`
}

// ssvcVersion names both trees.
const ssvcVersion = ssvc.CoordinatorVersion + "; " + ssvc.DeployerVersion

// deriveSSVC fills the decision points the caller did not give from the
// other signals:
//
//   - Exploitation: active when KEV lists the vulnerability, attacks are
//     reported, or a CVSS v4.0 vector says E:A; public poc when a proof of
//     concept is reported or the vector's exploit maturity says one exists
//     (v4.0 E:P; v3.x E:P, E:F or E:H; v2 E:POC, E:F or E:H); none when
//     exploits are known to be unreported; otherwise none, assumed.
//   - Automatable: the v4.0 Automatable metric (AU) when set; otherwise yes
//     when the vector's base metrics let an attacker reach and trigger it
//     with no one's help (network, low complexity, no privileges, no user
//     interaction, and for v4.0 no attack requirements; v2: AV:N, AC:L,
//     Au:N); no otherwise; no, assumed, without a vector.
//   - Technical impact: total when the vector gives high impact on both
//     confidentiality and integrity (v4.0 VC:H and VI:H; v2 C:C and I:C),
//     since that hands the attacker the component; partial otherwise;
//     partial, assumed, without a vector.
//   - Mission and well-being: from asset criticality (critical and high:
//     high; medium: medium; low: low); medium, assumed, when unknown.
//   - Deployer exposure from [Exposure] (internet: open, internal:
//     controlled, isolated: small; controlled, assumed); human impact from
//     criticality (critical: very high, high: high, medium: medium, low:
//     low; medium, assumed).
func deriveSSVC(s Signals) SSVC {
	out := SSVC{Version: ssvcVersion}
	c := s.SSVC
	v := s.CVSS

	if !c.Exploitation.Valid() {
		switch {
		case (s.KEV != nil && s.KEV.Listed) || s.Exploit == ExploitAttacked || metricIs(v, cvss.V40, "E", "A"):
			c.Exploitation = ssvc.ExploitationActive
		case s.Exploit == ExploitPoC || cvssPoC(v):
			c.Exploitation = ssvc.ExploitationPoC
		case s.Exploit == ExploitUnreported || metricIs(v, cvss.V40, "E", "U") || metricIs(v, cvss.V31, "E", "U") || metricIs(v, cvss.V30, "E", "U") || metricIs(v, cvss.V2, "E", "U"):
			c.Exploitation = ssvc.ExploitationNone
		default:
			c.Exploitation = ssvc.ExploitationNone
			out.Assumed = append(out.Assumed, "exploitation")
		}
	}
	if !c.Automatable.Valid() {
		a, known := automatable(v)
		c.Automatable = a
		if !known {
			out.Assumed = append(out.Assumed, "automatable")
		}
	}
	if !c.TechnicalImpact.Valid() {
		t, known := technicalImpact(v)
		c.TechnicalImpact = t
		if !known {
			out.Assumed = append(out.Assumed, "technical_impact")
		}
	}
	if !c.MissionWellbeing.Valid() {
		switch s.Criticality {
		case CriticalityCritical, CriticalityHigh:
			c.MissionWellbeing = ssvc.MissionWellbeingHigh
		case CriticalityMedium:
			c.MissionWellbeing = ssvc.MissionWellbeingMedium
		case CriticalityLow:
			c.MissionWellbeing = ssvc.MissionWellbeingLow
		default:
			c.MissionWellbeing = ssvc.MissionWellbeingMedium
			out.Assumed = append(out.Assumed, "mission_wellbeing")
		}
	}
	out.Coordinator = c
	out.Decision, _ = ssvc.Coordinator(c) // every field is valid here

	d := s.Deployer
	if !d.Exploitation.Valid() {
		d.Exploitation = c.Exploitation
	}
	if !d.Automatable.Valid() {
		d.Automatable = c.Automatable
	}
	if !d.Exposure.Valid() {
		switch s.Exposure {
		case ExposureInternet:
			d.Exposure = ssvc.ExposureOpen
		case ExposureInternal:
			d.Exposure = ssvc.ExposureControlled
		case ExposureIsolated:
			d.Exposure = ssvc.ExposureSmall
		default:
			d.Exposure = ssvc.ExposureControlled
			out.Assumed = append(out.Assumed, "exposure")
		}
	}
	if !d.HumanImpact.Valid() {
		switch s.Criticality {
		case CriticalityCritical:
			d.HumanImpact = ssvc.HumanImpactVeryHigh
		case CriticalityHigh:
			d.HumanImpact = ssvc.HumanImpactHigh
		case CriticalityMedium:
			d.HumanImpact = ssvc.HumanImpactMedium
		case CriticalityLow:
			d.HumanImpact = ssvc.HumanImpactLow
		default:
			d.HumanImpact = ssvc.HumanImpactMedium
			out.Assumed = append(out.Assumed, "human_impact")
		}
	}
	out.Deployer = d
	out.Priority, _ = ssvc.Deployer(d)
	return out
}

// metricIs reports whether v is of version ver and sets metric to value.
func metricIs(v *cvss.Vector, ver cvss.Version, metric, value string) bool {
	if v == nil || v.Version() != ver {
		return false
	}
	got, ok := v.Metric(metric)
	return ok && got == value
}

// cvssPoC reports whether the vector's exploit maturity says a public
// exploit exists, short of reported attacks.
func cvssPoC(v *cvss.Vector) bool {
	if v == nil {
		return false
	}
	e, ok := v.Metric("E")
	if !ok {
		return false
	}
	switch v.Version() {
	case cvss.V40:
		return e == "P"
	case cvss.V30, cvss.V31:
		return e == "P" || e == "F" || e == "H"
	case cvss.V2:
		return e == "POC" || e == "F" || e == "H"
	}
	return false
}

func automatable(v *cvss.Vector) (ssvc.Automatable, bool) {
	if v == nil {
		return ssvc.AutomatableNo, false
	}
	is := func(m, want string) bool {
		got, ok := v.Metric(m)
		return ok && got == want
	}
	var yes bool
	switch v.Version() {
	case cvss.V40:
		if au, ok := v.Metric("AU"); ok {
			return boolAutomatable(au == "Y"), true
		}
		yes = is("AV", "N") && is("AC", "L") && is("AT", "N") && is("PR", "N") && is("UI", "N")
	case cvss.V30, cvss.V31:
		yes = is("AV", "N") && is("AC", "L") && is("PR", "N") && is("UI", "N")
	case cvss.V2:
		yes = is("AV", "N") && is("AC", "L") && is("Au", "N")
	}
	return boolAutomatable(yes), true
}

func boolAutomatable(b bool) ssvc.Automatable {
	if b {
		return ssvc.AutomatableYes
	}
	return ssvc.AutomatableNo
}

func technicalImpact(v *cvss.Vector) (ssvc.TechnicalImpact, bool) {
	if v == nil {
		return ssvc.TechnicalImpactPartial, false
	}
	is := func(m, want string) bool {
		got, ok := v.Metric(m)
		return ok && got == want
	}
	var total bool
	switch v.Version() {
	case cvss.V40:
		total = is("VC", "H") && is("VI", "H")
	case cvss.V30, cvss.V31:
		total = is("C", "H") && is("I", "H")
	case cvss.V2:
		total = is("C", "C") && is("I", "C")
	}
	if total {
		return ssvc.TechnicalImpactTotal, true
	}
	return ssvc.TechnicalImpactPartial, true
}
