package epss

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. [Read] wraps them in a [*ParseError], so callers test
// them with [errors.Is].
var (
	// ErrSyntax: the input is not a well-formed feed: malformed CSV (a
	// bare quote, a row without exactly three fields), a corrupt or
	// truncated gzip stream, a malformed comment line, a line longer than
	// 64 KiB.
	ErrSyntax = errors.New("epss: syntax error")
	// ErrInvalid: the input is well-formed but breaks the feed's rules: a
	// missing or wrong header, a value that is not a number or lies outside
	// [0, 1], an ID that is not a CVE ID, a CVE listed twice, a score date
	// that does not parse.
	ErrInvalid = errors.New("epss: invalid feed")
	// ErrLimit: the (decompressed) feed is larger than 256 MiB or has
	// more than 4,000,000 lines, ten times today's; a gzip bomb stops
	// there.
	ErrLimit = errors.New("epss: limit exceeded")
)

// ParseError reports a problem in an EPSS feed: which file, which line and
// column, and the cause. Use [errors.As] to get one and [errors.Is] to test
// the cause against [ErrSyntax] and [ErrInvalid]. Like any error value it
// is not modified after Read returns it, so it may be read concurrently.
type ParseError struct {
	// File is the input's name from [Options.Name]; may be empty.
	File string
	// Line is the 1-based line of the (decompressed) input where the
	// problem is, the comment line included; 0 when unknown, as for a
	// corrupt gzip header.
	Line int
	// Column names the column of the problem: "cve", "epss" or
	// "percentile" in a row, "model_version" or "score_date" in the
	// comment line; empty when the problem concerns the whole line.
	Column string
	// Err is the cause. It wraps [ErrSyntax], [ErrInvalid] or [ErrLimit],
	// or it is the error the underlying reader returned.
	Err error
}

// Error formats the problem as "epss: FILE: line N: column C: cause", leaving out
// the parts that are unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("epss: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Column != "" {
		b.WriteString("column ")
		b.WriteString(e.Column)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "epss: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
