package epss

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFeedLimits holds the feed to maxLines and maxFeedBytes at N and
// N+1, lowered for the test, plain and gzip-compressed.
func TestFeedLimits(t *testing.T) {
	const hdr = "cve,epss,percentile\n"
	row := "CVE-2020-0001,0.1,0.2\n" // 22 bytes
	feed := hdr + row                // 2 lines, 42 bytes
	defer func(l int, b int64) { maxLines, maxFeedBytes = l, b }(maxLines, maxFeedBytes)
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		_, _ = w.Write([]byte(s))
		_ = w.Close()
		return b.String()
	}
	tests := []struct {
		name  string
		lines int
		bytes int64
		in    string
		line  int // line of the ErrLimit, 0 for success
	}{
		{name: "lines at N", lines: 2, bytes: 1 << 20, in: feed},
		{name: "lines at N+1", lines: 2, bytes: 1 << 20, in: feed + "\n", line: 3},
		{name: "blank lines count", lines: 2, bytes: 1 << 20, in: feed + strings.Repeat("\n", 10), line: 3},
		{name: "bytes at N", lines: 100, bytes: int64(len(feed)), in: feed},
		{name: "bytes at N+1", lines: 100, bytes: int64(len(feed)), in: feed + "\n", line: 3},
	}
	for _, tt := range tests {
		for _, zip := range []bool{false, true} {
			name := tt.name
			in := tt.in
			if zip {
				name += " gzip"
				in = gz(in)
			}
			t.Run(name, func(t *testing.T) {
				maxLines, maxFeedBytes = tt.lines, tt.bytes
				f, err := Read(strings.NewReader(in), Options{Name: "f.csv"})
				if tt.line == 0 {
					require.NoError(t, err)
					assert.Equal(t, 1, f.Len())
					return
				}
				assert.ErrorIs(t, err, ErrLimit)
				var pe *ParseError
				require.True(t, errors.As(err, &pe))
				assert.Equal(t, tt.line, pe.Line)
				assert.Equal(t, "f.csv", pe.File)
			})
		}
	}
}

// TestQuotedFieldAcrossLines holds what the hostile-input suite
// (internal/hostile) found: a quoted field gathered lines without end,
// each shorter than the line limit. The limit now bounds a CSV record.
func TestQuotedFieldAcrossLines(t *testing.T) {
	in := "cve,epss,percentile\nCVE-2020-0001,\"0." + strings.Repeat("1\n", 40<<10) + "\",0.2\n"
	_, err := Read(strings.NewReader(in), Options{Name: "f.csv"})
	assert.ErrorIs(t, err, ErrSyntax)
	assert.ErrorContains(t, err, "line longer than 65536 bytes")
	// A record that stays within the limit is read: the field's newlines
	// are white space around the number.
	f, err := Read(strings.NewReader("cve,epss,percentile\nCVE-2020-0001,\"0.1\n\n\",0.2\n"), Options{Name: "f.csv"})
	require.NoError(t, err)
	s, ok := f.Lookup("CVE-2020-0001")
	require.True(t, ok)
	assert.Equal(t, 0.1, s.Probability)
}
