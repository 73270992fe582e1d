package cvss

import (
	"fmt"
	"math"
	"sync"

	gocvss40 "github.com/pandatix/go-cvss/40"
)

// This file scores CVSS v4.0 vectors with the algorithm of the CVSS v4.0
// specification, section 8.2 ("CVSS v4.0 Scoring"), in the floating-point
// arithmetic of FIRST's calculator, operation for operation, so that the
// scores agree with FIRST's to the last bit before rounding. The package
// documentation explains why go-cvss's own Score is not used.

// Positions of the metrics the v4.0 formula reads, in eff4 arrays.
const (
	e4AV = iota
	e4AC
	e4AT
	e4PR
	e4UI
	e4VC
	e4VI
	e4VA
	e4SC
	e4SI
	e4SA
	e4E
	e4CR
	e4IR
	e4AR
	n4
)

// eff4 holds the effective value (one letter) of each metric the formula
// reads: modified metrics applied, E defaulted to A and CR, IR, AR to H.
type eff4 [n4]byte

// effective4 returns the effective values of v; with baseOnly, the
// threat and environmental metrics are ignored.
func effective4(v *Vector, baseOnly bool) eff4 {
	var e eff4
	// spec40 lists AV..SA at 0..10, E at 11, CR, IR, AR at 12..14 and
	// MAV..MSA at 15..25, so metric i < 11 has its modified one at i+15.
	for i := range n4 {
		m := spec40.metrics[i]
		var val string
		if c := v.vals[i]; c != 0 {
			val = m.values[c-1]
		}
		if i >= e4E {
			if baseOnly || val == "" || val == m.undefined {
				val = m.assumed
			}
		} else if c := v.vals[i+15]; !baseOnly && c > 1 { // value 1 is X
			val = spec40.metrics[i+15].values[c-1]
		}
		e[i] = val[0]
	}
	return e
}

// The severity levels of metric values, in tenths, as FIRST's calculator
// defines them: the severity distance of a vector from a highest severity
// vector is the difference of these levels, a float64 like 0.3 - 0.1 =
// 0.19999999999999998. The literals matter: 3*0.1 is not 0.3 in float64.
var tenths = [4]float64{0.0, 0.1, 0.2, 0.3}

// levelOrder lists the values of each metric from most to least severe;
// a value's level is tenths[its position]. SC has no S value but its
// levels start at 0.1 like SI's and SA's, hence the S placeholder.
var levelOrder = [n4]string{
	e4AV: "NALP", e4AC: "LH", e4AT: "NP", e4PR: "NLH", e4UI: "NPA",
	e4VC: "HLN", e4VI: "HLN", e4VA: "HLN",
	e4SC: "SHLN", e4SI: "SHLN", e4SA: "SHLN",
	e4E: "APU", e4CR: "HML", e4IR: "HML", e4AR: "HML",
}

// level[m][letter-'A'] is the level of a value.
var level = func() (l [n4][26]float64) {
	for m, order := range levelOrder {
		for k := range len(order) {
			l[m][order[k]-'A'] = tenths[k]
		}
	}
	return l
}()

// A maxPart is one highest severity vector of one equivalence set: the
// metrics it sets and their values, in FIRST's order.
type maxPart struct {
	metrics []int
	values  []string // each string holds one letter per metric
}

// The highest severity vectors of each EQ level (specification tables
// 24–30), in the order FIRST's calculator tries them. The order matters:
// the first one the vector does not exceed is used, and while the sum of
// distances is the same for each, its float64 rounding is not.
var (
	maxEQ1 = [3]maxPart{ // AV, PR, UI
		{[]int{e4AV, e4PR, e4UI}, []string{"NNN"}},
		{[]int{e4AV, e4PR, e4UI}, []string{"ANN", "NLN", "NNP"}},
		{[]int{e4AV, e4PR, e4UI}, []string{"PNN", "ALP"}},
	}
	maxEQ2 = [2]maxPart{ // AC, AT
		{[]int{e4AC, e4AT}, []string{"LN"}},
		{[]int{e4AC, e4AT}, []string{"HN", "LP"}},
	}
	eq36 = []int{e4VC, e4VI, e4VA, e4CR, e4IR, e4AR}
	// maxEQ3EQ6[eq3][eq6]; EQ3 2 with EQ6 0 does not exist.
	maxEQ3EQ6 = [3][2]maxPart{
		{{eq36, []string{"HHHHHH"}}, {eq36, []string{"HHLMMH", "HHHMMM"}}},
		{{eq36, []string{"LHHHHH", "HLHHHH"}}, {eq36, []string{"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}}},
		{{}, {eq36, []string{"LLLHHH"}}},
	}
	maxEQ4 = [3]maxPart{ // SC, SI, SA
		{[]int{e4SC, e4SI, e4SA}, []string{"HSS"}},
		{[]int{e4SC, e4SI, e4SA}, []string{"HHH"}},
		{[]int{e4SC, e4SI, e4SA}, []string{"LLL"}},
	}
)

// The depth of each EQ level plus one ("max severity" in FIRST's
// calculator), which the proportion of the distance divides by.
var (
	depthEQ1    = [3]float64{1, 4, 5}
	depthEQ2    = [2]float64{1, 2}
	depthEQ3EQ6 = [3][2]float64{{7, 6}, {8, 8}, {math.NaN(), 10}}
	depthEQ4    = [3]float64{6, 5, 4}
)

// step converts a depth to the scale of the levels. It is a variable so
// that depth*step is computed in float64 at run time, as FIRST does
// (7*0.1 = 0.7000000000000001), not exactly at compile time.
var step = 0.1

// macroVector returns the six EQ levels of e.
func macroVector(e eff4) (eq [6]int) {
	av, pr, ui := e[e4AV], e[e4PR], e[e4UI]
	switch {
	case av == 'N' && pr == 'N' && ui == 'N':
		eq[0] = 0
	case (av == 'N' || pr == 'N' || ui == 'N') && av != 'P':
		eq[0] = 1
	default:
		eq[0] = 2
	}
	if !(e[e4AC] == 'L' && e[e4AT] == 'N') {
		eq[1] = 1
	}
	vc, vi, va := e[e4VC], e[e4VI], e[e4VA]
	switch {
	case vc == 'H' && vi == 'H':
		eq[2] = 0
	case vc == 'H' || vi == 'H' || va == 'H':
		eq[2] = 1
	default:
		eq[2] = 2
	}
	// SI and SA are S only when MSI or MSA is S.
	switch {
	case e[e4SI] == 'S' || e[e4SA] == 'S':
		eq[3] = 0
	case e[e4SC] == 'H' || e[e4SI] == 'H' || e[e4SA] == 'H':
		eq[3] = 1
	default:
		eq[3] = 2
	}
	switch e[e4E] {
	case 'A':
		eq[4] = 0
	case 'P':
		eq[4] = 1
	default: // U
		eq[4] = 2
	}
	if !((e[e4CR] == 'H' && vc == 'H') || (e[e4IR] == 'H' && vi == 'H') || (e[e4AR] == 'H' && va == 'H')) {
		eq[5] = 1
	}
	return eq
}

// macroTable[eq1][eq2][eq3][eq4][eq5][eq6] is the score of each
// MacroVector (specification section 8.1), NaN where none exists.
type macroTable [3][2][3][3][3][2]float64

// score returns the score of a MacroVector, NaN when it does not exist.
func (t *macroTable) score(eq [6]int) float64 {
	if eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1 {
		return math.NaN()
	}
	return t[eq[0]][eq[1]][eq[2]][eq[3]][eq[4]][eq[5]]
}

// macroScores builds the MacroVector table from go-cvss, once: the score
// of a MacroVector is by definition the score of its highest severity
// vector, whose severity distances are all 0, and go-cvss scores such a
// vector as exactly its table entry. (The tests check all 270 entries
// against FIRST's macro-vector scores.)
var macroScores = sync.OnceValue(func() *macroTable {
	t := new(macroTable)
	for i := range t {
		for j := range t[i] {
			for k := range t[i][j] {
				for l := range t[i][j][k] {
					for m := range t[i][j][k][l] {
						for n := range t[i][j][k][l][m] {
							t[i][j][k][l][m][n] = math.NaN()
							if k == 2 && n == 0 {
								continue
							}
							t[i][j][k][l][m][n] = goCVSSScore(highestVector([6]int{i, j, k, l, m, n}))
						}
					}
				}
			}
		}
	}
	return t
})

// highestVector returns the first highest severity vector of a
// MacroVector.
func highestVector(eq [6]int) string {
	var e eff4
	for _, p := range []maxPart{maxEQ1[eq[0]], maxEQ2[eq[1]], maxEQ3EQ6[eq[2]][eq[5]], maxEQ4[eq[3]]} {
		for k, m := range p.metrics {
			e[m] = p.values[0][k]
		}
	}
	e[e4E] = "APU"[eq[4]]
	si, sa, mod := e[e4SI], e[e4SA], ""
	if si == 'S' { // SI:S and SA:S exist only as MSI and MSA
		si, sa, mod = 'H', 'H', "/MSI:S/MSA:S"
	}
	return fmt.Sprintf("CVSS:4.0/AV:%c/AC:%c/AT:%c/PR:%c/UI:%c/VC:%c/VI:%c/VA:%c/SC:%c/SI:%c/SA:%c/E:%c/CR:%c/IR:%c/AR:%c%s",
		e[e4AV], e[e4AC], e[e4AT], e[e4PR], e[e4UI], e[e4VC], e[e4VI], e[e4VA], e[e4SC], si, sa,
		e[e4E], e[e4CR], e[e4IR], e[e4AR], mod)
}

// goCVSSScore scores a valid vector with go-cvss; NaN if it cannot.
func goCVSSScore(vector string) float64 {
	c, err := gocvss40.ParseVector(vector)
	if err != nil {
		return math.NaN()
	}
	return c.Score()
}

// distances returns the severity distances of e from the first highest
// severity vector of p that e does not exceed in any metric, summed in
// p's metric order, and whether there is one. Without one it returns the
// distances from the last vector of p, as FIRST's calculator does.
func distances(e eff4, p maxPart) (float64, bool) {
	var sum float64
	for _, mx := range p.values {
		sum = 0
		ok := true
		for k, m := range p.metrics {
			d := level[m][e[m]-'A'] - level[m][mx[k]-'A']
			if d < 0 {
				ok = false
			}
			sum = float64(sum + d)
		}
		if ok {
			return sum, true
		}
	}
	return sum, false
}

// score4 scores v (its base metrics alone with baseOnly).
func score4(v *Vector, baseOnly bool) float64 {
	return score4Eff(effective4(v, baseOnly), v.opts.Rounding)
}

// score4Eff is the CVSS v4.0 formula on effective values.
func score4Eff(e eff4, r Rounding) float64 {
	// No impact on the vulnerable or the subsequent system: 0.
	if e[e4VC] == 'N' && e[e4VI] == 'N' && e[e4VA] == 'N' &&
		e[e4SC] == 'N' && e[e4SI] == 'N' && e[e4SA] == 'N' {
		return 0
	}
	t := macroScores()
	eq := macroVector(e)
	value := t.score(eq)

	// 1.a The maximal scoring difference of each EQ: the score of the
	// MacroVector minus that of the next lower one; NaN where there is
	// none. EQ3 and EQ6 move together.
	lower := func(i int) float64 {
		n := eq
		n[i]++
		return t.score(n)
	}
	var next36 float64
	switch e3, e6 := eq[2], eq[5]; {
	case e3 == 0 && e6 == 0: // 00 → 01 or 10, whichever scores higher
		next36 = math.Max(lower(5), lower(2))
	case e3 == 1 && e6 == 0: // 10 → 11
		next36 = lower(5)
	case e3 == 2: // 21 → none
		next36 = math.NaN()
	default: // 01 → 11, 11 → 21
		next36 = lower(2)
	}
	avail := [5]float64{
		value - lower(0),
		value - lower(1),
		value - next36,
		value - lower(3),
		value - lower(4),
	}

	// 1.b The severity distances from a highest severity vector of the
	// MacroVector, taken together: the first combination that e does not
	// exceed anywhere, else the last one.
	parts := [4]maxPart{maxEQ1[eq[0]], maxEQ2[eq[1]], maxEQ3EQ6[eq[2]][eq[5]], maxEQ4[eq[3]]}
	var dist [4]float64
	all := true
	for i, p := range parts {
		d, ok := distances(e, p)
		dist[i] = d
		all = all && ok
	}
	if !all {
		for i, p := range parts {
			last := maxPart{metrics: p.metrics, values: p.values[len(p.values)-1:]}
			dist[i], _ = distances(e, last)
		}
	}

	// 1.c, 1.d The proportion of the distance to the depth of the EQ
	// level, times the maximal scoring difference. EQ5 has depth 0 and
	// contributes 0 when a lower MacroVector exists.
	depth := [4]float64{
		float64(depthEQ1[eq[0]] * step),
		float64(depthEQ2[eq[1]] * step),
		float64(depthEQ3EQ6[eq[2]][eq[5]] * step),
		float64(depthEQ4[eq[3]] * step),
	}
	var norm [5]float64
	n := 0
	for i := range avail {
		if math.IsNaN(avail[i]) {
			continue
		}
		n++
		if i < 4 {
			norm[i] = float64(avail[i] * float64(dist[i]/depth[i]))
		}
	}

	// 2. The mean of the proportional distances; 3. the MacroVector's
	// score minus that mean, within [0, 10], rounded to one decimal.
	var mean float64
	if n > 0 {
		mean = float64(float64(float64(float64(norm[0]+norm[1])+norm[2])+norm[3])+norm[4]) / float64(n)
	}
	return round4(math.Max(0, math.Min(10, value-mean)), r)
}

// round4 rounds a v4.0 score to one decimal, half up, with or without
// FIRST's correction of 10⁻⁶.
func round4(x float64, r Rounding) float64 {
	if r == RoundingCurrent {
		x = float64(x + 1e-6)
	}
	return math.Round(float64(x*10)) / 10
}
