package lineguard

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReader(t *testing.T) {
	g := &Reader{R: strings.NewReader("ab\ncd\nef"), Max: 2}
	b, err := io.ReadAll(g)
	require.NoError(t, err)
	assert.Equal(t, "ab\ncd\nef", string(b))
	assert.Equal(t, 2, g.Line)

	g = &Reader{R: strings.NewReader("ab\nabc\n"), Max: 2}
	_, err = io.ReadAll(g)
	var long *TooLongError
	require.True(t, errors.As(err, &long))
	assert.Equal(t, 2, long.Line)
	assert.EqualError(t, err, "line 2 too long")
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		g    Reader
		in   string
		// want is the error's text, "" for none; read is what passes.
		want string
		read string
	}{
		{name: "line at N", g: Reader{Max: 3}, in: "abc\nabc", read: "abc\nabc"},
		{name: "line at N+1", g: Reader{Max: 3}, in: "abc\nabcd", want: "line 2 too long", read: "abc\nabc"},
		{name: "quoted newline ends a line without CSV", g: Reader{Max: 3}, in: "\"a\nb\"", read: "\"a\nb\""},
		{name: "CSV record at N", g: Reader{Max: 5, CSV: true}, in: "\"a\nb\"\nxy", read: "\"a\nb\"\nxy"},
		{name: "CSV record at N+1", g: Reader{Max: 5, CSV: true}, in: "\"a\nbc\"\n", want: "line 2 too long", read: "\"a\nbc"},
		{name: "CSV escaped quotes", g: Reader{Max: 6, CSV: true}, in: "\"a\"\"b\"\n\"c\"", read: "\"a\"\"b\"\n\"c\""},
		{name: "lines at N", g: Reader{Max: 9, MaxLines: 2}, in: "a\nb\n", read: "a\nb\n"},
		{name: "lines at N without a final newline", g: Reader{Max: 9, MaxLines: 2}, in: "a\nb", read: "a\nb"},
		{name: "lines at N+1", g: Reader{Max: 9, MaxLines: 2}, in: "a\nb\nc", want: "more than 2 lines", read: "a\nb\n"},
		{name: "bytes at N", g: Reader{Max: 9, MaxBytes: 4}, in: "a\nbc", read: "a\nbc"},
		{name: "bytes at N+1", g: Reader{Max: 9, MaxBytes: 4}, in: "a\nbc\n", want: "more than 4 bytes", read: "a\nbc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			g.R = iotest(tt.in)
			got, err := io.ReadAll(&g)
			assert.Equal(t, tt.read, string(got))
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.want)
			assert.Equal(t, int64(len(tt.read)), g.N)
		})
	}
}

// iotest returns a reader of s that returns one byte at a time, so that
// every limit is met at a Read boundary too.
func iotest(s string) io.Reader { return &oneByte{s: s} }

type oneByte struct{ s string }

func (o *oneByte) Read(p []byte) (int, error) {
	if o.s == "" {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = o.s[0]
	o.s = o.s[1:]
	return 1, nil
}

func TestLimitsInOneRead(t *testing.T) {
	g := &Reader{R: strings.NewReader("a\nb\nc"), Max: 9, MaxLines: 2}
	got, err := io.ReadAll(g)
	assert.Equal(t, "a\nb\n", string(got))
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, LimitError{What: "lines", Max: 2, Line: 3}, *le)
}
