package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
)

// Exit statuses, as in every aspm tool.
const (
	exitOK       = 0 // success
	exitBadInput = 2 // bad input or usage
)

// maxTitle bounds a printed title, in runes.
const maxTitle = 120

const usage = `Usage: scorer [--kev FILE] [--epss FILE] [--explain] FINDINGS-FILE...
       scorer [--kev FILE] [--epss FILE] [--explain] --cve CVE-ID...

Scores each finding of the FINDINGS-FILEs (scanner output in any format aspm
reads; "-" is standard input), or each bare CVE-ID, by exploitability, and
prints one line per score, most urgent first: priority, score (0-100), ID and
title. --explain adds every factor of the score in words.

The feeds are read from the files given, never fetched: the CISA KEV catalog
(JSON or CSV) and the EPSS scores (CSV, plain or gzip). Without them, what
the scanner embedded (Grype does) is used.

Exit status: 0 on success, 2 on bad input or usage; every file or ID that
fails is named on stderr, and the others are still scored.

Flags:
`

// scored is one output line: a finding and its risk.
type scored struct {
	id      string // the primary vulnerability ID, else the rule ID
	finding findings.Finding
	risk    risk.Score
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scorer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kevFile := fs.String("kev", "", "CISA KEV catalog `file` (JSON or CSV)")
	epssFile := fs.String("epss", "", "EPSS scores `file` (CSV, plain or gzip)")
	explain := fs.Bool("explain", false, "print each score's explanation")
	cves := fs.Bool("cve", false, "the arguments are CVE IDs, not files")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitBadInput
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		fmt.Fprintln(stderr, "scorer: no FINDINGS-FILE or CVE-ID given")
		fs.Usage()
		return exitBadInput
	}
	for _, in := range inputs {
		if strings.HasPrefix(in, "-") && in != "-" {
			fmt.Fprintf(stderr, "scorer: flag %q after an argument: flags come first\n", in)
			return exitBadInput
		}
	}

	ctx := risk.Context{Vectors: &risk.VectorCache{}}
	var err error
	if *kevFile != "" {
		if ctx.KEV, err = readFeed(*kevFile, kev.Read, kev.Options{Name: *kevFile}); err != nil {
			fmt.Fprintf(stderr, "scorer: %v\n", err)
			return exitBadInput
		}
	}
	if *epssFile != "" {
		if ctx.EPSS, err = readFeed(*epssFile, epss.Read, epss.Options{Name: *epssFile}); err != nil {
			fmt.Fprintf(stderr, "scorer: %v\n", err)
			return exitBadInput
		}
	}

	var model risk.Model
	var out []scored
	score := func(f findings.Finding) {
		s, err := model.ScoreFinding(f, ctx)
		if err != nil {
			// The score stands without the signal that did not parse.
			fmt.Fprintf(stderr, "scorer: %s: %v\n", cmp.Or(f.Source.File, displayID(f)), err)
		}
		out = append(out, scored{id: displayID(f), finding: f, risk: s})
	}
	failed := 0
	for _, in := range inputs {
		if *cves {
			f, ok := cveFinding(in, ctx.KEV)
			if !ok {
				failed++
				fmt.Fprintf(stderr, "scorer: %q is not a CVE ID (CVE-YYYY-NNNN)\n", in)
				continue
			}
			score(f)
			continue
		}
		if err := decodeFile(in, stdin, findings.Handler{Finding: func(f findings.Finding) error { score(f); return nil }}); err != nil {
			failed++
			fmt.Fprintf(stderr, "scorer: %s: %v\n", in, err)
		}
	}

	slices.SortStableFunc(out, func(a, b scored) int {
		return cmp.Or(risk.Compare(a.risk, b.risk), cmp.Compare(a.id, b.id), cmp.Compare(a.finding.ID, b.finding.ID))
	})
	if err := writeScores(stdout, out, *explain); err != nil {
		fmt.Fprintf(stderr, "scorer: writing output: %v\n", err)
		return exitBadInput
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "scorer: %d of %d arguments failed\n", failed, len(inputs))
		return exitBadInput
	}
	return exitOK
}

// writeScores writes one line per score, IDs padded to one width, and with
// explain each score's explanation indented below it. Titles and
// explanations come from scanner output: they are made plain first.
func writeScores(w io.Writer, list []scored, explain bool) error {
	bw := bufio.NewWriter(w)
	width := 0
	for _, s := range list {
		width = max(width, len(s.id))
	}
	for _, s := range list {
		title := cmp.Or(report.Plain(s.finding.Title, maxTitle), "-")
		fmt.Fprintf(bw, "%s %5.1f  %-*s  %s\n", s.risk.Priority, s.risk.Value, width, s.id, title)
		if !explain {
			continue
		}
		for line := range strings.Lines(s.risk.Explanation.String()) {
			fmt.Fprintf(bw, "    %s\n", report.Plain(strings.TrimRight(line, "\n"), 0))
		}
	}
	return bw.Flush()
}

// displayID is what identifies a finding to a person: its primary
// vulnerability ID, else its rule, else its ID.
func displayID(f findings.Finding) string {
	if len(f.VulnerabilityIDs) > 0 {
		return report.Plain(f.VulnerabilityIDs[0], 64)
	}
	return report.Plain(cmp.Or(f.RuleID, f.ID), 64)
}

// cveFinding builds the finding of a bare CVE ID: nothing is known of it
// but its ID (and, when the catalog lists it, CISA's name for it), so its
// severity is unknown and the feeds carry the score.
func cveFinding(arg string, catalog *kev.Catalog) (findings.Finding, bool) {
	id := strings.ToUpper(strings.TrimSpace(arg))
	if !validCVE(id) {
		return findings.Finding{}, false
	}
	f := findings.Finding{Kind: findings.KindSCA, Severity: findings.SeverityUnknown, VulnerabilityIDs: []string{id}}
	if catalog != nil {
		if e, ok := catalog.Lookup(id); ok {
			f.Title = e.Name
		}
	}
	f.ID = id
	return f, true
}

// validCVE reports whether id is "CVE-", a four-digit year, "-" and four
// or more digits.
func validCVE(id string) bool {
	year, seq, ok := strings.Cut(strings.TrimPrefix(id, "CVE-"), "-")
	if !ok || !strings.HasPrefix(id, "CVE-") || len(year) != 4 || len(seq) < 4 || len(seq) > 19 {
		return false
	}
	for _, r := range year + seq {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// decodeFile decodes one file, or standard input for "-", into h.
func decodeFile(name string, stdin io.Reader, h findings.Handler) error {
	opts := detect.Options{DecodeOptions: findings.DecodeOptions{Name: name}}
	if name == "-" {
		opts.Name = "<stdin>"
		_, err := detect.Decode(stdin, opts, h)
		return err
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = detect.Decode(f, opts, h)
	return err
}

// readFeed opens a feed file and parses it with read.
func readFeed[T, O any](name string, read func(io.Reader, O) (T, error), opts O) (T, error) {
	f, err := os.Open(name)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f, opts)
}
