package npmaudit_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// TestDuplicateKeys: npm, like JavaScript, keeps the last of duplicate
// keys; the decoder, which acts on each member as it streams by, rejects
// a repeated report member or package.
func TestDuplicateKeys(t *testing.T) {
	for _, tt := range []struct{ doc, key, path string }{
		{`{"auditReportVersion":2,"vulnerabilities":{},"vulnerabilities":{}}`, "vulnerabilities", "vulnerabilities"},
		{`{"advisories":{},"auditReportVersion":2,"auditReportVersion":2}`, "auditReportVersion", "auditReportVersion"},
		{`{"auditReportVersion":2,"vulnerabilities":{"a":{"name":"a","via":["b"]},"a":{"name":"b","via":["b"]}}}`, "a", "vulnerabilities.a"},
		{`{"advisories":{"7":{"module_name":"p","severity":"low"},"7":{"module_name":"q","severity":"low"}}}`, "7", "advisories.7"},
	} {
		_, err := decode(t, "dup.json", []byte(tt.doc), findings.Limits{})
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de, tt.doc)
		assert.ErrorIs(t, err, findings.ErrInvalid)
		assert.Equal(t, tt.path, de.Path)
		assert.Contains(t, err.Error(), `duplicate key "`+tt.key+`"`)
		q := `"` + tt.key + `"`
		assert.Equal(t, int64(strings.LastIndex(tt.doc, q)+len(q)), de.Offset)
	}
}

// TestNumbersOutOfRange: a number float64 cannot hold is an error where
// the decoder reads it and skipped like any value where it does not.
func TestNumbersOutOfRange(t *testing.T) {
	_, err := decode(t, "n.json", []byte(`{"auditReportVersion":2,"vulnerabilities":{},"metadata":{"vulnerabilities":{"total":1e400}}}`), findings.Limits{})
	assert.NoError(t, err, "metadata is skipped")
	doc := `{"auditReportVersion":2,"vulnerabilities":{"a":{"name":"a","severity":"low","via":[{"source":1,"title":"t","severity":"low","cvss":{"score":1e400}}]}}}`
	_, err = decode(t, "n.json", []byte(doc), findings.Limits{})
	assert.ErrorIs(t, err, findings.ErrInvalid)
	assert.Contains(t, err.Error(), "score")
	fs, err := decode(t, "n.json", []byte(strings.Replace(doc, "1e400", "11", 1)), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.Len(t, fs[0].CVSS, 1)
	assert.Nil(t, fs[0].CVSS[0].Score, "a score outside 0-10 is dropped")
	assert.Equal(t, findings.SeverityLow, fs[0].Severity)
}
