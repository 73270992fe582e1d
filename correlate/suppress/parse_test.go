package suppress

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/golden"
)

func parseFile(t *testing.T, name string) *RuleSet {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	s, err := ParseRules(f, Options{Name: name})
	require.NoError(t, err)
	return s
}

func TestParseRulesYAML(t *testing.T) {
	s := parseFile(t, "testdata/rules.yaml")
	rules := s.Rules()
	require.Len(t, rules, 3)
	assert.Equal(t, Rule{
		ID: "fp-test-fixtures", Paths: []string{"testdata/**", "**/*_test.go"}, Tools: []string{"CodeQL", "Semgrep"},
		Status: StatusFalsePositive, Justification: "Test fixtures are never built into a release.",
		Author: "alice@example.com", Created: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		File: "testdata/rules.yaml", Line: 4,
	}, rules[0])
	assert.Equal(t, "payments", rules[1].Scope)
	assert.Equal(t, StatusAcceptedRisk, rules[1].Status)
	assert.True(t, rules[1].Expires.Equal(time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)))
	assert.True(t, strings.HasPrefix(rules[1].Justification, "Only trusted"))
	assert.Equal(t, []string{"js/xss"}, rules[2].RuleIDs, "a single string is a list of one")
	assert.Equal(t, []string{"/web/static/"}, rules[2].Paths)
	assert.Equal(t, 24, rules[2].Line)

	f := findings.Finding{Tool: findings.Tool{Name: "semgrep"}, Location: findings.Location{Path: "pkg/a/b_test.go"}}
	r, ok := s.Match(f, "any", t0)
	require.True(t, ok)
	assert.Equal(t, "fp-test-fixtures", r.ID)
}

func TestParseRulesJSON(t *testing.T) {
	s := parseFile(t, "testdata/rules.json")
	rules := s.Rules()
	require.Len(t, rules, 1)
	assert.Equal(t, StatusWontFix, rules[0].Status)
	assert.True(t, rules[0].Expires.Equal(time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, 4, rules[0].Line)
}

func TestParseRulesEmpty(t *testing.T) {
	for _, in := range []string{"", "   \n", "# only a comment\n", "~", "null", "{}", "rules: []", "rules:", "version: 1", "\ufeffrules: []"} {
		s, err := ParseRules(strings.NewReader(in), Options{})
		require.NoError(t, err, "%q", in)
		assert.Equal(t, 0, s.Len(), "%q", in)
	}
}

func TestParseRulesErrors(t *testing.T) {
	const ok = "    status: wont_fix\n    justification: j\n"
	tests := []struct {
		name string
		in   string
		opts Options
		is   error
		want []string // RuleError messages, in order
	}{
		{"syntax", "rules: [\n", Options{Name: "r.yaml"}, ErrSyntax,
			[]string{"suppress: r.yaml:1: syntax error: did not find expected node content"}},
		{"not a mapping", "- a\n- b\n", Options{}, ErrInvalid,
			[]string{"suppress: line 1:1: invalid rule: want a mapping, found a list"}},
		{"unknown top key", "rule:\n  - id: a\n", Options{Name: "r.yaml"}, ErrInvalid,
			[]string{`suppress: r.yaml:1:1: rule: invalid rule: unknown key "rule" (want one of version, rules)`}},
		{"bad version", "version: 2\nrules: []\n", Options{}, ErrInvalid,
			[]string{`suppress: line 1:10: version: invalid rule: unsupported version "2" (want 1)`}},
		{"rules not a list", "rules: {id: a}\n", Options{}, ErrInvalid,
			[]string{"suppress: line 1:8: rules: invalid rule: want a list of rules, found a mapping"}},
		{"unknown rule key (typo)", "rules:\n  - id: a\n    path: [x]\n" + ok, Options{Name: "r.yaml"}, ErrInvalid,
			[]string{`suppress: r.yaml:3:5: rules[0].path: rule "a": invalid rule: unknown key "path" (want one of id, rule_ids, paths, purls, cwes, vulnerability_ids, tools, scope, status, justification, author, created, expires)`}},
		{"duplicate key", "rules:\n  - id: a\n    paths: [x]\n    paths: [y]\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 4:5: rules[0].paths: rule "a": invalid rule: duplicate key "paths"`}},
		{"wrong kind", "rules:\n  - id: a\n    paths: {x: 1}\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 3:12: rules[0].paths: rule "a": invalid rule: want a list of strings, found a mapping`}},
		{"list of lists", "rules:\n  - id: a\n    paths: [[x]]\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 3:13: rules[0].paths[0]: rule "a": invalid rule: want a string, found a list`}},
		{"null in list", "rules:\n  - id: a\n    paths: [x, ~]\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 3:16: rules[0].paths[1]: rule "a": invalid rule: null in a list`}},
		{"alias", "rules:\n  - id: a\n    paths: &p [x]\n" + ok + "  - id: b\n    paths: *p\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 7:12: rules[1].paths: rule "b": invalid rule: YAML aliases are not supported`}},
		{"bad time", "rules:\n  - id: a\n    tools: [x]\n    expires: next week\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 4:14: rules[0].expires: rule "a": invalid rule: "next week" is not an RFC 3339 time or a date (2006-01-02)`}},
		{"validation error points at the value", "rules:\n  - id: a\n    cwes: [CWE-79, XSS]\n" + ok, Options{Name: "r.yaml"}, ErrInvalid,
			[]string{`suppress: r.yaml:3:20: rules[0].cwes[1]: rule "a": invalid rule: "XSS" is not a CWE`}},
		{"missing fields", "rules:\n  - id: a\n    tools: x\n", Options{}, ErrInvalid,
			[]string{`suppress: line 2:5: rules[0].status: rule "a": invalid rule: missing status`,
				`suppress: line 2:5: rules[0].justification: rule "a": invalid rule: missing justification`}},
		{"duplicate id", "rules:\n  - id: a\n    tools: x\n" + ok + "  - id: a\n    tools: y\n" + ok, Options{}, ErrInvalid,
			[]string{`suppress: line 6:9: rules[1].id: rule "a": invalid rule: duplicate id (first used by rule 0)`}},
		{"two documents", "rules: []\n---\nrules: []\n", Options{}, ErrSyntax,
			[]string{"suppress: line 2:1: syntax error: more than one YAML document"}},
		{"invalid UTF-8", "rules:\n  - id: \"a\xffb\"\n", Options{}, ErrSyntax,
			[]string{"suppress: line 2:11: syntax error: invalid leading UTF-8 octet"}},
		{"flow nested too deep", "rules: " + strings.Repeat("[", 10001), Options{}, ErrSyntax,
			[]string{"suppress: line 1:10008: syntax error: exceeded max depth of 10000"}},
		{"blocks nested too deep", strings.Repeat("- ", 10001) + "x", Options{}, ErrSyntax,
			[]string{"suppress: line 1:20003: syntax error: exceeded max depth of 10000"}},
		{"require author", "rules:\n  - id: a\n    tools: x\n" + ok, Options{RequireAuthor: true}, ErrInvalid,
			[]string{`suppress: line 2:5: rules[0].author: rule "a": invalid rule: missing author`}},
		{"require expiry", "rules:\n  - id: a\n    tools: x\n    status: accepted_risk\n    justification: j\n", Options{RequireExpiry: true}, ErrInvalid,
			[]string{`suppress: line 2:5: rules[0].expires: rule "a": invalid rule: an accepted_risk rule needs an expiry`}},
		{"JSON syntax", "{\"rules\": [}\n", Options{Name: "r.json"}, ErrSyntax,
			[]string{"suppress: r.json: syntax error: did not find expected node content"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseRules(strings.NewReader(tt.in), tt.opts)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, tt.is)
			var got []string
			for _, e := range flatten(err) {
				var re *RuleError
				require.True(t, errors.As(e, &re), "%T %v", e, e)
				got = append(got, re.Error())
			}
			assert.Equal(t, tt.want, got)
		})
	}

	// Require-expiry does not apply to other statuses.
	_, err := ParseRules(strings.NewReader("rules:\n  - id: a\n    tools: x\n"+ok), Options{RequireExpiry: true})
	assert.NoError(t, err)
}

func TestParseRulesLimits(t *testing.T) {
	const one = "rules:\n  - {id: a, tools: x, status: wont_fix, justification: j}\n"
	n := int64(len(one))
	_, err := ParseRules(strings.NewReader(one), Options{MaxBytes: n})
	assert.NoError(t, err, "at the limit")
	_, err = ParseRules(strings.NewReader(one), Options{MaxBytes: n - 1})
	assert.ErrorIs(t, err, ErrLimit, "one byte over")

	var b strings.Builder
	b.WriteString("rules:\n")
	for i := range 3 {
		fmt.Fprintf(&b, "  - {id: r%d, tools: x, status: wont_fix, justification: j}\n", i)
	}
	s, err := ParseRules(strings.NewReader(b.String()), Options{MaxRules: 3})
	require.NoError(t, err, "at the limit")
	assert.Equal(t, 3, s.Len())
	_, err = ParseRules(strings.NewReader(b.String()), Options{MaxRules: 2})
	assert.ErrorIs(t, err, ErrLimit, "one rule over")
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "rules", re.Field)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseRulesReadError(t *testing.T) {
	_, err := ParseRules(failingReader{}, Options{Name: "r.yaml"})
	assert.EqualError(t, err, "suppress: reading r.yaml: disk on fire")
}

func TestWriteJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"testdata/rules.yaml", "testdata/rules.json"} {
		t.Run(name, func(t *testing.T) {
			s := parseFile(t, name)
			var buf bytes.Buffer
			require.NoError(t, s.WriteJSON(&buf))
			back, err := ParseRules(bytes.NewReader(buf.Bytes()), Options{})
			require.NoError(t, err)
			strip := func(rs []Rule) []Rule {
				for i := range rs {
					rs[i].File, rs[i].Line = "", 0
				}
				return rs
			}
			assert.Equal(t, strip(s.Rules()), strip(back.Rules()))
			var again bytes.Buffer
			require.NoError(t, back.WriteJSON(&again))
			assert.Equal(t, buf.String(), again.String(), "stable output")
		})
	}
	s := parseFile(t, "testdata/rules.yaml")
	var buf bytes.Buffer
	require.NoError(t, s.WriteJSON(&buf))
	golden.Assert(t, "testdata/golden/rules.json", buf.Bytes())

	empty, err := NewRuleSet(nil)
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, empty.WriteJSON(&buf))
	assert.Equal(t, "{\n  \"version\": 1,\n  \"rules\": []\n}\n", buf.String())
}

func FuzzParseRules(f *testing.F) {
	for _, name := range []string{"testdata/rules.yaml", "testdata/rules.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "rules: [", "- a", "rules:\n  - id: a\n    paths: &p [x]\n  - paths: *p\n",
		"a: &a [*a]", "rules: [{id: a, tools: x, status: wont_fix, justification: j, expires: 2024-01-01}]",
		"rules:\n  - id: a\n    cwes: [79]\n    purls: pkg:npm/x\n    status: accepted_risk\n    justification: j\n",
		"{\"rules\": [{\"id\": 1, \"paths\": [\"**\"]}]}", "---\n---\n", "!!binary AAAA", "? [a]\n: b\n",
		"rules:\n  - id: \"a\xffb\"\n", "rules: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseRules(bytes.NewReader(data), Options{Name: "fuzz.yaml", MaxBytes: 1 << 16})
		if err != nil {
			if s != nil {
				t.Fatal("set and error both returned")
			}
			for _, e := range flatten(err) {
				var re *RuleError
				if !errors.As(e, &re) {
					t.Fatalf("error %T is not a *RuleError: %v", e, e)
				}
				if !errors.Is(e, ErrSyntax) && !errors.Is(e, ErrInvalid) && !errors.Is(e, ErrLimit) {
					t.Fatalf("error without a sentinel: %v", e)
				}
			}
			return
		}
		// A set that parsed writes and reads back the same.
		var buf bytes.Buffer
		if err := s.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ParseRules(bytes.NewReader(buf.Bytes()), Options{})
		if err != nil {
			t.Fatalf("written rules do not parse: %v\n%s", err, buf.Bytes())
		}
		if back.Len() != s.Len() {
			t.Fatalf("round trip: %d rules, want %d", back.Len(), s.Len())
		}
		// Matching never panics.
		f := findings.Finding{RuleID: "x", Tool: findings.Tool{Name: "x"}, Location: findings.Location{Path: "a/b"}, CWEs: []string{"CWE-79"}}
		s.Match(f, "p", t0)
		s.Expired(t0)
	})
}
