package compliance_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/opasandbox"
)

const (
	engPolicies = "testdata/policies"
	engPosture  = "testdata/posture.json"

	engCritical = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	engSecret   = "1b2c3d4e5f60718293a4b5c6d7e8f90a"
	engWebRepo  = "repository:github.com/acme/web"
)

// engNew builds an engine over the test controls only.
func engNew(t testing.TB, opts compliance.Options) *compliance.Engine {
	t.Helper()
	opts.DisableBuiltins = true
	if opts.Dirs == nil && opts.Policies == nil && opts.Bundles == nil {
		opts.Dirs = []string{engPolicies}
	}
	e, err := compliance.New(context.Background(), opts)
	require.NoError(t, err)
	return e
}

// engPostureMap reads the fixture posture as a generic map to edit.
func engPostureMap(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile(engPosture)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func engJSON(t testing.TB, r *compliance.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, r.WriteJSON(&buf))
	return buf.Bytes()
}

func engResult(t testing.TB, r *compliance.Report, id string) compliance.Result {
	t.Helper()
	res, ok := r.Control(id)
	require.True(t, ok, "control %s in the report", id)
	return res
}

func TestEngineEvaluateFixture(t *testing.T) {
	e := engNew(t, compliance.Options{})
	ids := []string{}
	for _, c := range e.Controls() {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"TEST-COV-01", "TEST-SEC-01", "TEST-VM-01"}, ids)

	b, err := os.ReadFile(engPosture)
	require.NoError(t, err)
	rep, err := e.Evaluate(context.Background(), b)
	require.NoError(t, err)

	vm := engResult(t, rep, "TEST-VM-01")
	assert.Equal(t, compliance.StatusFail, vm.Status)
	assert.Equal(t, "open critical finding "+engCritical+": lodash command injection", vm.Message)
	assert.Equal(t, []string{"asset:" + engWebRepo, "finding:" + engCritical}, vm.Evidence)
	require.Len(t, vm.Violations, 1)
	assert.True(t, vm.Gate)
	assert.Equal(t, "critical", vm.Severity)

	sec := engResult(t, rep, "TEST-SEC-01")
	assert.Equal(t, compliance.StatusFail, sec.Status)
	assert.Equal(t, []string{"finding:" + engSecret}, sec.Evidence)

	cov := engResult(t, rep, "TEST-COV-01")
	assert.Equal(t, compliance.StatusPass, cov.Status)
	assert.Equal(t, []string{"asset:" + engWebRepo}, cov.Evidence)
	assert.Empty(t, cov.Violations)
	assert.False(t, cov.Gate)

	assert.Equal(t, compliance.Summary{Total: 3, Passed: 1, Failed: 2}, rep.Summary)
	assert.Equal(t, compliance.Gate{Passed: false, Failed: []string{"TEST-SEC-01", "TEST-VM-01"}}, rep.Gate)
	assert.Equal(t, compliance.ReportVersion, rep.Version)

	golden.Assert(t, filepath.Join("testdata", "report.golden.json"), engJSON(t, rep))
}

func TestEngineInputForms(t *testing.T) {
	e := engNew(t, compliance.Options{})
	ctx := context.Background()
	raw, err := os.ReadFile(engPosture)
	require.NoError(t, err)
	want, err := e.Evaluate(ctx, raw)
	require.NoError(t, err)

	p, err := compliance.ReadPosture(bytes.NewReader(raw))
	require.NoError(t, err)
	value, err := ast.ValueFromReader(bytes.NewReader(raw))
	require.NoError(t, err)
	inputs := map[string]any{
		"json.RawMessage": json.RawMessage(raw),
		"map":             engPostureMap(t),
		"*Posture":        p,
		"Posture":         *p,
		"ast.Value":       value,
		"*ast.Term":       ast.NewTerm(value),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			got, err := e.Evaluate(ctx, in)
			require.NoError(t, err)
			assert.Equal(t, string(engJSON(t, want)), string(engJSON(t, got)))
		})
	}

	for name, bad := range map[string]any{
		"nil":          nil,
		"nil term":     (*ast.Term)(nil),
		"array":        []byte(`[]`),
		"syntax":       []byte(`{"findings": [`),
		"string value": "posture",
		"number":       42,
		"channel":      make(chan int),
	} {
		t.Run("bad/"+name, func(t *testing.T) {
			_, err := e.Evaluate(ctx, bad)
			assert.ErrorIs(t, err, compliance.ErrInput)
		})
	}
}

func TestEngineNotApplicable(t *testing.T) {
	e := engNew(t, compliance.Options{})
	p := engPostureMap(t)
	p["findings"] = []any{}
	p["assets"] = []any{}
	rep, err := e.Evaluate(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, compliance.StatusNotApplicable, engResult(t, rep, "TEST-VM-01").Status)
	assert.Equal(t, compliance.StatusNotApplicable, engResult(t, rep, "TEST-COV-01").Status)
	// No applicable rule: the control always applies.
	assert.Equal(t, compliance.StatusPass, engResult(t, rep, "TEST-SEC-01").Status)
	assert.Equal(t, "no violation", engResult(t, rep, "TEST-SEC-01").Message)
	assert.True(t, rep.Gate.Passed)
	assert.Empty(t, rep.Gate.Failed)
	assert.Equal(t, compliance.Summary{Total: 3, Passed: 1, NotApplicable: 2}, rep.Summary)
}

func TestEngineGateOverride(t *testing.T) {
	e := engNew(t, compliance.Options{Gate: map[string]bool{"TEST-SEC-01": false, "TEST-COV-01": true}})
	gates := map[string]bool{}
	for _, c := range e.Controls() {
		gates[c.ID] = c.Gate
	}
	assert.Equal(t, map[string]bool{"TEST-COV-01": true, "TEST-SEC-01": false, "TEST-VM-01": true}, gates)
	rep, err := e.Evaluate(context.Background(), engPostureMap(t))
	require.NoError(t, err)
	assert.Equal(t, []string{"TEST-VM-01"}, rep.Gate.Failed)
	assert.False(t, engResult(t, rep, "TEST-SEC-01").Gate)

	_, err = compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Dirs: []string{engPolicies},
		Gate: map[string]bool{"TEST-NOPE": true}})
	assert.ErrorIs(t, err, compliance.ErrUnknownControl)
	assert.ErrorContains(t, err, "TEST-NOPE")
}

func TestEngineData(t *testing.T) {
	e := engNew(t, compliance.Options{Data: map[string]any{"testcfg": map[string]any{"sast_tools": []string{"codeql"}}}})
	rep, err := e.Evaluate(context.Background(), engPostureMap(t))
	require.NoError(t, err)
	cov := engResult(t, rep, "TEST-COV-01")
	assert.Equal(t, compliance.StatusFail, cov.Status)
	assert.Equal(t, "production repository "+engWebRepo+" has no SAST coverage", cov.Message)

	_, err = compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Dirs: []string{engPolicies},
		Data: map[string]any{"bad": make(chan int)}})
	assert.ErrorIs(t, err, compliance.ErrPolicy)
}

// engControl is a minimal valid control.
func engControl(id, pkg, body string) string {
	return "# METADATA\n# title: Control " + id + "\n# custom:\n#   id: " + id + "\n#   gate: true\n#   frameworks:\n#     soc2: [\"CC7.1\"]\n" +
		"package aspm.controls." + pkg + "\n\nimport rego.v1\n\n" + body + "\n"
}

const engFailing = `violations contains {"msg": "always", "evidence": ["asset:x"]} if true`

func TestEngineSources(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bundleDir := filepath.Join(dir, "bundle")
	require.NoError(t, os.MkdirAll(filepath.Join(bundleDir, "policy"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bundleDir, "policy", "b.rego"), []byte(engControl("BUNDLE-DIR-01", "bundle_dir",
		`violations contains v if { some t in data.bundlecfg.tools; v := {"msg": t, "evidence": []} }`)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bundleDir, "policy", "b_test.rego"), []byte("package aspm.controls.bundle_dir_test\n\nimport rego.v1\n\ntest_x if true\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bundleDir, "data.json"), []byte(`{"bundlecfg": {"tools": ["semgrep"]}}`), 0o644))

	tarball := filepath.Join(dir, "bundle.tar.gz")
	engWriteTarball(t, tarball, map[string]string{
		"/policy/t.rego": engControl("BUNDLE-TAR-01", "bundle_tar", engFailing),
		"/data.json":     `{"tarcfg": {"on": true}}`,
	})

	mapFS := fstest.MapFS{
		"controls/a.rego":      {Data: []byte(engControl("FS-01", "fs_one", engFailing))},
		"controls/a_test.rego": {Data: []byte("this is not Rego, and it is skipped")},
		"README.md":            {Data: []byte("not a policy")},
	}
	sameNames := fstest.MapFS{"controls/a.rego": {Data: []byte(engControl("FS-02", "fs_two", engFailing))}}
	e, err := compliance.New(ctx, compliance.Options{
		DisableBuiltins: true,
		Policies:        []fs.FS{mapFS, sameNames},
		Dirs:            []string{engPolicies},
		Bundles:         []string{bundleDir, tarball},
	})
	require.NoError(t, err)
	files := map[string]string{}
	for _, c := range e.Controls() {
		files[c.ID] = c.File
	}
	assert.Equal(t, map[string]string{
		"BUNDLE-DIR-01": filepath.ToSlash(bundleDir) + "/policy/b.rego",
		"BUNDLE-TAR-01": filepath.ToSlash(tarball) + "/policy/t.rego",
		"FS-01":         "policies[0]/controls/a.rego",
		"FS-02":         "policies[1]/controls/a.rego",
		"TEST-COV-01":   "testdata/policies/sast_coverage.rego",
		"TEST-SEC-01":   "testdata/policies/secrets.rego",
		"TEST-VM-01":    "testdata/policies/open_critical.rego",
	}, files)
	rep, err := e.Evaluate(ctx, engPostureMap(t))
	require.NoError(t, err)
	dirRes := engResult(t, rep, "BUNDLE-DIR-01")
	assert.Equal(t, compliance.StatusFail, dirRes.Status)
	assert.Equal(t, "semgrep", dirRes.Message, "the bundle's data.json is loaded")

	// With the built-in library (when it has controls), the test controls
	// come in addition.
	e, err = compliance.New(ctx, compliance.Options{Dirs: []string{engPolicies}})
	require.NoError(t, err)
	assert.Greater(t, len(e.Controls()), 3)
}

func TestEnginePolicyErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		files   map[string]string
		opts    compliance.Options
		wantErr []error
		check   func(t *testing.T, err error)
	}{
		{
			name:    "forbidden builtin",
			files:   map[string]string{"evil.rego": engControl("EVIL-01", "evil", "violations contains {\"msg\": r.body} if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1\"})\n}")},
			wantErr: []error{compliance.ErrPolicy, compliance.ErrForbiddenBuiltin},
			check: func(t *testing.T, err error) {
				var fe *compliance.ForbiddenBuiltinError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, "http.send", fe.Builtin)
				assert.Equal(t, "evil.rego", fe.File)
				assert.Equal(t, 13, fe.Row)
				assert.Contains(t, err.Error(), "http.send")
			},
		},
		{
			name:    "syntax error",
			files:   map[string]string{"bad.rego": "package aspm.controls.bad\n\nviolations contains x if {\n"},
			wantErr: []error{compliance.ErrPolicy, opasandbox.ErrCompile},
			check: func(t *testing.T, err error) {
				var ce *compliance.CompileError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "bad.rego", ce.File)
				assert.Equal(t, "rego_parse_error", ce.Code)
			},
		},
		{
			name:    "violations without id",
			files:   map[string]string{"n.rego": "package aspm.controls.noid\n\nimport rego.v1\n\n" + engFailing + "\n"},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("n.rego", "custom.id"),
		},
		{
			name:    "id without violations",
			files:   map[string]string{"v.rego": engControl("NOVIOL-01", "noviol", "x := 1")},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("v.rego", "violations"),
		},
		{
			name: "duplicate id",
			files: map[string]string{
				"a.rego": engControl("DUP-01", "dup_a", engFailing),
				"b.rego": engControl("DUP-01", "dup_b", engFailing),
			},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("b.rego", "custom.id"),
		},
		{
			name:    "bad id",
			files:   map[string]string{"i.rego": strings.Replace(engControl("X", "badid", engFailing), "id: X", "id: 1-not-a-token", 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("i.rego", "custom.id"),
		},
		{
			name:    "missing title",
			files:   map[string]string{"t.rego": strings.Replace(engControl("NOTITLE-01", "notitle", engFailing), "# title: Control NOTITLE-01\n", "", 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("t.rego", "title"),
		},
		{
			name:    "gate not a boolean",
			files:   map[string]string{"g.rego": strings.Replace(engControl("GATE-01", "gate", engFailing), "gate: true", "gate: sometimes", 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("g.rego", "custom.gate"),
		},
		{
			name:    "unknown severity",
			files:   map[string]string{"s.rego": strings.Replace(engControl("SEV-01", "sev", engFailing), "#   gate: true", "#   gate: true\n#   severity: urgent", 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("s.rego", "custom.severity"),
		},
		{
			name:    "unknown framework",
			files:   map[string]string{"f.rego": strings.Replace(engControl("FW-01", "fw", engFailing), "soc2:", "soc3:", 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("f.rego", "custom.frameworks.soc3"),
		},
		{
			name:    "requirement of the wrong form",
			files:   map[string]string{"r.rego": strings.Replace(engControl("REQ-01", "req", engFailing), `soc2: ["CC7.1"]`, `pci-dss-4: ["PCI-6.3.3"]`, 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("r.rego", "custom.frameworks.pci-dss-4"),
		},
		{
			name:    "unquoted numeric requirement",
			files:   map[string]string{"q.rego": strings.Replace(engControl("REQ-02", "req2", engFailing), `soc2: ["CC7.1"]`, `pci-dss-4: [6.3]`, 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("q.rego", "custom.frameworks.pci-dss-4"),
		},
		{
			name:    "frameworks not a map",
			files:   map[string]string{"m.rego": strings.Replace(engControl("MAP-01", "fwmap", engFailing), "#   frameworks:\n#     soc2: [\"CC7.1\"]", "#   frameworks: [soc2]", 1)},
			wantErr: []error{compliance.ErrPolicy},
			check:   engPolicyField("m.rego", "custom.frameworks"),
		},
		{
			name: "two annotated modules for one package",
			files: map[string]string{
				"a.rego": engControl("TWO-01", "two", engFailing),
				"b.rego": engControl("TWO-02", "two", "x := 1"),
			},
			wantErr: []error{compliance.ErrPolicy, opasandbox.ErrCompile},
			check: func(t *testing.T, err error) {
				assert.ErrorContains(t, err, "package annotation redeclared")
			},
		},
		{
			name:    "missing directory",
			opts:    compliance.Options{Dirs: []string{"testdata/no-such-dir"}},
			wantErr: []error{compliance.ErrPolicy},
		},
		{
			name:    "missing bundle",
			opts:    compliance.Options{Bundles: []string{"testdata/no-such-bundle.tar.gz"}},
			wantErr: []error{compliance.ErrPolicy},
		},
		{
			name:    "bad extra framework",
			opts:    compliance.Options{Frameworks: []compliance.Framework{{Name: "Bad Name"}}},
			wantErr: []error{compliance.ErrFramework},
		},
		{
			name:    "extra framework redefined",
			opts:    compliance.Options{Frameworks: []compliance.Framework{{Name: "x"}, {Name: "x"}}},
			wantErr: []error{compliance.ErrFramework},
		},
		{
			name:    "bad requirement pattern",
			opts:    compliance.Options{Frameworks: []compliance.Framework{{Name: "x", RequirementPattern: "("}}},
			wantErr: []error{compliance.ErrFramework},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.DisableBuiltins = true
			if tc.files != nil {
				mfs := fstest.MapFS{}
				for n, src := range tc.files {
					mfs[n] = &fstest.MapFile{Data: []byte(src)}
				}
				opts.Policies = []fs.FS{mfs}
			}
			_, err := compliance.New(ctx, opts)
			require.Error(t, err)
			for _, want := range tc.wantErr {
				assert.ErrorIs(t, err, want)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

func engPolicyField(file, field string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		var pe *compliance.PolicyError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, file, pe.File)
		assert.Equal(t, field, pe.Field, pe.Error())
		assert.Contains(t, err.Error(), file)
	}
}

func TestEngineCustomFramework(t *testing.T) {
	mfs := fstest.MapFS{"c.rego": {Data: []byte(strings.Replace(engControl("CUST-01", "cust", engFailing), `soc2: ["CC7.1"]`, `internal-std: ["SEC-7"]`, 1))}}
	fw := compliance.Framework{Name: "internal-std", Title: "Internal security standard", Version: "3", RequirementPattern: `SEC-[0-9]+`}
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{mfs}, Frameworks: []compliance.Framework{fw}})
	require.NoError(t, err)
	assert.Contains(t, e.Frameworks(), fw)
	rep, err := e.Evaluate(context.Background(), map[string]any{})
	require.NoError(t, err)
	require.Len(t, rep.Frameworks, 1)
	assert.Equal(t, "internal-std", rep.Frameworks[0].Name)
	assert.Equal(t, "Internal security standard", rep.Frameworks[0].Title)
	assert.Equal(t, 1, rep.Frameworks[0].Failed)
	sub, err := rep.ForFramework("internal-std")
	require.NoError(t, err)
	assert.Len(t, sub.Controls, 1)
}

func TestEngineRuntimeErrors(t *testing.T) {
	mfs := fstest.MapFS{
		"ok.rego":       {Data: []byte(engControl("RT-01", "ok", engFailing))},
		"builtin.rego":  {Data: []byte(engControl("RT-02", "builtin_err", `violations contains {"msg": "n", "evidence": []} if to_number(input.nan) > 0`))},
		"conflict.rego": {Data: []byte(engControl("RT-03", "conflict", "default applicable := true\n\napplicable := false if input.a\n\napplicable := true if input.a\n\n"+engFailing))},
		"shape1.rego":   {Data: []byte(engControl("RT-04", "shape_msg", `violations contains {"message": "no msg key"} if true`))},
		"shape2.rego":   {Data: []byte(engControl("RT-05", "shape_ev", `violations contains {"msg": "m", "evidence": [1, 2]} if true`))},
		"shape3.rego":   {Data: []byte(engControl("RT-06", "shape_app", "applicable := \"yes\"\n\n"+engFailing))},
		"shape4.rego":   {Data: []byte(engControl("RT-07", "shape_set", `violations := 7`))},
		"shape5.rego":   {Data: []byte(engControl("RT-08", "shape_elem", `violations contains 7 if true`))},
		"shape6.rego":   {Data: []byte(engControl("RT-09", "shape_evid", "violations := set()\n\nevidence := {\"a\": 1}"))},
		"strmsg.rego":   {Data: []byte(engControl("RT-10", "string_violation", `violations contains "a bare message" if true`))},
		"undef.rego":    {Data: []byte(engControl("RT-11", "undefined_app", "applicable if input.never\n\n"+engFailing))},
	}
	// One query, one group per control, and groups in between: a failing
	// control erring alone must not depend on how controls are grouped.
	for _, parallelism := range []int{1, 3, 11, 64} {
		t.Run(fmt.Sprintf("parallelism=%d", parallelism), func(t *testing.T) {
			engRuntimeErrors(t, mfs, parallelism)
		})
	}
}

func engRuntimeErrors(t *testing.T, mfs fstest.MapFS, parallelism int) {
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{mfs}, Parallelism: parallelism})
	require.NoError(t, err)
	// A small input is evaluated in one query whatever the parallelism;
	// one of 1,000 findings in the groups.
	many := make([]any, 1000)
	for i := range many {
		many[i] = map[string]any{"id": fmt.Sprint(i)}
	}
	for _, input := range []map[string]any{
		{"a": true, "nan": "not a number"},
		{"a": true, "nan": "not a number", "findings": many},
	} {
		engRuntimeErrorsOn(t, e, input)
	}
}

func engRuntimeErrorsOn(t *testing.T, e *compliance.Engine, input map[string]any) {
	rep, err := e.Evaluate(context.Background(), input)
	require.NoError(t, err)
	want := map[string]compliance.Status{
		"RT-01": compliance.StatusFail, "RT-02": compliance.StatusError, "RT-03": compliance.StatusError,
		"RT-04": compliance.StatusError, "RT-05": compliance.StatusError, "RT-06": compliance.StatusError,
		"RT-07": compliance.StatusError, "RT-08": compliance.StatusError, "RT-09": compliance.StatusError,
		"RT-10": compliance.StatusFail, "RT-11": compliance.StatusFail,
	}
	got := map[string]compliance.Status{}
	for _, r := range rep.Controls {
		got[r.ID] = r.Status
		if r.Status == compliance.StatusError {
			assert.NotEmpty(t, r.Message)
			assert.NotContains(t, r.Message, "opasandbox:")
		}
	}
	assert.Equal(t, want, got)
	assert.Contains(t, engResult(t, rep, "RT-02").Message, "to_number")
	assert.Contains(t, engResult(t, rep, "RT-03").Message, "eval_conflict_error")
	assert.Contains(t, engResult(t, rep, "RT-04").Message, "msg is undefined")
	assert.Equal(t, "a bare message", engResult(t, rep, "RT-10").Message)
	assert.Equal(t, 8, rep.Summary.Errors)
	// Erring gating controls fail the gate.
	assert.Contains(t, rep.Gate.Failed, "RT-02")
}

// engRunaway iterates 10^10 times unless stopped.
const engRunaway = `violations contains {"msg": sprintf("%d", [n]), "evidence": []} if {
	n := count([x |
		some x in numbers.range(1, 100000)
		some y in numbers.range(1, 100000)
		x == y + 1
	])
}`

func TestEngineTimeout(t *testing.T) {
	mfs := fstest.MapFS{
		"slow.rego": {Data: []byte(engControl("SLOW-01", "slow", engRunaway))},
		"ok.rego":   {Data: []byte(engControl("OK-01", "ok", engFailing))},
	}
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{mfs}, Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	start := time.Now()
	_, err = e.Evaluate(context.Background(), map[string]any{})
	assert.Less(t, time.Since(start), 5*time.Second)
	require.Error(t, err)
	assert.ErrorIs(t, err, compliance.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var te *compliance.TimeoutError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 200*time.Millisecond, te.Timeout)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.Evaluate(ctx, map[string]any{})
	assert.ErrorIs(t, err, context.Canceled)
}

// TestEngineParallelismSameReport: the built-in controls over the demo
// posture and a synthetic one give the same report however many groups
// evaluate them.
func TestEngineParallelismSameReport(t *testing.T) {
	g, fs := pstSyntheticInput(t, 500, 5_000)
	synthetic, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
	require.NoError(t, err)
	demo, err := pstDemoBuilder(t).Build()
	require.NoError(t, err)
	for name, p := range map[string]*compliance.Posture{"demo": demo, "synthetic": synthetic} {
		t.Run(name, func(t *testing.T) {
			var want []byte
			for _, parallelism := range []int{1, 2, 3, 5, 100} {
				rep, err := engNew(t, compliance.Options{Parallelism: parallelism}).Evaluate(context.Background(), p)
				require.NoError(t, err)
				got := engJSON(t, rep)
				if want == nil {
					want = got
					continue
				}
				assert.JSONEq(t, string(want), string(got), "parallelism %d", parallelism)
			}
		})
	}
}

func TestEngineConcurrentEvaluate(t *testing.T) {
	e := engNew(t, compliance.Options{})
	base := engPostureMap(t)
	want, err := e.Evaluate(context.Background(), base)
	require.NoError(t, err)
	wantJSON := string(engJSON(t, want))
	empty := engPostureMap(t)
	empty["findings"] = []any{}
	wantEmpty, err := e.Evaluate(context.Background(), empty)
	require.NoError(t, err)
	wantEmptyJSON := string(engJSON(t, wantEmpty))

	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				in, w := base, wantJSON
				if (g+i)%2 == 1 {
					in, w = empty, wantEmptyJSON
				}
				rep, err := e.Evaluate(context.Background(), in)
				if err != nil {
					errs <- err
					return
				}
				var buf bytes.Buffer
				if err := rep.WriteJSON(&buf); err != nil || buf.String() != w {
					errs <- errors.New("report differs under concurrency")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEngineNoControls(t *testing.T) {
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true})
	require.NoError(t, err)
	assert.Empty(t, e.Controls())
	rep, err := e.Evaluate(context.Background(), map[string]any{})
	require.NoError(t, err)
	assert.True(t, rep.Gate.Passed)
	assert.Equal(t, "{\n  \"version\": \"aspm-compliance-report/1\",\n  \"summary\": {\n    \"total\": 0,\n    \"passed\": 0,\n    \"failed\": 0,\n    \"not_applicable\": 0,\n    \"errors\": 0\n  },\n  \"gate\": {\n    \"passed\": true,\n    \"failed\": []\n  },\n  \"controls\": [],\n  \"frameworks\": []\n}\n", string(engJSON(t, rep)))
}

func TestEngineBuiltinLibrary(t *testing.T) {
	e, err := compliance.New(context.Background(), compliance.Options{})
	require.NoError(t, err)
	controls := e.Controls()
	if len(controls) == 0 {
		t.Skip("the built-in library has no controls yet")
	}
	for _, c := range controls {
		assert.NotEmpty(t, c.Title, c.ID)
		assert.NotEmpty(t, c.Mappings, c.ID)
		assert.True(t, strings.HasPrefix(c.File, "builtin/"), c.File)
		assert.True(t, strings.HasPrefix(c.Package, compliance.ControlsPackage+"."), c.Package)
	}
	rep, err := e.Evaluate(context.Background(), engPostureMap(t))
	require.NoError(t, err)
	for _, r := range rep.Controls {
		assert.NotEqual(t, compliance.StatusError, r.Status, "%s: %s", r.ID, r.Message)
	}
}

// TestRegoUnitTests runs the Rego unit tests of the test controls.
func TestRegoUnitTests(t *testing.T) {
	mods := map[string]string{}
	entries, err := os.ReadDir(engPolicies)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(engPolicies, e.Name()))
		require.NoError(t, err)
		mods[e.Name()] = string(b)
	}
	res, err := opasandbox.RunTests(context.Background(), mods, opasandbox.Options{})
	require.NoError(t, err)
	require.Len(t, res, 3)
	for _, r := range res {
		assert.True(t, r.Passed(), r.String())
	}
}

func engWriteTarball(t *testing.T, path string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for n := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(files[n]))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

// TestEngineTimeoutBoundsAllGroups: Options.Timeout bounds one Evaluate,
// however many groups the goroutines take one after another: six groups
// that each fit under the timeout, but not three in a row, on two
// goroutines time out at about the timeout.
func TestEngineTimeoutBoundsAllGroups(t *testing.T) {
	slow := func(controls int, parallelism int, timeout time.Duration) *compliance.Engine {
		mfs := fstest.MapFS{}
		for i := range controls {
			body := `violations contains {"msg": sprintf("%d", [c]), "evidence": []} if {
	c := count([x | some x in numbers.range(1, 200000); x % 7 == 0])
	c < 0
}`
			mfs[fmt.Sprintf("slow%d.rego", i)] = &fstest.MapFile{Data: []byte(engControl(fmt.Sprintf("SLOW-%02d", i), fmt.Sprintf("slow%d", i), body))}
		}
		e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{mfs},
			Parallelism: parallelism, Timeout: timeout})
		require.NoError(t, err)
		return e
	}
	// Groups run only for a posture of 1,000 findings or more.
	posture := map[string]any{"findings": make([]any, 1500)}
	one := slow(1, 1, time.Minute)
	start := time.Now()
	_, err := one.Evaluate(context.Background(), posture)
	require.NoError(t, err)
	per := time.Since(start)

	timeout := per * 6 / 5 // one group fits, the three each goroutine takes do not
	start = time.Now()
	_, err = slow(6, 2, timeout).Evaluate(context.Background(), posture)
	took := time.Since(start)
	require.ErrorIs(t, err, compliance.ErrTimeout, "one control %v, timeout %v, took %v", per, timeout, took)
	var te *compliance.TimeoutError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, timeout, te.Timeout)
	assert.Less(t, took, timeout*5/2, "stopped at the deadline")
}
