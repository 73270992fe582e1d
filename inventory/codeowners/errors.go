package codeowners

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. [Parse] wraps them in an [*Error], so callers test them
// with [errors.Is].
var (
	// ErrSyntax: a line cannot be read as a rule or a section header (a
	// pattern ending in a lone backslash, an unclosed section header).
	ErrSyntax = errors.New("codeowners: syntax error")
	// ErrInvalid: a line is well-formed but breaks the rules: an owner
	// that is not @user, @org/team, @@role or an e-mail address, an empty
	// section name.
	ErrInvalid = errors.New("codeowners: invalid file")
	// ErrUnsupported: a gitignore feature that CODEOWNERS files do not
	// have (negation with "!").
	ErrUnsupported = errors.New("codeowners: unsupported syntax")
	// ErrLimit: the input exceeds [Options.MaxBytes].
	ErrLimit = errors.New("codeowners: limit exceeded")
)

// Error reports a problem in a CODEOWNERS file: which file, which line,
// and the cause. Use [errors.As] to get one and [errors.Is] to test the
// cause against the sentinels of this package.
//
// An Error is a value: it is safe to read from several goroutines.
type Error struct {
	// File is the input's name from [Options.Name]; may be empty.
	File string
	// Line is the 1-based line of the problem; 0 when unknown.
	Line int
	// Column is the 1-based byte column of the offending token; 0 when
	// unknown.
	Column int
	// Err is the cause. It wraps one of the sentinels of this package.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("codeowners: ")
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
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "codeowners: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
