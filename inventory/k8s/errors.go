package k8s

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. [Read] wraps them in an [*Error], so callers test them
// with [errors.Is].
var (
	// ErrSyntax: the input is not well-formed YAML (templates that were
	// not rendered, such as Helm's "{{ .Values.x }}", often are not).
	ErrSyntax = errors.New("k8s: syntax error")
	// ErrInvalid: a document is well-formed YAML but not a Kubernetes
	// object this package can read: not a mapping, no kind or apiVersion,
	// no name, a field of the wrong type, an image reference or Ingress
	// host that cannot name an asset.
	ErrInvalid = errors.New("k8s: invalid manifest")
	// ErrUnsupported: a value outside what this package reads (an
	// [Options.Environment] that is not one of package risk's).
	ErrUnsupported = errors.New("k8s: unsupported input")
	// ErrLimit: the input exceeds [Options.MaxBytes], or expanding its
	// YAML aliases would visit too many nodes.
	ErrLimit = errors.New("k8s: limit exceeded")
)

// Error reports a problem in a manifest: which file, which document of the
// stream, which line and field, and the cause. Use [errors.As] to get one
// and [errors.Is] to test the cause against the sentinels of this package.
//
// An Error is a value: it is safe to read from several goroutines.
type Error struct {
	// File is the input's name from [Options.Name]; may be empty.
	File string
	// Document is the 1-based index of the YAML document in the stream
	// (documents are separated by "---"); 0 when unknown.
	Document int
	// Line and Column locate the problem in the file, 1-based; 0 when
	// unknown.
	Line, Column int
	// Path locates the problem inside the document:
	// "spec.template.spec.containers[1].image", "items[3].metadata.name".
	// May be empty.
	Path string
	// Err is the cause. It wraps one of the sentinels of this package.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("k8s: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	var where []string
	if e.Document > 0 {
		where = append(where, "document "+strconv.Itoa(e.Document))
	}
	if e.Line > 0 {
		where = append(where, "line "+strconv.Itoa(e.Line))
		if e.Column > 0 {
			where = append(where, "column "+strconv.Itoa(e.Column))
		}
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", "))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "k8s: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
