package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
)

// faultApp is the application of the damaged databases.
const faultApp = "shop"

// buildStore creates a closed store at path with scans of one
// application, and returns the file's bytes (a clean close leaves the
// whole database in the file, without a write-ahead log).
func buildStore(t *testing.T, path, app string, size, scans int) []byte {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	for k := 1; k <= scans; k++ {
		sc := syntheticScan(size, k)
		sc.Application = app
		_, err := correlate.Track(ctx, s, sc, correlate.Options{})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	_, err = os.Stat(path + "-wal")
	require.ErrorIs(t, err, os.ErrNotExist, "a clean close removes the write-ahead log")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// useStore opens the store at path, checks it and reads everything in it
// as the CLI and the portal do. It returns the step that failed and its
// error, or "" and nil.
func useStore(path string) (string, error) {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		return "Open", err
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		return "Check", err
	}
	if _, err := s.Load(ctx, "", faultApp); err != nil {
		return "Load", err
	}
	if _, err := s.Scans(ctx, "", faultApp); err != nil {
		return "Scans", err
	}
	return "", nil
}

// assertClear checks that an error names the path and matches one of
// the sentinels.
func assertClear(t *testing.T, err error, path string, sentinels ...error) {
	t.Helper()
	assert.Contains(t, err.Error(), path, "the error names the file")
	matched := false
	for _, s := range sentinels {
		matched = matched || errors.Is(err, s)
	}
	assert.True(t, matched, "%v matches none of %v", err, sentinels)
}

// TestDamagedFiles opens files a crash, a bad copy or a mistake left: the
// store reports each with an error that names the path and wraps a
// sentinel, at Open, at Check or at the first read, and never panics.
func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	good := buildStore(t, filepath.Join(dir, "good.db"), faultApp, 300, 3)
	const page = 4096
	pages := len(good) / page
	require.Greater(t, pages, 20)
	write := func(t *testing.T, b []byte) string {
		path := filepath.Join(t.TempDir(), "state.db")
		require.NoError(t, os.WriteFile(path, b, 0o600))
		return path
	}

	t.Run("truncated at a page", func(t *testing.T) {
		for seed := range uint64(6) {
			rng := rand.New(rand.NewPCG(seed, 1))
			n := 1 + rng.IntN(pages-1)
			path := write(t, good[:n*page])
			step, err := useStore(path)
			require.Error(t, err, "truncated to %d of %d pages", n, pages)
			t.Logf("truncated to %d of %d pages: %s: %v", n, pages, step, err)
			assertClear(t, err, path, ErrCorrupt)
		}
	})

	t.Run("bytes overwritten in the middle", func(t *testing.T) {
		// SQLite keeps no checksum of a page: bytes that land in free
		// space, or that turn a stored text into another valid one, go
		// unnoticed. The rest must be reported.
		const seeds = 12
		detected := 0
		for seed := range uint64(seeds) {
			rng := rand.New(rand.NewPCG(seed, 2))
			b := bytes.Clone(good)
			off := len(b)/4 + rng.IntN(len(b)/2)
			for i := range 64 {
				b[off+i] = byte(rng.UintN(256))
			}
			path := write(t, b)
			step, err := useStore(path)
			if err == nil {
				t.Logf("64 bytes at %d: not detected", off)
				continue
			}
			detected++
			t.Logf("64 bytes at %d: %s: %v", off, step, err)
			assertClear(t, err, path, ErrCorrupt, ErrNotStore)
		}
		assert.GreaterOrEqual(t, detected, seeds/2, "damage detected")
	})

	t.Run("header overwritten", func(t *testing.T) {
		b := bytes.Clone(good)
		copy(b, "not the SQLite format")
		path := write(t, b)
		_, err := useStore(path)
		require.Error(t, err)
		assertClear(t, err, path, ErrNotStore)
	})

	t.Run("write-ahead log of another database", func(t *testing.T) {
		// The log of another store holding other data: a triage
		// decision (one page) or a whole scan. SQLite cannot tell whose
		// log it is and applies it; the integrity check finds the mix.
		for _, what := range []string{"triage", "scan"} {
			t.Run(what, func(t *testing.T) {
				ctx := context.Background()
				other := filepath.Join(t.TempDir(), "other.db")
				buildStore(t, other, "other", 500, 2)
				s, err := Open(ctx, other, Options{})
				require.NoError(t, err)
				if what == "triage" {
					recs, err := s.Load(ctx, "", "other")
					require.NoError(t, err)
					require.NoError(t, s.SetTriage(ctx, "", "other", recs[5].ID, &correlate.Triage{Status: correlate.WontFix}))
				} else {
					sc := syntheticScan(500, 3)
					sc.Application = "other"
					_, err := correlate.Track(ctx, s, sc, correlate.Options{})
					require.NoError(t, err)
				}
				wal, err := os.ReadFile(other + "-wal")
				require.NoError(t, err)
				require.NoError(t, s.Close())

				path := write(t, good)
				require.NoError(t, os.WriteFile(path+"-wal", wal, 0o600))
				step, err := useStore(path)
				require.Error(t, err, "a log of %d bytes", len(wal))
				t.Logf("a log of %d bytes: %s: %v", len(wal), step, err)
				assertClear(t, err, path, ErrCorrupt)
			})
		}
	})

	t.Run("directory", func(t *testing.T) {
		path := t.TempDir()
		_, err := Open(context.Background(), path, Options{})
		require.Error(t, err)
		assertClear(t, err, path, ErrCannotOpen)
		var de *DatabaseError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, path, de.Path)
	})

	t.Run("read-only file", func(t *testing.T) {
		path := write(t, good)
		require.NoError(t, os.Chmod(path, 0o444))
		_, err := Open(context.Background(), path, Options{})
		require.Error(t, err)
		assertClear(t, err, path, ErrCannotOpen)
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, good, after, "the file is left alone")
		_, err = os.Stat(path + "-wal")
		assert.ErrorIs(t, err, os.ErrNotExist, "no log was created")
	})

	t.Run("empty file", func(t *testing.T) {
		// SQLite reads an empty file as an empty database (a file made by
		// touch or mktemp): Open makes it a store.
		path := write(t, nil)
		ctx := context.Background()
		s, err := Open(ctx, path, Options{})
		require.NoError(t, err)
		defer s.Close()
		v, err := s.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, SchemaVersion, v)
		sc := syntheticScan(10, 1)
		sc.Application = faultApp
		_, err = correlate.Track(ctx, s, sc, correlate.Options{})
		require.NoError(t, err)
		assert.NoError(t, s.Check(ctx))
	})

	t.Run("the intact copy", func(t *testing.T) {
		path := write(t, good)
		step, err := useStore(path)
		require.NoError(t, err, step)
	})
}

// TestDatabaseErrorMatchesItsCode: each SQLite result code matches its
// sentinel and no other, and the cause stays reachable.
func TestDatabaseErrorMatchesItsCode(t *testing.T) {
	sentinels := []error{ErrCorrupt, ErrNotStore, ErrCannotOpen, ErrBusy}
	cause := errors.New("cause")
	for _, tc := range []struct {
		code int
		want error
	}{
		{codeCorrupt, ErrCorrupt},
		{codeNotADB, ErrNotStore},
		{codeCantOpen, ErrCannotOpen},
		{codeReadOnly, ErrCannotOpen},
		{codePerm, ErrCannotOpen},
		{codeBusy, ErrBusy},
		{codeLocked, ErrBusy},
		{13, nil}, // SQLITE_FULL
		{0, nil},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			err := error(&DatabaseError{Path: "state.db", Op: "reading records", Code: tc.code, Err: cause})
			assert.Equal(t, "sqlite: state.db: reading records: cause", err.Error())
			assert.ErrorIs(t, err, cause)
			for _, s := range sentinels {
				assert.Equal(t, s == tc.want, errors.Is(err, s), "%v", s)
			}
		})
	}
}

// TestBusyAndQueuedWriters: a writer of another connection that holds the
// lock past the busy timeout gives ErrBusy; a writer queued behind another
// of its own Store gives up when its context ends.
func TestBusyAndQueuedWriters(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t, Options{BusyTimeout: 50 * time.Millisecond})
	sc := syntheticScan(5, 1)
	res, err := correlate.Track(ctx, s, sc, correlate.Options{})
	require.NoError(t, err)
	id := res.Records[0].ID
	tr := &correlate.Triage{Status: correlate.FalsePositive}

	other, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer other.Close()
	conn, err := other.db.Conn(ctx)
	require.NoError(t, err)
	tx, err := conn.BeginTx(ctx, nil) // immediate: takes the write lock
	require.NoError(t, err)
	err = s.SetTriage(ctx, "", "", id, tr)
	require.Error(t, err)
	assertClear(t, err, path, ErrBusy)
	require.NoError(t, tx.Rollback())
	require.NoError(t, conn.Close())
	require.NoError(t, s.SetTriage(ctx, "", "", id, tr), "the lock is free again")

	require.NoError(t, s.lockWriter(ctx)) // another goroutine of s is writing
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err = s.SetTriage(short, "", "", id, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	err = s.Save(short, syntheticScan(5, 2), res)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	s.unlockWriter()
	recs, err := s.Load(ctx, "", "")
	require.NoError(t, err)
	assert.Equal(t, tr, recs[0].Triage, "nothing was written while queued")
}
