package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
)

const scoreUsage = `Usage: aspm score [--kev FILE] [--epss FILE] [asset flags] [--explain] FILE...

Decodes each FILE (scanner output in any supported format) and prints every
finding as one JSON line {"finding": ..., "risk": ...}: its risk score
(0-100), priority (P1-P4), SSVC decision and the explanation of every
factor, most urgent first. The feeds are read from the files given, never
fetched: the EPSS CSV (plain or gzip) and the CISA KEV catalog (JSON or CSV).
Without them, EPSS and KEV data the scanner embedded (Grype) is used.

The asset flags describe where the findings were found; unset, they count as
unknown.

Flags:
`

// scoredFinding is one line of "aspm score" output.
type scoredFinding struct {
	Finding findings.Finding `json:"finding"`
	Risk    risk.Score       `json:"risk"`
}

// runScore implements "aspm score".
func runScore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kevFile := fs.String("kev", "", "CISA KEV catalog `file` (JSON or CSV)")
	epssFile := fs.String("epss", "", "EPSS scores `file` (CSV, plain or gzip)")
	exposure := fs.String("exposure", "", "asset exposure: internet, internal or isolated")
	environment := fs.String("environment", "", "asset environment: production, staging, development or test")
	criticality := fs.String("criticality", "", "asset criticality: critical, high, medium or low")
	data := fs.String("data", "", "asset data sensitivity: restricted, confidential, internal or public")
	environmental := fs.Bool("environmental", false, "rescore CVSS vectors with the asset's security requirements (CR, IR, AR)")
	explain := fs.Bool("explain", false, "print each score's explanation in words instead of JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, scoreUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("score", fs, args, stderr)
	if !ok {
		return code
	}

	ctx := risk.Context{
		Asset: risk.Asset{
			Exposure:        risk.Exposure(*exposure),
			Environment:     risk.Environment(*environment),
			Criticality:     risk.Criticality(*criticality),
			DataSensitivity: risk.DataSensitivity(*data),
		},
		Environmental: *environmental,
		Vectors:       &risk.VectorCache{},
	}
	probe := risk.Signals{Exposure: ctx.Asset.Exposure, Environment: ctx.Asset.Environment,
		Criticality: ctx.Asset.Criticality, DataSensitivity: ctx.Asset.DataSensitivity}
	if err := probe.Validate(); err != nil {
		fmt.Fprintf(stderr, "aspm score: %v\n", err)
		return exitBadInput
	}
	if *kevFile != "" {
		c, err := readFeed(*kevFile, func(r io.Reader, name string) (*kev.Catalog, error) {
			return kev.Read(r, kev.Options{Name: name})
		})
		if err != nil {
			fmt.Fprintf(stderr, "aspm score: %v\n", err)
			return exitBadInput
		}
		ctx.KEV = c
	}
	if *epssFile != "" {
		f, err := readFeed(*epssFile, func(r io.Reader, name string) (*epss.Feed, error) {
			return epss.Read(r, epss.Options{Name: name})
		})
		if err != nil {
			fmt.Fprintf(stderr, "aspm score: %v\n", err)
			return exitBadInput
		}
		ctx.EPSS = f
	}

	var model risk.Model
	var scored []scoredFinding
	h := findings.Handler{Finding: func(f findings.Finding) error {
		s, err := model.ScoreFinding(f, ctx)
		if err != nil {
			// The score stands without the vectors that did not parse; say so.
			fmt.Fprintf(stderr, "aspm score: %s: %v\n", f.Source.File, err)
		}
		scored = append(scored, scoredFinding{Finding: f, Risk: s})
		return nil
	}}
	failed := 0
	for _, name := range files {
		if err := decodeOne(name, "", stdin, h); err != nil {
			failed++
			fmt.Fprintf(stderr, "aspm score: %s: %v\n", name, err)
		}
	}
	slices.SortStableFunc(scored, func(a, b scoredFinding) int {
		if c := risk.Compare(a.Risk, b.Risk); c != 0 {
			return c
		}
		return cmp.Compare(a.Finding.ID, b.Finding.ID)
	})

	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, s := range scored {
		if *explain {
			fmt.Fprintf(out, "%s %5.1f %s ssvc=%s  %s  %s\n", s.Risk.Priority, s.Risk.Value, s.Risk.Severity,
				s.Risk.SSVC.Decision, cmp.Or(strings.Join(s.Finding.VulnerabilityIDs, ","), s.Finding.RuleID), s.Finding.Title)
			fmt.Fprint(out, s.Risk.Explanation.String())
			continue
		}
		if err := enc.Encode(s); err != nil {
			fmt.Fprintf(stderr, "aspm score: writing output: %v\n", err)
			return exitBadInput
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm score: writing output: %v\n", err)
		return exitBadInput
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "aspm score: %d of %d files failed\n", failed, len(files))
		return exitBadInput
	}
	return exitOK
}

// readFeed opens a feed file and reads it with read.
func readFeed[T any](name string, read func(io.Reader, string) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(name)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := read(f, name)
	if err != nil {
		return zero, err
	}
	return v, nil
}
