package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/load"
	"github.com/aspmkit/aspm/risk"
)

const inventoryUsage = `Usage: aspm inventory [--json | --dependents PURL] FILE...

Reads each FILE (CycloneDX or SPDX SBOMs, an aspm catalog, Kubernetes
manifests, an aspm graph; recognized by content) into one asset graph,
merging what several sources say of one asset, and prints a summary:
assets by kind, edges by type, roots and internet-exposed entry points.

With --json, prints the merged graph as {"assets": [...], "edges": [...]}.
With --dependents PURL, prints what depends on the component, directly or
transitively, one "COMPONENT<TAB>DEPENDENT" line each; a purl without a
version matches every version. "-" reads standard input.

Flags:
`

// runInventory implements "aspm inventory".
func runInventory(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inventory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the merged graph as JSON")
	dependents := fs.String("dependents", "", "list what depends on the component this `purl` names")
	fs.Usage = func() {
		fmt.Fprint(stderr, inventoryUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("inventory", fs, args, stderr)
	if !ok {
		return code
	}
	if *asJSON && *dependents != "" {
		fmt.Fprintln(stderr, "aspm inventory: --json and --dependents exclude each other")
		return exitBadInput
	}

	g := inventory.New()
	failed := 0
	for _, name := range files {
		var err error
		if name == "-" {
			_, err = load.Read(stdin, g, load.Options{Name: "<stdin>"})
		} else {
			_, err = load.File(name, g)
		}
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "aspm inventory: %s: %v\n", name, err)
		}
	}

	out := bufio.NewWriter(stdout)
	switch {
	case *asJSON:
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(g); err != nil {
			fmt.Fprintf(stderr, "aspm inventory: %v\n", err)
			return exitBadInput
		}
	case *dependents != "":
		matches, err := g.FindComponents(*dependents)
		if err != nil {
			fmt.Fprintf(stderr, "aspm inventory: --dependents: %v\n", err)
			return exitBadInput
		}
		if len(matches) == 0 {
			fmt.Fprintf(stderr, "aspm inventory: no component matches %s\n", *dependents)
		}
		for _, m := range matches {
			deps, err := g.Dependents(m, inventory.Traversal{})
			if err != nil {
				fmt.Fprintf(stderr, "aspm inventory: %v\n", err)
				return exitBadInput
			}
			for _, d := range deps {
				fmt.Fprintf(out, "%s\t%s\n", m, d)
			}
		}
	default:
		summarize(out, g)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm inventory: writing output: %v\n", err)
		return exitBadInput
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "aspm inventory: %d of %d files failed\n", failed, len(files))
		return exitBadInput
	}
	return exitOK
}

// summarize prints assets by kind, edges by type, roots and exposed entry
// points.
func summarize(w io.Writer, g *inventory.Graph) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	kinds := map[inventory.Kind]int{}
	var exposed []string
	for a := range g.All() {
		kinds[a.Kind]++
		if a.Exposure == risk.ExposureInternet {
			exposed = append(exposed, a.ID)
		}
	}
	edges := g.Edges()
	types := map[inventory.EdgeType]int{}
	for _, e := range edges {
		types[e.Type]++
	}
	fmt.Fprintf(tw, "assets\t%d\n", g.Len())
	for _, k := range inventory.Kinds {
		if n := kinds[k]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", k, n)
		}
	}
	fmt.Fprintf(tw, "\nedges\t%d\n", len(edges))
	for _, t := range inventory.EdgeTypes {
		if n := types[t]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", t, n)
		}
	}
	roots := g.Roots()
	fmt.Fprintf(tw, "\nroots\t%d\n", len(roots))
	for _, r := range firstN(roots, 20) {
		fmt.Fprintf(tw, "  %s\n", r)
	}
	slices.Sort(exposed)
	fmt.Fprintf(tw, "\nexposed to the internet\t%d\n", len(exposed))
	for _, e := range firstN(exposed, 20) {
		fmt.Fprintf(tw, "  %s\n", e)
	}
	tw.Flush()
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("... and %d more", len(s)-n))
	}
	return s
}
