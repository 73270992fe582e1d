package access

import (
	"errors"
	"fmt"
)

// Errors the importers wrap, so callers can tell bad input from input of
// a kind no importer reads.
var (
	// ErrSyntax is wrapped by a [*ParseError] for input that is not the
	// format the importer reads (bad JSON or YAML, a field of the wrong
	// type, a required field missing).
	ErrSyntax = errors.New("access: syntax error")
	// ErrUnsupported is wrapped when the input is of a kind no importer
	// reads: Terraform, Casbin, an unrendered Helm template.
	ErrUnsupported = errors.New("access: unsupported input")
	// ErrLimit is wrapped when the input exceeds an importer's limit.
	ErrLimit = errors.New("access: limit exceeded")
)

// ParseError reports bad input: where it is and what is wrong. It wraps
// [ErrSyntax], [ErrUnsupported] or [ErrLimit] (see Unwrap).
type ParseError struct {
	// File is the file name the importer was given ("" when none).
	File string
	// Line is the 1-based line of the problem, when known.
	Line int
	// Path locates the problem within the document: a JSON pointer
	// ("/UserDetailList/3/AttachedManagedPolicies"), or a YAML document
	// index and field ("#2 rules[0].verbs").
	Path string
	// Message says what is wrong.
	Message string
	// Err is the sentinel this error wraps; nil means [ErrSyntax].
	Err error
}

// Error is "access: FILE:LINE: PATH: MESSAGE", leaving out what is unknown.
func (e *ParseError) Error() string {
	s := "access: "
	if e.File != "" {
		s += e.File + ":"
		if e.Line > 0 {
			s += fmt.Sprintf("%d:", e.Line)
		}
		s += " "
	} else if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + e.Message
}

// Unwrap returns the sentinel the error wraps.
func (e *ParseError) Unwrap() error {
	if e.Err == nil {
		return ErrSyntax
	}
	return e.Err
}
