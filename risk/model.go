package risk

import "math"

// ModelVersion names the scoring formula of this package. It changes
// whenever the same signals and weights could give a different score, and
// every [Explanation] records it.
const ModelVersion = "aspm-risk/1"

// Weights are the knobs of the [Model]. The points of the additive factors
// add up to the score's ceiling of 100 with the defaults; the multipliers
// then scale that sum down. See [DefaultWeights] for every default and why.
//
// A Weights value is used as given: a zero weight switches its factor off.
type Weights struct {
	// Severity is the points a CVSS score of 10 is worth; a score of s is
	// worth Severity×s/10.
	Severity float64
	// Threat is the points certain exploitation is worth. The threat level
	// in [0, 1] is the highest of: 1 when KEV lists the vulnerability or
	// attacks are reported, PoCThreat when a proof of concept is public,
	// and √p for an EPSS probability p.
	Threat float64
	// PoCThreat is the threat level of a public proof of concept.
	PoCThreat float64
	// Ransomware is the points added when KEV reports use in ransomware
	// campaigns.
	Ransomware float64
	// Exposure is the points of an internet-exposed asset; an internal one
	// gets Exposure×InternalExposure, an isolated one nothing.
	Exposure float64
	// InternalExposure is the fraction of Exposure an internal asset gets.
	InternalExposure float64
	// Criticality is the points of a business-critical asset (high ¾,
	// medium ½, low ¼).
	Criticality float64
	// DataSensitivity is the points of an asset with restricted data
	// (confidential ¾, internal 0.4, public 0).
	DataSensitivity float64
	// FixAvailable is the points added when a fix exists, for teams that
	// rank actionable findings first. 0 by default: a fix does not make a
	// vulnerability likelier to be exploited.
	FixAvailable float64

	// UnknownSeverity is the CVSS-like score (0–10) assumed when neither a
	// CVSS vector nor a severity is known.
	UnknownSeverity float64
	// UnknownThreat is the threat level assumed when nothing is known of
	// exploitation (no EPSS, no KEV listing, no exploit maturity).
	UnknownThreat float64
	// UnknownLevel is the level (0–1) assumed for an unknown exposure,
	// criticality or data sensitivity.
	UnknownLevel float64

	// Unreachable multiplies the score of a finding whose vulnerable code
	// was shown unreachable.
	Unreachable float64
	// Staging and NonProduction multiply the score of findings on staging
	// and on development or test assets.
	Staging       float64
	NonProduction float64
	// DevScope multiplies the score of dev and test dependencies,
	// OptionalScope that of optional ones.
	DevScope      float64
	OptionalScope float64
	// Transitive multiplies the score of transitive dependencies.
	Transitive float64
	// Control multiplies the score once per compensating control, down to
	// ControlFloor.
	Control      float64
	ControlFloor float64
}

// DefaultWeights returns the weights a zero [Model] uses:
//
//	additive factor            points  levels
//	severity (CVSS/10)           35    the CVSS score, or the severity word: critical 9.5, high 8, medium 5.5, low 2.5, info 0
//	threat (exploitation)        35    KEV or attacked 1, public PoC 0.6, EPSS √p
//	ransomware (KEV)              5
//	exposure                     15    internet 1, internal 0.4, isolated 0
//	asset criticality             7    critical 1, high 0.75, medium 0.5, low 0.25
//	data sensitivity              3    restricted 1, confidential 0.75, internal 0.4, public 0
//	fix available                 0
//	unknown: severity 5.0, threat 0.2, exposure/criticality/data 0.5
//
//	multiplier                         value
//	VEX not_affected or fixed            0
//	unreachable code                     0.4
//	staging / development, test          0.8 / 0.6
//	dev or test dependency / optional    0.5 / 0.8
//	transitive dependency                0.9
//	each compensating control            0.85, down to 0.5
//
// The threat level uses √p so that EPSS's skew (most probabilities are
// below 1%) still separates: p = 0.01 gives 0.1, p = 0.25 gives 0.5. An
// unknown threat (0.2) sits between "EPSS says 4%" and "no signal at all":
// not zero, since the absence of data is not evidence of safety.
func DefaultWeights() Weights {
	return Weights{
		Severity:         35,
		Threat:           35,
		PoCThreat:        0.6,
		Ransomware:       5,
		Exposure:         15,
		InternalExposure: 0.4,
		Criticality:      7,
		DataSensitivity:  3,
		FixAvailable:     0,
		UnknownSeverity:  5.0,
		UnknownThreat:    0.2,
		UnknownLevel:     0.5,
		Unreachable:      0.4,
		Staging:          0.8,
		NonProduction:    0.6,
		DevScope:         0.5,
		OptionalScope:    0.8,
		Transitive:       0.9,
		Control:          0.85,
		ControlFloor:     0.5,
	}
}

// Thresholds are the lowest scores of priorities P1, P2 and P3; anything
// below P3 is P4.
type Thresholds struct {
	P1, P2, P3 float64
}

// DefaultThresholds returns P1 ≥ 70, P2 ≥ 50, P3 ≥ 30.
func DefaultThresholds() Thresholds { return Thresholds{P1: 70, P2: 50, P3: 30} }

// Model turns [Signals] into a [Score]. Its zero value is ready to use with
// [DefaultWeights] and [DefaultThresholds]. A Model is a plain value, safe
// for concurrent use.
type Model struct {
	// Weights overrides DefaultWeights when non-nil.
	Weights *Weights
	// Thresholds overrides DefaultThresholds when non-nil.
	Thresholds *Thresholds
}

var (
	defaultWeights    = DefaultWeights()
	defaultThresholds = DefaultThresholds()
)

func (m *Model) weights() *Weights {
	if m.Weights != nil {
		return m.Weights
	}
	return &defaultWeights
}

func (m *Model) thresholds() *Thresholds {
	if m.Thresholds != nil {
		return m.Thresholds
	}
	return &defaultThresholds
}

// Priority is a remediation priority: P1 (fix now) to P4 (fix when
// convenient).
type Priority string

// The priorities.
const (
	P1 Priority = "P1"
	P2 Priority = "P2"
	P3 Priority = "P3"
	P4 Priority = "P4"
)

// Rank returns 1 for P1 through 4 for P4, and 5 for anything else, so that
// a lower rank is more urgent.
func (p Priority) Rank() int {
	switch p {
	case P1:
		return 1
	case P2:
		return 2
	case P3:
		return 3
	case P4:
		return 4
	}
	return 5
}

// Priority returns the priority of a score under the model's thresholds.
func (m Model) Priority(score float64) Priority {
	t := m.thresholds()
	switch {
	case score >= t.P1:
		return P1
	case score >= t.P2:
		return P2
	case score >= t.P3:
		return P3
	}
	return P4
}

// round1 rounds to one decimal, half away from zero, so that scores are
// stable across platforms when printed.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
