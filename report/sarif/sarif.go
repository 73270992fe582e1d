package sarif

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/internal/jsonw"
)

// GitHub code scanning's documented hard limits on an uploaded SARIF file.
const (
	// MaxRuns is the most runs GitHub accepts in one file.
	MaxRuns = 20
	// MaxResultsPerRun is the most results GitHub accepts in one run.
	MaxResultsPerRun = 25000
	// MaxTagsPerRule is the most tags of a rule GitHub shows (it accepts
	// 20 and shows 10).
	MaxTagsPerRule = 10
	// MaxLocationsPerResult is the most locations of a result GitHub
	// shows (it accepts 1,000 and shows 100); it bounds locations and
	// relatedLocations together.
	MaxLocationsPerResult = 100
	// MaxDescriptionRunes bounds a rule's shortDescription and
	// fullDescription, as GitHub does.
	MaxDescriptionRunes = 1024
)

// Version is the SARIF version written, and Schema the URI written as
// "$schema".
const (
	Version = "2.1.0"
	Schema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

// Sentinel errors, tested with [errors.Is].
var (
	// ErrNilReport: Write was given no report.
	ErrNilReport = errors.New("sarif: nil report")
	// ErrInvalidFinding: a finding cannot be rendered; the error chain
	// holds a [*FindingError] naming it.
	ErrInvalidFinding = errors.New("sarif: invalid finding")
	// ErrWrite: the writer failed; the error chain holds its error.
	ErrWrite = errors.New("sarif: write failed")
)

// FindingError reports a finding that cannot be rendered. Use
// [errors.As] to get one. It is a plain value, safe for concurrent reads.
type FindingError struct {
	// Index is the finding's position in [report.Report.Findings].
	Index int
	// ID is the finding's ID (may be empty: that may be the problem).
	ID string
	// Field names the offending field, like "id".
	Field string
	// Err is the cause; it wraps [ErrInvalidFinding].
	Err error
}

func (e *FindingError) Error() string {
	msg := "unknown error"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("%s: findings[%d] (id %q): %s", msg, e.Index, e.ID, e.Field)
}

// Unwrap returns the cause.
func (e *FindingError) Unwrap() error { return e.Err }

// Layout chooses how findings are grouped into runs. It is a plain
// value, safe for concurrent use.
type Layout int

// The layouts.
const (
	// PerTool writes one run per tool, named after the tool (the zero
	// value).
	PerTool Layout = iota
	// Merged writes one run, whose driver is [Options.ToolName], with the
	// results of every tool, a cross-tool cluster once.
	Merged
)

// String returns "per-tool" or "merged".
func (l Layout) String() string {
	switch l {
	case PerTool:
		return "per-tool"
	case Merged:
		return "merged"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// Options tunes [Write]. The zero value is valid: one run per tool, at
// most [MaxResultsPerRun] results a run, fixed findings written as
// "absent". Options is a plain value, safe to share between concurrent
// calls.
type Options struct {
	// Layout is PerTool (the zero value) or Merged.
	Layout Layout
	// ToolName and ToolVersion name the driver of a merged run (and of
	// the run that collects the tools beyond [MaxRuns]); ToolName
	// defaults to "aspm".
	ToolName    string
	ToolVersion string
	// Category, when set, is written as every run's
	// automationDetails.id ("<category>/"), which GitHub reads as the
	// analysis category.
	Category string
	// SourceRoot is a directory prefix removed from absolute paths (the
	// checkout directory of the scan), so that locations are relative to
	// the repository root as GitHub expects.
	SourceRoot string
	// MaxResultsPerRun bounds the results of a run: zero means
	// [MaxResultsPerRun], negative no limit. Results beyond it (the last
	// ones in display order) are left out, and a run-level notification
	// says how many.
	MaxResultsPerRun int
	// OmitFixed leaves out fixed findings instead of writing them with
	// baselineState "absent". GitHub code scanning treats every result it
	// is given as present: set OmitFixed when uploading there.
	OmitFixed bool
}

func (o Options) toolName() string { return cmp.Or(plainLine(o.ToolName), "aspm") }

func (o Options) maxResults() int {
	switch {
	case o.MaxResultsPerRun == 0:
		return MaxResultsPerRun
	case o.MaxResultsPerRun < 0:
		return -1
	}
	return o.MaxResultsPerRun
}

// Write writes r as one SARIF 2.1.0 log (see the package documentation
// for the mapping). The same report and options always give the same
// bytes. Write only reads r: it may run concurrently with other readers
// of r.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		return ErrNilReport
	}
	for i := range r.Findings {
		if r.Findings[i].ID == "" {
			return &FindingError{Index: i, Field: "id", Err: fmt.Errorf("%w: empty id", ErrInvalidFinding)}
		}
	}
	runs := groupRuns(r.Findings, opts)
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &encoder{jsonw.Writer{W: bw}}
	e.Str("{\n  \"$schema\": \"" + Schema + "\",\n  \"version\": \"" + Version + "\",\n  \"runs\": [")
	for i := range runs {
		if i > 0 {
			e.Str(",")
		}
		e.Str("\n    ")
		e.run(&runs[i], opts)
	}
	if len(runs) > 0 {
		e.Str("\n  ")
	}
	e.Str("]\n}\n")
	if e.Err == nil {
		e.Err = bw.Flush()
	}
	if e.Err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, e.Err)
	}
	return nil
}

// runData is one run to write: its driver and its results (a cluster's
// representative with the IDs of the findings it stands for).
type runData struct {
	tool, version string
	results       []entry
	omitted       int
	// collected counts the tools merged into an overflow run.
	collected []string
}

type entry struct {
	f    *report.Finding
	dups []string
}

// groupRuns splits the findings, in display order, into runs and
// deduplicates each run by cluster (else ID).
func groupRuns(fs []report.Finding, opts Options) []runData {
	type acc struct {
		run  runData
		seen map[string]int
	}
	byTool := map[string]*acc{}
	var order []string
	for i := range fs {
		f := &fs[i]
		if opts.OmitFixed && !f.IsOpen() {
			continue
		}
		key := ""
		if opts.Layout == PerTool {
			key = cmp.Or(plainLine(f.Tool.Name), "unknown")
		}
		a := byTool[key]
		if a == nil {
			a = &acc{seen: map[string]int{}}
			a.run.tool = key
			a.run.version = plainLine(f.Tool.Version)
			byTool[key] = a
			order = append(order, key)
		}
		dk := "id\x00" + f.ID
		if f.Cluster != "" {
			dk = "cluster\x00" + f.Cluster
		}
		if j, ok := a.seen[dk]; ok {
			e := &a.run.results[j]
			if f.ID != e.f.ID && !slices.Contains(e.dups, f.ID) {
				e.dups = append(e.dups, f.ID)
			}
			continue
		}
		a.seen[dk] = len(a.run.results)
		a.run.results = append(a.run.results, entry{f: f})
	}
	slices.Sort(order)
	runs := make([]runData, 0, len(order))
	for _, k := range order {
		runs = append(runs, byTool[k].run)
	}
	if opts.Layout == Merged {
		if len(runs) == 0 {
			runs = append(runs, runData{})
		}
		runs[0].tool, runs[0].version = opts.toolName(), plainLine(opts.ToolVersion)
	}
	if len(runs) > MaxRuns {
		runs = collectOverflow(runs, fs, opts)
	}
	for i := range runs {
		for j := range runs[i].results {
			slices.Sort(runs[i].results[j].dups)
		}
		if m := opts.maxResults(); m >= 0 && len(runs[i].results) > m {
			runs[i].omitted = len(runs[i].results) - m
			runs[i].results = runs[i].results[:m:m]
		}
	}
	return runs
}

// collectOverflow keeps the first MaxRuns-1 runs and merges the others
// into a last run driven by Options.ToolName, restoring display order.
func collectOverflow(runs []runData, fs []report.Finding, opts Options) []runData {
	last := runData{tool: opts.toolName(), version: plainLine(opts.ToolVersion)}
	pos := make(map[*report.Finding]int, len(fs))
	for i := range fs {
		pos[&fs[i]] = i
	}
	for _, r := range runs[MaxRuns-1:] {
		last.collected = append(last.collected, r.tool)
		last.results = append(last.results, r.results...)
	}
	slices.SortStableFunc(last.results, func(a, b entry) int { return cmp.Compare(pos[a.f], pos[b.f]) })
	return append(runs[:MaxRuns-1:MaxRuns-1], last)
}
