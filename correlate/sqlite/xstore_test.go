package sqlite_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/postgres"
	"github.com/aspmkit/aspm/correlate/sqlite"
	"github.com/aspmkit/aspm/internal/storetest"
)

// querier is a store that filters in its database.
type querier interface {
	correlate.Store
	Records(ctx context.Context, tenant, application string, q correlate.Query) iter.Seq2[correlate.Record, error]
}

// selectRecords is the reference of correlate.Query's semantics, over
// the records of one application in ID order.
func selectRecords(recs []correlate.Record, q correlate.Query) []correlate.Record {
	var out []correlate.Record
	for _, r := range recs {
		switch {
		case q.Open && !r.Open,
			len(q.States) > 0 && !slices.Contains(q.States, r.State),
			len(q.Severities) > 0 && !slices.Contains(q.Severities, string(r.Finding.Severity)),
			q.Cluster != "" && r.Cluster != q.Cluster,
			q.Tool != "" && r.Finding.Tool.Name != q.Tool,
			q.Triage != "" && (r.Triage == nil || r.Triage.Status != q.Triage),
			!q.TriageExpiresBefore.IsZero() && (r.Triage == nil || r.Triage.Expires.IsZero() || !r.Triage.Expires.Before(q.TriageExpiresBefore)):
			continue
		}
		out = append(out, r)
	}
	if q.Order == correlate.ByLastSeen {
		slices.SortStableFunc(out, func(a, b correlate.Record) int {
			if a.LastSeen.IsZero() != b.LastSeen.IsZero() {
				if a.LastSeen.IsZero() {
					return -1
				}
				return 1
			}
			return b.LastSeen.Compare(a.LastSeen) // newest first; ties keep ID order
		})
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

// openPostgres opens a PostgreSQL store in a schema of its own, dropped
// when the test ends, or skips without ASPM_POSTGRES_DSN (scripts/pg-test.sh
// sets it).
func openPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	dsn := os.Getenv("ASPM_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("skipping: ASPM_POSTGRES_DSN is empty (scripts/pg-test.sh runs this test against a throwaway cluster)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("aspm_xstore_%016x", rand.Uint64())
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	s, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// The same sequence of scans and triage decisions gives the same answers
// to every query on SQLite, on PostgreSQL (with ASPM_POSTGRES_DSN) and in
// the reference filter over the MemoryStore's records.
func TestRecordsSameOnEveryStore(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) querier
	}{
		{"sqlite", func(t *testing.T) querier {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), sqlite.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"postgres", func(t *testing.T) querier { return openPostgres(t) }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			db := st.open(t)
			mem := &correlate.MemoryStore{}
			both := func(f func(s correlate.Store) error) {
				t.Helper()
				require.NoError(t, f(mem))
				require.NoError(t, f(db))
			}
			const tenant, app = "acme", "shop"
			scan := func(k int, tool, dir string) func(correlate.Store) error {
				return func(s correlate.Store) error {
					_, err := correlate.Track(ctx, s, correlate.Scan{ID: fmt.Sprintf("%s-%d", tool, k), Tenant: tenant, Application: app,
						At: storetest.T0.Add(time.Duration(k) * time.Hour), Tools: []string{tool},
						Findings: storetest.SyntheticTool(150, k, tool, dir)}, correlate.Options{})
					return err
				}
			}
			triage := func(id string, tr *correlate.Triage) func(correlate.Store) error {
				return func(s correlate.Store) error { return s.SetTriage(ctx, tenant, app, id, tr) }
			}
			both(scan(1, "gosec", "pkg"))
			both(scan(2, "semgrep", "web"))
			both(scan(3, "gosec", "pkg"))
			recs, err := mem.Load(ctx, tenant, app)
			require.NoError(t, err)
			require.Greater(t, len(recs), 40)
			day := 24 * time.Hour
			both(triage(recs[0].ID, &correlate.Triage{Status: correlate.AcceptedRisk, Expires: storetest.T0.Add(30 * day)}))
			both(triage(recs[1].ID, &correlate.Triage{Status: correlate.AcceptedRisk, Expires: storetest.T0.Add(5 * time.Hour)}))
			both(triage(recs[2].ID, &correlate.Triage{Status: correlate.FalsePositive}))
			both(triage(recs[3].ID, &correlate.Triage{Status: correlate.WontFix, Expires: storetest.T0.Add(2 * day)}))
			both(scan(4, "semgrep", "web"))
			both(scan(5, "gosec", "pkg")) // the second acceptance lapses
			both(scan(6, "semgrep", "web"))
			// A scan without a time: its records sort first by last seen.
			both(func(s correlate.Store) error {
				_, err := correlate.Track(ctx, s, correlate.Scan{ID: "untimed", Tenant: tenant, Application: app,
					Tools: []string{"bandit"}, Findings: storetest.SyntheticTool(5, 1, "bandit", "py")}, correlate.Options{})
				return err
			})
			// Another application with the same IDs stays out.
			both(func(s correlate.Store) error {
				_, err := correlate.Track(ctx, s, correlate.Scan{ID: "x", Tenant: tenant, Application: "other", At: storetest.T0,
					Findings: storetest.Synthetic(50, 1)}, correlate.Options{})
				return err
			})
			all, err := mem.Load(ctx, tenant, app)
			require.NoError(t, err)

			states := func(ss ...correlate.State) []correlate.State { return ss }
			queries := []correlate.Query{
				{},
				{Open: true},
				{States: states(correlate.StateFixed)},
				{States: states(correlate.StateNew, correlate.StateReopened)},
				{Open: true, States: states(correlate.StateUnchanged, correlate.StateUpdated)},
				{Severities: []string{"critical"}},
				{Severities: []string{"critical", "high"}, Open: true},
				{Tool: "semgrep"},
				{Tool: "gosec", Open: true, Order: correlate.ByLastSeen},
				{Cluster: all[len(all)/2].Cluster},
				{Triage: correlate.AcceptedRisk},
				{Triage: correlate.FalsePositive},
				{TriageExpiresBefore: storetest.T0.Add(3 * day)},
				{TriageExpiresBefore: storetest.T0.Add(30 * day)},
				{TriageExpiresBefore: storetest.T0.Add(30*day + time.Nanosecond)},
				{Order: correlate.ByLastSeen},
				{Order: correlate.ByLastSeen, Limit: 7},
				{States: states(correlate.StateUnchanged), Severities: []string{"high"}, Order: correlate.ByLastSeen, Limit: 50},
				{States: states(correlate.StateNew, correlate.StateReopened), Severities: []string{"critical", "high"},
					Order: correlate.ByLastSeen, Limit: 50},
				{Open: true, Order: correlate.ByLastSeen, Limit: 50},
				{Limit: 10},
			}
			for i, q := range queries {
				want := selectRecords(all, q)
				var got []correlate.Record
				for r, err := range db.Records(ctx, tenant, app, q) {
					require.NoError(t, err)
					got = append(got, r)
				}
				storetest.SameRecords(t, want, got, fmt.Sprintf("query %d %+v", i, q))
			}
			// The data set exercises the filters: no query above is
			// trivially empty but the ones meant to be.
			for _, q := range []correlate.Query{{States: states(correlate.StateReopened)}, {States: states(correlate.StateFixed)},
				{Triage: correlate.AcceptedRisk}, {Severities: []string{"critical"}}} {
				require.NotEmpty(t, selectRecords(all, q), "%+v", q)
			}
			require.Less(t, len(selectRecords(all, correlate.Query{Open: true})), len(all))
			require.True(t, selectRecords(all, correlate.Query{Order: correlate.ByLastSeen})[0].LastSeen.IsZero())
			require.Len(t, selectRecords(all, correlate.Query{Triage: correlate.AcceptedRisk}), 1, "the lapsed acceptance was cleared")
		})
	}
}

// FuzzRecordsQuery runs arbitrary queries against a SQLite store: a
// valid query gives what the reference filter gives, an invalid one
// (negative limit, unknown order, expiry outside years 1 to 9999) one
// error wrapping ErrInvalidOptions; it never panics.
func FuzzRecordsQuery(f *testing.F) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "state.db"), sqlite.Options{})
	require.NoError(f, err)
	defer s.Close()
	for k := 1; k <= 3; k++ {
		_, err := correlate.Track(ctx, s, correlate.Scan{ID: fmt.Sprint(k), At: storetest.T0.Add(time.Duration(k) * time.Hour),
			Tools: []string{"gosec"}, Findings: storetest.Synthetic(40, k)}, correlate.Options{})
		require.NoError(f, err)
	}
	all, err := s.Load(ctx, "", "")
	require.NoError(f, err)
	require.NoError(f, s.SetTriage(ctx, "", "", all[0].ID, &correlate.Triage{Status: correlate.AcceptedRisk, Expires: storetest.T0.Add(time.Hour)}))
	require.NoError(f, s.SetTriage(ctx, "", "", all[1].ID, &correlate.Triage{Status: correlate.FalsePositive}))
	all, err = s.Load(ctx, "", "")
	require.NoError(f, err)

	f.Add(false, "", "", "", "", "", int64(0), false, uint8(0), 0)
	f.Add(true, "unchanged", "high", "", "gosec", "", int64(0), false, uint8(1), 50)
	f.Add(false, "new,reopened", "critical,high", all[3].Cluster, "", "accepted_risk", int64(time.Hour+1), false, uint8(1), 3)
	f.Add(false, "fixed", "", "", "", "", int64(time.Hour), false, uint8(0), 0)
	f.Add(false, "", "", "", "", "", int64(1<<62), true, uint8(0), 0)
	f.Add(false, "", "", "", "", "", int64(0), false, uint8(2), -1)
	f.Add(false, "new\x00", "hi'gh", "\xff", "go%sec", "false_positive", int64(-1), false, uint8(1), 1)

	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	f.Fuzz(func(t *testing.T, open bool, states, sevs, cluster, tool, triage string, expires int64, far bool, order uint8, limit int) {
		q := correlate.Query{Open: open, Severities: split(sevs), Cluster: cluster, Tool: tool,
			Triage: correlate.TriageStatus(triage), Order: correlate.Order(order), Limit: limit}
		for _, st := range split(states) {
			q.States = append(q.States, correlate.State(st))
		}
		if far {
			q.TriageExpiresBefore = time.Unix(expires, 0)
		} else if expires != 0 {
			q.TriageExpiresBefore = storetest.T0.Add(time.Duration(expires))
		}
		var got []correlate.Record
		var errs []error
		for r, err := range s.Records(ctx, "", "", q) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, r)
		}
		y := q.TriageExpiresBefore.UTC().Year()
		if limit < 0 || order > 1 || (!q.TriageExpiresBefore.IsZero() && (y < 1 || y > 9999)) {
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], sqlite.ErrInvalidOptions)
			require.Empty(t, got)
			return
		}
		require.Empty(t, errs)
		storetest.SameRecords(t, selectRecords(all, q), got, fmt.Sprintf("%+v", q))
	})
}
