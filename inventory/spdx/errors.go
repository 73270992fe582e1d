package spdx

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. [Read] wraps them in an [*Error], so callers test them
// with [errors.Is].
var (
	// ErrSyntax: the input is not well-formed JSON, YAML or tag-value (or
	// it is empty).
	ErrSyntax = errors.New("spdx: syntax error")
	// ErrInvalid: the input is well-formed but breaks the SPDX rules that
	// the import depends on (a field of the wrong type, a malformed SPDX
	// identifier, two packages with one identifier, a package without a
	// name or a package URL).
	ErrInvalid = errors.New("spdx: invalid document")
	// ErrUnsupported: the input is not an SPDX 2 document this package
	// reads: SPDX 3 (JSON-LD), RDF/XML or Turtle, another SPDX version, or
	// not SPDX at all.
	ErrUnsupported = errors.New("spdx: unsupported format")
	// ErrLimit: the input exceeds [Options.MaxBytes], or a tag-value line
	// is longer than the parser accepts (64 KiB).
	ErrLimit = errors.New("spdx: limit exceeded")
)

// Error reports a problem in an input document: which file, which
// serialization, where, and the cause. Use [errors.As] to get one and
// [errors.Is] to test the cause against the sentinels of this package.
//
// An Error is a value: it is safe to read from several goroutines.
type Error struct {
	// File is the input's name from [Options.Name]; may be empty.
	File string
	// Format is the serialization ([FormatJSON], [FormatYAML],
	// [FormatTagValue], [FormatRDF]); empty when none was recognized.
	Format string
	// Line is the 1-based line of the problem; 0 when unknown.
	Line int
	// Offset is the byte offset of the problem, counting from the first
	// byte of the input (a UTF-8 byte order mark included); -1 when
	// unknown.
	Offset int64
	// Path locates the problem inside the document, in the JSON field
	// names of SPDX 2.3 whatever the serialization: "packages[3]",
	// "packages[3].externalRefs[1]". Indexes count packages in document
	// order. May be empty.
	Path string
	// Err is the cause. It wraps one of the sentinels of this package,
	// or the reader's error when reading the input failed.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("spdx: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Format != "" {
		b.WriteString(e.Format)
		b.WriteString(": ")
	}
	switch {
	case e.Line > 0 && e.Offset >= 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ", byte " + strconv.FormatInt(e.Offset, 10) + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	case e.Offset >= 0:
		b.WriteString("byte " + strconv.FormatInt(e.Offset, 10) + ": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "spdx: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
