package osvscanner_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

func TestDuplicateKeys(t *testing.T) {
	for _, tt := range []struct{ doc, key, path string }{
		{`{"results":[],"results":[]}`, "results", "results"},
		{`{"results":[{"source":{"path":"p"},"packages":[],"packages":[]}]}`, "packages", "results[0].packages"},
		{`{"results":[{"source":{"path":"p"},"packages":[],"source":{"path":"q"}}]}`, "source", "results[0].source"},
	} {
		_, err := decode(t, tt.doc, findings.DecodeOptions{Name: "dup.json"})
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de, tt.doc)
		assert.ErrorIs(t, err, findings.ErrInvalid)
		assert.Equal(t, tt.path, de.Path)
		assert.Contains(t, err.Error(), `duplicate key "`+tt.key+`"`)
		q := `"` + tt.key + `"`
		assert.Equal(t, int64(strings.LastIndex(tt.doc, q)+len(q)), de.Offset)
	}
}
