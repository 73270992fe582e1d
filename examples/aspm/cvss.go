package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/risk/cvss"
)

const cvssUsage = `Usage: aspm cvss [--rounding current|reference] VECTOR...

Parses and scores each CVSS vector (v2, v3.0, v3.1 or v4.0; a vector
without a "CVSS:" prefix is v2) and prints one tab-separated line per
vector on stdout:

  VECTOR  VERSION  SCORE  RATING  FIELDS...

SCORE, with one decimal, is the base score for v2 and v3.x and the score
of the vector as written for v4.0; RATING is none, low, medium, high or
critical. FIELDS are name=value pairs: for v2 and v3.x
"temporal=T  environmental=E", for v4.0 "nomenclature=CVSS-BTE  base=B"
(the score of the base metrics alone).

An invalid vector is named on stderr with the reason; the other vectors
are still printed and the exit status is 2.

Flags:
`

// runCVSS implements "aspm cvss".
func runCVSS(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cvss", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounding := fs.String("rounding", "current", "CVSS v4.0 rounding: `current` (FIRST's current calculator) or reference (FIRST's reference-scores file)")
	usage := func(w io.Writer) {
		fmt.Fprint(w, cvssUsage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	fs.Usage = func() {} // printed below, on stdout for -h
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			usage(stdout)
			return exitOK
		}
		usage(stderr)
		return exitBadInput
	}
	var opts cvss.Options
	switch *rounding {
	case "current":
		opts.Rounding = cvss.RoundingCurrent
	case "reference":
		opts.Rounding = cvss.RoundingReference
	default:
		fmt.Fprintf(stderr, "aspm cvss: unknown --rounding %q (current or reference)\n", *rounding)
		return exitBadInput
	}
	vectors := fs.Args()
	if len(vectors) == 0 {
		fmt.Fprintln(stderr, "aspm cvss: no VECTOR given")
		usage(stderr)
		return exitBadInput
	}
	for _, s := range vectors {
		if strings.HasPrefix(s, "-") {
			fmt.Fprintf(stderr, "aspm cvss: flag %q after a vector: flags come before vectors\n", s)
			return exitBadInput
		}
	}

	out := bufio.NewWriter(stdout)
	failed := 0
	for _, s := range vectors {
		v, err := cvss.ParseWith(s, opts)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "aspm %v\n", err)
			continue
		}
		writeCVSSLine(out, v)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm cvss: writing output: %v\n", err)
		return exitBadInput
	}
	if failed > 0 {
		return exitBadInput
	}
	return exitOK
}

// writeCVSSLine prints the line of one vector.
func writeCVSSLine(w io.Writer, v *cvss.Vector) {
	s := v.Scores()
	one := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
	fields := []string{v.String(), string(s.Version), one(s.Score), string(s.Rating)}
	if s.Version == cvss.V40 {
		fields = append(fields, "nomenclature="+s.Nomenclature, "base="+one(s.Base))
	} else {
		fields = append(fields, "temporal="+one(s.Temporal), "environmental="+one(s.Environmental))
	}
	fmt.Fprintln(w, strings.Join(fields, "\t"))
}
