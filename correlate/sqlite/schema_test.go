package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
)

// rawDB opens a database file without the store, to build old or foreign
// schemas by hand.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
}

// The version 1 schema, written out by hand as aspm v1 created it, with
// one record that has a triage.
var v1Schema = []string{
	`CREATE TABLE schema_version (version INTEGER PRIMARY KEY)`,
	`INSERT INTO schema_version (version) VALUES (1)`,
	`CREATE TABLE scans (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, application TEXT NOT NULL,
		id TEXT NOT NULL, at TEXT NOT NULL, findings INTEGER NOT NULL, new INTEGER NOT NULL, reopened INTEGER NOT NULL,
		updated INTEGER NOT NULL, unchanged INTEGER NOT NULL, fixed INTEGER NOT NULL, modified INTEGER NOT NULL)`,
	`CREATE INDEX scans_by_application ON scans (tenant, application, seq)`,
	`CREATE TABLE records (tenant TEXT NOT NULL, application TEXT NOT NULL, id TEXT NOT NULL, cluster TEXT NOT NULL,
		state TEXT NOT NULL, open INTEGER NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
		fixed_at TEXT NOT NULL, details TEXT NOT NULL, finding TEXT NOT NULL, history TEXT NOT NULL, triage TEXT,
		triage_expires TEXT NOT NULL DEFAULT '', scan INTEGER REFERENCES scans (seq),
		UNIQUE (tenant, application, id))`,
	`INSERT INTO scans VALUES (1, 'acme', 'shop', 'ci-41', '2026-11-01T09:00:00.000000000Z', 1, 1, 0, 0, 0, 0, 1)`,
	`INSERT INTO records VALUES ('acme', 'shop', 'k1', 'k1', 'new', 1,
		'2026-11-01T09:00:00.000000000Z', '2026-11-01T09:00:00.000000000Z', '', 'd1',
		'{"id":"f1","kind":"sast","tool":{"name":"gosec"},"rule_id":"G201","title":"SQL","severity":"high","location":{"path":"db.go"},"source":{"format":"sarif","record":0}}',
		'[{"at":"2026-11-01T09:00:00Z","state":"new","scan":"ci-41"}]',
		'{"status":"accepted_risk","author":"ana","expires":"2026-12-01T00:00:00Z"}',
		'2026-12-01T00:00:00.000000000Z', 1)`,
}

func TestOpenMigratesVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	execAll(t, rawDB(t, path), v1Schema...)

	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer s.Close()
	v, err := s.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion, v)

	// The new columns were filled from the JSON.
	var tool, kind, sev, status string
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT tool, kind, severity, triage_status FROM records WHERE id = 'k1'`).
		Scan(&tool, &kind, &sev, &status))
	assert.Equal(t, []string{"gosec", "sast", "high", "accepted_risk"}, []string{tool, kind, sev, status})

	recs, err := s.Load(ctx, "acme", "shop")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	assert.Equal(t, correlate.Record{Tenant: "acme", Application: "shop", ID: "k1", Cluster: "k1", State: correlate.StateNew,
		Open: true, FirstSeen: at, LastSeen: at, Details: "d1",
		Finding: findings.Finding{ID: "f1", Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G201",
			Title: "SQL", Severity: findings.SeverityHigh, Location: findings.Location{Path: "db.go"},
			Source: findings.Source{Format: "sarif"}},
		History: []correlate.Transition{{At: at, State: correlate.StateNew, Scan: "ci-41"}},
		Triage:  &correlate.Triage{Status: correlate.AcceptedRisk, Author: "ana", Expires: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
	}, recs[0])
	got := func(q Query) (n int) {
		for _, err := range s.Records(ctx, "acme", "shop", q) {
			require.NoError(t, err)
			n++
		}
		return n
	}
	assert.Equal(t, 1, got(Query{Triage: correlate.AcceptedRisk, Open: true, Tool: "gosec"}))

	scans, err := s.Scans(ctx, "acme", "shop")
	require.NoError(t, err)
	assert.Equal(t, []correlate.ScanSummary{{Seq: 1, Tenant: "acme", Application: "shop", ID: "ci-41", At: at, Findings: 1, New: 1, Modified: 1}}, scans)

	// The migrated store keeps tracking.
	_, err = correlate.Track(ctx, s, correlate.Scan{ID: "ci-42", At: at.Add(time.Hour), Tenant: "acme", Application: "shop",
		Findings: synthetic(5, 1)}, correlate.Options{})
	require.NoError(t, err)
	assert.NoError(t, s.Check(ctx))
	require.NoError(t, s.Close())

	// Opening again migrates nothing.
	s2, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer s2.Close()
	var rows int
	require.NoError(t, s2.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&rows))
	assert.Equal(t, SchemaVersion, rows)
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	execAll(t, rawDB(t, path), `INSERT INTO schema_version (version) VALUES (99)`)

	_, err = Open(ctx, path, Options{})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrSchemaTooNew)
	var ve *VersionError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, VersionError{Path: path, Version: 99, Supported: SchemaVersion}, *ve)
}

func TestOpenRefusesForeignDatabases(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		stmts []string
	}{
		{"another application id", []string{`PRAGMA application_id = 42`}},
		{"tables without schema_version", []string{`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".db")
			execAll(t, rawDB(t, path), tc.stmts...)
			_, err := Open(ctx, path, Options{})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotStore)
			// Nothing was changed.
			var n int
			require.NoError(t, rawDB(t, path).QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'schema_version'`).Scan(&n))
			assert.Zero(t, n)
		})
	}
}

func TestOpenRejectsAFileThatIsNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"runs": []}`+string(make([]byte, 200))), 0o600))
	_, err := Open(context.Background(), path, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.ErrorIs(t, err, ErrNotStore)
	var de *DatabaseError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, path, de.Path)
}

func TestMigrationsAreWellFormed(t *testing.T) {
	require.Len(t, migrations, SchemaVersion)
	for i, m := range migrations {
		assert.NotEmpty(t, m, "migration %d", i+1)
	}
	// Each version's schema is the fresh store's: opening an empty file
	// and migrating from version 1 give the same tables.
	ctx := context.Background()
	dir := t.TempDir()
	fresh, err := Open(ctx, filepath.Join(dir, "fresh.db"), Options{})
	require.NoError(t, err)
	defer fresh.Close()
	old := filepath.Join(dir, "old.db")
	execAll(t, rawDB(t, old), v1Schema[:5]...)
	migrated, err := Open(ctx, old, Options{})
	require.NoError(t, err)
	defer migrated.Close()
	// Tables and indexes with their columns, in order.
	schema := func(s *Store) map[string]string {
		rows, err := s.db.QueryContext(ctx, `SELECT m.name, group_concat(i.name, ',')
			FROM sqlite_schema AS m, pragma_table_info(m.name) AS i WHERE m.type = 'table' GROUP BY m.name
			UNION ALL SELECT m.name, group_concat(i.name, ',')
			FROM sqlite_schema AS m, pragma_index_info(m.name) AS i WHERE m.type = 'index' GROUP BY m.name`)
		require.NoError(t, err)
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var n, cols string
			require.NoError(t, rows.Scan(&n, &cols))
			out[n] = cols
		}
		require.NoError(t, rows.Err())
		return out
	}
	f, m := schema(fresh), schema(migrated)
	assert.Equal(t, f, m)
	assert.True(t, strings.HasPrefix(f["records"], "tenant,application,id,"), f["records"])
}
