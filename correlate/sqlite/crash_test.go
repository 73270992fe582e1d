package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
)

// crashKills is how many times TestKillNeverLeavesHalfAScan kills a
// process writing to the store. The environment variable ASPM_KILLS
// overrides it for longer runs (ASPM_KILLS=500 go test -run
// TestKillNeverLeavesHalfAScan ./correlate/sqlite/).
const crashKills = 50

// crashFindings is the size of each scan of the crash test: big enough
// that a Save takes a while (every record is rewritten at each scan),
// small enough for 50 rounds in about a minute under the race detector.
const crashFindings = 500

// crashApp is the application the crash test tracks.
const crashApp = "crash"

// killCount returns crashKills, or ASPM_KILLS when it is set.
func killCount(t *testing.T) int {
	t.Helper()
	v := os.Getenv("ASPM_KILLS")
	if v == "" {
		return crashKills
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "ASPM_KILLS")
	require.Positive(t, n, "ASPM_KILLS")
	return n
}

// durationEstimate keeps the last measured duration of a step, with a
// guess until one is measured.
type durationEstimate struct {
	d        time.Duration
	measured bool
}

func (e *durationEstimate) observe(d time.Duration) { e.d, e.measured = d, true }

// within returns a random delay from 0 to a quarter more than the
// estimate: most kills land inside the step, some just after it.
func (e *durationEstimate) within(rng *rand.Rand) time.Duration {
	return time.Duration(rng.Int64N(int64(e.d+e.d/4) + 1))
}

// early returns a random delay from 0 to the estimate: the parent reads
// the line that starts a short step late, and a kill that lands after the
// step tests little.
func (e *durationEstimate) early(rng *rand.Rand) time.Duration {
	return time.Duration(rng.Int64N(int64(e.d) + 1))
}

// TestKillNeverLeavesHalfAScan kills a process applying scans with
// SIGKILL crashKills times (ASPM_KILLS overrides it), then checks each
// time that the database opens, passes the integrity check and holds the
// state after a whole number of scans: the scans table and the records
// agree with a MemoryStore that applied as many, and every scan the
// process reported applied is there.
//
// Most rounds kill the process inside a Save: the helper says "saving"
// just before it, and the round waits a random delay of up to a little
// more than the last Save took. The test counts the rounds where the
// scan being saved was not committed (killed inside the Save). Every
// fifth round instead kills the process while it opens a store: the
// existing one (which recovers the log the previous kill left), or a new
// file being created and migrated, which must then hold no schema or the
// whole schema.
func TestKillNeverLeavesHalfAScan(t *testing.T) {
	exe := canReexec(t)
	kills := killCount(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	env := func(db string) map[string]string {
		return map[string]string{helperDB: db, helperApp: crashApp, helperFindings: strconv.Itoa(crashFindings),
			helperFor: "2m"}
	}

	mem := &correlate.MemoryStore{}
	var memResults []correlate.Result
	// Until measured: a Save, an Open of the store, and an Open that
	// creates and migrates a file.
	save := durationEstimate{d: 200 * time.Millisecond}
	open := durationEstimate{d: 20 * time.Millisecond}
	migrate := durationEstimate{d: 50 * time.Millisecond}
	var saveRounds, inSave, afterSave, openRounds, inOpen, migrateRounds, beforeSchema int
	start := time.Now()
	for round := 1; round <= kills; round++ {
		switch {
		case round%10 == 0:
			// Kill while a new file is created and migrated.
			migrateRounds++
			fresh := filepath.Join(dir, fmt.Sprintf("fresh-%d.db", round))
			h := startHelper(t, exe, "track", env(fresh))
			h.until(t, "opening", nil)
			time.Sleep(migrate.early(rng))
			h.kill(t)
			if !checkMigration(t, fresh) {
				beforeSchema++
			}
			continue
		case round%5 == 0:
			// Kill while the store opens (and recovers the log).
			openRounds++
			h := startHelper(t, exe, "track", env(path))
			h.until(t, "opening", nil)
			time.Sleep(open.early(rng))
			// A late kill may even find it saving a scan.
			ready, lastSaving, lastApplied := false, len(memResults), len(memResults)
			for _, l := range h.kill(t) {
				var k int
				switch {
				case strings.HasPrefix(l.text, "ready"):
					ready = true
				case scanLine(l.text, "saving scan-%d", &k):
					lastSaving = k
				case scanLine(l.text, "applied %d", &k):
					lastApplied = k
				}
			}
			if !ready {
				inOpen++
			}
			checkCrashed(t, path, round, lastApplied, lastSaving, mem, &memResults)
			continue
		}

		// Kill inside the Save of the next scan or the one after.
		saveRounds++
		h := startHelper(t, exe, "track", env(path))
		var opening, saving time.Time
		h.until(t, "opening", func(l helperLine) { opening = l.at })
		ready := h.until(t, "ready", nil)
		if round == 1 {
			migrate.observe(ready.at.Sub(opening))
		} else {
			open.observe(ready.at.Sub(opening))
		}
		n, err := strconv.Atoi(strings.TrimPrefix(ready.text, "ready "))
		require.NoError(t, err)
		require.Equal(t, len(memResults), n, "round %d: the helper sees the scans committed", round)
		target := n + 1 + rng.IntN(2)
		if !save.measured {
			target = n + 2
		}
		// The last scan the helper started to save, and the last it
		// reported applied.
		lastSaving, lastApplied := 0, n
		seen := func(l helperLine) {
			var k int
			switch {
			case scanLine(l.text, "saving scan-%d", &k):
				saving, lastSaving = l.at, k
			case scanLine(l.text, "applied %d", &k):
				save.observe(l.at.Sub(saving))
				lastApplied = k
			}
		}
		h.until(t, fmt.Sprintf("saving scan-%d", target), seen)
		time.Sleep(save.within(rng))
		for _, l := range h.kill(t) {
			seen(l) // the helper may have gone on while the delay ran
		}
		if checkCrashed(t, path, round, lastApplied, lastSaving, mem, &memResults) < lastSaving {
			inSave++
		} else {
			afterSave++
		}
	}
	require.NotEmpty(t, memResults, "no scan was ever applied")
	t.Logf("%d kills in %v: %d in a Save (%d of them before the scan was committed, %d after), "+
		"%d while opening the store (%d before it was ready), %d while creating one (%d before the schema was committed); %d scans of %d findings applied; "+
		"last durations: Save %v, Open %v, Open with migration %v",
		kills, time.Since(start).Round(time.Millisecond), saveRounds, inSave, afterSave,
		openRounds, inOpen, migrateRounds, beforeSchema, len(memResults), crashFindings, save.d, open.d, migrate.d)
	assert.GreaterOrEqual(t, inSave, saveRounds/4, "too few kills landed inside a Save: the test would prove little")
}

// scanLine reports whether a helper's line has the format, storing its
// number in k.
func scanLine(line, format string, k *int) bool {
	_, err := fmt.Sscanf(line, format, k)
	return err == nil
}

// checkCrashed checks the store at path after a kill: it opens, passes
// the integrity check and holds between lo and hi whole scans, exactly
// the records a MemoryStore holds after as many (replayed into mem and
// results as needed). It returns the number of scans stored.
func checkCrashed(t *testing.T, path string, round, lo, hi int, mem *correlate.MemoryStore, results *[]correlate.Result) int {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	require.NoError(t, err, "round %d: the database does not open after a kill", round)
	defer s.Close()
	require.NoError(t, s.Check(ctx), "round %d: integrity_check", round)
	scans, err := s.Scans(ctx, "", crashApp)
	require.NoError(t, err)
	n := len(scans)
	require.GreaterOrEqual(t, n, len(*results), "round %d: committed scans were lost", round)
	require.GreaterOrEqual(t, n, lo, "round %d: a scan reported applied was lost", round)
	require.LessOrEqual(t, n, hi, "round %d: more scans than were started", round)
	for len(*results) < n {
		sc := syntheticScan(crashFindings, len(*results)+1)
		sc.Application = crashApp
		r, err := correlate.Track(ctx, mem, sc, correlate.Options{})
		require.NoError(t, err)
		*results = append(*results, r)
	}
	for i, sc := range scans {
		require.Equal(t, int64(i+1), sc.Seq, "round %d: scans are numbered without gaps", round)
		require.Equal(t, fmt.Sprintf("scan-%d", i+1), sc.ID, "round %d: scans were applied in order, once each", round)
		require.Equal(t, len((*results)[i].Modified), sc.Modified)
	}
	if n > 0 {
		// The last scan's marker: the records it wrote carry its
		// sequence number, as many as it counted.
		var marked int
		require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE scan = ?`, n).Scan(&marked))
		assert.Equal(t, scans[n-1].Modified, marked, "round %d", round)
	}
	want, err := mem.Load(ctx, "", crashApp)
	require.NoError(t, err)
	got, err := s.Load(ctx, "", crashApp)
	require.NoError(t, err)
	require.Equal(t, len(want), len(got), "round %d: records after %d scans", round, n)
	for i := range want {
		if !assert.Equal(t, want[i], got[i], "round %d: record %d after %d scans", round, i, n) {
			break
		}
	}
	return n
}

// checkMigration checks a new store whose creation was killed: the file
// passes the integrity check and holds no schema or the whole of it,
// then opens as a store. It reports whether the schema had been
// committed.
func checkMigration(t *testing.T, path string) bool {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	var check string
	require.NoError(t, raw.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check))
	assert.Equal(t, "ok", check)
	var tables, version int
	var appID int64
	require.NoError(t, raw.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`).Scan(&tables))
	require.NoError(t, raw.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID))
	if tables > 0 {
		require.NoError(t, raw.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&version))
		assert.Equal(t, SchemaVersion, version, "a migration was committed in part")
		assert.Equal(t, int64(applicationID), appID)
		assert.Equal(t, 3, tables, "schema_version, scans and records")
	} else {
		assert.Zero(t, appID, "the application id without the schema")
	}
	require.NoError(t, raw.Close())

	s, err := Open(ctx, path, Options{})
	require.NoError(t, err, "the new file does not open after a kill")
	defer s.Close()
	require.NoError(t, s.Check(ctx))
	v, err := s.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion, v)
	return tables > 0
}
