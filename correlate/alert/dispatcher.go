package alert

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of [DispatcherOptions].
const (
	// DefaultMaxQueued is how many digests a dispatcher keeps queued per
	// sink while they wait for a rate limit.
	DefaultMaxQueued = 1_000
	// DefaultMaxDigestsPerSend is how many digests one call of
	// [Sink.Send] gets at most.
	DefaultMaxDigestsPerSend = 100
)

// DispatcherOptions configure a [Dispatcher]. The zero value is valid: it
// raises events under the zero [Policy], digests them in 15-minute windows
// and sets no rate limit. It is a plain value, read once by
// [NewDispatcher], safe for concurrent use.
type DispatcherOptions struct {
	// Policy decides which events are raised.
	Policy Policy
	// Batch configures the [Batcher] that digests events.
	Batch BatcherOptions
	// SinkRate limits the digests each sink gets; the zero Rate sets no
	// limit.
	SinkRate Rate
	// DigestRate limits how often each sink gets a digest of one key (the
	// same asset, type and rule). Digests held back stay queued and absorb
	// the events of later digests of their key, so that a noisy rule makes
	// one growing digest instead of a flood. The zero Rate sets no limit.
	DigestRate Rate
	// Limiter configures the limiters of SinkRate and DigestRate. The
	// DigestRate limiter tracks a key per sink and digest key while its
	// allowance refills; when MaxKeys of them are limited at once, digests
	// of new keys wait in the queue until room frees up.
	Limiter LimiterOptions
	// MaxQueued caps the digests left queued per sink after a dispatch.
	// The least urgent digests beyond it are returned in [Report.Failed]
	// with a [*LimitError]. Zero means [DefaultMaxQueued]; it must not be
	// negative.
	MaxQueued int
	// MaxDigestsPerSend caps the digests of one [Sink.Send] call. Zero
	// means [DefaultMaxDigestsPerSend]; it must not be negative.
	MaxDigestsPerSend int
}

// Delivery is what a [Dispatcher] handed to one sink, or failed to. It is
// a plain value that belongs to the caller; safe to read from several
// goroutines but not to modify concurrently.
type Delivery struct {
	// Sink is the [Target] name.
	Sink string
	// Digests are the digests concerned, most urgent first.
	Digests []Digest
	// Err is nil for a delivery that succeeded; otherwise a [*SinkError]
	// with the cause.
	Err error
}

// Report says what one [Dispatcher.Dispatch] or [Dispatcher.Drain] did.
// Every digest that left the dispatcher is in Sent or Failed: nothing is
// dropped silently. It is a plain value that belongs to the caller; safe
// to read from several goroutines but not to modify concurrently.
type Report struct {
	// Sent lists the successful deliveries, by sink name.
	Sent []Delivery
	// Failed lists the digests that were not delivered and are no longer
	// held by the dispatcher: the sink returned an error, or the sink's
	// queue overflowed MaxQueued. The caller may retry them with [Dispatcher.Requeue]
	// or keep them elsewhere.
	Failed []Delivery
	// Queued is the number of digests still queued for a sink, waiting for
	// a rate limit or the next dispatch.
	Queued int
	// Batched is the number of digests still collecting events in their
	// window.
	Batched int
}

// Dispatcher ties the pieces together: events pass the [Policy], are
// digested by a [Batcher], wait in a queue per sink for the rate limits,
// and go to the sinks. It sends only when the application calls
// [Dispatcher.Dispatch] (on a ticker, after a scan) or [Dispatcher.Drain]
// (at shutdown), with the current time; it starts no goroutine and reads
// no clock.
//
// Sinks are called one after the other, in the order of their names. A
// failing sink does not hold up the others: its error is reported in a
// [*SinkError], joined with the others' by [errors.Join], and the digests
// it did not take are returned in [Report.Failed].
//
// A Dispatcher is safe for concurrent use: events may be added while a
// dispatch runs; dispatches run one at a time.
type Dispatcher struct {
	policy  Policy
	batcher *Batcher
	targets []Target // sorted by name
	sinkLim *Limiter
	keyLim  *Limiter
	opts    DispatcherOptions

	sendMu sync.Mutex // serializes Dispatch and Drain
	mu     sync.Mutex // guards queues
	queues map[string]map[DigestKey]*Digest
}

// NewDispatcher returns a dispatcher sending to targets. It fails with an
// [*InputError] when there is no target, a target has no name or no sink,
// two share a name, or an option is not valid.
func NewDispatcher(targets []Target, opts DispatcherOptions) (*Dispatcher, error) {
	if len(targets) == 0 {
		return nil, invalid("targets", "no target")
	}
	ts := slices.Clone(targets)
	slices.SortFunc(ts, func(a, b Target) int { return strings.Compare(a.Name, b.Name) })
	for i, t := range ts {
		switch {
		case t.Name == "":
			return nil, invalid("targets", "a target has no name")
		case t.Sink == nil:
			return nil, invalid("targets", "target %q has no sink", t.Name)
		case i > 0 && ts[i-1].Name == t.Name:
			return nil, invalid("targets", "two targets are named %q", t.Name)
		}
	}
	if err := opts.Policy.Validate(); err != nil {
		return nil, prefixPath(err, "Policy.")
	}
	switch {
	case opts.MaxQueued < 0:
		return nil, invalid("MaxQueued", "negative (%d)", opts.MaxQueued)
	case opts.MaxDigestsPerSend < 0:
		return nil, invalid("MaxDigestsPerSend", "negative (%d)", opts.MaxDigestsPerSend)
	}
	if opts.MaxQueued == 0 {
		opts.MaxQueued = DefaultMaxQueued
	}
	if opts.MaxDigestsPerSend == 0 {
		opts.MaxDigestsPerSend = DefaultMaxDigestsPerSend
	}
	b, err := NewBatcher(opts.Batch)
	if err != nil {
		return nil, prefixPath(err, "Batch.")
	}
	sinkLim, err := NewLimiter(opts.SinkRate, opts.Limiter)
	if err != nil {
		return nil, prefixPath(err, "SinkRate.")
	}
	keyLim, err := NewLimiter(opts.DigestRate, opts.Limiter)
	if err != nil {
		return nil, prefixPath(err, "DigestRate.")
	}
	d := &Dispatcher{policy: opts.Policy, batcher: b, targets: ts, sinkLim: sinkLim, keyLim: keyLim,
		opts: opts, queues: map[string]map[DigestKey]*Digest{}}
	for _, t := range ts {
		d.queues[t.Name] = map[DigestKey]*Digest{}
	}
	return d, nil
}

// prefixPath prefixes the Path of an *InputError.
func prefixPath(err error, prefix string) error {
	var ie *InputError
	if errors.As(err, &ie) {
		c := *ie
		c.Path = prefix + c.Path
		return &c
	}
	return err
}

// Add raises e if the policy allows it, and reports whether it did. It
// fails with an [*InputError] when e is not valid, and with a
// [*LimitError] when the batcher is full; the event is then not held, and
// the caller keeps it.
func (d *Dispatcher) Add(e Event) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, err
	}
	if !d.policy.Allows(e) {
		return false, nil
	}
	if err := d.batcher.Add(e); err != nil {
		return false, err
	}
	return true, nil
}

// Dispatch sends what is due at now: the digests whose window has passed
// join each sink's queue (merging with a queued digest of the same key),
// and each sink gets, in one [Sink.Send] call, the most urgent queued
// digests that the rate limits allow, up to MaxDigestsPerSend. The rest
// stay queued for a later dispatch.
//
// When ctx is done, sinks not yet called are skipped and keep their
// queues. The error joins a [*SinkError] per failing sink and the context's
// error.
func (d *Dispatcher) Dispatch(ctx context.Context, now time.Time) (Report, error) {
	return d.run(ctx, now, false)
}

// Drain sends everything, for shutdown: every digest, due or not, and
// every queued digest, ignoring the rate limits, in as many [Sink.Send]
// calls per sink as MaxDigestsPerSend requires. When a sink fails, or ctx
// is done, the digests it did not take are returned in [Report.Failed], so
// that the dispatcher holds nothing afterwards (unless events are added
// meanwhile).
func (d *Dispatcher) Drain(ctx context.Context, now time.Time) (Report, error) {
	return d.run(ctx, now, true)
}

func (d *Dispatcher) run(ctx context.Context, now time.Time, drain bool) (Report, error) {
	d.sendMu.Lock()
	defer d.sendMu.Unlock()
	now = now.UTC()
	var due []Digest
	if drain {
		due = d.batcher.FlushAll()
	} else {
		due = d.batcher.Flush(now)
	}
	var rep Report
	var errs []error
	fail := func(sink string, ds []Digest, err error) {
		se := &SinkError{Sink: sink, Digests: len(ds), Err: err}
		rep.Failed = append(rep.Failed, Delivery{Sink: sink, Digests: ds, Err: se})
		errs = append(errs, se)
	}

	d.mu.Lock()
	for _, t := range d.targets {
		d.enqueue(t.Name, due)
	}
	d.mu.Unlock()

	ctxDone := false
	for _, t := range d.targets {
		for {
			if err := ctx.Err(); err != nil {
				if drain {
					if rest := d.pick(t.Name, now, true, -1); len(rest) > 0 {
						fail(t.Name, rest, err)
					}
				}
				ctxDone = true
				break
			}
			batch := d.pick(t.Name, now, drain, d.opts.MaxDigestsPerSend)
			if len(batch) == 0 {
				break
			}
			if err := t.Sink.Send(ctx, batch); err != nil {
				if drain {
					batch = append(batch, d.pick(t.Name, now, true, -1)...)
				}
				fail(t.Name, batch, err)
				break
			}
			rep.Sent = append(rep.Sent, Delivery{Sink: t.Name, Digests: batch})
			if !drain {
				break
			}
		}
	}
	if ctxDone {
		errs = append(errs, ctx.Err())
	}

	d.mu.Lock()
	for _, t := range d.targets {
		if over := d.trim(t.Name); len(over) > 0 {
			fail(t.Name, over, &LimitError{Limit: "MaxQueued", Max: int64(d.opts.MaxQueued)})
		}
		rep.Queued += len(d.queues[t.Name])
	}
	d.mu.Unlock()
	rep.Batched = d.batcher.Len()
	return rep, errors.Join(errs...)
}

// enqueue merges digests into a sink's queue. The caller holds d.mu.
func (d *Dispatcher) enqueue(sink string, ds []Digest) {
	q := d.queues[sink]
	for i := range ds {
		if cur := q[ds[i].Key]; cur != nil {
			cur.merge(&ds[i], d.batcher.opts.MaxEvents)
			continue
		}
		c := ds[i].clone()
		q[c.Key] = &c
	}
}

// trim removes and returns the least urgent digests of a sink's queue
// beyond MaxQueued. The caller holds d.mu.
func (d *Dispatcher) trim(sink string) []Digest {
	q := d.queues[sink]
	if len(q) <= d.opts.MaxQueued {
		return nil
	}
	all := sorted(q)
	var over []Digest
	for _, dg := range all[d.opts.MaxQueued:] {
		over = append(over, *dg)
		delete(q, dg.Key)
	}
	return over
}

// sorted returns the digests of a queue, most urgent first.
func sorted(q map[DigestKey]*Digest) []*Digest {
	all := make([]*Digest, 0, len(q))
	for _, dg := range q {
		all = append(all, dg)
	}
	slices.SortFunc(all, compareDigests)
	return all
}

// pick removes from a sink's queue and returns, most urgent first, up to
// limit digests (all when limit < 0) that the rate limits allow at now
// (all when unlimited is set).
func (d *Dispatcher) pick(sink string, now time.Time, unlimited bool, limit int) []Digest {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.queues[sink]
	if len(q) == 0 {
		return nil
	}
	var out []Digest
	for _, dg := range sorted(q) {
		if limit >= 0 && len(out) >= limit {
			break
		}
		if !unlimited {
			key := sink + "\x00" + dg.Key.id()
			if !d.keyLim.Allow(key, now) {
				continue
			}
			if !d.sinkLim.Allow(sink, now) {
				d.keyLim.refund(key)
				break
			}
		}
		out = append(out, *dg)
		delete(q, dg.Key)
	}
	return out
}

// Requeue puts digests back in a sink's queue, for example those of a
// [Report.Failed] delivery, merging them with queued digests of the same
// key. It queues all of them or none: it fails with an [*InputError] when
// no target has that name or a digest is not consistent (as
// [DecodePayload] checks them), and with a [*LimitError] when the queue
// has no room for them.
func (d *Dispatcher) Requeue(sink string, digests []Digest) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	q, ok := d.queues[sink]
	if !ok {
		return invalid("sink", "no target named %q", sink)
	}
	for i := range digests {
		if path, err := checkDigest(&digests[i]); err != nil {
			return &InputError{Offset: -1, Path: joinPath("digests["+strconv.Itoa(i)+"]", path), Err: err}
		}
	}
	fresh := map[DigestKey]bool{}
	for i := range digests {
		if q[digests[i].Key] == nil {
			fresh[digests[i].Key] = true
		}
	}
	if len(q)+len(fresh) > d.opts.MaxQueued {
		return &LimitError{Limit: "MaxQueued", Max: int64(d.opts.MaxQueued)}
	}
	d.enqueue(sink, digests)
	return nil
}

// Pending returns the number of digests collecting events in their window
// (batched) and waiting in the sinks' queues (queued).
func (d *Dispatcher) Pending() (batched, queued int) {
	d.mu.Lock()
	for _, q := range d.queues {
		queued += len(q)
	}
	d.mu.Unlock()
	return d.batcher.Len(), queued
}
