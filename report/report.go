package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Report is what every renderer writes: the summary of the data and its
// findings in display order. Build it with [New].
type Report struct {
	Summary Summary `json:"summary"`
	// Findings are every finding of the data, open ones first, then by
	// severity (critical first), risk score (highest first) and ID.
	Findings []Finding `json:"findings"`
	// Data is the data the report was made of.
	Data *Data `json:"-"`
}

// New summarizes d and orders its findings for display. It does not
// modify d.
func New(d *Data, opts Options) *Report {
	// Sort positions, not the findings themselves (each is hundreds of
	// bytes); the position breaks the remaining ties, so an unstable sort
	// gives a stable order.
	ptrs := make([]*Finding, len(d.Findings))
	idx := make([]int, len(d.Findings))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(compareFindings(&d.Findings[a], &d.Findings[b]), cmp.Compare(a, b))
	})
	for i, j := range idx {
		ptrs[i] = &d.Findings[j]
	}
	r := &Report{Summary: Summarize(d, opts), Findings: make([]Finding, len(ptrs)), Data: d}
	for i, p := range ptrs {
		r.Findings[i] = *p
	}
	return r
}

func compareFindings(a, b *Finding) int {
	if x, y := a.Active(), b.Active(); x != y {
		if x {
			return -1
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		cmp.Compare(riskScore(b), riskScore(a)),
		strings.Compare(a.ID, b.ID),
		strings.Compare(a.Title, b.Title),
	)
}

func riskScore(f *Finding) float64 {
	if f.Risk == nil {
		return -1
	}
	return f.Risk.Score
}

// WriteJSON writes the report as one JSON document: {"version", "summary",
// "findings"} (see [Version]), indented, with characters significant in
// HTML escaped. The encoding is stable: the same data gives the same
// bytes. Findings are encoded one at a time, so the output is never held
// in memory whole.
func (r *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	summary, err := json.MarshalIndent(r.Summary, "  ", "  ")
	if err != nil {
		return err
	}
	bw.WriteString("{\n  \"version\": ")
	v, _ := json.Marshal(Version)
	bw.Write(v)
	bw.WriteString(",\n  \"summary\": ")
	bw.Write(summary)
	bw.WriteString(",\n  \"findings\": [")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	for i := range r.Findings {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		buf.Reset()
		if err := enc.Encode(&r.Findings[i]); err != nil {
			return fmt.Errorf("report: finding %s: %w", r.Findings[i].ID, err)
		}
		bw.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	}
	if len(r.Findings) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}
