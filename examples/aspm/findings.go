package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
)

const findingsUsage = `Usage: aspm findings [--format NAME] [--summary | --vex] FILE...

Decodes each FILE (scanner output in any supported format, detected by
content) and prints one normalized finding per line as JSON on stdout, and
nothing else. "-" reads standard input.

If a file fails part-way, the findings read before the failure have been
printed, the failure is named on stderr, and the exit status is 2.

Flags:
`

// runFindings implements "aspm findings".
func runFindings(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("findings", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "decode every FILE with the named `decoder` instead of detecting it (see \"aspm formats\")")
	summary := fs.Bool("summary", false, "print counts by tool, kind and severity instead of the findings")
	vex := fs.Bool("vex", false, "print the VEX statements the files hold instead of the findings")
	fs.Usage = func() {
		fmt.Fprint(stderr, findingsUsage)
		fs.PrintDefaults()
	}
	files, code, ok := parseCommand("findings", fs, args, stderr)
	if !ok {
		return code
	}
	if *summary && *vex {
		fmt.Fprintln(stderr, "aspm findings: --summary and --vex exclude each other")
		return exitBadInput
	}
	if *format != "" {
		if _, ok := detect.Lookup(*format); !ok {
			fmt.Fprintf(stderr, "aspm findings: unknown format %q (see \"aspm formats\")\n", *format)
			return exitBadInput
		}
	}

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	counts := newCounter()

	h := findings.Handler{}
	switch {
	case *summary:
		h.Finding = func(f findings.Finding) error { counts.add(f); return nil }
	case *vex:
		h.VEX = func(s findings.VEXStatement) error { return enc.Encode(s) }
	default:
		h.Finding = func(f findings.Finding) error { return enc.Encode(f) }
	}

	failed := 0
	for _, name := range files {
		if err := decodeOne(name, *format, stdin, h); err != nil {
			failed++
			fmt.Fprintf(stderr, "aspm findings: %s: %v\n", name, err)
		}
	}
	if *summary {
		counts.print(out)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "aspm findings: writing output: %v\n", err)
		return exitBadInput
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "aspm findings: %d of %d files failed\n", failed, len(files))
		return exitBadInput
	}
	return exitOK
}

func decodeOne(name, format string, stdin io.Reader, h findings.Handler) error {
	opts := detect.Options{Format: format}
	opts.Name = name
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

// counter tallies findings for --summary.
type counter struct {
	total    int
	tool     map[string]int
	kind     map[string]int
	severity map[string]int
}

func newCounter() *counter {
	return &counter{tool: map[string]int{}, kind: map[string]int{}, severity: map[string]int{}}
}

func (c *counter) add(f findings.Finding) {
	c.total++
	tool := f.Tool.Name
	if tool == "" {
		tool = "(unnamed)"
	}
	c.tool[tool]++
	c.kind[string(f.Kind)]++
	c.severity[string(f.Severity)]++
}

// print writes the tallies: tools by count then name, kinds and severities
// in their canonical order.
func (c *counter) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "findings\t%d\n", c.total)
	fmt.Fprintln(tw, "\nby tool")
	tools := make([]string, 0, len(c.tool))
	for t := range c.tool {
		tools = append(tools, t)
	}
	slices.SortFunc(tools, func(a, b string) int {
		if c.tool[a] != c.tool[b] {
			return c.tool[b] - c.tool[a]
		}
		return strings.Compare(a, b)
	})
	for _, t := range tools {
		fmt.Fprintf(tw, "  %s\t%d\n", t, c.tool[t])
	}
	fmt.Fprintln(tw, "\nby kind")
	for _, k := range findings.Kinds {
		if n := c.kind[string(k)]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", k, n)
		}
	}
	fmt.Fprintln(tw, "\nby severity")
	for _, s := range findings.Severities {
		if n := c.severity[string(s)]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", s, n)
		}
	}
	tw.Flush()
}

// runFormats implements "aspm formats".
func runFormats(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("formats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: aspm formats\n\nLists the input formats aspm reads, by the names --format takes.")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitBadInput
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "aspm formats: takes no arguments")
		return exitBadInput
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, f := range detect.Formats() {
		fmt.Fprintf(tw, "%s\t%s\n", f.Name, f.Description)
	}
	tw.Flush()
	return exitOK
}
