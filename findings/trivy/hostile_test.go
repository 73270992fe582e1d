package trivy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

func TestDuplicateKeys(t *testing.T) {
	for _, key := range []string{"SchemaVersion", "ArtifactName", "Metadata", "Results"} {
		doc := `{"SchemaVersion":2,"ArtifactName":"a","Metadata":{},"Results":[],"` + key + `":null}`
		for _, seek := range []bool{true, false} {
			var r = strings.NewReader(doc)
			var err error
			if seek {
				_, err = decodeReader(t, "dup.json", r, findings.Limits{})
			} else {
				_, err = decodeReader(t, "dup.json", struct{ *strings.Reader }{r}, findings.Limits{})
			}
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de, key)
			assert.ErrorIs(t, err, findings.ErrInvalid)
			assert.Equal(t, key, de.Path)
			q := `"` + key + `"`
			assert.Equal(t, int64(strings.LastIndex(doc, q)+len(q)), de.Offset)
		}
	}
	// Inside a result, decoded whole, the last key wins.
	fs, err := decode(t, `{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p"}],"Vulnerabilities":[{"VulnerabilityID":"CVE-2","PkgName":"p"}]}]}`)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "CVE-2", fs[0].RuleID)
}

func TestNumbersOutOfRange(t *testing.T) {
	fs, err := decode(t, `{"SchemaVersion":2,"X":[1e400],"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"UNKNOWN","CVSS":{"nvd":{"V3Vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","V3Score":1e300}}}]}]}`)
	require.NoError(t, err, "a skipped 1e400 is only syntax")
	require.Len(t, fs, 1)
	require.Len(t, fs[0].CVSS, 1)
	assert.Nil(t, fs[0].CVSS[0].Score, "a score outside 0-10 is dropped")
	assert.Equal(t, findings.SeverityUnknown, fs[0].Severity, "and gives no severity")
}
