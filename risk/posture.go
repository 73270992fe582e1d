package risk

import (
	"math"

	"github.com/aspmkit/aspm/findings"
)

// Grade is a letter grade, A (best) to F.
type Grade string

// The grades.
const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
	GradeF Grade = "F"
)

// PostureWeights are the penalty points one open finding of each priority
// costs at a risk score of 100; a finding with score s costs weight×s/100.
// Its zero value is not used: [Posture] takes DefaultPostureWeights when
// given nil.
type PostureWeights struct {
	P1, P2, P3, P4 float64
}

// DefaultPostureWeights returns P1 40, P2 15, P3 5, P4 1.
func DefaultPostureWeights() PostureWeights { return PostureWeights{P1: 40, P2: 15, P3: 5, P4: 1} }

// PostureRating rates an asset or application by its open findings.
type PostureRating struct {
	// Score is 100 for nothing open, down to 0.
	Score float64 `json:"score"`
	// Grade is A for 90 and up, B for 80, C for 70, D for 60, F below.
	Grade Grade `json:"grade"`
	// InheritedRiskScore is Dependency-Track's figure for the same
	// findings: critical×10 + high×5 + medium×3 + low×1 + unassigned×5,
	// counted by severity (info counts nothing; unknown is unassigned). It
	// grows without bound, unlike Score.
	InheritedRiskScore int `json:"inherited_risk_score"`
	// Open counts the findings rated, by priority.
	Open map[Priority]int `json:"open"`
	// Severities counts them by severity.
	Severities map[findings.Severity]int `json:"severities"`
}

// Posture rates a set of open findings by their scores. The formula:
//
//	penalty = min(100, Σ weight(priority_i) × score_i / 100)
//	score   = 100 − penalty, one decimal
//	grade   = A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F otherwise
//
// With the default weights one open P1 finding scored 100 costs 40 points
// (grade D), three P2 findings scored 60 cost 27 (grade C), and a hundred P4
// findings scored 20 cost 20 (grade B): many small problems weigh less than
// one that attackers use. Findings whose score is 0 (for example VEX
// not_affected) cost nothing but are counted. Pass nil weights for the
// defaults.
func Posture(scores []Score, weights *PostureWeights) PostureRating {
	w := DefaultPostureWeights()
	if weights != nil {
		w = *weights
	}
	r := PostureRating{Open: map[Priority]int{}, Severities: map[findings.Severity]int{}}
	penalty := 0.0
	for _, s := range scores {
		r.Open[s.Priority]++
		sev := s.Severity
		if !sev.Valid() || sev == "" {
			sev = findings.SeverityUnknown
		}
		r.Severities[sev]++
		var pw float64
		switch s.Priority {
		case P1:
			pw = w.P1
		case P2:
			pw = w.P2
		case P3:
			pw = w.P3
		case P4:
			pw = w.P4
		}
		penalty += pw * clamp01(s.Value/100)
	}
	r.Score = round1(100 - math.Min(100, penalty))
	r.Grade = GradeOf(r.Score)
	r.InheritedRiskScore = InheritedRiskScore(r.Severities)
	return r
}

// GradeOf returns the letter grade of a posture score.
func GradeOf(score float64) Grade {
	switch {
	case score >= 90:
		return GradeA
	case score >= 80:
		return GradeB
	case score >= 70:
		return GradeC
	case score >= 60:
		return GradeD
	}
	return GradeF
}

// InheritedRiskScore computes Dependency-Track's inherited risk score from
// counts by severity: critical×10 + high×5 + medium×3 + low×1 +
// unassigned×5, where unassigned is the unknown severity.
func InheritedRiskScore(counts map[findings.Severity]int) int {
	return counts[findings.SeverityCritical]*10 +
		counts[findings.SeverityHigh]*5 +
		counts[findings.SeverityMedium]*3 +
		counts[findings.SeverityLow]*1 +
		counts[findings.SeverityUnknown]*5
}
