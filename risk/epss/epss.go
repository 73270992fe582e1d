package epss

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/risk/internal/cveid"
	"github.com/aspmkit/aspm/risk/internal/lineguard"
)

// maxLineBytes bounds one line of a feed (one CSV record: a quoted field
// cannot carry a line past it), so that a small hostile input (a gzip
// stream inflating to gigabytes without a newline) cannot exhaust memory.
// Real lines are shorter than 100 bytes.
const maxLineBytes = 64 << 10

// maxFeedBytes bounds the (decompressed) feed, and maxLines its lines,
// blank ones included, so that a gzip stream inflating to gigabytes of
// short or empty lines stops early too. The daily file of 2025 has about
// 300,000 lines and 12 MB; the bounds leave room for ten times as many
// CVEs.
//
// They are variables so that tests can lower them.
var (
	maxFeedBytes int64 = 256 << 20
	maxLines           = 4_000_000
)

// Column names, as in the header and in [ParseError.Column].
const (
	colCVE          = "cve"
	colEPSS         = "epss"
	colPercentile   = "percentile"
	colModelVersion = "model_version"
	colScoreDate    = "score_date"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	bom       = []byte{0xEF, 0xBB, 0xBF}
)

// Options configures [Read]. The zero value is ready to use. Read only
// reads it, so one Options may serve concurrent calls.
type Options struct {
	// Name names the input in errors, typically its file name; may be
	// empty.
	Name string
}

// Score is the EPSS score of one CVE. It is a plain value, safe to copy
// and to read from several goroutines.
type Score struct {
	// CVE is the CVE ID in canonical form ("CVE-2021-44228").
	CVE string
	// Probability is the EPSS score: the probability, in [0, 1], of
	// exploitation activity in the next 30 days.
	Probability float64
	// Percentile is the rank of Probability among all scored CVEs of the
	// feed, in [0, 1].
	Percentile float64
}

// scores holds one row's values; the CVE is in the map key.
type scores struct {
	probability, percentile float64
}

// Feed is a parsed EPSS feed: one score per CVE, with the model version and
// score date the file states. Build one with [Read]. A Feed is immutable
// and safe for concurrent use by multiple goroutines.
type Feed struct {
	scores map[cveid.Key]scores
	model  string
	date   time.Time
}

// Read parses an EPSS feed from r, plain or gzip-compressed (recognized by
// the gzip magic bytes, not by name). It reads r one row at a time up to
// its end, or up to the first problem, which it returns as a
// [*ParseError].
func Read(r io.Reader, opts Options) (*Feed, error) {
	p := &parser{name: opts.Name}
	return p.read(r)
}

// ModelVersion is the EPSS model version the file states, like
// "v2026.06.15"; "" when the file has no comment line or the line does not
// name a model.
func (f *Feed) ModelVersion() string { return f.model }

// ScoreDate is the date and time the scores were computed, in UTC; the
// zero time when the file does not state it.
func (f *Feed) ScoreDate() time.Time { return f.date }

// Version identifies the feed in one string, for explanations and logs:
// the model version, then "@" and the score date as YYYY-MM-DD (UTC), like
// "v2026.06.15@2026-09-29". A part the file does not state is left out
// (with its "@" when the date is missing), so a file without a comment
// line gives "".
func (f *Feed) Version() string {
	if f.date.IsZero() {
		return f.model
	}
	return f.model + "@" + f.date.Format(time.DateOnly)
}

// Len is the number of CVEs in the feed.
func (f *Feed) Len() int { return len(f.scores) }

// Lookup returns the score of the CVE id. The ID is matched without regard
// to case or surrounding white space; an ID that is not a CVE ID is simply
// not found.
func (f *Feed) Lookup(id string) (Score, bool) {
	id = strings.TrimSpace(id)
	k, ok := cveid.Parse(id)
	if !ok {
		return Score{}, false
	}
	s, ok := f.scores[k]
	if !ok {
		return Score{}, false
	}
	return Score{CVE: cveid.Canonical(id), Probability: s.probability, Percentile: s.percentile}, true
}

// LookupAny returns the score with the highest probability among the ids
// the feed holds, for a vulnerability known under several aliases; on a
// tie the first such id in argument order wins. IDs are matched as by
// [Feed.Lookup]; ok is false when none is found.
func (f *Feed) LookupAny(ids ...string) (Score, bool) {
	var (
		best   scores
		bestID string
		found  bool
	)
	for _, id := range ids {
		id = strings.TrimSpace(id)
		k, ok := cveid.Parse(id)
		if !ok {
			continue
		}
		s, ok := f.scores[k]
		if !ok {
			continue
		}
		if !found || s.probability > best.probability {
			best, bestID, found = s, id, true
		}
	}
	if !found {
		return Score{}, false
	}
	return Score{CVE: cveid.Canonical(bestID), Probability: best.probability, Percentile: best.percentile}, true
}

// parser holds the state of one Read.
type parser struct {
	name  string
	guard *lineguard.Reader
}

func (p *parser) errorf(line int, column string, sentinel error, format string, args ...any) error {
	return &ParseError{File: p.name, Line: line, Column: column,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

func (p *parser) read(r io.Reader) (*Feed, error) {
	src := bufio.NewReaderSize(r, maxLineBytes)
	var in io.Reader = src
	if head, _ := src.Peek(len(gzipMagic)); bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, p.readErr(0, err)
		}
		in = zr
	}
	p.guard = &lineguard.Reader{R: in, Max: maxLineBytes, MaxLines: maxLines, MaxBytes: maxFeedBytes, CSV: true}
	br := bufio.NewReaderSize(p.guard, maxLineBytes)
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		_, _ = br.Discard(len(bom))
	}

	f := &Feed{scores: make(map[cveid.Key]scores)}
	lineOffset := 0 // lines consumed before the CSV reader starts
	if head, _ := br.Peek(1); len(head) == 1 && head[0] == '#' {
		line, err := br.ReadSlice('\n')
		if err != nil && err != io.EOF {
			return nil, p.readErr(1, err)
		}
		if err := p.comment(f, line); err != nil {
			return nil, err
		}
		lineOffset = 1
	}

	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, p.errorf(lineOffset+1, "", ErrInvalid, "missing header %s,%s,%s", colCVE, colEPSS, colPercentile)
	}
	if err != nil {
		return nil, p.csvErr(err, lineOffset)
	}
	line, _ := cr.FieldPos(0)
	line += lineOffset
	if err := p.header(rec, line); err != nil {
		return nil, err
	}

	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, p.csvErr(err, lineOffset)
		}
		line, _ := cr.FieldPos(0)
		line += lineOffset
		if len(rec) != 3 {
			return nil, p.errorf(line, "", ErrSyntax, "row has %d fields, want 3", len(rec))
		}
		id := strings.TrimSpace(rec[0])
		k, ok := cveid.Parse(id)
		if !ok {
			return nil, p.errorf(line, colCVE, ErrInvalid, "%q is not a CVE ID", id)
		}
		prob, err := p.unit(rec[1], line, colEPSS)
		if err != nil {
			return nil, err
		}
		pct, err := p.unit(rec[2], line, colPercentile)
		if err != nil {
			return nil, err
		}
		if _, dup := f.scores[k]; dup {
			return nil, p.errorf(line, colCVE, ErrInvalid, "duplicate row for %s", cveid.Canonical(id))
		}
		f.scores[k] = scores{probability: prob, percentile: pct}
	}
	return f, nil
}

// comment reads the comment line "#model_version:v2026.06.15,score_date:...".
// Keys other than model_version and score_date are ignored, so that a
// future field does not break old readers.
func (p *parser) comment(f *Feed, line []byte) error {
	s := strings.TrimRight(string(line[1:]), "\r\n")
	s = strings.ToValidUTF8(s, "\uFFFD") // as encoding/json does
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var haveModel, haveDate bool
	for field := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(field, ":")
		if !ok {
			return p.errorf(1, "", ErrSyntax, "comment field %q is not key:value", field)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case colModelVersion:
			if haveModel {
				return p.errorf(1, k, ErrInvalid, "repeated in the comment line")
			}
			if v == "" {
				return p.errorf(1, k, ErrInvalid, "empty model version")
			}
			haveModel, f.model = true, v
		case colScoreDate:
			if haveDate {
				return p.errorf(1, k, ErrInvalid, "repeated in the comment line")
			}
			t, ok := parseDate(v)
			if !ok {
				return p.errorf(1, k, ErrInvalid, "%q is not a date", v)
			}
			haveDate, f.date = true, t
		}
	}
	return nil
}

// parseDate accepts the score_date forms FIRST has written: RFC 3339
// ("2026-09-29T12:00:22Z"), a numeric zone without colon
// ("2023-03-15T00:00:00+0000"), and a plain date.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (p *parser) header(rec []string, line int) error {
	want := [...]string{colCVE, colEPSS, colPercentile}
	if len(rec) != len(want) {
		return p.errorf(line, "", ErrInvalid, "header has %d columns, want %s,%s,%s", len(rec), colCVE, colEPSS, colPercentile)
	}
	for i, name := range want {
		if !strings.EqualFold(strings.TrimSpace(rec[i]), name) {
			return p.errorf(line, name, ErrInvalid, "header column %d is %q, want %q", i+1, rec[i], name)
		}
	}
	return nil
}

// unit parses a decimal number in [0, 1]. Only digits, '.', exponents and
// signs are accepted, so that "NaN", "Inf" and hexadecimal floats, which
// strconv.ParseFloat takes, are rejected.
func (p *parser) unit(s string, line int, column string) (float64, error) {
	s = strings.TrimSpace(s)
	ok := s != ""
	for i := 0; ok && i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			ok = false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if !ok || err != nil {
		return 0, p.errorf(line, column, ErrInvalid, "%q is not a number", s)
	}
	if !(v >= 0 && v <= 1) {
		return 0, p.errorf(line, column, ErrInvalid, "%s is outside [0, 1]", s)
	}
	return v + 0, nil // + 0 turns -0 into 0
}

// csvErr turns an error of the CSV reader into a *ParseError.
func (p *parser) csvErr(err error, lineOffset int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: p.name, Line: pe.Line + lineOffset, Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)}
	}
	return p.readErr(p.guard.Line+1, err)
}

// readErr classifies an error met while reading: an overlong line or a
// corrupt gzip stream is ErrSyntax, anything else is the reader's own
// error, kept as the cause.
func (p *parser) readErr(line int, err error) error {
	var long *lineguard.TooLongError
	var lim *lineguard.LimitError
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &long):
		return p.errorf(long.Line, "", ErrSyntax, "line longer than %d bytes", maxLineBytes)
	case errors.As(err, &lim):
		return p.errorf(lim.Line, "", ErrLimit, "feed longer than %d %s", lim.Max, lim.What)
	case errors.Is(err, bufio.ErrBufferFull):
		return p.errorf(line, "", ErrSyntax, "line longer than %d bytes", maxLineBytes)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt):
		return p.errorf(line, "", ErrSyntax, "corrupt gzip stream: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return p.errorf(line, "", ErrSyntax, "truncated input")
	}
	return &ParseError{File: p.name, Line: line, Err: err}
}
