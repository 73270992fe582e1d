package jsonstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

// SkipValue reads and discards the next JSON value. A number that does not
// fit a float64 (1e400) is skipped like any other: the value is not read,
// so only its syntax matters (encoding/json's Token converts numbers, and
// reports such a number as an *json.UnmarshalTypeError after consuming it).
func SkipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && strings.HasPrefix(typ.Value, "number") {
			tok, err = json.Number(""), nil
		}
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// Describe names a JSON token for an error message.
func Describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		switch t {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return strconv.Quote(t.String())
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "an unexpected value"
}

// ValueStart returns the offset where encoding/json will start scanning
// the next value: after the ',' or ':' that Decode consumes first, when it
// is already buffered.
func ValueStart(dec *json.Decoder) int64 {
	start := dec.InputOffset()
	var head [64]byte
	n, _ := io.ReadFull(dec.Buffered(), head[:])
	for i := 0; i < n; i++ {
		switch head[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case ',', ':':
			return start + int64(i) + 1
		}
		break
	}
	return start
}

// ExactOffset corrects the offset of an error that encoding/json reported
// while this decoder mixed Token and Decode calls. A SyntaxError's Offset
// then counts only the bytes read by Decode (and UnmarshalTypeError's is
// relative to the value being decoded), so it does not locate the byte in
// the input. For a syntax error the bytes from the current position on are
// still buffered: scanning them again from the same point gives the exact
// offending byte. For a type error the offset is made absolute from the
// position where the value's Decode began.
func ExactOffset(err error, de *findings.DecodeError, dec *json.Decoder, bomLen, start int64) {
	if de == nil {
		return
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		de.Offset = dec.InputOffset() + bomLen
		var raw json.RawMessage
		rescan := json.NewDecoder(dec.Buffered())
		if e := rescan.Decode(&raw); e != nil {
			var again *json.SyntaxError
			if errors.As(e, &again) && again.Offset > 0 {
				de.Offset += again.Offset - 1
			}
		}
	case errors.As(err, &typ) && start >= 0:
		de.Offset = start + typ.Offset + bomLen
	}
}

// Keys remembers the keys of one JSON object that a decoder walks token by
// token, so that it can reject a key that occurs twice. encoding/json keeps
// the last of duplicate keys when it decodes an object whole; a decoder
// that acts on each member as it streams by would instead act on both (emit
// the findings of two "results" arrays, say), so it rejects the second one
// with [DuplicateKey]. The zero value is ready to use; not safe for
// concurrent use.
type Keys struct {
	seen map[string]struct{}
}

// Seen records key and reports whether it was recorded before.
func (k *Keys) Seen(key string) bool {
	if _, ok := k.seen[key]; ok {
		return true
	}
	if k.seen == nil {
		k.seen = make(map[string]struct{}, 8)
	}
	k.seen[key] = struct{}{}
	return false
}

// DuplicateKey is the cause of an error about a key that occurs twice in
// one object; it wraps [findings.ErrInvalid].
func DuplicateKey(key string) error {
	return fmt.Errorf("%w: duplicate key %s", findings.ErrInvalid, strconv.Quote(key))
}
