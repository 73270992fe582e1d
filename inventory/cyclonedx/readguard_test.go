package cyclonedx_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

// guardCounter counts what is read of a reader.
type guardCounter struct {
	r io.Reader
	n int64
}

func (c *guardCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestReadStopsAtLimits holds what the hostile-input suite
// (internal/hostile) found: a BOM was read whole, up to MaxDocumentBytes,
// before its limits were checked. Now the limits stop the read itself,
// for both syntaxes, and the graph is left as it was.
func TestReadStopsAtLimits(t *testing.T) {
	const huge = 8 << 20
	comp := `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library" bom-ref="c"><name>`
	tests := []struct {
		name  string
		in    io.Reader
		limit string
	}{
		{"XML text", io.MultiReader(strings.NewReader(comp), strings.NewReader(strings.Repeat(`a"`, huge/2))), "MaxStringBytes"},
		{"XML DOCTYPE", io.MultiReader(strings.NewReader(`<!DOCTYPE bom [`), strings.NewReader(strings.Repeat(`<!ENTITY a "x">`, huge/15))), "MaxStringBytes"},
		{"XML tag of attributes", io.MultiReader(strings.NewReader(`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"`), strings.NewReader(strings.Repeat(` a=""`, huge/5))), "MaxTagMarkupBytes"},
		{"JSON string", io.MultiReader(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.5","x":"`), strings.NewReader(strings.Repeat("a", huge))), "MaxStringBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &guardCounter{r: tt.in}
			g := inventory.New()
			_, err := cyclonedx.Read(c, g, cyclonedx.Options{Name: "bom", Limits: findings.Limits{MaxStringBytes: 64 << 10}})
			require.ErrorIs(t, err, cyclonedx.ErrLimit)
			var le *findings.LimitError
			require.True(t, errors.As(err, &le), "%v", err)
			assert.Equal(t, tt.limit, le.Limit)
			var e *cyclonedx.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "bom", e.File)
			assert.GreaterOrEqual(t, e.Offset, int64(0), "the error names the offset")
			assert.Less(t, c.n, int64(256<<10), "the read stops at the limit")
			assert.Zero(t, g.Len())
		})
	}
}
