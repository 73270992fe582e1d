package docguard

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadAllLimits(t *testing.T) {
	small := Options{MaxBytes: 100, MaxString: 8, MaxDepth: 3}
	tests := []struct {
		name   string
		in     string
		opts   Options
		limit  string // "" for no error
		offset int64
		line   int
		column int
	}{
		{name: "JSON string at the limit", in: `{"a":"12345678"}`, opts: small},
		{name: "JSON string one byte over", in: `{"a":"123456789"}`, opts: small, limit: LimitString, offset: 14, line: 1, column: 15},
		{name: "escapes count as written", in: `["\"\"\"\"\""]`, opts: small, limit: LimitString, offset: 10, line: 1, column: 11},
		{name: "key strings too", in: "{\n \"123456789\":1}", opts: small, limit: LimitString, offset: 12, line: 2, column: 11},
		{name: "depth at the limit", in: `[[[1]]]`, opts: small},
		{name: "depth one over", in: "{\"a\":\n[[[1]]]}", opts: small, limit: LimitDepth, offset: 8, line: 2, column: 3},
		{name: "brackets in strings do not nest", in: `["[[[[[[", "{{{{"]`, opts: small},
		{name: "closers do not go below zero", in: `[]]]][[[1]]]`, opts: small},
		{name: "byte order mark", in: "\xEF\xBB\xBF[[[[1]]]]", opts: small, limit: LimitDepth, offset: 6, line: 1, column: 7},
		{name: "line at the limit", in: "a: 12345\nb", opts: small},
		{name: "line one over", in: "a: 1\nb: 123456\n", opts: small, limit: LimitLine, offset: 13, line: 2, column: 9},
		{name: "YAML flow is not JSON", in: "a: [[[[[[1]]]]]]", opts: Options{MaxString: 100, MaxDepth: 3}},
		{name: "leading blank lines", in: "\n\n  123456789", opts: small, limit: LimitLine, offset: 12, line: 3, column: 11},
		{name: "size at the limit", in: strings.Repeat(" ", 100), opts: small},
		{name: "size one over", in: strings.Repeat("\n", 101), opts: small, limit: LimitSize, offset: 100},
		{name: "defaults", in: `{"a": [1, 2, "x"]}`},
		{name: "unterminated string is for the parser", in: `{"a": "abc`, opts: small},
		{name: "invalid JSON is for the parser", in: `{"a" 1 2 ]]]]`, opts: small},
		{name: "empty", in: ""},
		// A YAML importer may be handed YAML that starts like JSON: its
		// plain and single-quoted scalars, and what follows the first
		// value, are bounded too.
		{name: "YAML document after a flow value", in: "[]\n---\na: " + strings.Repeat("A", 20), opts: Options{MaxString: 16}, limit: LimitLine, offset: 23, line: 3, column: 17},
		{name: "plain scalar in a flow mapping", in: "{a: " + strings.Repeat("A", 20) + "}", opts: Options{MaxString: 16}, limit: LimitString, offset: 17, line: 1, column: 18},
		{name: "single-quoted scalar", in: "['" + strings.Repeat("A", 20) + "']", opts: Options{MaxString: 16}, limit: LimitString, offset: 18, line: 1, column: 19},
		{name: "plain scalar in a flow sequence", in: "[" + strings.Repeat("A", 20) + "]", opts: Options{MaxString: 16}, limit: LimitString, offset: 17, line: 1, column: 18},
		{name: "quotes doubled in a single-quoted scalar", in: "['it''s', 'a''b']", opts: Options{MaxString: 16}},
		{name: "quote pairs count toward the scalar", in: "['" + strings.Repeat("''", 10) + "']", opts: Options{MaxString: 16}, limit: LimitString, offset: 18, line: 1, column: 19},
		{name: "minified JSON of short tokens", in: "[" + strings.Repeat("123456,", 40) + "1]", opts: Options{MaxString: 16}},
		{name: "apostrophes outside collections are text", in: "{}\na: don't\nb: it's", opts: Options{MaxString: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				data, err := ReadAll(r, tt.opts)
				if tt.limit == "" {
					require.NoError(t, err)
					assert.Equal(t, tt.in, string(data))
					continue
				}
				var le *LimitError
				require.ErrorAs(t, err, &le)
				assert.Nil(t, data)
				assert.Equal(t, tt.limit, le.Limit)
				assert.Equal(t, tt.offset, le.Offset, "offset")
				assert.Equal(t, tt.line, le.Line, "line")
				assert.Equal(t, tt.column, le.Column, "column")
				assert.NotEmpty(t, le.Error())
				assert.Contains(t, le.Where(), "byte")
			}
		})
	}
}

func TestReadAllLarge(t *testing.T) {
	// More than one chunk, read back exactly.
	in := bytes.Repeat([]byte(`{"k": "0123456789"}`+"\n"), 1<<17)
	data, err := ReadAll(bytes.NewReader(in), Options{})
	require.NoError(t, err)
	assert.Equal(t, in, data)

	// A string past the limit stops the read soon after it.
	c := &counter{r: io.MultiReader(strings.NewReader(`["`), neverEnding('A'))}
	_, err = ReadAll(c, Options{MaxString: 1 << 20})
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, LimitString, le.Limit)
	assert.Equal(t, int64(1<<20+2), le.Offset)
	assert.Less(t, c.n, int64(1<<20+maxChunk))
}

func TestReadAllReaderError(t *testing.T) {
	boom := errors.New("boom")
	data, err := ReadAll(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), Options{})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "abc", string(data))
}

func TestNesting(t *testing.T) {
	tests := []struct {
		in           string
		line, column int
		ok           bool
	}{
		{"a: [[[x]]]", 1, 6, true},
		{"a: '[[[['\nb: \"[[[[\"\nc: # [[[[\nd: {[[x]]}", 4, 6, true},
		{"a: [[x]]", 0, 0, false},
		{"a: ]]]]\nb: [[x]]", 0, 0, false},
		{"a: b\n- - - x\n", 2, 7, true},
		{"a:\n  b:\n    c:\n      d\n", 4, 7, true},
		{"a: b\n x\n", 0, 0, false},
	}
	for _, tt := range tests {
		line, column, ok := Nesting([]byte(tt.in), 2)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.line, line, tt.in)
		assert.Equal(t, tt.column, column, tt.in)
	}
}

func FuzzReadAll(f *testing.F) {
	f.Add([]byte(`{"a": ["b", {"c": "\"d"}]}`))
	f.Add([]byte("\xEF\xBB\xBFa: [b]\n"))
	f.Add([]byte(`[[[[["0123456789"]]]]]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := Options{MaxBytes: 64, MaxString: 8, MaxDepth: 4}
		data, err := ReadAll(bytes.NewReader(in), opts)
		var le *LimitError
		switch {
		case err == nil:
			if !bytes.Equal(in, data) {
				t.Fatalf("read %q, want %q", data, in)
			}
		case errors.As(err, &le):
			if le.Offset < 0 || le.Offset > int64(len(in)) {
				t.Fatalf("offset %d outside the input of %d bytes", le.Offset, len(in))
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
		// Reading byte by byte finds the same.
		again, err2 := ReadAll(iotest.OneByteReader(bytes.NewReader(in)), opts)
		var le2 *LimitError
		if !bytes.Equal(data, again) || (err == nil) != (err2 == nil) ||
			(errors.As(err2, &le2) && *le != *le2) {
			t.Fatalf("one byte at a time: %q, %v; at once: %q, %v", again, err2, data, err)
		}
		Nesting(in, 2)
	})
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestInvalidUTF8(t *testing.T) {
	tests := []struct {
		in           string
		line, column int
		ok           bool
	}{
		{"a: b\nc: d\xffe", 2, 5, true},
		{"é\n\xc3(", 2, 1, true},
		{"\xed\xa0\x80", 1, 1, true},
		{"a: é€𝄞\n", 0, 0, false},
	}
	for _, tt := range tests {
		line, column, ok := InvalidUTF8([]byte(tt.in))
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.line, line, tt.in)
		assert.Equal(t, tt.column, column, tt.in)
	}
}

func TestStringEnd(t *testing.T) {
	long := strings.Repeat("a", 100_000)
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {`ab"c`, 2}, {`a\b"`, 1}, {"a\nb\"", 1},
		{long + `"`, 100_000}, {long + "\\", 100_000}, {long, 100_000},
		{long + "\n" + `"`, 100_000},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, stringEnd([]byte(tt.in)), "%.20q", tt.in)
	}
}

func BenchmarkReadAllEscapes(b *testing.B) {
	// A string of escapes, and one of newlines (invalid JSON), cost no
	// more than a string of letters.
	for _, unit := range []string{`\\`, "\n", "a"} {
		in := []byte(`["` + strings.Repeat(unit, 1<<20) + `"]`)
		b.Run(strings.TrimSpace(unit), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := ReadAll(bytes.NewReader(in), Options{MaxString: 4 << 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
