package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// SchemaVersion is the newest schema version this code writes. [Open]
// migrates older databases up to it and refuses newer ones with a
// [*VersionError].
const SchemaVersion = 3

// applicationID marks the file as an aspm store in its header ("aspm" in
// ASCII), so that other tools can recognize it and [Open] can refuse the
// database of another application.
const applicationID = 0x6173706d

// migrations holds the schema changes, oldest first: migrations[i] takes
// a database from version i to version i+1. Each is a list of statements,
// applied in one transaction with the version bump. Published migrations
// are never edited: a change of schema is a new entry.
var migrations = [][]string{
	// 1: scans and records.
	{
		`CREATE TABLE scans (
			seq         INTEGER PRIMARY KEY AUTOINCREMENT,
			tenant      TEXT    NOT NULL,
			application TEXT    NOT NULL,
			id          TEXT    NOT NULL,
			at          TEXT    NOT NULL,
			findings    INTEGER NOT NULL,
			new         INTEGER NOT NULL,
			reopened    INTEGER NOT NULL,
			updated     INTEGER NOT NULL,
			unchanged   INTEGER NOT NULL,
			fixed       INTEGER NOT NULL,
			modified    INTEGER NOT NULL
		)`,
		`CREATE INDEX scans_by_application ON scans (tenant, application, seq)`,
		`CREATE TABLE records (
			tenant         TEXT    NOT NULL,
			application    TEXT    NOT NULL,
			id             TEXT    NOT NULL,
			cluster        TEXT    NOT NULL,
			state          TEXT    NOT NULL,
			open           INTEGER NOT NULL,
			first_seen     TEXT    NOT NULL,
			last_seen      TEXT    NOT NULL,
			fixed_at       TEXT    NOT NULL,
			details        TEXT    NOT NULL,
			finding        TEXT    NOT NULL,
			history        TEXT    NOT NULL,
			triage         TEXT,
			triage_expires TEXT    NOT NULL DEFAULT '',
			scan           INTEGER REFERENCES scans (seq),
			UNIQUE (tenant, application, id)
		)`,
	},
	// 2: query columns (tool, kind, severity, triage status) filled from
	// the stored JSON, and the indexes of the open-findings queries.
	{
		`ALTER TABLE records ADD COLUMN tool TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE records ADD COLUMN kind TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE records ADD COLUMN severity TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE records ADD COLUMN triage_status TEXT NOT NULL DEFAULT ''`,
		`UPDATE records SET
			tool = coalesce(json_extract(finding, '$.tool.name'), ''),
			kind = coalesce(json_extract(finding, '$.kind'), ''),
			severity = coalesce(json_extract(finding, '$.severity'), ''),
			triage_status = coalesce(json_extract(triage, '$.status'), '')`,
		`CREATE INDEX records_by_state ON records (tenant, application, open, state)`,
		`CREATE INDEX records_by_cluster ON records (tenant, application, cluster)`,
	},
	// 3: the indexes of the portal's findings list (see [Store.Records]):
	// one application by state and severity, newest first, and all of an
	// application newest first. The severity and tool columns the list
	// filters on came with version 2, filled from the finding JSON. The
	// sort key is the expression of the ORDER BY of ByLastSeen, so that
	// a zero last-seen time (the empty string) comes first, as
	// PostgreSQL's NULL does.
	{
		`CREATE INDEX records_by_list ON records
			(tenant, application, state, severity, last_seen <> '', last_seen DESC, id)`,
		`CREATE INDEX records_by_last_seen ON records (tenant, application, last_seen <> '', last_seen DESC, id)`,
	},
}

// migrate brings the database to [SchemaVersion] in one transaction, or
// leaves it as it was.
func (s *Store) migrate(ctx context.Context, conn *sql.Conn) (err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("starting the migration", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()

	var appID int64
	if err := tx.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return s.wrap("reading the application id", err)
	}
	if appID != 0 && appID != applicationID {
		return fmt.Errorf("%w: %s: application_id is %#x", ErrNotStore, s.path, appID)
	}
	var tables, versioned int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_version')
		FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`).Scan(&tables, &versioned); err != nil {
		return s.wrap("reading the schema", err)
	}
	if tables > 0 && versioned == 0 {
		return fmt.Errorf("%w: %s: it has tables but no schema_version", ErrNotStore, s.path)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)`); err != nil {
		return s.wrap("creating schema_version", err)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
		return s.wrap("reading the schema version", err)
	}
	if version > SchemaVersion {
		return &VersionError{Path: s.path, Version: version, Supported: SchemaVersion}
	}
	for v := version; v < SchemaVersion; v++ {
		for i, stmt := range migrations[v] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return s.wrap(fmt.Sprintf("migrating to version %d (statement %d)", v+1, i+1), err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v+1); err != nil {
			return s.wrap(fmt.Sprintf("recording version %d", v+1), err)
		}
	}
	if appID == 0 {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			return s.wrap("setting the application id", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("committing the migration", err)
	}
	return nil
}
