package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
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
	// another connection or process before failing; zero means
	// [DefaultBusyTimeout].
	BusyTimeout time.Duration
}

// Store is a [correlate.Store] on an SQLite database file, through the
// pure-Go modernc.org/sqlite driver (no cgo).
//
// The database runs in WAL mode: readers never block the writer nor each
// other, and a [Store.Load] that runs during a [Store.Save] sees the state
// before or after that scan, never part of it. Writers are serialized by
// SQLite's lock, across processes too, waiting up to
// [Options.BusyTimeout].
//
// A Store is safe for concurrent use by multiple goroutines, and several
// processes may open the same file.
type Store struct {
	db   *sql.DB
	path string
}

var _ correlate.Store = (*Store)(nil)

// Open opens the store in the SQLite database at path, creating the file
// if it does not exist, and migrates its schema to [SchemaVersion] in one
// transaction. The path ":memory:" opens a private in-memory database on
// a single connection, for tests: there, a [Store.Records] loop holds the
// connection, so its body must not call the store.
//
// Open fails with a [*VersionError] for a database written by a newer
// aspm, and with [ErrNotStore] for a database of another application.
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
	s := &Store{db: db, path: path}
	if err := s.init(ctx, memory); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
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

// wrap prefixes a database error with the store's path and what was
// being done.
func (s *Store) wrap(doing string, err error) error {
	return fmt.Errorf("sqlite: %s: %s: %w", s.path, doing, err)
}

// Close implements [correlate.Store]: it closes the database. A clean
// close checkpoints the write-ahead log into the database file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return s.wrap("closing", err)
	}
	return nil
}

// Check runs SQLite's integrity check over the whole database and returns
// an error wrapping [ErrIntegrity] with SQLite's first messages when it
// finds a problem.
func (s *Store) Check(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check(10)`)
	if err != nil {
		return s.wrap("checking integrity", err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return s.wrap("checking integrity", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return s.wrap("checking integrity", err)
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	return fmt.Errorf("%w: %s: %s", ErrIntegrity, s.path, strings.Join(msgs, "; "))
}

// Version returns the schema version the database records.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, s.wrap("reading the schema version", err)
	}
	return v, nil
}
