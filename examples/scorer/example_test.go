package main

import (
	"os"
	"strings"
)

// Scoring bare CVE IDs without feeds: nothing is known of them beyond
// their IDs, so each gets the score of unknown signals, and equal scores
// are ordered by ID. Give --kev and --epss to tell them apart.
func Example() {
	run([]string{"--cve", "CVE-2021-44228", "cve-2014-0160"}, strings.NewReader(""), os.Stdout, os.Stderr)
	// Output:
	// P3  37.0  CVE-2014-0160   -
	// P3  37.0  CVE-2021-44228  -
}
