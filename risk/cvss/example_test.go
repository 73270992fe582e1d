package cvss_test

import (
	"errors"
	"fmt"

	"github.com/aspmkit/aspm/risk/cvss"
)

func ExampleParse() {
	for _, s := range []string{
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"AV:N/AC:L/Au:N/C:P/I:P/A:P",
	} {
		v, err := cvss.Parse(s)
		if err != nil {
			panic(err)
		}
		s := v.Scores()
		fmt.Println(v.Version(), s.Score, s.Rating)
	}

	_, err := cvss.Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q")
	var pe *cvss.ParseError
	fmt.Println(errors.Is(err, cvss.ErrInvalid), errors.As(err, &pe), pe.Metric)
	fmt.Println(err)
	// Output:
	// 4.0 8.9 high
	// 3.1 9.8 critical
	// 2.0 7.5 high
	// true true A
	// cvss: invalid vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q": metric A: value "Q" is not one of H, L, N
}

// With applies an organization's environmental metrics to a published
// base vector.
func ExampleVector_With() {
	published, err := cvss.Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	if err != nil {
		panic(err)
	}
	internal, err := published.With(map[string]string{"MAV": "A", "CR": "L", "IR": "L"})
	if err != nil {
		panic(err)
	}
	fmt.Println(internal)
	fmt.Println(internal.Scores().Base, internal.Scores().Environmental)
	// Output:
	// CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/IR:L/MAV:A
	// 9.8 7.8
}

func ExampleScores_Effective() {
	v, err := cvss.Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/RL:O/CR:L")
	if err != nil {
		panic(err)
	}
	s := v.Scores()
	fmt.Println(s.Base, s.Temporal, s.Environmental, s.Effective())
	// Output:
	// 8.6 8.2 6 6
}

// RoundingReference reproduces FIRST's published v4.0 reference scores;
// the default follows FIRST's current calculator.
func ExampleParseWith() {
	const vector = "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L/E:U/CR:L/IR:M/AR:H/MAV:L/MAC:L/MAT:P/MPR:H/MUI:N/MVC:L/MSC:L/MSI:N"
	for _, r := range []cvss.Rounding{cvss.RoundingCurrent, cvss.RoundingReference} {
		v, err := cvss.ParseWith(vector, cvss.Options{Rounding: r})
		if err != nil {
			panic(err)
		}
		fmt.Println(r, v.Scores().Score)
	}
	// Output:
	// current 1.6
	// reference 1.5
}

func ExampleRatingOf() {
	fmt.Println(cvss.RatingOf(cvss.V31, 0), cvss.RatingOf(cvss.V40, 9.0), cvss.RatingOf(cvss.V2, 9.0))
	// Output:
	// none critical high
}

// Effective gives the values the formula uses, which is what a decision
// model such as SSVC reads.
func ExampleVector_Effective() {
	v, err := cvss.Parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:L")
	if err != nil {
		panic(err)
	}
	av, _ := v.Metric("AV")
	eav, _ := v.Effective("AV")
	e, _ := v.Effective("E")
	fmt.Println(av, eav, e)
	// Output:
	// N L A
}
