package grype_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

func TestDuplicateKeys(t *testing.T) {
	for _, key := range []string{"matches", "ignoredMatches", "source", "descriptor"} {
		doc := `{"descriptor":{},"source":{"type":"directory","target":"."},"matches":[],"ignoredMatches":[],"` + key + `":null}`
		_, err := decode(t, doc)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de, key)
		assert.ErrorIs(t, err, findings.ErrInvalid)
		assert.Equal(t, key, de.Path)
		assert.Contains(t, err.Error(), `duplicate key "`+key+`"`)
		q := `"` + key + `"`
		assert.Equal(t, int64(strings.LastIndex(doc, q)+len(q)), de.Offset)
	}
}

// TestNumbersOutOfRange: EPSS values outside [0, 1] and CVSS scores
// outside 0-10 are dropped; numbers float64 cannot hold are errors.
func TestNumbersOutOfRange(t *testing.T) {
	doc := `{"matches":[{"vulnerability":{"id":"CVE-1","severity":"Low","epss":[{"cve":"CVE-1","epss":EPSS,"percentile":-1,"date":"2024-01-01"}],` +
		`"cvss":[{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","metrics":{"baseScore":11}}]},"artifact":{"name":"a"}}]}`
	fs, err := decode(t, strings.Replace(doc, "EPSS", "1.5", 1))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, []any{map[string]any{"cve": "CVE-1", "date": "2024-01-01"}}, fs[0].Properties["epss"])
	require.Len(t, fs[0].CVSS, 1)
	assert.Nil(t, fs[0].CVSS[0].Score)
	assert.Equal(t, findings.SeverityLow, fs[0].Severity)

	fs, err = decode(t, strings.Replace(doc, "EPSS", "0.25", 1))
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"cve": "CVE-1", "epss": 0.25, "date": "2024-01-01"}}, fs[0].Properties["epss"])

	_, err = decode(t, strings.Replace(doc, "EPSS", "1e400", 1))
	assert.ErrorIs(t, err, findings.ErrInvalid)
	assert.Contains(t, err.Error(), "epss")
}
