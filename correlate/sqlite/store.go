package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/aspmkit/aspm/correlate"
)

// Synchronous chooses how hard a commit pushes data to stable storage
// (SQLite's synchronous setting).
type Synchronous int

// The synchronous levels.
const (
	// SynchronousNormal (the default) syncs the write-ahead log at
	// checkpoints, not at every commit. A commit survives the process
	// being killed; on power loss or an operating-system crash the last
	// commits may be rolled back, but the database is never corrupted and
	// never holds part of a scan.
	SynchronousNormal Synchronous = iota
	// SynchronousFull syncs the write-ahead log at every commit: a
	// committed scan survives power loss too, at the cost of one fsync
	// per [Store.Save].
	SynchronousFull
)

func (s Synchronous) pragma() (string, bool) {
	switch s {
	case SynchronousNormal:
		return "NORMAL", true
	case SynchronousFull:
		return "FULL", true
	}
	return "", false
}

// DefaultBusyTimeout is how long a writer waits for another connection's
// lock when [Options.BusyTimeout] is zero.
const DefaultBusyTimeout = 5 * time.Second

// cacheKiB bounds the page cache of each connection.
const cacheKiB = 32 << 10

// walLimit is the size the write-ahead log is truncated to after a
// checkpoint.
const walLimit = 64 << 20

// Options configures [Open]. The zero value is ready to use. It is a
// plain value, safe to copy and share.
type Options struct {
	// Synchronous trades commit speed against durability on power loss;
	// see [SynchronousNormal] (the default) and [SynchronousFull].
	Synchronous Synchronous
	// BusyTimeout is how long an operation waits for a lock held by
	// another connection or process before failing with [ErrBusy]; zero
	// means [DefaultBusyTimeout].
	BusyTimeout time.Duration
}

// Store is a [correlate.Store] on an SQLite database file, through the
// pure-Go modernc.org/sqlite driver (no cgo).
//
// The database runs in WAL mode: readers never block the writer nor each
// other, and a [Store.Load] that runs during a [Store.Save] sees the state
// before or after that scan, never part of it. The writers of one Store
// take turns; writers of different Stores and processes are serialized by
// SQLite's lock, waiting up to [Options.BusyTimeout] (then failing with
// [ErrBusy]).
//
// A Store is safe for concurrent use by multiple goroutines, and several
// processes may open the same file.
type Store struct {
	db   *sql.DB
	path string
	// writer is held by the goroutine whose write transaction runs:
	// writers of one Store queue here, in turn, instead of polling
	// SQLite's lock (its busy handler sleeps between tries, and a
	// writer that tries at the wrong moments can starve). Writers of
	// other processes still meet at SQLite's lock.
	writer chan struct{}
}

// lockWriter waits for this Store's turn to write, or for ctx to end.
func (s *Store) lockWriter(ctx context.Context) error {
	select {
	case s.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) unlockWriter() { <-s.writer }

var _ correlate.Store = (*Store)(nil)

// Open opens the store in the SQLite database at path, creating the file
// if it does not exist, and migrates its schema to [SchemaVersion] in one
// transaction. The path ":memory:" opens a private in-memory database on
// a single connection, for tests: there, a [Store.Records] loop holds the
// connection, so its body must not call the store.
//
// Open fails with a [*VersionError] for a database written by a newer
// aspm; with [ErrNotStore] for a database of another application or a
// file that is not an SQLite database; with [ErrCannotOpen] for a
// directory, a read-only file or one SQLite cannot open to write; with
// [ErrCorrupt] for a file SQLite finds damaged (one truncated, for
// example). Open reads the schema, not every page: damage elsewhere shows
// when a read meets it, or at [Store.Check]. An empty file is an empty
// database: Open makes it a store. Every error names the path.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty database path", ErrInvalidOptions)
	}
	sync, ok := opts.Synchronous.pragma()
	if !ok {
		return nil, fmt.Errorf("%w: unknown Synchronous %d", ErrInvalidOptions, opts.Synchronous)
	}
	if opts.BusyTimeout < 0 {
		return nil, fmt.Errorf("%w: negative BusyTimeout %v", ErrInvalidOptions, opts.BusyTimeout)
	}
	busy := opts.BusyTimeout
	if busy == 0 {
		busy = DefaultBusyTimeout
	}
	memory := path == ":memory:"
	name := path
	if !memory {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", path, err)
		}
		if err := writable(path, abs); err != nil {
			return nil, err
		}
		name = fileURI(abs)
	}
	q := url.Values{}
	q.Set("_busy_timeout", strconv.FormatInt(busy.Milliseconds(), 10))
	q.Set("_foreign_keys", "1")
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", sync)
	// Every transaction of the store writes: take the write lock when it
	// begins, so that a busy writer waits instead of failing on upgrade.
	q.Set("_txlock", "immediate")
	// A rescan rewrites every record and its index entries: a larger
	// page cache keeps index pages from being spilled and written again.
	q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -cacheKiB))
	// A big scan grows the write-ahead log; truncate it after checkpoints.
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walLimit))
	db, err := sql.Open("sqlite", name+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	if memory {
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, path: path, writer: make(chan struct{}, 1)}
	// Connecting sets the journal mode, which SQLite may answer with
	// SQLITE_BUSY at once, without its busy handler, while another
	// process holds the database (seen with a CLI and a portal writing
	// one file): try again until the busy timeout has passed.
	deadline := time.Now().Add(busy)
	for {
		err = s.init(ctx, memory)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, ErrBusy) || !time.Now().Before(deadline) {
			_ = db.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			_ = db.Close()
			return nil, err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *Store) init(ctx context.Context, memory bool) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap("opening", err)
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return s.wrap("reading the journal mode", err)
	}
	if !memory && !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: %s: the file system does not support WAL mode (journal mode is %q)", s.path, mode)
	}
	return s.migrate(ctx, conn)
}

// writable refuses, before SQLite sees it, a path that is a directory or
// a file without write permission (which SQLite would open read-only,
// and which root could write all the same): a store writes, and a
// read-only file says it should not be written. Other problems (a
// missing directory, permissions) are left to SQLite.
func writable(path, abs string) error {
	fi, err := os.Stat(abs)
	if err != nil {
		return nil // a new file, or SQLite reports what is wrong
	}
	switch {
	case fi.IsDir():
		return &DatabaseError{Path: path, Op: "opening", Code: codeCantOpen, Err: errors.New("it is a directory")}
	case fi.Mode().Perm()&0o222 == 0:
		return &DatabaseError{Path: path, Op: "opening", Code: codeReadOnly,
			Err: fmt.Errorf("the file is read-only (mode %v)", fi.Mode().Perm())}
	}
	return nil
}

// fileURI turns an absolute path into an SQLite file: URI, escaping what
// a URI would otherwise read as a query, fragment or escape.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	var b strings.Builder
	b.WriteString("file://")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '/', c == '-', c == '.', c == '_', c == '~', c == ':':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// wrap returns a database error as a [*DatabaseError] naming the store's
// path, what was being done and SQLite's result code.
func (s *Store) wrap(doing string, err error) error {
	return &DatabaseError{Path: s.path, Op: doing, Code: resultCode(err), Err: err}
}

// Close implements [correlate.Store]: it closes the database. A clean
// close checkpoints the write-ahead log into the database file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return s.wrap("closing", err)
	}
	return nil
}

// Check runs SQLite's integrity check over the whole database. When it
// finds a problem, or SQLite finds the file too damaged to check, the
// error is a [*DatabaseError] that wraps [ErrIntegrity] (with SQLite's
// first messages) and matches [ErrCorrupt]. It reads every page: run it
// after a crash of the machine, a restore or a copy, not at every
// [Open].
func (s *Store) Check(ctx context.Context) error {
	msgs, err := s.integrity(ctx)
	if err != nil {
		if c := resultCode(err); c == codeCorrupt || c == codeNotADB {
			return &DatabaseError{Path: s.path, Op: "checking integrity", Code: codeCorrupt, Err: fmt.Errorf("%w: %w", ErrIntegrity, err)}
		}
		return s.wrap("checking integrity", err)
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	return &DatabaseError{Path: s.path, Op: "checking integrity", Code: codeCorrupt,
		Err: fmt.Errorf("%w: %s", ErrIntegrity, strings.Join(msgs, "; "))}
}

// integrity returns the first messages of SQLite's integrity check.
func (s *Store) integrity(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check(10)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, rows.Err()
}

// Version returns the schema version the database records.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, s.wrap("reading the schema version", err)
	}
	return v, nil
}
