package findings

import (
	"errors"
	"io"
	"iter"

	"github.com/aspmkit/aspm/internal/limits"
)

// Limits bounds what a decoder accepts. A zero field means the default
// named in the field's comment. Limits are checked as the input streams in,
// so a hostile input fails early with a [*LimitError] instead of exhausting
// memory.
type Limits struct {
	// MaxDepth is the deepest nesting of JSON arrays and objects or XML
	// elements; default 512.
	MaxDepth int
	// MaxStringBytes is the largest single JSON string or XML text node, in
	// input bytes; default 16 MiB.
	MaxStringBytes int
	// MaxDocumentBytes bounds inputs that a decoder must hold whole (XML
	// documents, CycloneDX BOMs, and SARIF runs whose results come before
	// their tool section); default 1 GiB. Streamed input is not bounded.
	MaxDocumentBytes int64
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = limits.MaxDepth
	}
	if l.MaxStringBytes <= 0 {
		l.MaxStringBytes = limits.MaxStringBytes
	}
	if l.MaxDocumentBytes <= 0 {
		l.MaxDocumentBytes = limits.MaxDocumentBytes
	}
	return l
}

// DecodeOptions configures a decoder. The zero value is valid.
type DecodeOptions struct {
	// Name names the input in errors and in [Source.File], usually its file
	// path.
	Name string
	// Limits bounds the input; zero fields take their defaults.
	Limits Limits
}

// Handler receives what a decoder reads, in document order. Either func may
// be nil to discard that kind of item. An error returned by a func stops the
// decoder, which returns that error unchanged.
type Handler struct {
	Finding func(Finding) error
	VEX     func(VEXStatement) error
}

// DecodeFunc is the signature every decoder in aspm's findings/...
// subpackages has. It reads one document from r and hands each item to h.
// It returns nil only when the whole document was read and every item was
// handed over; on bad input it returns a [*DecodeError].
type DecodeFunc func(r io.Reader, opts DecodeOptions, h Handler) error

// Emitter numbers, normalizes and identifies the items of one document
// before handing them to a [Handler]. Decoders create one per document; it
// is not safe for concurrent use.
type Emitter struct {
	h        Handler
	file     string
	format   string
	findings int
	vex      int
}

// NewEmitter returns an Emitter for one document read by the named format
// with opts.
func NewEmitter(h Handler, opts DecodeOptions, format string) *Emitter {
	return &Emitter{h: h, file: opts.Name, format: format}
}

// Finding sets f.Source, normalizes f (see [Finding.Normalize]), computes
// its ID and hands it to the handler.
func (e *Emitter) Finding(f Finding) error {
	f.Source = Source{File: e.file, Format: e.format, Record: e.findings}
	e.findings++
	f.Normalize()
	f.ID = f.ComputeID()
	if e.h.Finding == nil {
		return nil
	}
	return e.h.Finding(f)
}

// VEX sets s.Source and hands s to the handler.
func (e *Emitter) VEX(s VEXStatement) error {
	s.Source = Source{File: e.file, Format: e.format, Record: e.vex}
	e.vex++
	s.Aliases = dedupe(s.Aliases, s.VulnerabilityID)
	if e.h.VEX == nil {
		return nil
	}
	return e.h.VEX(s)
}

// Counts reports how many findings and VEX statements were emitted so far.
func (e *Emitter) Counts() (findings, vex int) { return e.findings, e.vex }

// errStop ends a callback-driven decode early when an iterator's consumer
// stops.
var errStop = errors.New("findings: iteration stopped")

// All adapts a callback-style decode (such as a call of a decoder's Decode
// with its reader and options bound) to an iterator of findings. VEX
// statements are discarded. The iterator yields at most one error, last.
//
//	for f, err := range findings.All(func(h findings.Handler) error {
//		return sarif.Decode(r, opts, h)
//	}) { ... }
func All(decode func(Handler) error) iter.Seq2[Finding, error] {
	return func(yield func(Finding, error) bool) {
		err := decode(Handler{Finding: func(f Finding) error {
			if !yield(f, nil) {
				return errStop
			}
			return nil
		}})
		if err != nil && !errors.Is(err, errStop) {
			yield(Finding{}, err)
		}
	}
}

// Collect runs a callback-style decode and returns everything it emitted.
// On error it returns what was emitted before the error, and the error.
func Collect(decode func(Handler) error) ([]Finding, []VEXStatement, error) {
	var fs []Finding
	var vs []VEXStatement
	err := decode(Handler{
		Finding: func(f Finding) error { fs = append(fs, f); return nil },
		VEX:     func(s VEXStatement) error { vs = append(vs, s); return nil },
	})
	return fs, vs, err
}
