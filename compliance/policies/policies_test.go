package policies_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance/policies"
	"github.com/aspmkit/aspm/internal/opasandbox"
)

// sources reads the library's files: name → source. withTests includes
// the *_test.rego files.
func sources(tb testing.TB, withTests bool) map[string]string {
	tb.Helper()
	names, err := fs.Glob(policies.FS, "*.rego")
	require.NoError(tb, err)
	out := make(map[string]string, len(names))
	for _, n := range names {
		if !withTests && strings.HasSuffix(n, "_test.rego") {
			continue
		}
		b, err := fs.ReadFile(policies.FS, n)
		require.NoError(tb, err)
		out[n] = string(b)
	}
	return out
}

func parse(tb testing.TB, srcs map[string]string) map[string]*ast.Module {
	tb.Helper()
	mods, err := opasandbox.Parse(srcs, opasandbox.Options{})
	require.NoError(tb, err)
	return mods
}

// prepare compiles the library (tests excluded) in the sandbox, as the
// compliance engine does, and prepares the query that evaluates every
// control in one pass.
func prepare(tb testing.TB) *opasandbox.Query {
	tb.Helper()
	opts := opasandbox.Options{Timeout: time.Minute}
	c, err := opasandbox.Compile(sources(tb, false), opts)
	require.NoError(tb, err)
	q, err := opasandbox.Prepare(context.Background(), c, "data.aspm.controls", nil, opts)
	require.NoError(tb, err)
	return q
}

// TestRegoUnitTests runs every test_* rule of the library through OPA's
// tester in the sandbox: its capabilities, strict mode, strict builtin
// errors.
func TestRegoUnitTests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results, err := opasandbox.RunTests(ctx, sources(t, true), opasandbox.Options{Timeout: time.Minute})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(results), 3*len(wantControls), "every control has pass, fail and not-applicable tests")
	for _, r := range results {
		t.Run(strings.TrimPrefix(r.Package, "data.aspm.test.")+"."+r.Name, func(t *testing.T) {
			assert.NoError(t, r.Err)
			assert.False(t, r.Skip, "skipped")
			assert.False(t, r.Fail, "%s", r)
		})
	}
}

// TestEveryControlHasTests checks that, for every control package, some
// test module importing it has test_pass*, test_fail* and
// test_not_applicable* rules.
func TestEveryControlHasTests(t *testing.T) {
	mods := parse(t, sources(t, true))
	kinds := map[string]map[string]bool{}
	for name, m := range mods {
		if !strings.HasSuffix(name, "_test.rego") {
			continue
		}
		var prefixes []string
		for _, r := range m.Rules {
			n := r.Head.Name.String()
			if n == "" {
				n = r.Head.Ref().String()
			}
			for _, p := range []string{"test_pass", "test_fail", "test_not_applicable"} {
				if strings.HasPrefix(n, p) {
					prefixes = append(prefixes, p)
				}
			}
		}
		for _, imp := range m.Imports {
			path := imp.Path.String()
			pkg, ok := strings.CutPrefix(path, "data.aspm.controls.")
			if !ok {
				continue
			}
			if kinds[pkg] == nil {
				kinds[pkg] = map[string]bool{}
			}
			for _, p := range prefixes {
				kinds[pkg][p] = true
			}
		}
	}
	for _, w := range wantControls {
		for _, p := range []string{"test_pass", "test_fail", "test_not_applicable"} {
			assert.True(t, kinds[w.pkg][p], "%s (%s) has no %s* test", w.id, w.pkg, p)
		}
	}
}

// wantControls is the catalog the library must define, with its default
// gates.
var wantControls = []struct {
	id, pkg  string
	gate     bool
	severity string
}{
	{"ASPM-VM-01", "vm_sla", true, "critical"},
	{"ASPM-VM-02", "vm_sla_all", false, "medium"},
	{"ASPM-COV-01", "coverage_sast", true, "high"},
	{"ASPM-COV-02", "coverage_sca", true, "high"},
	{"ASPM-COV-03", "coverage_secrets", true, "high"},
	{"ASPM-SBOM-01", "sbom_present", false, "medium"},
	{"ASPM-SEC-01", "secrets_absent", true, "critical"},
	{"ASPM-EXP-01", "exposed_high_risk", true, "critical"},
	{"ASPM-DEP-01", "dependencies_eol", false, "medium"},
	{"ASPM-IAM-01", "least_privilege", false, "high"},
	{"ASPM-RA-01", "risk_acceptance", true, "medium"},
}

// requirementID is the shape of each framework's requirement ids.
var requirementID = map[string]*regexp.Regexp{
	"asvs":      regexp.MustCompile(`^V[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$`),              // OWASP ASVS 4.0.3
	"ssdf":      regexp.MustCompile(`^(PO|PS|PW|RV)\.[0-9]\.[0-9]$`),                      // NIST SP 800-218 tasks
	"pci-dss-4": regexp.MustCompile(`^(6|7|8|11|12)\.[0-9]{1,2}\.[0-9]{1,2}(\.[0-9])?$`),  // PCI DSS 4.0 requirements
	"soc2":      regexp.MustCompile(`^CC[1-9]\.[0-9]$`),                                   // SOC 2 common criteria
	"iso27001":  regexp.MustCompile(`^A\.(5\.([1-9]|[1-3][0-9])|8\.([1-9]|[1-3][0-9]))$`), // ISO/IEC 27001:2022 Annex A
}

type control struct {
	id, title, description, severity string
	gate                             bool
	frameworks                       map[string][]string
}

// catalog reads the package annotations of the control modules, by
// package name.
func catalog(t *testing.T) map[string]control {
	t.Helper()
	out := map[string]control{}
	for name, m := range parse(t, sources(t, false)) {
		pkg, ok := strings.CutPrefix(m.Package.Path.String(), "data.aspm.controls.")
		if !ok {
			continue
		}
		var ann *ast.Annotations
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				ann = a
			}
		}
		require.NotNil(t, ann, "%s has no package METADATA", name)
		c := control{title: ann.Title, description: ann.Description, frameworks: map[string][]string{}}
		c.id, _ = ann.Custom["id"].(string)
		c.severity, _ = ann.Custom["severity"].(string)
		gate, ok := ann.Custom["gate"].(bool)
		require.True(t, ok, "%s: custom.gate is not a boolean", name)
		c.gate = gate
		fw, ok := ann.Custom["frameworks"].(map[string]any)
		require.True(t, ok, "%s: custom.frameworks is not a map", name)
		for k, v := range fw {
			list, ok := v.([]any)
			require.True(t, ok, "%s: frameworks.%s is not a list", name, k)
			for _, x := range list {
				s, ok := x.(string)
				require.True(t, ok, "%s: frameworks.%s holds a non-string", name, k)
				c.frameworks[k] = append(c.frameworks[k], s)
			}
		}
		require.NotContains(t, out, pkg)
		out[pkg] = c
	}
	return out
}

func TestCatalog(t *testing.T) {
	got := catalog(t)
	require.Len(t, got, len(wantControls))
	ids := map[string]bool{}
	for _, w := range wantControls {
		t.Run(w.id, func(t *testing.T) {
			c, ok := got[w.pkg]
			require.True(t, ok, "no package aspm.controls.%s", w.pkg)
			assert.Equal(t, w.id, c.id)
			assert.Equal(t, w.gate, c.gate)
			assert.Equal(t, w.severity, c.severity)
			assert.NotEmpty(t, c.title)
			assert.Greater(t, len(c.description), 80, "the description says what the control reads")
			assert.NotEmpty(t, c.frameworks)
			for fw, reqs := range c.frameworks {
				re, ok := requirementID[fw]
				if assert.True(t, ok, "unknown framework %q", fw) {
					assert.NotEmpty(t, reqs, fw)
					for _, r := range reqs {
						assert.Regexp(t, re, r, fw)
					}
					assert.Len(t, slices.Compact(slices.Clone(reqs)), len(reqs), "%s requirements unique", fw)
				}
			}
		})
		assert.False(t, ids[w.id], "duplicate id %s", w.id)
		ids[w.id] = true
	}
}

// TestEvaluateAllControls evaluates every control in one pass, as the
// compliance engine does, over the fixture posture and a failing one.
func TestEvaluateAllControls(t *testing.T) {
	pq := prepare(t)
	tests := []struct {
		name    string
		posture string
		// status per control package: pass, fail or na.
		want map[string]string
	}{
		{
			name:    "empty",
			posture: `{"version": "aspm-posture/1", "generated_at": "2025-06-30T00:00:00Z"}`,
			want: map[string]string{
				"vm_sla": "na", "vm_sla_all": "na", "coverage_sast": "na", "coverage_sca": "na",
				"coverage_secrets": "na", "sbom_present": "na", "secrets_absent": "na", "exposed_high_risk": "na",
				"dependencies_eol": "na", "least_privilege": "na", "risk_acceptance": "na",
			},
		},
		{
			name:    "shop",
			posture: shopPosture,
			want: map[string]string{
				"vm_sla": "fail", "vm_sla_all": "fail", "coverage_sast": "pass", "coverage_sca": "pass",
				"coverage_secrets": "fail", "sbom_present": "fail", "secrets_absent": "fail", "exposed_high_risk": "fail",
				"dependencies_eol": "fail", "least_privilege": "na", "risk_acceptance": "fail",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := statuses(t, evalJSON(t, pq, tt.posture))
			assert.Equal(t, tt.want, got)
		})
	}
}

// shopPosture fails most controls: a critical KEV finding past its SLA on
// an internet-exposed service, an open secret, an EOL component, a risk
// acceptance without expiry, no secret scanning, no SBOM for one image.
const shopPosture = `{
  "version": "aspm-posture/1",
  "generated_at": "2025-06-30T00:00:00Z",
  "assets": [
    {"id": "application:shop", "kind": "application", "name": "shop", "environment": "production"},
    {"id": "repository:github.com/acme/shop", "kind": "repository", "name": "github.com/acme/shop"},
    {"id": "service:shop/api", "kind": "service", "name": "shop/api", "environment": "production", "exposure": "internet"},
    {"id": "image:ghcr.io/acme/api:1.0", "kind": "image", "name": "ghcr.io/acme/api:1.0"},
    {"id": "component:pkg:npm/angular@1.8.3", "kind": "component", "name": "angular", "properties": {"eol": "true"}}
  ],
  "edges": [
    {"from": "application:shop", "to": "repository:github.com/acme/shop", "type": "contains"},
    {"from": "application:shop", "to": "service:shop/api", "type": "contains"},
    {"from": "service:shop/api", "to": "image:ghcr.io/acme/api:1.0", "type": "deploys"},
    {"from": "image:ghcr.io/acme/api:1.0", "to": "component:pkg:npm/angular@1.8.3", "type": "contains"}
  ],
  "findings": [
    {"id": "f1", "kind": "sca", "tool": "osv-scanner", "severity": "critical", "assets": ["component:pkg:npm/angular@1.8.3"],
     "state": "unchanged", "open": true, "triage": null,
     "risk": {"score": 92, "priority": "P1", "kev": true, "reachability": "reachable"},
     "sla": {"due": "2025-06-10T00:00:00Z", "breached": true}},
    {"id": "s1", "kind": "secret", "tool": "gitleaks", "severity": "high", "assets": ["repository:github.com/acme/shop"],
     "location": {"path": "config.env"}, "state": "new", "open": true, "triage": null,
     "risk": {"priority": "P2"}, "sla": {"due": "2025-07-30T00:00:00Z", "breached": false}},
    {"id": "f2", "kind": "sast", "tool": "gosec", "severity": "medium", "assets": ["repository:github.com/acme/shop"],
     "state": "unchanged", "open": true, "triage": {"status": "accepted_risk", "author": "alice"},
     "risk": {"priority": "P3"}, "sla": {"due": "2025-06-01T00:00:00Z", "breached": true}}
  ],
  "coverage": [
    {"asset": "repository:github.com/acme/shop", "tool": "gosec", "kind": "sast", "at": "2025-06-29T00:00:00Z"},
    {"asset": "repository:github.com/acme/shop", "tool": "osv-scanner", "kind": "sca", "at": "2025-06-29T00:00:00Z"}
  ],
  "sboms": [],
  "access": []
}`

func evalJSON(tb testing.TB, q *opasandbox.Query, doc string) map[string]any {
	tb.Helper()
	v, err := opasandbox.ParseJSON([]byte(doc))
	require.NoError(tb, err)
	return eval(tb, q, v)
}

func eval(tb testing.TB, q *opasandbox.Query, input ast.Value) map[string]any {
	tb.Helper()
	rs, err := q.Eval(context.Background(), input)
	require.NoError(tb, err)
	require.Len(tb, rs, 1)
	out, ok := rs[0].Expressions[0].Value.(map[string]any)
	require.True(tb, ok, "data.aspm.controls is an object")
	return out
}

// statuses turns an evaluation into pass, fail or na per control.
func statuses(tb testing.TB, controls map[string]any) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for name, v := range controls {
		c, ok := v.(map[string]any)
		require.True(tb, ok, name)
		applicable, ok := c["applicable"].(bool)
		require.True(tb, ok, "%s: applicable is a boolean", name)
		violations, ok := c["violations"].([]any)
		require.True(tb, ok, "%s: violations is a set", name)
		evidence, ok := c["evidence"].([]any)
		require.True(tb, ok, "%s: evidence is a set", name)
		for _, x := range violations {
			v, ok := x.(map[string]any)
			require.True(tb, ok, "%s: violation is an object", name)
			msg, _ := v["msg"].(string)
			assert.NotEmpty(tb, msg, "%s: violation has a msg", name)
			ev, ok := v["evidence"].([]any)
			assert.True(tb, ok && len(ev) > 0, "%s: violation %q has evidence", name, msg)
		}
		switch {
		case !applicable:
			out[name] = "na"
		case len(violations) > 0:
			out[name] = "fail"
			assert.Empty(tb, evidence, "%s: evidence is given on pass only", name)
		default:
			out[name] = "pass"
		}
	}
	return out
}

// TestDeterministic checks that the same posture gives the same result.
func TestDeterministic(t *testing.T) {
	pq := prepare(t)
	a, err := json.Marshal(evalJSON(t, pq, shopPosture))
	require.NoError(t, err)
	b, err := json.Marshal(evalJSON(t, pq, shopPosture))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

// TestConcurrentEvaluation evaluates one prepared query from several
// goroutines (run with -race).
func TestConcurrentEvaluation(t *testing.T) {
	pq := prepare(t)
	v, err := opasandbox.ParseJSON([]byte(shopPosture))
	require.NoError(t, err)
	want := statuses(t, eval(t, pq, v))
	done := make(chan map[string]string)
	for range 4 {
		go func() {
			rs, err := pq.Eval(context.Background(), v)
			if err != nil || len(rs) != 1 {
				done <- nil
				return
			}
			m, _ := rs[0].Expressions[0].Value.(map[string]any)
			out := map[string]string{}
			for k, c := range m {
				cm, _ := c.(map[string]any)
				vs, _ := cm["violations"].([]any)
				out[k] = fmt.Sprint(cm["applicable"], len(vs) > 0)
			}
			done <- out
		}()
	}
	for range 4 {
		got := <-done
		require.NotNil(t, got)
		for k, s := range want {
			assert.Equal(t, s != "na", strings.HasPrefix(got[k], "true"), k)
			assert.Equal(t, s == "fail", strings.HasSuffix(got[k], "true"), k)
		}
	}
}

// FuzzControls evaluates every control over arbitrary JSON input with
// strict builtin errors: no input may make evaluation fail or hang.
func FuzzControls(f *testing.F) {
	for _, s := range []string{
		`null`, `{}`, `[]`, `"posture"`, `1e400`,
		`{"version": "aspm-posture/1", "generated_at": "2025-06-30T00:00:00Z"}`,
		shopPosture,
		`{"generated_at": "2025-02-30T00:00:00Z", "findings": [{"id": 1, "kind": "secret", "triage": {"status": "accepted_risk", "expires": "2261-12-31T23:59:59-23:59"}}]}`,
		`{"generated_at": "9999-12-31T23:59:59Z", "coverage": [{"asset": "r", "kind": "sast", "at": "0001-01-01T00:00:00Z"}], "assets": [{"id": "r", "kind": "repository", "tags": ["production"]}]}`,
		`{"assets": [{"id": "s", "kind": "service", "exposure": "internet"}], "edges": [{"from": "s", "to": "s", "type": "depends_on"}], "findings": [{"assets": ["s"], "risk": {"priority": "P1"}}]}`,
	} {
		f.Add([]byte(s))
	}
	pq := prepare(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		v, err := opasandbox.ParseJSON(doc)
		if err != nil {
			return
		}
		rs, err := pq.Eval(context.Background(), v)
		require.NoError(t, err)
		require.Len(t, rs, 1)
		m, ok := rs[0].Expressions[0].Value.(map[string]any)
		require.True(t, ok)
		require.Len(t, m, len(wantControls))
		for name, c := range m {
			cm, ok := c.(map[string]any)
			require.True(t, ok, name)
			_, ok = cm["applicable"].(bool)
			require.True(t, ok, name)
		}
	})
}

// synthetic builds a posture of about nAssets assets and nFindings
// findings shaped like a real estate: applications containing
// repositories and services, services deploying images, images containing
// components that depend on each other; findings spread over components,
// images and repositories with every severity, priority and triage state.
// About 40% of the findings are past their SLA and one in four is a secret
// or an access finding, so most controls fail with thousands of
// violations. A healthy posture has the same shape, but every finding is
// an SCA or SAST finding within its SLA.
func synthetic(nAssets, nFindings int, healthy bool) map[string]any {
	r := rand.New(rand.NewPCG(1, 2))
	apps, repos, services, images := nAssets/100, nAssets/10, nAssets/10, nAssets/10
	comps := nAssets - apps - repos - services - images
	var assets, edges, findings, coverage, sboms []any
	asset := func(id, kind string, extra map[string]any) {
		a := map[string]any{"id": id, "kind": kind, "name": id}
		for k, v := range extra {
			a[k] = v
		}
		assets = append(assets, a)
	}
	edge := func(from, to, typ string) {
		edges = append(edges, map[string]any{"from": from, "to": to, "type": typ})
	}
	at := func(days int) string {
		return time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days).Format(time.RFC3339)
	}
	for i := range apps {
		asset(fmt.Sprintf("application:app-%d", i), "application", map[string]any{"environment": []string{"production", "staging"}[i%2]})
	}
	for i := range repos {
		id := fmt.Sprintf("repository:git.example/r-%d", i)
		asset(id, "repository", nil)
		edge(fmt.Sprintf("application:app-%d", i%apps), id, "contains")
		for j, kind := range []string{"sast", "sca", "secret"} {
			if (i+j)%7 != 0 {
				coverage = append(coverage, map[string]any{"asset": id, "tool": kind + "-tool", "kind": kind, "at": at((i * 13) % 120)})
			}
		}
	}
	for i := range services {
		id := fmt.Sprintf("service:ns/s-%d", i)
		asset(id, "service", map[string]any{"environment": "production", "exposure": []string{"internet", "internal", "internal"}[i%3]})
		edge(fmt.Sprintf("application:app-%d", i%apps), id, "contains")
		edge(id, fmt.Sprintf("image:reg.example/i-%d", i%images), "deploys")
	}
	for i := range images {
		id := fmt.Sprintf("image:reg.example/i-%d", i)
		asset(id, "image", nil)
		if i%5 != 0 {
			sboms = append(sboms, map[string]any{"asset": id, "format": "cyclonedx", "at": at(i % 30)})
		}
		for range 8 {
			edge(id, fmt.Sprintf("component:pkg:npm/c-%d", r.IntN(comps)), "contains")
		}
	}
	for i := range comps {
		id := fmt.Sprintf("component:pkg:npm/c-%d", i)
		props := map[string]any{}
		if i%500 == 0 {
			props["eol"] = "true"
		}
		asset(id, "component", map[string]any{"properties": props})
		if i > 0 {
			edge(id, fmt.Sprintf("component:pkg:npm/c-%d", r.IntN(i)), "depends_on")
		}
	}
	sev := []string{"critical", "high", "medium", "low", "info"}
	pri := []string{"P1", "P2", "P3", "P4"}
	reach := []string{"", "reachable", "unreachable", "unknown"}
	kinds := []string{"sca", "sca", "sca", "sast", "container", "secret", "iac", "access"}
	if healthy {
		kinds = []string{"sca", "sca", "sast", "container"}
	}
	for i := range nFindings {
		var target string
		switch kinds[i%len(kinds)] {
		case "sast", "secret", "iac":
			target = fmt.Sprintf("repository:git.example/r-%d", r.IntN(repos))
		case "container":
			target = fmt.Sprintf("image:reg.example/i-%d", r.IntN(images))
		default:
			target = fmt.Sprintf("component:pkg:npm/c-%d", r.IntN(comps))
		}
		var triage any
		switch i % 40 {
		case 0:
			triage = map[string]any{"status": "accepted_risk", "author": "alice", "expires": at(-60)}
		case 1:
			triage = map[string]any{"status": "false_positive", "author": "bob"}
		case 2:
			triage = map[string]any{"status": "wont_fix"}
		}
		first := r.IntN(200)
		if healthy {
			first = r.IntN(90)
		}
		findings = append(findings, map[string]any{
			"id":                fmt.Sprintf("f-%06d", i),
			"kind":              kinds[i%len(kinds)],
			"tool":              "tool",
			"rule_id":           fmt.Sprintf("RULE-%d", i%300),
			"title":             "a finding",
			"severity":          sev[r.IntN(len(sev))],
			"vulnerability_ids": []any{fmt.Sprintf("CVE-2024-%05d", i%20000)},
			"assets":            []any{target},
			"state":             []string{"new", "unchanged", "updated", "fixed", "reopened"}[i%5],
			"open":              i%5 != 3,
			"suppressed":        triage != nil,
			"first_seen":        at(first),
			"last_seen":         at(0),
			"triage":            triage,
			"risk": map[string]any{
				"score": r.IntN(100), "priority": pri[r.IntN(len(pri))], "kev": i%97 == 0,
				"epss": 0.01, "reachability": reach[i%len(reach)],
			},
			"sla": map[string]any{"due": at(first - 90), "breached": first > 90},
		})
	}
	return map[string]any{
		"version": "aspm-posture/1", "generated_at": at(0),
		"assets": assets, "edges": edges, "findings": findings,
		"coverage": coverage, "sboms": sboms, "access": []any{},
	}
}

func TestSynthetic(t *testing.T) {
	pq := prepare(t)
	v, err := ast.InterfaceToValue(synthetic(1000, 5000, false))
	require.NoError(t, err)
	got := statuses(t, eval(t, pq, v))
	assert.Len(t, got, len(wantControls))
	for name, s := range got {
		if name == "least_privilege" {
			continue
		}
		assert.Equal(t, "fail", s, name)
	}
}

// BenchmarkControls evaluates every built-in control in one pass over
// synthetic postures; the input is converted to an ast.Value once, outside
// the loop.
func BenchmarkControls(b *testing.B) {
	for _, size := range []struct {
		assets, findings int
		healthy          bool
	}{{1000, 10000, false}, {10000, 100000, false}, {10000, 100000, true}} {
		name := fmt.Sprintf("assets=%d/findings=%d/failing", size.assets, size.findings)
		if size.healthy {
			name = fmt.Sprintf("assets=%d/findings=%d/healthy", size.assets, size.findings)
		}
		b.Run(name, func(b *testing.B) {
			pq := prepare(b)
			v, err := ast.InterfaceToValue(synthetic(size.assets, size.findings, size.healthy))
			require.NoError(b, err)
			ctx := context.Background()
			for b.Loop() {
				rs, err := pq.Eval(ctx, v)
				if err != nil || len(rs) != 1 {
					b.Fatal(err)
				}
			}
		})
	}
}
