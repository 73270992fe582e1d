package html

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aspmkit/aspm/report"
)

// Sentinel errors. Test them with [errors.Is].
var (
	// ErrNilReport: Write was given no report.
	ErrNilReport = errors.New("html: nil report")
	// ErrWrite: the writer failed; the chain also holds the writer's
	// error.
	ErrWrite = errors.New("html: write failed")
	// ErrTemplate: the page template failed to execute. It means a bug in
	// this package, never bad input.
	ErrTemplate = errors.New("html: template failed")
)

// Options tunes [Write]. The zero value is ready to use.
type Options struct {
	// MaxFindings caps how many findings the findings table embeds, in
	// display order; zero means all of them, negative none (a summary-only
	// dashboard). The page says when it left findings out.
	MaxFindings int
	// DescriptionLimit is how many characters of each finding's
	// description the page keeps; zero means 300, negative none. Titles
	// are cut at 300 characters, other fields at 1,000.
	DescriptionLimit int
	// HeatMapAssets is how many assets the risk heat map shows, the
	// worst rated first; zero means 20.
	HeatMapAssets int
	// DueSoon is the window before an SLA deadline in which the table
	// marks a finding "due soon"; zero means 7 days, as in
	// [report.Options].
	DueSoon time.Duration
}

func (o Options) maxFindings(n int) int {
	switch {
	case o.MaxFindings < 0:
		return 0
	case o.MaxFindings == 0 || o.MaxFindings > n:
		return n
	}
	return o.MaxFindings
}

func (o Options) descriptionLimit() int {
	if o.DescriptionLimit == 0 {
		return 300
	}
	return o.DescriptionLimit
}

func (o Options) heatMapAssets() int { return cmp.Or(max(o.HeatMapAssets, 0), 20) }

func (o Options) dueSoon() time.Duration { return cmp.Or(o.DueSoon, 7*24*time.Hour) }

// bufferSize is the size of the buffer Write puts in front of its writer.
const bufferSize = 64 << 10

// Write writes r as one self-contained HTML page to w: summary, charts as
// inline SVG, the findings as a JSON data block with the script that
// sorts, filters and searches them, top risks, compliance and coverage
// gaps. The page loads nothing from elsewhere and carries a
// Content-Security-Policy that allows only its own script and style.
//
// Write streams the findings: memory beyond r stays small however many
// findings it holds. The same report and options give the same bytes.
// Write reads r only, so several goroutines may write one report at
// once.
func Write(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		return ErrNilReport
	}
	bw := bufio.NewWriterSize(w, bufferSize)
	pw := &probe{w: bw}
	rows := r.Findings[:opts.maxFindings(len(r.Findings))]
	v := newView(r, len(rows), opts)
	if err := pageTemplate.ExecuteTemplate(pw, "head", v); err != nil {
		return pw.fail(err)
	}
	if err := writeData(pw, r, rows, opts); err != nil {
		return pw.fail(err)
	}
	if err := pageTemplate.ExecuteTemplate(pw, "tail", v); err != nil {
		return pw.fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	return nil
}

// probe remembers the first error of the writer, to tell a failing
// writer from a failing template.
type probe struct {
	w   io.Writer
	err error
}

func (p *probe) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	if err != nil {
		p.err = err
	}
	return n, err
}

func (p *probe) WriteString(s string) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := io.WriteString(p.w, s)
	if err != nil {
		p.err = err
	}
	return n, err
}

func (p *probe) fail(err error) error {
	if p.err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, p.err)
	}
	return fmt.Errorf("%w: %w", ErrTemplate, err)
}
