package kev

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aspmkit/aspm/risk/internal/lineguard"
)

// maxLineBytes bounds one line of a CSV catalog (one record: a quoted
// field cannot carry a line past it), so that a small hostile input (a
// gzip stream inflating to gigabytes without a newline) cannot exhaust
// memory. Real lines are shorter than 4 KiB.
const maxLineBytes = 1 << 20

// readCSV reads a CSV catalog row by row.
func (p *parser) readCSV(br *bufio.Reader) (*Catalog, error) {
	g := &lineguard.Reader{R: br, Max: maxLineBytes, CSV: true, MaxLines: maxCSVLines, MaxBytes: maxCatalogBytes}
	cr := csv.NewReader(g)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, p.errLine(1, "", ErrInvalid, "missing header")
	}
	if err != nil {
		return nil, p.csvErr(err, g)
	}
	line, _ := cr.FieldPos(0)
	var cols [len(allFields)]int // field index → column, or -1
	for i := range cols {
		cols[i] = -1
	}
	for col, name := range rec {
		name = strings.TrimSpace(name)
		idx := fieldIndex(name)
		if idx < 0 {
			continue
		}
		if cols[idx] >= 0 {
			return nil, p.errLine(line, name, ErrInvalid, "repeated column")
		}
		cols[idx] = col
	}
	for idx, name := range requiredFields {
		if cols[idx] < 0 {
			return nil, p.errLine(line, name, ErrInvalid, "required column missing")
		}
	}
	width := len(rec)

	var (
		entries []Entry
		latest  time.Time
		first   = map[string]int{} // CVE → line
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, p.csvErr(err, g)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			return nil, p.errLine(line, "", ErrSyntax, "row has %d fields, want %d", len(rec), width)
		}
		var e Entry
		for idx, col := range cols {
			if col < 0 {
				continue
			}
			name, v := allFields[idx], rec[col]
			if !utf8.ValidString(v) {
				v = strings.ToValidUTF8(v, "\uFFFD") // as encoding/json does
			}
			fline, _ := cr.FieldPos(col)
			if name == fieldCWEs {
				if err := p.csvCWEs(&e, v, fline); err != nil {
					return nil, err
				}
				continue
			}
			if msg := setField(&e, name, v); msg != "" {
				return nil, p.errLine(fline, name, ErrInvalid, "%s", msg)
			}
		}
		cveLine, _ := cr.FieldPos(cols[0])
		if l, dup := first[e.CVE]; dup {
			return nil, p.errLine(cveLine, fieldCVE, ErrInvalid, "duplicate entry for %s (first on line %d)", e.CVE, l)
		}
		first[e.CVE] = cveLine
		if e.DateAdded.After(latest) {
			latest = e.DateAdded
		}
		entries = append(entries, e)
	}
	version := ""
	if !latest.IsZero() {
		version = latest.Format("2006.01.02")
	}
	return newCatalog("", version, latest, entries), nil
}

// csvCWEs reads the cwes column: IDs separated by commas ("CWE-59,
// CWE-436"), or nothing.
func (p *parser) csvCWEs(e *Entry, v string, line int) error {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	for id := range strings.SplitSeq(v, ",") {
		id = strings.TrimSpace(id)
		if !validCWE(id) {
			return p.errLine(line, fieldCWEs, ErrInvalid, "%s is not a CWE ID (CWE-NNN)", quote(id))
		}
		e.CWEs = append(e.CWEs, id)
	}
	return nil
}

// csvErr turns an error of the CSV reader into a *ParseError.
func (p *parser) csvErr(err error, g *lineguard.Reader) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: p.name, Line: pe.Line, Offset: -1, Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)}
	}
	return p.readErr(g.Line+1, err)
}
