package jsonstream

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/aspmkit/aspm/findings"
)

// SkipValue reads and discards the next JSON value.
func SkipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
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
