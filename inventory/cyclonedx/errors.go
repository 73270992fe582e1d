package cyclonedx

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. [Read] wraps them in an [*Error] and [Write] wraps them
// directly; test them with [errors.Is].
var (
	// ErrSyntax: the input is not well-formed JSON or XML (invalid,
	// truncated or empty).
	ErrSyntax = errors.New("cyclonedx: syntax error")
	// ErrInvalid: the input is well-formed but breaks CycloneDX's rules or
	// cannot enter the graph: a field of the wrong type, a component
	// without name or purl, an unparsable purl, a bom-ref naming two
	// different assets, an "aspm:" property with a value outside its
	// vocabulary. [Write] returns it for bad [WriteOptions].
	ErrInvalid = errors.New("cyclonedx: invalid document")
	// ErrUnsupported: the input is not a CycloneDX BOM (another
	// bomFormat, another XML root or namespace) or is one in a version
	// this package does not read (specVersion other than 1.0 to 1.7).
	// [Write] returns it, in strict mode, for what CycloneDX cannot carry.
	ErrUnsupported = errors.New("cyclonedx: unsupported format")
	// ErrLimit: the input exceeds a limit of [Options.Limits]; the chain
	// also holds the [*findings.LimitError] with the details.
	ErrLimit = errors.New("cyclonedx: limit exceeded")
)

// Error reports bad input to [Read]: which file, where, and why. Syntax
// errors and limits carry the byte offset and the line and column it
// falls on; errors found after decoding carry the path of the offending
// value instead. Use [errors.As] to get one and [errors.Is] to test its
// cause against the sentinels of this package.
//
// An Error is a value: it is safe to read from several goroutines.
type Error struct {
	// File is [Options.Name]; may be empty.
	File string
	// Offset is the byte offset of the problem in the input, counting a
	// UTF-8 byte order mark; -1 when unknown.
	Offset int64
	// Line and Column (1-based, the column in bytes) locate Offset; 0 when
	// unknown.
	Line, Column int
	// Path locates the problem in the document, in JSON notation with
	// 0-based indices for both syntaxes ("components[3].purl",
	// "services[0].services[1].properties[2]"); may be empty.
	Path string
	// Err is the cause; it wraps one of the sentinels of this package.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("cyclonedx: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	switch {
	case e.Line > 0:
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(": ")
	case e.Offset >= 0:
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
		msg = strings.TrimPrefix(e.Err.Error(), "cyclonedx: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
