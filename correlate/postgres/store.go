package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aspmkit/aspm/correlate"
)

// DefaultSchema is the PostgreSQL schema the store's tables live in when
// [Options.Schema] is empty.
const DefaultSchema = "aspm"

// DefaultRetries is how many times a transaction is retried after a
// serialization failure or a deadlock when [Options.Retries] is zero.
const DefaultRetries = 10

// The bounds of the backoff between retries: the first retry waits up to
// minBackoff, each next one up to twice as long, never more than
// maxBackoff.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

// schemaName is what [Options.Schema] accepts: a lower-case unquoted
// identifier, so that the name reads the same in SQL, in search_path and
// in error messages.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Options configures [Open]. The zero value is ready to use. It is a
// plain value, safe to copy and share.
type Options struct {
	// Schema is the PostgreSQL schema that holds the store's tables,
	// created by [Open] if missing; empty means [DefaultSchema]. It must
	// be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 bytes).
	// Several stores may share a database in different schemas.
	Schema string
	// MaxConns bounds the connection pool; zero means pgxpool's default
	// (the greater of 4 and the number of CPUs).
	MaxConns int32
	// Retries is how many times a transaction that fails with a
	// serialization failure (SQLSTATE 40001) or a deadlock (40P01) is run
	// again, after a random backoff that doubles each time; zero means
	// [DefaultRetries]. Past it the error wraps [ErrConflict].
	Retries int
}

// Store is a [correlate.Store] on a PostgreSQL database, through a pgx
// connection pool.
//
// [Store.Save] applies a scan in one transaction, retried on
// serialization failures and deadlocks: a concurrent [Store.Load] sees
// the state before or after that scan, never part of it, and a triage set
// by [Store.SetTriage] while a scan is being tracked is never lost.
//
// A Store is safe for concurrent use by multiple goroutines, and several
// processes (replicas of a service) may open the same database and
// schema.
type Store struct {
	pool    *pgxpool.Pool
	schema  string
	retries int
	retried atomic.Int64 // transactions run again, for tests
}

var _ correlate.Store = (*Store)(nil)

// Open connects to the database that dsn names (a URL,
// postgres://user@host:5432/db?sslmode=verify-full, or key=value pairs,
// as libpq and pgx accept them; PG* environment variables fill in what
// it leaves out) and migrates the store's schema to [SchemaVersion] in
// one transaction, under an advisory lock, so that several replicas may
// start at once.
//
// Open fails with [ErrInvalidOptions] for a DSN that does not parse or a
// bad option, with a [*VersionError] for a schema migrated by a newer
// aspm, and with [ErrNotStore] for a schema that holds another
// application's tables.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	schema := opts.Schema
	if schema == "" {
		schema = DefaultSchema
	}
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("%w: schema %q is not a lower-case identifier", ErrInvalidOptions, schema)
	}
	if opts.MaxConns < 0 {
		return nil, fmt.Errorf("%w: negative MaxConns %d", ErrInvalidOptions, opts.MaxConns)
	}
	if opts.Retries < 0 {
		return nil, fmt.Errorf("%w: negative Retries %d", ErrInvalidOptions, opts.Retries)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	cfg.ConnConfig.RuntimeParams["application_name"] = "aspm"
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: schema %q: connecting: %w", schema, err)
	}
	s := &Store{pool: pool, schema: schema, retries: opts.Retries}
	if s.retries == 0 {
		s.retries = DefaultRetries
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// wrap prefixes a database error with the store's schema and what was
// being done.
func (s *Store) wrap(doing string, err error) error {
	var ve *VersionError
	if errors.As(err, &ve) || errors.Is(err, ErrNotStore) || errors.Is(err, ErrInvalidResult) ||
		errors.Is(err, ErrConflict) || errors.Is(err, ErrCorrupt) {
		return err // already says where
	}
	return fmt.Errorf("postgres: schema %q: %s: %w", s.schema, doing, err)
}

// Close implements [correlate.Store]: it closes the connection pool,
// waiting for the connections in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Version returns the schema version the store records.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, s.wrap("reading the schema version", err)
	}
	return v, nil
}

// Schema returns the PostgreSQL schema that holds the store's tables.
func (s *Store) Schema() string { return s.schema }

// retryable reports whether err is a serialization failure or a deadlock:
// the transaction can be run again as it was.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// inTx runs fn in a transaction at the given isolation level, and runs it
// again, after a random backoff, when the transaction fails with a
// serialization failure or a deadlock, up to the store's retries.
func (s *Store) inTx(ctx context.Context, iso pgx.TxIsoLevel, fn func(pgx.Tx) error) error {
	backoff := minBackoff
	for attempt := 0; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: iso}, fn)
		if err == nil || !retryable(err) {
			return err
		}
		s.retried.Add(1)
		if attempt >= s.retries {
			return fmt.Errorf("%w: %d attempts: %w", ErrConflict, attempt+1, err)
		}
		// Full jitter: concurrent writers that conflicted once do not
		// retry in lockstep.
		wait := backoff/2 + rand.N(backoff/2+1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}
