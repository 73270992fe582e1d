package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SchemaVersion is the newest schema version this code writes. [Open]
// migrates older stores up to it and refuses newer ones with a
// [*VersionError].
const SchemaVersion = 1

// lockClass is the first key of the advisory lock that serializes
// migrations ("aspm" in ASCII); the second is a hash of the schema name,
// so that stores in different schemas migrate independently.
const lockClass = 0x6173706d

// migrations holds the schema changes, oldest first: migrations[i] takes
// a store from version i to version i+1. Each is a list of statements,
// applied in one transaction with the version bump. Published migrations
// are never edited: a change of schema is a new entry.
//
// Every table is keyed by tenant and application first, so that it can
// be partitioned or distributed by tenant (see the package
// documentation). Keys and sorted text use the "C" collation: records
// sort by ID byte-wise, as [correlate.MemoryStore] sorts them, whatever
// the database's locale. Times are timestamptz (to the microsecond) plus
// a column with the nanoseconds below the microsecond, so that the
// instants a record carries come back exactly.
var migrations = [][]string{
	// 1: scans and records, with the indexes of the portal's queries.
	{
		`CREATE TABLE scans (
			tenant      text COLLATE "C" NOT NULL,
			application text COLLATE "C" NOT NULL,
			seq         bigint GENERATED ALWAYS AS IDENTITY,
			id          text COLLATE "C" NOT NULL,
			at          timestamptz,
			at_ns       smallint NOT NULL DEFAULT 0 CHECK (at_ns BETWEEN 0 AND 999),
			findings    integer NOT NULL,
			new         integer NOT NULL,
			reopened    integer NOT NULL,
			updated     integer NOT NULL,
			unchanged   integer NOT NULL,
			fixed       integer NOT NULL,
			modified    integer NOT NULL,
			PRIMARY KEY (tenant, application, seq)
		)`,
		`CREATE TABLE records (
			tenant         text COLLATE "C" NOT NULL,
			application    text COLLATE "C" NOT NULL,
			id             text COLLATE "C" NOT NULL,
			cluster        text COLLATE "C" NOT NULL,
			state          text COLLATE "C" NOT NULL,
			open           boolean NOT NULL,
			first_seen     timestamptz,
			first_ns       smallint NOT NULL DEFAULT 0 CHECK (first_ns BETWEEN 0 AND 999),
			last_seen      timestamptz,
			last_ns        smallint NOT NULL DEFAULT 0 CHECK (last_ns BETWEEN 0 AND 999),
			fixed_at       timestamptz,
			fixed_ns       smallint NOT NULL DEFAULT 0 CHECK (fixed_ns BETWEEN 0 AND 999),
			details        text COLLATE "C" NOT NULL,
			tool           text COLLATE "C" NOT NULL,
			kind           text COLLATE "C" NOT NULL,
			severity       text COLLATE "C" NOT NULL,
			finding        json NOT NULL,
			history        json NOT NULL,
			triage         json,
			triage_status  text COLLATE "C" NOT NULL DEFAULT '',
			triage_expires timestamptz,
			triage_ns      smallint NOT NULL DEFAULT 0 CHECK (triage_ns BETWEEN 0 AND 999),
			scan           bigint NOT NULL,
			PRIMARY KEY (tenant, application, id),
			FOREIGN KEY (tenant, application, scan) REFERENCES scans (tenant, application, seq)
		)`,
		// The portal's findings list: one application, by state and
		// severity, newest first.
		`CREATE INDEX records_by_state ON records (tenant, application, state, severity, last_seen DESC, last_ns DESC, id)`,
		`CREATE INDEX records_by_last_seen ON records (tenant, application, last_seen DESC, last_ns DESC, id)`,
		`CREATE INDEX records_by_cluster ON records (tenant, application, cluster)`,
		`CREATE INDEX records_by_triage ON records (tenant, application, triage_status, triage_expires)
			WHERE triage IS NOT NULL`,
	},
}

// migrate brings the store's schema to [SchemaVersion] in one
// transaction, or leaves it as it was. The transaction first takes an
// advisory lock on the schema's name: replicas that start together
// migrate one after the other, and the later ones find nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, int32(lockClass), s.schema); err != nil {
			return s.wrap("locking the schema for migration", err)
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, s.schema).Scan(&exists); err != nil {
			return s.wrap("looking up the schema", err)
		}
		if !exists {
			if _, err := tx.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{s.schema}.Sanitize()); err != nil {
				return s.wrap("creating the schema", err)
			}
		}
		// The pool's search_path names the schema; set it again in case
		// the schema did not exist when the connection started.
		if _, err := tx.Exec(ctx, `SELECT set_config('search_path', $1, true)`, pgx.Identifier{s.schema}.Sanitize()); err != nil {
			return s.wrap("setting the search path", err)
		}
		var tables, versioned int
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE c.relname = 'schema_version')
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`, s.schema).Scan(&tables, &versioned); err != nil {
			return s.wrap("reading the schema", err)
		}
		if tables > 0 && versioned == 0 {
			return fmt.Errorf("%w: schema %q has tables but no schema_version", ErrNotStore, s.schema)
		}
		if versioned == 0 {
			if _, err := tx.Exec(ctx, `CREATE TABLE schema_version (version integer PRIMARY KEY)`); err != nil {
				return s.wrap("creating schema_version", err)
			}
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
			return s.wrap("reading the schema version", err)
		}
		if version > SchemaVersion {
			return &VersionError{Schema: s.schema, Version: version, Supported: SchemaVersion}
		}
		for v := version; v < SchemaVersion; v++ {
			for i, stmt := range migrations[v] {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return s.wrap(fmt.Sprintf("migrating to version %d (statement %d)", v+1, i+1), err)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, v+1); err != nil {
				return s.wrap(fmt.Sprintf("recording version %d", v+1), err)
			}
		}
		return nil
	})
}
