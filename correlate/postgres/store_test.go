package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/internal/storetest"
)

var t0 = storetest.T0

func TestStoreSuite(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) correlate.Store { return openTemp(t, Options{}) })
}

// stressEnv sets the duration of TestConcurrentWriters (a Go duration);
// scripts/pg-test.sh sets 60s when PG_LONG=1.
const stressEnv = "ASPM_POSTGRES_STRESS"

// TestConcurrentWriters runs the suite's writers and readers, with an
// analyst triaging records while they are rescanned: no scan, record or
// triage is lost, and no serialization failure or deadlock surfaces.
func TestConcurrentWriters(t *testing.T) {
	d := 5 * time.Second
	if v := os.Getenv(stressEnv); v != "" {
		var err error
		d, err = time.ParseDuration(v)
		require.NoError(t, err, stressEnv)
	}
	s := openTemp(t, Options{MaxConns: 24})
	storetest.Concurrent(t, s, storetest.ConcurrentOptions{Duration: d, Triage: true})
	t.Logf("%d transactions retried after a serialization failure or a deadlock", s.retried.Load())
	// Every scan was recorded once.
	ctx := context.Background()
	var scans, marked int
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT count(*) FROM scans`).Scan(&scans))
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT count(DISTINCT (tenant, application, id)) FROM scans`).Scan(&marked))
	assert.Equal(t, scans, marked, "a scan was recorded twice")
}

// A triage set between the Load and the Save of a Track is kept; one
// that expired by the scan's time is cleared, as Compare clears it.
func TestSaveKeepsConcurrentTriage(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, Options{})
	_, err := correlate.Track(ctx, s, storetest.SyntheticScan(20, 1), correlate.Options{})
	require.NoError(t, err)
	base, err := s.Load(ctx, "", "")
	require.NoError(t, err)
	kept, cleared, expired := base[0].ID, base[1].ID, base[2].ID
	// Before the next scan: a triage that will have expired at it.
	old := &correlate.Triage{Status: correlate.AcceptedRisk, Expires: t0.Add(90 * time.Minute)}
	require.NoError(t, s.SetTriage(ctx, "", "", expired, old))
	require.NoError(t, s.SetTriage(ctx, "", "", cleared, &correlate.Triage{Status: correlate.WontFix}))
	base, err = s.Load(ctx, "", "")
	require.NoError(t, err)
	res := correlate.Compare(base, storetest.SyntheticScan(20, 2), correlate.Options{})

	// The analyst decides while the scan is compared.
	fp := &correlate.Triage{Status: correlate.FalsePositive, Author: "ana", At: t0.Add(100 * time.Minute)}
	require.NoError(t, s.SetTriage(ctx, "", "", kept, fp))
	require.NoError(t, s.SetTriage(ctx, "", "", cleared, nil))
	require.NoError(t, s.Save(ctx, storetest.SyntheticScan(20, 2), res))

	got, err := s.Load(ctx, "", "")
	require.NoError(t, err)
	byID := map[string]correlate.Record{}
	for _, r := range got {
		byID[r.ID] = r
	}
	assert.Equal(t, fp, byID[kept].Triage, "a triage set during the scan is kept")
	assert.Nil(t, byID[cleared].Triage, "a triage cleared during the scan stays cleared")
	assert.Nil(t, byID[expired].Triage, "an expired triage is cleared by the scan")
	var status string
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT triage_status FROM records WHERE id = $1`, expired).Scan(&status))
	assert.Empty(t, status)
}

func TestMigrationsAreConcurrentSafe(t *testing.T) {
	schema := tempSchema(t)
	dsn := testDSN(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	stores := make([]*Store, 8)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(ctx, dsn, Options{Schema: schema, MaxConns: 2})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "replica %d", i)
		defer stores[i].Close()
	}
	v, err := stores[0].Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion, v)
	var rows int
	require.NoError(t, stores[0].pool.QueryRow(ctx, `SELECT count(*) FROM schema_version`).Scan(&rows))
	assert.Equal(t, SchemaVersion, rows, "each migration applied once")
	_, err = correlate.Track(ctx, stores[3], storetest.SyntheticScan(10, 1), correlate.Options{})
	require.NoError(t, err)
	recs, err := stores[5].Load(ctx, "", "")
	require.NoError(t, err)
	assert.Len(t, recs, len(storetest.Synthetic(10, 1)))
}

func TestOpenRefusesNewerAndForeignSchemas(t *testing.T) {
	ctx := context.Background()
	dsn := testDSN(t)

	newer := tempSchema(t)
	s, err := Open(ctx, dsn, Options{Schema: newer})
	require.NoError(t, err)
	_, err = s.pool.Exec(ctx, `INSERT INTO schema_version VALUES ($1)`, SchemaVersion+1)
	require.NoError(t, err)
	s.Close()
	_, err = Open(ctx, dsn, Options{Schema: newer})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrSchemaTooNew)
	var ve *VersionError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, VersionError{Schema: newer, Version: SchemaVersion + 1, Supported: SchemaVersion}, *ve)

	foreign := tempSchema(t)
	conn := rawConn(t, foreign)
	_, err = conn.Exec(ctx, `CREATE SCHEMA `+foreign)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `CREATE TABLE `+foreign+`.users (id int)`)
	require.NoError(t, err)
	_, err = Open(ctx, dsn, Options{Schema: foreign})
	assert.ErrorIs(t, err, ErrNotStore)
}

func TestOpenOptions(t *testing.T) {
	ctx := context.Background()
	dsn := testDSN(t)
	for _, tc := range []struct {
		name string
		dsn  string
		opts Options
	}{
		{"schema with capitals", dsn, Options{Schema: "Aspm"}},
		{"schema with a quote", dsn, Options{Schema: `a"b`}},
		{"schema too long", dsn, Options{Schema: "a123456789012345678901234567890123456789012345678901234567890123"}},
		{"negative pool", dsn, Options{MaxConns: -1}},
		{"negative retries", dsn, Options{Retries: -1}},
		{"bad DSN", "postgres://%zz", Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, tc.dsn, tc.opts)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidOptions)
		})
	}
	t.Run("unreachable server", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", Options{})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "password")
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Open(ctx, dsn, Options{Schema: tempSchema(t)})
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestQueries(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, Options{})
	var last correlate.Result
	for k := 1; k <= 3; k++ {
		var err error
		last, err = correlate.Track(ctx, db, storetest.SyntheticScan(200, k), correlate.Options{})
		require.NoError(t, err)
	}
	want := map[correlate.State][]string{}
	var open []string
	for _, r := range last.Records {
		want[r.State] = append(want[r.State], r.ID)
		if r.Open {
			open = append(open, r.ID)
		}
	}
	require.NotEmpty(t, want[correlate.StateFixed])
	require.NotEmpty(t, want[correlate.StateUpdated])
	ids := func(q Query) []string {
		t.Helper()
		var out []string
		for r, err := range db.Records(ctx, "", "", q) {
			require.NoError(t, err)
			out = append(out, r.ID)
		}
		return out
	}
	assert.Equal(t, open, ids(Query{Open: true}))
	assert.Equal(t, want[correlate.StateFixed], ids(Query{States: []correlate.State{correlate.StateFixed}}))
	both := ids(Query{Open: true, States: []correlate.State{correlate.StateNew, correlate.StateReopened}})
	assert.ElementsMatch(t, append(append([]string{}, want[correlate.StateNew]...), want[correlate.StateReopened]...), both)
	assert.Len(t, ids(Query{Tool: "gosec"}), len(last.Records))
	assert.Empty(t, ids(Query{Tool: "semgrep"}))
	var critical []string
	for _, r := range last.Records {
		if r.Finding.Severity == "critical" {
			critical = append(critical, r.ID)
		}
	}
	require.NotEmpty(t, critical)
	assert.Equal(t, critical, ids(Query{Severities: []string{"critical"}}))

	// The portal's list: newest first, then by ID, bounded.
	var portal []string
	for r, err := range db.Records(ctx, "", "", Query{States: []correlate.State{correlate.StateUnchanged, correlate.StateUpdated},
		Severities: []string{"high", "critical"}, Order: ByLastSeen, Limit: 50}) {
		require.NoError(t, err)
		portal = append(portal, r.ID)
	}
	assert.Len(t, portal, 50)

	// Fixed records were last seen before the others: last in that order.
	all := ids(Query{Order: ByLastSeen})
	assert.Equal(t, want[correlate.StateFixed], all[len(all)-len(want[correlate.StateFixed]):])

	c := last.Records[0].Cluster
	var inCluster []string
	for _, r := range last.Records {
		if r.Cluster == c {
			inCluster = append(inCluster, r.ID)
		}
	}
	assert.Equal(t, inCluster, ids(Query{Cluster: c}))

	a, b := last.Records[1].ID, last.Records[2].ID
	require.NoError(t, db.SetTriage(ctx, "", "", a, &correlate.Triage{Status: correlate.AcceptedRisk, Expires: t0.Add(30 * 24 * time.Hour)}))
	require.NoError(t, db.SetTriage(ctx, "", "", b, &correlate.Triage{Status: correlate.FalsePositive}))
	assert.Equal(t, []string{a}, ids(Query{Triage: correlate.AcceptedRisk}))
	assert.Equal(t, []string{b}, ids(Query{Triage: correlate.FalsePositive}))
	assert.Equal(t, []string{a}, ids(Query{TriageExpiresBefore: t0.Add(30*24*time.Hour + 1)}), "to the nanosecond")
	assert.Empty(t, ids(Query{TriageExpiresBefore: t0.Add(30 * 24 * time.Hour)}), "the bound is exclusive")
	require.NoError(t, db.SetTriage(ctx, "", "", a, nil))
	assert.Empty(t, ids(Query{Triage: correlate.AcceptedRisk}))

	// Stopping early releases the rows; the loop body may use the store.
	for range db.Records(ctx, "", "", Query{}) {
		_, err := db.Load(ctx, "", "")
		require.NoError(t, err)
		break
	}
	for _, q := range []Query{
		{TriageExpiresBefore: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Limit: -1},
		{Order: 9},
	} {
		n := 0
		for _, err := range db.Records(ctx, "", "", q) {
			assert.ErrorIs(t, err, ErrInvalidOptions)
			n++
		}
		assert.Equal(t, 1, n, "a bad query is one error, not an empty answer")
	}
}

func TestScansList(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, Options{})
	var results []correlate.Result
	for k := 1; k <= 3; k++ {
		r, err := correlate.Track(ctx, db, storetest.SyntheticScan(100, k), correlate.Options{})
		require.NoError(t, err)
		results = append(results, r)
	}
	r, err := correlate.Track(ctx, db, storetest.SyntheticScan(100, 3), correlate.Options{})
	require.NoError(t, err)
	results = append(results, r)

	scans, err := db.Scans(ctx, "", "")
	require.NoError(t, err)
	require.Len(t, scans, 4)
	for i, sc := range scans {
		k := min(i+1, 3)
		if i > 0 {
			assert.Greater(t, sc.Seq, scans[i-1].Seq)
		}
		assert.Equal(t, fmt.Sprintf("scan-%d", k), sc.ID)
		assert.Equal(t, t0.Add(time.Duration(k)*time.Hour), sc.At)
		assert.Equal(t, len(storetest.Synthetic(100, k)), sc.Findings)
		counts := map[correlate.State]int{}
		for _, c := range results[i].Changes {
			counts[c.State]++
		}
		assert.Equal(t, counts[correlate.StateNew], sc.New)
		assert.Equal(t, counts[correlate.StateReopened], sc.Reopened)
		assert.Equal(t, counts[correlate.StateUpdated], sc.Updated)
		assert.Equal(t, counts[correlate.StateUnchanged], sc.Unchanged)
		assert.Equal(t, counts[correlate.StateFixed], sc.Fixed)
		assert.Equal(t, len(results[i].Modified), sc.Modified)
	}
	// Each record points to the scan that last wrote it.
	var marked int
	require.NoError(t, db.pool.QueryRow(ctx, `SELECT count(*) FROM records WHERE scan = $1`, scans[3].Seq).Scan(&marked))
	assert.Equal(t, scans[3].Modified, marked)
}

func TestSaveRejectsWhatItCannotReadBack(t *testing.T) {
	ctx := context.Background()
	good := correlate.Compare(nil, storetest.SyntheticScan(5, 1), correlate.Options{})
	edit := func(f func(r *correlate.Result)) func() correlate.Result {
		return func() correlate.Result {
			r := good
			r.Records = append([]correlate.Record{}, r.Records...)
			f(&r)
			return r
		}
	}
	tests := []struct {
		name   string
		scan   correlate.Scan
		result func() correlate.Result
	}{
		{"modified record missing", correlate.Scan{ID: "s", At: t0}, edit(func(r *correlate.Result) {
			r.Modified = append([]string{"ghost"}, r.Modified...)
		})},
		{"scan time out of range", correlate.Scan{ID: "s", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, edit(func(*correlate.Result) {})},
		{"record time out of range", correlate.Scan{ID: "s", At: t0}, edit(func(r *correlate.Result) {
			r.Records[0].LastSeen = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)
		})},
		{"severity not canonical", correlate.Scan{ID: "s", At: t0}, edit(func(r *correlate.Result) {
			r.Records[len(r.Records)-1].Finding.Severity = ""
		})},
		{"property not JSON", correlate.Scan{ID: "s", At: t0}, edit(func(r *correlate.Result) {
			r.Records[2].Finding.Properties = map[string]any{"f": func() {}}
		})},
		{"NUL in an ID", correlate.Scan{ID: "s", At: t0}, edit(func(r *correlate.Result) {
			old := r.Records[1].ID
			r.Records[1].ID = "a\x00b"
			r.Modified = append([]string{}, r.Modified...)
			for i := range r.Modified {
				if r.Modified[i] == old {
					r.Modified[i] = "a\x00b"
				}
			}
		})},
		{"invalid UTF-8 tool", correlate.Scan{ID: "s", At: t0}, edit(func(r *correlate.Result) {
			r.Records[1].Finding.Tool.Name = "\xff"
		})},
		{"NUL in the tenant", correlate.Scan{ID: "s", At: t0, Tenant: "a\x00"}, edit(func(*correlate.Result) {})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openTemp(t, Options{})
			err := db.Save(ctx, tc.scan, tc.result())
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidResult)
			recs, err := db.Load(ctx, tc.scan.Tenant, "")
			require.NoError(t, err)
			assert.Empty(t, recs, "nothing is written")
			var scans int
			require.NoError(t, db.pool.QueryRow(ctx, `SELECT count(*) FROM scans`).Scan(&scans))
			assert.Zero(t, scans, "nothing is written")
		})
	}
}

func TestCorruptRowIsReportedNotSkipped(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ column, set string }{
		{"finding", `finding = '{"id": "x", "severity": "moderate"}'`},
		{"history", `history = '[{"at": "yesterday"}]'`},
		{"triage", `triage = '{"status": 7}'`},
		{"first_seen", `first_seen = NULL, first_ns = 5`},
		{"last_seen", `last_seen = 'infinity'`},
	} {
		t.Run(tc.column, func(t *testing.T) {
			db := openTemp(t, Options{})
			_, err := correlate.Track(ctx, db, storetest.SyntheticScan(20, 1), correlate.Options{})
			require.NoError(t, err)
			recs, err := db.Load(ctx, "", "")
			require.NoError(t, err)
			id := recs[5].ID
			_, err = db.pool.Exec(ctx, `UPDATE records SET `+tc.set+` WHERE id = $1`, id)
			require.NoError(t, err)
			n := 0
			var rerr error
			for _, err := range db.Records(ctx, "", "", Query{}) {
				if err != nil {
					rerr = err
					break
				}
				n++
			}
			require.Error(t, rerr)
			assert.ErrorIs(t, rerr, ErrCorrupt)
			var re *RowError
			require.ErrorAs(t, rerr, &re)
			assert.Equal(t, RowError{Schema: db.schema, Table: "records", ID: id, Column: tc.column, Err: re.Err}, *re)
			assert.Contains(t, rerr.Error(), tc.column)
			assert.Equal(t, 5, n, "the rows before the bad one were read")
			_, err = db.Load(ctx, "", "")
			assert.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

func TestRowErrorMessage(t *testing.T) {
	err := &RowError{Schema: "aspm", Table: "records", Tenant: "t", Application: "a", ID: "x", Column: "finding", Err: errors.New("bad")}
	assert.Equal(t, `postgres: schema "aspm": records row "t"/"a"/"x": column finding: bad`, err.Error())
	assert.ErrorIs(t, err, ErrCorrupt)
	v := &VersionError{Schema: "aspm", Version: 9, Supported: SchemaVersion}
	assert.ErrorIs(t, v, ErrSchemaTooNew)
	assert.Contains(t, v.Error(), "version 9")
}
