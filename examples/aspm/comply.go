package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
)

const complyUsage = `Usage: aspm comply [--framework NAME] [--policy DIR]... [--posture FILE | INPUT...]
                   [--repo URL] [--asset ID] [--json | --oscal]

Evaluates the built-in compliance controls, plus the Rego controls in each
--policy DIR, against a posture and prints each control's result with its
evidence, then each framework's coverage and pass rate.

The posture is read from --posture FILE (an aspm-posture/1 document), or
built from the INPUT files: SBOMs, catalogs and Kubernetes manifests go into
the inventory, scanner outputs become findings (a CycloneDX file is both),
and access sources (Kubernetes RBAC, AWS IAM, GitHub organization and GCP
IAM exports) go through the least-privilege analyzers, whose findings the
least-privilege control judges.
Each scanner that ran counts as coverage of --asset (default: the only
application of the inventory, if there is exactly one; else the repository
of --repo).

Frameworks: asvs, ssdf, pci-dss-4, soc2, iso27001.
Exit status: 0 when every gating control passes, 1 when one fails or errs,
2 on bad input (a policy calling a forbidden builtin such as http.send is
bad input, and is named).

Flags:
`

// runComply implements "aspm comply".
func runComply(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("comply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	framework := fs.String("framework", "", "report only the controls mapped to this `framework`")
	var policies listFlag
	fs.Var(&policies, "policy", "a `directory` of Rego controls to evaluate with the built-in ones (repeatable)")
	postureFile := fs.String("posture", "", "read a ready posture document from `file` instead of building one")
	repo := fs.String("repo", "", "the repository `url` the scanned files come from")
	asset := fs.String("asset", "", "the asset `id` the scans cover")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	oscal := fs.Bool("oscal", false, "print the report as NIST OSCAL assessment-results JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, complyUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitBadInput
	}
	inputs := fs.Args()
	if !flagsFirst("comply", inputs, stderr) {
		return exitBadInput
	}
	switch {
	case *postureFile != "" && len(inputs) > 0:
		fmt.Fprintln(stderr, "aspm comply: --posture and INPUT files exclude each other")
		return exitBadInput
	case *postureFile == "" && len(inputs) == 0:
		fmt.Fprintln(stderr, "aspm comply: give --posture FILE or INPUT files")
		fs.Usage()
		return exitBadInput
	case *asJSON && *oscal:
		fmt.Fprintln(stderr, "aspm comply: --json and --oscal exclude each other")
		return exitBadInput
	}

	ctx := context.Background()
	engine, err := compliance.New(ctx, compliance.Options{Dirs: policies})
	if err != nil {
		var fb *compliance.ForbiddenBuiltinError
		if errors.As(err, &fb) {
			fmt.Fprintf(stderr, "aspm comply: policy calls the forbidden builtin %s: %v\n", fb.Builtin, err)
		} else {
			fmt.Fprintf(stderr, "aspm comply: loading policies: %v\n", err)
		}
		return exitBadInput
	}

	var posture *compliance.Posture
	if *postureFile != "" {
		posture, err = readPosture(*postureFile, stdin)
	} else {
		posture, err = buildPosture(inputs, stdin, *repo, *asset, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "aspm comply: %v\n", err)
		return exitBadInput
	}

	report, err := engine.Evaluate(ctx, posture)
	if err != nil {
		fmt.Fprintf(stderr, "aspm comply: evaluating: %v\n", err)
		return exitBadInput
	}
	if *framework != "" {
		if report, err = report.ForFramework(*framework); err != nil {
			fmt.Fprintf(stderr, "aspm comply: %v\n", err)
			return exitBadInput
		}
	}

	out := bufio.NewWriter(stdout)
	switch {
	case *asJSON:
		err = report.WriteJSON(out)
	case *oscal:
		err = compliance.WriteOSCAL(out, report, compliance.OSCALOptions{Title: "aspm compliance assessment", Start: posture.GeneratedAt})
	default:
		printReport(out, report)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "aspm comply: writing output: %v\n", err)
		return exitBadInput
	}
	if !report.Gate.Passed {
		fmt.Fprintf(stderr, "aspm comply: gate failed: %s\n", strings.Join(report.Gate.Failed, ", "))
		return exitGate
	}
	return exitOK
}

func readPosture(name string, stdin io.Reader) (*compliance.Posture, error) {
	if name == "-" {
		return compliance.ReadPosture(stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return compliance.ReadPosture(f)
}

// buildPosture reads every input into an inventory or findings (or both,
// for CycloneDX) and builds the posture, with one coverage entry per tool
// and kind seen.
func buildPosture(inputs []string, stdin io.Reader, repo, asset string, stderr io.Writer) (*compliance.Posture, error) {
	now := time.Now().UTC().Truncate(time.Second)
	in := newInputs()
	var all []findings.Finding
	var errs []error
	for _, name := range inputs {
		data, err := readInput(name, stdin)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		a, err := in.add(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, a.findings...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	g, rights := in.graph, in.rights
	if len(rights.Principals)+len(rights.Bindings) > 0 {
		found, err := access.Analyze(rights, access.Options{Now: now})
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	if asset == "" {
		asset = defaultAsset(g, repo)
	}
	b := compliance.NewBuilder(now).Inventory(g).Findings(all, compliance.FindingOptions{Link: correlate.LinkOptions{Repository: repo}})
	if asset != "" {
		seen := map[string]bool{}
		for _, f := range all {
			k := f.Tool.Name + "\x00" + string(f.Kind)
			if !seen[k] {
				seen[k] = true
				b.Coverage(asset, f.Tool.Name, f.Kind, now)
			}
		}
	}
	p, err := b.Build()
	if err != nil {
		// The posture is complete; what could not be used is worth a word.
		fmt.Fprintf(stderr, "aspm comply: building the posture: %v\n", err)
	}
	return p, nil
}

// defaultAsset is the only application of the inventory, else the
// repository asset of repo when the inventory holds it.
func defaultAsset(g *inventory.Graph, repo string) string {
	app := ""
	for a := range g.All() {
		if a.Kind == inventory.KindApplication {
			if app != "" {
				app = ""
				break
			}
			app = a.ID
		}
	}
	if app != "" {
		return app
	}
	if repo != "" {
		if id, err := inventory.RepositoryID(repo); err == nil {
			if _, ok := g.Asset(id); ok {
				return id
			}
		}
	}
	return ""
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limits.MaxDocumentBytes {
		return nil, fmt.Errorf("larger than %d bytes", int64(limits.MaxDocumentBytes))
	}
	return data, nil
}

// printReport writes the controls, then the frameworks.
func printReport(w io.Writer, r *compliance.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTROL\tSTATUS\tGATE\tTITLE\tMESSAGE")
	for _, c := range r.Controls {
		gate := ""
		if c.Gate {
			gate = "gate"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Status, gate, c.Title, c.Message)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "FRAMEWORK\tREQUIREMENTS\tCOVERED\tPASSED\tFAILED\tPASS RATE")
	for _, f := range r.Frameworks {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.0f%%\n", f.Name, f.Requirements, f.Covered, f.Passed, f.Failed, 100*f.PassRate)
	}
	tw.Flush()
	gate := "passed"
	if !r.Gate.Passed {
		gate = "failed: " + strings.Join(r.Gate.Failed, ", ")
	}
	fmt.Fprintf(w, "\ngate %s\n", gate)
}
