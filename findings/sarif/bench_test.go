package sarif

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/aspmkit/aspm/findings"
)

// synthBytes returns a synthetic log of about size bytes.
func synthBytes(tb testing.TB, size int64) ([]byte, int) {
	tb.Helper()
	g := newSynthLog(size, true)
	b, err := io.ReadAll(g)
	if err != nil {
		tb.Fatal(err)
	}
	return b, g.Results()
}

// synthFile writes a synthetic log of about size bytes to a temporary file.
func synthFile(b *testing.B, size int64) (string, int64, int) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "synthetic.sarif")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	g := newSynthLog(size, true)
	n, err := io.Copy(f, g)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path, n, g.Results()
}

// cpuTime returns the CPU time (user and system) the process has used.
// The benchmarks report it per operation as "cpu-s/op" next to ns/op,
// because on a shared or throttled machine wall time says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs op b.N times, sampling the heap, and reports peak-heap-MiB
// and cpu-s/op.
func measure(b *testing.B, op func()) {
	b.Helper()
	runtime.GC()
	s := startHeapSampler(10 * time.Millisecond)
	cpu0 := cpuTime()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(s.Stop())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(cpu.Seconds()/float64(n), "cpu-s/op")
}

func countFindings(b *testing.B, r io.Reader, want int) {
	b.Helper()
	n := 0
	err := Decode(r, findings.DecodeOptions{Name: "synthetic.sarif"}, findings.Handler{
		Finding: func(findings.Finding) error { n++; return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	if n != want {
		b.Fatalf("decoded %d findings, want %d", n, want)
	}
}

// BenchmarkDecode decodes a 20 MB synthetic log held in memory.
func BenchmarkDecode(b *testing.B) {
	data, results := synthBytes(b, 20<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	measure(b, func() { countFindings(b, bytes.NewReader(data), results) })
}

// BenchmarkDecode200MB streams a 200 MB synthetic log from a file.
func BenchmarkDecode200MB(b *testing.B) {
	path, size, results := synthFile(b, 200<<20)
	b.SetBytes(size)
	b.ReportAllocs()
	measure(b, func() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		countFindings(b, f, results)
	})
}

// BenchmarkGoSarifOpen200MB loads the same 200 MB log with go-sarif's
// sarif.Open, which reads the file whole, for comparison.
func BenchmarkGoSarifOpen200MB(b *testing.B) {
	path, size, results := synthFile(b, 200<<20)
	b.SetBytes(size)
	b.ReportAllocs()
	measure(b, func() {
		rep, err := gosarif.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(rep.Runs[0].Results); n != results {
			b.Fatalf("go-sarif read %d results, want %d", n, results)
		}
	})
}
