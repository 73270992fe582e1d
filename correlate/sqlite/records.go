package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/internal/rowjson"
)

// timeLayout stores times in UTC with a fixed width, so that the text
// sorts as the instants do. The zero time is stored as "".
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	u := t.UTC()
	if y := u.Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("time %s is outside years 1 to 9999", t.Format(time.RFC3339))
	}
	return u.Format(timeLayout), nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s)
}

// recordColumns are the columns [Store.Save] writes, in the order of
// rowEncoder.append.
var recordColumns = []string{
	"tenant", "application", "id", "cluster", "state", "open", "first_seen", "last_seen", "fixed_at",
	"details", "tool", "kind", "severity", "finding", "history", "triage", "triage_status", "triage_expires", "scan",
}

// batchRows is how many records one INSERT statement writes. Binding
// costs more than linear time in the number of parameters in some driver
// versions, so batches stay small.
const batchRows = 8

// inactiveTriage is true for the stored triage of an existing record that
// no longer holds at the scan's time (the parameter its %[1]d names): one
// without a status, or with an expiry at or before the scan, as
// [correlate.Triage.Active] decides. Times are stored as text that sorts
// as the instants do; a scan without a time (stored as "") precedes every
// expiry, as the zero time does.
const inactiveTriage = `(records.triage IS NOT NULL AND (records.triage_status = '' OR
	(records.triage_expires <> '' AND records.triage_expires <= ?%[1]d)))`

// upsertSQL returns an INSERT of n records that replaces existing ones.
// Its parameters are the n records' columns, then the scan's time.
//
// An existing record keeps the triage the store holds, cleared only when
// it no longer holds at the scan's time: triage is [Store.SetTriage]'s,
// and a decision recorded while the scan was being compared is kept.
// (SQLite evaluates every expression of the SET clause on the row as it
// was, so the three triage columns are cleared together.)
func upsertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO records (")
	b.WriteString(strings.Join(recordColumns, ", "))
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(recordColumns)), ", ") + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT (tenant, application, id) DO UPDATE SET ")
	inactive := fmt.Sprintf(inactiveTriage, n*len(recordColumns)+1)
	for i, c := range recordColumns[3:] {
		if i > 0 {
			b.WriteString(", ")
		}
		switch c {
		case "triage":
			b.WriteString(c + " = CASE WHEN " + inactive + " THEN NULL ELSE records." + c + " END")
		case "triage_status", "triage_expires":
			b.WriteString(c + " = CASE WHEN " + inactive + " THEN '' ELSE records." + c + " END")
		default:
			b.WriteString(c + " = excluded." + c)
		}
	}
	return b.String()
}

// rowEncoder turns records into column values, reusing one buffer.
type rowEncoder struct{ json *rowjson.Encoder }

func newRowEncoder() *rowEncoder { return &rowEncoder{json: rowjson.New()} }

// append adds the column values of r, in recordColumns order, to args.
func (e *rowEncoder) append(args []any, tenant, application string, r *correlate.Record, scan int64) ([]any, error) {
	var first, last, fixed, expires string
	var err error
	for _, t := range []struct {
		dst  *string
		name string
		v    time.Time
	}{{&first, "first_seen", r.FirstSeen}, {&last, "last_seen", r.LastSeen}, {&fixed, "fixed_at", r.FixedAt}} {
		if *t.dst, err = formatTime(t.v); err != nil {
			return args, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	if !r.Finding.Severity.Valid() {
		// It would be stored but never read back.
		return args, fmt.Errorf("finding: severity %q is not a canonical severity", r.Finding.Severity)
	}
	finding, err := e.json.String(&r.Finding)
	if err != nil {
		return args, fmt.Errorf("finding: %w", err)
	}
	history, err := e.json.String(r.History)
	if err != nil {
		return args, fmt.Errorf("history: %w", err)
	}
	var triage any // NULL
	var status string
	if r.Triage != nil {
		t, err := e.json.String(r.Triage)
		if err != nil {
			return args, fmt.Errorf("triage: %w", err)
		}
		if expires, err = formatTime(r.Triage.Expires); err != nil {
			return args, fmt.Errorf("triage expiry: %w", err)
		}
		triage, status = t, string(r.Triage.Status)
	}
	return append(args, tenant, application, r.ID, r.Cluster, string(r.State), r.Open, first, last, fixed,
		r.Details, r.Finding.Tool.Name, string(r.Finding.Kind), string(r.Finding.Severity),
		finding, history, triage, status, expires, scan), nil
}

// Save implements [correlate.Store]: in one transaction, it records the
// scan in the scans table (with its counts by state) and writes the
// records of res.Modified, taken from res.Records, under the scan's tenant
// and application. After a crash the scan is either wholly applied or not
// at all. The transaction takes the database's write lock when it begins,
// so the records it updates are the latest committed ones.
//
// Save writes every field of a record but its triage: an existing record
// keeps the triage the store holds, and loses it only when it no longer
// holds at the scan's time (no status, or an expiry at or before it), as
// [correlate.Compare] removes it. A triage set or cleared by
// [Store.SetTriage] between the [Store.Load] and the Save of a
// [correlate.Track] (an analyst in the portal while the CLI imports a
// scan, in another process too) is thus kept, where writing the compared
// record would undo it. A new record is written with the result's
// triage. This is the correlate/postgres store's semantics.
//
// A result that names a modified record it does not hold, or a record
// that cannot be stored and read back (a time outside years 1 to 9999, a
// property that is not JSON, a severity that is not canonical), fails
// with [ErrInvalidResult], and nothing is written.
func (s *Store) Save(ctx context.Context, scan correlate.Scan, res correlate.Result) (err error) {
	byID := make(map[string]int, len(res.Records))
	for i := range res.Records {
		byID[res.Records[i].ID] = i
	}
	for _, id := range res.Modified {
		if _, ok := byID[id]; !ok {
			return fmt.Errorf("%w: modified record %q is not among the result's records", ErrInvalidResult, id)
		}
	}
	at, err := formatTime(scan.At)
	if err != nil {
		return fmt.Errorf("%w: scan %q: %w", ErrInvalidResult, scan.ID, err)
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

	if err := s.lockWriter(ctx); err != nil {
		return s.wrap(fmt.Sprintf("saving scan %q", scan.ID), err)
	}
	defer s.unlockWriter()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("starting a transaction", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	r, err := tx.ExecContext(ctx, `INSERT INTO scans
		(tenant, application, id, at, findings, new, reopened, updated, unchanged, fixed, modified)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		scan.Tenant, scan.Application, scan.ID, at, len(scan.Findings),
		counts[0], counts[1], counts[2], counts[3], counts[4], len(res.Modified))
	if err != nil {
		return s.wrap(fmt.Sprintf("recording scan %q", scan.ID), err)
	}
	seq, err := r.LastInsertId()
	if err != nil {
		return s.wrap(fmt.Sprintf("recording scan %q", scan.ID), err)
	}

	enc := newRowEncoder()
	var batch *sql.Stmt
	full := batchRows * len(recordColumns)
	args := make([]any, 0, full+1) // the records' columns, then the scan's time
	for _, id := range res.Modified {
		rec := &res.Records[byID[id]]
		if args, err = enc.append(args, scan.Tenant, scan.Application, rec, seq); err != nil {
			return fmt.Errorf("%w: record %q: %w", ErrInvalidResult, id, err)
		}
		if len(args) < full {
			continue
		}
		if batch == nil {
			if batch, err = tx.PrepareContext(ctx, upsertSQL(batchRows)); err != nil {
				return s.wrap("preparing the record upsert", err)
			}
			defer batch.Close()
		}
		if _, err = batch.ExecContext(ctx, append(args, at)...); err != nil {
			return s.wrap(fmt.Sprintf("writing the records of scan %q", scan.ID), err)
		}
		args = args[:0]
	}
	if n := len(args) / len(recordColumns); n > 0 {
		if _, err = tx.ExecContext(ctx, upsertSQL(n), append(args, at)...); err != nil {
			return s.wrap(fmt.Sprintf("writing the records of scan %q", scan.ID), err)
		}
	}
	if err = tx.Commit(); err != nil {
		return s.wrap(fmt.Sprintf("committing scan %q", scan.ID), err)
	}
	return nil
}

// SetTriage implements [correlate.Store]: it records an analyst's
// decision on one record, or clears it when t is nil. The history is left
// as it is. A record the store does not hold gives an error wrapping
// [correlate.ErrNotFound].
func (s *Store) SetTriage(ctx context.Context, tenant, application, id string, t *correlate.Triage) error {
	var triage any
	var status, expires string
	if t != nil {
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("%w: triage of %q: %w", ErrInvalidResult, id, err)
		}
		if expires, err = formatTime(t.Expires); err != nil {
			return fmt.Errorf("%w: triage of %q: %w", ErrInvalidResult, id, err)
		}
		triage, status = string(b), string(t.Status)
	}
	if err := s.lockWriter(ctx); err != nil {
		return s.wrap(fmt.Sprintf("setting the triage of %q", id), err)
	}
	defer s.unlockWriter()
	r, err := s.db.ExecContext(ctx, `UPDATE records SET triage = ?, triage_status = ?, triage_expires = ?
		WHERE tenant = ? AND application = ? AND id = ?`, triage, status, expires, tenant, application, id)
	if err != nil {
		return s.wrap(fmt.Sprintf("setting the triage of %q", id), err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return s.wrap(fmt.Sprintf("setting the triage of %q", id), err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: record %q of %q/%q: %w", s.path, id, tenant, application, correlate.ErrNotFound)
	}
	return nil
}

// Query is [correlate.Query], the selection [Store.Records] takes, kept
// so that callers of this package compile unchanged. It is a plain value,
// safe to copy and share.
type Query = correlate.Query

// Order is [correlate.Order], kept for callers of this package.
type Order = correlate.Order

// The orders of [correlate.Order], for callers of this package.
const (
	// ByID orders records by ID, byte-wise: [correlate.ByID].
	ByID = correlate.ByID
	// ByLastSeen orders records newest first, then by ID:
	// [correlate.ByLastSeen].
	ByLastSeen = correlate.ByLastSeen
)

const selectRecords = `SELECT tenant, application, id, cluster, state, open, first_seen, last_seen, fixed_at,
	details, finding, history, triage FROM records`

// byLastSeen is the ORDER BY of [ByLastSeen]. It names the expression of
// the records_by_list and records_by_last_seen indexes, so that SQLite
// reads the rows in order instead of sorting them: a zero time, stored
// as the empty string, comes first (as PostgreSQL sorts NULL first),
// then the others newest first (the text sorts as the instants do),
// then by ID.
const byLastSeen = " ORDER BY last_seen <> '', last_seen DESC, id"

// in appends "col = ?" for one value and "col IN (?, ...)" for several,
// with their arguments.
func in(b *strings.Builder, args []any, col string, vs []string) []any {
	switch len(vs) {
	case 0:
		return args
	case 1:
		b.WriteString(" AND " + col + " = ?")
		return append(args, vs[0])
	}
	b.WriteString(" AND " + col + " IN (")
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("?")
		args = append(args, v)
	}
	b.WriteString(")")
	return args
}

// querySQL returns the statement and arguments of q, with the semantics
// of correlate/postgres's: the filters combine with AND, a triage filter
// matches only records with a triage, and the expiry bound is exclusive.
func querySQL(q correlate.Query, tenant, application string) (string, []any, error) {
	var b strings.Builder
	b.WriteString(selectRecords)
	b.WriteString(" WHERE tenant = ? AND application = ?")
	args := []any{tenant, application}
	if q.Open {
		b.WriteString(" AND open = 1")
	}
	states := make([]string, len(q.States))
	for i, st := range q.States {
		states[i] = string(st)
	}
	args = in(&b, args, "state", states)
	args = in(&b, args, "severity", q.Severities)
	if q.Cluster != "" {
		b.WriteString(" AND cluster = ?")
		args = append(args, q.Cluster)
	}
	if q.Tool != "" {
		b.WriteString(" AND tool = ?")
		args = append(args, q.Tool)
	}
	if q.Triage != "" {
		b.WriteString(" AND triage IS NOT NULL AND triage_status = ?")
		args = append(args, string(q.Triage))
	}
	if !q.TriageExpiresBefore.IsZero() {
		t, err := formatTime(q.TriageExpiresBefore)
		if err != nil {
			return "", nil, fmt.Errorf("%w: TriageExpiresBefore: %w", ErrInvalidOptions, err)
		}
		b.WriteString(" AND triage IS NOT NULL AND triage_expires <> '' AND triage_expires < ?")
		args = append(args, t)
	}
	switch q.Order {
	case correlate.ByID:
		if q.Cluster != "" {
			// Without statistics SQLite would walk the primary key to
			// avoid a sort, reading the whole application for one
			// cluster; "+id" is not an index column, so it reads the
			// cluster from records_by_cluster and sorts its few rows.
			b.WriteString(" ORDER BY +id")
		} else {
			b.WriteString(" ORDER BY id")
		}
	case correlate.ByLastSeen:
		b.WriteString(byLastSeen)
	default:
		return "", nil, fmt.Errorf("%w: unknown Order %d", ErrInvalidOptions, q.Order)
	}
	switch {
	case q.Limit < 0:
		return "", nil, fmt.Errorf("%w: negative Limit %d", ErrInvalidOptions, q.Limit)
	case q.Limit > 0:
		b.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}
	return b.String(), args, nil
}

// Records returns the records of a tenant's application that q selects,
// in q's order, with the semantics of correlate/postgres's Records (the
// same scans give the same answers on both stores). It streams: one row is decoded at a time, so memory does
// not grow with the store. The rows come from one snapshot of the
// database, unaffected by a concurrent [Store.Save].
//
// The portal's findings list, one application by state and severity,
// newest first, with a limit, reads the records_by_list index in order
// and stops at the limit.
//
// A query with a negative Limit, an unknown Order or a
// TriageExpiresBefore outside years 1 to 9999 yields one error wrapping
// [ErrInvalidOptions]. A row that cannot be decoded ends the sequence
// with a [*RowError]; it is never skipped. Stopping the iteration early
// releases the rows.
func (s *Store) Records(ctx context.Context, tenant, application string, q correlate.Query) iter.Seq2[correlate.Record, error] {
	return func(yield func(correlate.Record, error) bool) {
		query, args, err := querySQL(q, tenant, application)
		if err != nil {
			yield(correlate.Record{}, err)
			return
		}
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(correlate.Record{}, s.wrap("reading records", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var c rowColumns
			if err := rows.Scan(&c.tenant, &c.application, &c.id, &c.cluster, &c.state, &c.open,
				&c.firstSeen, &c.lastSeen, &c.fixedAt, &c.details, &c.finding, &c.history, &c.triage); err != nil {
				yield(correlate.Record{}, s.wrap("reading records", err))
				return
			}
			rec, err := c.decode()
			if err != nil {
				err.Path = s.path
				yield(correlate.Record{}, err)
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
	firstSeen, lastSeen, fixedAt, details   string
	// finding, history and triage are JSON; triage is nil for NULL.
	finding, history, triage sql.RawBytes
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
	if rec.FirstSeen, err = parseTime(c.firstSeen); err != nil {
		return bad("first_seen", err)
	}
	if rec.LastSeen, err = parseTime(c.lastSeen); err != nil {
		return bad("last_seen", err)
	}
	if rec.FixedAt, err = parseTime(c.fixedAt); err != nil {
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
	rows, err := s.db.QueryContext(ctx, `SELECT seq, tenant, application, id, at, findings,
		new, reopened, updated, unchanged, fixed, modified
		FROM scans WHERE tenant = ? AND application = ? ORDER BY seq`, tenant, application)
	if err != nil {
		return nil, s.wrap("reading scans", err)
	}
	defer rows.Close()
	var out []correlate.ScanSummary
	for rows.Next() {
		var sc correlate.ScanSummary
		var at string
		if err := rows.Scan(&sc.Seq, &sc.Tenant, &sc.Application, &sc.ID, &at, &sc.Findings,
			&sc.New, &sc.Reopened, &sc.Updated, &sc.Unchanged, &sc.Fixed, &sc.Modified); err != nil {
			return nil, s.wrap("reading scans", err)
		}
		if sc.At, err = parseTime(at); err != nil {
			return nil, &RowError{Path: s.path, Table: "scans", Tenant: sc.Tenant, Application: sc.Application, ID: sc.ID, Column: "at", Err: err}
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("reading scans", err)
	}
	return out, nil
}
