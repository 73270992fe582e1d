package access_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
)

func TestReadUsage(t *testing.T) {
	m := anAWS()
	doc := `{"since": "2025-12-01T00:00:00Z", "usage": [
		{"principal": "aws:user:bob", "action": "ec2:RunInstances", "last_used": "2026-05-20T00:00:00Z"},
		{"principal": "aws:user:dave", "action": "sts:*", "resource": "*", "last_used": "2026-05-31T00:00:00Z"}]}`
	require.NoError(t, access.ReadUsage(strings.NewReader(doc), "usage.json", m))
	assert.Len(t, m.Usage, 2)
	assert.Equal(t, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), m.UsageSince)
	fs, err := access.Analyze(m, access.Options{Now: anNow, Only: []string{access.RuleUnused}})
	require.NoError(t, err)
	assert.NotContains(t, subjects(fs), "aws:user:bob", "bob used his grant")
	assert.NotContains(t, subjects(fs), "aws:user:dave")
	assert.Contains(t, subjects(fs), "aws:user:carol")
}

func TestReadUsageErrors(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"syntax", `{"usage": [`, "usage.json:1: usage document"},
		{"unknown field", `{"usage": [], "extra": 1}`, "unknown field"},
		{"no principal", `{"usage": [{"action": "get", "last_used": "2026-01-01T00:00:00Z"}]}`, "/usage/0/principal: missing"},
		{"no action", `{"usage": [{"principal": "p", "last_used": "2026-01-01T00:00:00Z"}]}`, "/usage/0/action: missing"},
		{"no time", `{"usage": [{"principal": "p", "action": "get"}]}`, "/usage/0/last_used: missing"},
		{"before since", `{"since": "2026-02-01T00:00:00Z", "usage": [{"principal": "p", "action": "get", "last_used": "2026-01-01T00:00:00Z"}]}`, "is before since"},
		{"bad time", "{\n\"usage\": [{\"principal\": \"p\", \"action\": \"get\", \"last_used\": \"yesterday\"}]}", "usage.json:2:"},
		{"trailing", `{"usage": []} {}`, "data after the document"},
		{"time a number", `{"usage": [{"principal": "p", "action": "get", "last_used": 1e400}]}`, "usage.json:1: usage document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &access.Model{}
			err := access.ReadUsage(strings.NewReader(tc.doc), "usage.json", m)
			require.Error(t, err)
			var pe *access.ParseError
			require.True(t, errors.As(err, &pe))
			assert.ErrorIs(t, err, access.ErrSyntax)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, m.Usage, "nothing added on error")
		})
	}
}

func TestReadUsageLimits(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"nested too deep", `{"usage": ` + strings.Repeat("[", 600), "usage.json:1: usage document: nesting deeper than 512 (MaxDepth) (column 522, byte 521)"},
		{"string too long", `{"usage": [{"principal": "` + strings.Repeat("p", 16<<20+1), "usage.json:1: usage document: string longer than 16777216 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := access.ReadUsage(strings.NewReader(tc.doc), "usage.json", &access.Model{})
			assert.ErrorIs(t, err, access.ErrLimit)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func FuzzReadUsage(f *testing.F) {
	f.Add(`{"since": "2025-12-01T00:00:00Z", "usage": [{"principal": "p", "action": "a", "last_used": "2026-01-01T00:00:00Z"}]}`)
	f.Add(`{"usage": null}`)
	f.Fuzz(func(t *testing.T, doc string) {
		m := &access.Model{}
		if err := access.ReadUsage(strings.NewReader(doc), "f.json", m); err != nil {
			var pe *access.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("untyped error %v", err)
			}
			if len(m.Usage) != 0 {
				t.Fatal("usage added despite an error")
			}
		}
	})
}
