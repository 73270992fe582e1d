package report

import (
	"cmp"
	"encoding/json"
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
	r := &Report{Summary: Summarize(d, opts), Findings: slices.Clone(d.Findings), Data: d}
	slices.SortStableFunc(r.Findings, compareFindings)
	return r
}

func compareFindings(a, b Finding) int {
	if x, y := a.Active(), b.Active(); x != y {
		if x {
			return -1
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		cmp.Compare(riskScore(&b), riskScore(&a)),
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
// "findings"} (see [Version]). The encoding is stable: the same data
// gives the same bytes.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Version  string    `json:"version"`
		Summary  Summary   `json:"summary"`
		Findings []Finding `json:"findings"`
	}{Version, r.Summary, r.Findings})
}
