package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/internal/limits"
)

// ReportVersion is the version of the report document that
// [Report.WriteJSON] writes and [ReadReport] reads.
const ReportVersion = "aspm-compliance-report/1"

// Status is the outcome of one control (a string, safe for concurrent
// use).
type Status string

// The statuses of a control.
const (
	// StatusPass: the control applied and found no violation.
	StatusPass Status = "pass"
	// StatusFail: the control found at least one violation.
	StatusFail Status = "fail"
	// StatusNotApplicable: the posture holds nothing the control judges
	// (its applicable rule is false).
	StatusNotApplicable Status = "not_applicable"
	// StatusError: the control could not be evaluated (a runtime error in
	// its Rego, or a result of the wrong shape).
	StatusError Status = "error"
)

func (s Status) valid() bool {
	switch s {
	case StatusPass, StatusFail, StatusNotApplicable, StatusError:
		return true
	}
	return false
}

// Report is the outcome of one evaluation: every control's result, the
// per-framework aggregation and the gate decision. Every list in it is
// sorted, so the same posture and policies give byte-identical JSON.
//
// A Report is a plain value: safe to read from several goroutines, not to
// modify concurrently.
type Report struct {
	// Version is [ReportVersion].
	Version string `json:"version"`
	// Summary counts the controls by status.
	Summary Summary `json:"summary"`
	// Gate is the gate decision.
	Gate Gate `json:"gate"`
	// Controls are the results, ordered by control id.
	Controls []Result `json:"controls"`
	// Frameworks aggregate the results per framework, ordered by name;
	// only frameworks that at least one control maps to appear.
	Frameworks []FrameworkResult `json:"frameworks"`
}

// Summary counts controls by status. It is a plain value, safe for
// concurrent use.
type Summary struct {
	Total         int `json:"total"`
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	NotApplicable int `json:"not_applicable"`
	Errors        int `json:"errors"`
}

// Gate is the CI decision: it fails when a gating control fails or errs.
// A gating control that is not applicable does not fail it. A Gate is a
// plain value: safe to read concurrently.
type Gate struct {
	// Passed is true when no gating control failed or erred.
	Passed bool `json:"passed"`
	// Failed lists the ids of the gating controls that failed or erred,
	// sorted.
	Failed []string `json:"failed"`
}

// Result is the outcome of one control. It is a plain value: safe to read
// concurrently.
type Result struct {
	// ID, Title, Description and Severity repeat the control's catalog
	// entry, so that a report stands on its own.
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Severity    string `json:"severity,omitempty"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Message explains the outcome to a person: the first violation for a
	// failure, the error for an error.
	Message string `json:"message"`
	// Evidence are the ids of what decided the outcome ("asset:...",
	// "finding:..."), sorted and unique: the violations' evidence for a
	// failure, the control's evidence rule for a pass.
	Evidence []string `json:"evidence"`
	// Violations are what the control found, sorted by message.
	Violations []Violation `json:"violations"`
	// Gate says whether this control gates (see [Control.Gate]).
	Gate bool `json:"gate"`
	// Mappings are the control's framework requirements.
	Mappings []Mapping `json:"mappings"`
}

// Violation is one element of a control's violations set. It is a plain
// value: safe to read concurrently.
type Violation struct {
	// Msg describes the violation.
	Msg string `json:"msg"`
	// Evidence are the ids of the assets and findings involved, sorted.
	Evidence []string `json:"evidence"`
}

// finish computes the summary, the gate and the framework results from
// the control results.
func (r *Report) finish(fs *frameworkSet) {
	r.Summary = Summary{Total: len(r.Controls)}
	r.Gate = Gate{Passed: true, Failed: []string{}}
	for _, c := range r.Controls {
		switch c.Status {
		case StatusPass:
			r.Summary.Passed++
		case StatusFail:
			r.Summary.Failed++
		case StatusNotApplicable:
			r.Summary.NotApplicable++
		case StatusError:
			r.Summary.Errors++
		}
		if c.Gate && (c.Status == StatusFail || c.Status == StatusError) {
			r.Gate.Passed = false
			r.Gate.Failed = append(r.Gate.Failed, c.ID)
		}
	}
	slices.Sort(r.Gate.Failed)
	r.Frameworks = frameworkResults(r.Controls, fs)
}

// Control returns the result of the control with the given id.
func (r *Report) Control(id string) (Result, bool) {
	for _, c := range r.Controls {
		if c.ID == id {
			return c, true
		}
	}
	return Result{}, false
}

// ForFramework returns a copy of the report restricted to the controls
// mapped to the named framework, with the summary, gate and framework
// results recomputed over them; only that framework's results remain. A
// name that is neither one of [Frameworks] nor in the report gives an
// error wrapping [ErrFramework].
func (r *Report) ForFramework(name string) (*Report, error) {
	fs := r.frameworkSet()
	if _, known := fs.byName[name]; !known {
		return nil, fmt.Errorf("%w: %q (known: %s)", ErrFramework, name, fs.names())
	}
	out := &Report{Version: r.Version, Controls: []Result{}}
	for _, c := range r.Controls {
		if slices.ContainsFunc(c.Mappings, func(m Mapping) bool { return m.Framework == name }) {
			out.Controls = append(out.Controls, c)
		}
	}
	out.finish(fs)
	out.Frameworks = slices.DeleteFunc(out.Frameworks, func(f FrameworkResult) bool { return f.Name != name })
	return out, nil
}

// frameworkSet returns the known frameworks plus those the report names.
func (r *Report) frameworkSet() *frameworkSet {
	fs, _ := builtinFrameworks()
	var extra []Framework
	for _, f := range r.Frameworks {
		if _, known := fs.byName[f.Name]; !known && validName(f.Name) &&
			!slices.ContainsFunc(extra, func(e Framework) bool { return e.Name == f.Name }) {
			extra = append(extra, Framework{Name: f.Name, Title: f.Title, Version: f.Version})
		}
	}
	if len(extra) == 0 {
		return fs
	}
	if ext, err := newFrameworkSet(extra); err == nil {
		return ext
	}
	return fs
}

// WriteJSON writes the report as indented JSON followed by a newline.
// The output is stable: the same report gives the same bytes.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReportError reports a problem in a report document given to
// [ReadReport]. It is not modified after creation: safe for concurrent
// use.
type ReportError struct {
	// Offset is the byte offset of the problem in the input, -1 when
	// unknown.
	Offset int64
	// Field names the offending field, like "controls[3].status"; empty
	// for a syntax error.
	Field string
	// Err is the cause; it wraps [ErrReport].
	Err error
}

func (e *ReportError) Error() string {
	var b strings.Builder
	b.WriteString("compliance: report")
	if e.Offset >= 0 {
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "compliance: "))
	} else {
		b.WriteString("invalid")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *ReportError) Unwrap() error { return e.Err }

// ReadReport reads a report written by [Report.WriteJSON], of at most
// limits.MaxDocumentBytes (1 GiB). Unknown fields,
// another version, an unknown status or a summary or gate that does not
// match the controls give a [*ReportError] wrapping [ErrReport].
func ReadReport(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("compliance: reading report: %w", err)
	}
	if len(data) > limits.MaxDocumentBytes {
		return nil, &ReportError{Offset: limits.MaxDocumentBytes, Err: fmt.Errorf("%w: larger than %d bytes", ErrReport, limits.MaxDocumentBytes)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		off := int64(-1)
		field := ""
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off, field = te.Offset, te.Field
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			off = int64(len(data))
		default:
			off = dec.InputOffset()
			const unknown = `json: unknown field "`
			if msg := err.Error(); strings.HasPrefix(msg, unknown) {
				field = strings.TrimSuffix(strings.TrimPrefix(msg, unknown), `"`)
			}
		}
		return nil, &ReportError{Offset: off, Field: field, Err: fmt.Errorf("%w: %v", ErrReport, err)}
	}
	if dec.More() {
		return nil, &ReportError{Offset: dec.InputOffset(), Err: fmt.Errorf("%w: data after the report", ErrReport)}
	}
	if err := rep.validate(); err != nil {
		return nil, err
	}
	return &rep, nil
}

// validate checks a decoded report for consistency.
func (r *Report) validate() error {
	bad := func(field, format string, args ...any) error {
		return &ReportError{Offset: -1, Field: field, Err: fmt.Errorf("%w: "+format, append([]any{ErrReport}, args...)...)}
	}
	if r.Version != ReportVersion {
		return bad("version", "unsupported version %q (want %q)", r.Version, ReportVersion)
	}
	fs := r.frameworkSet()
	seen := map[string]bool{}
	for i, c := range r.Controls {
		field := fmt.Sprintf("controls[%d]", i)
		if !validID(c.ID) {
			return bad(field+".id", "invalid control id %q", c.ID)
		}
		if seen[c.ID] {
			return bad(field+".id", "duplicate control id %q", c.ID)
		}
		seen[c.ID] = true
		if !c.Status.valid() {
			return bad(field+".status", "unknown status %q", c.Status)
		}
		if c.Severity != "" && !slices.Contains(severities, c.Severity) {
			return bad(field+".severity", "unknown severity %q", c.Severity)
		}
		for j, m := range c.Mappings {
			if _, known := fs.byName[m.Framework]; !known || m.Requirement == "" {
				return bad(fmt.Sprintf("%s.mappings[%d]", field, j), "unknown framework %q or empty requirement", m.Framework)
			}
		}
		if (c.Status == StatusFail) != (len(c.Violations) > 0) {
			return bad(field+".violations", "a control fails exactly when it has violations")
		}
	}
	// Recompute what derives from the controls and compare.
	want := &Report{Version: r.Version, Controls: r.Controls}
	want.finish(fs)
	if r.Summary != want.Summary {
		return bad("summary", "does not match the controls")
	}
	if r.Gate.Passed != want.Gate.Passed || !slices.Equal(r.Gate.Failed, want.Gate.Failed) {
		return bad("gate", "does not match the controls")
	}
	if len(r.Frameworks) != len(want.Frameworks) {
		return bad("frameworks", "do not match the controls' mappings")
	}
	for i := range r.Frameworks {
		a, b := r.Frameworks[i], want.Frameworks[i]
		if a.Name != b.Name || a.Requirements != b.Requirements || a.Covered != b.Covered ||
			a.Passed != b.Passed || a.Failed != b.Failed || a.PassRate != b.PassRate || len(a.Results) != len(b.Results) {
			return bad(fmt.Sprintf("frameworks[%d]", i), "does not match the controls' mappings")
		}
	}
	r.normalize()
	return nil
}

// normalize makes nil lists empty, as the engine writes them.
func (r *Report) normalize() {
	if r.Controls == nil {
		r.Controls = []Result{}
	}
	if r.Frameworks == nil {
		r.Frameworks = []FrameworkResult{}
	}
	if r.Gate.Failed == nil {
		r.Gate.Failed = []string{}
	}
	for i := range r.Controls {
		c := &r.Controls[i]
		if c.Evidence == nil {
			c.Evidence = []string{}
		}
		if c.Violations == nil {
			c.Violations = []Violation{}
		}
		if c.Mappings == nil {
			c.Mappings = []Mapping{}
		}
		for j := range c.Violations {
			if c.Violations[j].Evidence == nil {
				c.Violations[j].Evidence = []string{}
			}
		}
	}
	for i := range r.Frameworks {
		if r.Frameworks[i].Results == nil {
			r.Frameworks[i].Results = []RequirementResult{}
		}
		for j := range r.Frameworks[i].Results {
			if r.Frameworks[i].Results[j].Controls == nil {
				r.Frameworks[i].Results[j].Controls = []string{}
			}
		}
	}
}
