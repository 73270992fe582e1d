package vex_test

import (
	"testing"

	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/vex"
)

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkWrite renders 100,000 SCA findings in each format and reports
// the bytes written.
func BenchmarkWrite(b *testing.B) {
	r := report.New(synthetic(100000), report.Options{})
	for _, f := range []vex.Format{vex.CycloneDXVDR, vex.CycloneDXVEX, vex.OpenVEX} {
		b.Run(f.String(), func(b *testing.B) {
			var w countWriter
			b.ReportAllocs()
			for b.Loop() {
				w.n = 0
				if err := vex.Write(&w, r, vex.Options{Format: f}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.n), "bytes")
		})
	}
}
