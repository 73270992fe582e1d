package sqlite

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
)

// columnsOf turns the values rowEncoder.append produced into the columns
// a SELECT reads back.
func columnsOf(t testing.TB, args []any) rowColumns {
	t.Helper()
	require.Len(t, args, len(recordColumns))
	col := map[string]any{}
	for i, name := range recordColumns {
		col[name] = args[i]
	}
	c := rowColumns{
		tenant: col["tenant"].(string), application: col["application"].(string), id: col["id"].(string),
		cluster: col["cluster"].(string), state: col["state"].(string), open: col["open"].(bool),
		firstSeen: col["first_seen"].(string), lastSeen: col["last_seen"].(string), fixedAt: col["fixed_at"].(string),
		details: col["details"].(string),
		finding: []byte(col["finding"].(string)), history: []byte(col["history"].(string)),
	}
	if tr, ok := col["triage"].(string); ok {
		c.triage = []byte(tr)
	}
	return c
}

// FuzzDecodeRecord feeds arbitrary column values to the row decoder: it
// never panics, and a row it accepts encodes and decodes back to the same
// record.
func FuzzDecodeRecord(f *testing.F) {
	res := correlate.Compare(nil, syntheticScan(3, 1), correlate.Options{})
	rec := res.Records[0]
	rec.Triage = &correlate.Triage{Status: correlate.AcceptedRisk, Author: "ana", Expires: t0}
	args, err := newRowEncoder().append(nil, "t", "a", &rec, 1)
	require.NoError(f, err)
	c := columnsOf(f, args)
	f.Add([]byte(c.finding), []byte(c.history), []byte(c.triage), c.firstSeen, c.fixedAt)
	f.Add([]byte(`{"severity":"moderate"}`), []byte(`null`), []byte(nil), "", "")
	f.Add([]byte(`{"properties":{"a":[1,2e400]}}`), []byte(`[{"at":"x"}]`), []byte(`{}`), "2026-13-01T00:00:00.000000000Z", "0000")
	f.Add([]byte(`{}`), []byte(`[]`), []byte(`null`), "9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00.000000000Z")

	f.Fuzz(func(t *testing.T, finding, history, triage []byte, firstSeen, fixedAt string) {
		c := rowColumns{tenant: "t", application: "a", id: "k", cluster: "k", state: "new", open: true,
			firstSeen: firstSeen, lastSeen: firstSeen, fixedAt: fixedAt, details: "d",
			finding: finding, history: history, triage: triage}
		got, rerr := c.decode()
		if rerr != nil {
			assert.ErrorIs(t, rerr, ErrCorrupt)
			assert.NotEmpty(t, rerr.Column)
			return
		}
		args, err := newRowEncoder().append(nil, "t", "a", &got, 1)
		if err != nil {
			// Decodable but not storable: only what Save refuses.
			return
		}
		back := columnsOf(t, args)
		again, rerr := back.decode()
		require.Nil(t, rerr, "a stored record does not read back")
		assert.Equal(t, got, again)
	})
}
