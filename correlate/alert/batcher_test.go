package alert_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

func TestBatcherWindows(t *testing.T) {
	tests := []struct {
		name    string
		window  time.Duration
		events  []alert.Event
		flushAt time.Duration
		want    []string // digest keys flushed, in order
		left    int
	}{
		{"nothing due before the window", 10 * time.Minute,
			[]alert.Event{ev("r1", "a", 0, risk.P1)}, 9*time.Minute + 59*time.Second, nil, 1},
		{"due exactly at first+window", 10 * time.Minute,
			[]alert.Event{ev("r1", "a", 0, risk.P1), ev("r1", "b", 5*time.Minute, risk.P1)}, 10 * time.Minute,
			[]string{"acme/shop/api/new_finding/r1"}, 0},
		{"the window counts from the earliest event", 10 * time.Minute,
			[]alert.Event{ev("r1", "b", 8*time.Minute, risk.P2), ev("r1", "a", -5*time.Minute, risk.P2)}, 5 * time.Minute,
			[]string{"acme/shop/api/new_finding/r1"}, 0},
		{"only the due digests", 10 * time.Minute,
			[]alert.Event{ev("r1", "a", 0, risk.P2), ev("r2", "b", 5*time.Minute, risk.P2)}, 10 * time.Minute,
			[]string{"acme/shop/api/new_finding/r1"}, 1},
		{"most urgent first, then by key", 10 * time.Minute,
			[]alert.Event{ev("r1", "a", 0, risk.P2), ev("r3", "b", 0, risk.P1), ev("r2", "c", 0, risk.P2), ev("r0", "d", 0, "")},
			time.Hour,
			[]string{"acme/shop/api/new_finding/r3", "acme/shop/api/new_finding/r1", "acme/shop/api/new_finding/r2", "acme/shop/api/new_finding/r0"}, 0},
		{"negative window flushes at once", -1,
			[]alert.Event{ev("r1", "a", time.Hour, risk.P1)}, 0, []string{"acme/shop/api/new_finding/r1"}, 0},
		{"zero window is the default", 0,
			[]alert.Event{ev("r1", "a", 0, risk.P1)}, alert.DefaultWindow - time.Second, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := alert.NewBatcher(alert.BatcherOptions{Window: tt.window})
			require.NoError(t, err)
			for _, e := range tt.events {
				require.NoError(t, b.Add(e))
			}
			got := b.Flush(at(tt.flushAt))
			var keys []string
			for _, d := range got {
				keys = append(keys, d.Key.String())
			}
			assert.Equal(t, tt.want, keys)
			assert.Equal(t, tt.left, b.Len())
		})
	}
}

func TestBatcherDigestContents(t *testing.T) {
	b, err := alert.NewBatcher(alert.BatcherOptions{MaxEvents: 2})
	require.NoError(t, err)
	e1 := ev("r1", "c", 3*time.Minute, risk.P3)
	e2 := ev("r1", "a", 1*time.Minute, risk.P1)
	e2.Severity = findings.SeverityMedium
	e3 := ev("r1", "b", 2*time.Minute, "")
	e3.Severity = findings.SeverityCritical
	for _, e := range []alert.Event{e1, e2, e3} {
		require.NoError(t, b.Add(e))
	}
	e1.Title = "modified after Add"
	ds := b.FlushAll()
	require.Len(t, ds, 1)
	d := ds[0]
	assert.Equal(t, 3, d.Count)
	assert.Equal(t, 1, d.Omitted())
	assert.Equal(t, at(time.Minute), d.First)
	assert.Equal(t, at(3*time.Minute), d.Last)
	assert.Equal(t, risk.P1, d.Priority)
	assert.Equal(t, findings.SeverityCritical, d.Severity)
	require.Len(t, d.Events, 2, "capped at MaxEvents")
	assert.Equal(t, "a", d.Events[0].FindingID, "earliest first")
	assert.Equal(t, "b", d.Events[1].FindingID)
	assert.Zero(t, b.Len())
	assert.Nil(t, b.FlushAll())
}

// TestBatcherCapAtNAndNPlus1 checks MaxEvents at its value and one over.
func TestBatcherCapAtNAndNPlus1(t *testing.T) {
	const n = 5
	for _, count := range []int{n, n + 1} {
		b, err := alert.NewBatcher(alert.BatcherOptions{MaxEvents: n})
		require.NoError(t, err)
		for i := range count {
			require.NoError(t, b.Add(ev("r", fmt.Sprint(i), time.Duration(i)*time.Second, risk.P1)))
		}
		ds := b.FlushAll()
		require.Len(t, ds, 1)
		assert.Equal(t, count, ds[0].Count)
		assert.Len(t, ds[0].Events, n)
		assert.Equal(t, count-n, ds[0].Omitted())
	}
}

// TestBatcherMaxPendingAtNAndNPlus1 checks that the N+1th key is refused
// with a LimitError while a known key still digests.
func TestBatcherMaxPendingAtNAndNPlus1(t *testing.T) {
	const n = 3
	b, err := alert.NewBatcher(alert.BatcherOptions{MaxPending: n})
	require.NoError(t, err)
	for i := range n {
		require.NoError(t, b.Add(ev(fmt.Sprint("r", i), "f", 0, risk.P1)))
	}
	err = b.Add(ev("r-new", "f", 0, risk.P1))
	require.Error(t, err)
	assert.ErrorIs(t, err, alert.ErrLimit)
	var le *alert.LimitError
	require.True(t, errors.As(err, &le))
	assert.Equal(t, alert.LimitError{Limit: "MaxPending", Max: n}, *le)
	assert.Equal(t, n, b.Len())
	require.NoError(t, b.Add(ev("r0", "g", time.Second, risk.P1)), "a known key still digests")
	b.FlushAll()
	require.NoError(t, b.Add(ev("r-new", "f", 0, risk.P1)), "room again after a flush")
}

func TestBatcherRejects(t *testing.T) {
	_, err := alert.NewBatcher(alert.BatcherOptions{MaxEvents: -1})
	assert.ErrorIs(t, err, alert.ErrInvalid)
	_, err = alert.NewBatcher(alert.BatcherOptions{MaxPending: -1})
	assert.ErrorIs(t, err, alert.ErrInvalid)
	b, err := alert.NewBatcher(alert.BatcherOptions{})
	require.NoError(t, err)
	assert.ErrorIs(t, b.Add(alert.Event{Type: alert.TypeReopened}), alert.ErrInvalid)
	assert.Zero(t, b.Len())
}

func TestBatcherNextDue(t *testing.T) {
	b, err := alert.NewBatcher(alert.BatcherOptions{Window: time.Minute})
	require.NoError(t, err)
	_, ok := b.NextDue()
	assert.False(t, ok)
	require.NoError(t, b.Add(ev("r1", "a", 10*time.Second, risk.P1)))
	require.NoError(t, b.Add(ev("r2", "a", 5*time.Second, risk.P1)))
	next, ok := b.NextDue()
	require.True(t, ok)
	assert.Equal(t, at(65*time.Second), next)
}

// TestBatcherOrderIndependent adds the same events in many orders and
// expects byte-identical JSON.
func TestBatcherOrderIndependent(t *testing.T) {
	var events []alert.Event
	for i := range 40 {
		e := ev(fmt.Sprint("r", i%4), fmt.Sprint("f", i%7), time.Duration(i%5)*time.Second, []risk.Priority{risk.P1, risk.P2, ""}[i%3])
		e.Details = map[string]string{"i": fmt.Sprint(i % 6), "z": "1"}
		events = append(events, e)
	}
	var want []byte
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		b, err := alert.NewBatcher(alert.BatcherOptions{MaxEvents: 3})
		require.NoError(t, err)
		for _, e := range events {
			require.NoError(t, b.Add(e))
		}
		got, err := json.Marshal(b.FlushAll())
		require.NoError(t, err)
		if round == 0 {
			want = got
			continue
		}
		require.Equal(t, string(want), string(got), "round %d", round)
	}
}

// TestBatcherSampleOrderByDetails keeps events that differ only in their
// details in one order, whatever the order they came in.
func TestBatcherSampleOrderByDetails(t *testing.T) {
	base := ev("r", "f", 0, risk.P1)
	variants := []map[string]string{nil, {"a": "1"}, {"a": "2"}, {"a": "1", "b": "0"}, {"b": "0"}}
	var want []map[string]string
	for round := range 2 {
		b, err := alert.NewBatcher(alert.BatcherOptions{MaxEvents: 4})
		require.NoError(t, err)
		for i := range variants {
			j := i
			if round == 1 {
				j = len(variants) - 1 - i
			}
			e := base
			e.Details = variants[j]
			require.NoError(t, b.Add(e))
		}
		ds := b.FlushAll()
		require.Len(t, ds, 1)
		var got []map[string]string
		for _, e := range ds[0].Events {
			got = append(got, e.Details)
		}
		if round == 0 {
			want = got
			assert.Equal(t, []map[string]string{nil, {"a": "1"}, {"a": "1", "b": "0"}, {"a": "2"}}, got)
			continue
		}
		assert.Equal(t, want, got)
	}
}
