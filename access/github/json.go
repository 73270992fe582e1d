package github

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/access"
)

// node is one JSON value of the input: its bytes exactly as written, where
// they start, and its JSON pointer.
type node struct {
	raw []byte
	off int
	ptr string
}

// field is one member of a JSON object.
type field struct {
	key string
	node
}

// doc is an input being read: its bytes (for line numbers) and name.
type doc struct {
	file  string
	data  []byte
	lines []int // offsets of '\n' in data, computed on first use
}

// line returns the 1-based line of byte offset off.
func (d *doc) line(off int) int {
	if d.lines == nil {
		d.lines = make([]int, 0, bytes.Count(d.data, []byte{'\n'}))
		for i, c := range d.data {
			if c == '\n' {
				d.lines = append(d.lines, i)
			}
		}
	}
	return sort.SearchInts(d.lines, off) + 1
}

// source is where n was read.
func (d *doc) source(n node) access.Source {
	return access.Source{File: d.file, Line: d.line(n.off), Path: n.ptr}
}

// errorf is a syntax error at n.
func (d *doc) errorf(n node, format string, args ...any) error {
	return &access.ParseError{File: d.file, Line: d.line(n.off), Path: n.ptr,
		Message: fmt.Sprintf(format, args...), Err: access.ErrSyntax}
}

// unsupported is an error for input of a kind this package does not read.
func (d *doc) unsupported(n node, format string, args ...any) error {
	return &access.ParseError{File: d.file, Line: d.line(n.off), Path: n.ptr,
		Message: fmt.Sprintf(format, args...), Err: access.ErrUnsupported}
}

// jsonErr converts an encoding/json error met while decoding n.
func (d *doc) jsonErr(n node, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		at := n
		at.off += int(se.Offset)
		if se.Offset > 0 {
			at.off-- // Offset counts the offending byte
		}
		return d.errorf(at, "invalid JSON: %s", strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		at := n
		at.off += int(te.Offset)
		if te.Field != "" {
			at.ptr += "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return d.errorf(at, "want %s, got %s", goTypeName(te.Type.String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		at := n
		at.off += len(n.raw)
		return d.errorf(at, "invalid JSON: unexpected end of input")
	}
	return d.errorf(n, "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// goTypeName describes a Go type decoded into, in JSON words.
func goTypeName(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "float") || strings.HasPrefix(t, "uint"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "map[") || strings.HasPrefix(t, "github.") || strings.HasPrefix(t, "*github."):
		return "an object"
	}
	return t
}

// kind names the JSON kind of raw for error messages.
func kind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func isNull(raw []byte) bool { return len(raw) == 0 || raw[0] == 'n' }

// top returns the input's single top-level value (after a byte order
// mark and white space).
func (d *doc) top() (node, error) {
	start := 0
	if bytes.HasPrefix(d.data, []byte{0xEF, 0xBB, 0xBF}) {
		start = 3
	}
	for start < len(d.data) && isSpace(d.data[start]) {
		start++
	}
	at := node{off: start}
	if start == len(d.data) {
		return at, d.unsupported(at, "empty input: want a JSON object or array")
	}
	if c := d.data[start]; c != '{' && c != '[' {
		return at, d.unsupported(at, "not a JSON object or array (YAML, Terraform, CSV or other text is not GitHub API data)")
	}
	if !looksJSON(d.data[start:]) {
		return at, d.unsupported(at, "not JSON (an INI section, a template or other text is not GitHub API data)")
	}
	end := len(d.data)
	for end > start && isSpace(d.data[end-1]) {
		end--
	}
	if json.Valid(d.data[start:end]) {
		return node{raw: d.data[start:end], off: start}, nil
	}
	// Invalid: decode to find where and why.
	dec := json.NewDecoder(bytes.NewReader(d.data[start:]))
	var raw json.RawMessage
	at.raw = d.data[start:]
	if err := dec.Decode(&raw); err != nil {
		return at, d.jsonErr(at, err)
	}
	rest := start + int(dec.InputOffset())
	for rest < len(d.data) && isSpace(d.data[rest]) {
		rest++
	}
	if rest != len(d.data) {
		return at, d.errorf(node{off: rest}, "invalid JSON: data after the top-level value")
	}
	return at, d.errorf(at, "invalid JSON")
}

// looksJSON reports whether the character after the opening '{' or '['
// of b can start what JSON puts there, so that "[section]" of an INI
// file or "{{ template }}" is not taken for broken JSON.
func looksJSON(b []byte) bool {
	i := 1
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return true // truncated: a syntax error
	}
	c := b[i]
	if b[0] == '{' {
		return c == '"' || c == '}'
	}
	return strings.IndexByte("\"{[]-0123456789tfn", c) >= 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// The input was validated whole by [doc.top], so the values below are
// well-formed JSON and are split with a plain scanner; it still checks
// every index, so it cannot panic on anything.

// elems returns the elements of the array n (none for null).
func (d *doc) elems(n node) ([]node, error) {
	if isNull(n.raw) {
		return nil, nil
	}
	if n.raw[0] != '[' {
		return nil, d.errorf(n, "want an array, got %s", kind(n.raw))
	}
	var out []node
	b := n.raw
	i := skipSpace(b, 1)
	for k := 0; i < len(b) && b[i] != ']'; k++ {
		end := skipValue(b, i)
		if end <= i {
			return nil, d.errorf(n, "invalid JSON")
		}
		out = append(out, node{raw: b[i:end], off: n.off + i, ptr: n.ptr + "/" + strconv.Itoa(k)})
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return out, nil
}

// fields returns the members of the object n, in order.
func (d *doc) fields(n node) ([]field, error) {
	if len(n.raw) == 0 || n.raw[0] != '{' {
		return nil, d.errorf(n, "want an object, got %s", kind(n.raw))
	}
	var out []field
	b := n.raw
	i := skipSpace(b, 1)
	for i < len(b) && b[i] == '"' {
		kend := skipValue(b, i)
		if kend <= i {
			return nil, d.errorf(n, "invalid JSON")
		}
		key := string(b[i+1 : kend-1])
		if bytes.IndexByte(b[i:kend], '\\') >= 0 {
			if err := json.Unmarshal(b[i:kend], &key); err != nil {
				return nil, d.jsonErr(n, err)
			}
		}
		i = skipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return nil, d.errorf(n, "invalid JSON")
		}
		i = skipSpace(b, i+1)
		end := skipValue(b, i)
		if end <= i {
			return nil, d.errorf(n, "invalid JSON")
		}
		out = append(out, field{key: key, node: node{raw: b[i:end], off: n.off + i, ptr: n.ptr + "/" + pointerEscape(key)}})
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return out, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipValue returns the end of the well-formed JSON value starting at
// b[i], or i when there is none.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return i
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := skipValue(b, j)
				if e <= j {
					return i
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return i
	}
	j := i
	for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != ']' && b[j] != '}' {
		j++
	}
	return j
}

// decode unmarshals the object n into v.
func (d *doc) decode(n node, v any) error {
	if len(n.raw) == 0 || n.raw[0] != '{' {
		return d.errorf(n, "want an object, got %s", kind(n.raw))
	}
	if err := json.Unmarshal(n.raw, v); err != nil {
		return d.jsonErr(n, err)
	}
	return nil
}

// pointerEscape escapes a key for a JSON pointer (RFC 6901).
func pointerEscape(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
