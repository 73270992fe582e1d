package opasandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/aspmkit/aspm/internal/limits"
)

// ErrJSON: a document given to [ParseJSON] is not valid JSON, or nests
// deeper than [limits.MaxDepth]. The chain holds a [*JSONError].
var ErrJSON = errors.New("opasandbox: invalid JSON")

// JSONError reports where a JSON document is invalid.
type JSONError struct {
	// Offset is the byte offset of the problem.
	Offset int64
	// Message describes the problem.
	Message string
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("opasandbox: invalid JSON at byte %d: %s", e.Offset, e.Message)
}

// Unwrap returns [ErrJSON].
func (e *JSONError) Unwrap() error { return ErrJSON }

// ParseJSON converts one JSON document to a Rego value directly, without
// building Go maps and slices first as ast.ValueFromReader does; on large
// inputs it is several times faster and allocates less. The result equals
// what ast.ValueFromReader gives for the same document: numbers keep
// their literal text, a repeated object key keeps its last value, invalid
// UTF-8 in strings becomes U+FFFD. Object keys and short strings are
// shared between the places they occur.
//
// Whitespace may surround the document; anything else after it is an
// error, as is nesting deeper than [limits.MaxDepth].
func ParseJSON(data []byte) (ast.Value, error) {
	d := newDecoder(data)
	d.skip()
	t, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skip()
	if d.pos < len(d.data) {
		return nil, d.fail("data after the top-level value")
	}
	return t.Value, nil
}

type jsonDecoder struct {
	data []byte
	pos  int
	// strs shares terms of object keys and short strings.
	strs map[string]*ast.Term
	// objs shares the terms of short objects by their text: the same text
	// is the same value, read once (a posture repeats its findings'
	// locations, risks and SLAs).
	objs map[string]*ast.Term
	// shareObjects turns objs on (it is made on first use).
	shareObjects bool
	// items is a stack of the items of the objects being read.
	items [][2]*ast.Term
	// splice, when set, is a value read as null without parsing it
	// (ParseJSONSplit parses it apart); spliced records that it was met.
	splice  *memberSpan
	spliced bool
}

// Bounds of string and object sharing: only short strings and objects,
// and not too many of them.
const (
	maxSharedLen       = 64
	maxSharedObjectLen = 256
	maxSharedCount     = 1 << 16
)

func newDecoder(data []byte) jsonDecoder {
	return jsonDecoder{data: data, strs: make(map[string]*ast.Term), shareObjects: true}
}

func (d *jsonDecoder) fail(msg string) error {
	return &JSONError{Offset: int64(d.pos), Message: msg}
}

func (d *jsonDecoder) skip() { d.pos = skipSpace(d.data, d.pos) }

func (d *jsonDecoder) value(depth int) (*ast.Term, error) {
	if d.pos >= len(d.data) {
		return nil, d.fail("unexpected end of input")
	}
	if d.splice != nil && d.pos == d.splice.start {
		d.pos, d.spliced = d.splice.end, true
		return ast.NullTerm(), nil
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.sharedObject(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return d.strTerm(s), nil
	case c == 't':
		return d.literal("true", ast.InternedTerm(true))
	case c == 'f':
		return d.literal("false", ast.InternedTerm(false))
	case c == 'n':
		return d.literal("null", ast.NullTerm())
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	default:
		return nil, d.fail(fmt.Sprintf("unexpected character %q", rune(c)))
	}
}

func (d *jsonDecoder) literal(word string, t *ast.Term) (*ast.Term, error) {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return nil, d.fail("invalid literal")
	}
	d.pos += len(word)
	return t, nil
}

func (d *jsonDecoder) strTerm(s string) *ast.Term {
	if len(s) > maxSharedLen {
		return ast.StringTerm(s)
	}
	if t, ok := d.strs[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	if len(d.strs) < maxSharedCount {
		d.strs[s] = t
	}
	return t
}

// sharedObject reads an object like object, and gives the term read
// before for the same text when the object is short. (A short object
// nests at most maxSharedObjectLen/2 deep, so one that fits under the
// depth limit where it was read fits wherever it is met.)
func (d *jsonDecoder) sharedObject(depth int) (*ast.Term, error) {
	if !d.shareObjects || depth+maxSharedObjectLen/2 > limits.MaxDepth {
		return d.object(depth)
	}
	start := d.pos
	end, ok := skipShort(d.data, start, maxSharedObjectLen)
	if !ok {
		return d.object(depth)
	}
	if t, ok := d.objs[string(d.data[start:end])]; ok {
		d.pos = end
		return t, nil
	}
	t, err := d.object(depth)
	if err == nil && d.pos == end && len(d.objs) < maxSharedCount {
		if d.objs == nil {
			d.objs = make(map[string]*ast.Term)
		}
		d.objs[string(d.data[start:end])] = t
	}
	return t, err
}

func (d *jsonDecoder) object(depth int) (*ast.Term, error) {
	if depth > limits.MaxDepth {
		return nil, d.fail("nesting deeper than " + strconv.Itoa(limits.MaxDepth))
	}
	d.pos++ // {
	d.skip()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return ast.NewTerm(ast.NewObject()), nil
	}
	// Collect the items on a shared stack, then build the object at its
	// final size.
	base := len(d.items)
	defer func() { d.items = d.items[:base] }()
	for {
		d.skip()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.fail("expected a string key")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skip()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.fail("expected ':'")
		}
		d.pos++
		d.skip()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.items = append(d.items, [2]*ast.Term{d.strTerm(k), v})
		d.skip()
		if d.pos >= len(d.data) {
			return nil, d.fail("unexpected end of input in an object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			items := d.items[base:]
			obj := ast.NewObjectWithCapacity(len(items))
			for _, it := range items {
				obj.Insert(it[0], it[1])
			}
			return ast.NewTerm(obj), nil
		default:
			return nil, d.fail("expected ',' or '}'")
		}
	}
}

func (d *jsonDecoder) array(depth int) (*ast.Term, error) {
	if depth > limits.MaxDepth {
		return nil, d.fail("nesting deeper than " + strconv.Itoa(limits.MaxDepth))
	}
	d.pos++ // [
	d.skip()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return ast.NewTerm(ast.NewArray()), nil
	}
	var elems []*ast.Term
	for {
		d.skip()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
		d.skip()
		if d.pos >= len(d.data) {
			return nil, d.fail("unexpected end of input in an array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return ast.NewTerm(ast.NewArray(elems...)), nil
		default:
			return nil, d.fail("expected ',' or ']'")
		}
	}
}

// str reads a string token; d.pos is at its opening quote.
func (d *jsonDecoder) str() (string, error) {
	d.pos++
	start := d.pos
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			raw := d.data[start:d.pos]
			d.pos++
			if ascii || utf8.Valid(raw) {
				return string(raw), nil
			}
			return d.slowStr(start, d.pos-1)
		case c == '\\':
			end, err := d.stringEnd()
			if err != nil {
				return "", err
			}
			d.pos = end + 1
			return d.slowStr(start, end)
		case c < 0x20:
			return "", d.fail("control character in a string")
		case c >= 0x80:
			ascii = false
		}
		d.pos++
	}
	return "", d.fail("unterminated string")
}

// stringEnd finds the closing quote of the string whose escapes begin at
// d.pos, checking the escapes' form.
func (d *jsonDecoder) stringEnd() (int, error) {
	i := d.pos
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			return i, nil
		case c == '\\':
			if i+1 >= len(d.data) {
				d.pos = i
				return 0, d.fail("unterminated escape")
			}
			switch d.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d.data) {
					d.pos = i
					return 0, d.fail("truncated \\u escape")
				}
				for _, h := range d.data[i+2 : i+6] {
					if hexVal(h) < 0 {
						d.pos = i
						return 0, d.fail("invalid \\u escape")
					}
				}
				i += 6
			default:
				d.pos = i
				return 0, d.fail("invalid escape")
			}
		case c < 0x20:
			d.pos = i
			return 0, d.fail("control character in a string")
		default:
			i++
		}
	}
	d.pos = i
	return 0, d.fail("unterminated string")
}

// slowStr decodes the escapes and invalid UTF-8 of data[start:end], whose
// form stringEnd (or str) already checked, as encoding/json does.
func (d *jsonDecoder) slowStr(start, end int) (string, error) {
	s := d.data[start:end]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' {
			switch s[i+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := rune(hex4(s[i+2 : i+6]))
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r2 := rune(hex4(s[i+2 : i+6])); utf16.DecodeRune(r, r2) != utf8.RuneError {
							out = utf8.AppendRune(out, utf16.DecodeRune(r, r2))
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // '"', '\\', '/'
				out = append(out, s[i+1])
			}
			i += 2
			continue
		}
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return string(out), nil
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func hex4(b []byte) int {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}

// number reads a JSON number, checking its grammar.
func (d *jsonDecoder) number() (*ast.Term, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	if d.pos >= len(d.data) {
		return nil, d.fail("truncated number")
	}
	switch c := d.data[d.pos]; {
	case c == '0':
		d.pos++
	case c >= '1' && c <= '9':
		d.digits()
	default:
		return nil, d.fail("invalid number")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if d.digits() == 0 {
			return nil, d.fail("invalid number: no digit after '.'")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return nil, d.fail("invalid number: no digit in the exponent")
		}
	}
	s := string(d.data[start:d.pos])
	if t := ast.InternedIntNumberTermFromString(s); t != nil {
		return t, nil
	}
	return ast.NumberTerm(json.Number(s)), nil
}

func (d *jsonDecoder) digits() int {
	n := 0
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}
