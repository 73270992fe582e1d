package suppress_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate/suppress"
	"github.com/aspmkit/aspm/findings"
)

func ExampleVEXIndex_Apply() {
	ix, err := suppress.NewVEXIndex([]findings.VEXStatement{{
		VulnerabilityID: "CVE-2021-44228",
		Aliases:         []string{"GHSA-jfh8-c2jp-5v3q"},
		Products:        []string{"pkg:maven/org.apache.logging.log4j/log4j-core"}, // every version
		VEXAnalysis: findings.VEXAnalysis{
			Status:        findings.VEXNotAffected,
			Justification: "vulnerable_code_not_in_execute_path",
		},
		Timestamp: "2024-01-15T10:00:00Z",
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := findings.Finding{
		VulnerabilityIDs: []string{"GHSA-jfh8-c2jp-5v3q"}, // met through the alias
		Package:          &findings.Package{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
	}
	out := ix.Apply(&f)
	fmt.Println(out.Matched, out.Suppressed, f.VEX.Status, f.VEX.Justification)
	// Output:
	// true true not_affected vulnerable_code_not_in_execute_path
}

func ExampleVEXIndex_Match_image() {
	// A statement about an image covers the findings in that image; the
	// caller names the image it scanned when the findings do not.
	ix, _ := suppress.NewVEXIndex([]findings.VEXStatement{{
		VulnerabilityID: "CVE-2023-27103",
		Products:        []string{"pkg:oci/nginx@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"},
		VEXAnalysis:     findings.VEXAnalysis{Status: findings.VEXNotAffected, Justification: "component_not_present"},
	}})
	f := findings.Finding{
		VulnerabilityIDs: []string{"CVE-2023-27103"},
		Package:          &findings.Package{Name: "libde265-0", Version: "1.0.11-1"},
	}
	_, ok := ix.Match(f)
	fmt.Println("without subject:", ok)
	st, ok := ix.Match(f, "docker.io/library/nginx:1.25@sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0")
	fmt.Println("with the scanned image:", ok, st.Status)
	// Output:
	// without subject: false
	// with the scanned image: true not_affected
}

func ExampleParseRules() {
	const file = `
rules:
  - id: fp-fixtures
    paths: ["testdata/**", "**/*_test.go"]
    status: false_positive
    justification: Test fixtures are never deployed.
  - id: accept-x-text
    purls: [pkg:golang/golang.org/x/text]
    vulnerability_ids: [CVE-2022-32149]
    scope: payments
    status: accepted_risk
    justification: Input is trusted; upgrade planned.
    author: bob@example.com
    expires: 2024-11-01
`
	rules, err := suppress.ParseRules(strings.NewReader(file), suppress.Options{Name: "ignore.yaml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := findings.Finding{
		VulnerabilityIDs: []string{"CVE-2022-32149"},
		Package:          &findings.Package{PURL: "pkg:golang/golang.org/x/text@v0.3.7"},
	}
	for _, now := range []time.Time{
		time.Date(2024, 10, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 11, 1, 0, 0, 1, 0, time.UTC),
	} {
		r, ok := rules.Match(f, "payments", now)
		fmt.Printf("%s %v %q\n", now.Format(time.DateOnly), ok, r.ID)
	}
	_, ok := rules.Match(f, "billing", time.Date(2024, 10, 31, 0, 0, 0, 0, time.UTC))
	fmt.Println("other project:", ok)
	// Output:
	// 2024-10-31 true "accept-x-text"
	// 2024-11-01 false ""
	// other project: false
}

func ExampleParseRules_error() {
	const file = `rules:
  - id: typo
    path: [vendor/]
    status: false_positive
    justification: vendored code
`
	_, err := suppress.ParseRules(strings.NewReader(file), suppress.Options{Name: "ignore.yaml"})
	fmt.Println(err)
	// Output:
	// suppress: ignore.yaml:3:5: rules[0].path: rule "typo": invalid rule: unknown key "path" (want one of id, rule_ids, paths, purls, cwes, vulnerability_ids, tools, scope, status, justification, author, created, expires)
}

func ExampleRuleSet_Expired() {
	rules, _ := suppress.NewRuleSet([]suppress.Rule{
		{ID: "a", RuleIDs: []string{"weak-hash"}, Status: suppress.StatusAcceptedRisk, Justification: "legacy API",
			Expires: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "b", Tools: []string{"ZAP"}, Status: suppress.StatusWontFix, Justification: "staging only"},
	})
	for _, r := range rules.Expired(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)) {
		fmt.Println(r.ID, "expired", r.Expires.Format(time.DateOnly))
	}
	// Output:
	// a expired 2024-03-01
}

func ExampleMatchPath() {
	for _, c := range [][2]string{
		{"**/testdata/**", "pkg/x/testdata/in.json"},
		{"*.min.js", "web/static/app.min.js"},
		{"/vendor/", "vendor/github.com/x/y.go"},
		{"/vendor/", "internal/vendor/y.go"},
		{"src/*.go", "src/a/b.go"},
	} {
		fmt.Println(c[0], c[1], suppress.MatchPath(c[0], c[1]))
	}
	// Output:
	// **/testdata/** pkg/x/testdata/in.json true
	// *.min.js web/static/app.min.js true
	// /vendor/ vendor/github.com/x/y.go true
	// /vendor/ internal/vendor/y.go false
	// src/*.go src/a/b.go false
}

func ExampleTriage_Decide() {
	rules, _ := suppress.NewRuleSet([]suppress.Rule{{
		ID: "accept-weak-hash", RuleIDs: []string{"go/weak-crypto"}, Scope: "payments",
		Status: suppress.StatusAcceptedRisk, Justification: "checksum only, not security",
		Expires: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
	}})
	tr := suppress.Triage{Rules: rules}
	f := findings.Finding{RuleID: "go/weak-crypto", Location: findings.Location{Path: "sum/sum.go"}}
	for _, now := range []time.Time{
		time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC),
	} {
		d := tr.Decide(f, "payments", now)
		fmt.Println(now.Format(time.DateOnly), d.Suppressed, d.Origin, d.Status, d.Lapsed != nil)
	}
	// Output:
	// 2024-06-01 true rule accepted_risk false
	// 2024-08-01 false   true
}

func ExampleRuleSet_WriteJSON() {
	rules, _ := suppress.NewRuleSet([]suppress.Rule{{
		ID: "fp", CWEs: []string{"cwe-079"}, Paths: []string{"docs/**"},
		Status: suppress.StatusFalsePositive, Justification: "documentation samples",
	}})
	_ = rules.WriteJSON(os.Stdout)
	// Output:
	// {
	//   "version": 1,
	//   "rules": [
	//     {
	//       "id": "fp",
	//       "paths": [
	//         "docs/**"
	//       ],
	//       "cwes": [
	//         "CWE-79"
	//       ],
	//       "status": "false_positive",
	//       "justification": "documentation samples"
	//     }
	//   ]
	// }
}
