package azure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
)

// node is one JSON value of the input: its bytes as written, the offset
// where it starts and its JSON pointer.
type node struct {
	raw []byte
	off int
	ptr string
}

// doc is an input being read. It is used by one goroutine.
type doc struct {
	file string
	data []byte
	// lineOff and lineNo cache the last line computed, since offsets are
	// mostly asked for in increasing order.
	lineOff, lineNo int
}

// line returns the 1-based line of byte offset off.
func (d *doc) line(off int) int {
	off = min(max(off, 0), len(d.data))
	if off < d.lineOff {
		d.lineOff, d.lineNo = 0, 1
	}
	if d.lineNo == 0 {
		d.lineNo = 1
	}
	d.lineNo += bytes.Count(d.data[d.lineOff:off], []byte{'\n'})
	d.lineOff = off
	return d.lineNo
}

// source is where n was read.
func (d *doc) source(n node) access.Source {
	return access.Source{File: d.file, Line: d.line(n.off), Path: n.ptr}
}

// fail returns a *access.ParseError at offset off and pointer ptr.
func (d *doc) fail(sentinel error, off int, ptr, format string, args ...any) error {
	return &access.ParseError{File: d.file, Line: d.line(off), Path: ptr,
		Message: fmt.Sprintf(format, args...), Err: sentinel}
}

// errorf is a syntax error at n.
func (d *doc) errorf(n node, format string, args ...any) error {
	return d.fail(access.ErrSyntax, n.off, n.ptr, format, args...)
}

// unsupported is an error for input of a kind this package does not read.
func (d *doc) unsupported(n node, format string, args ...any) error {
	return d.fail(access.ErrUnsupported, n.off, n.ptr, format, args...)
}

// jsonErr converts an error of encoding/json met at n: base is the
// offset in d.data of the bytes the failing decoder read.
func (d *doc) jsonErr(n node, base int, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := base + int(se.Offset)
		if se.Offset > 0 {
			off-- // Offset counts the offending byte
		}
		return d.fail(access.ErrSyntax, off, n.ptr, "invalid JSON: %s", strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		off := int(te.Offset)
		ptr := n.ptr + pointerAt(n.raw, off)
		return d.fail(access.ErrSyntax, n.off+max(off-1, 0), ptr, "want %s, got %s", jsonType(te.Type.String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return d.fail(access.ErrSyntax, len(d.data), n.ptr, "invalid JSON: unexpected end of input")
	}
	return d.fail(access.ErrSyntax, n.off, n.ptr, "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonType describes a Go type decoded into, in JSON words.
func jsonType(t string) string {
	switch {
	case t == "string" || t == "*string":
		return "a string"
	case t == "bool" || t == "*bool":
		return "a boolean"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "azure.") || strings.HasPrefix(t, "struct"):
		return "an object"
	}
	return t
}

// each calls fn for every element of the JSON array whose '[' dec has
// just read; base is the offset in d.data where dec's input starts, and
// ptr the array's JSON pointer. It stops at the first error.
func (d *doc) each(dec *json.Decoder, base int, ptr string, fn func(node) error) error {
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		at := node{off: base + int(dec.InputOffset()), ptr: ptr + "/" + strconv.Itoa(i)}
		if err := dec.Decode(&raw); err != nil {
			return d.jsonErr(at, base, err)
		}
		end := base + int(dec.InputOffset())
		at.raw, at.off = raw, end-len(raw)
		if err := fn(at); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return d.jsonErr(node{off: base + int(dec.InputOffset()), ptr: ptr}, base, err)
	}
	return nil
}

// member returns the value of key in the object n: its node, or false
// when the key is absent. n must be well-formed JSON.
func (d *doc) member(n node, key string) (node, bool) {
	dec := json.NewDecoder(bytes.NewReader(n.raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return node{}, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return node{}, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return node{}, false
		}
		if k, _ := tok.(string); k == key {
			end := int(dec.InputOffset())
			return node{raw: raw, off: n.off + end - len(raw), ptr: n.ptr + "/" + jsondoc.PointerEscape(key)}, true
		}
	}
	return node{}, false
}

// frame is one open array or object while walking JSON tokens.
type frame struct {
	array bool
	index int
	key   string
	has   bool // index or key names the current child
}

// pointerAt returns the JSON pointer, relative to raw, of the innermost
// value of raw that ends at or after byte offset off (where
// encoding/json reports a type error). raw must be well-formed JSON.
func pointerAt(raw []byte, off int) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case !f.has:
			case f.array:
				b.WriteString("/" + strconv.Itoa(f.index))
			default:
				b.WriteString("/" + jsondoc.PointerEscape(f.key))
			}
		}
		return b.String()
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return path()
		}
		pos := int(dec.InputOffset())
		top := len(stack) - 1
		if top >= 0 && !stack[top].array && !stack[top].has {
			if k, ok := tok.(string); ok { // a key
				stack[top].key, stack[top].has = k, true
				continue
			}
		}
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:top]
			if top > 0 && !stack[top-1].array {
				stack[top-1].has = false
			}
			continue
		}
		if top >= 0 && stack[top].array {
			stack[top].index++
			stack[top].has = true
		}
		if pos >= off {
			return path()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{})
		case json.Delim('['):
			stack = append(stack, frame{array: true, index: -1})
		default:
			if top >= 0 && !stack[top].array {
				stack[top].has = false
			}
		}
	}
}
