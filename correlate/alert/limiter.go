package alert

import (
	"sync"
	"time"
)

// DefaultMaxKeys is how many keys a [Limiter] tracks at once.
const DefaultMaxKeys = 10_000

// Rate is a rate limit: at most Count per Per, in bursts of up to Count.
// The allowance refills steadily, one every Per/Count. The zero Rate means
// no limit.
//
// A Rate is a plain value, safe for concurrent use.
type Rate struct {
	// Count is how many are allowed per Per, and the largest burst. Zero
	// means no limit; it must not be negative.
	Count int
	// Per is the period. It must be positive when Count is, and at least
	// Count nanoseconds.
	Per time.Duration
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.Count == 0 }

// Validate reports whether r is usable; the error is an [*InputError]
// wrapping [ErrInvalid].
func (r Rate) Validate() error {
	switch {
	case r.Count < 0:
		return invalid("Count", "negative (%d)", r.Count)
	case r.Count > 0 && r.Per <= 0:
		return invalid("Per", "must be positive, got %s", r.Per)
	case r.Count > 0 && r.Per/time.Duration(r.Count) == 0:
		return invalid("Per", "%s is too short for %d", r.Per, r.Count)
	}
	return nil
}

// LimiterOptions configure a [Limiter]. The zero value is valid. It is a
// plain value, read once by [NewLimiter], safe for concurrent use.
type LimiterOptions struct {
	// MaxKeys caps the keys tracked at once. A key whose allowance is full
	// again is forgotten when room is needed, which changes nothing; when
	// every tracked key is still limited, a new key is refused until room
	// frees up. Zero means [DefaultMaxKeys]; it must not be negative.
	MaxKeys int
}

// Limiter is a token-bucket rate limiter per key (a sink name, a digest
// key), driven by the caller's clock: every call takes the current time,
// and the Limiter starts no goroutine and sets no timer. It implements the
// generic cell rate algorithm, which stores one time per key and is exact
// in integer nanoseconds. A clock that goes back in time gets no new
// allowance.
//
// A Limiter is safe for concurrent use.
type Limiter struct {
	rate     Rate
	interval time.Duration // time one unit of allowance takes to refill
	burst    time.Duration // interval × Count
	maxKeys  int

	mu  sync.Mutex
	tat map[string]time.Time // theoretical arrival time per key
}

// NewLimiter returns a limiter allowing r per key. It fails with an
// [*InputError] when r or opts are not valid.
func NewLimiter(r Rate, opts LimiterOptions) (*Limiter, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if opts.MaxKeys < 0 {
		return nil, invalid("MaxKeys", "negative (%d)", opts.MaxKeys)
	}
	if opts.MaxKeys == 0 {
		opts.MaxKeys = DefaultMaxKeys
	}
	l := &Limiter{rate: r, maxKeys: opts.MaxKeys, tat: map[string]time.Time{}}
	if !r.Unlimited() {
		l.interval = r.Per / time.Duration(r.Count)
		l.burst = l.interval * time.Duration(r.Count)
	}
	return l, nil
}

// Allow reports whether one more is allowed for key at now, and if so
// takes it.
func (l *Limiter) Allow(key string, now time.Time) bool { return l.AllowN(key, now, 1) }

// AllowN reports whether n more are allowed for key at now, and if so
// takes them all; it takes nothing otherwise. n ≤ 0 is always allowed;
// n above the rate's Count never is.
func (l *Limiter) AllowN(key string, now time.Time, n int) bool {
	if n <= 0 || l.rate.Unlimited() {
		return true
	}
	if n > l.rate.Count {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tat, known := l.tat[key]
	if !known && len(l.tat) >= l.maxKeys && !l.prune(now) {
		return false
	}
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(time.Duration(n) * l.interval)
	if next.Sub(now) > l.burst {
		return false
	}
	l.tat[key] = next
	return true
}

// prune forgets the keys whose allowance is full at now, and reports
// whether there is room for a new key.
func (l *Limiter) prune(now time.Time) bool {
	for k, tat := range l.tat {
		if !tat.After(now) {
			delete(l.tat, k)
		}
	}
	return len(l.tat) < l.maxKeys
}

// refund gives back one unit of allowance taken from key by Allow.
func (l *Limiter) refund(key string) {
	if l.rate.Unlimited() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if tat, ok := l.tat[key]; ok {
		l.tat[key] = tat.Add(-l.interval)
	}
}

// Next returns the earliest time, not before now, at which one more is
// allowed for key.
func (l *Limiter) Next(key string, now time.Time) time.Time {
	if l.rate.Unlimited() {
		return now
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tat := l.tat[key]
	if t := tat.Add(l.interval - l.burst); t.After(now) {
		return t
	}
	return now
}

// Len returns the number of keys tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.tat)
}
