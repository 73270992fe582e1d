package decide_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aspmkit/aspm/access/decide"
)

// BenchmarkDecide measures one baseline decision over a request with a
// history of 0, 50 and 1000 events, and reports decisions per second.
func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{0, 50, 1000} {
		b.Run("history="+strconv.Itoa(n), func(b *testing.B) {
			d := newDecider(b, decide.Options{})
			req := request(familiar(n))
			req.Action = "iam:CreateUser"
			req.Context.Network = "AS64500"
			ctx := context.Background()
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if _, err := d.Decide(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decisions/s")
		})
	}
}

// BenchmarkDecideParallel measures decisions from all cores at once.
func BenchmarkDecideParallel(b *testing.B) {
	d := newDecider(b, decide.Options{})
	req := request(familiar(50))
	ctx := context.Background()
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := d.Decide(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decisions/s")
}

func BenchmarkDecodeRequest(b *testing.B) {
	data, err := os.ReadFile("testdata/full-history.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decide.DecodeRequest(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
