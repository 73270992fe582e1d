package storetest_test

import (
	"testing"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/internal/storetest"
)

// The suite's reference passes its own suite.
func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) correlate.Store { return &correlate.MemoryStore{} })
}

func TestMemoryStoreConcurrent(t *testing.T) {
	storetest.Concurrent(t, &correlate.MemoryStore{}, storetest.ConcurrentOptions{Duration: 300 * time.Millisecond, Triage: true})
}

func TestSyntheticHasEveryState(t *testing.T) {
	a, b := storetest.Synthetic(100, 1), storetest.Synthetic(100, 2)
	if len(a) == 100 || len(b) == 100 || len(a) == 0 {
		t.Fatalf("scans should miss some findings: %d and %d", len(a), len(b))
	}
}
