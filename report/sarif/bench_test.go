package sarif_test

import (
	"io"
	"testing"

	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/sarif"
)

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// BenchmarkWrite renders 100,000 findings of 5 tools (one run each, no
// result limit) and reports the bytes written.
func BenchmarkWrite(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts sarif.Options
	}{
		{"per-tool", sarif.Options{MaxResultsPerRun: -1}},
		{"merged", sarif.Options{Layout: sarif.Merged, MaxResultsPerRun: -1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := report.New(synthetic(100000, 5), report.Options{})
			var w countWriter
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w.n = 0
				if err := sarif.Write(&w, r, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.n), "bytes")
		})
	}
}
