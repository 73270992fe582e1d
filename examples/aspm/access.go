package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/decide"
	"github.com/aspmkit/aspm/access/load"
	"github.com/aspmkit/aspm/findings"
)

const accessUsage = `Usage: aspm access [flags] FILE...

Reads who can do what from each FILE (Kubernetes RBAC manifests, AWS IAM
policies and authorization-details exports, GitHub organization data, GCP
Cloud Asset Inventory exports; recognized by content), merges them, and
runs the least-privilege analyzers: administrator grants, wildcards, grants
to everyone, privilege-escalation paths (step by step), unused grants,
stale accounts, missing MFA, local accounts, outside administrators,
separation-of-duties conflicts, dangling bindings.

Prints the findings as JSON lines (kind "access"), or with --summary their
counts by analyzer and severity. Stale accounts and unused grants are
judged at --now (default: the current time); unused grants need usage data
(--usage FILE: {"since": TIME, "usage": [{"principal", "action",
"resource", "last_used"}]}).

Flags:
`

// runAccess implements "aspm access".
func runAccess(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("access", flag.ContinueOnError)
	fs.SetOutput(stderr)
	summary := fs.Bool("summary", false, "print counts by analyzer and severity instead of findings")
	nowFlag := fs.String("now", "", "judge staleness and use at this RFC 3339 `time` (default: now)")
	staleDays := fs.Int("stale-days", 90, "an account unused for this many `days` is stale")
	unusedDays := fs.Int("unused-days", 90, "a grant unused for this many `days` is reported (needs usage data)")
	requireSSO := fs.Bool("require-sso", false, "report every local account of a person")
	domain := fs.String("domain", "", "the organization's own `domain`: GCP members of other domains are outsiders")
	failOn := fs.String("fail-on", "", "exit 1 when a finding has this `severity` or a higher one (critical, high, medium, low)")
	var only, usage listFlag
	fs.Var(&usage, "usage", "read usage data from this `FILE` (JSON, see access.UsageDocument; repeatable) for the unused-grant analyzer")
	fs.Var(&only, "only", "run only this analyzer (`RULE`, repeatable): "+fmt.Sprint(access.Analyzers))
	fs.Usage = func() {
		fmt.Fprint(stderr, accessUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("access", fs, args, stderr)
	if !ok {
		return code
	}
	now := time.Now().UTC()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "aspm access: --now: %v\n", err)
			return exitBadInput
		}
		now = t
	}
	var threshold findings.Severity
	if *failOn != "" {
		threshold = findings.Severity(*failOn)
		if threshold.Rank() <= findings.SeverityInfo.Rank() {
			fmt.Fprintf(stderr, "aspm access: --fail-on: %q is not critical, high, medium or low\n", *failOn)
			return exitBadInput
		}
	}
	if *staleDays <= 0 || *unusedDays <= 0 {
		fmt.Fprintln(stderr, "aspm access: --stale-days and --unused-days must be positive")
		return exitBadInput
	}

	m, err := load.Options{Domain: *domain}.Files(files...)
	failed := err != nil
	if err != nil {
		fmt.Fprintf(stderr, "aspm access: %v\n", err)
	}
	for _, u := range usage {
		if err := readUsage(u, m); err != nil {
			fmt.Fprintf(stderr, "aspm access: %v\n", err)
			failed = true
		}
	}
	found, err := access.Analyze(m, access.Options{
		Now: now, StaleAfter: time.Duration(*staleDays) * 24 * time.Hour, UnusedAfter: time.Duration(*unusedDays) * 24 * time.Hour,
		RequireSSO: *requireSSO, Only: only,
	})
	if err != nil {
		fmt.Fprintf(stderr, "aspm access: %v\n", err)
		return exitBadInput
	}

	out := bufio.NewWriter(stdout)
	if *summary {
		printAccessSummary(out, m, found)
	} else {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		for i := range found {
			if err := enc.Encode(&found[i]); err != nil {
				fmt.Fprintf(stderr, "aspm access: %v\n", err)
				return exitBadInput
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm access: %v\n", err)
		return exitBadInput
	}
	if failed {
		return exitBadInput
	}
	if threshold != "" {
		for _, f := range found {
			if f.Severity.Rank() >= threshold.Rank() {
				return exitGate
			}
		}
	}
	return exitOK
}

func readUsage(name string, m *access.Model) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return access.ReadUsage(f, name, m)
}

func printAccessSummary(w io.Writer, m *access.Model, found []findings.Finding) {
	fmt.Fprintf(w, "%d principals, %d roles, %d bindings, %d accounts\n", len(m.Principals), len(m.Roles), len(m.Bindings), len(m.Accounts))
	sevs := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityLow}
	counts := map[string]map[findings.Severity]int{}
	for _, f := range found {
		if counts[f.RuleID] == nil {
			counts[f.RuleID] = map[findings.Severity]int{}
		}
		counts[f.RuleID][f.Severity]++
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "analyzer\t")
	for _, s := range sevs {
		fmt.Fprintf(tw, "%s\t", s)
	}
	fmt.Fprint(tw, "total\t\n")
	for _, rule := range access.Analyzers {
		total := 0
		fmt.Fprintf(tw, "%s\t", rule)
		for _, s := range sevs {
			fmt.Fprintf(tw, "%d\t", counts[rule][s])
			total += counts[rule][s]
		}
		fmt.Fprintf(tw, "%d\t\n", total)
	}
	fmt.Fprintf(tw, "all\t")
	for _, s := range sevs {
		n := 0
		for _, c := range counts {
			n += c[s]
		}
		fmt.Fprintf(tw, "%d\t", n)
	}
	fmt.Fprintf(tw, "%d\t\n", len(found))
	tw.Flush()
}

const decideUsage = `Usage: aspm decide [--policy DIR]... REQUEST.json

Decides an access request with the adaptive-access policy: the built-in
baseline (impossible travel, unusual hours, new network or device,
sensitive actions without MFA, disabled principals) plus the Rego modules
of each --policy DIR (package aspm.access.decide). Prints the decision as
JSON: {"outcome": "allow"|"step_up"|"deny", "risk": 0-100, "reasons": [...]}.

The request's schema is documented in package access/decide (file
request.schema.json). Exit status: 0 when the decision is allow, 1 when it
is step_up or deny, 2 on a bad request or policy (a policy calling a
forbidden builtin such as http.send is refused, naming it).

Flags:
`

// runDecide implements "aspm decide".
func runDecide(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("decide", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var policies listFlag
	fs.Var(&policies, "policy", "also load the Rego modules of this `DIR` (repeatable)")
	noBaseline := fs.Bool("no-baseline", false, "leave out the built-in baseline policy (the --policy modules must decide)")
	fs.Usage = func() {
		fmt.Fprint(stderr, decideUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("decide", fs, args, stderr)
	if !ok {
		return code
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "aspm decide: give exactly one REQUEST file")
		return exitBadInput
	}
	var r io.Reader = stdin
	if files[0] != "-" {
		fh, err := os.Open(files[0])
		if err != nil {
			fmt.Fprintf(stderr, "aspm decide: %v\n", err)
			return exitBadInput
		}
		defer fh.Close()
		r = fh
	}
	req, err := decide.DecodeRequest(r)
	if err != nil {
		// An error of a file names it already; one of stdin does not.
		if re := (*decide.RequestError)(nil); errors.As(err, &re) && re.File != "" {
			fmt.Fprintf(stderr, "aspm decide: %v\n", err)
		} else {
			fmt.Fprintf(stderr, "aspm decide: %s: %v\n", files[0], err)
		}
		return exitBadInput
	}
	ctx := context.Background()
	d, err := decide.New(ctx, decide.Options{Dirs: policies, DisableBaseline: *noBaseline})
	if err != nil {
		var fe *decide.ForbiddenBuiltinError
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "aspm decide: policy calls the forbidden builtin %s: %v\n", fe.Builtin, err)
		} else {
			fmt.Fprintf(stderr, "aspm decide: %v\n", err)
		}
		return exitBadInput
	}
	dec, err := d.Decide(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "aspm decide: %v\n", err)
		return exitBadInput
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(dec); err != nil {
		fmt.Fprintf(stderr, "aspm decide: %v\n", err)
		return exitBadInput
	}
	if dec.Outcome != decide.Allow {
		return exitGate
	}
	return exitOK
}
