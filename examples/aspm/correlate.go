package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/stores"
	"github.com/aspmkit/aspm/findings"
)

// stateLine is one line of "aspm diff" and "aspm track" output: the
// finding's own fields, then what happened to it.
type stateLine struct {
	findings.Finding
	State correlate.State `json:"state"`
	Scan  string          `json:"scan,omitempty"`
}

// decodeAll decodes files into one slice, naming every file that fails on
// stderr; it returns how many failed. The findings a file yielded before
// failing are kept.
func decodeAll(cmd string, files []string, stdin io.Reader, stderr io.Writer) ([]findings.Finding, int) {
	var all []findings.Finding
	failed := 0
	for _, name := range files {
		fs, err := decodeFindings(name, stdin)
		all = append(all, fs...)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "aspm %s: %s: %v\n", cmd, name, err)
		}
	}
	return all, failed
}

// decodeFindings decodes one file (or "-") into a slice.
func decodeFindings(name string, stdin io.Reader) ([]findings.Finding, error) {
	var out []findings.Finding
	err := decodeOne(name, "", stdin, findings.Handler{Finding: func(f findings.Finding) error {
		out = append(out, f)
		return nil
	}})
	return out, err
}

// writeLines encodes each value as one JSON line.
func writeLines[T any](cmd string, stdout, stderr io.Writer, vs []T) bool {
	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i := range vs {
		if err := enc.Encode(&vs[i]); err != nil {
			fmt.Fprintf(stderr, "aspm %s: writing output: %v\n", cmd, err)
			return false
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm %s: writing output: %v\n", cmd, err)
		return false
	}
	return true
}

const dedupUsage = `Usage: aspm dedup [--fold-case] FILE...

Decodes every FILE (scanner output in any supported format) and groups the
findings of all of them into clusters, one problem each: the same finding
reported twice, or reported by several tools. Prints one cluster per line
as JSON: its id, the tools that reported it, the union of their
identifiers, and every member (finding id, tool, source file and record),
oldest first. "-" reads standard input.

A file that fails is named on stderr and the exit status is 2; the
findings it yielded before failing are still clustered.

Flags:
`

// runDedup implements "aspm dedup".
func runDedup(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dedup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	foldCase := fs.Bool("fold-case", false, "compare paths case-insensitively (scans of Windows or macOS file systems)")
	fs.Usage = func() {
		fmt.Fprint(stderr, dedupUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("dedup", fs, args, stderr)
	if !ok {
		return code
	}
	all, failed := decodeAll("dedup", files, stdin, stderr)
	clusters := correlate.Dedup(all, correlate.Options{FoldCase: *foldCase})
	if !writeLines("dedup", stdout, stderr, clusters) {
		return exitBadInput
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "aspm dedup: %d of %d files failed\n", failed, len(files))
		return exitBadInput
	}
	return exitOK
}

const diffUsage = `Usage: aspm diff --baseline FILE [--baseline FILE...] [--fail-on-new] [--] FILE...

Compares the findings of the FILEs (a scan, any number of tools) with those
of the baseline files (an earlier scan) and prints every finding as one JSON
line: the finding with a "state" field, one of
  new        in the scan, not in the baseline
  unchanged  in both (a moved line or a reworded message is no change)
  updated    in both, but its severity, CVSS, fix or VEX status changed
  fixed      in the baseline, gone from the scan of the same tool
ordered by state, then identity. Findings are matched across scans by
identity keys that survive moved lines, not by line numbers.

Nothing is printed when a file fails (a half-read scan would report
findings as fixed): every failing file is named on stderr, exit status 2.

Flags:
`

// runDiff implements "aspm diff".
func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var baselines listFlag
	fs.Var(&baselines, "baseline", "a `file` of the baseline scan (repeat for several tools)")
	failOnNew := fs.Bool("fail-on-new", false, "exit 1 when the scan has new findings (a CI gate)")
	foldCase := fs.Bool("fold-case", false, "compare paths case-insensitively")
	fs.Usage = func() {
		fmt.Fprint(stderr, diffUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("diff", fs, args, stderr)
	if !ok {
		return code
	}
	if len(baselines) == 0 {
		fmt.Fprintln(stderr, "aspm diff: no --baseline given")
		fs.Usage()
		return exitBadInput
	}
	for _, b := range baselines {
		if b == "-" {
			for _, f := range files {
				if f == "-" {
					fmt.Fprintln(stderr, "aspm diff: standard input given as both baseline and scan")
					return exitBadInput
				}
			}
		}
	}
	base, bfailed := decodeAll("diff", baselines, stdin, stderr)
	scanned, sfailed := decodeAll("diff", files, stdin, stderr)
	if n := bfailed + sfailed; n > 0 {
		fmt.Fprintf(stderr, "aspm diff: %d of %d files failed; nothing compared\n", n, len(baselines)+len(files))
		return exitBadInput
	}

	opts := correlate.Options{FoldCase: *foldCase}
	// The times only date histories, which diff does not print.
	now := time.Now().UTC()
	res := correlate.Compare(correlate.Baseline(base, now, opts), correlate.Scan{At: now, Findings: scanned, Tools: scanTools(files, scanned)}, opts)
	lines := make([]stateLine, len(res.Changes))
	news := 0
	for i, c := range res.Changes {
		lines[i] = stateLine{Finding: c.Finding, State: c.State}
		if c.State == correlate.StateNew {
			news++
		}
	}
	if !writeLines("diff", stdout, stderr, lines) {
		return exitBadInput
	}
	if *failOnNew && news > 0 {
		fmt.Fprintf(stderr, "aspm diff: %d new finding(s)\n", news)
		return exitGate
	}
	return exitOK
}

const trackUsage = `Usage: aspm track --db FILE [--tenant T] [--app A] [--tools LIST] SCAN...

Applies each SCAN file (scanner output in any supported format), in order,
to the state store in the SQLite database --db (created if missing), and
prints one JSON line per finding whose state changed: the finding with a
"state" field (new, updated, fixed or reopened) and a "scan" field (the
SCAN's file name, which is also the scan's ID in the store). Unchanged
findings are not printed. Each SCAN is one scan dated now; its tools are
those of its findings, so a scan of one tool never fixes another's
findings, and --tools names tools that ran and found nothing.

State survives across runs: a finding seen in an earlier run and not in a
new scan of its tool is fixed; back later, it is reopened. Triage decisions
kept in the store hold across scans.

Every SCAN is decoded before anything is applied: when one fails, all
failures are named on stderr, nothing is applied, and the exit status is 2.

Flags:
`

// runTrack implements "aspm track".
func runTrack(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("track", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "the state store: a SQLite `file`, or a PostgreSQL DSN (postgres://...) (required)")
	tenant := fs.String("tenant", "", "the tenant the scans belong to")
	app := fs.String("app", "", "the application the scans belong to")
	tools := fs.String("tools", "", "comma-separated `names` of tools that ran in every SCAN, besides those with findings")
	fs.Usage = func() {
		fmt.Fprint(stderr, trackUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("track", fs, args, stderr)
	if !ok {
		return code
	}
	if *db == "" {
		fmt.Fprintln(stderr, "aspm track: no --db given")
		fs.Usage()
		return exitBadInput
	}
	var extra []string
	for _, t := range strings.Split(*tools, ",") {
		if t = strings.TrimSpace(t); t != "" {
			extra = append(extra, t)
		}
	}

	scans := make([][]findings.Finding, len(files))
	failed := 0
	for i, name := range files {
		fsList, err := decodeFindings(name, stdin)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "aspm track: %s: %v\n", name, err)
			continue
		}
		scans[i] = fsList
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "aspm track: %d of %d files failed; nothing applied\n", failed, len(files))
		return exitBadInput
	}

	ctx := context.Background()
	st, err := stores.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "aspm track: %v\n", err)
		return exitBadInput
	}
	code = applyScans(ctx, st, files, scans, *tenant, *app, extra, stdout, stderr)
	if err := st.Close(); err != nil {
		fmt.Fprintf(stderr, "aspm track: %v\n", err)
		return exitBadInput
	}
	return code
}

// applyScans tracks each decoded SCAN in order and prints the changes.
func applyScans(ctx context.Context, st correlate.Store, files []string, scans [][]findings.Finding,
	tenant, app string, extra []string, stdout, stderr io.Writer) int {
	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i, name := range files {
		id := filepath.Base(name)
		if name == "-" {
			id = "<stdin>"
		}
		scan := correlate.Scan{ID: id, At: time.Now().UTC(), Tenant: tenant, Application: app, Findings: scans[i]}
		if len(extra) > 0 {
			seen := map[string]bool{}
			for _, f := range scans[i] {
				if !seen[f.Tool.Name] {
					seen[f.Tool.Name] = true
					scan.Tools = append(scan.Tools, f.Tool.Name)
				}
			}
			scan.Tools = append(scan.Tools, extra...)
		}
		res, err := correlate.Track(ctx, st, scan, correlate.Options{})
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "aspm track: %s: %v\n", name, err)
			return exitBadInput
		}
		for _, c := range res.Changes {
			if c.State == correlate.StateUnchanged {
				continue
			}
			if err := enc.Encode(stateLine{Finding: c.Finding, State: c.State, Scan: id}); err != nil {
				fmt.Fprintf(stderr, "aspm track: writing output: %v\n", err)
				return exitBadInput
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm track: writing output: %v\n", err)
		return exitBadInput
	}
	return exitOK
}

// scanTools names the tools that ran in a scan: those with findings, and
// those of SARIF files whose runs hold no result (a tool that ran and
// found nothing fixes what it reported before).
func scanTools(files []string, scanned []findings.Finding) []string {
	var tools []string
	add := func(t string) {
		if t != "" && !slices.Contains(tools, t) {
			tools = append(tools, t)
		}
	}
	withFindings := map[string]bool{}
	for _, f := range scanned {
		add(f.Tool.Name)
		withFindings[f.Source.File] = true
	}
	for _, name := range files {
		if name == "-" || withFindings[name] {
			continue
		}
		if data, err := os.ReadFile(name); err == nil && bytes.Contains(data[:min(len(data), 4096)], []byte(`"runs"`)) {
			for _, t := range sarifTools(data) {
				add(t)
			}
		}
	}
	return tools
}
