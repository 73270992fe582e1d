package postgres

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. The typed errors of this package wrap them, so callers
// test them with [errors.Is]. Errors of the server itself (a refused
// connection, a full disk, a missing privilege) come wrapped with the
// store's schema and the operation, never with the DSN, which may hold a
// password.
var (
	// ErrSchemaTooNew: the schema was migrated by a newer version of aspm
	// whose tables this code does not know. Its chain holds a
	// [*VersionError].
	ErrSchemaTooNew = errors.New("postgres: store schema is newer than this code")
	// ErrNotStore: the schema holds tables but no schema_version table:
	// it belongs to another application.
	ErrNotStore = errors.New("postgres: not an aspm state store")
	// ErrCorrupt: a stored row cannot be read back (JSON that does not
	// decode, a sub-microsecond part out of range). Its chain holds a
	// [*RowError].
	ErrCorrupt = errors.New("postgres: unreadable stored row")
	// ErrInvalidResult: [Store.Save] was given a result it cannot store
	// and read back (a modified record it does not hold, a time outside
	// years 1 to 9999, a key with a NUL byte or invalid UTF-8).
	ErrInvalidResult = errors.New("postgres: invalid result")
	// ErrInvalidOptions: [Open] was given a DSN that does not parse or an
	// option out of range, or a [Query] holds a bad bound.
	ErrInvalidOptions = errors.New("postgres: invalid options")
	// ErrConflict: a transaction still failed with a serialization
	// failure or a deadlock after [Options.Retries] retries. Its chain
	// holds the server's last error.
	ErrConflict = errors.New("postgres: transaction kept conflicting with concurrent ones")
)

// VersionError reports a store whose schema version this code cannot
// handle. Use [errors.As] to get one; errors.Is(err, [ErrSchemaTooNew])
// is true for it. Like every error value, it is not modified after it is
// returned and may be read from several goroutines.
type VersionError struct {
	// Schema is the PostgreSQL schema the store lives in.
	Schema string
	// Version is the schema version the store records; Supported the
	// newest this code knows ([SchemaVersion]).
	Version, Supported int
}

func (e *VersionError) Error() string {
	return "postgres: schema " + strconv.Quote(e.Schema) + ": version " + strconv.Itoa(e.Version) +
		" is newer than this code supports (" + strconv.Itoa(e.Supported) + "): upgrade aspm"
}

// Is makes errors.Is(err, ErrSchemaTooNew) true for every VersionError.
func (e *VersionError) Is(target error) bool { return target == ErrSchemaTooNew }

// RowError reports a stored row that cannot be decoded: which schema,
// table, key and column, and why. A store never skips such a row: the
// read that meets it fails with this error. Use [errors.As] to get one;
// errors.Is(err, [ErrCorrupt]) is true for it. It is not modified after
// it is returned and may be read from several goroutines.
type RowError struct {
	// Schema is the PostgreSQL schema the store lives in.
	Schema string
	// Table is "records" or "scans".
	Table string
	// Tenant, Application and ID are the row's key (for a scan, ID is the
	// scan ID).
	Tenant, Application, ID string
	// Column names the column that does not decode.
	Column string
	// Err is the cause (a JSON error, an out-of-range value).
	Err error
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString("postgres: ")
	if e.Schema != "" {
		b.WriteString("schema ")
		b.WriteString(strconv.Quote(e.Schema))
		b.WriteString(": ")
	}
	b.WriteString(e.Table)
	b.WriteString(" row ")
	b.WriteString(strconv.Quote(e.Tenant))
	b.WriteString("/")
	b.WriteString(strconv.Quote(e.Application))
	b.WriteString("/")
	b.WriteString(strconv.Quote(e.ID))
	b.WriteString(": column ")
	b.WriteString(e.Column)
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("unreadable value")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *RowError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCorrupt) true for every RowError.
func (e *RowError) Is(target error) bool { return target == ErrCorrupt }
