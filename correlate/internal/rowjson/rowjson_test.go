package rowjson

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	e := New()
	tests := []struct {
		v    any
		want string
	}{
		{map[string]string{"a": "<b>&"}, `{"a":"<b>&"}`},
		{[]int{1, 2}, `[1,2]`},
		{nil, `null`},
	}
	for _, tt := range tests {
		got, err := e.String(tt.v)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
	_, err := e.String(func() {})
	assert.Error(t, err)
}
