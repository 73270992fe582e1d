// Package postgres is the server state store of aspm: a
// [correlate.Store] on PostgreSQL, through a pgx connection pool, for
// deployments where several replicas of a service track scans and serve
// the portal from one database. It has the semantics of the embedded
// correlate/sqlite store; the internal/storetest suite runs the same
// sequences against both and against [correlate.MemoryStore].
//
// [Open] connects and migrates the store's schema; [correlate.Track] then
// applies scans to it:
//
//	st, err := postgres.Open(ctx, "postgres://aspm@db.internal/aspm?sslmode=verify-full", postgres.Options{})
//	...
//	defer st.Close()
//	res, err := correlate.Track(ctx, st, scan, correlate.Options{})
//
// # Schema and migrations
//
// The tables live in one PostgreSQL schema ([Options.Schema], default
// [DefaultSchema]), created if missing; the pool's search_path names it.
// The schema_version table records the migrations applied. [Open]
// applies the missing ones, oldest first, in one transaction that first
// takes a transaction-level advisory lock (pg_advisory_xact_lock) on the
// schema's name: replicas that start at once migrate one after the
// other, and the later ones find nothing to do. A schema migrated by a
// newer aspm is refused with a [*VersionError], one that holds another
// application's tables with [ErrNotStore].
//
// Every table is keyed by tenant and application first:
//
//   - scans: (tenant, application, seq), one row per saved scan: its ID,
//     time and counts by state;
//   - records: (tenant, application, id), one row per finding identity,
//     with a column for each field a query filters or sorts on (state,
//     open, severity, tool, kind, cluster, first and last seen, triage
//     status and expiry), the finding, its history and its triage as
//     json, and the scan that last wrote it (a foreign key to scans).
//
// Indexes serve the portal's queries: records by state, severity and
// last seen (the findings list, newest first), by last seen, by cluster,
// and records with a triage. Keys use the "C" collation, so records sort
// by ID byte-wise whatever the database's locale. Times are timestamptz
// plus the nanoseconds PostgreSQL does not keep, so records read back
// carry the same instants, in UTC. Findings are json, not jsonb: jsonb
// refuses the \u0000 escape a finding's text may need. Keys (tenant,
// application, scan and record IDs, tool, kind, cluster) must be valid
// UTF-8 without NUL bytes: text columns cannot hold them.
//
// # Writing
//
// [Store.Save] applies a scan in one transaction: it inserts the scan's
// row, copies the modified records into a temporary table with COPY and
// upserts them with one INSERT ... ON CONFLICT, in ID order. A reader
// never sees part of a scan.
//
// The transaction runs at READ COMMITTED, not REPEATABLE READ: the
// upsert is its only read, and at READ COMMITTED it works on the latest
// committed version of each record, which is what merging a concurrent
// triage needs; at REPEATABLE READ a triage set after the snapshot fails
// the scan with a serialization failure, and retrying writes the same
// rows again (a steady stream of triage decisions starved a scan in the
// 60-second stress test). Writers lock records in ID order and do not
// deadlock; a transaction that still fails with a serialization failure
// (SQLSTATE 40001) or a deadlock (40P01) runs again after a random,
// doubling backoff, up to [Options.Retries] times; past that the error
// wraps [ErrConflict].
//
// Triage is [Store.SetTriage]'s: Save keeps the triage a record holds,
// clearing it only when it no longer holds at the scan's time, as
// [correlate.Compare] does. A decision an analyst records while a scan
// is being compared is therefore never lost; the SQLite store and the
// MemoryStore follow the same rule.
// Callers still serialize the tracking of one application (see
// [correlate.Track]): two scans of one application compared at once
// are each saved whole, but the later one was compared with a baseline
// that missed the other.
//
// # Reading
//
// [Store.Load] returns a tenant's application's records, for
// [correlate.Track]. [Store.Records] streams the records a
// [correlate.Query] selects (open ones, by state, severity, cluster, tool
// or triage), by ID or newest first ([correlate.ByLastSeen]), with a
// limit: the portal's findings list, answered as the correlate/sqlite
// store answers it. ([Query], [ByID] and [ByLastSeen] are aliases of
// the correlate names.) [Store.Scans] lists the scans applied.
//
// # Partitioning and Citus
//
// The tables are ordinary tables. A database with many tenants can
// partition records and scans by tenant with PostgreSQL's native LIST
// partitioning: create the tables partitioned before the first [Open]
// (with a schema_version table holding 1, so that Open takes them for
// its own), for example
//
//	CREATE TABLE records (... same columns ...) PARTITION BY LIST (tenant);
//	CREATE TABLE records_acme PARTITION OF records FOR VALUES IN ('acme');
//	CREATE TABLE records_rest PARTITION OF records DEFAULT;
//
// (before PostgreSQL 17, a partitioned scans table cannot have an
// identity column: give seq a sequence default, bigserial, instead). The
// primary keys and indexes all begin with tenant, as partitioned
// tables require, and every query of the store names its tenant, so
// that PostgreSQL prunes the other partitions.
//
// On Citus, distribute both tables by tenant, colocated, after the
// first Open:
//
//	SELECT create_distributed_table('scans', 'tenant');
//	SELECT create_distributed_table('records', 'tenant', colocate_with => 'scans');
//
// Each Save and each query then touches one tenant's shards: the
// foreign key from records to scans includes the distribution column,
// and the transaction stays on one worker. The schema_version table can
// stay local (or be a reference table).
//
// # Errors
//
// A stored row that does not decode is reported with a [*RowError]
// naming the schema, table, key and column ([ErrCorrupt]); it is never
// skipped. [Store.Save] refuses, with [ErrInvalidResult] and without
// writing anything, a result it could not read back. Server errors come
// wrapped with the schema and the operation, never with the DSN.
//
// # Concurrency
//
// A [Store] is safe for concurrent use, and several processes may share
// one database and schema. The tests that need a server read its DSN
// from ASPM_POSTGRES_DSN and skip without it; scripts/pg-test.sh runs
// them against a throwaway cluster.
package postgres
