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

// Reader passes JSON bytes through while checking [findings.Limits]. It
// does not validate JSON (encoding/json does); it tracks just enough
// state—string, escape, depth—to bound nesting and string length. A limit
// violation is returned from Read as a [*findings.LimitError] and recorded
// in LimitOffset. Not safe for concurrent use.
type Reader struct {
	r         io.Reader
	maxDepth  int
	maxString int

	started  bool
	bomLen   int64
	offset   int64 // bytes returned to the caller, after the BOM
	depth    int
	inString bool
	escape   bool
	strLen   int
	err      error
	limitAt  int64
}

// NewReader returns a Reader over r enforcing l (zero fields take their
// defaults).
func NewReader(r io.Reader, l findings.Limits) *Reader {
	l = l.WithDefaults()
	return &Reader{r: r, maxDepth: l.MaxDepth, maxString: l.MaxStringBytes, limitAt: -1}
}

// BOMLen is 3 when the input started with a UTF-8 byte order mark (which
// Reader drops), else 0. Offsets reported by encoding/json are relative to
// the bytes after it.
func (g *Reader) BOMLen() int64 { return g.bomLen }

// LimitOffset is the input offset (BOM included) at which a limit was
// exceeded, or -1.
func (g *Reader) LimitOffset() int64 { return g.limitAt }

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
	n, err := g.r.Read(p)
	if n > 0 {
		if at, lerr := g.scan(p[:n]); lerr != nil {
			g.err = lerr
			g.limitAt = g.Offset() + int64(at)
			g.offset += int64(at)
			return at, lerr
		}
		g.offset += int64(n)
	}
	return n, err
}

// scan updates the lexical state over b and returns the index of the byte
// that broke a limit, with the error.
func (g *Reader) scan(b []byte) (int, error) {
	i := 0
	for i < len(b) {
		if g.inString {
			if g.escape {
				g.escape = false
				g.strLen++
				if g.strLen > g.maxString {
					return i, &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxString)}
				}
				i++
				continue
			}
			j := bytes.IndexAny(b[i:], "\"\\")
			if j < 0 {
				g.strLen += len(b) - i
				if g.strLen > g.maxString {
					return len(b) - (g.strLen - g.maxString), &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxString)}
				}
				return len(b), nil
			}
			g.strLen += j
			if g.strLen > g.maxString {
				return i + j - (g.strLen - g.maxString), &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxString)}
			}
			i += j
			if b[i] == '\\' {
				g.escape = true
				g.strLen++
				if g.strLen > g.maxString {
					return i, &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxString)}
				}
			} else {
				g.inString = false
			}
			i++
			continue
		}
		j := bytes.IndexAny(b[i:], "\"{}[]")
		if j < 0 {
			return len(b), nil
		}
		i += j
		switch b[i] {
		case '"':
			g.inString = true
			g.strLen = 0
		case '{', '[':
			g.depth++
			if g.depth > g.maxDepth {
				return i, &findings.LimitError{Limit: "MaxDepth", Max: int64(g.maxDepth)}
			}
		default:
			if g.depth > 0 {
				g.depth--
			}
		}
		i++
	}
	return len(b), nil
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
		syn    *json.SyntaxError
		typ    *json.UnmarshalTypeError
		limErr *findings.LimitError
	)
	switch {
	case errors.As(err, &limErr):
		cause = err
		if g != nil && g.LimitOffset() >= 0 {
			offset = g.LimitOffset()
		}
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
