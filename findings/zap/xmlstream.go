package zap

// This file holds a small guarded XML reader shared (as a copy) by the XML
// decoders of aspm: it bounds the document size, the element depth and the
// size of text nodes, and reads one record element at a time into a tree.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

// guardReader passes the input through while enforcing MaxDocumentBytes and,
// on the raw bytes, MaxStringBytes for runs of bytes between the delimiters
// '<', '>', '"' and '\”, so that a huge text node or attribute value fails
// before encoding/xml has buffered it. A run never spans two text nodes or
// attribute values, so this check never fires early (except by the 8 bytes
// of "![CDATA[" for a CDATA section); text that contains quotes is checked
// again, in decoded bytes, when its tokens arrive (see xmlStream.token).
type guardReader struct {
	r       io.Reader
	maxDoc  int64
	maxText int
	n       int64 // bytes passed on
	run     int   // bytes since the last delimiter
	err     error // sticky limit error
	limitAt int64 // input offset of the byte that broke a limit, or -1
	ioErr   error // a read error of the underlying reader
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Read at most one byte past the document limit, to detect it.
	if rem := g.maxDoc - g.n + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		g.ioErr = err
	}
	limit := n
	var docErr bool
	if g.n+int64(n) > g.maxDoc {
		limit = int(g.maxDoc - g.n)
		docErr = true
	}
	for i := 0; i < limit; i++ {
		switch p[i] {
		case '<', '>', '"', '\'':
			g.run = 0
		default:
			g.run++
			if g.run > g.maxText {
				g.err = &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxText)}
				g.limitAt = g.n + int64(i)
				g.n += int64(i)
				return i, g.err
			}
		}
	}
	if docErr {
		g.err = &findings.LimitError{Limit: "MaxDocumentBytes", Max: g.maxDoc}
		g.limitAt = g.maxDoc
		g.n = g.maxDoc
		return limit, g.err
	}
	g.n += int64(n)
	return n, err
}

// xmlStream reads tokens from a guarded decoder, counting element depth and
// text sizes, and converts every error to a *findings.DecodeError.
type xmlStream struct {
	dec      *xml.Decoder
	g        *guardReader
	depth    int
	maxDepth int
	maxText  int
	file     string
	format   string
	before   int64 // input offset before the last token
}

func newXMLStream(r io.Reader, opts findings.DecodeOptions, format string) *xmlStream {
	l := opts.Limits.WithDefaults()
	g := &guardReader{r: r, maxDoc: l.MaxDocumentBytes, maxText: l.MaxStringBytes, limitAt: -1}
	dec := xml.NewDecoder(g)
	dec.Strict = true
	return &xmlStream{dec: dec, g: g, maxDepth: l.MaxDepth, maxText: l.MaxStringBytes, file: opts.Name, format: format}
}

// errorf returns a DecodeError wrapping sentinel at offset and path.
func (s *xmlStream) errorf(offset int64, path string, sentinel error, format string, args ...any) error {
	return &findings.DecodeError{File: s.file, Format: s.format, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// limit returns a DecodeError for a limit broken at offset.
func (s *xmlStream) limit(offset int64, path, name string, max int64) error {
	return &findings.DecodeError{File: s.file, Format: s.format, Offset: offset, Path: path,
		Err: &findings.LimitError{Limit: name, Max: max}}
}

// convert turns an error of the decoder or reader into a DecodeError.
func (s *xmlStream) convert(err error, path string) error {
	var le *findings.LimitError
	var syn *xml.SyntaxError
	switch {
	case errors.As(err, &le):
		off := s.g.limitAt
		if off < 0 {
			off = s.dec.InputOffset()
		}
		return &findings.DecodeError{File: s.file, Format: s.format, Offset: off, Path: path, Err: le}
	case s.g.ioErr != nil && errors.Is(err, s.g.ioErr):
		return &findings.DecodeError{File: s.file, Format: s.format, Offset: s.dec.InputOffset(), Path: path, Err: err}
	case errors.As(err, &syn):
		return s.errorf(s.dec.InputOffset(), path, findings.ErrSyntax, "line %d: %s", syn.Line, syn.Msg)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.errorf(s.dec.InputOffset(), path, findings.ErrSyntax, "unexpected end of input")
	case strings.Contains(err.Error(), "CharsetReader"):
		return s.errorf(s.dec.InputOffset(), path, findings.ErrUnsupportedFormat, "%s", strings.TrimPrefix(err.Error(), "xml: "))
	}
	return s.errorf(s.dec.InputOffset(), path, findings.ErrSyntax, "%s", strings.TrimPrefix(err.Error(), "xml: "))
}

// token returns the next token, enforcing MaxDepth and MaxStringBytes.
// CharData is copied, so tokens stay valid.
func (s *xmlStream) token(path string) (xml.Token, error) {
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

// root skips the prolog and returns the root element. An input with no
// element at all is a syntax error ("empty input" when it has no bytes
// other than white space and a byte order mark).
func (s *xmlStream) root() (xml.StartElement, error) {
	sawMarkup := false
	for {
		s.before = s.dec.InputOffset()
		tok, err := s.dec.Token()
		if err == io.EOF {
			if !sawMarkup {
				return xml.StartElement{}, s.errorf(s.dec.InputOffset(), "", findings.ErrSyntax, "empty input")
			}
			return xml.StartElement{}, s.errorf(s.dec.InputOffset(), "", findings.ErrSyntax, "no root element")
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
				return xml.StartElement{}, s.errorf(s.before, "", findings.ErrSyntax, "text before the root element")
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

// end reads what follows the root element: only white space, comments
// and processing instructions may.
func (s *xmlStream) end() error {
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
			return s.errorf(s.before, "", findings.ErrSyntax, "element <%s> after the root element", t.Name.Local)
		case xml.CharData:
			if !isBlank(t) {
				return s.errorf(s.before, "", findings.ErrSyntax, "text after the root element")
			}
		}
	}
}

// skip consumes the rest of an element whose start tag was just read.
func (s *xmlStream) skip(path string) error {
	depth := 1
	for depth > 0 {
		tok, err := s.token(path)
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

// node is an element read whole: its local name, attributes, direct text
// and child elements.
type node struct {
	name     string
	attr     []xml.Attr
	text     string
	size     int // length of the text, also when it was dropped
	dropped  bool
	children []*node
}

// element reads the rest of an element whose start tag was just read into a
// tree. drop names child elements whose text is only measured, not kept.
func (s *xmlStream) element(start xml.StartElement, path string, drop map[string]bool) (*node, error) {
	root := &node{name: start.Name.Local, attr: start.Attr}
	stack := []*node{root}
	texts := []*strings.Builder{{}}
	for len(stack) > 0 {
		tok, err := s.token(path)
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			c := &node{name: t.Name.Local, attr: t.Attr, dropped: drop[t.Name.Local]}
			top.children = append(top.children, c)
			stack = append(stack, c)
			texts = append(texts, &strings.Builder{})
		case xml.CharData:
			top.size += len(t)
			if top.size > s.maxText {
				return nil, s.limit(s.before, path, "MaxStringBytes", int64(s.maxText))
			}
			if !top.dropped {
				texts[len(texts)-1].Write(t)
			}
		case xml.EndElement:
			top.text = texts[len(texts)-1].String()
			stack = stack[:len(stack)-1]
			texts = texts[:len(texts)-1]
		}
	}
	return root, nil
}

// child returns the first child element with the local name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// elems returns all child elements; nil for a nil node.
func (n *node) elems() []*node {
	if n == nil {
		return nil
	}
	return n.children
}

// all returns the child elements with the local name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// get returns the trimmed text of the first child with the local name.
func (n *node) get(name string) string {
	c := n.child(name)
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.text)
}

// has reports whether n has a child with the local name.
func (n *node) has(name string) bool { return n.child(name) != nil }

// attrValue returns the value of the attribute with the local name.
func (n *node) attrValue(name string) string {
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
