package cvss

import (
	"math"

	gocvss31 "github.com/pandatix/go-cvss/31"
)

// score3 scores a v3.0 or v3.1 vector. v3.1 vectors are scored by go-cvss,
// which agrees with every v3.1 test vector of FIRST and Red Hat (see the
// package tests). v3.0 vectors are scored by score30.
func score3(v *Vector) (base, temporal, environmental float64) {
	if v.spec.version == V30 {
		return score30(v)
	}
	// The vector was validated by parse, so Set cannot fail (a test checks
	// that go-cvss accepts every value of every metric).
	var c gocvss31.CVSS31
	v.set3(c.Set)
	return c.BaseScore(), c.TemporalScore(), c.EnvironmentalScore()
}

// set3 gives every metric of v to set. The zero go-cvss value leaves every
// optional metric undefined (X); base metrics are all present.
func (v *Vector) set3(set func(abbr, value string) error) {
	for i, m := range v.spec.metrics {
		if c := v.vals[i]; c != 0 {
			_ = set(m.abbr, m.values[c-1])
		}
	}
}

// Weights of the CVSS v3.0 specification, section 8.4. PR depends on the
// scope; see weight30.
var weights30 = map[string]map[string]float64{
	"AV":  {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC":  {"L": 0.77, "H": 0.44},
	"PR":  {"N": 0.85, "L": 0.62, "H": 0.27},
	"PRC": {"N": 0.85, "L": 0.68, "H": 0.5}, // PR when the scope is changed
	"UI":  {"N": 0.85, "R": 0.62},
	"CIA": {"H": 0.56, "L": 0.22, "N": 0},
	"E":   {"H": 1, "F": 0.97, "P": 0.94, "U": 0.91},
	"RL":  {"U": 1, "W": 0.97, "T": 0.96, "O": 0.95},
	"RC":  {"C": 1, "R": 0.96, "U": 0.92},
	"CR":  {"H": 1.5, "M": 1, "L": 0.5}, // and IR, AR
}

// roundUp30 is the v3.0 specification's Round up, "the smallest number,
// specified to one decimal place, that is equal to or higher than its
// input", computed as FIRST's v3.0 calculator does: in float64, so that
// 5.0 × 0.92 = 4.6000000000000005 rounds up to 4.7. The v3.1 Roundup
// function, which go-cvss also applies to v3.0, was introduced to avoid
// exactly this; FIRST's v3.0 examples and Red Hat's v3.0 test vectors
// keep the v3.0 behaviour.
func roundUp30(x float64) float64 {
	return math.Ceil(float64(x*10)) / 10
}

// score30 scores a v3.0 vector per the v3.0 specification, section 8, in
// the float64 arithmetic and operation order of FIRST's v3.0 calculator.
func score30(v *Vector) (base, temporal, environmental float64) {
	raw := func(abbr string) string { s, _ := v.Metric(abbr); return s }
	eff := func(abbr string) string { s, _ := v.Effective(abbr); return s }
	cia, req := weights30["CIA"], weights30["CR"]
	e, rl, rc := weights30["E"][eff("E")], weights30["RL"][eff("RL")], weights30["RC"][eff("RC")]

	// ISCBase = 1 - [(1-ImpactConf) x (1-ImpactInteg) x (1-ImpactAvail)]
	s := raw("S")
	isc := 1 - float64(float64((1-cia[raw("C")])*(1-cia[raw("I")]))*(1-cia[raw("A")]))
	base = scoreFrom30(impact30(isc, s), expl30(raw("AV"), raw("AC"), raw("PR"), raw("UI"), s), s)
	temporal = roundUp30(float64(float64(base*e)*rl) * rc)

	// ISCModified = Minimum[1 - (1-M.IConf x CR) x (1-M.IInteg x IR) x
	// (1-M.IAvail x AR), 0.915]
	ms := eff("S")
	c := 1 - float64(cia[eff("C")]*req[eff("CR")])
	i := 1 - float64(cia[eff("I")]*req[eff("IR")])
	a := 1 - float64(cia[eff("A")]*req[eff("AR")])
	misc := math.Min(1-float64(float64(c*i)*a), 0.915)
	mimpact := impact30(misc, ms)
	if mimpact <= 0 {
		return base, temporal, 0
	}
	modified := scoreFrom30(mimpact, expl30(eff("AV"), eff("AC"), eff("PR"), eff("UI"), ms), ms)
	environmental = roundUp30(float64(float64(modified*e)*rl) * rc)
	return base, temporal, environmental
}

// expl30 is the exploitability sub-score, 8.22 x AV x AC x PR x UI; the
// weight of PR depends on the scope.
func expl30(av, ac, pr, ui, scope string) float64 {
	prw := weights30["PR"][pr]
	if scope == "C" {
		prw = weights30["PRC"][pr]
	}
	return float64(float64(float64(8.22*weights30["AV"][av])*weights30["AC"][ac])*prw) * weights30["UI"][ui]
}

// impact30 is the impact sub-score: 6.42 x ISC when the scope is
// unchanged, else 7.52 x [ISC - 0.029] - 3.25 x [ISC - 0.02]^15.
func impact30(isc float64, scope string) float64 {
	if scope == "U" {
		return 6.42 * isc
	}
	return float64(7.52*(isc-0.029)) - float64(3.25*math.Pow(isc-0.02, 15))
}

// scoreFrom30 is the base score equation: 0 if the impact is not above
// 0, else Round up(Minimum[(Impact + Exploitability), 10]), the sum
// multiplied by 1.08 when the scope is changed.
func scoreFrom30(impact, expl float64, scope string) float64 {
	if impact <= 0 {
		return 0
	}
	if scope == "U" {
		return roundUp30(math.Min(impact+expl, 10))
	}
	return roundUp30(math.Min(float64((impact+expl)*1.08), 10))
}
