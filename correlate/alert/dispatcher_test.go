package alert_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/risk"
)

// recorder is a Sink that records what it gets and returns the errors of
// fail in turn (nil once they run out).
type recorder struct {
	mu    sync.Mutex
	calls [][]alert.Digest
	fail  []error
}

func (r *recorder) Send(_ context.Context, ds []alert.Digest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, ds)
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		return err
	}
	return nil
}

// keys returns the digest keys of every call.
func (r *recorder) keys() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out [][]string
	for _, c := range r.calls {
		var ks []string
		for _, d := range c {
			ks = append(ks, fmt.Sprintf("%s×%d", d.Key.RuleID, d.Count))
		}
		out = append(out, ks)
	}
	return out
}

func newDispatcher(t *testing.T, opts alert.DispatcherOptions, names ...string) (*alert.Dispatcher, map[string]*recorder) {
	t.Helper()
	recs := map[string]*recorder{}
	var targets []alert.Target
	for _, n := range names {
		recs[n] = &recorder{}
		targets = append(targets, alert.Target{Name: n, Sink: recs[n]})
	}
	d, err := alert.NewDispatcher(targets, opts)
	require.NoError(t, err)
	return d, recs
}

func add(t *testing.T, d *alert.Dispatcher, es ...alert.Event) {
	t.Helper()
	for _, e := range es {
		ok, err := d.Add(e)
		require.NoError(t, err)
		require.True(t, ok, "%+v", e)
	}
}

func TestDispatcherFlow(t *testing.T) {
	ctx := context.Background()
	d, recs := newDispatcher(t, alert.DispatcherOptions{Batch: alert.BatcherOptions{Window: 10 * time.Minute}}, "webhook", "chat")

	ok, err := d.Add(ev("low", "x", 0, risk.P3))
	require.NoError(t, err)
	assert.False(t, ok, "P3 is below the default policy")
	_, err = d.Add(alert.Event{})
	assert.ErrorIs(t, err, alert.ErrInvalid)
	add(t, d, ev("r1", "a", 0, risk.P1), ev("r1", "b", time.Minute, risk.P2), ev("r2", "c", 2*time.Minute, risk.P2))

	rep, err := d.Dispatch(ctx, at(5*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, alert.Report{Batched: 2}, rep)
	assert.Empty(t, recs["chat"].calls)

	rep, err = d.Dispatch(ctx, at(10*time.Minute))
	require.NoError(t, err)
	require.Len(t, rep.Sent, 2)
	assert.Equal(t, "chat", rep.Sent[0].Sink, "sinks in the order of their names")
	assert.Equal(t, "webhook", rep.Sent[1].Sink)
	assert.Equal(t, 1, rep.Batched, "r2 is not due yet")
	for _, name := range []string{"chat", "webhook"} {
		assert.Equal(t, [][]string{{"r1×2"}}, recs[name].keys(), name)
	}

	rep, err = d.Dispatch(ctx, at(12*time.Minute))
	require.NoError(t, err)
	require.Len(t, rep.Sent, 2)
	assert.Equal(t, "r2", rep.Sent[0].Digests[0].Key.RuleID)
	batched, queued := d.Pending()
	assert.Zero(t, batched)
	assert.Zero(t, queued)
}

// TestDispatcherDigestRate checks that a rate-limited key stays queued
// and absorbs the later events of its key.
func TestDispatcherDigestRate(t *testing.T) {
	ctx := context.Background()
	d, recs := newDispatcher(t, alert.DispatcherOptions{
		Batch:      alert.BatcherOptions{Window: -1},
		DigestRate: alert.Rate{Count: 1, Per: time.Hour},
	}, "s")
	add(t, d, ev("noisy", "a", 0, risk.P1))
	_, err := d.Dispatch(ctx, at(0))
	require.NoError(t, err)

	add(t, d, ev("noisy", "b", 10*time.Minute, risk.P1), ev("quiet", "c", 10*time.Minute, risk.P2))
	rep, err := d.Dispatch(ctx, at(10*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Queued)
	add(t, d, ev("noisy", "d", 20*time.Minute, risk.P1), ev("noisy", "e", 21*time.Minute, risk.P1))
	rep, err = d.Dispatch(ctx, at(30*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, rep.Sent)
	assert.Equal(t, 1, rep.Queued, "merged into the queued digest")

	rep, err = d.Dispatch(ctx, at(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, rep.Queued)
	assert.Equal(t, [][]string{{"noisy×1"}, {"quiet×1"}, {"noisy×3"}}, recs["s"].keys())
	last := rep.Sent[0].Digests[0]
	assert.Equal(t, at(10*time.Minute), last.First)
	assert.Equal(t, at(21*time.Minute), last.Last)
}

// TestDispatcherSinkRate checks the per-sink limit at N and N+1: the most
// urgent digests go first, the rest wait.
func TestDispatcherSinkRate(t *testing.T) {
	ctx := context.Background()
	d, recs := newDispatcher(t, alert.DispatcherOptions{
		Batch:    alert.BatcherOptions{Window: -1},
		SinkRate: alert.Rate{Count: 2, Per: time.Hour},
	}, "s")
	add(t, d, ev("r1", "a", 0, risk.P2), ev("r2", "b", 0, risk.P1), ev("r3", "c", 0, risk.P1))
	rep, err := d.Dispatch(ctx, t0)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Queued)
	rep, err = d.Dispatch(ctx, at(29*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, rep.Sent)
	_, err = d.Dispatch(ctx, at(30*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"r2×1", "r3×1"}, {"r1×1"}}, recs["s"].keys())
}

func TestDispatcherMaxDigestsPerSendAndDrain(t *testing.T) {
	ctx := context.Background()
	d, recs := newDispatcher(t, alert.DispatcherOptions{MaxDigestsPerSend: 2}, "s")
	for i := range 5 {
		add(t, d, ev(fmt.Sprint("r", i), "f", 0, risk.P1))
	}
	rep, err := d.Dispatch(ctx, at(alert.DefaultWindow))
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Queued)
	add(t, d, ev("late", "f", time.Hour, risk.P1))
	rep, err = d.Drain(ctx, at(time.Hour))
	require.NoError(t, err)
	assert.Len(t, rep.Sent, 2)
	assert.Equal(t, alert.Report{Sent: rep.Sent}, rep, "nothing left")
	assert.Equal(t, [][]string{{"r0×1", "r1×1"}, {"late×1", "r2×1"}, {"r3×1", "r4×1"}}, recs["s"].keys())
}

// TestDispatcherSinkFailure checks that a failing sink does not hold up
// the others, that its digests come back, and that Requeue retries them.
func TestDispatcherSinkFailure(t *testing.T) {
	ctx := context.Background()
	down := errors.New("connection refused")
	d, recs := newDispatcher(t, alert.DispatcherOptions{Batch: alert.BatcherOptions{Window: -1}}, "bad", "good")
	recs["bad"].fail = []error{down}
	add(t, d, ev("r1", "a", 0, risk.P1), ev("r2", "b", 0, risk.P2))

	rep, err := d.Dispatch(ctx, t0)
	require.Error(t, err)
	assert.ErrorIs(t, err, down)
	var se *alert.SinkError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, "bad", se.Sink)
	assert.Equal(t, 2, se.Digests)
	assert.Equal(t, "alert: sink bad: 2 digests not delivered: connection refused", se.Error())
	require.Len(t, rep.Failed, 1)
	assert.Equal(t, "bad", rep.Failed[0].Sink)
	assert.Len(t, rep.Failed[0].Digests, 2)
	require.Len(t, rep.Sent, 1)
	assert.Equal(t, "good", rep.Sent[0].Sink)
	assert.Zero(t, rep.Queued, "failed digests are handed back, not kept")

	require.NoError(t, d.Requeue("bad", rep.Failed[0].Digests))
	rep, err = d.Dispatch(ctx, t0)
	require.NoError(t, err)
	require.Len(t, rep.Sent, 1)
	assert.Equal(t, [][]string{{"r1×1", "r2×1"}, {"r1×1", "r2×1"}}, recs["bad"].keys())
	assert.Equal(t, [][]string{{"r1×1", "r2×1"}}, recs["good"].keys())
}

func TestDispatcherRequeueRejects(t *testing.T) {
	d, _ := newDispatcher(t, alert.DispatcherOptions{MaxQueued: 1}, "s")
	good := alert.Digest{Key: ev("r", "f", 0, risk.P1).Key(), Count: 1, First: t0, Last: t0, Priority: risk.P1,
		Severity: "high", Events: []alert.Event{ev("r", "f", 0, risk.P1)}}
	assert.ErrorIs(t, d.Requeue("nope", []alert.Digest{good}), alert.ErrInvalid)
	bad := good
	bad.Count = 0
	err := d.Requeue("s", []alert.Digest{bad})
	assert.ErrorIs(t, err, alert.ErrInvalid)
	var ie *alert.InputError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, "digests[0].count", ie.Path)
	other := good
	other.Key.RuleID = "other"
	other.Events = []alert.Event{ev("other", "f", 0, risk.P1)}
	assert.ErrorIs(t, d.Requeue("s", []alert.Digest{good, other}), alert.ErrLimit, "all or nothing")
	_, queued := d.Pending()
	assert.Zero(t, queued)
	require.NoError(t, d.Requeue("s", []alert.Digest{good, good}), "same key merges")
	_, queued = d.Pending()
	assert.Equal(t, 1, queued)
}

// TestDispatcherMaxQueuedAtNAndNPlus1 keeps N digests queued and hands
// back the least urgent beyond.
func TestDispatcherMaxQueuedAtNAndNPlus1(t *testing.T) {
	const n = 2
	ctx := context.Background()
	d, _ := newDispatcher(t, alert.DispatcherOptions{
		Batch:     alert.BatcherOptions{Window: -1},
		SinkRate:  alert.Rate{Count: 1, Per: time.Hour},
		MaxQueued: n,
	}, "s")
	// One sent, N queued: within the limit.
	add(t, d, ev("r1", "f", 0, risk.P1), ev("r2", "f", 0, risk.P2), ev("r3", "f", 0, risk.P2))
	rep, err := d.Dispatch(ctx, t0)
	require.NoError(t, err)
	assert.Equal(t, n, rep.Queued)
	assert.Empty(t, rep.Failed)
	// One more key: N+1 would be queued.
	add(t, d, ev("r4", "f", 0, ""))
	rep, err = d.Dispatch(ctx, t0)
	require.Error(t, err)
	assert.ErrorIs(t, err, alert.ErrLimit)
	assert.Equal(t, n, rep.Queued)
	require.Len(t, rep.Failed, 1)
	require.Len(t, rep.Failed[0].Digests, 1)
	assert.Equal(t, "r4", rep.Failed[0].Digests[0].Key.RuleID, "the least urgent goes")
}

func TestDispatcherContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, recs := newDispatcher(t, alert.DispatcherOptions{Batch: alert.BatcherOptions{Window: -1}}, "a", "b")
	add(t, d, ev("r1", "f", 0, risk.P1))

	rep, err := d.Dispatch(ctx, t0)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, rep.Sent)
	assert.Empty(t, rep.Failed)
	assert.Equal(t, 2, rep.Queued, "kept for the next dispatch")
	assert.Empty(t, recs["a"].calls)

	rep, err = d.Drain(ctx, t0)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, rep.Failed, 2, "drain hands everything back")
	assert.Zero(t, rep.Queued)
}

func TestDispatcherDrainFailure(t *testing.T) {
	down := errors.New("down")
	d, recs := newDispatcher(t, alert.DispatcherOptions{MaxDigestsPerSend: 1}, "s")
	recs["s"].fail = []error{nil, down}
	for i := range 4 {
		add(t, d, ev(fmt.Sprint("r", i), "f", 0, risk.P1))
	}
	rep, err := d.Drain(context.Background(), t0)
	require.ErrorIs(t, err, down)
	require.Len(t, rep.Sent, 1)
	require.Len(t, rep.Failed, 1)
	assert.Len(t, rep.Failed[0].Digests, 3, "the failed one and the two not attempted")
	batched, queued := d.Pending()
	assert.Zero(t, batched+queued)
}

func TestNewDispatcherRejects(t *testing.T) {
	s := &recorder{}
	tests := []struct {
		name    string
		targets []alert.Target
		opts    alert.DispatcherOptions
		path    string
	}{
		{"no target", nil, alert.DispatcherOptions{}, "targets"},
		{"no name", []alert.Target{{Sink: s}}, alert.DispatcherOptions{}, "targets"},
		{"no sink", []alert.Target{{Name: "a"}}, alert.DispatcherOptions{}, "targets"},
		{"duplicate", []alert.Target{{Name: "a", Sink: s}, {Name: "a", Sink: s}}, alert.DispatcherOptions{}, "targets"},
		{"policy", []alert.Target{{Name: "a", Sink: s}}, alert.DispatcherOptions{Policy: alert.Policy{MinPriority: "P5"}}, "Policy.MinPriority"},
		{"batch", []alert.Target{{Name: "a", Sink: s}}, alert.DispatcherOptions{Batch: alert.BatcherOptions{MaxEvents: -2}}, "Batch.MaxEvents"},
		{"sink rate", []alert.Target{{Name: "a", Sink: s}}, alert.DispatcherOptions{SinkRate: alert.Rate{Count: 1}}, "SinkRate.Per"},
		{"digest rate", []alert.Target{{Name: "a", Sink: s}}, alert.DispatcherOptions{DigestRate: alert.Rate{Count: -1}}, "DigestRate.Count"},
		{"max queued", []alert.Target{{Name: "a", Sink: s}}, alert.DispatcherOptions{MaxQueued: -1}, "MaxQueued"},
		{"per send", []alert.Target{{Name: "a", Sink: s}}, alert.DispatcherOptions{MaxDigestsPerSend: -1}, "MaxDigestsPerSend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := alert.NewDispatcher(tt.targets, tt.opts)
			require.ErrorIs(t, err, alert.ErrInvalid)
			var ie *alert.InputError
			require.True(t, errors.As(err, &ie))
			assert.Equal(t, tt.path, ie.Path)
		})
	}
}

// TestDispatcherConcurrent adds events from several goroutines while
// dispatching; run with -race. Every raised event must be counted once.
func TestDispatcherConcurrent(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	total := 0
	sink := alert.SinkFunc(func(_ context.Context, ds []alert.Digest) error {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range ds {
			total += d.Count
		}
		return nil
	})
	d, err := alert.NewDispatcher([]alert.Target{{Name: "s", Sink: sink}}, alert.DispatcherOptions{
		Batch:      alert.BatcherOptions{Window: time.Second},
		DigestRate: alert.Rate{Count: 1, Per: time.Second},
	})
	require.NoError(t, err)
	const workers, per = 4, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range per {
				_, err := d.Add(ev(fmt.Sprint("r", i%7), fmt.Sprint(w, "-", i), time.Duration(i)*time.Millisecond, risk.P1))
				assert.NoError(t, err)
			}
		})
	}
	for i := range 50 {
		_, err := d.Dispatch(ctx, at(time.Duration(i)*50*time.Millisecond))
		require.NoError(t, err)
	}
	wg.Wait()
	_, err = d.Drain(ctx, at(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, workers*per, total)
}

// TestDispatcherSinkLimitKeepsKeyAllowance checks that a digest held back
// by the sink's limit does not spend its key's allowance.
func TestDispatcherSinkLimitKeepsKeyAllowance(t *testing.T) {
	ctx := context.Background()
	d, recs := newDispatcher(t, alert.DispatcherOptions{
		Batch:      alert.BatcherOptions{Window: -1},
		SinkRate:   alert.Rate{Count: 1, Per: time.Hour},
		DigestRate: alert.Rate{Count: 1, Per: 2 * time.Hour},
	}, "s")
	add(t, d, ev("r1", "a", 0, risk.P1), ev("r2", "b", 0, risk.P2))
	_, err := d.Dispatch(ctx, t0)
	require.NoError(t, err)
	_, err = d.Dispatch(ctx, at(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"r1×1"}, {"r2×1"}}, recs["s"].keys())
}
