package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/sqlite"
	"github.com/aspmkit/aspm/internal/storetest"
)

// The shared store suite, run against SQLite and against the
// MemoryStore it is compared with (correlate/postgres runs it too).
func TestStoreSuite(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) correlate.Store
	}{
		{"sqlite", func(t *testing.T) correlate.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), sqlite.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"memory", func(t *testing.T) correlate.Store { return &correlate.MemoryStore{} }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { storetest.Run(t, st.open) })
	}
}

// Writers and readers at once on one SQLite file, and an analyst who
// triages the records of one writer while it rescans them: SQLite
// serializes the writers, no scan is lost, and no triage decision either.
func TestStoreSuiteConcurrent(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), sqlite.Options{BusyTimeout: time.Minute})
	require.NoError(t, err)
	defer s.Close()
	storetest.Concurrent(t, s, storetest.ConcurrentOptions{Duration: 2 * time.Second, Triage: true})
}
