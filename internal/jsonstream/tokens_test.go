package jsonstream

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

func TestSkipValueSkipsNumbersFloat64CannotHold(t *testing.T) {
	for _, doc := range []string{
		`1e400 "next"`,
		`[1e400, -1e400, 123456789012345678901234567890, 1e-400] "next"`,
		`{"a": {"b": [1e400]}, "c": -1e400} "next"`,
	} {
		dec := json.NewDecoder(strings.NewReader(doc))
		require.NoError(t, SkipValue(dec), doc)
		tok, err := dec.Token()
		require.NoError(t, err, doc)
		assert.Equal(t, "next", tok, "%s: the decoder is past the skipped value", doc)
	}
	// Syntax errors are still errors.
	dec := json.NewDecoder(strings.NewReader(`[1e400, NaN]`))
	assert.Error(t, SkipValue(dec))
}

func TestKeys(t *testing.T) {
	var k Keys
	assert.False(t, k.Seen("a"))
	assert.False(t, k.Seen("b"))
	assert.True(t, k.Seen("a"))
	assert.False(t, k.Seen(""))
	assert.True(t, k.Seen(""))
	err := DuplicateKey("a\x00")
	assert.ErrorIs(t, err, findings.ErrInvalid)
	assert.Equal(t, `findings: invalid document: duplicate key "a\x00"`, err.Error())
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestReaderStopsNearTheViolation checks that a Reader does not read far
// past a limit violation, however large the caller's buffer.
func TestReaderStopsNearTheViolation(t *testing.T) {
	const limit = 1 << 20
	src := &countingReader{r: io.MultiReader(strings.NewReader(`"`), strings.NewReader(strings.Repeat("a", 8<<20)))}
	g := NewReader(src, findings.Limits{MaxStringBytes: limit})
	_, err := io.ReadAll(g)
	require.ErrorIs(t, err, findings.ErrLimit)
	assert.Equal(t, int64(1+limit), g.ErrOffset())
	assert.LessOrEqual(t, src.n, int64(1+limit+maxRead), "read %d bytes", src.n)

	// A caller asking for 8 MiB at once gets at most maxRead bytes.
	g = NewReader(strings.NewReader(strings.Repeat(" ", 8<<20)), findings.Limits{})
	n, err := g.Read(make([]byte, 8<<20))
	require.NoError(t, err)
	assert.LessOrEqual(t, n, maxRead)
}
