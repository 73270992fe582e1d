// Package jsondoc reads a JSON document as a tree of values that keep
// where they were written: the byte offset, the line and the JSON pointer
// of each, so that importers name the exact place of a problem. The
// document is validated whole first; values are then split with a plain
// scanner that checks every index, so nothing here can panic on any
// input.
package jsondoc

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
	"github.com/aspmkit/aspm/internal/docguard"
)

// Node is one JSON value of the input: its bytes exactly as written, where
// they start, and its JSON pointer.
type Node struct {
	Raw []byte
	Off int
	Ptr string
}

// Field is one member of a JSON object.
type Field struct {
	Key string
	Node
}

// Doc is an input being read: its bytes (for line numbers), its name,
// and what the importer reads (for messages: "GitHub API data").
type Doc struct {
	File  string
	Data  []byte
	What  string
	lines []int // offsets of '\n' in Data, computed on first use
}

// ReadAll reads r whole, at most max bytes, holding it to the limits of
// package guard as it is read (JSON strings and lines up to
// limits.MaxStringBytes, JSON nesting up to limits.MaxDepth). A limit
// gives an [*access.ParseError] wrapping [access.ErrLimit] that names file
// and, but for the size, the line and the byte; an error of r is returned
// as is.
func ReadAll(r io.Reader, file string, max int64) ([]byte, error) {
	data, err := docguard.ReadAll(r, docguard.Options{MaxBytes: max})
	var le *docguard.LimitError
	switch {
	case errors.As(err, &le) && le.Limit == docguard.LimitSize:
		return nil, &access.ParseError{File: file, Message: fmt.Sprintf("input is larger than %d bytes", max), Err: access.ErrLimit}
	case errors.As(err, &le):
		return nil, &access.ParseError{File: file, Line: le.Line,
			Message: fmt.Sprintf("%s (column %d, byte %d)", le, le.Column, le.Offset), Err: access.ErrLimit}
	}
	return data, err
}

// Line returns the 1-based line of byte offset off.
func (d *Doc) Line(off int) int {
	if d.lines == nil {
		d.lines = make([]int, 0, bytes.Count(d.Data, []byte{'\n'}))
		for i, c := range d.Data {
			if c == '\n' {
				d.lines = append(d.lines, i)
			}
		}
	}
	return sort.SearchInts(d.lines, off) + 1
}

// Source is where n was read.
func (d *Doc) Source(n Node) access.Source {
	return access.Source{File: d.File, Line: d.Line(n.Off), Path: n.Ptr}
}

// Errorf is a syntax error at n.
func (d *Doc) Errorf(n Node, format string, args ...any) error {
	return &access.ParseError{File: d.File, Line: d.Line(n.Off), Path: n.Ptr,
		Message: fmt.Sprintf(format, args...), Err: access.ErrSyntax}
}

// Unsupported is an error for input of a kind this package does not read.
func (d *Doc) Unsupported(n Node, format string, args ...any) error {
	return &access.ParseError{File: d.File, Line: d.Line(n.Off), Path: n.Ptr,
		Message: fmt.Sprintf(format, args...), Err: access.ErrUnsupported}
}

// JSONErr converts an encoding/json error met while decoding n.
func (d *Doc) JSONErr(n Node, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		at := n
		at.Off += int(se.Offset)
		if se.Offset > 0 {
			at.Off-- // Offset counts the offending byte
		}
		return d.Errorf(at, "invalid JSON: %s", strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		at := n
		at.Off += int(te.Offset)
		if te.Field != "" {
			at.Ptr += "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return d.Errorf(at, "want %s, got %s", goTypeName(te.Type.String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		at := n
		at.Off += len(n.Raw)
		return d.Errorf(at, "invalid JSON: unexpected end of input")
	}
	return d.Errorf(n, "%s", strings.TrimPrefix(err.Error(), "json: "))
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
	case strings.HasPrefix(t, "map[") || strings.Contains(t, "."):
		return "an object"
	}
	return t
}

// Kind names the JSON kind of raw for error messages.
func Kind(raw []byte) string {
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

// IsNull reports whether raw is JSON null (or nothing).
func IsNull(raw []byte) bool { return len(raw) == 0 || raw[0] == 'n' }

// Top returns the input's single top-level value (after a byte order
// mark and white space).
func (d *Doc) Top() (Node, error) {
	start := 0
	if bytes.HasPrefix(d.Data, []byte{0xEF, 0xBB, 0xBF}) {
		start = 3
	}
	for start < len(d.Data) && IsSpace(d.Data[start]) {
		start++
	}
	at := Node{Off: start}
	if start == len(d.Data) {
		return at, d.Unsupported(at, "empty input: want a JSON object or array")
	}
	if c := d.Data[start]; c != '{' && c != '[' {
		return at, d.Unsupported(at, "not a JSON object or array (YAML, Terraform, CSV or other text is not %s)", d.What)
	}
	if !LooksJSON(d.Data[start:]) {
		return at, d.Unsupported(at, "not JSON (an INI section, a template or other text is not %s)", d.What)
	}
	end := len(d.Data)
	for end > start && IsSpace(d.Data[end-1]) {
		end--
	}
	if json.Valid(d.Data[start:end]) {
		return Node{Raw: d.Data[start:end], Off: start}, nil
	}
	// Invalid: decode to find where and why.
	dec := json.NewDecoder(bytes.NewReader(d.Data[start:]))
	var raw json.RawMessage
	at.Raw = d.Data[start:]
	if err := dec.Decode(&raw); err != nil {
		return at, d.JSONErr(at, err)
	}
	rest := start + int(dec.InputOffset())
	for rest < len(d.Data) && IsSpace(d.Data[rest]) {
		rest++
	}
	if rest != len(d.Data) {
		return at, d.Errorf(Node{Off: rest}, "invalid JSON: data after the top-level value")
	}
	return at, d.Errorf(at, "invalid JSON")
}

// LooksJSON reports whether the character after the opening '{' or '['
// of b can start what JSON puts there, so that "[section]" of an INI
// file or "{{ template }}" is not taken for broken JSON.
func LooksJSON(b []byte) bool {
	i := 1
	for i < len(b) && IsSpace(b[i]) {
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

// IsSpace reports whether c is JSON white space.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// The input was validated whole by [Doc.Top], so the values below are
// well-formed JSON and are split with a plain scanner; it still checks
// every index, so it cannot panic on anything.

// Elems returns the elements of the array n (none for null).
func (d *Doc) Elems(n Node) ([]Node, error) {
	if IsNull(n.Raw) {
		return nil, nil
	}
	if n.Raw[0] != '[' {
		return nil, d.Errorf(n, "want an array, got %s", Kind(n.Raw))
	}
	var out []Node
	b := n.Raw
	i := SkipSpace(b, 1)
	for k := 0; i < len(b) && b[i] != ']'; k++ {
		end := SkipValue(b, i)
		if end <= i {
			return nil, d.Errorf(n, "invalid JSON")
		}
		out = append(out, Node{Raw: b[i:end], Off: n.Off + i, Ptr: n.Ptr + "/" + strconv.Itoa(k)})
		i = SkipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = SkipSpace(b, i+1)
		}
	}
	return out, nil
}

// Fields returns the members of the object n, in order.
func (d *Doc) Fields(n Node) ([]Field, error) {
	if len(n.Raw) == 0 || n.Raw[0] != '{' {
		return nil, d.Errorf(n, "want an object, got %s", Kind(n.Raw))
	}
	var out []Field
	seen := map[string]int{} // key → offset of its value
	b := n.Raw
	i := SkipSpace(b, 1)
	for i < len(b) && b[i] == '"' {
		kend := SkipValue(b, i)
		if kend <= i {
			return nil, d.Errorf(n, "invalid JSON")
		}
		key := string(b[i+1 : kend-1])
		if bytes.IndexByte(b[i:kend], '\\') >= 0 {
			if err := json.Unmarshal(b[i:kend], &key); err != nil {
				return nil, d.JSONErr(n, err)
			}
		}
		i = SkipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return nil, d.Errorf(n, "invalid JSON")
		}
		i = SkipSpace(b, i+1)
		end := SkipValue(b, i)
		if end <= i {
			return nil, d.Errorf(n, "invalid JSON")
		}
		if first, dup := seen[key]; dup {
			return nil, d.Errorf(Node{Off: n.Off + i, Ptr: n.Ptr + "/" + PointerEscape(key)},
				"duplicate key %q: the object gives it twice (first on line %d)", key, d.Line(first))
		}
		seen[key] = n.Off + i
		out = append(out, Field{Key: key, Node: Node{Raw: b[i:end], Off: n.Off + i, Ptr: n.Ptr + "/" + PointerEscape(key)}})
		i = SkipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = SkipSpace(b, i+1)
		}
	}
	return out, nil
}

// SkipSpace returns the index of the first byte at or after i of b that is
// not JSON white space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && IsSpace(b[i]) {
		i++
	}
	return i
}

// SkipValue returns the end of the well-formed JSON value starting at
// b[i], or i when there is none.
func SkipValue(b []byte, i int) int {
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
				e := SkipValue(b, j)
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
	for j < len(b) && !IsSpace(b[j]) && b[j] != ',' && b[j] != ']' && b[j] != '}' {
		j++
	}
	return j
}

// Decode unmarshals the object n into v. An object within n that gives
// a key twice is an error: encoding/json would keep the last value (and
// match keys without regard to case), so keys are compared that way.
func (d *Doc) Decode(n Node, v any) error {
	if len(n.Raw) == 0 || n.Raw[0] != '{' {
		return d.Errorf(n, "want an object, got %s", Kind(n.Raw))
	}
	if err := d.Duplicate(n, true); err != nil {
		return err
	}
	if err := json.Unmarshal(n.Raw, v); err != nil {
		return d.JSONErr(n, err)
	}
	return nil
}

// Duplicate returns an error at the first key, in document order, that
// an object within n gives twice (compared without regard to case when
// fold is set); nil when there is none.
func (d *Doc) Duplicate(n Node, fold bool) error {
	off, ptr, key, ok := DuplicateKey(n.Raw, fold)
	if !ok {
		return nil
	}
	return d.Errorf(Node{Off: n.Off + off, Ptr: n.Ptr + ptr}, "duplicate key %q: the object gives it twice", key)
}

// DuplicateKey finds the first key, in document order, that an object
// within the well-formed JSON value raw gives twice (compared without
// regard to ASCII case when fold is set): the offset in raw and the
// pointer, relative to raw, of its second value, and the key as written
// there.
func DuplicateKey(raw []byte, fold bool) (off int, ptr, key string, ok bool) {
	i := SkipSpace(raw, 0)
	if i >= len(raw) || (raw[i] != '{' && raw[i] != '[') {
		return 0, "", "", false
	}
	return duplicateIn(raw, i, "", fold)
}

func duplicateIn(b []byte, i int, at string, fold bool) (int, string, string, bool) {
	open := b[i]
	seen := map[string]bool{}
	i = SkipSpace(b, i+1)
	for k := 0; i < len(b) && b[i] != '}' && b[i] != ']'; k++ {
		ptr := at + "/" + strconv.Itoa(k)
		if open == '{' {
			kend := SkipValue(b, i)
			if kend <= i {
				return 0, "", "", false
			}
			key := string(b[i+1 : kend-1])
			if bytes.IndexByte(b[i:kend], '\\') >= 0 {
				_ = json.Unmarshal(b[i:kend], &key) // well-formed: cannot fail
			}
			i = SkipSpace(b, kend)
			if i < len(b) && b[i] == ':' {
				i = SkipSpace(b, i+1)
			}
			ptr = at + "/" + PointerEscape(key)
			norm := key
			if fold {
				norm = strings.ToLower(key)
			}
			if seen[norm] {
				return i, ptr, key, true
			}
			seen[norm] = true
		}
		end := SkipValue(b, i)
		if end <= i {
			return 0, "", "", false
		}
		if b[i] == '{' || b[i] == '[' {
			if off, p, key, ok := duplicateIn(b, i, ptr, fold); ok {
				return off, p, key, true
			}
		}
		i = SkipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = SkipSpace(b, i+1)
		}
	}
	return 0, "", "", false
}

// PointerEscape escapes a key for a JSON pointer (RFC 6901).
func PointerEscape(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Stream returns the values of an input made of JSON values one after the
// other (JSON lines), their pointers "#0", "#1"...
func (d *Doc) Stream() ([]Node, error) {
	dec := json.NewDecoder(bytes.NewReader(d.Data))
	all := Node{Raw: d.Data}
	var out []Node
	for i := 0; ; i++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, d.JSONErr(all, err)
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		out = append(out, Node{Raw: d.Data[start:end], Off: start, Ptr: "#" + strconv.Itoa(i)})
	}
}
