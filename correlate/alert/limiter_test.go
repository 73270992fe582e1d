package alert_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
)

// TestLimiterAtNAndNPlus1 checks that a burst of N passes and the N+1th
// does not, then the refill.
func TestLimiterAtNAndNPlus1(t *testing.T) {
	tests := []struct {
		name string
		rate alert.Rate
	}{
		{"1 per minute", alert.Rate{Count: 1, Per: time.Minute}},
		{"5 per minute", alert.Rate{Count: 5, Per: time.Minute}},
		{"60 per hour", alert.Rate{Count: 60, Per: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := alert.NewLimiter(tt.rate, alert.LimiterOptions{})
			require.NoError(t, err)
			n := tt.rate.Count
			for i := range n {
				require.True(t, l.Allow("k", t0), "call %d of %d", i+1, n)
			}
			assert.False(t, l.Allow("k", t0), "call N+1")
			assert.True(t, l.Allow("other", t0), "keys are independent")
			interval := tt.rate.Per / time.Duration(n)
			assert.Equal(t, t0.Add(interval), l.Next("k", t0))
			assert.False(t, l.Allow("k", t0.Add(interval-1)), "one nanosecond early")
			assert.True(t, l.Allow("k", t0.Add(interval)), "refilled")
			assert.False(t, l.Allow("k", t0.Add(interval)))
			// After a full period the whole burst is back.
			later := t0.Add(interval + tt.rate.Per)
			for i := range n {
				require.True(t, l.Allow("k", later), "call %d after a period", i+1)
			}
			assert.False(t, l.Allow("k", later))
		})
	}
}

func TestLimiterAllowN(t *testing.T) {
	l, err := alert.NewLimiter(alert.Rate{Count: 4, Per: 4 * time.Second}, alert.LimiterOptions{})
	require.NoError(t, err)
	assert.True(t, l.AllowN("k", t0, 0))
	assert.False(t, l.AllowN("k", t0, 5), "more than the burst never passes")
	assert.True(t, l.AllowN("k", t0, 3))
	assert.False(t, l.AllowN("k", t0, 2), "all or nothing")
	assert.True(t, l.AllowN("k", t0, 1))
	assert.False(t, l.Allow("k", t0))
}

func TestLimiterUnlimited(t *testing.T) {
	l, err := alert.NewLimiter(alert.Rate{}, alert.LimiterOptions{MaxKeys: 1})
	require.NoError(t, err)
	for i := range 1000 {
		require.True(t, l.Allow(fmt.Sprint(i), t0))
	}
	assert.Zero(t, l.Len())
	assert.Equal(t, t0, l.Next("k", t0))
}

func TestLimiterClockBackwards(t *testing.T) {
	l, err := alert.NewLimiter(alert.Rate{Count: 1, Per: time.Minute}, alert.LimiterOptions{})
	require.NoError(t, err)
	require.True(t, l.Allow("k", t0))
	assert.False(t, l.Allow("k", t0.Add(-time.Hour)), "going back in time gives nothing")
	assert.True(t, l.Allow("k", t0.Add(time.Minute)))
}

// TestLimiterMaxKeysAtNAndNPlus1 checks that the N+1th key is refused
// while all N are limited, and admitted once one is full again.
func TestLimiterMaxKeysAtNAndNPlus1(t *testing.T) {
	const n = 3
	l, err := alert.NewLimiter(alert.Rate{Count: 1, Per: time.Minute}, alert.LimiterOptions{MaxKeys: n})
	require.NoError(t, err)
	for i := range n {
		require.True(t, l.Allow(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second)))
	}
	assert.Equal(t, n, l.Len())
	assert.False(t, l.Allow("new", t0.Add(30*time.Second)), "N+1th key while all are limited")
	assert.True(t, l.Allow("new", t0.Add(time.Minute)), "key 0 refilled and is forgotten")
	assert.Equal(t, n, l.Len())
}

func TestRateValidate(t *testing.T) {
	for _, bad := range []alert.Rate{{Count: -1}, {Count: 1}, {Count: 1, Per: -time.Second}, {Count: 10, Per: 5}} {
		_, err := alert.NewLimiter(bad, alert.LimiterOptions{})
		assert.ErrorIs(t, err, alert.ErrInvalid, "%+v", bad)
	}
	_, err := alert.NewLimiter(alert.Rate{}, alert.LimiterOptions{MaxKeys: -1})
	assert.ErrorIs(t, err, alert.ErrInvalid)
	assert.True(t, alert.Rate{}.Unlimited())
}
