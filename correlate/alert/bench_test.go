package alert_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/risk"
)

// benchEvents returns n events over 50 rules and 1,000 assets: 1,000
// digest keys.
func benchEvents(n int) []alert.Event {
	es := make([]alert.Event, n)
	for i := range es {
		e := ev(fmt.Sprint("rule-", i%50), fmt.Sprint("f", i), time.Duration(i%600)*time.Second,
			[]risk.Priority{risk.P1, risk.P2, risk.P3, ""}[i%4])
		e.Asset = fmt.Sprint("asset-", i%1000)
		e.VulnerabilityIDs = []string{fmt.Sprint("CVE-2024-", i%1000)}
		es[i] = e
	}
	return es
}

// BenchmarkBatcherAdd measures digesting one event (1,000 keys, the
// sample cap reached).
func BenchmarkBatcherAdd(b *testing.B) {
	es := benchEvents(10_000)
	bt, err := alert.NewBatcher(alert.BatcherOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := bt.Add(es[i%len(es)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBatcherFlush(b *testing.B) {
	es := benchEvents(10_000)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		bt, _ := alert.NewBatcher(alert.BatcherOptions{})
		for _, e := range es {
			_ = bt.Add(e)
		}
		b.StartTimer()
		if len(bt.FlushAll()) != 1000 {
			b.Fatal("want 1000 digests")
		}
	}
}

func BenchmarkLimiterAllow(b *testing.B) {
	l, err := alert.NewLimiter(alert.Rate{Count: 100, Per: time.Second}, alert.LimiterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprint("key-", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		l.Allow(keys[i%len(keys)], t0.Add(time.Duration(i)*time.Millisecond))
	}
}

// BenchmarkDispatch measures a dispatcher taking 10,000 events and sending
// the 1,000 digests to one sink, under a per-digest rate limit.
func BenchmarkDispatch(b *testing.B) {
	es := benchEvents(10_000)
	sink := alert.SinkFunc(func(context.Context, []alert.Digest) error { return nil })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		d, err := alert.NewDispatcher([]alert.Target{{Name: "s", Sink: sink}}, alert.DispatcherOptions{
			Policy:     alert.Policy{MinPriority: risk.P4},
			DigestRate: alert.Rate{Count: 1, Per: time.Hour},
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range es {
			if _, err := d.Add(e); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := d.Drain(ctx, at(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPayload(b *testing.B) ([]alert.Digest, []byte) {
	bt, _ := alert.NewBatcher(alert.BatcherOptions{})
	for _, e := range benchEvents(2_000) {
		_ = bt.Add(e)
	}
	ds := bt.FlushAll()[:100]
	body, err := alert.MarshalPayload(ds)
	if err != nil {
		b.Fatal(err)
	}
	return ds, body
}

// BenchmarkMarshalPayload encodes a payload of 100 digests, the most one
// Send gets by default.
func BenchmarkMarshalPayload(b *testing.B) {
	ds, body := benchPayload(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := alert.MarshalPayload(ds); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePayload(b *testing.B) {
	_, body := benchPayload(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := alert.DecodePayload(bytes.NewReader(body), alert.DecodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
