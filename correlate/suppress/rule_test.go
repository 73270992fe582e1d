package suppress

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

var t0 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// rule builds a valid rule for tests; edit fills in criteria.
func rule(id string, edit func(*Rule)) Rule {
	r := Rule{ID: id, Status: StatusFalsePositive, Justification: "test"}
	edit(&r)
	return r
}

func TestRuleMatch(t *testing.T) {
	sast := findings.Finding{
		Kind: findings.KindSAST, Tool: findings.Tool{Name: "CodeQL"}, RuleID: "go/sql-injection",
		CWEs: []string{"CWE-89"}, Location: findings.Location{Path: "internal/db/query.go"},
	}
	dep := findings.Finding{
		Kind: findings.KindSCA, Tool: findings.Tool{Name: "Trivy"}, RuleID: "CVE-2022-32149",
		VulnerabilityIDs: []string{"CVE-2022-32149", "GHSA-69ch-w2m2-3vjp"},
		Package:          &findings.Package{PURL: "pkg:golang/golang.org/x/text@v0.3.7", Paths: []string{"go.sum"}},
		Location:         findings.Location{Target: "go.mod"},
	}
	tests := []struct {
		name    string
		rule    Rule
		finding findings.Finding
		project string
		now     time.Time
		want    bool
	}{
		{"rule id", rule("r", func(r *Rule) { r.RuleIDs = []string{"go/sql-injection"} }), sast, "", t0, true},
		{"rule id is case-sensitive", rule("r", func(r *Rule) { r.RuleIDs = []string{"Go/SQL-Injection"} }), sast, "", t0, false},
		{"rule id, OR within field", rule("r", func(r *Rule) { r.RuleIDs = []string{"x", "go/sql-injection"} }), sast, "", t0, true},
		{"path glob", rule("r", func(r *Rule) { r.Paths = []string{"internal/**"} }), sast, "", t0, true},
		{"path glob no match", rule("r", func(r *Rule) { r.Paths = []string{"cmd/**"} }), sast, "", t0, false},
		{"path glob matches target", rule("r", func(r *Rule) { r.Paths = []string{"go.mod"} }), dep, "", t0, true},
		{"path glob matches package path", rule("r", func(r *Rule) { r.Paths = []string{"go.sum"} }), dep, "", t0, true},
		{"AND across fields", rule("r", func(r *Rule) {
			r.RuleIDs = []string{"go/sql-injection"}
			r.Paths = []string{"internal/**"}
			r.Tools = []string{"codeql"}
			r.CWEs = []string{"89"}
		}), sast, "", t0, true},
		{"AND: one field fails", rule("r", func(r *Rule) {
			r.RuleIDs = []string{"go/sql-injection"}
			r.Paths = []string{"cmd/**"}
		}), sast, "", t0, false},
		{"cwe any spelling", rule("r", func(r *Rule) { r.CWEs = []string{"cwe-089"} }), sast, "", t0, true},
		{"cwe other", rule("r", func(r *Rule) { r.CWEs = []string{"CWE-79"} }), sast, "", t0, false},
		{"tool ignores case", rule("r", func(r *Rule) { r.Tools = []string{"trivy"} }), dep, "", t0, true},
		{"vulnerability ID by alias", rule("r", func(r *Rule) { r.VulnerabilityIDs = []string{"ghsa-69ch-w2m2-3vjp"} }), dep, "", t0, true},
		{"purl without version", rule("r", func(r *Rule) { r.PURLs = []string{"pkg:golang/golang.org/x/text"} }), dep, "", t0, true},
		{"purl with other version", rule("r", func(r *Rule) { r.PURLs = []string{"pkg:golang/golang.org/x/text@v0.3.6"} }), dep, "", t0, false},
		{"purl, finding without package", rule("r", func(r *Rule) { r.PURLs = []string{"pkg:golang/golang.org/x/text"} }), sast, "", t0, false},
		{"purl golang case", rule("r", func(r *Rule) { r.PURLs = []string{"pkg:golang/golang.org/X/text"} }), dep, "", t0, false},
		{"global scope, any project", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Scope = "global" }), dep, "payments", t0, true},
		{"empty scope, no project", rule("r", func(r *Rule) { r.Tools = []string{"trivy"} }), dep, "", t0, true},
		{"project scope, same project", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Scope = "payments" }), dep, "payments", t0, true},
		{"project scope, other project", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Scope = "payments" }), dep, "billing", t0, false},
		{"project scope, no project", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Scope = "payments" }), dep, "", t0, false},
		{"expiry: at the instant", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Expires = t0 }), dep, "", t0, true},
		{"expiry: one second before", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Expires = t0 }), dep, "", t0.Add(-time.Second), true},
		{"expiry: one second after", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Expires = t0 }), dep, "", t0.Add(time.Second), false},
		{"expiry: one nanosecond after", rule("r", func(r *Rule) { r.Tools = []string{"trivy"}; r.Expires = t0 }), dep, "", t0.Add(1), false},
		{"no expiry", rule("r", func(r *Rule) { r.Tools = []string{"trivy"} }), dep, "", t0.AddDate(100, 0, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewRuleSet([]Rule{tt.rule})
			require.NoError(t, err)
			got, ok := s.Match(tt.finding, tt.project, tt.now)
			assert.Equal(t, tt.want, ok)
			if ok {
				assert.Equal(t, tt.rule.ID, got.ID)
			}
			// MatchExpired is the mirror image for expiring rules.
			_, lapsed := s.MatchExpired(tt.finding, tt.project, tt.now)
			if !tt.rule.Expires.IsZero() && tt.now.After(tt.rule.Expires) {
				assert.True(t, lapsed)
			} else {
				assert.False(t, lapsed)
			}
		})
	}
}

func TestRuleSetOrder(t *testing.T) {
	f := findings.Finding{
		Tool: findings.Tool{Name: "Semgrep"}, RuleID: "r1", CWEs: []string{"CWE-79"},
		VulnerabilityIDs: []string{"CVE-1"}, Location: findings.Location{Path: "web/x.js"},
	}
	rules := []Rule{
		rule("by-path", func(r *Rule) { r.Paths = []string{"web/**"} }),                              // scan list
		rule("by-cwe", func(r *Rule) { r.CWEs = []string{"CWE-79"} }),                                // CWE index
		rule("by-vuln", func(r *Rule) { r.VulnerabilityIDs = []string{"CVE-1"} }),                    // vuln index
		rule("by-rule", func(r *Rule) { r.RuleIDs = []string{"r1"} }),                                // rule-ID index
		rule("by-tool", func(r *Rule) { r.Tools = []string{"semgrep"} }),                             // tool index
		rule("by-purl", func(r *Rule) { r.PURLs = []string{"pkg:npm/x"}; r.Paths = []string{"**"} }), // purl index
	}
	for i := range rules {
		// Rotate so each index kind comes first once.
		order := append(append([]Rule(nil), rules[i:]...), rules[:i]...)
		s, err := NewRuleSet(order)
		require.NoError(t, err)
		got, ok := s.Match(f, "", t0)
		if order[0].ID == "by-purl" {
			require.True(t, ok)
			assert.Equal(t, order[1].ID, got.ID, "finding has no purl")
			continue
		}
		require.True(t, ok)
		assert.Equal(t, order[0].ID, got.ID, "first rule in order wins")
	}

	// An expired rule first lets a later active one win; MatchExpired
	// reports the expired one.
	s, err := NewRuleSet([]Rule{
		rule("old-acceptance", func(r *Rule) { r.Status = StatusAcceptedRisk; r.RuleIDs = []string{"r1"}; r.Expires = t0 }),
		rule("fallback", func(r *Rule) { r.Paths = []string{"web/"} }),
	})
	require.NoError(t, err)
	got, ok := s.Match(f, "", t0.Add(time.Second))
	require.True(t, ok)
	assert.Equal(t, "fallback", got.ID)
	lapsed, ok := s.MatchExpired(f, "", t0.Add(time.Second))
	require.True(t, ok)
	assert.Equal(t, "old-acceptance", lapsed.ID)
	assert.Equal(t, []Rule{s.Rules()[0]}, s.Expired(t0.Add(time.Second)))
	assert.Empty(t, s.Expired(t0))
}

func TestRuleSetCopies(t *testing.T) {
	in := []Rule{rule("r", func(r *Rule) { r.Paths = []string{"a/**"}; r.CWEs = []string{"cwe-79"} })}
	s, err := NewRuleSet(in)
	require.NoError(t, err)
	in[0].Paths[0] = "changed"
	got := s.Rules()
	assert.Equal(t, []string{"a/**"}, got[0].Paths)
	assert.Equal(t, []string{"CWE-79"}, got[0].CWEs, "CWEs are canonical")
	got[0].Paths[0] = "changed"
	assert.Equal(t, []string{"a/**"}, s.Rules()[0].Paths)

	var nilSet *RuleSet
	assert.Equal(t, 0, nilSet.Len())
	assert.Nil(t, nilSet.Rules())
	assert.Nil(t, nilSet.Expired(t0))
	_, ok := nilSet.Match(findings.Finding{}, "", t0)
	assert.False(t, ok)
}

func TestNewRuleSetErrors(t *testing.T) {
	tests := []struct {
		name   string
		rules  []Rule
		fields []string
	}{
		{"missing id", []Rule{{Status: StatusWontFix, Justification: "j", Tools: []string{"x"}}}, []string{"rules[0].id"}},
		{"missing status", []Rule{{ID: "a", Justification: "j", Tools: []string{"x"}}}, []string{"rules[0].status"}},
		{"fixed is not a rule status", []Rule{{ID: "a", Status: StatusFixed, Justification: "j", Tools: []string{"x"}}}, []string{"rules[0].status"}},
		{"missing justification", []Rule{{ID: "a", Status: StatusWontFix, Tools: []string{"x"}}}, []string{"rules[0].justification"}},
		{"no criteria", []Rule{{ID: "a", Status: StatusWontFix, Justification: "j", Scope: "p"}}, []string{"rules[0]"}},
		{"empty value", []Rule{{ID: "a", Status: StatusWontFix, Justification: "j", Paths: []string{"x", " "}}}, []string{"rules[0].paths[1]"}},
		{"bad glob", []Rule{{ID: "a", Status: StatusWontFix, Justification: "j", Paths: []string{"/"}}}, []string{"rules[0].paths[0]"}},
		{"bad purl", []Rule{{ID: "a", Status: StatusWontFix, Justification: "j", PURLs: []string{"lodash"}}}, []string{"rules[0].purls[0]"}},
		{"bad cwe", []Rule{{ID: "a", Status: StatusWontFix, Justification: "j", CWEs: []string{"XSS"}}}, []string{"rules[0].cwes[0]"}},
		{"expires before created", []Rule{{ID: "a", Status: StatusAcceptedRisk, Justification: "j", Tools: []string{"x"}, Created: t0, Expires: t0.Add(-time.Second)}}, []string{"rules[0].expires"}},
		{"duplicate id", []Rule{
			{ID: "a", Status: StatusWontFix, Justification: "j", Tools: []string{"x"}},
			{ID: "a", Status: StatusWontFix, Justification: "j", Tools: []string{"y"}},
		}, []string{"rules[1].id"}},
		{"several problems", []Rule{
			{ID: "a", Status: "nope", Tools: []string{"x"}},
			{ID: "b", Status: StatusWontFix, Justification: "j"},
		}, []string{"rules[0].status", "rules[0].justification", "rules[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewRuleSet(tt.rules)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, ErrInvalid)
			var fields []string
			for _, e := range flatten(err) {
				var re *RuleError
				require.True(t, errors.As(e, &re), "%v", e)
				fields = append(fields, re.Field)
			}
			assert.Equal(t, tt.fields, fields)
		})
	}

	// Expiry equal to creation is fine.
	_, err := NewRuleSet([]Rule{{ID: "a", Status: StatusAcceptedRisk, Justification: "j", Tools: []string{"x"}, Created: t0, Expires: t0}})
	assert.NoError(t, err)
}

func TestRuleSetConcurrent(t *testing.T) {
	var rules []Rule
	for i := range 100 {
		rules = append(rules, rule("r"+itoa(i), func(r *Rule) { r.VulnerabilityIDs = []string{"CVE-" + itoa(i)}; r.Paths = []string{"**/*.go"} }))
	}
	s, err := NewRuleSet(rules)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				n := (i * (g + 1)) % 100
				f := findings.Finding{VulnerabilityIDs: []string{"CVE-" + itoa(n)}, Location: findings.Location{Path: "a/b.go"}}
				got, ok := s.Match(f, "p", t0)
				if assert.True(t, ok) {
					assert.Equal(t, "r"+itoa(n), got.ID)
				}
			}
		}()
	}
	wg.Wait()
}
