package postgres

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// FuzzDecodeRow feeds arbitrary stored columns to the row decoder: it
// never panics, and either decodes or names a column.
func FuzzDecodeRow(f *testing.F) {
	f.Add([]byte(`{"id":"f","severity":"high","tool":{"name":"gosec"}}`), []byte(`[{"at":"2026-11-01T09:00:00Z","state":"new"}]`),
		[]byte(`{"status":"accepted_risk","expires":"2026-12-01T00:00:00Z"}`), int64(0), int16(0))
	f.Add([]byte(`{"severity":"moderate"}`), []byte(`[`), []byte(nil), int64(-1), int16(1000))
	f.Add([]byte(`{"properties":{"a":[1,{"b":null}]}}`), []byte(`null`), []byte(`{"status":7}`), int64(1<<62), int16(-1))
	f.Fuzz(func(t *testing.T, finding, history, triage []byte, usec int64, ns int16) {
		c := rowColumns{id: "k", finding: finding, history: history, triage: triage,
			firstSeen: pgtype.Timestamptz{Time: time.UnixMicro(usec % (1 << 50)), Valid: usec != 0}, firstNS: ns}
		rec, err := c.decode()
		if err != nil {
			if err.Column == "" || err.Table != "records" {
				t.Fatalf("error without a column: %v", err)
			}
			return
		}
		if rec.ID != "k" {
			t.Fatalf("decoded the wrong row: %q", rec.ID)
		}
		if rec.FirstSeen.IsZero() != (usec == 0) {
			t.Fatalf("first seen %v from %d", rec.FirstSeen, usec)
		}
	})
}

// FuzzTimeRoundTrip checks that the split of a time into a timestamptz
// and nanoseconds joins back to the same instant.
func FuzzTimeRoundTrip(f *testing.F) {
	f.Add(int64(0), int64(1))
	f.Add(int64(-62135596800), int64(1))
	f.Add(int64(253402300799), int64(999999999))
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		in := time.Unix(sec, nsec)
		ts, ns, err := splitTime(in)
		if err != nil || ts == nil {
			return
		}
		out, err := joinTime(pgtype.Timestamptz{Time: ts.(time.Time), Valid: true}, ns)
		if err != nil || !out.Equal(in) || out.Location() != time.UTC {
			t.Fatalf("%v came back as %v (%v)", in, out, err)
		}
	})
}
