//go:build !race

// The race detector inflates memory several times over, so this test runs
// only without -race (CI runs it in a separate step).

package sarif

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// TestStream200MB streams a 200 MB synthetic log (generated on the fly,
// never on disk) through Decode and checks that every result becomes a
// finding while the heap stays under 64 MiB.
func TestStream200MB(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 200 MB stream in -short mode")
	}
	const size = 200 << 20
	const maxHeap = 64 << 20
	runtime.GC()
	gen := newSynthLog(size, true)
	s := startHeapSampler(20 * time.Millisecond)
	start := time.Now()
	n := 0
	err := Decode(gen, findings.DecodeOptions{Name: "synthetic.sarif"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			n++
			if n%20000 == 0 {
				s.sample()
			}
			return nil
		},
	})
	elapsed := time.Since(start)
	peak := s.Stop()
	require.NoError(t, err)
	assert.Equal(t, gen.Results(), n, "findings vs results written")
	assert.GreaterOrEqual(t, gen.written, int64(size))
	t.Logf("streamed %d bytes, %d findings in %v (%.1f MB/s); peak heap in use %.1f MiB",
		gen.written, n, elapsed.Round(time.Millisecond), float64(gen.written)/1e6/elapsed.Seconds(), float64(peak)/(1<<20))
	assert.Less(t, peak, uint64(maxHeap), "peak heap in use")
}
