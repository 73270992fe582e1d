package catalog

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. [Read] wraps them in an [*Error], so callers test them
// with [errors.Is].
var (
	// ErrSyntax: the input is not well-formed YAML or JSON.
	ErrSyntax = errors.New("catalog: syntax error")
	// ErrInvalid: the input is well-formed but breaks the catalog's rules:
	// an unknown field, a value of the wrong type or outside its
	// vocabulary, a name declared twice, a reference to something the
	// catalog does not declare.
	ErrInvalid = errors.New("catalog: invalid document")
	// ErrUnsupported: the input is not a catalog this package reads (no
	// "apiVersion: aspm/v1" and "kind: Catalog", or another version).
	ErrUnsupported = errors.New("catalog: unsupported format")
	// ErrLimit: the input exceeds [Options.MaxBytes], or expanding its
	// YAML aliases would visit too many nodes.
	ErrLimit = errors.New("catalog: limit exceeded")
)

// Error reports a problem in a catalog: which file, where, and the cause.
// Use [errors.As] to get one and [errors.Is] to test the cause against the
// sentinels of this package.
//
// An Error is a value: it is safe to read from several goroutines.
type Error struct {
	// File is the input's name from [Options.Name]; may be empty.
	File string
	// Line and Column locate the problem, 1-based; 0 when unknown.
	Line, Column int
	// Path locates the problem inside the document, in the catalog's field
	// names: "applications[0].services[2].owner". May be empty.
	Path string
	// Err is the cause. It wraps one of the sentinels of this package.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("catalog: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Column))
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "catalog: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
