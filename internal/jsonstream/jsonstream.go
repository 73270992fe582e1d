// Package jsonstream guards and explains streamed JSON input for aspm's
// decoders: a [Reader] strips a UTF-8 byte order mark, enforces nesting and
// string limits as bytes flow to an encoding/json Decoder, and tracks
// offsets; [Error] turns what encoding/json returns into a
// [*findings.DecodeError] naming the file, the byte offset and the path.
package jsonstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aspmkit/aspm/findings"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// maxRead bounds what one Read asks of the underlying reader. encoding/json
// asks for as much as its buffer has room for (16 MiB and more while it
// holds a long string); reading in smaller steps makes a Reader stop within
// maxRead bytes of a violation instead of reading ahead as far as the
// caller's buffer allows.
const maxRead = 64 << 10

// Reader passes JSON bytes through while validating them and checking
// [findings.Limits]. It runs a complete JSON lexer and grammar (RFC 8259,
// with any number of top-level values, as a JSON stream has), so that it —
// not encoding/json, whose syntax-error offsets depend on how the value was
// read — finds the first invalid byte and knows its exact offset. A
// violation is returned from Read as a [*SyntaxError] or a
// [*findings.LimitError], after the valid bytes before it, and its offset is
// recorded in ErrOffset. Not safe for concurrent use.
type Reader struct {
	r         io.Reader
	maxDepth  int
	maxString int

	started bool
	bomLen  int64
	offset  int64 // bytes returned to the caller, after the BOM
	err     error
	errAt   int64

	state  lexState
	stack  []byte // '{' or '[' per open container
	strLen int
	isKey  bool
	lit    string // the rest of a literal being read (true, false, null)
	hex    int    // \u hex digits still expected
}

// SyntaxError is a JSON syntax error found by [Reader], at an exact
// offset. It matches [findings.ErrSyntax] with errors.Is.
type SyntaxError struct {
	// Offset is the input offset (BOM included) of the offending byte, or
	// of the end of the input.
	Offset int64
	// Msg describes the problem.
	Msg string
}

func (e *SyntaxError) Error() string { return "syntax error: " + e.Msg }

// Is makes errors.Is(err, findings.ErrSyntax) true.
func (e *SyntaxError) Is(target error) bool { return target == findings.ErrSyntax }

type lexState uint8

const (
	stTop        lexState = iota // before a top-level value, or between them
	stValue                      // a value is required (after ':' or ',' in an array)
	stValueOrEnd                 // after '[': a value or ']'
	stKeyOrEnd                   // after '{': a key or '}'
	stKey                        // after ',' in an object: a key
	stColon                      // after a key: ':'
	stAfter                      // after a value inside a container: ',' or the closer
	stString                     // inside a string
	stEscape                     // after a backslash in a string
	stHex                        // inside \uXXXX
	stLiteral                    // inside true, false or null
	stMinus                      // after '-'
	stZero                       // after a leading '0'
	stInt                        // in the integer digits
	stDot                        // after '.'
	stFrac                       // in the fraction digits
	stE                          // after 'e' or 'E'
	stESign                      // after the exponent's sign
	stExp                        // in the exponent digits
)

// NewReader returns a Reader over r enforcing l (zero fields take their
// defaults).
func NewReader(r io.Reader, l findings.Limits) *Reader {
	l = l.WithDefaults()
	return &Reader{r: r, maxDepth: l.MaxDepth, maxString: l.MaxStringBytes, errAt: -1}
}

// BOMLen is 3 when the input started with a UTF-8 byte order mark (which
// Reader drops), else 0. Offsets reported by encoding/json are relative to
// the bytes after it.
func (g *Reader) BOMLen() int64 { return g.bomLen }

// ErrOffset is the input offset (BOM included) of the byte at which the
// Reader found a syntax error or exceeded a limit, or -1.
func (g *Reader) ErrOffset() int64 { return g.errAt }

// LimitOffset is ErrOffset, kept for callers that check limits only.
func (g *Reader) LimitOffset() int64 { return g.errAt }

// Offset is the number of input bytes consumed so far, BOM included.
func (g *Reader) Offset() int64 { return g.offset + g.bomLen }

// Read implements io.Reader.
func (g *Reader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if !g.started {
		g.started = true
		var head [3]byte
		n, err := io.ReadFull(g.r, head[:])
		if n == 3 && bytes.Equal(head[:], bom) {
			g.bomLen = 3
		} else if n > 0 {
			g.r = io.MultiReader(bytes.NewReader(head[:n]), g.r)
		}
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			g.err = err
			return 0, err
		}
	}
	if len(p) > maxRead {
		p = p[:maxRead]
	}
	n, err := g.r.Read(p)
	if n > 0 {
		if at, lerr := g.scan(p[:n]); lerr != nil {
			g.errAt = g.Offset() + int64(at)
			if se, ok := lerr.(*SyntaxError); ok {
				se.Offset = g.errAt
			}
			g.err = lerr
			g.offset += int64(at)
			return at, lerr
		}
		g.offset += int64(n)
	}
	return n, err
}

func (g *Reader) syntax(b []byte, i int, what string) (int, error) {
	return i, &SyntaxError{Msg: fmt.Sprintf("invalid character %s %s", quoteByte(b[i]), what)}
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("0x%02x", c)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// endValue moves to the state after a complete value.
func (g *Reader) endValue() {
	if len(g.stack) == 0 {
		g.state = stTop
	} else {
		g.state = stAfter
	}
}

// scan advances the lexer over b and returns the index of the byte that
// broke the grammar or a limit, with the error.
func (g *Reader) scan(b []byte) (int, error) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch g.state {
		case stString:
			// Fast path: skip to the next quote, backslash or control byte.
			j := i
			for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
				j++
			}
			g.strLen += j - i
			if g.strLen > g.maxString {
				return j - (g.strLen - g.maxString), &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxString)}
			}
			if j == len(b) {
				return len(b), nil
			}
			i = j
			switch c = b[i]; {
			case c == '"':
				if g.isKey {
					g.state = stColon
				} else {
					g.endValue()
				}
			case c == '\\':
				g.strLen++
				g.state = stEscape
			default:
				return g.syntax(b, i, "in string literal")
			}
			if g.strLen > g.maxString {
				return i, &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxString)}
			}
			continue
		case stEscape:
			g.strLen++
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				g.state = stString
			case 'u':
				g.state, g.hex = stHex, 4
			default:
				return g.syntax(b, i, "in string escape code")
			}
		case stHex:
			g.strLen++
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return g.syntax(b, i, "in \\u hexadecimal character escape")
			}
			if g.hex--; g.hex == 0 {
				g.state = stString
			}
		case stLiteral:
			if c != g.lit[0] {
				return g.syntax(b, i, "in literal")
			}
			if g.lit = g.lit[1:]; g.lit == "" {
				g.endValue()
			}
			continue
		case stMinus:
			switch {
			case c == '0':
				g.state = stZero
			case c >= '1' && c <= '9':
				g.state = stInt
			default:
				return g.syntax(b, i, "in numeric literal")
			}
			continue
		case stZero, stInt:
			switch {
			case c >= '0' && c <= '9' && g.state == stInt:
				continue
			case c == '.':
				g.state = stDot
				continue
			case c == 'e' || c == 'E':
				g.state = stE
				continue
			case c >= '0' && c <= '9':
				return g.syntax(b, i, "after top-level value")
			}
			g.endValue()
			i-- // the byte ends the number: read it again in the new state
			continue
		case stDot:
			if c < '0' || c > '9' {
				return g.syntax(b, i, "after decimal point in numeric literal")
			}
			g.state = stFrac
			continue
		case stFrac:
			switch {
			case c >= '0' && c <= '9':
				continue
			case c == 'e' || c == 'E':
				g.state = stE
				continue
			}
			g.endValue()
			i--
			continue
		case stE:
			switch {
			case c == '+' || c == '-':
				g.state = stESign
			case c >= '0' && c <= '9':
				g.state = stExp
			default:
				return g.syntax(b, i, "in exponent of numeric literal")
			}
			continue
		case stESign:
			if c < '0' || c > '9' {
				return g.syntax(b, i, "in exponent of numeric literal")
			}
			g.state = stExp
			continue
		case stExp:
			if c >= '0' && c <= '9' {
				continue
			}
			g.endValue()
			i--
			continue
		}
		if g.state == stEscape || g.state == stHex || g.state == stString {
			continue
		}
		if isSpace(c) {
			continue
		}
		switch g.state {
		case stTop, stValue, stValueOrEnd:
			if c == ']' && g.state == stValueOrEnd {
				g.stack = g.stack[:len(g.stack)-1]
				g.endValue()
				continue
			}
			if at, err := g.beginValue(b, i); err != nil {
				return at, err
			}
		case stKeyOrEnd, stKey:
			switch {
			case c == '"':
				g.state, g.isKey, g.strLen = stString, true, 0
			case c == '}' && g.state == stKeyOrEnd:
				g.stack = g.stack[:len(g.stack)-1]
				g.endValue()
			default:
				return g.syntax(b, i, "looking for beginning of object key string")
			}
		case stColon:
			if c != ':' {
				return g.syntax(b, i, "after object key")
			}
			g.state = stValue
		case stAfter:
			top := g.stack[len(g.stack)-1]
			switch {
			case c == ',' && top == '{':
				g.state = stKey
			case c == ',':
				g.state = stValue
			case c == '}' && top == '{', c == ']' && top == '[':
				g.stack = g.stack[:len(g.stack)-1]
				g.endValue()
			case top == '{':
				return g.syntax(b, i, "after object key:value pair")
			default:
				return g.syntax(b, i, "after array element")
			}
		}
	}
	return len(b), nil
}

// beginValue starts the value whose first byte is b[i].
func (g *Reader) beginValue(b []byte, i int) (int, error) {
	switch c := b[i]; {
	case c == '{' || c == '[':
		if len(g.stack) >= g.maxDepth {
			return i, &findings.LimitError{Limit: "MaxDepth", Max: int64(g.maxDepth)}
		}
		g.stack = append(g.stack, c)
		if c == '{' {
			g.state = stKeyOrEnd
		} else {
			g.state = stValueOrEnd
		}
	case c == '"':
		g.state, g.isKey, g.strLen = stString, false, 0
	case c == 't':
		g.state, g.lit = stLiteral, "rue"
	case c == 'f':
		g.state, g.lit = stLiteral, "alse"
	case c == 'n':
		g.state, g.lit = stLiteral, "ull"
	case c == '-':
		g.state = stMinus
	case c == '0':
		g.state = stZero
	case c >= '1' && c <= '9':
		g.state = stInt
	default:
		return g.syntax(b, i, "looking for beginning of value")
	}
	return 0, nil
}

// Error converts err, returned while decoding JSON read through g with dec
// (either may be nil), into a [*findings.DecodeError] for the named file and
// format, located at path. It returns nil for nil, and err unchanged when it
// already is a DecodeError.
func Error(err error, g *Reader, dec *json.Decoder, file, format, path string) error {
	if err == nil {
		return nil
	}
	var de *findings.DecodeError
	if errors.As(err, &de) {
		return err
	}
	var bomLen int64
	if g != nil {
		bomLen = g.BOMLen()
	}
	offset := int64(-1)
	if dec != nil {
		offset = dec.InputOffset() + bomLen
	}
	var (
		cause  error
		own    *SyntaxError
		syn    *json.SyntaxError
		typ    *json.UnmarshalTypeError
		limErr *findings.LimitError
	)
	switch {
	case errors.As(err, &limErr):
		cause = err
		if g != nil && g.ErrOffset() >= 0 {
			offset = g.ErrOffset()
		}
	case errors.As(err, &own):
		cause = fmt.Errorf("%w: %s", findings.ErrSyntax, own.Msg)
		offset = own.Offset
	case errors.As(err, &syn):
		cause = fmt.Errorf("%w: %s", findings.ErrSyntax, syn.Error())
		// encoding/json counts the offending byte as read; point at it.
		offset = max(syn.Offset-1, 0) + bomLen
	case errors.As(err, &typ):
		cause = fmt.Errorf("%w: %s", findings.ErrInvalid, typ.Error())
		offset = typ.Offset + bomLen
		if typ.Field != "" {
			if path != "" {
				path += "."
			}
			path += typ.Field
		}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		cause = fmt.Errorf("%w: unexpected end of input", findings.ErrSyntax)
		if g != nil {
			offset = g.Offset()
		}
	default:
		cause = err
	}
	return &findings.DecodeError{File: file, Format: format, Offset: offset, Path: path, Err: cause}
}
