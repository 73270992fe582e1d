package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/risk"
)

// Exit statuses, as in every aspm tool.
const (
	exitOK       = 0 // the gate passed
	exitGate     = 1 // the gate failed
	exitBadInput = 2 // bad input or usage
)

const usage = `Usage: cigate [--baseline FILE]... [--fail-on-priority P] [--fail-on-severity S]
              [--posture-controls] [--policy DIR]... [--sarif FILE] [--junit FILE] SCAN...

Compares the findings of the SCAN files (scanner output in any format aspm
reads; "-" is standard input) with those of the --baseline files (the same
scanners on the target branch), scores every finding by exploitability, and
fails when a NEW finding (not in the baseline, or back after a fix) that is
not suppressed reaches --fail-on-priority (P1 most urgent) or
--fail-on-severity. "none" turns a threshold off. Without a baseline every
finding is new.

--posture-controls also evaluates the built-in compliance controls (and the
Rego controls of each --policy DIR) against the scanned posture, and fails
when a gating control fails. --sarif and --junit write the whole comparison
(new, unchanged, updated and fixed findings, with their risk) as SARIF 2.1.0
and JUnit XML.

Exit status: 0 when the gate passes, 1 when it fails, 2 on bad input or
usage. Every file that cannot be read or decoded is named on stderr, and
nothing is compared.

Flags:
`

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// config is a parsed command line.
type config struct {
	baselines, scans, policies []string
	priority                   risk.Priority     // empty: off
	severity                   findings.Severity // empty: off
	posture                    bool
	sarif, junit               string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, code, ok := parseArgs(args, stderr)
	if !ok {
		return code
	}
	base, bfailed := decodeAll(cfg.baselines, stdin, stderr)
	scanned, sfailed := decodeAll(cfg.scans, stdin, stderr)
	if n := bfailed + sfailed; n > 0 {
		fmt.Fprintf(stderr, "cigate: %d of %d files failed; nothing compared\n", n, len(cfg.baselines)+len(cfg.scans))
		return exitBadInput
	}

	// The clock dates the comparison and the reports; the library never
	// reads it.
	at := time.Now().UTC().Truncate(time.Second)
	var opts correlate.Options
	res := correlate.Compare(correlate.Baseline(base, at, opts), correlate.Scan{ID: "cigate", At: at, Findings: scanned}, opts)
	ctx := risk.Context{Vectors: &risk.VectorCache{}}
	entries := score(res.Changes, ctx, stderr)
	g := judge(entries, cfg)

	if code := writeReports(cfg, entries, at, stderr); code != exitOK {
		return code
	}
	if cfg.posture {
		failed, err := postureGate(cfg.policies, scanned, res.Records, ctx, at, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "cigate: %v\n", err)
			return exitBadInput
		}
		g.controls = failed
		g.postureChecked = true
	}
	if err := g.print(stdout, cfg, len(cfg.baselines), len(cfg.scans)); err != nil {
		fmt.Fprintf(stderr, "cigate: writing output: %v\n", err)
		return exitBadInput
	}
	if !g.passed() {
		return exitGate
	}
	return exitOK
}

// parseArgs parses the command line; it returns the configuration, or an
// exit status when the command is done.
func parseArgs(args []string, stderr io.Writer) (config, int, bool) {
	var cfg config
	fs := flag.NewFlagSet("cigate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var((*listFlag)(&cfg.baselines), "baseline", "a `file` of the baseline scan (repeat for several tools)")
	priority := fs.String("fail-on-priority", "P2", "fail on a new finding of this `priority` or more urgent: P1-P4, or none")
	severity := fs.String("fail-on-severity", "none", "fail on a new finding of this `severity` or above: critical, high, medium, low, info, or none")
	fs.BoolVar(&cfg.posture, "posture-controls", false, "fail when a gating compliance control fails")
	fs.Var((*listFlag)(&cfg.policies), "policy", "a `directory` of Rego controls to evaluate too (repeatable; implies --posture-controls)")
	fs.StringVar(&cfg.sarif, "sarif", "", "write the comparison as SARIF 2.1.0 to `file`")
	fs.StringVar(&cfg.junit, "junit", "", "write the comparison as JUnit XML to `file`")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cfg, exitOK, false
		}
		return cfg, exitBadInput, false
	}
	cfg.scans = fs.Args()
	cfg.posture = cfg.posture || len(cfg.policies) > 0
	if len(cfg.scans) == 0 {
		fmt.Fprintln(stderr, "cigate: no SCAN file given")
		fs.Usage()
		return cfg, exitBadInput, false
	}
	stdinUses := 0
	for _, f := range cfg.scans {
		if strings.HasPrefix(f, "-") && f != "-" {
			fmt.Fprintf(stderr, "cigate: flag %q after a SCAN file: flags come before files\n", f)
			return cfg, exitBadInput, false
		}
	}
	for _, f := range append(cfg.baselines, cfg.scans...) {
		if f == "-" {
			stdinUses++
		}
	}
	if stdinUses > 1 {
		fmt.Fprintln(stderr, `cigate: standard input ("-") given more than once`)
		return cfg, exitBadInput, false
	}
	if *priority != "none" {
		if cfg.priority = risk.Priority(strings.ToUpper(*priority)); cfg.priority.Rank() > 4 {
			fmt.Fprintf(stderr, "cigate: --fail-on-priority %q: want P1, P2, P3, P4 or none\n", *priority)
			return cfg, exitBadInput, false
		}
	}
	if *severity != "none" {
		if cfg.severity = findings.Severity(strings.ToLower(*severity)); cfg.severity.Rank() == 0 {
			fmt.Fprintf(stderr, "cigate: --fail-on-severity %q: want critical, high, medium, low, info or none\n", *severity)
			return cfg, exitBadInput, false
		}
	}
	return cfg, exitOK, true
}

// decodeAll decodes files into one slice, naming every file that fails on
// stderr; it returns how many failed.
func decodeAll(files []string, stdin io.Reader, stderr io.Writer) ([]findings.Finding, int) {
	var all []findings.Finding
	failed := 0
	h := findings.Handler{Finding: func(f findings.Finding) error { all = append(all, f); return nil }}
	for _, name := range files {
		if err := decodeFile(name, stdin, h); err != nil {
			failed++
			fmt.Fprintf(stderr, "cigate: %s: %v\n", name, err)
		}
	}
	return all, failed
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
