package openvex_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// TestDuplicateKeys: a repeated document member is rejected; inside a
// statement, decoded whole, the last one wins as in encoding/json.
func TestDuplicateKeys(t *testing.T) {
	const ctx = `"@context":"https://openvex.dev/ns/v0.2.0"`
	for _, key := range []string{"@context", "@id", "author", "timestamp", "statements"} {
		doc := `{` + ctx + `,"@id":"d","author":"a","timestamp":"2024-01-01T00:00:00Z","statements":[],"` + key + `":null}`
		_, err := decode(t, "dup.json", []byte(doc), findings.Limits{})
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de, key)
		assert.ErrorIs(t, err, findings.ErrInvalid)
		assert.Equal(t, key, de.Path)
		assert.Contains(t, err.Error(), `duplicate key "`+key+`"`)
		q := `"` + key + `"`
		assert.Equal(t, int64(strings.LastIndex(doc, q)+len(q)), de.Offset)
	}
	vs, err := decode(t, "dup.json", []byte(`{`+ctx+`,"statements":[{"vulnerability":"CVE-1","status":"fixed","status":"affected"}]}`), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, findings.VEXStatus("affected"), vs[0].Status)
}
