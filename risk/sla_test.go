package risk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSLA(t *testing.T) {
	seen := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		sla    SLA
		p      Priority
		now    time.Time
		due    time.Time
		hasDue bool
		breach bool
	}{
		{"P1 default 7 days, inside", SLA{}, P1, seen.Add(6 * Day), seen.Add(7 * Day), true, false},
		{"P1 default, at the due instant", SLA{}, P1, seen.Add(7 * Day), seen.Add(7 * Day), true, false},
		{"P1 default, one second late", SLA{}, P1, seen.Add(7*Day + time.Second), seen.Add(7 * Day), true, true},
		{"P2 default 30 days", SLA{}, P2, seen.Add(31 * Day), seen.Add(30 * Day), true, true},
		{"P3 default 90 days", SLA{}, P3, seen.Add(89 * Day), seen.Add(90 * Day), true, false},
		{"P4 default 180 days", SLA{}, P4, seen.Add(181 * Day), seen.Add(180 * Day), true, true},
		{"P1 configured 2 days", SLA{P1: 2 * Day}, P1, seen.Add(3 * Day), seen.Add(2 * Day), true, true},
		{"configured P1 leaves P2 default", SLA{P1: 2 * Day}, P2, seen.Add(3 * Day), seen.Add(30 * Day), true, false},
		{"negative window: no due date", SLA{P4: -1}, P4, seen.Add(1000 * Day), time.Time{}, false, false},
		{"unknown priority: no due date", SLA{}, Priority("P9"), seen.Add(1000 * Day), time.Time{}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due, ok := tc.sla.Due(tc.p, seen)
			assert.Equal(t, tc.hasDue, ok)
			assert.Equal(t, tc.due, due)
			st := tc.sla.Status(tc.p, seen, tc.now)
			assert.Equal(t, tc.breach, st.Breached)
			assert.Equal(t, tc.due, st.Due)
			if tc.hasDue {
				assert.Equal(t, tc.due.Sub(tc.now), st.Remaining)
			}
		})
	}
	_, ok := SLA{}.Due(P1, time.Time{})
	assert.False(t, ok, "an unknown first-seen date has no due date")
}
