package ssvc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aspmkit/aspm/risk/ssvc"
)

// FuzzParse feeds arbitrary strings to every Parse function and to
// Coordinator and Deployer, raw and parsed. Nothing may panic; a value
// that parses must be valid and parse to itself; every error must be a
// *ValueError wrapping ErrInvalid that repeats the input.
func FuzzParse(f *testing.F) {
	for _, seed := range [][4]string{
		{"none", "no", "partial", "low"},
		{"active", "yes", "total", "high"},
		{"Public PoC", "Y", "T", "Very High"},
		{"poc", "controlled", "out-of-cycle", "track*"},
		{"", " ", "-", "_"},
		{"\xff", "T*", "a--t", strings.Repeat("x", 40)},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, s1, s2, s3, s4 string) {
		for _, s := range []string{s1, s2, s3, s4} {
			checkOne(t, ssvc.ParseExploitation, ssvc.PointExploitation, s)
			checkOne(t, ssvc.ParseAutomatable, ssvc.PointAutomatable, s)
			checkOne(t, ssvc.ParseTechnicalImpact, ssvc.PointTechnicalImpact, s)
			checkOne(t, ssvc.ParseMissionWellbeing, ssvc.PointMissionWellbeing, s)
			checkOne(t, ssvc.ParseExposure, ssvc.PointExposure, s)
			checkOne(t, ssvc.ParseHumanImpact, ssvc.PointHumanImpact, s)
			checkOne(t, ssvc.ParseDecision, ssvc.PointDecision, s)
			checkOne(t, ssvc.ParsePriority, ssvc.PointPriority, s)
		}

		// Raw values: Coordinator succeeds exactly when every field is valid.
		raw := ssvc.CoordinatorInput{
			Exploitation: ssvc.Exploitation(s1), Automatable: ssvc.Automatable(s2),
			TechnicalImpact: ssvc.TechnicalImpact(s3), MissionWellbeing: ssvc.MissionWellbeing(s4),
		}
		allValid := raw.Exploitation.Valid() && raw.Automatable.Valid() && raw.TechnicalImpact.Valid() && raw.MissionWellbeing.Valid()
		d, err := ssvc.Coordinator(raw)
		checkOutcome(t, d.Valid(), err, allValid)

		// Parsed values.
		e, err1 := ssvc.ParseExploitation(s1)
		a, err2 := ssvc.ParseAutomatable(s2)
		ti, err3 := ssvc.ParseTechnicalImpact(s3)
		m, err4 := ssvc.ParseMissionWellbeing(s4)
		d, err = ssvc.Coordinator(ssvc.CoordinatorInput{Exploitation: e, Automatable: a, TechnicalImpact: ti, MissionWellbeing: m})
		checkOutcome(t, d.Valid(), err, err1 == nil && err2 == nil && err3 == nil && err4 == nil)

		x, err2 := ssvc.ParseExposure(s2)
		a, err3 = ssvc.ParseAutomatable(s3)
		h, err4 := ssvc.ParseHumanImpact(s4)
		p, err := ssvc.Deployer(ssvc.DeployerInput{Exploitation: e, Exposure: x, Automatable: a, HumanImpact: h})
		checkOutcome(t, p.Valid(), err, err1 == nil && err2 == nil && err3 == nil && err4 == nil)
	})
}

func checkOne[T interface {
	~string
	Valid() bool
}](t *testing.T, parse func(string) (T, error), point, s string) {
	t.Helper()
	v, err := parse(s)
	if err != nil {
		var ve *ssvc.ValueError
		if !errors.As(err, &ve) || !errors.Is(err, ssvc.ErrInvalid) || ve.Point != point || ve.Value != s {
			t.Fatalf("%s %q: bad error %T %v", point, s, err, err)
		}
		if v != "" {
			t.Fatalf("%s %q: value %q with error", point, s, v)
		}
		_ = err.Error()
		return
	}
	if !v.Valid() {
		t.Fatalf("%s %q: parsed to invalid %q", point, s, v)
	}
	if again, err := parse(string(v)); err != nil || again != v {
		t.Fatalf("%s %q: %q does not parse to itself: %q %v", point, s, v, again, err)
	}
	if again, err := parse(strings.ToUpper(s)); err != nil || again != v {
		t.Fatalf("%s %q: upper case parses to %q %v, not %q", point, s, again, err, v)
	}
}

func checkOutcome(t *testing.T, valid bool, err error, wantOK bool) {
	t.Helper()
	if wantOK {
		if err != nil || !valid {
			t.Fatalf("valid input: valid=%v err=%v", valid, err)
		}
		return
	}
	var ve *ssvc.ValueError
	if err == nil || valid || !errors.Is(err, ssvc.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("invalid input: valid=%v err=%T %v", valid, err, err)
	}
}
