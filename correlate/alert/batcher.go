package alert

import (
	"sync"
	"time"
)

// Defaults of [BatcherOptions].
const (
	// DefaultWindow is how long a digest collects events, from its first
	// event's time, before [Batcher.Flush] hands it out.
	DefaultWindow = 15 * time.Minute
	// DefaultMaxEvents is how many events a digest keeps in its sample.
	DefaultMaxEvents = 20
	// DefaultMaxPending is how many digests a batcher holds at once.
	DefaultMaxPending = 10_000
)

// BatcherOptions configure a [Batcher]. The zero value is valid: a zero
// field takes its default. It is a plain value, read once by
// [NewBatcher], safe for concurrent use.
type BatcherOptions struct {
	// Window is how long a digest collects events: it is due once the
	// flush time reaches its first event's time plus Window. Zero means
	// [DefaultWindow]; a negative Window means no waiting (every flush
	// hands out every digest).
	Window time.Duration
	// MaxEvents caps the events kept in one digest's sample (the digest
	// still counts them all). Zero means [DefaultMaxEvents]; it must not be
	// negative.
	MaxEvents int
	// MaxPending caps the digests held at once. When it is reached, adding
	// an event for a new key fails with [ErrLimit], and the caller keeps
	// the event. Zero means [DefaultMaxPending]; it must not be negative.
	MaxPending int
}

func (o BatcherOptions) withDefaults() (BatcherOptions, error) {
	switch {
	case o.MaxEvents < 0:
		return o, invalid("MaxEvents", "negative (%d)", o.MaxEvents)
	case o.MaxPending < 0:
		return o, invalid("MaxPending", "negative (%d)", o.MaxPending)
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.MaxEvents == 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	if o.MaxPending == 0 {
		o.MaxPending = DefaultMaxPending
	}
	return o, nil
}

// Batcher consolidates events into digests, one per [DigestKey], and
// hands a digest out once its window has passed. It keeps no clock and
// starts no goroutine: the caller adds events and calls [Batcher.Flush]
// with the current time when it sees fit (on a ticker, after a scan).
//
// A Batcher is safe for concurrent use.
type Batcher struct {
	opts    BatcherOptions
	mu      sync.Mutex
	pending map[DigestKey]*Digest
}

// NewBatcher returns an empty batcher. It fails with an [*InputError]
// when an option is negative.
func NewBatcher(opts BatcherOptions) (*Batcher, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Batcher{opts: o, pending: map[DigestKey]*Digest{}}, nil
}

// Add digests a copy of e. It fails with an [*InputError] when e is not
// valid ([Event.Validate]), and with a [*LimitError] when e opens a new
// digest and MaxPending digests are already held; either way nothing is
// added. Add does not apply a [Policy]: the [Dispatcher] does.
func (b *Batcher) Add(e Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	k := e.Key()
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.pending[k]
	if d == nil {
		if len(b.pending) >= b.opts.MaxPending {
			return &LimitError{Limit: "MaxPending", Max: int64(b.opts.MaxPending)}
		}
		d = newDigest(k)
		b.pending[k] = d
	}
	d.add(&e, b.opts.MaxEvents)
	return nil
}

// Flush removes and returns the digests that are due at now (whose first
// event is at least Window older than now; all of them under a negative
// Window), sorted by [SortDigests]. It returns nil when none is due.
func (b *Batcher) Flush(now time.Time) []Digest {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.opts.Window < 0 {
		return b.take(func(*Digest) bool { return true })
	}
	return b.take(func(d *Digest) bool { return !now.Before(d.First.Add(b.opts.Window)) })
}

// FlushAll removes and returns every digest, due or not, sorted by
// [SortDigests]; for shutdown.
func (b *Batcher) FlushAll() []Digest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.take(func(*Digest) bool { return true })
}

func (b *Batcher) take(due func(*Digest) bool) []Digest {
	var out []Digest
	for k, d := range b.pending {
		if due(d) {
			out = append(out, *d)
			delete(b.pending, k)
		}
	}
	SortDigests(out)
	return out
}

// Len returns the number of digests held.
func (b *Batcher) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// NextDue returns the earliest time at which a held digest becomes due
// (its first event's time plus Window), so that the caller can schedule
// the next [Batcher.Flush]; false when none is held.
func (b *Batcher) NextDue() (time.Time, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var next time.Time
	found := false
	for _, d := range b.pending {
		if due := d.First.Add(max(b.opts.Window, 0)); !found || due.Before(next) {
			next, found = due, true
		}
	}
	return next, found
}
