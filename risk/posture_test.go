package risk

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aspmkit/aspm/findings"
)

func TestPosture(t *testing.T) {
	rep := func(n int, s Score) []Score {
		out := make([]Score, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	tests := []struct {
		name      string
		scores    []Score
		score     float64
		grade     Grade
		inherited int
	}{
		{"nothing open", nil, 100, GradeA, 0},
		{"one P1 at 100", []Score{{Value: 100, Priority: P1, Severity: findings.SeverityCritical}}, 60, GradeD, 10},
		{"three P2 at 60", rep(3, Score{Value: 60, Priority: P2, Severity: findings.SeverityHigh}), 73, GradeC, 15},
		{"a hundred P4 at 20", rep(100, Score{Value: 20, Priority: P4, Severity: findings.SeverityLow}), 80, GradeB, 100},
		{"penalty capped at 100", rep(10, Score{Value: 90, Priority: P1, Severity: findings.SeverityCritical}), 0, GradeF, 100},
		{"not_affected costs nothing but counts", []Score{{Value: 0, Priority: P4, Severity: findings.SeverityMedium}}, 100, GradeA, 3},
		{"unknown severity is unassigned (×5)", []Score{{Value: 30, Priority: P3, Severity: findings.SeverityUnknown}, {Value: 30, Priority: P3}}, 97, GradeA, 10},
		{"info counts nothing in the inherited score", []Score{{Value: 5, Priority: P4, Severity: findings.SeverityInfo}}, 100, GradeA, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Posture(tc.scores, nil)
			assert.InDelta(t, tc.score, r.Score, 1e-9)
			assert.Equal(t, tc.grade, r.Grade)
			assert.Equal(t, tc.inherited, r.InheritedRiskScore)
			n := 0
			for _, c := range r.Open {
				n += c
			}
			assert.Equal(t, len(tc.scores), n)
		})
	}
}

func TestInheritedRiskScoreMatchesDependencyTrack(t *testing.T) {
	// Dependency-Track: critical×10 + high×5 + medium×3 + low×1 + unassigned×5.
	got := InheritedRiskScore(map[findings.Severity]int{
		findings.SeverityCritical: 2, findings.SeverityHigh: 3, findings.SeverityMedium: 4,
		findings.SeverityLow: 5, findings.SeverityUnknown: 1, findings.SeverityInfo: 7,
	})
	assert.Equal(t, 2*10+3*5+4*3+5*1+1*5, got)
}

func TestGradeOf(t *testing.T) {
	for score, g := range map[float64]Grade{100: GradeA, 90: GradeA, 89.9: GradeB, 80: GradeB, 70: GradeC, 60: GradeD, 59.9: GradeF, 0: GradeF} {
		assert.Equal(t, g, GradeOf(score), "score %v", score)
	}
}

func TestPostureCustomWeights(t *testing.T) {
	w := PostureWeights{P1: 100}
	r := Posture([]Score{{Value: 50, Priority: P1}, {Value: 100, Priority: P2}}, &w)
	assert.InDelta(t, 50, r.Score, 1e-9)
}
