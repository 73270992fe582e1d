package cvss

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// score2Rat is the CVSS v2 guide's equations in exact rational arithmetic,
// rounding half away from zero and keeping the final scores from going
// below 0, as Red Hat's calculator does: the oracle for score2Float.
func score2Rat(w v2w) (base, temporal, environmental float64) {
	r := func(n int64) *big.Rat { return big.NewRat(n, 1000) }
	one := big.NewRat(1, 1)
	round1 := func(x *big.Rat) *big.Rat {
		n := new(big.Rat).Abs(x)
		n.Mul(n, big.NewRat(10, 1))
		n.Add(n, big.NewRat(1, 2))
		q := new(big.Int).Quo(n.Num(), n.Denom())
		if x.Sign() < 0 {
			q.Neg(q)
		}
		return new(big.Rat).SetFrac(q, big.NewInt(10))
	}
	impactEq := func(c, i, a *big.Rat) *big.Rat { // 10.41*(1-(1-c)*(1-i)*(1-a))
		p := new(big.Rat).Sub(one, c)
		p.Mul(p, new(big.Rat).Sub(one, i))
		p.Mul(p, new(big.Rat).Sub(one, a))
		p.Sub(one, p)
		return p.Mul(p, big.NewRat(1041, 100))
	}
	expl := new(big.Rat).Mul(big.NewRat(20, 1), r(w.av))
	expl.Mul(expl, r(w.ac))
	expl.Mul(expl, r(w.au))
	baseEq := func(impact *big.Rat) *big.Rat {
		if impact.Sign() == 0 {
			return new(big.Rat)
		}
		b := new(big.Rat).Mul(big.NewRat(6, 10), impact)
		b.Add(b, new(big.Rat).Mul(big.NewRat(4, 10), expl))
		b.Sub(b, big.NewRat(15, 10))
		return round1(b.Mul(b, big.NewRat(1176, 1000)))
	}
	tm := new(big.Rat).Mul(r(w.e), r(w.rl))
	tm.Mul(tm, r(w.rc))

	b := baseEq(impactEq(r(w.c), r(w.i), r(w.a)))
	t := round1(new(big.Rat).Mul(b, tm))
	adj := impactEq(new(big.Rat).Mul(r(w.c), r(w.cr)), new(big.Rat).Mul(r(w.i), r(w.ir)), new(big.Rat).Mul(r(w.a), r(w.ar)))
	if ten := big.NewRat(10, 1); adj.Cmp(ten) > 0 {
		adj = ten
	}
	at := round1(new(big.Rat).Mul(baseEq(adj), tm))
	e := new(big.Rat).Sub(big.NewRat(10, 1), at)
	e.Mul(e, r(w.cdp))
	e.Add(e, at)
	e = round1(e.Mul(e, r(w.td)))
	f := func(x *big.Rat) float64 { v, _ := x.Float64(); return math.Max(0, v) }
	return f(b), f(t), f(e)
}

func eachV2Base(yield func(w v2w)) {
	ws := func(abbr string) []int64 { return v2Weights[abbr] }
	for _, av := range ws("AV") {
		for _, ac := range ws("AC") {
			for _, au := range ws("Au") {
				for _, c := range ws("C") {
					for _, i := range ws("I") {
						for _, a := range ws("A") {
							yield(v2w{av: av, ac: ac, au: au, c: c, i: i, a: a,
								e: 1000, rl: 1000, rc: 1000, cdp: 0, td: 1000, cr: 1000, ir: 1000, ar: 1000})
						}
					}
				}
			}
		}
	}
}

// TestScore2Exhaustive checks score2Float's float64 part on every
// combination of the metrics it reads (AV, AC, Au, C, I, A, CR, IR, AR):
// no value is too close to a boundary, and the base and adjusted base
// scores equal the exact ones. With E, RL, RC, CDP and TD not defined the
// environmental score is the adjusted base score.
func TestScore2Exhaustive(t *testing.T) {
	n := 0
	reqs := v2Weights["CR"][:3] // L, M, H (ND weighs as M)
	eachV2Base(func(w v2w) {
		for _, cr := range reqs {
			for _, ir := range reqs {
				for _, ar := range reqs {
					w.cr, w.ir, w.ar = cr, ir, ar
					n++
					b, tm, e, ok := score2Float(w)
					require.True(t, ok, "%+v", w)
					rb, rt, re := score2Rat(w)
					require.Equal(t, []float64{rb, rt, re}, []float64{b, tm, e}, "%+v", w)
				}
			}
		}
	})
	assert.Equal(t, 729*27, n)
}

// TestScore2Random checks score2Float against the exact equations on
// every base vector with random temporal and environmental metrics.
func TestScore2Random(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 2))
	pick := func(abbr string) int64 {
		ws := v2Weights[abbr]
		return ws[r.IntN(len(ws))]
	}
	eachV2Base(func(w v2w) {
		for range 20 {
			w.e, w.rl, w.rc = pick("E"), pick("RL"), pick("RC")
			w.cdp, w.td, w.cr, w.ir, w.ar = pick("CDP"), pick("TD"), pick("CR"), pick("IR"), pick("AR")
			b, tm, e, ok := score2Float(w)
			require.True(t, ok)
			rb, rt, re := score2Rat(w)
			require.Equal(t, []float64{rb, rt, re}, []float64{b, tm, e}, "%+v", w)
		}
	})
}

func TestDivRound(t *testing.T) {
	assert.Equal(t, int64(83), divRound(8265, 100))
	assert.Equal(t, int64(82), divRound(8249, 100))
	assert.Equal(t, int64(-2), divRound(-15, 10))
	assert.Equal(t, int64(-1), divRound(-14, 10))
	assert.Equal(t, int64(0), divRound(0, 10))
}

func TestRound1f(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want int64
		ok   bool
	}{
		{8.549999999999999, 0, false},
		{8.55, 0, false},
		{8.54, 85, true},
		{8.56, 86, true},
		{-0.168, -2, true},
		{-0.14, -1, true},
		{0, 0, true},
	} {
		got, ok := round1f(tc.in)
		assert.Equal(t, tc.ok, ok, "%v", tc.in)
		if tc.ok {
			assert.Equal(t, tc.want, got, "%v", tc.in)
		}
	}
}
