package risk

import "time"

// Day is 24 hours, the unit SLA policies are written in.
const Day = 24 * time.Hour

// SLA sets how long each priority may stay open. Its zero value uses the
// defaults: P1 7 days, P2 30, P3 90, P4 180. A zero field takes its
// default; a negative one means the priority has no due date.
//
// SLA is a plain value, safe for concurrent use.
type SLA struct {
	P1, P2, P3, P4 time.Duration
}

// DefaultSLA returns the default windows: 7, 30, 90 and 180 days.
func DefaultSLA() SLA { return SLA{P1: 7 * Day, P2: 30 * Day, P3: 90 * Day, P4: 180 * Day} }

// Window returns the time a finding of priority p may stay open, and false
// when p has no due date (a negative window, or an unknown priority).
func (s SLA) Window(p Priority) (time.Duration, bool) {
	d := DefaultSLA()
	var w, def time.Duration
	switch p {
	case P1:
		w, def = s.P1, d.P1
	case P2:
		w, def = s.P2, d.P2
	case P3:
		w, def = s.P3, d.P3
	case P4:
		w, def = s.P4, d.P4
	default:
		return 0, false
	}
	if w == 0 {
		w = def
	}
	if w < 0 {
		return 0, false
	}
	return w, true
}

// Due returns when a finding of priority p first seen at firstSeen must be
// fixed, and false when there is no due date (no window, or firstSeen is
// zero).
func (s SLA) Due(p Priority, firstSeen time.Time) (time.Time, bool) {
	w, ok := s.Window(p)
	if !ok || firstSeen.IsZero() {
		return time.Time{}, false
	}
	return firstSeen.Add(w), true
}

// Status is where a finding stands against its SLA at a moment.
type Status struct {
	// Priority is the priority the due date follows from.
	Priority Priority `json:"priority"`
	// Due is the due date; zero when there is none.
	Due time.Time `json:"due,omitzero"`
	// Remaining is the time left before Due at the moment asked, negative
	// once breached; 0 when there is no due date.
	Remaining time.Duration `json:"remaining"`
	// Breached reports whether the moment asked is after Due.
	Breached bool `json:"breached"`
}

// Status returns where a finding of priority p first seen at firstSeen
// stands at now. Callers pass now (from a clock they control), so results
// are reproducible.
func (s SLA) Status(p Priority, firstSeen, now time.Time) Status {
	st := Status{Priority: p}
	due, ok := s.Due(p, firstSeen)
	if !ok {
		return st
	}
	st.Due = due
	st.Remaining = due.Sub(now)
	st.Breached = now.After(due)
	return st
}
