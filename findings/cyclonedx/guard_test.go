package cyclonedx_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/cyclonedx"
)

// countingReader counts what is read of a reader.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestLimitsWhileReading holds what the hostile-input suite
// (internal/hostile) found: a BOM was read whole, up to MaxDocumentBytes,
// before its limits were checked, so that a huge string filled memory
// first; and constructs that hold quotes, '<' or '>' (text, CDATA,
// comments, attribute values) escaped the string limit of XML. Now the
// limits stop the read itself.
func TestLimitsWhileReading(t *testing.T) {
	const xmlHead = `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><vulnerabilities><vulnerability bom-ref="`
	const huge = 8 << 20
	l := findings.Limits{MaxStringBytes: 64 << 10}
	tests := []struct {
		name  string
		in    io.Reader
		limit string
	}{
		{"XML text of quotes", io.MultiReader(strings.NewReader(xmlHead+`v"><description>`), strings.NewReader(strings.Repeat(`"'`, huge/2))), "MaxStringBytes"},
		{"XML attribute of '>'", io.MultiReader(strings.NewReader(xmlHead), strings.NewReader(strings.Repeat(`>`, huge))), "MaxStringBytes"},
		{"XML CDATA of '<'", io.MultiReader(strings.NewReader(xmlHead+`v"><description><![CDATA[`), strings.NewReader(strings.Repeat(`<]`, huge/2))), "MaxStringBytes"},
		{"XML comment", io.MultiReader(strings.NewReader(xmlHead+`v"><!--`), strings.NewReader(strings.Repeat(`<>`, huge/2))), "MaxStringBytes"},
		{"XML nesting", io.MultiReader(strings.NewReader(xmlHead+`v">`), strings.NewReader(strings.Repeat(`<x>`, huge/3))), "MaxDepth"},
		{"JSON string", io.MultiReader(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.5","x":"`), strings.NewReader(strings.Repeat("a", huge))), "MaxStringBytes"},
		{"JSON nesting", io.MultiReader(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.5","x":`), strings.NewReader(strings.Repeat("[", huge))), "MaxDepth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &countingReader{r: tt.in}
			err := cyclonedx.Decode(c, findings.DecodeOptions{Name: "bom", Limits: l}, findings.Handler{})
			var le *findings.LimitError
			require.True(t, errors.As(err, &le), "%v", err)
			assert.Equal(t, tt.limit, le.Limit)
			assert.ErrorContains(t, err, "bom")
			assert.Less(t, c.n, int64(256<<10), "the read stops at the limit")
		})
	}
}
