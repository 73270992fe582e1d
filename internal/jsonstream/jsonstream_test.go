package jsonstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// decodeAll decodes one JSON value through a guarded reader and converts
// the error as decoders do.
func decodeAll(in []byte, l findings.Limits) error {
	g := NewReader(bytes.NewReader(in), l)
	dec := json.NewDecoder(g)
	var v any
	return Error(dec.Decode(&v), g, dec, "in.json", "test", "")
}

func nested(depth int) []byte {
	return []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
}

func TestMaxDepthAtNAndNPlusOne(t *testing.T) {
	l := findings.Limits{MaxDepth: 10}
	require.NoError(t, decodeAll(nested(10), l))

	err := decodeAll(nested(11), l)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDepth", le.Limit)
	assert.Equal(t, int64(10), le.Max)
	assert.Equal(t, int64(10), de.Offset, "the 11th '[' is at byte 10")
	assert.ErrorIs(t, err, findings.ErrLimit)
}

func TestMaxStringBytesAtNAndNPlusOne(t *testing.T) {
	l := findings.Limits{MaxStringBytes: 100}
	require.NoError(t, decodeAll([]byte(`{"a":"`+strings.Repeat("x", 100)+`"}`), l))
	// Escapes count as the bytes they occupy in the input.
	require.NoError(t, decodeAll([]byte(`"`+strings.Repeat(`\n`, 50)+`"`), l))

	err := decodeAll([]byte(`{"a":"`+strings.Repeat("x", 101)+`"}`), l)
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(6+100), de.Offset, "the 101st string byte")

	err = decodeAll([]byte(`"`+strings.Repeat(`\"`, 51)+`"`), l)
	require.ErrorAs(t, err, &le)
}

func TestBracketsInsideStringsDoNotCount(t *testing.T) {
	in := []byte(`{"a":"` + strings.Repeat("[{", 100) + `\"[[["}`)
	require.NoError(t, decodeAll(in, findings.Limits{MaxDepth: 2}))
}

func TestBOMIsStrippedAndOffsetsIncludeIt(t *testing.T) {
	in := append([]byte{0xEF, 0xBB, 0xBF}, []byte(`{"a": 1,}`)...)
	err := decodeAll(in, findings.Limits{})
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, findings.ErrSyntax)
	assert.Equal(t, int64(bytes.IndexByte(in, '}')), de.Offset, "offset of the '}' after the trailing comma, BOM included")
	assert.Equal(t, "in.json", de.File)

	require.NoError(t, decodeAll(append([]byte{0xEF, 0xBB, 0xBF}, `{"a":1}`...), findings.Limits{}))
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		target any
		want   error
		offset int64
	}{
		{"truncated", `{"a": [1, 2`, nil, findings.ErrSyntax, 11},
		{"empty", ``, nil, findings.ErrSyntax, 0},
		{"invalid", `{"a" 1}`, nil, findings.ErrSyntax, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := decodeAll([]byte(tt.in), findings.Limits{})
			assert.ErrorIs(t, err, tt.want)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.offset, de.Offset)
		})
	}

	// Wrong types become ErrInvalid with the field path.
	g := NewReader(strings.NewReader(`{"n": "x"}`), findings.Limits{})
	dec := json.NewDecoder(g)
	var v struct {
		N int `json:"n"`
	}
	err := Error(dec.Decode(&v), g, dec, "f", "test", "doc")
	assert.ErrorIs(t, err, findings.ErrInvalid)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "doc.n", de.Path)

	// I/O errors are kept as the cause.
	ioErr := errors.New("disk on fire")
	err = Error(ioErr, nil, nil, "f", "test", "")
	assert.ErrorIs(t, err, ioErr)
	assert.Nil(t, Error(nil, nil, nil, "", "", ""))
	// An error that already is a DecodeError is returned as is.
	assert.Same(t, de, Error(de, nil, nil, "other", "", "").(*findings.DecodeError))
}

func TestReaderPassesBytesThroughUnchanged(t *testing.T) {
	in := []byte(`{"a":"\"}]","b":[1,{"c":null}]}` + "\n" + `{"x":1}`)
	got, err := io.ReadAll(NewReader(bytes.NewReader(in), findings.Limits{}))
	require.NoError(t, err)
	assert.Equal(t, in, got)
	got, err = io.ReadAll(NewReader(bytes.NewReader([]byte("12")), findings.Limits{}))
	require.NoError(t, err)
	assert.Equal(t, []byte("12"), got, "inputs shorter than a BOM survive")
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"a":"b\"c","d":[[1]]}`))
	f.Add([]byte("\xEF\xBB\xBF[]"))
	f.Add([]byte(`"\`))
	f.Fuzz(func(t *testing.T, in []byte) {
		g := NewReader(bytes.NewReader(in), findings.Limits{MaxDepth: 4, MaxStringBytes: 8})
		out, err := io.ReadAll(g)
		if err == nil {
			want := bytes.TrimPrefix(in, []byte{0xEF, 0xBB, 0xBF})
			if !bytes.Equal(out, want) {
				t.Fatalf("bytes changed: %q -> %q", in, out)
			}
			return
		}
		var le *findings.LimitError
		var se *SyntaxError
		switch {
		case errors.As(err, &se):
			if json.Valid(bytes.TrimPrefix(in, []byte{0xEF, 0xBB, 0xBF})) {
				t.Fatalf("valid JSON rejected: %q: %v", in, err)
			}
		case !errors.As(err, &le):
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		if g.ErrOffset() < 0 || g.ErrOffset() > int64(len(in)) {
			t.Fatalf("error offset %d outside input of %d bytes", g.ErrOffset(), len(in))
		}
	})
}

// FuzzReaderAgreesWithEncodingJSON checks the lexer against encoding/json:
// what json.Valid accepts, the Reader passes; what the Reader rejects as a
// syntax error, json.Valid rejects, and the error's offset lies on the
// first byte after the longest valid prefix.
func FuzzReaderAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,true,false,null,"\u00e9"]}`, `[1,]`, `{"a" 1}`, `-`, `01`, `1.e5`, `"\x"`, "\"\x01\"", `{}{}`, `[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.HasPrefix(in, []byte{0xEF, 0xBB, 0xBF}) {
			return
		}
		g := NewReader(bytes.NewReader(in), findings.Limits{})
		_, err := io.ReadAll(g)
		var se *SyntaxError
		if json.Valid(in) && err != nil {
			t.Fatalf("valid JSON %q rejected: %v", in, err)
		}
		if errors.As(err, &se) {
			if json.Valid(in) {
				t.Fatalf("valid JSON %q rejected", in)
			}
			// A prefix ending before the offending byte is never itself
			// rejected: the error is at the first bad byte.
			g2 := NewReader(bytes.NewReader(in[:se.Offset]), findings.Limits{})
			if _, err2 := io.ReadAll(g2); err2 != nil {
				t.Fatalf("%q: error at %d, but the prefix before it fails too: %v", in, se.Offset, err2)
			}
		}
	})
}

func TestSyntaxErrorOffsets(t *testing.T) {
	tests := []struct {
		in string
		at int
	}{
		{`{"a": 1,}`, 8},
		{`[1,]`, 3},
		{`{"a" 1}`, 5},
		{`[01]`, 2},
		{`{"a":tru}`, 8},
		{"\"a\x01\"", 2},
		{`[1.]`, 3},
		{`{"a":"\q"}`, 7},
		{"{\"runs\": [\n  {\"a\": 1},\n  ]}", 25},
	}
	for _, tt := range tests {
		err := decodeAll([]byte(tt.in), findings.Limits{})
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de, tt.in)
		assert.ErrorIs(t, err, findings.ErrSyntax, tt.in)
		assert.Equal(t, int64(tt.at), de.Offset, "%q: offset of %q", tt.in, tt.in[min(tt.at, len(tt.in)-1)])
	}
}
