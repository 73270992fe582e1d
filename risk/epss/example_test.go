package epss_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/risk/epss"
)

func ExampleRead() {
	feed := `#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z
cve,epss,percentile
CVE-2021-44228,0.94358,0.99957
CVE-2014-0160,0.94467,0.99973
`
	f, err := epss.Read(strings.NewReader(feed), epss.Options{Name: "epss_scores.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Version(), f.Len())
	if s, ok := f.Lookup("cve-2021-44228"); ok {
		fmt.Printf("%s: probability %.3f, percentile %.3f\n", s.CVE, s.Probability, s.Percentile)
	}
	// Output:
	// v2026.06.15@2026-09-29 2
	// CVE-2021-44228: probability 0.944, percentile 1.000
}

func ExampleFeed_LookupAny() {
	feed := "cve,epss,percentile\nCVE-2023-0001,0.1,0.5\nCVE-2023-0002,0.7,0.9\n"
	f, err := epss.Read(strings.NewReader(feed), epss.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// One vulnerability, known under three IDs; the GHSA ID is not in the
	// feed.
	s, ok := f.LookupAny("GHSA-xxxx-yyyy-zzzz", "CVE-2023-0001", "CVE-2023-0002")
	fmt.Println(s.CVE, s.Probability, ok)
	// Output:
	// CVE-2023-0002 0.7 true
}

func ExampleParseError() {
	feed := "cve,epss,percentile\nCVE-2023-0001,0.1,0.5\nCVE-2023-0002,1.7,0.9\n"
	_, err := epss.Read(strings.NewReader(feed), epss.Options{Name: "today.csv"})
	var pe *epss.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Line, pe.Column, errors.Is(err, epss.ErrInvalid))
	}
	fmt.Println(err)
	// Output:
	// 3 epss true
	// epss: today.csv: line 3: column epss: invalid feed: 1.7 is outside [0, 1]
}
