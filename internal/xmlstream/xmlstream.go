// Package xmlstream is the guarded XML reader of aspm's XML decoders
// (findings/zap, findings/depcheck, and the XML scans of findings/cyclonedx
// and inventory/cyclonedx). A [Stream] bounds the input per
// [findings.Limits] and converts every error to a [*findings.DecodeError]
// naming the file, the byte offset and the path. Decoders walk the document
// token by token with [Stream.Token] and read one record element at a time
// into a small tree of [Node] values with [Stream.Element], so memory stays
// proportional to the largest record, not to the document. A Stream is not
// safe for concurrent use.
//
// # Limits
//
// A [Guard] checks the raw bytes before encoding/xml sees them, so that
// nothing is buffered past a limit: the document (MaxDocumentBytes), each
// text node, attribute value, comment, CDATA section, processing
// instruction and directive (MaxStringBytes each, in input bytes), the
// attribute values of one tag together (MaxStringBytes +
// [MaxTagMarkupBytes]), the rest of a tag ([MaxTagMarkupBytes]) and the
// nesting of elements (MaxDepth). Decoders
// that must hold a whole document (CycloneDX) read it through a Guard.
// [Stream.Element] also bounds what one record keeps in memory
// ([RecordBudget]). Every broken limit is a
// [*findings.LimitError], which matches [findings.ErrLimit].
//
// # Hostile input
//
// encoding/xml, which a Stream runs in strict mode, expands no entity
// other than the five predefined ones and the character references: a
// DOCTYPE is returned as a directive and never interpreted, so an entity
// bomb ("billion laughs") or an external entity (XXE) is a syntax error
// ("invalid character entity") at the first reference, and no file is
// ever read. Invalid UTF-8 and characters outside XML's range (a NUL) are
// syntax errors at their offset.
package xmlstream

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

// Stream reads tokens from a guarded encoding/xml Decoder, counting element
// depth and text sizes, and converts every error to a
// [*findings.DecodeError]. A Stream is not safe for concurrent use.
type Stream struct {
	dec      *xml.Decoder
	g        *Guard
	depth    int
	maxDepth int
	maxText  int
	file     string
	format   string
	before   int64 // input offset before the last token
}

// New returns a Stream reading r. The limits of opts.Limits (with their
// defaults for zero fields) bound the input; opts.Name and format name the
// file and the decoder in the errors returned.
func New(r io.Reader, opts findings.DecodeOptions, format string) *Stream {
	l := opts.Limits.WithDefaults()
	g := NewGuard(r, l)
	dec := xml.NewDecoder(g)
	dec.Strict = true
	return &Stream{dec: dec, g: g, maxDepth: l.MaxDepth, maxText: l.MaxStringBytes, file: opts.Name, format: format}
}

// Errorf returns a [*findings.DecodeError] at offset and path whose cause
// wraps sentinel (one of the sentinel errors of package findings) with a
// message formatted from format and args.
func (s *Stream) Errorf(offset int64, path string, sentinel error, format string, args ...any) error {
	return &findings.DecodeError{File: s.file, Format: s.format, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// limit returns a DecodeError for a limit broken at offset.
func (s *Stream) limit(offset int64, path, name string, max int64) error {
	return &findings.DecodeError{File: s.file, Format: s.format, Offset: offset, Path: path,
		Err: &findings.LimitError{Limit: name, Max: max}}
}

// convert turns an error of the decoder or reader into a DecodeError.
func (s *Stream) convert(err error, path string) error {
	var le *findings.LimitError
	var syn *xml.SyntaxError
	switch {
	case errors.As(err, &le):
		off := s.g.ErrOffset()
		if off < 0 {
			off = s.dec.InputOffset()
		}
		return &findings.DecodeError{File: s.file, Format: s.format, Offset: off, Path: path, Err: le}
	case s.g.ioErr != nil && errors.Is(err, s.g.ioErr):
		return &findings.DecodeError{File: s.file, Format: s.format, Offset: s.dec.InputOffset(), Path: path, Err: err}
	case errors.As(err, &syn):
		return s.Errorf(s.dec.InputOffset(), path, findings.ErrSyntax, "line %d: %s", syn.Line, syn.Msg)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.Errorf(s.dec.InputOffset(), path, findings.ErrSyntax, "unexpected end of input")
	case strings.Contains(err.Error(), "CharsetReader"):
		return s.Errorf(s.dec.InputOffset(), path, findings.ErrUnsupportedFormat, "%s", strings.TrimPrefix(err.Error(), "xml: "))
	}
	return s.Errorf(s.dec.InputOffset(), path, findings.ErrSyntax, "%s", strings.TrimPrefix(err.Error(), "xml: "))
}

// TokenOffset returns the input offset at which the last token read
// starts: after [Stream.Root], that of the root element's start tag; after
// [Stream.Token], that of the token returned. Decoders use it to locate
// errors found in a record after reading it.
func (s *Stream) TokenOffset() int64 { return s.before }

// Token returns the next token, enforcing MaxDepth and MaxStringBytes; path
// locates it in errors. CharData is copied, so tokens stay valid.
func (s *Stream) Token(path string) (xml.Token, error) {
	s.before = s.dec.InputOffset()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, s.convert(err, path)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		s.depth++
		if s.depth > s.maxDepth {
			return nil, s.limit(s.before, path, "MaxDepth", int64(s.maxDepth))
		}
	case xml.EndElement:
		s.depth--
	case xml.CharData:
		if len(t) > s.maxText {
			return nil, s.limit(s.before, path, "MaxStringBytes", int64(s.maxText))
		}
		return t.Copy(), nil
	}
	return tok, nil
}

// Root skips the prolog and returns the root element. An input with no
// element at all is a syntax error ("empty input" when it has no bytes
// other than white space and a byte order mark).
func (s *Stream) Root() (xml.StartElement, error) {
	sawMarkup := false
	for {
		s.before = s.dec.InputOffset()
		tok, err := s.dec.Token()
		if err == io.EOF {
			if !sawMarkup {
				return xml.StartElement{}, s.Errorf(s.dec.InputOffset(), "", findings.ErrSyntax, "empty input")
			}
			return xml.StartElement{}, s.Errorf(s.dec.InputOffset(), "", findings.ErrSyntax, "no root element")
		}
		if err != nil {
			return xml.StartElement{}, s.convert(err, "")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s.depth = 1
			return t, nil
		case xml.CharData:
			if !isBlank(t) {
				return xml.StartElement{}, s.Errorf(s.before, "", findings.ErrSyntax, "text before the root element")
			}
		default:
			sawMarkup = true
		}
	}
}

// isBlank reports whether b holds only white space and byte order marks.
func isBlank(b []byte) bool {
	return len(bytes.Trim(b, " \t\r\n\uFEFF")) == 0
}

// End reads what follows the end of the root element: only white space,
// comments and processing instructions may; anything else is a syntax
// error. It returns nil at the end of the input.
func (s *Stream) End() error {
	for {
		s.before = s.dec.InputOffset()
		tok, err := s.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.convert(err, "")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return s.Errorf(s.before, "", findings.ErrSyntax, "element <%s> after the root element", t.Name.Local)
		case xml.CharData:
			if !isBlank(t) {
				return s.Errorf(s.before, "", findings.ErrSyntax, "text after the root element")
			}
		}
	}
}

// Skip consumes the rest of an element whose start tag was just read,
// enforcing the limits; path locates it in errors.
func (s *Stream) Skip(path string) error {
	depth := 1
	for depth > 0 {
		tok, err := s.Token(path)
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// Node is an element read whole by [Stream.Element]: its local name,
// attributes, direct text and child elements. The methods of Node accept a
// nil receiver and then report nothing found, so lookups chain.
type Node struct {
	// Name is the element's local name.
	Name string
	// Text is the element's direct text (its character data, not that of
	// its children), untrimmed; empty when the element's text was dropped.
	Text string
	// Size is the length in bytes of the element's direct text, also when
	// the text was dropped.
	Size int

	attr     []xml.Attr
	dropped  bool
	children []*Node
}

// Element reads the rest of an element whose start tag, start, was just
// read into a tree, enforcing the limits; path locates it in errors. drop
// names descendant elements whose text is only measured (in [Node.Size]),
// not kept; it may be nil. The total direct text of each element is
// bounded by MaxStringBytes, and what the whole tree keeps by
// [RecordBudget]: every element counts a fixed overhead
// of a few hundred bytes plus its attributes and its kept text, so that a
// record of millions of empty elements or of many large texts fails with a
// [*findings.LimitError] ("MaxRecordBytes") instead of filling memory.
func (s *Stream) Element(start xml.StartElement, path string, drop map[string]bool) (*Node, error) {
	budget := RecordBudget(s.maxText)
	kept := int64(0)
	charge := func(n int64) error {
		if kept += n; kept > budget {
			return s.limit(s.before, path, "MaxRecordBytes", budget)
		}
		return nil
	}
	if err := charge(nodeOverhead + attrBytes(start.Attr)); err != nil {
		return nil, err
	}
	root := &Node{Name: start.Name.Local, attr: start.Attr}
	stack := []*Node{root}
	texts := []*strings.Builder{{}}
	for len(stack) > 0 {
		tok, err := s.Token(path)
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if err := charge(nodeOverhead + attrBytes(t.Attr)); err != nil {
				return nil, err
			}
			c := &Node{Name: t.Name.Local, attr: t.Attr, dropped: drop[t.Name.Local]}
			top.children = append(top.children, c)
			stack = append(stack, c)
			texts = append(texts, &strings.Builder{})
		case xml.CharData:
			top.Size += len(t)
			if top.Size > s.maxText {
				return nil, s.limit(s.before, path, "MaxStringBytes", int64(s.maxText))
			}
			if !top.dropped {
				if err := charge(int64(len(t))); err != nil {
					return nil, err
				}
				texts[len(texts)-1].Write(t)
			}
		case xml.EndElement:
			top.Text = texts[len(texts)-1].String()
			stack = stack[:len(stack)-1]
			texts = texts[:len(texts)-1]
		}
	}
	return root, nil
}

// attrBytes is what attributes cost in a record tree.
func attrBytes(as []xml.Attr) int64 {
	n := int64(0)
	for _, a := range as {
		n += int64(64 + len(a.Name.Space) + len(a.Name.Local) + len(a.Value))
	}
	return n
}

// Child returns the first child element with the local name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Elems returns all child elements, in document order; nil for a nil
// Node.
func (n *Node) Elems() []*Node {
	if n == nil {
		return nil
	}
	return n.children
}

// All returns the child elements with the local name, in document order.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Get returns the text of the first child with the local name, with
// leading and trailing white space trimmed; "" when there is none.
func (n *Node) Get(name string) string {
	c := n.Child(name)
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.Text)
}

// Repeated returns the first of names that more than one child element
// of n has as its local name, or "" when each occurs at most once.
// Decoders use it to reject a record that gives a single-valued field
// twice, rather than silently keep one of the values.
func (n *Node) Repeated(names ...string) string {
	if n == nil {
		return ""
	}
	for _, name := range names {
		seen := false
		for _, c := range n.children {
			if c.Name != name {
				continue
			}
			if seen {
				return name
			}
			seen = true
		}
	}
	return ""
}

// Has reports whether n has a child element with the local name.
func (n *Node) Has(name string) bool { return n.Child(name) != nil }

// Attr returns the value of the attribute with the local name, or "".
func (n *Node) Attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
