package sqlite

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. The typed errors of this package wrap them, so callers
// test them with [errors.Is]. Errors of the database itself (a locked or
// corrupt file, a full disk) come wrapped with the store's path.
var (
	// ErrSchemaTooNew: the database was written by a newer version of aspm
	// whose schema this code does not know. Its chain holds a
	// [*VersionError].
	ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this code")
	// ErrNotStore: the file is an SQLite database of another application
	// (its application_id is not aspm's).
	ErrNotStore = errors.New("sqlite: not an aspm state store")
	// ErrCorrupt: a stored row cannot be read back (JSON that does not
	// decode, a time that does not parse). Its chain holds a [*RowError].
	ErrCorrupt = errors.New("sqlite: unreadable stored row")
	// ErrInvalidResult: [Store.Save] was given a result that names a
	// modified record it does not hold.
	ErrInvalidResult = errors.New("sqlite: invalid result")
	// ErrInvalidOptions: [Open] was given an empty path or an option out
	// of range, or [Store.Records] a query with a negative Limit, an
	// unknown Order or a time outside years 1 to 9999.
	ErrInvalidOptions = errors.New("sqlite: invalid options")
	// ErrIntegrity: [Store.Check] found the database damaged.
	ErrIntegrity = errors.New("sqlite: integrity check failed")
)

// VersionError reports a database whose schema version this code cannot
// handle. Use [errors.As] to get one; errors.Is(err, [ErrSchemaTooNew])
// is true for it. Like every error value, it is not modified after it is
// returned and may be read from several goroutines.
type VersionError struct {
	// Path is the database file given to [Open].
	Path string
	// Version is the schema version the database records; Supported the
	// newest this code knows ([SchemaVersion]).
	Version, Supported int
}

func (e *VersionError) Error() string {
	return "sqlite: " + e.Path + ": schema version " + strconv.Itoa(e.Version) +
		" is newer than this code supports (" + strconv.Itoa(e.Supported) + "): upgrade aspm"
}

// Is makes errors.Is(err, ErrSchemaTooNew) true for every VersionError.
func (e *VersionError) Is(target error) bool { return target == ErrSchemaTooNew }

// RowError reports a stored row that cannot be decoded: which database,
// table, key and column, and why. A store never skips such a row: the
// read that meets it fails with this error. Use [errors.As] to get one;
// errors.Is(err, [ErrCorrupt]) is true for it. It is not modified after
// it is returned and may be read from several goroutines.
type RowError struct {
	// Path is the database file given to [Open].
	Path string
	// Table is "records" or "scans".
	Table string
	// Tenant, Application and ID are the row's key (for a scan, ID is the
	// scan ID).
	Tenant, Application, ID string
	// Column names the column that does not decode.
	Column string
	// Err is the cause (a JSON or time parsing error).
	Err error
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString("sqlite: ")
	if e.Path != "" {
		b.WriteString(e.Path)
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
