package main

import (
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

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/stores"
	"github.com/aspmkit/aspm/correlate/suppress"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/atomicfile"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/html"
	"github.com/aspmkit/aspm/report/markdown"
	reportposture "github.com/aspmkit/aspm/report/posture"
	"github.com/aspmkit/aspm/report/sarif"
	"github.com/aspmkit/aspm/report/vex"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
)

const runUsage = `Usage: aspm run [-o OUTDIR] [--db FILE] [--kev FILE] [--epss FILE] [--policy DIR]... [--app NAME] DIR

Runs the whole pipeline on every input under DIR, recognized by content:
scanner outputs become findings, SBOMs, catalogs and Kubernetes manifests
the inventory, VEX documents suppress what they say is not affected,
RBAC, IAM and organization exports go through the least-privilege
analyzers. When DIR has subfolders, each is one scan, applied in name order
(name them by date: 2026-01-15, 2026-03-01), and the files directly in DIR
belong to every scan; otherwise DIR is one scan.

Each scan is tracked in the state store (--db: a SQLite file, by default
OUTDIR/aspm.db, or a PostgreSQL DSN, postgres://...), so
findings keep their lifecycle (new, unchanged, updated, fixed, reopened)
and a second run on the same store shows what changed. The last scan is
scored (with the --kev and --epss feeds when given), judged by the built-in
compliance controls and those in each --policy DIR, and reported in OUTDIR
(default ./aspm-out): report.html, report.md, report.sarif, report.json
and vex.json (OpenVEX).

Exit status: 0 when every gating control passes, 1 when one fails, 2 when
an input could not be read (the others are still processed and reported).

Flags:
`

// runRun implements "aspm run".
func runRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outDir := fs.String("o", "aspm-out", "write the reports and, by default, the store into this `DIR`")
	db := fs.String("db", "", "the state store: a SQLite `file` (default OUTDIR/aspm.db), or a PostgreSQL DSN (postgres://...)")
	kevFile := fs.String("kev", "", "CISA KEV catalog `file` (JSON or CSV)")
	epssFile := fs.String("epss", "", "EPSS scores `file` (CSV, plain or gzip)")
	app := fs.String("app", "", "the application the scans belong to (default: DIR's name)")
	nowFlag := fs.String("now", "", "judge SLAs and staleness at this RFC 3339 `time` (default: now)")
	var policies listFlag
	fs.Var(&policies, "policy", "also evaluate the Rego controls in this `DIR` (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
	}
	dirs, code, ok := parseCommand("run", fs, args, stderr)
	if !ok {
		return code
	}
	if len(dirs) != 1 {
		fmt.Fprintln(stderr, "aspm run: give exactly one DIR")
		return exitBadInput
	}
	root := dirs[0]
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		fmt.Fprintf(stderr, "aspm run: %s: not a readable directory\n", root)
		return exitBadInput
	}
	now := time.Now().UTC().Truncate(time.Second)
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "aspm run: --now: %v\n", err)
			return exitBadInput
		}
		now = t
	}
	if *app == "" {
		abs, _ := filepath.Abs(root)
		*app = filepath.Base(abs)
	}
	dest, err := atomicfile.Open(*outDir, atomicfile.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", err)
		return exitBadInput
	}
	defer dest.Close()
	if *db == "" {
		*db = filepath.Join(*outDir, "aspm.db")
	}
	p := newProgress(stderr)
	r := &runner{inputs: newInputs(), now: now, app: *app, stderr: stderr, progress: p}
	bad := 0

	// Read every input.
	scans, shared, err := scanDirs(root, now)
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", err)
		return exitBadInput
	}
	for _, name := range shared {
		p.add(name)
	}
	for i := range scans {
		for _, name := range scans[i].files {
			p.add(name)
		}
	}
	for _, name := range shared {
		bad += r.read(name, nil)
	}
	for i := range scans {
		for _, name := range scans[i].files {
			bad += r.read(name, &scans[i])
		}
	}
	p.done()
	ctxRisk, ferr := riskContext(*kevFile, *epssFile)
	if ferr != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", ferr)
		return exitBadInput
	}
	vexIndex, err := suppress.NewVEXIndex(r.vex)
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: VEX statements: %v\n", err)
		bad++
	}
	var accessFindings []findings.Finding
	if len(r.rights.Principals)+len(r.rights.Bindings) > 0 {
		accessFindings, err = access.Analyze(r.rights, access.Options{Now: now})
		if err != nil {
			fmt.Fprintf(stderr, "aspm run: %v\n", err)
			return exitBadInput
		}
	}

	// Track each scan in the store.
	ctx := context.Background()
	st, err := stores.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", err)
		return exitBadInput
	}
	defer st.Close()
	// Scans older than what the store already holds were applied by an
	// earlier run: applying them again would reopen what later scans
	// fixed. The newest one is applied again (its findings unchanged).
	var latest time.Time
	if before, err := st.Load(ctx, "", *app); err == nil {
		for _, rec := range before {
			latest = maxTime(latest, rec.LastSeen, rec.FixedAt)
		}
	}
	var history []report.Snapshot
	var last []findings.Finding
	for i := range scans {
		s := &scans[i]
		fs := append(slices.Clone(s.findings), accessFindings...)
		if s.at.Before(latest) {
			fmt.Fprintf(stdout, "scan %s: already in the store\n", s.name)
			snap := report.Snapshot{At: s.at, Open: len(fs), BySeverity: map[string]int{}}
			for _, f := range fs {
				snap.BySeverity[string(f.Severity)]++
			}
			history = append(history, snap)
			last = fs
			continue
		}
		if vexIndex != nil {
			for j := range fs {
				vexIndex.Apply(&fs[j])
			}
		}
		res, err := correlate.Track(ctx, st, correlate.Scan{ID: s.name, At: s.at, Application: *app, Findings: fs, Tools: s.tools()}, correlate.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "aspm run: scan %s: %v\n", s.name, err)
			return exitBadInput
		}
		counts := map[correlate.State]int{}
		snap := report.Snapshot{At: s.at, BySeverity: map[string]int{}}
		for _, c := range res.Changes {
			counts[c.State]++
			if c.State != correlate.StateFixed {
				snap.Open++
				snap.BySeverity[string(c.Finding.Severity)]++
			}
		}
		history = append(history, snap)
		fmt.Fprintf(stdout, "scan %s: %d findings: %d new, %d reopened, %d updated, %d unchanged, %d fixed\n", s.name, len(fs),
			counts[correlate.StateNew], counts[correlate.StateReopened], counts[correlate.StateUpdated], counts[correlate.StateUnchanged], counts[correlate.StateFixed])
		last = fs
	}
	records, err := st.Load(ctx, "", *app)
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", err)
		return exitBadInput
	}

	// Build the posture of the last scan, judge it, report it.
	b := compliance.NewBuilder(now).Inventory(r.graph).Findings(last, compliance.FindingOptions{Context: ctxRisk, Records: records})
	// The scans cover the application and the repositories it contains.
	var covered []string
	if asset := defaultAsset(r.graph, ""); asset != "" {
		covered = append(covered, asset)
		if deps, err := r.graph.Dependencies(asset, inventory.Traversal{Types: []inventory.EdgeType{inventory.Contains}, MaxDepth: 1}); err == nil {
			for _, id := range deps {
				if a, ok := r.graph.Asset(id); ok && a.Kind == inventory.KindRepository {
					covered = append(covered, id)
				}
			}
		}
	}
	asset := ""
	if len(covered) > 0 {
		asset = covered[0]
	}
	if len(scans) > 0 {
		lastScan := scans[len(scans)-1]
		for _, tk := range lastScan.toolKinds() {
			for _, a := range covered {
				b.Coverage(a, tk.tool, tk.kind, lastScan.at)
			}
		}

		for _, sb := range lastScan.sboms {
			if asset != "" {
				b.SBOM(asset, sb, lastScan.at)
			}
		}
	}
	posture, err := b.Build()
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: building the posture: %v\n", err)
	}
	engine, err := compliance.New(ctx, compliance.Options{Dirs: policies})
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", err)
		return exitBadInput
	}
	evaluation, err := engine.Evaluate(ctx, posture)
	if err != nil {
		fmt.Fprintf(stderr, "aspm run: %v\n", err)
		return exitBadInput
	}
	data := reportposture.Data(posture, evaluation)
	data.Title = *app
	if len(history) > 1 {
		data.History = history[:len(history)-1]
	}
	rep := report.New(data, report.Options{})
	for _, out := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"report.html", func(w io.Writer) error { return html.Write(w, rep, html.Options{}) }},
		{"report.md", func(w io.Writer) error { return markdown.Write(w, rep, markdown.Options{}) }},
		{"report.sarif", func(w io.Writer) error { return sarif.Write(w, rep, sarif.Options{}) }},
		{"report.json", rep.WriteJSON},
		{"vex.json", func(w io.Writer) error { return vex.Write(w, rep, vex.Options{Format: vex.OpenVEX, Author: "aspm"}) }},
	} {
		// Atomically, and never through a symbolic link out of OUTDIR.
		if err := dest.Write(out.name, out.write); err != nil {
			fmt.Fprintf(stderr, "aspm run: %v\n", err)
			return exitBadInput
		}
	}

	s := rep.Summary
	fmt.Fprintf(stdout, "%d open findings (%s); %d new, %d fixed; SLA: %d breached, %d due soon\n", s.Open, countsText(s.BySeverity),
		s.New, s.Fixed, s.SLA.Breached, s.SLA.DueSoon)
	fmt.Fprintf(stdout, "compliance: %d of %d controls pass", evaluation.Summary.Passed, evaluation.Summary.Total)
	if !evaluation.Gate.Passed {
		fmt.Fprintf(stdout, "; gate failed: %s", strings.Join(evaluation.Gate.Failed, ", "))
	}
	fmt.Fprintf(stdout, "\nreports in %s: report.html, report.md, report.sarif, report.json, vex.json\n", *outDir)
	if len(r.skipped) > 0 {
		fmt.Fprintf(stdout, "%d file(s) skipped, not inputs aspm reads: %s\n", len(r.skipped), strings.Join(r.skipped, ", "))
	}
	switch {
	case bad > 0:
		fmt.Fprintf(stderr, "aspm run: %d input(s) could not be read (named above); the rest was processed\n", bad)
		return exitBadInput
	case !evaluation.Gate.Passed:
		return exitGate
	}
	return exitOK
}

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func countsText(cs []report.Count) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%d %s", c.Count, c.Key))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// scan is one scan of the run: its files and what they held.
type scan struct {
	name     string
	at       time.Time
	files    []string
	findings []findings.Finding
	sboms    []string
	// ran names tools whose output held no finding: they ran, so what
	// they reported before is fixed.
	ran []string
}

type toolKind struct {
	tool string
	kind findings.Kind
}

func (s *scan) toolKinds() []toolKind {
	seen := map[toolKind]bool{}
	var out []toolKind
	for _, f := range s.findings {
		tk := toolKind{f.Tool.Name, f.Kind}
		if !seen[tk] {
			seen[tk] = true
			out = append(out, tk)
		}
	}
	return out
}

func (s *scan) tools() []string {
	var out []string
	for _, tk := range s.toolKinds() {
		if !slices.Contains(out, tk.tool) {
			out = append(out, tk.tool)
		}
	}
	for _, t := range s.ran {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// sarifTools names the tools of a SARIF log's runs: a run without results
// still says which tool ran.
func sarifTools(data []byte) []string {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if json.Unmarshal(data, &log) != nil {
		return nil
	}
	var out []string
	for _, r := range log.Runs {
		if r.Tool.Driver.Name != "" {
			out = append(out, r.Tool.Driver.Name)
		}
	}
	return out
}

// scanDirs lists the scans under root: one per subfolder, in name order,
// dated by a leading YYYY-MM-DD in the name (else by now, a second apart),
// or root itself; shared lists the files directly in root when there are
// subfolders.
func scanDirs(root string, now time.Time) (scans []scan, shared []string, err error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, nil, err
	}
	var subdirs, files []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.IsDir() {
			subdirs = append(subdirs, e.Name())
		} else {
			files = append(files, filepath.Join(root, e.Name()))
		}
	}
	if len(subdirs) == 0 {
		return []scan{{name: filepath.Base(root), at: now, files: files}}, nil, nil
	}
	slices.Sort(subdirs)
	for i, d := range subdirs {
		at := now.Add(time.Duration(i-len(subdirs)+1) * time.Second)
		if len(d) >= 10 {
			if t, err := time.Parse(time.DateOnly, d[:10]); err == nil {
				at = t
			}
		}
		var fs []string
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, de os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !de.IsDir() && !strings.HasPrefix(de.Name(), ".") {
				fs = append(fs, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		scans = append(scans, scan{name: d, at: at, files: fs})
	}
	return scans, files, nil
}

// runner gathers what the inputs hold.
type runner struct {
	*inputs
	now      time.Time
	app      string
	stderr   io.Writer
	progress *progress
	skipped  []string // files that are not inputs aspm reads
}

// read reads one input into the inventory, the access model, the VEX
// statements or the scan's findings (shared inputs have no scan), and
// returns 1 when it could not be read.
func (r *runner) read(name string, s *scan) int {
	r.progress.step(name)
	data, err := os.ReadFile(name)
	if err != nil {
		r.progress.clear()
		fmt.Fprintf(r.stderr, "aspm run: %v\n", err)
		return 1
	}
	a, err := r.add(name, data)
	switch {
	case a.unsupported:
		r.skipped = append(r.skipped, name) // not an input: a README, a script
		return 0
	case err != nil && !a.rbac:
		r.progress.clear()
		fmt.Fprintf(r.stderr, "aspm run: %v\n", err)
		return 1
	}
	if a.sbom != "" && s != nil {
		s.sboms = append(s.sboms, a.sbom)
	}
	switch {
	case s != nil:
		s.findings = append(s.findings, a.findings...)
		s.ran = append(s.ran, a.ran...)
	case len(a.findings) > 0:
		r.progress.clear()
		fmt.Fprintf(r.stderr, "aspm run: %s: scanner output directly in DIR, outside a scan folder: ignored\n", name)
	}
	return 0
}

// riskContext reads the KEV and EPSS feeds, when given.
func riskContext(kevFile, epssFile string) (risk.Context, error) {
	c := risk.Context{Vectors: &risk.VectorCache{}}
	if kevFile != "" {
		k, err := readFeed(kevFile, func(r io.Reader, name string) (*kev.Catalog, error) {
			return kev.Read(r, kev.Options{Name: name})
		})
		if err != nil {
			return c, err
		}
		c.KEV = k
	}
	if epssFile != "" {
		e, err := readFeed(epssFile, func(r io.Reader, name string) (*epss.Feed, error) {
			return epss.Read(r, epss.Options{Name: name})
		})
		if err != nil {
			return c, err
		}
		c.EPSS = e
	}
	return c, nil
}

// progress shows a bar of the bytes read so far on a terminal, and nothing
// when stderr is not one.
type progress struct {
	w           io.Writer
	on          bool
	n, files    int
	read, total int64
	sizes       map[string]int64
	shown       bool
	lastAt      time.Time
}

// add counts a file the run will read.
func (p *progress) add(name string) {
	if p.sizes == nil {
		p.sizes = map[string]int64{}
	}
	if fi, err := os.Stat(name); err == nil {
		p.sizes[name] = fi.Size()
		p.total += fi.Size()
	}
	p.files++
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

// step shows that name is being read.
func (p *progress) step(name string) {
	p.n++
	if !p.on || time.Since(p.lastAt) < 50*time.Millisecond {
		p.read += p.sizes[name]
		return
	}
	p.lastAt = time.Now()
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = int(int64(width) * p.read / p.total)
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.n, p.files,
		report.Plain(filepath.Base(name), 40))
	p.read += p.sizes[name]
	p.shown = true
}

func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

func (p *progress) done() { p.clear() }
