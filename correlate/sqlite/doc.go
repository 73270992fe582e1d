// Package sqlite is the embedded state store of aspm: a
// [correlate.Store] on an SQLite database file, through the pure-Go
// modernc.org/sqlite driver (no cgo, no server).
//
// [Open] creates or opens the file and migrates it; [correlate.Track]
// then applies scans to it:
//
//	st, err := sqlite.Open(ctx, "aspm.db", sqlite.Options{})
//	...
//	defer st.Close()
//	res, err := correlate.Track(ctx, st, scan, correlate.Options{})
//
// # Durability
//
// The database runs in WAL mode with foreign keys on and a busy timeout
// ([Options.BusyTimeout]). [Store.Save] applies a scan in one
// transaction: after a crash, a scan is either wholly applied or not at
// all, and a reader never sees part of one.
//
// By default commits use synchronous=NORMAL ([SynchronousNormal]): a
// committed scan survives the process being killed, but on power loss or
// an operating-system crash the last commits may be rolled back. The
// database is never corrupted either way. [SynchronousFull] syncs the log
// at every commit, so that a committed scan survives power loss too, at
// the cost of one fsync per scan.
//
// # Schema and migrations
//
// The schema_version table records the migrations applied. [Open]
// applies the missing ones, oldest first, in one transaction, up to
// [SchemaVersion]; a database written by a newer aspm is refused with a
// [*VersionError], and an SQLite file of another application with
// [ErrNotStore] (aspm marks its files with an application_id in the
// header).
//
// Records live in the records table, one row per tenant, application and
// identity key, with a column for each field a query filters on (state,
// open, severity, cluster, tool, first and last seen, triage status and
// expiry), and the finding, its history and its triage as JSON. The
// scans table has one row per saved scan: tenant, application, scan ID,
// time, and counts by state; each record points to the scan that last
// wrote it.
// Times are stored in UTC, to the nanosecond: records read back carry the
// same instants, in UTC. Finding properties read back in their JSON form
// (numbers as float64, lists as []any).
//
// # Reading
//
// [Store.Load] returns a tenant's application's records, for
// [correlate.Track]. [Store.Records] streams the records a
// [correlate.Query] selects (open ones, by state, severity, cluster, tool
// or triage), by ID or newest first ([correlate.ByLastSeen]), with a
// limit, one row at a time: the portal's findings list, with the
// semantics of the correlate/postgres store (the same scans give the
// same answers on both). The records_by_list index (tenant, application,
// state, severity, then newest first) serves the list by state and
// severity without sorting. [Store.Scans] lists the scans applied, and
// [Store.Check] runs SQLite's integrity check.
//
// # Errors
//
// A stored row that does not decode is reported with a [*RowError]
// naming the table, key and column ([ErrCorrupt]); it is never skipped.
// [Store.Save] refuses, with [ErrInvalidResult] and without writing
// anything, a result it could not read back. Database errors come
// wrapped with the file's path and the operation.
//
// # Concurrency
//
// A [Store] is safe for concurrent use, and several processes may share
// one file: readers run beside the writer, and writers wait for each
// other up to the busy timeout. Callers still serialize the tracking of
// one application (see [correlate.Track]).
package sqlite
