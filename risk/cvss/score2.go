package cvss

import "math"

// CVSS v2 scores are exact: each equation the v2 guide rounds with
// round_to_1_decimal is rounded half up on its exact decimal value, as Red
// Hat's calculator (Python decimals) does. go-cvss rounds float64 results
// instead: 9.0 × 0.95 is 8.549999999999999 in float64, and it rounds the
// temporal score of AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C to 8.5, where
// the guide, NVD and Red Hat give 8.6.
//
// score2 computes Impact, AdjustedImpact and the base score equation in
// float64: their exact values are never within v2Margin of a rounding
// boundary or of AdjustedImpact's cap of 10, and float64 errors on them
// stay below 1e-12, so rounding the float64 value gives the exact result.
// (TestScore2Exhaustive checks every combination of the metrics they read
// against exact rational arithmetic.) The temporal and environmental
// equations multiply tenths by weights in thousandths and often land
// exactly on a boundary (10 × 0.95 × 0.87 = 8.265), so they are computed
// in integers.

// v2Margin is how far from a rounding boundary a float64 value must be for
// its rounding to be the exact one.
const v2Margin = 1e-6

// v2Weights holds the weight of each value of each v2 metric, in
// thousandths, by metric and value index (see spec20).
var v2Weights = map[string][]int64{
	"AV":  {395, 646, 1000},            // L, A, N
	"AC":  {350, 610, 710},             // H, M, L
	"Au":  {450, 560, 704},             // M, S, N
	"C":   {0, 275, 660},               // N, P, C
	"I":   {0, 275, 660},               //
	"A":   {0, 275, 660},               //
	"E":   {850, 900, 950, 1000, 1000}, // U, POC, F, H, ND
	"RL":  {870, 900, 950, 1000, 1000}, // OF, TF, W, U, ND
	"RC":  {900, 950, 1000, 1000},      // UC, UR, C, ND
	"CDP": {0, 100, 300, 400, 500, 0},  // N, L, LM, MH, H, ND
	"TD":  {0, 250, 750, 1000, 1000},   // N, L, M, H, ND
	"CR":  {500, 1000, 1510, 1000},     // L, M, H, ND
	"IR":  {500, 1000, 1510, 1000},     //
	"AR":  {500, 1000, 1510, 1000},     //
}

// code2 returns the index of metric i's value in v, or that of its "not
// defined" value when the vector leaves it out.
func (v *Vector) code2(i int) int {
	code := int(v.vals[i]) - 1
	if code < 0 {
		code = len(v.spec.metrics[i].values) - 1 // ND is the last value of every optional metric
	}
	return code
}

// v2w holds the weights of a v2 vector, in thousandths.
type v2w struct {
	av, ac, au, c, i, a, e, rl, rc, cdp, td, cr, ir, ar int64
}

func weights2(v *Vector) v2w {
	w := func(abbr string) int64 {
		i := spec20.index[abbr]
		return v2Weights[abbr][v.code2(i)]
	}
	return v2w{av: w("AV"), ac: w("AC"), au: w("Au"), c: w("C"), i: w("I"), a: w("A"),
		e: w("E"), rl: w("RL"), rc: w("RC"), cdp: w("CDP"), td: w("TD"), cr: w("CR"), ir: w("IR"), ar: w("AR")}
}

// score2 scores a v2 vector per the CVSS v2 guide, section 3.2.
func score2(v *Vector) (base, temporal, environmental float64) {
	// ok is true for every v2 vector (see TestScore2Exhaustive).
	base, temporal, environmental, _ = score2Float(weights2(v))
	return base, temporal, environmental
}

// round1f rounds x to one decimal, half away from zero (Python's
// ROUND_HALF_UP, which Red Hat's calculator uses), and returns it in
// tenths; false when x is too close to a boundary to decide in float64.
func round1f(x float64) (int64, bool) {
	y := math.Abs(float64(x * 10))
	f := math.Floor(y)
	d := y - f - 0.5
	if math.Abs(d) < v2Margin*10 {
		return 0, false
	}
	if d > 0 {
		f++
	}
	return int64(math.Copysign(f, x)), true
}

// divRound returns n/d rounded half away from zero; d is even.
func divRound(n, d int64) int64 {
	if n < 0 {
		return -((-n + d/2) / d)
	}
	return (n + d/2) / d
}

// score2Float computes the impact equations in float64, and the rest,
// whose inputs are then tenths and thousandths, in integers. It returns
// false if a float64 value is within v2Margin of a rounding boundary or of
// AdjustedImpact's cap of 10, where its rounding might not be exact.
func score2Float(w v2w) (base, temporal, environmental float64, ok bool) {
	f := func(n int64) float64 { return float64(n) / 1000 }
	c, i, a := f(w.c), f(w.i), f(w.a)
	zero := w.c == 0 && w.i == 0 && w.a == 0 // Impact = 0, and AdjustedImpact too
	expl := float64(float64(float64(20*f(w.av))*f(w.ac)) * f(w.au))
	// baseEq returns BaseScore in tenths for an Impact.
	baseEq := func(impact float64) (int64, bool) {
		if zero {
			return 0, true
		}
		return round1f(float64(float64(float64(0.6*impact)+float64(0.4*expl))-1.5) * 1.176)
	}
	// temporalEq returns TemporalScore in tenths for a BaseScore in tenths:
	// tenths × thousandths³ = 10⁻¹⁰.
	temporalEq := func(b int64) int64 {
		return divRound(b*w.e*w.rl*w.rc, 1e9)
	}

	b, ok1 := baseEq(float64(10.41 * float64(1-float64(float64((1-c)*(1-i))*(1-a)))))
	t := temporalEq(b)

	ci, ii, ai := float64(c*f(w.cr)), float64(i*f(w.ir)), float64(a*f(w.ar))
	adj := float64(10.41 * float64(1-float64(float64((1-ci)*(1-ii))*(1-ai))))
	ok2 := math.Abs(adj-10) >= v2Margin
	ab, ok3 := baseEq(math.Min(adj, 10))
	at := temporalEq(ab)
	// (AdjustedTemporal + (10-AdjustedTemporal)*CDP)*TD: tenths and
	// thousandths make units of 10⁻⁴, times TD 10⁻⁷.
	e := divRound((at*1000+(100-at)*w.cdp)*w.td, 1e6)

	tenths := func(n int64) float64 { return math.Max(0, float64(n)/10) }
	return tenths(b), tenths(t), tenths(e), ok1 && ok2 && ok3
}
