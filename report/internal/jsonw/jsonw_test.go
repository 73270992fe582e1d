package jsonw

import (
	"bufio"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriter(t *testing.T) {
	var sb strings.Builder
	w := &Writer{W: bufio.NewWriter(&sb)}
	w.Str("{\n  \"a\": ")
	w.Value("  ", map[string]any{"b": "<x>", "c": []int{1}})
	w.Str("\n}\n")
	require.NoError(t, w.Err)
	require.NoError(t, w.W.Flush())
	assert.Equal(t, "{\n  \"a\": {\n    \"b\": \"\\u003cx\\u003e\",\n    \"c\": [\n      1\n    ]\n  }\n}\n", sb.String())
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterKeepsFirstError(t *testing.T) {
	w := &Writer{W: bufio.NewWriterSize(failing{}, 16)}
	w.Value("", func() {}) // not JSON: the first error
	w.Str(strings.Repeat("x", 64))
	assert.ErrorContains(t, w.Err, "unsupported type")
}
