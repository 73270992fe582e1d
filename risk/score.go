package risk

import (
	"math"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk/cvss"
)

// FactorName names one factor of a score.
type FactorName string

// The factors, in the order an [Explanation] lists them: the additive
// factors first, then the multipliers.
const (
	FactorSeverity        FactorName = "severity"
	FactorThreat          FactorName = "threat"
	FactorRansomware      FactorName = "ransomware"
	FactorExposure        FactorName = "exposure"
	FactorCriticality     FactorName = "criticality"
	FactorDataSensitivity FactorName = "data_sensitivity"
	FactorFixAvailable    FactorName = "fix_available"
	FactorVEX             FactorName = "vex"
	FactorReachability    FactorName = "reachability"
	FactorEnvironment     FactorName = "environment"
	FactorScope           FactorName = "scope"
	FactorRelationship    FactorName = "relationship"
	FactorControls        FactorName = "controls"
)

// Factor is one factor's part in a score, as data. [Factor.Text] and
// [Explanation.Text] put it in words.
type Factor struct {
	// Name says which factor this is.
	Name FactorName `json:"name"`
	// Known is false when the signal was unknown and the model assumed a
	// value (see [Weights]).
	Known bool `json:"known"`
	// Value is the signal as a word: the exposure ("internet"), the
	// reachability, the evidence that set the threat ("kev", "attacked",
	// "poc", "epss"), the source of the severity ("cvss", "severity"), or
	// "unknown".
	Value string `json:"value"`
	// Input is the number the factor used, when it has one: the CVSS score
	// or the score a severity word stands for, the threat level (0–1), the
	// EPSS probability, the level (0–1) of exposure, criticality or data
	// sensitivity, the number of compensating controls.
	Input float64 `json:"input"`
	// Points is an additive factor's points before multipliers; 0 for a
	// multiplier.
	Points float64 `json:"points"`
	// Multiplier is a multiplier's value; 1 for an additive factor.
	Multiplier float64 `json:"multiplier"`
	// Contribution is the factor's signed part of the final score: the
	// points of an additive factor, and for a multiplier the change it made
	// to the score when applied in the order listed. The contributions add
	// up to the score, up to rounding.
	Contribution float64 `json:"contribution"`
	// Source is where the signal came from: the CVSS vector, the EPSS or KEV
	// feed version, the reachability evidence.
	Source string `json:"source,omitempty"`
}

// Explanation says how a score came about.
type Explanation struct {
	// Model is the formula's version, [ModelVersion].
	Model string `json:"model"`
	// Feeds names the version of every feed whose data the score used,
	// like "epss v2026.06.15@2026-09-29" and "kev 2025.08.25".
	Feeds []string `json:"feeds,omitempty"`
	// Factors lists every factor, known or not, additive factors first.
	Factors []Factor `json:"factors"`
	// Unknown counts the factors whose signal was unknown.
	Unknown int `json:"unknown"`
}

// Score is a finding's risk: a number, a priority, the SSVC decision and why.
type Score struct {
	// Value is the risk score, 0 to 100, one decimal.
	Value float64 `json:"score"`
	// Priority follows from Value and the model's [Thresholds].
	Priority Priority `json:"priority"`
	// Severity is the severity behind the score: the rating of the CVSS
	// score used, else the tool's severity, else unknown.
	Severity findings.Severity `json:"severity"`
	// SSVC is the SSVC outcome and the decision points behind it.
	SSVC SSVC `json:"ssvc"`
	// Explanation lists every factor's contribution.
	Explanation Explanation `json:"explanation"`
}

// Compare orders scores from most to least urgent: by priority, then by
// value, highest first. It returns a negative number when a comes first.
func Compare(a, b Score) int {
	if ra, rb := a.Priority.Rank(), b.Priority.Rank(); ra != rb {
		return ra - rb
	}
	switch {
	case a.Value > b.Value:
		return -1
	case a.Value < b.Value:
		return 1
	}
	return 0
}

// Score computes the risk of one finding from its signals. It is
// deterministic and does no I/O: the same signals and model always give
// the same score. Enum values in s that are not among the defined
// constants count as unknown (use [Signals.Validate] to reject them).
//
// The formula, in two steps:
//
//  1. Additive factors (severity, threat, ransomware, exposure,
//     criticality, data sensitivity, fix available) give points; their sum
//     is capped at 100.
//  2. Multipliers (VEX, reachability, environment, scope, relationship,
//     compensating controls) scale that sum.
//
// An unknown signal takes the value in [Weights] (UnknownSeverity,
// UnknownThreat, UnknownLevel) for additive factors and 1 for multipliers,
// and is marked unknown in the explanation.
func (m Model) Score(s Signals) Score {
	w := m.weights()
	var out Score
	fs := make([]Factor, 0, 13)
	unknown := 0

	// Severity.
	sev := Factor{Name: FactorSeverity, Multiplier: 1}
	switch {
	case s.CVSS != nil:
		sc := s.CVSS.Scores()
		sev.Known, sev.Value, sev.Input, sev.Source = true, "cvss", sc.Effective(), s.CVSS.String()
		out.Severity = severityOfRating(cvss.RatingOf(sc.Version, sev.Input))
	case s.Severity.Rank() > 0:
		sev.Known, sev.Value, sev.Input = true, "severity", severityScore(s.Severity)
		out.Severity = s.Severity
	default:
		sev.Value, sev.Input = "unknown", w.UnknownSeverity
		out.Severity = findings.SeverityUnknown
	}
	sev.Points = w.Severity * clamp01(sev.Input/10)
	fs = append(fs, sev)

	// Threat: the strongest evidence of exploitation.
	th := Factor{Name: FactorThreat, Multiplier: 1, Value: "unknown", Input: w.UnknownThreat}
	level := -1.0
	if s.EPSS != nil && validProbability(s.EPSS.Probability) {
		level = math.Sqrt(s.EPSS.Probability)
		th.Known, th.Value, th.Source = true, "epss", s.EPSS.Version
	}
	if s.Exploit == ExploitPoC && w.PoCThreat > level {
		level = w.PoCThreat
		th.Known, th.Value, th.Source = true, "poc", ""
	}
	if s.Exploit == ExploitUnreported && level < 0 {
		// No exploit known: as weak as evidence gets, but evidence.
		level = 0
		th.Known, th.Value, th.Source = true, "unreported", ""
	}
	if s.Exploit == ExploitAttacked {
		level = 1
		th.Known, th.Value, th.Source = true, "attacked", ""
	}
	if s.KEV != nil && s.KEV.Listed {
		level = 1
		th.Known, th.Value, th.Source = true, "kev", s.KEV.Version
	}
	if level >= 0 {
		th.Input = level
	}
	th.Points = w.Threat * clamp01(th.Input)
	fs = append(fs, th)

	rw := Factor{Name: FactorRansomware, Multiplier: 1, Value: "unknown"}
	if s.KEV != nil {
		rw.Known, rw.Source = true, s.KEV.Version
		rw.Value = "no"
		if s.KEV.Listed && s.KEV.Ransomware {
			rw.Value, rw.Input, rw.Points = "known", 1, w.Ransomware
		}
	}
	fs = append(fs, rw)

	fs = append(fs, levelFactor(FactorExposure, string(s.Exposure), exposureLevel(s.Exposure, w), w.Exposure, w))
	fs = append(fs, levelFactor(FactorCriticality, string(s.Criticality), criticalityLevel(s.Criticality), w.Criticality, w))
	fs = append(fs, levelFactor(FactorDataSensitivity, string(s.DataSensitivity), dataLevel(s.DataSensitivity), w.DataSensitivity, w))

	fix := Factor{Name: FactorFixAvailable, Multiplier: 1, Value: s.FixAvailable.String(), Known: s.FixAvailable != Unknown}
	switch s.FixAvailable {
	case Yes:
		fix.Input = 1
	case Unknown:
		fix.Input = w.UnknownLevel
	}
	fix.Points = w.FixAvailable * clamp01(fix.Input)
	fs = append(fs, fix)

	// Multipliers.
	vex := Factor{Name: FactorVEX, Value: "unknown", Multiplier: 1}
	switch s.VEX {
	case findings.VEXNotAffected, findings.VEXFixed, findings.VEXAffected, findings.VEXUnderInvestigation:
		vex.Known, vex.Value = true, string(s.VEX)
		if s.VEX == findings.VEXNotAffected || s.VEX == findings.VEXFixed {
			vex.Multiplier = 0
		}
	}
	fs = append(fs, vex)

	reach := Factor{Name: FactorReachability, Value: "unknown", Multiplier: 1, Source: s.ReachabilityEvidence}
	switch s.Reachability {
	case findings.Reachable:
		reach.Known, reach.Value = true, string(findings.Reachable)
	case findings.Unreachable:
		reach.Known, reach.Value, reach.Multiplier = true, string(findings.Unreachable), w.Unreachable
	}
	fs = append(fs, reach)

	env := Factor{Name: FactorEnvironment, Value: "unknown", Multiplier: 1}
	switch s.Environment {
	case EnvironmentProduction:
		env.Known, env.Value = true, string(s.Environment)
	case EnvironmentStaging:
		env.Known, env.Value, env.Multiplier = true, string(s.Environment), w.Staging
	case EnvironmentDevelopment, EnvironmentTest:
		env.Known, env.Value, env.Multiplier = true, string(s.Environment), w.NonProduction
	}
	fs = append(fs, env)

	scope := Factor{Name: FactorScope, Value: "unknown", Multiplier: 1}
	switch s.Scope {
	case findings.ScopeRuntime:
		scope.Known, scope.Value = true, string(s.Scope)
	case findings.ScopeDev, findings.ScopeTest:
		scope.Known, scope.Value, scope.Multiplier = true, string(s.Scope), w.DevScope
	case findings.ScopeOptional:
		scope.Known, scope.Value, scope.Multiplier = true, string(s.Scope), w.OptionalScope
	}
	fs = append(fs, scope)

	rel := Factor{Name: FactorRelationship, Value: "unknown", Multiplier: 1}
	switch s.Relationship {
	case findings.RelationshipDirect:
		rel.Known, rel.Value = true, string(s.Relationship)
	case findings.RelationshipTransitive:
		rel.Known, rel.Value, rel.Multiplier = true, string(s.Relationship), w.Transitive
	}
	fs = append(fs, rel)

	// Compensating controls are known to be absent only if the caller says
	// so; an empty list counts as "none recorded", which is known.
	ctl := Factor{Name: FactorControls, Known: true, Value: "none", Multiplier: 1, Input: float64(len(s.CompensatingControls))}
	if n := len(s.CompensatingControls); n > 0 {
		ctl.Value = "present"
		ctl.Multiplier = math.Max(math.Pow(w.Control, float64(n)), math.Min(w.ControlFloor, 1))
	}
	fs = append(fs, ctl)

	// Sum the additive points, cap at 100, then apply the multipliers in
	// order, recording each one's change.
	total := 0.0
	for i := range fs {
		total += fs[i].Points
	}
	scale := 1.0
	if total > 100 {
		scale = 100 / total
	}
	running := 0.0
	for i := range fs {
		f := &fs[i]
		if f.Points != 0 {
			f.Contribution = round1(f.Points * scale)
			running += f.Points * scale
		}
	}
	for i := range fs {
		f := &fs[i]
		if f.Multiplier != 1 && f.Points == 0 {
			next := running * f.Multiplier
			f.Contribution = round1(next - running)
			running = next
		}
		if !f.Known {
			unknown++
		}
	}
	out.Value = round1(math.Max(0, math.Min(100, running)))
	out.Priority = m.Priority(out.Value)
	out.SSVC = deriveSSVC(s)
	out.Explanation = Explanation{Model: ModelVersion, Factors: fs, Unknown: unknown, Feeds: feeds(s)}
	return out
}

func feeds(s Signals) []string {
	var out []string
	if s.EPSS != nil && s.EPSS.Version != "" {
		out = append(out, "epss "+s.EPSS.Version)
	}
	if s.KEV != nil && s.KEV.Version != "" {
		out = append(out, "kev "+s.KEV.Version)
	}
	return out
}

func levelFactor(name FactorName, value string, level float64, weight float64, w *Weights) Factor {
	f := Factor{Name: name, Multiplier: 1, Value: value, Known: level >= 0, Input: level}
	if level < 0 {
		f.Value, f.Input = "unknown", w.UnknownLevel
	}
	f.Points = weight * clamp01(f.Input)
	return f
}

func exposureLevel(e Exposure, w *Weights) float64 {
	switch e {
	case ExposureInternet:
		return 1
	case ExposureInternal:
		return w.InternalExposure
	case ExposureIsolated:
		return 0
	}
	return -1
}

func criticalityLevel(c Criticality) float64 {
	switch c {
	case CriticalityCritical:
		return 1
	case CriticalityHigh:
		return 0.75
	case CriticalityMedium:
		return 0.5
	case CriticalityLow:
		return 0.25
	}
	return -1
}

func dataLevel(d DataSensitivity) float64 {
	switch d {
	case DataRestricted:
		return 1
	case DataConfidential:
		return 0.75
	case DataInternal:
		return 0.4
	case DataPublic:
		return 0
	}
	return -1
}

// severityScore is the CVSS-like score a severity word stands for: the
// middle of its CVSS v3 band, critical 9.5 and info 0.
func severityScore(s findings.Severity) float64 {
	switch s {
	case findings.SeverityCritical:
		return 9.5
	case findings.SeverityHigh:
		return 8
	case findings.SeverityMedium:
		return 5.5
	case findings.SeverityLow:
		return 2.5
	}
	return 0
}

func severityOfRating(r cvss.Rating) findings.Severity {
	switch r {
	case cvss.RatingCritical:
		return findings.SeverityCritical
	case cvss.RatingHigh:
		return findings.SeverityHigh
	case cvss.RatingMedium:
		return findings.SeverityMedium
	case cvss.RatingLow:
		return findings.SeverityLow
	case cvss.RatingNone:
		return findings.SeverityInfo
	}
	return findings.SeverityUnknown
}

func validProbability(p float64) bool { return p >= 0 && p <= 1 }

func clamp01(x float64) float64 {
	switch {
	case x < 0 || math.IsNaN(x):
		return 0
	case x > 1:
		return 1
	}
	return x
}
