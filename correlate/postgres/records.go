package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/internal/rowjson"
)

// splitTime turns t into the timestamptz value (nil for the zero time)
// and the nanoseconds below the microsecond that PostgreSQL does not
// keep. Times outside years 1 to 9999 are refused, as the SQLite store
// refuses them.
func splitTime(t time.Time) (any, int16, error) {
	if t.IsZero() {
		return nil, 0, nil
	}
	u := t.UTC()
	if y := u.Year(); y < 1 || y > 9999 {
		return nil, 0, fmt.Errorf("time %s is outside years 1 to 9999", t.Format(time.RFC3339))
	}
	ns := u.Nanosecond() % 1000
	return u.Add(-time.Duration(ns)), int16(ns), nil
}

// joinTime is the inverse of splitTime.
func joinTime(ts pgtype.Timestamptz, ns int16) (time.Time, error) {
	if !ts.Valid {
		if ns != 0 {
			return time.Time{}, fmt.Errorf("nanoseconds %d without a time", ns)
		}
		return time.Time{}, nil
	}
	if ns < 0 || ns > 999 || ts.InfinityModifier != pgtype.Finite {
		return time.Time{}, fmt.Errorf("time %v with nanoseconds %d is out of range", ts.Time, ns)
	}
	return ts.Time.UTC().Add(time.Duration(ns)), nil
}

// checkText refuses a string PostgreSQL's text type cannot hold: a NUL
// byte or invalid UTF-8 (the database encoding is UTF8).
func checkText(name, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%s %q holds a NUL byte", name, s)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is not valid UTF-8", name, s)
	}
	return nil
}

// validKey reports whether tenant, application and id can be stored at
// all: a key that cannot is not in the store.
func validKey(keys ...string) bool {
	for _, k := range keys {
		if checkText("key", k) != nil {
			return false
		}
	}
	return true
}

// recordColumns are the columns [Store.Save] writes, in the order of
// rowEncoder.row.
var recordColumns = []string{
	"tenant", "application", "id", "cluster", "state", "open",
	"first_seen", "first_ns", "last_seen", "last_ns", "fixed_at", "fixed_ns",
	"details", "tool", "kind", "severity", "finding", "history",
	"triage", "triage_status", "triage_expires", "triage_ns", "scan",
}

// incomingTable is the session's temporary table that [Store.Save]
// copies records into before upserting them.
const incomingTable = `CREATE TEMP TABLE IF NOT EXISTS aspm_incoming (
	tenant text COLLATE "C", application text COLLATE "C", id text COLLATE "C", cluster text, state text,
	open boolean, first_seen timestamptz, first_ns smallint, last_seen timestamptz, last_ns smallint,
	fixed_at timestamptz, fixed_ns smallint, details text, tool text, kind text, severity text,
	finding json, history json, triage json, triage_status text, triage_expires timestamptz,
	triage_ns smallint, scan bigint
) ON COMMIT DELETE ROWS`

// inactive is true for a stored triage that no longer holds at the scan's
// time ($1, $2): an empty status, or an expiry at or before the scan, as
// [correlate.Triage.Active] decides.
const inactive = `(records.triage IS NOT NULL AND (records.triage_status = '' OR
	(records.triage_expires, records.triage_ns) <= ($1::timestamptz, $2::smallint)))`

// upsertSQL moves the copied records into the records table, in ID order
// (concurrent writers lock rows in the same order). An existing record
// keeps its stored triage, cleared only when it no longer holds at the
// scan's time: triage is [Store.SetTriage]'s, and one set while the scan
// was compared is kept.
var upsertSQL = func() string {
	var b strings.Builder
	cols := strings.Join(recordColumns, ", ")
	b.WriteString("INSERT INTO records (" + cols + ") SELECT " + cols +
		" FROM pg_temp.aspm_incoming ORDER BY id ON CONFLICT (tenant, application, id) DO UPDATE SET ")
	for i, c := range recordColumns[3:] {
		if i > 0 {
			b.WriteString(", ")
		}
		switch c {
		case "triage", "triage_expires":
			b.WriteString(c + " = CASE WHEN " + inactive + " THEN NULL ELSE records." + c + " END")
		case "triage_status":
			b.WriteString(c + " = CASE WHEN " + inactive + " THEN '' ELSE records." + c + " END")
		case "triage_ns":
			b.WriteString(c + " = CASE WHEN " + inactive + " THEN 0 ELSE records." + c + " END")
		default:
			b.WriteString(c + " = excluded." + c)
		}
	}
	return b.String()
}()

// rowEncoder turns records into column values, reusing one buffer.
type rowEncoder struct{ json *rowjson.Encoder }

func newRowEncoder() *rowEncoder { return &rowEncoder{json: rowjson.New()} }

// row returns the column values of r, in recordColumns order, scan
// excepted (it is known only in the transaction).
func (e *rowEncoder) row(tenant, application string, r *correlate.Record) ([]any, error) {
	out := make([]any, 0, len(recordColumns))
	for _, t := range []struct{ name, v string }{
		{"id", r.ID}, {"cluster", r.Cluster}, {"state", string(r.State)}, {"details", r.Details},
		{"tool", r.Finding.Tool.Name}, {"kind", string(r.Finding.Kind)},
	} {
		if err := checkText(t.name, t.v); err != nil {
			return nil, err
		}
	}
	out = append(out, tenant, application, r.ID, r.Cluster, string(r.State), r.Open)
	for _, t := range []struct {
		name string
		v    time.Time
	}{{"first_seen", r.FirstSeen}, {"last_seen", r.LastSeen}, {"fixed_at", r.FixedAt}} {
		ts, ns, err := splitTime(t.v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		out = append(out, ts, ns)
	}
	if !r.Finding.Severity.Valid() {
		// It would be stored but never read back.
		return nil, fmt.Errorf("finding: severity %q is not a canonical severity", r.Finding.Severity)
	}
	finding, err := e.json.String(&r.Finding)
	if err != nil {
		return nil, fmt.Errorf("finding: %w", err)
	}
	history, err := e.json.String(r.History)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out = append(out, r.Details, r.Finding.Tool.Name, string(r.Finding.Kind), string(r.Finding.Severity), finding, history)
	var triage, expires any // NULL
	var status string
	var ns int16
	if r.Triage != nil {
		if err := checkText("triage status", string(r.Triage.Status)); err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
		t, err := e.json.String(r.Triage)
		if err != nil {
			return nil, fmt.Errorf("triage: %w", err)
		}
		if expires, ns, err = splitTime(r.Triage.Expires); err != nil {
			return nil, fmt.Errorf("triage expiry: %w", err)
		}
		triage, status = t, string(r.Triage.Status)
	}
	return append(out, triage, status, expires, ns, nil), nil
}

// Save implements [correlate.Store]: in one transaction, it records the
// scan in the scans table (with its counts by state) and writes the
// records of res.Modified, taken from res.Records, under the scan's tenant
// and application: the records are copied into a temporary table with
// COPY, then upserted with one INSERT ... ON CONFLICT. After a crash the
// scan is either wholly applied or not at all.
//
// The transaction runs at READ COMMITTED, on purpose: Save reads nothing
// but the rows its upsert meets, and INSERT ... ON CONFLICT DO UPDATE
// locks the latest committed version of each and merges the stored
// triage from it. At REPEATABLE READ or SERIALIZABLE, a record changed
// after the transaction's snapshot (a triage being set) fails the
// transaction with a serialization failure, and the retry writes the
// very same rows: an analyst triaging one application steadily can keep
// a scan from ever committing. Writers lock records in ID order, so two
// Saves do not deadlock; when the server still reports a serialization
// failure or a deadlock, the transaction runs again after a random
// backoff, up to [Options.Retries] times.
//
// Save writes every field of a record but its triage: an existing record
// keeps the triage the store holds, and loses it only when it no longer
// holds at the scan's time (an expired acceptance), as
// [correlate.Compare] removes it. A triage set by [Store.SetTriage]
// between the [Store.Load] and the Save of a [correlate.Track] is thus
// kept, where a store that wrote the compared record would lose it.
// A new record is written with the result's triage.
//
// A result that names a modified record it does not hold, or a record
// that cannot be stored and read back (a time outside years 1 to 9999, a
// property that is not JSON, a severity that is not canonical, a key with
// a NUL byte or invalid UTF-8), fails with [ErrInvalidResult], and
// nothing is written.
func (s *Store) Save(ctx context.Context, scan correlate.Scan, res correlate.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	byID := make(map[string]int, len(res.Records))
	for i := range res.Records {
		byID[res.Records[i].ID] = i
	}
	for _, t := range []struct{ name, v string }{{"tenant", scan.Tenant}, {"application", scan.Application}, {"ID", scan.ID}} {
		if err := checkText(t.name, t.v); err != nil {
			return fmt.Errorf("%w: scan %q: %w", ErrInvalidResult, scan.ID, err)
		}
	}
	at, atNS, err := splitTime(scan.At)
	if err != nil {
		return fmt.Errorf("%w: scan %q: %w", ErrInvalidResult, scan.ID, err)
	}
	enc := newRowEncoder()
	rows := make([][]any, 0, len(res.Modified))
	written := make(map[string]bool, len(res.Modified))
	for _, id := range res.Modified {
		i, ok := byID[id]
		if !ok {
			return fmt.Errorf("%w: modified record %q is not among the result's records", ErrInvalidResult, id)
		}
		if written[id] {
			continue // named twice: one row
		}
		written[id] = true
		row, err := enc.row(scan.Tenant, scan.Application, &res.Records[i])
		if err != nil {
			return fmt.Errorf("%w: record %q: %w", ErrInvalidResult, id, err)
		}
		rows = append(rows, row)
	}
	var counts [5]int
	for _, c := range res.Changes {
		switch c.State {
		case correlate.StateNew:
			counts[0]++
		case correlate.StateReopened:
			counts[1]++
		case correlate.StateUpdated:
			counts[2]++
		case correlate.StateUnchanged:
			counts[3]++
		case correlate.StateFixed:
			counts[4]++
		}
	}
	scol := len(recordColumns) - 1
	err = s.inTx(ctx, pgx.ReadCommitted, func(tx pgx.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, `INSERT INTO scans
			(tenant, application, id, at, at_ns, findings, new, reopened, updated, unchanged, fixed, modified)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
			scan.Tenant, scan.Application, scan.ID, at, atNS, len(scan.Findings),
			counts[0], counts[1], counts[2], counts[3], counts[4], len(res.Modified)).Scan(&seq); err != nil {
			return fmt.Errorf("recording the scan: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			r[scol] = seq
		}
		if _, err := tx.Exec(ctx, incomingTable); err != nil {
			return fmt.Errorf("creating the temporary table: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"pg_temp", "aspm_incoming"}, recordColumns, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copying the records: %w", err)
		}
		if _, err := tx.Exec(ctx, upsertSQL, at, atNS); err != nil {
			return fmt.Errorf("writing the records: %w", err)
		}
		return nil
	})
	if err != nil {
		return s.wrap(fmt.Sprintf("saving scan %q", scan.ID), err)
	}
	return nil
}

// SetTriage implements [correlate.Store]: it records an analyst's
// decision on one record, or clears it when t is nil. The history is left
// as it is. A record the store does not hold gives an error wrapping
// [correlate.ErrNotFound].
func (s *Store) SetTriage(ctx context.Context, tenant, application, id string, t *correlate.Triage) error {
	if !validKey(tenant, application, id) {
		return fmt.Errorf("postgres: schema %q: record %q of %q/%q: %w", s.schema, id, tenant, application, correlate.ErrNotFound)
	}
	var triage, expires any
	var status string
	var ns int16
	if t != nil {
		if err := checkText("triage status", string(t.Status)); err != nil {
			return fmt.Errorf("%w: triage of %q: %w", ErrInvalidResult, id, err)
		}
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("%w: triage of %q: %w", ErrInvalidResult, id, err)
		}
		if expires, ns, err = splitTime(t.Expires); err != nil {
			return fmt.Errorf("%w: triage of %q: %w", ErrInvalidResult, id, err)
		}
		triage, status = string(b), string(t.Status)
	}
	var n int64
	err := s.inTx(ctx, pgx.ReadCommitted, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE records SET triage = $1, triage_status = $2, triage_expires = $3, triage_ns = $4
			WHERE tenant = $5 AND application = $6 AND id = $7`, triage, status, expires, ns, tenant, application, id)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return s.wrap(fmt.Sprintf("setting the triage of %q", id), err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: schema %q: record %q of %q/%q: %w", s.schema, id, tenant, application, correlate.ErrNotFound)
	}
	return nil
}

// Order is [correlate.Order], kept so that callers of this package
// compile unchanged.
type Order = correlate.Order

// The orders of [correlate.Order], for callers of this package.
const (
	// ByID orders records by ID, byte-wise: [correlate.ByID].
	ByID = correlate.ByID
	// ByLastSeen orders records newest first, then by ID:
	// [correlate.ByLastSeen].
	ByLastSeen = correlate.ByLastSeen
)

// Query is [correlate.Query], the selection [Store.Records] takes, kept
// so that callers of this package compile unchanged. It is a plain value,
// safe to copy and share.
type Query = correlate.Query

const selectRecords = `SELECT tenant, application, id, cluster, state, open, first_seen, first_ns,
	last_seen, last_ns, fixed_at, fixed_ns, details, finding, history, triage FROM records`

// querySQL returns the statement and arguments of q.
func querySQL(q correlate.Query, tenant, application string) (string, []any, error) {
	var b strings.Builder
	b.WriteString(selectRecords)
	b.WriteString(" WHERE tenant = $1 AND application = $2")
	args := []any{tenant, application}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.Open {
		b.WriteString(" AND open")
	}
	// One value is an equality, which the indexes order by last seen;
	// several are an array, so that the statement stays the same.
	switch len(q.States) {
	case 0:
	case 1:
		b.WriteString(" AND state = " + arg(string(q.States[0])))
	default:
		states := make([]string, len(q.States))
		for i, st := range q.States {
			states[i] = string(st)
		}
		b.WriteString(" AND state = ANY(" + arg(states) + "::text[])")
	}
	switch len(q.Severities) {
	case 0:
	case 1:
		b.WriteString(" AND severity = " + arg(q.Severities[0]))
	default:
		b.WriteString(" AND severity = ANY(" + arg(q.Severities) + "::text[])")
	}
	if q.Cluster != "" {
		b.WriteString(" AND cluster = " + arg(q.Cluster))
	}
	if q.Tool != "" {
		b.WriteString(" AND tool = " + arg(q.Tool))
	}
	if q.Triage != "" {
		b.WriteString(" AND triage IS NOT NULL AND triage_status = " + arg(string(q.Triage)))
	}
	if !q.TriageExpiresBefore.IsZero() {
		ts, ns, err := splitTime(q.TriageExpiresBefore)
		if err != nil {
			return "", nil, fmt.Errorf("%w: TriageExpiresBefore: %w", ErrInvalidOptions, err)
		}
		b.WriteString(" AND triage IS NOT NULL AND (triage_expires, triage_ns) < (" + arg(ts) + "::timestamptz, " + arg(ns) + "::smallint)")
	}
	switch q.Order {
	case ByID:
		b.WriteString(" ORDER BY id")
	case ByLastSeen:
		b.WriteString(" ORDER BY last_seen DESC, last_ns DESC, id")
	default:
		return "", nil, fmt.Errorf("%w: unknown Order %d", ErrInvalidOptions, q.Order)
	}
	switch {
	case q.Limit < 0:
		return "", nil, fmt.Errorf("%w: negative Limit %d", ErrInvalidOptions, q.Limit)
	case q.Limit > 0:
		b.WriteString(" LIMIT " + arg(q.Limit))
	}
	return b.String(), args, nil
}

// Records returns the records of a tenant's application that q selects,
// in q's order. It streams: one row is decoded at a time, so memory does
// not grow with the store. The rows come from one snapshot of the
// database, unaffected by a concurrent [Store.Save]. The loop's body may
// call the store: the rows hold one connection of the pool, not all.
//
// A row that cannot be decoded ends the sequence with a [*RowError]; it
// is never skipped. Stopping the iteration early releases the rows.
func (s *Store) Records(ctx context.Context, tenant, application string, q correlate.Query) iter.Seq2[correlate.Record, error] {
	return func(yield func(correlate.Record, error) bool) {
		query, args, err := querySQL(q, tenant, application)
		if err != nil {
			yield(correlate.Record{}, err)
			return
		}
		if !validKey(tenant, application) {
			return // nothing stored under a key the store cannot hold
		}
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			yield(correlate.Record{}, s.wrap("reading records", err))
			return
		}
		defer rows.Close()
		var c rowColumns
		for rows.Next() {
			if err := rows.Scan(&c.tenant, &c.application, &c.id, &c.cluster, &c.state, &c.open,
				&c.firstSeen, &c.firstNS, &c.lastSeen, &c.lastNS, &c.fixedAt, &c.fixedNS,
				&c.details, &c.finding, &c.history, &c.triage); err != nil {
				yield(correlate.Record{}, s.wrap("reading records", err))
				return
			}
			rec, rerr := c.decode()
			if rerr != nil {
				rerr.Schema = s.schema
				yield(correlate.Record{}, rerr)
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(correlate.Record{}, s.wrap("reading records", err))
		}
	}
}

// Load implements [correlate.Store]: it returns every record of a
// tenant's application, ordered by ID (see [Store.Records]).
func (s *Store) Load(ctx context.Context, tenant, application string) ([]correlate.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []correlate.Record
	for r, err := range s.Records(ctx, tenant, application, correlate.Query{}) {
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rowColumns holds the columns of one records row as read.
type rowColumns struct {
	tenant, application, id, cluster, state string
	open                                    bool
	firstSeen, lastSeen, fixedAt            pgtype.Timestamptz
	firstNS, lastNS, fixedNS                int16
	details                                 string
	// finding, history and triage are JSON; triage is nil for NULL.
	finding, history, triage []byte
}

// decode turns a row into a record, naming the first column that does
// not decode.
func (c *rowColumns) decode() (correlate.Record, *RowError) {
	rec := correlate.Record{Tenant: c.tenant, Application: c.application, ID: c.id, Cluster: c.cluster,
		State: correlate.State(c.state), Open: c.open, Details: c.details}
	bad := func(col string, err error) (correlate.Record, *RowError) {
		return correlate.Record{}, &RowError{Table: "records", Tenant: c.tenant, Application: c.application, ID: c.id, Column: col, Err: err}
	}
	var err error
	if rec.FirstSeen, err = joinTime(c.firstSeen, c.firstNS); err != nil {
		return bad("first_seen", err)
	}
	if rec.LastSeen, err = joinTime(c.lastSeen, c.lastNS); err != nil {
		return bad("last_seen", err)
	}
	if rec.FixedAt, err = joinTime(c.fixedAt, c.fixedNS); err != nil {
		return bad("fixed_at", err)
	}
	if err := json.Unmarshal(c.finding, &rec.Finding); err != nil {
		return bad("finding", err)
	}
	if err := json.Unmarshal(c.history, &rec.History); err != nil {
		return bad("history", err)
	}
	if c.triage != nil {
		var t correlate.Triage
		if err := json.Unmarshal(c.triage, &t); err != nil {
			return bad("triage", err)
		}
		rec.Triage = &t
	}
	return rec, nil
}

// Scans returns the scans applied to a tenant's application, oldest
// first.
func (s *Store) Scans(ctx context.Context, tenant, application string) ([]correlate.ScanSummary, error) {
	if !validKey(tenant, application) {
		return nil, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, tenant, application, id, at, at_ns, findings,
		new, reopened, updated, unchanged, fixed, modified
		FROM scans WHERE tenant = $1 AND application = $2 ORDER BY seq`, tenant, application)
	if err != nil {
		return nil, s.wrap("reading scans", err)
	}
	defer rows.Close()
	var out []correlate.ScanSummary
	for rows.Next() {
		var sc correlate.ScanSummary
		var at pgtype.Timestamptz
		var ns int16
		if err := rows.Scan(&sc.Seq, &sc.Tenant, &sc.Application, &sc.ID, &at, &ns, &sc.Findings,
			&sc.New, &sc.Reopened, &sc.Updated, &sc.Unchanged, &sc.Fixed, &sc.Modified); err != nil {
			return nil, s.wrap("reading scans", err)
		}
		if sc.At, err = joinTime(at, ns); err != nil {
			return nil, &RowError{Schema: s.schema, Table: "scans", Tenant: sc.Tenant, Application: sc.Application, ID: sc.ID, Column: "at", Err: err}
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("reading scans", err)
	}
	return out, nil
}
