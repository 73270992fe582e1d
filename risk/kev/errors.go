package kev

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. The readers wrap them in a [*ParseError], so callers
// test them with [errors.Is].
var (
	// ErrSyntax: the input is not well-formed: invalid or truncated JSON,
	// malformed CSV (a bare quote, a row with the wrong number of fields),
	// a corrupt or truncated gzip stream, a CSV line longer than 1 MiB.
	ErrSyntax = errors.New("kev: syntax error")
	// ErrInvalid: the input is well-formed but breaks the catalog's rules:
	// a required member or column missing or of the wrong type, a CVE or
	// CWE ID that is malformed, a date that does not parse, an unknown
	// ransomware value, a CVE listed twice, a count that does not match
	// the entries.
	ErrInvalid = errors.New("kev: invalid catalog")
	// ErrLimit: the input exceeds a bound: a (decompressed) catalog larger
	// than 32 MiB, a CSV catalog of more than 200,000 lines, JSON nested
	// deeper than 512 levels or holding a string longer than 16 MiB.
	ErrLimit = errors.New("kev: limit exceeded")
)

// ParseError reports a problem in a KEV catalog: which file, where (a line
// for CSV; a byte offset and a path for JSON), and the cause. Use
// [errors.As] to get one and [errors.Is] to test the cause against
// [ErrSyntax] and [ErrInvalid]. Like any error value it is not modified
// after a reader returns it, so it may be read concurrently.
type ParseError struct {
	// File is the input's name from [Options.Name]; may be empty.
	File string
	// Line is the 1-based line of a CSV catalog where the problem is; 0
	// for JSON and when unknown.
	Line int
	// Offset is the byte offset in a JSON catalog of the offending byte or
	// of the value in error (the start of the element that lacks a
	// required member), counted from the first byte of the (decompressed)
	// input, a UTF-8 byte order mark included; the input's length for a
	// truncated document; -1 for CSV and when unknown.
	Offset int64
	// Path locates the problem: in JSON a path like
	// "vulnerabilities[12].dateAdded" or "count"; in CSV the column name,
	// like "dateAdded"; empty when the problem concerns the whole input or
	// line.
	Path string
	// Err is the cause. It wraps [ErrSyntax], [ErrInvalid] or [ErrLimit],
	// or it is the error the underlying reader returned.
	Err error
}

// Error formats the problem as "kev: FILE: line N: byte N: PATH: cause", leaving out
// the parts that are unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("kev: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Offset >= 0 {
		b.WriteString("byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "kev: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
