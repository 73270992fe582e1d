package cvss

import (
	"math"
	"testing"

	gocvss31 "github.com/pandatix/go-cvss/31"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMacroTable checks the MacroVector table read from go-cvss: 270
// entries, none where EQ3 is 2 and EQ6 is 0, each in (0, 10], and each
// highest severity vector lies in its own MacroVector.
func TestMacroTable(t *testing.T) {
	tab := macroScores()
	n := 0
	for i := range 3 {
		for j := range 2 {
			for k := range 3 {
				for l := range 3 {
					for m := range 3 {
						for o := range 2 {
							eq := [6]int{i, j, k, l, m, o}
							s := tab.score(eq)
							if k == 2 && o == 0 {
								assert.True(t, math.IsNaN(s), "%v", eq)
								continue
							}
							n++
							assert.True(t, s > 0 && s <= 10, "%v: %v", eq, s)
							v, err := Parse(highestVector(eq))
							require.NoError(t, err)
							assert.Equal(t, eq, macroVector(effective4(v, false)), highestVector(eq))
							assert.Equal(t, s, v.Scores().Score, highestVector(eq))
						}
					}
				}
			}
		}
	}
	assert.Equal(t, 270, n)
	assert.True(t, math.IsNaN(tab.score([6]int{3, 0, 0, 0, 0, 0})))
	assert.True(t, math.IsNaN(tab.score([6]int{0, 0, 0, 0, 0, 2})))
}

// TestHighestVectorsAlwaysFit checks, for every combination of effective
// values, that some highest severity vector of its EQ level is not
// exceeded, so score4Eff never needs FIRST's fallback to the last one.
func TestHighestVectorsAlwaysFit(t *testing.T) {
	base := eff4{'N', 'L', 'N', 'N', 'N', 'H', 'H', 'H', 'H', 'H', 'H', 'A', 'H', 'H', 'H'}
	n := 0
	check := func(e eff4, p maxPart) {
		t.Helper()
		n++
		_, ok := distances(e, p)
		assert.True(t, ok, "%q", e[:])
	}
	for _, av := range "NALP" {
		for _, pr := range "NLH" {
			for _, ui := range "NPA" {
				e := base
				e[e4AV], e[e4PR], e[e4UI] = byte(av), byte(pr), byte(ui)
				check(e, maxEQ1[macroVector(e)[0]])
			}
		}
	}
	for _, ac := range "LH" {
		for _, at := range "NP" {
			e := base
			e[e4AC], e[e4AT] = byte(ac), byte(at)
			check(e, maxEQ2[macroVector(e)[1]])
		}
	}
	for _, vc := range "HLN" {
		for _, vi := range "HLN" {
			for _, va := range "HLN" {
				for _, cr := range "HML" {
					for _, ir := range "HML" {
						for _, ar := range "HML" {
							e := base
							e[e4VC], e[e4VI], e[e4VA] = byte(vc), byte(vi), byte(va)
							e[e4CR], e[e4IR], e[e4AR] = byte(cr), byte(ir), byte(ar)
							eq := macroVector(e)
							check(e, maxEQ3EQ6[eq[2]][eq[5]])
						}
					}
				}
			}
		}
	}
	for _, sc := range "HLN" {
		for _, si := range "SHLN" {
			for _, sa := range "SHLN" {
				e := base
				e[e4SC], e[e4SI], e[e4SA] = byte(sc), byte(si), byte(sa)
				check(e, maxEQ4[macroVector(e)[3]])
			}
		}
	}
	assert.Equal(t, 36+4+729+48, n)
}

func TestRound4(t *testing.T) {
	for _, tc := range []struct {
		in, current, reference float64
	}{
		{1.4499999999999993, 1.5, 1.4}, // 8.6 - 7.15
		{4.945833333333333, 4.9, 4.9},
		{4.25, 4.3, 4.3},
		{0, 0, 0},
		{10, 10, 10},
		{0.0499995, 0.1, 0},
	} {
		assert.Equal(t, tc.current, round4(tc.in, RoundingCurrent), "%v", tc.in)
		assert.Equal(t, tc.reference, round4(tc.in, RoundingReference), "%v", tc.in)
	}
}

// TestGoCVSS31AcceptsEveryValue backs score3's claim that Set cannot fail.
func TestGoCVSS31AcceptsEveryValue(t *testing.T) {
	for _, m := range spec31.metrics {
		for _, val := range m.values {
			var c gocvss31.CVSS31
			assert.NoError(t, c.Set(m.abbr, val), "%s:%s", m.abbr, val)
		}
	}
}

// TestSpecTables checks the invariants the parser and scorers rely on.
func TestSpecTables(t *testing.T) {
	for _, s := range []*versionSpec{spec20, spec30, spec31, spec40} {
		require.LessOrEqual(t, len(s.metrics), maxMetrics)
		for _, m := range s.metrics {
			if m.group == groupBase {
				assert.Empty(t, m.undefined, "%s %s", s.version, m.abbr)
				continue
			}
			assert.Contains(t, m.values, m.undefined, "%s %s", s.version, m.abbr)
			if m.assumed != "" {
				assert.Contains(t, m.values, m.assumed, "%s %s", s.version, m.abbr)
			}
		}
	}
	for _, m := range spec20.metrics[6:] {
		assert.Equal(t, "ND", m.values[len(m.values)-1], "v2 weight2 takes ND as the last value: %s", m.abbr)
		assert.Len(t, v2Weights[m.abbr], len(m.values), m.abbr)
	}
	for i := range e4E {
		assert.Equal(t, "M"+spec40.metrics[i].abbr, spec40.metrics[i+15].abbr)
	}
	for i, abbr := range []string{"E", "CR", "IR", "AR"} {
		assert.Equal(t, abbr, spec40.metrics[e4E+i].abbr)
	}
}
