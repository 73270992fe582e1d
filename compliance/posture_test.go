package compliance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/compliance/schema"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

var pstSchema = func() *gojsonschema.Schema {
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(schema.Posture()))
	if err != nil {
		panic(err)
	}
	return s
}()

// pstSchemaErrors validates doc against the posture schema and returns the
// violations.
func pstSchemaErrors(t testing.TB, doc []byte) []string {
	t.Helper()
	res, err := pstSchema.Validate(gojsonschema.NewBytesLoader(doc))
	require.NoError(t, err)
	var out []string
	for _, e := range res.Errors() {
		out = append(out, e.String())
	}
	return out
}

func pstSchemaValid(t testing.TB, doc []byte) {
	t.Helper()
	assert.Empty(t, pstSchemaErrors(t, doc), "the posture breaks the schema")
}

// pstMinimal is a small valid posture document.
const pstMinimal = `{
  "version": "aspm-posture/1",
  "generated_at": "2026-07-01T12:00:00Z",
  "assets": [
    {"id": "repository:github.com/acme/shop", "kind": "repository", "name": "acme/shop", "environment": "production",
     "properties": {"eol": "false"}},
    {"id": "team:shop", "kind": "team", "name": "shop"}
  ],
  "edges": [{"from": "repository:github.com/acme/shop", "to": "team:shop", "type": "owned_by"}],
  "findings": [
    {"id": "f1", "identity": "i1", "kind": "secret", "tool": "gitleaks", "title": "AWS key", "severity": "high",
     "location": {"path": "deploy/env", "line": 4}, "assets": ["repository:github.com/acme/shop"],
     "state": "new", "open": true, "suppressed": false,
     "first_seen": "2026-07-01T12:00:00Z", "last_seen": "2026-07-01T12:00:00Z",
     "triage": null,
     "risk": {"score": 61.5, "priority": "P2", "severity": "high", "kev": false, "reachability": "unknown",
              "ssvc": {"decision": "track", "priority": "scheduled"}},
     "sla": {"due": "2026-07-31T12:00:00Z", "breached": false}}
  ],
  "coverage": [{"asset": "repository:github.com/acme/shop", "tool": "gitleaks", "kind": "secret", "at": "2026-07-01T12:00:00Z"}],
  "sboms": [],
  "access": [{"principal": "person:carol", "issue": "no MFA", "extra": null}]
}`

// pstEdit applies a JSON edit to pstMinimal: the value at a path (keys and
// indexes) is replaced, or deleted when value is pstDelete.
func pstEdit(t testing.TB, doc string, value any, path ...any) string {
	t.Helper()
	var root any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&root))
	parent := root
	for _, el := range path[:len(path)-1] {
		switch v := el.(type) {
		case string:
			parent = parent.(map[string]any)[v]
		case int:
			parent = parent.([]any)[v]
		}
	}
	switch last := path[len(path)-1].(type) {
	case string:
		if value == pstDelete {
			delete(parent.(map[string]any), last)
		} else {
			parent.(map[string]any)[last] = value
		}
	case int:
		parent.([]any)[last] = value
	}
	out, err := json.Marshal(root)
	require.NoError(t, err)
	return string(out)
}

type pstDeleteT struct{}

var pstDelete = pstDeleteT{}

func TestReadPostureMinimal(t *testing.T) {
	p, err := compliance.ReadPosture(strings.NewReader(pstMinimal))
	require.NoError(t, err)
	pstSchemaValid(t, []byte(pstMinimal))
	assert.Equal(t, time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), p.GeneratedAt)
	require.Len(t, p.Findings, 1)
	f := p.Findings[0]
	assert.Equal(t, findings.KindSecret, f.Kind)
	assert.Equal(t, 4, f.Location.Line)
	assert.Nil(t, f.Triage)
	assert.Equal(t, risk.P2, f.Risk.Priority)
	assert.Equal(t, []inventory.Edge{{From: "repository:github.com/acme/shop", To: "team:shop", Type: inventory.OwnedBy}}, p.Edges)
	assert.Equal(t, map[string]any{"principal": "person:carol", "issue": "no MFA", "extra": nil}, p.Access[0])
	require.NoError(t, p.Validate())

	// Canonical form: a time with an offset and fractional seconds becomes
	// UTC to the second; lists are sorted.
	doc := pstEdit(t, pstMinimal, "2026-07-01T14:00:00.75+02:00", "generated_at")
	doc = pstEdit(t, doc, []any{"b", "a"}, "findings", 0, "cwes")
	p, err = compliance.ReadPosture(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), p.GeneratedAt)
	out, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"generated_at":"2026-07-01T12:00:00Z"`)

	// A UTF-8 byte order mark is skipped; offsets count it.
	_, err = compliance.ReadPosture(strings.NewReader("\ufeff" + pstMinimal))
	require.NoError(t, err)
	_, err = compliance.ReadPosture(strings.NewReader("\ufeff{\n ]"))
	var pe *compliance.PostureError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, []int64{6, 2, 2}, []int64{pe.Offset, int64(pe.Line), int64(pe.Column)})

	// An error of the reader is not a problem of the document.
	_, err = compliance.ReadPosture(iotest.ErrReader(errors.New("disk on fire")))
	require.Error(t, err)
	assert.NotErrorIs(t, err, compliance.ErrPostureSyntax)
	assert.Contains(t, err.Error(), "disk on fire")
}

// TestReadPostureErrors checks every kind of bad document: the error type,
// sentinel, position and path, and that the JSON Schema rejects the same
// documents (except what only ReadPosture checks: unique IDs and asset
// references).
func TestReadPostureErrors(t *testing.T) {
	tests := []struct {
		name       string
		doc        string
		sentinel   error
		path       string
		at         string // the document at the error's offset starts with this
		line, col  int
		msg        string
		schemaOnly bool // the schema cannot see this problem
	}{
		{name: "empty", doc: "", sentinel: compliance.ErrPostureSyntax, msg: "unexpected end"},
		{name: "truncated", doc: pstMinimal[:200], sentinel: compliance.ErrPostureSyntax, msg: "unexpected end"},
		{name: "not JSON", doc: "version: 1", sentinel: compliance.ErrPostureSyntax, line: 1, col: 1},
		{name: "syntax error position", doc: "{\n  \"version\": \"aspm-posture/1\",\n  \"assets\": [,]\n}", sentinel: compliance.ErrPostureSyntax, line: 3, col: 14},
		{name: "two documents", doc: pstMinimal + "{}", sentinel: compliance.ErrPostureSyntax, msg: "data after the document"},
		{name: "array root", doc: "[]", sentinel: compliance.ErrPostureInvalid, line: 1, col: 1},
		{name: "null root", doc: "null", sentinel: compliance.ErrPostureInvalid, msg: "null"},
		{name: "other version", doc: pstEdit(t, pstMinimal, "aspm-posture/2", "version"), sentinel: compliance.ErrPostureVersion, path: "version", at: `"aspm-posture/2"`},
		{name: "other version with new fields", doc: pstEdit(t, pstEdit(t, pstMinimal, "aspm-posture/2", "version"), 1, "new"), sentinel: compliance.ErrPostureVersion, path: "version"},
		{name: "no version", doc: pstEdit(t, pstMinimal, pstDelete, "version"), sentinel: compliance.ErrPostureInvalid, path: "version", msg: "missing required field"},
		{name: "unknown field", doc: strings.Replace(pstMinimal, `"title": "AWS key"`, `"titel": "AWS key"`, 1), sentinel: compliance.ErrPostureInvalid,
			path: "findings[0].titel", at: `"titel"`, msg: `unknown field "titel"`},
		{name: "wrong type", doc: strings.Replace(pstMinimal, `"line": 4`, `"line": "4"`, 1), sentinel: compliance.ErrPostureInvalid,
			path: "findings[0].location.line", at: `"4"`, msg: "string where a number is expected"},
		{name: "wrong type in asset", doc: pstEdit(t, pstMinimal, 3, "assets", 1, "kind"), sentinel: compliance.ErrPostureInvalid, path: "assets[1].kind"},
		{name: "bad time", doc: pstEdit(t, pstMinimal, "yesterday", "generated_at"), sentinel: compliance.ErrPostureInvalid, path: "generated_at", at: `"yesterday"`},
		{name: "time as a number", doc: strings.Replace(pstMinimal, `"generated_at": "2026-07-01T12:00:00Z"`, `"generated_at": 1e400`, 1),
			sentinel: compliance.ErrPostureInvalid, path: "generated_at", at: "1e400", msg: "a number is not an RFC 3339 time"},
		{name: "nesting over the limit", doc: `{"version": ` + strings.Repeat("[", 513), sentinel: compliance.ErrPostureLimit, line: 1, col: 524, msg: "MaxDepth"},
		{name: "bad nested time", doc: pstEdit(t, pstMinimal, "2026-13-01T00:00:00Z", "coverage", 0, "at"), sentinel: compliance.ErrPostureInvalid, path: "coverage[0].at"},
		{name: "missing list", doc: pstEdit(t, pstMinimal, pstDelete, "sboms"), sentinel: compliance.ErrPostureInvalid, path: "sboms", line: 1, col: 1, at: "{"},
		{name: "null list", doc: pstEdit(t, pstMinimal, nil, "edges"), sentinel: compliance.ErrPostureInvalid, path: "edges", msg: "null"},
		{name: "missing open", doc: pstEdit(t, pstMinimal, pstDelete, "findings", 0, "open"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].open"},
		{name: "missing triage", doc: pstEdit(t, pstMinimal, pstDelete, "findings", 0, "triage"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].triage"},
		{name: "missing risk field", doc: pstEdit(t, pstMinimal, pstDelete, "findings", 0, "risk", "kev"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.kev"},
		{name: "missing ssvc field", doc: pstEdit(t, pstMinimal, pstDelete, "findings", 0, "risk", "ssvc", "decision"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.ssvc.decision"},
		{name: "missing sla field", doc: pstEdit(t, pstMinimal, map[string]any{}, "findings", 0, "sla"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].sla.breached"},
		{name: "triage without status", doc: pstEdit(t, pstMinimal, map[string]any{"active": true}, "findings", 0, "triage"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].triage.status"},
		{name: "null optional field", doc: pstEdit(t, pstMinimal, nil, "findings", 0, "rule_id"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].rule_id", msg: "null"},
		{name: "null property", doc: pstEdit(t, pstMinimal, nil, "assets", 0, "properties", "eol"), sentinel: compliance.ErrPostureInvalid, path: "assets[0].properties.eol"},
		{name: "null access entry", doc: pstEdit(t, pstMinimal, nil, "access", 0), sentinel: compliance.ErrPostureInvalid, path: "access[0]"},
		{name: "bad asset kind", doc: pstEdit(t, pstMinimal, "server", "assets", 1, "kind"), sentinel: compliance.ErrPostureInvalid, path: "assets[1].kind", msg: `unknown asset kind "server"`},
		{name: "empty asset id", doc: pstEdit(t, pstMinimal, "", "assets", 1, "id"), sentinel: compliance.ErrPostureInvalid, path: "assets[1].id"},
		{name: "bad exposure", doc: pstEdit(t, pstMinimal, "public", "assets", 0, "exposure"), sentinel: compliance.ErrPostureInvalid, path: "assets[0].exposure"},
		{name: "bad edge type", doc: pstEdit(t, pstMinimal, "likes", "edges", 0, "type"), sentinel: compliance.ErrPostureInvalid, path: "edges[0].type"},
		{name: "bad severity", doc: pstEdit(t, pstMinimal, "severe", "findings", 0, "severity"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].severity", at: `"severe"`},
		{name: "bad risk severity", doc: pstEdit(t, pstMinimal, "severe", "findings", 0, "risk", "severity"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.severity"},
		{name: "bad state", doc: pstEdit(t, pstMinimal, "closed", "findings", 0, "state"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].state"},
		{name: "bad triage status", doc: pstEdit(t, pstMinimal, map[string]any{"status": "ignored", "active": true}, "findings", 0, "triage"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].triage.status"},
		{name: "bad priority", doc: pstEdit(t, pstMinimal, "P0", "findings", 0, "risk", "priority"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.priority"},
		{name: "score out of range", doc: pstEdit(t, pstMinimal, 101, "findings", 0, "risk", "score"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.score"},
		{name: "epss out of range", doc: pstEdit(t, pstMinimal, 1.5, "findings", 0, "risk", "epss"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.epss"},
		{name: "bad reachability", doc: pstEdit(t, pstMinimal, "", "findings", 0, "risk", "reachability"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.reachability"},
		{name: "bad ssvc", doc: pstEdit(t, pstMinimal, "now", "findings", 0, "risk", "ssvc", "priority"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].risk.ssvc.priority"},
		{name: "negative line", doc: pstEdit(t, pstMinimal, -1, "findings", 0, "location", "line"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].location.line"},
		{name: "empty tool", doc: pstEdit(t, pstMinimal, "", "findings", 0, "tool"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].tool"},
		{name: "bad coverage kind", doc: pstEdit(t, pstMinimal, "pentest", "coverage", 0, "kind"), sentinel: compliance.ErrPostureInvalid, path: "coverage[0].kind"},
		{name: "sbom without format", doc: pstEdit(t, pstMinimal, []any{map[string]any{"asset": "a", "at": "2026-07-01T12:00:00Z"}}, "sboms"), sentinel: compliance.ErrPostureInvalid, path: "sboms[0].format"},
		{name: "access entry not an object", doc: pstEdit(t, pstMinimal, []any{"x"}, "access"), sentinel: compliance.ErrPostureInvalid, path: "access[0]"},
		{name: "duplicate asset", doc: pstEdit(t, pstMinimal, "team:shop", "assets", 0, "id"), sentinel: compliance.ErrPostureInvalid, path: "assets[1].id", schemaOnly: true},
		{name: "edge to nowhere", doc: pstEdit(t, pstMinimal, "team:nobody", "edges", 0, "to"), sentinel: compliance.ErrPostureInvalid, path: "edges[0].to", schemaOnly: true},
		{name: "finding on an unknown asset", doc: pstEdit(t, pstMinimal, []any{"repository:elsewhere"}, "findings", 0, "assets"), sentinel: compliance.ErrPostureInvalid, path: "findings[0].assets[0]", schemaOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compliance.ReadPosture(strings.NewReader(tt.doc))
			require.Error(t, err)
			var pe *compliance.PostureError
			require.True(t, errors.As(err, &pe), "not a *PostureError: %v", err)
			assert.ErrorIs(t, err, tt.sentinel)
			if tt.path != "" {
				assert.Equal(t, tt.path, pe.Path, err.Error())
			}
			if tt.line > 0 {
				assert.Equal(t, []int{tt.line, tt.col}, []int{pe.Line, pe.Column}, err.Error())
			}
			if tt.at != "" {
				require.GreaterOrEqual(t, pe.Offset, int64(0), err.Error())
				assert.True(t, strings.HasPrefix(tt.doc[pe.Offset:], tt.at), "offset %d: %q", pe.Offset, tt.doc[pe.Offset:min(len(tt.doc), int(pe.Offset)+20)])
			}
			if pe.Line > 0 {
				assert.GreaterOrEqual(t, pe.Offset, int64(0))
			}
			if tt.msg != "" {
				assert.Contains(t, err.Error(), tt.msg)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "compliance: posture: "), err.Error())
			if json.Valid([]byte(tt.doc)) {
				errs := pstSchemaErrors(t, []byte(tt.doc))
				if tt.schemaOnly {
					assert.Empty(t, errs, "only ReadPosture sees this")
				} else {
					assert.NotEmpty(t, errs, "the schema accepts what ReadPosture rejects")
				}
			}
		})
	}
}

func TestReadPostureNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "posture.json")
	require.NoError(t, os.WriteFile(path, []byte(pstEdit(t, pstMinimal, "x", "findings", 0, "state")), 0o644))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = compliance.ReadPosture(f)
	var pe *compliance.PostureError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, path, pe.File)
	assert.Contains(t, err.Error(), "posture.json: line 1, column ")
}

func TestPostureValidate(t *testing.T) {
	at := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	ok := func() *compliance.Posture {
		return &compliance.Posture{Version: compliance.PostureVersion, GeneratedAt: at,
			Assets: []inventory.Asset{{ID: "service:web", Kind: inventory.KindService}},
			Edges:  []inventory.Edge{}, Coverage: []compliance.Coverage{}, SBOMs: []compliance.SBOM{}, Access: []map[string]any{},
			Findings: []compliance.Finding{{ID: "f", Identity: "i", Kind: findings.KindDAST, Tool: "zap", Severity: findings.SeverityLow,
				State: correlate.StateNew, FirstSeen: at, LastSeen: at, Assets: []string{"service:web"},
				Risk: compliance.Risk{Priority: risk.P4, Severity: findings.SeverityLow, Reachability: findings.ReachabilityUnknown,
					SSVC: compliance.SSVCOutcome{Decision: "track", Priority: "defer"}}}},
		}
	}
	tests := []struct {
		name string
		edit func(p *compliance.Posture)
		path string
		err  error
	}{
		{"valid", func(*compliance.Posture) {}, "", nil},
		{"nil list", func(p *compliance.Posture) { p.SBOMs = nil }, "sboms", compliance.ErrPostureInvalid},
		{"nil finding assets", func(p *compliance.Posture) { p.Findings[0].Assets = nil }, "findings[0].assets", compliance.ErrPostureInvalid},
		{"version", func(p *compliance.Posture) { p.Version = "" }, "version", compliance.ErrPostureVersion},
		{"time", func(p *compliance.Posture) { p.GeneratedAt = time.Time{} }, "generated_at", compliance.ErrPostureInvalid},
		{"first seen", func(p *compliance.Posture) { p.Findings[0].FirstSeen = time.Time{} }, "findings[0].first_seen", compliance.ErrPostureInvalid},
		{"duplicate finding", func(p *compliance.Posture) { p.Findings = append(p.Findings, p.Findings[0]) }, "findings[1].id", compliance.ErrPostureInvalid},
		{"coverage time", func(p *compliance.Posture) {
			p.Coverage = []compliance.Coverage{{Asset: "service:web", Tool: "zap", Kind: findings.KindDAST}}
		}, "coverage[0].at", compliance.ErrPostureInvalid},
		{"score NaN", func(p *compliance.Posture) { p.Findings[0].Risk.Score = -1 }, "findings[0].risk.score", compliance.ErrPostureInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok()
			tt.edit(p)
			err := p.Validate()
			if tt.err == nil {
				require.NoError(t, err)
				// A valid posture passes the schema.
				out, err := json.Marshal(p)
				require.NoError(t, err)
				assert.Contains(t, string(out), `"edges":[]`)
				pstSchemaValid(t, out)
				return
			}
			var pe *compliance.PostureError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.path, pe.Path)
			assert.Equal(t, int64(-1), pe.Offset)
		})
	}
}

func TestSchemaDescribesEveryField(t *testing.T) {
	// Every field the Go types write is declared by the schema (which
	// forbids others): a posture with every optional field set passes.
	p, err := pstDemoBuilder(t).Build()
	require.NoError(t, err)
	e := 0.5
	p.Findings[0].Risk.EPSS = &e
	p.Findings[0].Risk.Ransomware = true
	p.Findings[0].VEX = findings.VEXAffected
	p.Findings[0].Package = &compliance.FindingPackage{Name: "n", Version: "1", PURL: "pkg:npm/n@1", Ecosystem: "npm", FixedVersions: []string{"2"}}
	p.Findings[0].Location = compliance.FindingLocation{Path: "p", Line: 1, URL: "https://x", Image: "i"}
	p.Findings[0].Triage = &compliance.Triage{Status: correlate.AcceptedRisk, Justification: "j", Author: "a", At: p.GeneratedAt, Expires: p.GeneratedAt, Active: false}
	p.Assets[0].Digest, p.Assets[0].URL, p.Assets[0].Licenses, p.Assets[0].DataTags = "sha256:0", "https://x", []string{"MIT"}, []string{"PII"}
	p.Edges[0].Scope, p.Edges[0].Relationship = findings.ScopeDev, findings.RelationshipTransitive
	out, err := json.Marshal(p)
	require.NoError(t, err)
	pstSchemaValid(t, out)
	_, err = compliance.ReadPosture(bytes.NewReader(out))
	require.NoError(t, err)
}

// FuzzReadPosture checks that ReadPosture never panics or hangs, that
// every error is a *PostureError wrapping a sentinel, and that whatever it
// accepts is valid, passes the JSON Schema once written, and reads back the
// same.
func FuzzReadPosture(f *testing.F) {
	f.Add([]byte(pstMinimal))
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "compliance", "demo-posture.json")); err == nil && len(b) < 1<<20 {
		f.Add(b)
	}
	for _, s := range []string{"", "{", "null", "[]", `{"version":"aspm-posture/1"}`, `{"version":2}`, "\ufeff{}", `"\u0000"`,
		strings.Replace(pstMinimal, `"triage": null`, `"triage": {"status":"wont_fix","active":false,"expires":"2027-01-01T00:00:00+01:00"}`, 1),
		strings.Replace(pstMinimal, `"id": "f1"`, `"i\u0064": "f1"`, 1),
		strings.Replace(pstMinimal, `"generated_at": "2026-07-01T12:00:00Z"`, `"generated_at": 1e400`, 1),
		`{"version": ` + strings.Repeat("[", 600)} {
		f.Add([]byte(s))
	}
	sentinels := []error{compliance.ErrPostureSyntax, compliance.ErrPostureInvalid, compliance.ErrPostureVersion, compliance.ErrPostureLimit}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := compliance.ReadPosture(bytes.NewReader(data))
		if err != nil {
			var pe *compliance.PostureError
			if !errors.As(err, &pe) {
				t.Fatalf("not a *PostureError: %v", err)
			}
			wrapped := false
			for _, s := range sentinels {
				wrapped = wrapped || errors.Is(err, s)
			}
			if !wrapped {
				t.Fatalf("no sentinel: %v", err)
			}
			_ = err.Error()
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted but invalid: %v", err)
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if errs := pstSchemaErrors(t, out); len(errs) > 0 {
			t.Fatalf("accepted, but the schema rejects it: %v\n%s", errs, out)
		}
		back, err := compliance.ReadPosture(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("written posture does not read back: %v\n%s", err, out)
		}
		again, _ := json.Marshal(back)
		if !bytes.Equal(out, again) {
			t.Fatalf("round trip changed the posture:\n%s\n%s", out, again)
		}
	})
}

// Read a posture document, such as one `aspm comply` wrote or another tool
// produced, and list the open findings past their SLA.
func ExampleReadPosture() {
	p, err := compliance.ReadPosture(strings.NewReader(pstMinimal))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Version, len(p.Assets), "assets,", len(p.Findings), "findings")
	for _, f := range p.Findings {
		fmt.Println(f.ID, f.Tool, f.Open, f.SLA.Breached, f.SLA.Due.Format(time.DateOnly))
	}

	_, err = compliance.ReadPosture(strings.NewReader(`{"version": "aspm-posture/1", "generated_at": "2026-07-01T00:00:00Z", "assets": [{"id": "x", "kind": "server"}]}`))
	fmt.Println(err)
	// Output:
	// aspm-posture/1 2 assets, 1 findings
	// f1 gitleaks true false 2026-07-31
	// compliance: posture: line 1, column 1: edges: invalid posture: missing required field "edges"
}

// BenchmarkReadPosture reads the posture of BenchmarkBuild back from JSON.
func BenchmarkReadPosture(b *testing.B) {
	g, fs := pstSyntheticInput(b, 10_000, 100_000)
	p, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
	require.NoError(b, err)
	data, err := json.Marshal(p)
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := compliance.ReadPosture(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
