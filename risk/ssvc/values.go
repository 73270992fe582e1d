package ssvc

import "strings"

// Exploitation is the SSVC Exploitation decision point (v1.1.0): the
// present state of exploitation of the vulnerability. It is a plain string
// value, safe for concurrent use.
type Exploitation string

// The values of [Exploitation].
const (
	// ExploitationNone: no evidence of active exploitation and no public
	// proof of concept.
	ExploitationNone Exploitation = "none"
	// ExploitationPoC: a public proof of concept exists (in Metasploit,
	// ExploitDB and the like), or the way to exploit it is well known.
	ExploitationPoC Exploitation = "public poc"
	// ExploitationActive: reliable, shared evidence that attackers exploit
	// it in the wild.
	ExploitationActive Exploitation = "active"
)

var exploitations = [...]Exploitation{ExploitationNone, ExploitationPoC, ExploitationActive}

// index returns the position of e in the SSVC value order, or -1.
func (e Exploitation) index() int {
	switch e {
	case ExploitationNone:
		return 0
	case ExploitationPoC:
		return 1
	case ExploitationActive:
		return 2
	}
	return -1
}

// Valid reports whether e is one of the defined values, spelled exactly
// as its constant.
func (e Exploitation) Valid() bool { return e.index() >= 0 }

// ParseExploitation returns the Exploitation that s names, ignoring case
// and surrounding space, with hyphens and underscores read as spaces:
// "none" or "n"; "public poc", "poc", "p", "proof of concept" or "public
// proof of concept"; "active" or "a". Anything else gives a [*ValueError]
// wrapping [ErrInvalid].
func ParseExploitation(s string) (Exploitation, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "none", "n":
		return ExploitationNone, nil
	case "public poc", "poc", "p", "publicpoc", "proof of concept", "public proof of concept":
		return ExploitationPoC, nil
	case "active", "a":
		return ExploitationActive, nil
	}
	return "", invalid(PointExploitation, s)
}

// Automatable is the SSVC Automatable decision point (v2.0.0): can an
// attacker reliably automate reconnaissance, weaponization, delivery and
// exploitation? It is a plain string value, safe for concurrent use.
type Automatable string

// The values of [Automatable].
const (
	AutomatableNo  Automatable = "no"  // the first four kill-chain steps cannot be reliably automated
	AutomatableYes Automatable = "yes" // they can
)

var automatables = [...]Automatable{AutomatableNo, AutomatableYes}

func (a Automatable) index() int {
	switch a {
	case AutomatableNo:
		return 0
	case AutomatableYes:
		return 1
	}
	return -1
}

// Valid reports whether a is one of the defined values, spelled exactly
// as its constant.
func (a Automatable) Valid() bool { return a.index() >= 0 }

// ParseAutomatable returns the Automatable that s names, ignoring case and
// surrounding space: "no", "n" or "false"; "yes", "y" or "true". Anything
// else gives a [*ValueError] wrapping [ErrInvalid].
func ParseAutomatable(s string) (Automatable, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "no", "n", "false":
		return AutomatableNo, nil
	case "yes", "y", "true":
		return AutomatableYes, nil
	}
	return "", invalid(PointAutomatable, s)
}

// TechnicalImpact is the SSVC Technical Impact decision point (v1.0.0):
// how much control over, or disclosure from, the vulnerable software an
// exploit gives. It is a plain string value, safe for concurrent use.
type TechnicalImpact string

// The values of [TechnicalImpact].
const (
	// TechnicalImpactPartial: limited control or disclosure, or only a
	// small chance of total control.
	TechnicalImpactPartial TechnicalImpact = "partial"
	// TechnicalImpactTotal: total control of the software's behavior, or
	// disclosure of all information on the system.
	TechnicalImpactTotal TechnicalImpact = "total"
)

var technicalImpacts = [...]TechnicalImpact{TechnicalImpactPartial, TechnicalImpactTotal}

func (t TechnicalImpact) index() int {
	switch t {
	case TechnicalImpactPartial:
		return 0
	case TechnicalImpactTotal:
		return 1
	}
	return -1
}

// Valid reports whether t is one of the defined values, spelled exactly
// as its constant.
func (t TechnicalImpact) Valid() bool { return t.index() >= 0 }

// ParseTechnicalImpact returns the TechnicalImpact that s names, ignoring
// case and surrounding space: "partial" or "p"; "total" or "t". Anything
// else gives a [*ValueError] wrapping [ErrInvalid].
func ParseTechnicalImpact(s string) (TechnicalImpact, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "partial", "p":
		return TechnicalImpactPartial, nil
	case "total", "t":
		return TechnicalImpactTotal, nil
	}
	return "", invalid(PointTechnicalImpact, s)
}

// MissionWellbeing is the SSVC Mission and Well-Being Impact decision
// point (v1.0.0): the combined effect of exploitation on the missions of
// the organizations that use the software and on public well-being. It is
// a plain string value, safe for concurrent use.
type MissionWellbeing string

// The values of [MissionWellbeing].
const (
	MissionWellbeingLow    MissionWellbeing = "low"
	MissionWellbeingMedium MissionWellbeing = "medium"
	MissionWellbeingHigh   MissionWellbeing = "high"
)

var missionWellbeings = [...]MissionWellbeing{MissionWellbeingLow, MissionWellbeingMedium, MissionWellbeingHigh}

func (m MissionWellbeing) index() int {
	switch m {
	case MissionWellbeingLow:
		return 0
	case MissionWellbeingMedium:
		return 1
	case MissionWellbeingHigh:
		return 2
	}
	return -1
}

// Valid reports whether m is one of the defined values, spelled exactly
// as its constant.
func (m MissionWellbeing) Valid() bool { return m.index() >= 0 }

// ParseMissionWellbeing returns the MissionWellbeing that s names,
// ignoring case and surrounding space: "low" or "l"; "medium", "med" or
// "m"; "high" or "h". Anything else gives a [*ValueError] wrapping
// [ErrInvalid].
func ParseMissionWellbeing(s string) (MissionWellbeing, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "low", "l":
		return MissionWellbeingLow, nil
	case "medium", "med", "m":
		return MissionWellbeingMedium, nil
	case "high", "h":
		return MissionWellbeingHigh, nil
	}
	return "", invalid(PointMissionWellbeing, s)
}

// Exposure is the SSVC System Exposure decision point (v1.0.1): how
// reachable the vulnerable system is. It is a plain string value, safe for
// concurrent use.
type Exposure string

// The values of [Exposure].
const (
	// ExposureSmall: local service or program, or reachable only through
	// a narrow, tightly controlled path.
	ExposureSmall Exposure = "small"
	// ExposureControlled: reachable, but behind controls that restrict
	// who can reach it (a firewall, a VPN, an allow list).
	ExposureControlled Exposure = "controlled"
	// ExposureOpen: reachable by anyone, typically from the internet.
	ExposureOpen Exposure = "open"
)

var exposures = [...]Exposure{ExposureSmall, ExposureControlled, ExposureOpen}

func (x Exposure) index() int {
	switch x {
	case ExposureSmall:
		return 0
	case ExposureControlled:
		return 1
	case ExposureOpen:
		return 2
	}
	return -1
}

// Valid reports whether x is one of the defined values, spelled exactly
// as its constant.
func (x Exposure) Valid() bool { return x.index() >= 0 }

// ParseExposure returns the Exposure that s names, ignoring case and
// surrounding space: "small" or "s"; "controlled" or "c"; "open" or "o".
// Anything else gives a [*ValueError] wrapping [ErrInvalid].
func ParseExposure(s string) (Exposure, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "small", "s":
		return ExposureSmall, nil
	case "controlled", "c":
		return ExposureControlled, nil
	case "open", "o":
		return ExposureOpen, nil
	}
	return "", invalid(PointExposure, s)
}

// HumanImpact is the SSVC Human Impact decision point (v2.0.2): the
// combined safety and mission consequences of exploitation for the people
// who depend on the system. It is a plain string value, safe for
// concurrent use.
type HumanImpact string

// The values of [HumanImpact].
const (
	HumanImpactLow      HumanImpact = "low"
	HumanImpactMedium   HumanImpact = "medium"
	HumanImpactHigh     HumanImpact = "high"
	HumanImpactVeryHigh HumanImpact = "very high"
)

var humanImpacts = [...]HumanImpact{HumanImpactLow, HumanImpactMedium, HumanImpactHigh, HumanImpactVeryHigh}

func (h HumanImpact) index() int {
	switch h {
	case HumanImpactLow:
		return 0
	case HumanImpactMedium:
		return 1
	case HumanImpactHigh:
		return 2
	case HumanImpactVeryHigh:
		return 3
	}
	return -1
}

// Valid reports whether h is one of the defined values, spelled exactly
// as its constant.
func (h HumanImpact) Valid() bool { return h.index() >= 0 }

// ParseHumanImpact returns the HumanImpact that s names, ignoring case and
// surrounding space, with hyphens and underscores read as spaces: "low"
// or "l"; "medium", "med" or "m"; "high" or "h"; "very high", "veryhigh"
// or "vh". Anything else gives a [*ValueError] wrapping [ErrInvalid].
func ParseHumanImpact(s string) (HumanImpact, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "low", "l":
		return HumanImpactLow, nil
	case "medium", "med", "m":
		return HumanImpactMedium, nil
	case "high", "h":
		return HumanImpactHigh, nil
	case "very high", "veryhigh", "vh":
		return HumanImpactVeryHigh, nil
	}
	return "", invalid(PointHumanImpact, s)
}

// Decision is an outcome of the CISA Coordinator tree: one of the four
// CISA levels (v1.1.0). It is a plain string value, safe for concurrent
// use.
type Decision string

// The values of [Decision], from least to most urgent. The package
// overview explains what each level asks for.
const (
	DecisionTrack     Decision = "track"
	DecisionTrackStar Decision = "track*"
	DecisionAttend    Decision = "attend"
	DecisionAct       Decision = "act"
)

var decisions = [...]Decision{DecisionTrack, DecisionTrackStar, DecisionAttend, DecisionAct}

// Rank orders decisions by urgency: track is 0, track* 1, attend 2, act 3;
// an invalid value is -1.
func (d Decision) Rank() int {
	switch d {
	case DecisionTrack:
		return 0
	case DecisionTrackStar:
		return 1
	case DecisionAttend:
		return 2
	case DecisionAct:
		return 3
	}
	return -1
}

// Valid reports whether d is one of the defined values, spelled exactly
// as its constant.
func (d Decision) Valid() bool { return d.Rank() >= 0 }

// ParseDecision returns the Decision that s names, ignoring case and
// surrounding space: "track" or "t"; "track*", "track star" or "t*";
// "attend" or "at"; "act" or "ac" (the keys are those of the SSVC JSON
// tables). Anything else gives a [*ValueError] wrapping [ErrInvalid].
func ParseDecision(s string) (Decision, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "track", "t":
		return DecisionTrack, nil
	case "track*", "track star", "trackstar", "t*":
		return DecisionTrackStar, nil
	case "attend", "at":
		return DecisionAttend, nil
	case "act", "ac":
		return DecisionAct, nil
	}
	return "", invalid(PointDecision, s)
}

// Priority is an outcome of the SSVC Deployer tree: the Defer, Scheduled,
// Out-of-Cycle, Immediate decision point (v1.0.0). It is a plain string
// value, safe for concurrent use.
type Priority string

// The values of [Priority], from least to most urgent.
const (
	// PriorityDefer: do not act on it now.
	PriorityDefer Priority = "defer"
	// PriorityScheduled: apply the fix in the regular maintenance cycle.
	PriorityScheduled Priority = "scheduled"
	// PriorityOutOfCycle: fix or mitigate sooner than the next regular
	// cycle, as an unplanned change.
	PriorityOutOfCycle Priority = "out-of-cycle"
	// PriorityImmediate: fix or mitigate now, putting other work aside.
	PriorityImmediate Priority = "immediate"
)

var priorities = [...]Priority{PriorityDefer, PriorityScheduled, PriorityOutOfCycle, PriorityImmediate}

// Rank orders priorities by urgency: defer is 0, scheduled 1, out-of-cycle
// 2, immediate 3; an invalid value is -1.
func (p Priority) Rank() int {
	switch p {
	case PriorityDefer:
		return 0
	case PriorityScheduled:
		return 1
	case PriorityOutOfCycle:
		return 2
	case PriorityImmediate:
		return 3
	}
	return -1
}

// Valid reports whether p is one of the defined values, spelled exactly
// as its constant.
func (p Priority) Valid() bool { return p.Rank() >= 0 }

// ParsePriority returns the Priority that s names, ignoring case and
// surrounding space, with hyphens and underscores read as spaces: "defer"
// or "d"; "scheduled" or "s"; "out-of-cycle", "out of cycle",
// "outofcycle" or "o"; "immediate" or "i". Anything else gives a
// [*ValueError] wrapping [ErrInvalid].
func ParsePriority(s string) (Priority, error) {
	var buf [maxValueLen]byte
	switch string(normalize(&buf, s)) {
	case "defer", "d":
		return PriorityDefer, nil
	case "scheduled", "s":
		return PriorityScheduled, nil
	case "out of cycle", "outofcycle", "o":
		return PriorityOutOfCycle, nil
	case "immediate", "i":
		return PriorityImmediate, nil
	}
	return "", invalid(PointPriority, s)
}

// maxValueLen is longer than any value or alias the Parse functions
// accept; longer input is rejected without being copied.
const maxValueLen = 32

// normalize trims s, lowercases ASCII letters and turns every run of
// spaces, tabs, hyphens and underscores into one space, writing the
// result into buf. It returns nothing for input longer than maxValueLen
// after trimming, which matches no value. Non-ASCII bytes are kept as
// they are, so they match nothing. The caller converts the result to a
// string only to compare it, so Parse functions do not allocate.
func normalize(buf *[maxValueLen]byte, s string) []byte {
	s = strings.TrimSpace(s)
	if len(s) > maxValueLen {
		return nil
	}
	n := 0
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '-' || c == '_':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && n > 0 {
			buf[n] = ' '
			n++
		}
		sep = false
		buf[n] = c
		n++
	}
	return buf[:n]
}
