package alert

import (
	"slices"
	"strconv"

	"github.com/aspmkit/aspm/risk"
)

// DefaultMinPriority is the priority threshold of a [Policy] that sets
// none: P1 and P2 events are raised, P3 and P4 are not.
const DefaultMinPriority = risk.P2

// Policy decides which events are raised. Its zero value raises events of
// every type at priority P2 or above, and events that carry no priority.
//
// A Policy is a plain value, safe for concurrent use as long as it is not
// modified.
type Policy struct {
	// MinPriority is the lowest priority raised: an event ranked below it
	// (P3 or P4 under the default P2) is not. Empty means
	// [DefaultMinPriority]; set P4 to raise every prioritized event.
	MinPriority risk.Priority
	// Types lists the event types raised; empty means all of [Types].
	Types []Type
	// RequirePriority drops events that carry no priority. By default they
	// are raised: an event that cannot be ranked is not hidden.
	RequirePriority bool
}

// Validate reports whether p is usable: MinPriority must be empty or one of
// P1–P4, and Types must hold valid types. The error is an [*InputError]
// naming the field, wrapping [ErrInvalid].
func (p Policy) Validate() error {
	if p.MinPriority != "" && p.MinPriority.Rank() > 4 {
		return invalid("MinPriority", "invalid priority %q (want P1, P2, P3 or P4)", p.MinPriority)
	}
	for i, t := range p.Types {
		if !t.Valid() {
			return invalid("Types["+strconv.Itoa(i)+"]", "unknown event type %q", t)
		}
	}
	return nil
}

// Allows reports whether p raises e: e's type must be among p's Types, and
// its priority at or above p's MinPriority (or absent, unless
// RequirePriority is set). Allows does not validate e; see
// [Event.Validate].
func (p Policy) Allows(e Event) bool {
	if len(p.Types) > 0 && !slices.Contains(p.Types, e.Type) {
		return false
	}
	if e.Priority == "" {
		return !p.RequirePriority
	}
	min := p.MinPriority
	if min == "" {
		min = DefaultMinPriority
	}
	return e.Priority.Rank() <= min.Rank()
}
