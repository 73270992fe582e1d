package sniff

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, p *Probe)
	}{
		{"empty", "  \n", func(t *testing.T, p *Probe) { assert.Equal(t, Empty, p.Syntax) }},
		{"object keys and scalars", `{"version":"2.1.0","runs":[{"tool":{"driver":{}}}],"n":3}`, func(t *testing.T, p *Probe) {
			assert.Equal(t, JSON, p.Syntax)
			assert.Equal(t, []string{"version", "runs", "runs[].tool", "n"}, p.Keys)
			assert.Equal(t, "2.1.0", p.Value("version"))
			assert.Equal(t, "3", p.Value("n"))
			assert.True(t, p.HasPrefix("runs[]."))
		}},
		{"nested object one level down", `{"document":{"csaf_version":"2.0","x":{"y":1}}}`, func(t *testing.T, p *Probe) {
			assert.True(t, p.Has("document.csaf_version"))
			assert.Equal(t, "2.0", p.Value("document.csaf_version"))
			assert.False(t, p.Has("document.x.y"), "deeper levels are skipped")
		}},
		{"array describes its first element", `[{"RuleID":"a"},{"Other":1}]`, func(t *testing.T, p *Probe) {
			assert.True(t, p.Array)
			assert.True(t, p.Has("RuleID"))
			assert.False(t, p.Has("Other"))
		}},
		{"duplicate key: the first value", `{"@context":"https://openvex.dev/ns","@context":"x","n":1e400}`, func(t *testing.T, p *Probe) {
			assert.Equal(t, []string{"@context", "@context", "n"}, p.Keys)
			assert.Equal(t, "https://openvex.dev/ns", p.Value("@context"))
			assert.Equal(t, "1e400", p.Value("n"), "numbers are kept as written")
		}},
		{"empty array", ` [ ] `, func(t *testing.T, p *Probe) { assert.True(t, p.EmptyArray) }},
		{"null", "null\n", func(t *testing.T, p *Probe) { assert.Equal(t, JSON, p.Syntax); assert.True(t, p.EmptyArray) }},
		{"stream", `{"config":{"protocol_version":"v1.0.0"}}` + "\n" + `{"progress":{}}`, func(t *testing.T, p *Probe) {
			assert.True(t, p.Stream)
			assert.True(t, p.Has("config.protocol_version"))
		}},
		{"truncated head keeps what it read", `{"SchemaVersion":2,"Results":[{"Target":"x","Vuln`, func(t *testing.T, p *Probe) {
			assert.True(t, p.Has("SchemaVersion"))
			assert.True(t, p.Has("Results[].Target"))
		}},
		{"bom", "\xEF\xBB\xBF{\"a\":1}", func(t *testing.T, p *Probe) { assert.True(t, p.Has("a")) }},
		{"xml root", `<?xml version="1.0"?><!-- c --><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">`, func(t *testing.T, p *Probe) {
			assert.Equal(t, XML, p.Syntax)
			assert.Equal(t, "bom", p.XMLRoot.Local)
			assert.Equal(t, "http://cyclonedx.org/schema/bom/1.4", p.XMLRoot.Space)
			assert.Equal(t, "1", p.XMLAttrs["version"])
		}},
		{"text", "\n\nSPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0", func(t *testing.T, p *Probe) {
			assert.Equal(t, Text, p.Syntax)
			assert.Equal(t, "SPDXVersion: SPDX-2.3", p.FirstLine)
		}},
		{"garbage JSON does not panic", `{"a":[}`, func(t *testing.T, p *Probe) { assert.Equal(t, JSON, p.Syntax) }},
		{"deep nesting is skipped, not recursed", `{"a":{"b":` + strings.Repeat("[", 100000), func(t *testing.T, p *Probe) {
			assert.True(t, p.Has("a.b"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, New([]byte(tt.in))) })
	}
}

func FuzzNew(f *testing.F) {
	f.Add([]byte(`{"runs":[{"results":[]}]}`))
	f.Add([]byte(`[{"id":"GO-1"}]`))
	f.Add([]byte(`<a xmlns="x"><b/></a>`))
	f.Add([]byte("SPDXVersion: SPDX-2.2"))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := New(in)
		if p.Syntax < Empty || p.Syntax > Text {
			t.Fatalf("bad syntax %d", p.Syntax)
		}
	})
}
