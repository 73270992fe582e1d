package findings

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Decoders wrap them in a [*DecodeError], so callers test
// them with [errors.Is].
var (
	// ErrUnsupportedFormat: no decoder recognizes the input, or the input is
	// a known format in a version aspm does not read (SARIF 2.0.0, SPDX 3).
	ErrUnsupportedFormat = errors.New("findings: unsupported format")
	// ErrSyntax: the input is not well-formed (invalid or truncated JSON or
	// XML).
	ErrSyntax = errors.New("findings: syntax error")
	// ErrInvalid: the input is well-formed but breaks its format's rules (a
	// required field missing, a value of the wrong type).
	ErrInvalid = errors.New("findings: invalid document")
	// ErrLimit: the input exceeds a configured limit; the error chain holds
	// a [*LimitError] with the details.
	ErrLimit = errors.New("findings: limit exceeded")
)

// DecodeError reports a problem in an input document: which file, which
// format, where (byte offset and, where known, the JSON or XML path), and
// the cause. Use [errors.As] to get one and [errors.Is] to test the cause
// against the sentinels of this package.
type DecodeError struct {
	// File is the input's name from [DecodeOptions.Name]; may be empty.
	File string
	// Format is the decoder's name ("sarif", "trivy"...); empty when no
	// decoder was chosen.
	Format string
	// Offset is the byte offset in the input of the byte where the problem
	// was found (the offending character of a syntax error, the input's
	// length for a truncated input), counting from the first byte of the
	// input, a UTF-8 byte order mark included; -1 when unknown.
	Offset int64
	// Path locates the problem inside the document, like
	// "runs[0].results[12]"; may be empty.
	Path string
	// Err is the cause. It wraps one of the sentinels of this package.
	Err error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("findings: ")
	if e.Format != "" {
		b.WriteString(e.Format)
		b.WriteString(": ")
	}
	if e.File != "" {
		b.WriteString(e.File)
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
		msg = strings.TrimPrefix(e.Err.Error(), "findings: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// LimitError reports that an input exceeded a limit of [Limits].
type LimitError struct {
	// Limit names the limit: "MaxDepth", "MaxStringBytes",
	// "MaxDocumentBytes".
	Limit string
	// Max is the limit's value.
	Max int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("findings: limit exceeded: %s (%d)", e.Limit, e.Max)
}

// Is makes errors.Is(err, ErrLimit) true for every LimitError.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }
