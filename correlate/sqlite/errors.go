package sqlite

import (
	"errors"
	"strconv"
	"strings"

	driver "modernc.org/sqlite"
)

// Sentinel errors. The typed errors of this package wrap them, so callers
// test them with [errors.Is]. Errors of the database itself come as a
// [*DatabaseError] naming the store's path, which matches the sentinel of
// SQLite's result code: [ErrCorrupt], [ErrNotStore], [ErrCannotOpen] or
// [ErrBusy].
var (
	// ErrSchemaTooNew: the database was written by a newer version of aspm
	// whose schema this code does not know. Its chain holds a
	// [*VersionError].
	ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this code")
	// ErrNotStore: the file is not an aspm state store: an SQLite
	// database of another application (its application_id is not
	// aspm's, or it has tables but no schema_version), or a file that is
	// not an SQLite database at all (SQLITE_NOTADB; its header may also
	// have been overwritten).
	ErrNotStore = errors.New("sqlite: not an aspm state store")
	// ErrCorrupt: the database is damaged. Either a stored row cannot be
	// read back (JSON that does not decode, a time that does not parse;
	// its chain holds a [*RowError]), or SQLite found the file damaged
	// (SQLITE_CORRUPT: a file truncated or overwritten, a write-ahead log
	// of another database; its chain holds a [*DatabaseError]), or
	// [Store.Check] did ([ErrIntegrity]).
	ErrCorrupt = errors.New("sqlite: corrupt database")
	// ErrInvalidResult: [Store.Save] was given a result that names a
	// modified record it does not hold.
	ErrInvalidResult = errors.New("sqlite: invalid result")
	// ErrInvalidOptions: [Open] was given an empty path or an option out
	// of range, or [Store.Records] a query with a negative Limit, an
	// unknown Order or a time outside years 1 to 9999.
	ErrInvalidOptions = errors.New("sqlite: invalid options")
	// ErrIntegrity: [Store.Check] found the database damaged. Its errors
	// match [ErrCorrupt] too.
	ErrIntegrity = errors.New("sqlite: integrity check failed")
	// ErrCannotOpen: the path cannot be opened as a database to write: it
	// is a directory, the file is read-only, or SQLite cannot open or
	// write it or its write-ahead log (permissions, a read-only file
	// system: SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM).
	ErrCannotOpen = errors.New("sqlite: cannot open the database for writing")
	// ErrBusy: another connection or process held the database's lock
	// for longer than [Options.BusyTimeout] (SQLITE_BUSY, SQLITE_LOCKED).
	ErrBusy = errors.New("sqlite: database is locked")
)

// SQLite's primary result codes that this package maps to sentinels.
const (
	codePerm     = 3
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeCorrupt  = 11
	codeCantOpen = 14
	codeNotADB   = 26
)

// DatabaseError reports an error of the database itself: which file,
// what the store was doing, SQLite's result code and the cause. Use
// [errors.As] to get one; [errors.Is] matches the sentinel of its code
// ([ErrCorrupt], [ErrNotStore], [ErrCannotOpen], [ErrBusy]) and, through
// Err, the cause (context.Canceled...). It is not modified after it is
// returned and may be read from several goroutines.
type DatabaseError struct {
	// Path is the database file given to [Open].
	Path string
	// Op says what the store was doing ("opening", "reading records",
	// "committing scan \"ci-42\""...).
	Op string
	// Code is SQLite's primary result code (SQLITE_CORRUPT is 11...), or
	// 0 when the cause is not an SQLite error.
	Code int
	// Err is the cause.
	Err error
}

func (e *DatabaseError) Error() string {
	return "sqlite: " + e.Path + ": " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *DatabaseError) Unwrap() error { return e.Err }

// Is matches the sentinel of e's result code.
func (e *DatabaseError) Is(target error) bool {
	switch target {
	case ErrCorrupt:
		return e.Code == codeCorrupt
	case ErrNotStore:
		return e.Code == codeNotADB
	case ErrCannotOpen:
		return e.Code == codeCantOpen || e.Code == codeReadOnly || e.Code == codePerm
	case ErrBusy:
		return e.Code == codeBusy || e.Code == codeLocked
	}
	return false
}

// resultCode returns SQLite's primary result code in err's chain, or 0.
func resultCode(err error) int {
	var se *driver.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff // an extended code keeps the primary one in its low byte
	}
	return 0
}

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
