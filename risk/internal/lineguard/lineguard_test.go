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
