package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
)

// queryRecords is the data set of TestRecordsQuery: seven records of
// acme/shop in every state, with ties, a zero last-seen time and
// triages, and one record of another application.
func queryRecords() []correlate.Record {
	day := 24 * time.Hour
	rec := func(id string, st correlate.State, sev findings.Severity, tool, cluster string, seen time.Time, tr *correlate.Triage) correlate.Record {
		return correlate.Record{ID: id, Cluster: cluster, State: st, Open: st != correlate.StateFixed, FirstSeen: t0, LastSeen: seen,
			Details: "d", Triage: tr, Finding: findings.Finding{ID: "f-" + id, Kind: findings.KindSAST, Tool: findings.Tool{Name: tool},
				RuleID: "R1", Severity: sev}}
	}
	return []correlate.Record{
		rec("a", correlate.StateNew, findings.SeverityCritical, "gosec", "c1", t0.Add(3*time.Hour), nil),
		rec("b", correlate.StateUnchanged, findings.SeverityHigh, "gosec", "c1", t0.Add(3*time.Hour), nil),
		rec("c", correlate.StateUpdated, findings.SeverityHigh, "semgrep", "c2", t0.Add(2*time.Hour),
			&correlate.Triage{Status: correlate.AcceptedRisk, Expires: t0.Add(30 * day)}),
		rec("d", correlate.StateFixed, findings.SeverityMedium, "gosec", "c3", t0.Add(time.Hour), nil),
		rec("e", correlate.StateReopened, findings.SeverityLow, "semgrep", "c2", t0.Add(4*time.Hour),
			&correlate.Triage{Status: correlate.FalsePositive}),
		rec("f", correlate.StateUnchanged, findings.SeverityHigh, "trivy", "c4", time.Time{},
			&correlate.Triage{Status: correlate.AcceptedRisk, Expires: t0.Add(10 * day)}),
		rec("g", correlate.StateFixed, findings.SeverityCritical, "trivy", "c5", t0.Add(time.Nanosecond), nil),
	}
}

func saveAll(t *testing.T, s *Store, tenant, application string, recs []correlate.Record) {
	t.Helper()
	res := correlate.Result{Records: recs}
	for _, r := range recs {
		res.Modified = append(res.Modified, r.ID)
	}
	require.NoError(t, s.Save(context.Background(), correlate.Scan{ID: "fill", At: t0, Tenant: tenant, Application: application}, res))
}

func TestRecordsQuery(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t, Options{})
	saveAll(t, s, "acme", "shop", queryRecords())
	saveAll(t, s, "acme", "other", queryRecords()[:2])
	saveAll(t, s, "", "shop", queryRecords()[:1])

	day := 24 * time.Hour
	st := func(ss ...correlate.State) []correlate.State { return ss }
	for _, tc := range []struct {
		name string
		q    correlate.Query
		want string
	}{
		{"everything", correlate.Query{}, "abcdefg"},
		{"open", correlate.Query{Open: true}, "abcef"},
		{"one state", correlate.Query{States: st(correlate.StateUnchanged)}, "bf"},
		{"two states", correlate.Query{States: st(correlate.StateNew, correlate.StateReopened)}, "ae"},
		{"open and fixed", correlate.Query{Open: true, States: st(correlate.StateFixed)}, ""},
		{"one severity", correlate.Query{Severities: []string{"high"}}, "bcf"},
		{"two severities", correlate.Query{Severities: []string{"critical", "high"}}, "abcfg"},
		{"not canonical severity", correlate.Query{Severities: []string{"HIGH"}}, ""},
		{"cluster", correlate.Query{Cluster: "c2"}, "ce"},
		{"tool", correlate.Query{Tool: "semgrep"}, "ce"},
		{"unknown tool", correlate.Query{Tool: "zap"}, ""},
		{"accepted risk", correlate.Query{Triage: correlate.AcceptedRisk}, "cf"},
		{"false positive", correlate.Query{Triage: correlate.FalsePositive}, "e"},
		{"expiry bound is exclusive", correlate.Query{TriageExpiresBefore: t0.Add(30 * day)}, "f"},
		{"expiry to the nanosecond", correlate.Query{TriageExpiresBefore: t0.Add(30*day + 1)}, "cf"},
		{"no expiry never lapses", correlate.Query{TriageExpiresBefore: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}, "cf"},
		{"all filters", correlate.Query{Open: true, States: st(correlate.StateUnchanged), Severities: []string{"high"},
			Cluster: "c4", Tool: "trivy", Triage: correlate.AcceptedRisk, TriageExpiresBefore: t0.Add(11 * day)}, "f"},
		{"newest first, zero time first, ties by ID", correlate.Query{Order: correlate.ByLastSeen}, "feabcdg"},
		{"portal list", correlate.Query{States: st(correlate.StateUnchanged, correlate.StateUpdated), Severities: []string{"high"},
			Order: correlate.ByLastSeen, Limit: 2}, "fb"},
		{"portal list one state", correlate.Query{States: st(correlate.StateFixed), Severities: []string{"critical"},
			Order: correlate.ByLastSeen, Limit: 50}, "g"},
		{"open newest first", correlate.Query{Open: true, Order: correlate.ByLastSeen, Limit: 3}, "fea"},
		{"limit by ID", correlate.Query{Limit: 1}, "a"},
		{"limit above the count", correlate.Query{Limit: 100}, "abcdefg"},
		{"package aliases", Query{Order: ByLastSeen, Limit: 1}, "f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got strings.Builder
			for r, err := range s.Records(ctx, "acme", "shop", tc.q) {
				require.NoError(t, err)
				assert.Equal(t, "acme", r.Tenant)
				assert.Equal(t, "shop", r.Application)
				got.WriteString(r.ID)
			}
			assert.Equal(t, tc.want, got.String())
		})
	}

	// The records come back whole, the zero time included.
	var got []correlate.Record
	for r, err := range s.Records(ctx, "acme", "shop", correlate.Query{Tool: "trivy"}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	want := queryRecords()[5:]
	for i := range want {
		want[i].Tenant, want[i].Application = "acme", "shop"
	}
	assert.Equal(t, want, got)

	// Scopes: other applications and tenants are not mixed in.
	for _, tc := range []struct {
		tenant, application, want string
	}{{"acme", "other", "ab"}, {"", "shop", "a"}, {"acme", "none", ""}, {"ACME", "shop", ""}} {
		var ids strings.Builder
		for r, err := range s.Records(ctx, tc.tenant, tc.application, correlate.Query{Order: correlate.ByLastSeen}) {
			require.NoError(t, err)
			ids.WriteString(r.ID)
		}
		assert.Equal(t, tc.want, ids.String(), "%q/%q", tc.tenant, tc.application)
	}
}

func TestRecordsBadQuery(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t, Options{})
	saveAll(t, s, "", "", queryRecords())
	for _, tc := range []struct {
		name string
		q    correlate.Query
		msg  string
	}{
		{"expiry past year 9999", correlate.Query{TriageExpiresBefore: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "TriageExpiresBefore"},
		{"expiry before year 1", correlate.Query{TriageExpiresBefore: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}, "TriageExpiresBefore"},
		{"negative limit", correlate.Query{Limit: -1}, "negative Limit -1"},
		{"unknown order", correlate.Query{Order: 9}, "unknown Order 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for r, err := range s.Records(ctx, "", "", tc.q) {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrInvalidOptions)
				assert.Contains(t, err.Error(), tc.msg)
				assert.Zero(t, r)
				n++
			}
			assert.Equal(t, 1, n, "a bad query is one error, not an empty answer")
		})
	}
}

// The portal's list reads an index in order and stops at the limit: no
// temporary B-tree sorts the application's records.
func TestRecordsQueryPlan(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t, Options{})
	for _, tc := range []struct {
		name  string
		q     correlate.Query
		index string
	}{
		{"state+severity", correlate.Query{States: []correlate.State{correlate.StateUnchanged}, Severities: []string{"high"},
			Order: correlate.ByLastSeen, Limit: 50}, "records_by_list"},
		{"newest first", correlate.Query{Order: correlate.ByLastSeen, Limit: 50}, "records_by_last_seen"},
		{"open newest first", correlate.Query{Open: true, Order: correlate.ByLastSeen, Limit: 50}, "records_by_last_seen"},
		{"by ID", correlate.Query{}, "sqlite_autoindex_records_1"},
		{"one cluster", correlate.Query{Cluster: "c1"}, "records_by_cluster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			query, args, err := querySQL(tc.q, "acme", "shop")
			require.NoError(t, err)
			rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
			require.NoError(t, err)
			defer rows.Close()
			var plan strings.Builder
			for rows.Next() {
				var id, parent, unused int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
				plan.WriteString(detail + "\n")
			}
			require.NoError(t, rows.Err())
			assert.Contains(t, plan.String(), "USING INDEX "+tc.index)
			if tc.q.Cluster == "" {
				// A cluster's few records are sorted; every other list
				// is read in order from its index.
				assert.NotContains(t, plan.String(), "TEMP B-TREE")
			}
		})
	}
}

// A version 2 database (as aspm wrote it before the list indexes)
// migrates to version 3, and its records answer the list query.
func TestOpenMigratesVersion2(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v2.db")
	raw := rawDB(t, path)
	execAll(t, raw, v1Schema...)
	execAll(t, raw, migrations[1]...)
	execAll(t, raw, `INSERT INTO schema_version (version) VALUES (2)`)

	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer s.Close()
	v, err := s.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, v)
	var n int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'index' AND name IN ('records_by_list', 'records_by_last_seen')`).Scan(&n))
	assert.Equal(t, 2, n)
	var ids []string
	for r, err := range s.Records(ctx, "acme", "shop", correlate.Query{Open: true, States: []correlate.State{correlate.StateNew},
		Severities: []string{"high"}, Tool: "gosec", Triage: correlate.AcceptedRisk, Order: correlate.ByLastSeen, Limit: 50}) {
		require.NoError(t, err)
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"k1"}, ids)
	assert.NoError(t, s.Check(ctx))
}
