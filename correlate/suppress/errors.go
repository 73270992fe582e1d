package suppress

import (
	"errors"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

// Sentinel errors. The typed errors of this package wrap them, so callers
// test them with [errors.Is].
var (
	// ErrSyntax: a rule file is not well-formed YAML or JSON.
	ErrSyntax = errors.New("suppress: syntax error")
	// ErrInvalid: a rule file is well-formed but breaks the schema, or a
	// [Rule] built in code is invalid (no criteria, unknown status, a bad
	// glob, purl or CWE, an expiry before its creation...).
	ErrInvalid = errors.New("suppress: invalid rule")
	// ErrInvalidStatement: a VEX statement cannot be indexed (no
	// vulnerability ID, unknown status, a timestamp that is not a time).
	ErrInvalidStatement = errors.New("suppress: invalid VEX statement")
	// ErrLimit: a rule file exceeds [Options.MaxBytes] or
	// [Options.MaxRules].
	ErrLimit = errors.New("suppress: limit exceeded")
)

// RuleError reports a problem with one place of a rule file, or with one
// [Rule] given to [NewRuleSet]. Use [errors.As] to get one and [errors.Is]
// to test its cause against [ErrSyntax], [ErrInvalid] and [ErrLimit].
// Like every error value, it is safe to read concurrently once returned.
type RuleError struct {
	// File is the name of the input from [Options.Name], or [Rule.File].
	File string
	// Line and Column locate the problem, 1-based; 0 when unknown.
	Line, Column int
	// Field is the path of the offending value inside the document, like
	// "rules[2].expires"; empty for a problem with the whole document.
	Field string
	// Rule is the ID of the rule concerned, when known.
	Rule string
	// Err is the cause; it wraps one of the sentinels of this package.
	Err error
}

func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString("suppress: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		if e.File == "" {
			b.WriteString("line ")
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Column))
		}
		b.WriteString(":")
	}
	if e.File != "" || e.Line > 0 {
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Rule != "" {
		b.WriteString("rule ")
		b.WriteString(strconv.Quote(e.Rule))
		b.WriteString(": ")
	}
	b.WriteString(causeText(e.Err))
	return b.String()
}

// Unwrap returns the cause.
func (e *RuleError) Unwrap() error { return e.Err }

// StatementError reports a VEX statement that [NewVEXIndex] left out of
// its index. It is safe to read concurrently once returned.
type StatementError struct {
	// Index is the statement's position in the slice given to
	// [NewVEXIndex].
	Index int
	// VulnerabilityID is the statement's vulnerability ID, possibly empty.
	VulnerabilityID string
	// Source says where the statement was read from.
	Source findings.Source
	// Err is the cause; it wraps [ErrInvalidStatement].
	Err error
}

func (e *StatementError) Error() string {
	var b strings.Builder
	b.WriteString("suppress: statement ")
	b.WriteString(strconv.Itoa(e.Index))
	if e.Source.File != "" {
		b.WriteString(" (")
		b.WriteString(e.Source.File)
		b.WriteString(" record ")
		b.WriteString(strconv.Itoa(e.Source.Record))
		b.WriteString(")")
	}
	if e.VulnerabilityID != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.VulnerabilityID))
	}
	b.WriteString(": ")
	b.WriteString(causeText(e.Err))
	return b.String()
}

// Unwrap returns the cause.
func (e *StatementError) Unwrap() error { return e.Err }

// causeText is err's message without this package's prefix, so that a
// typed error does not repeat it.
func causeText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return strings.TrimPrefix(err.Error(), "suppress: ")
}
