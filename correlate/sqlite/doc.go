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
// ([Options.BusyTimeout]). By default commits use synchronous=NORMAL
// ([SynchronousNormal]): a committed scan survives the process being
// killed, but on power loss or an operating-system crash the last
// commits may be rolled back. The database is never corrupted either
// way. [SynchronousFull] syncs the log at every commit, so that a
// committed scan survives power loss too, at the cost of one fsync per
// scan.
//
// # Crash safety
//
// [Store.Save] applies a scan in one transaction, and [Open] migrates a
// database in one transaction. Whenever a process using the store is
// killed (kill -9, in the middle of a Save or of an Open that creates
// and migrates the file), the database afterwards opens, passes SQLite's
// integrity check ([Store.Check]), and holds each scan whole or not at
// all: the scans table and the records agree, and every scan whose Save
// returned is there. A new file holds no schema or the whole of it. A
// reader never sees part of a scan.
//
// TestKillNeverLeavesHalfAScan checks this at every go test: it kills a
// process applying 500-finding scans 50 times, most of them at a random
// moment inside a Save, some while it opens or creates a store, and
// compares the database after each kill with a [correlate.MemoryStore]
// that applied the same scans. ASPM_KILLS=N go test -run
// TestKillNeverLeavesHalfAScan ./correlate/sqlite/ kills N times, for
// longer runs.
//
// What the store cannot guard against is damage from outside: a file
// truncated or overwritten, a write-ahead log (the -wal file beside the
// database) lost or copied from another database. SQLite keeps no
// checksum of its pages. Open reads the header and the schema, and
// fails with [ErrCorrupt] or [ErrNotStore] when they are damaged; damage
// elsewhere is reported by the first read that meets it ([ErrCorrupt],
// with a [*RowError] for a row that does not decode) or by
// [Store.Check], which reads every page. Bytes that land in free space,
// or turn a stored text into another valid one, go unnoticed. Copy a
// store after a clean [Store.Close] (which folds the log into the file),
// or together with its -wal file, and run Check on a copy or after a
// machine crash.
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
// Every error names the database's path. Errors of the database itself
// come as a [*DatabaseError] (path, operation, SQLite's result code),
// which matches a sentinel: [ErrCorrupt] for a damaged file,
// [ErrNotStore] for a file that is not an SQLite database or is the
// database of another application, [ErrCannotOpen] for a directory, a
// read-only file or one SQLite cannot open to write, [ErrBusy] when
// another writer held the lock longer than the busy timeout. [Open]
// refuses a database written by a newer aspm with a [*VersionError]; an
// empty file is an empty database, which Open makes a store. A stored
// row that does not decode is reported with a [*RowError] naming the
// table, key and column ([ErrCorrupt]); it is never skipped. [Store.Save]
// refuses, with [ErrInvalidResult] and without writing anything, a
// result it could not read back.
//
// # Concurrency
//
// A [Store] is safe for concurrent use, and several processes may share
// one file, as the CLI and the portal do: readers run beside the writer,
// the writers of one Store take turns, and writers of different
// processes wait for each other at SQLite's lock, up to the busy timeout
// ([ErrBusy] past it). No interleaving corrupts the database or loses a
// committed write.
//
// Triage is [Store.SetTriage]'s: [Store.Save] writes every field of an
// existing record but its triage, keeping the one the store holds and
// clearing it only when it no longer holds at the scan's time (as
// [correlate.Compare] does). A decision an analyst records or clears in
// the portal while the CLI imports a scan, between the Load and the Save
// of its [correlate.Track], is therefore kept, as in correlate/postgres.
// TestCLIAndPortalAtOnce runs the two in two processes on one file and
// checks that every decision the portal committed holds at the end.
// Callers still serialize the tracking of one application (see
// [correlate.Track]): two scans of one application tracked at once are
// each saved whole, but the later one was compared with a baseline that
// missed the other.
package sqlite
