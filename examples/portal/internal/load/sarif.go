package load

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// seedTools are the tools of [Seed]'s scans; their names give the SARIF
// decoder their kinds: SAST (gosec, semgrep), secrets (gitleaks),
// infrastructure as code (checkov), dependencies (osv-scanner).
var seedTools = []string{"gosec", "semgrep", "gitleaks", "checkov", "osv-scanner"}

// The SARIF subset the scans are written in.
type (
	sarifLog struct {
		Version string     `json:"version"`
		Schema  string     `json:"$schema"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool `json:"tool"`
		Results []result  `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Rules   []rule `json:"rules"`
	}
	rule struct {
		ID               string            `json:"id"`
		ShortDescription text              `json:"shortDescription"`
		Properties       map[string]string `json:"properties,omitempty"`
	}
	text struct {
		Text string `json:"text"`
	}
	result struct {
		RuleID              string            `json:"ruleId"`
		Level               string            `json:"level"`
		Message             text              `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
		Properties          map[string]string `json:"properties,omitempty"`
	}
	location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           *region  `json:"region,omitempty"`
	}
	artifact struct {
		URI string `json:"uri"`
	}
	region struct {
		StartLine int   `json:"startLine"`
		Snippet   *text `json:"snippet,omitempty"`
	}
)

// levels cycle through the results; ruleScores give every fifth rule no
// security-severity, so that its level decides.
var (
	levels     = []string{"error", "warning", "note"}
	ruleScores = []string{"9.3", "7.5", "5.3", "2.1", ""}
)

// SeedScan returns a SARIF log of one tool with n distinct results, the
// i-th the same in every call: the scans [Seed] uploads.
func SeedScan(tool string, n int) ([]byte, error) {
	results := make([]result, n)
	for i := range results {
		switch tool {
		case "gitleaks":
			results[i] = secretResult(i)
		case "checkov":
			results[i] = iacResult(i)
		case "osv-scanner":
			results[i] = scaResult(i)
		default:
			results[i] = sastResult(tool, i)
		}
	}
	return sarifDoc(tool, results)
}

// sastResult is the i-th code finding of a tool.
func sastResult(tool string, i int) result {
	path := fmt.Sprintf("cmd/svc%d/file%d.go", i%97, i%1009)
	return result{RuleID: fmt.Sprintf("%s-R%03d", tool, i%50), Level: levels[i%len(levels)],
		Message:   text{fmt.Sprintf("%s finding %d in %s", tool, i, path)},
		Locations: []location{{physical{artifact{path}, &region{StartLine: 1 + i%700}}}},
		// The tool's stable fingerprint keeps every result distinct.
		PartialFingerprints: map[string]string{"primaryLocationLineHash": fmt.Sprintf("%s:%d", tool, i)}}
}

func secretResult(i int) result {
	rules := []string{"aws-access-token", "generic-api-key", "slack-webhook-url", "github-pat"}
	path := fmt.Sprintf("deploy/env%d/app.env", i%300)
	return result{RuleID: rules[i%len(rules)], Level: "error", Message: text{"secret " + strconv.Itoa(i) + " in " + path},
		Locations: []location{{physical{artifact{path}, &region{StartLine: 1 + i%50, Snippet: &text{fmt.Sprintf("KEY=secret%08d", i)}}}}}}
}

func iacResult(i int) result {
	path := fmt.Sprintf("infra/mod%d/main.tf", i%200)
	return result{RuleID: fmt.Sprintf("CKV_AWS_%d", i%120), Level: levels[i%len(levels)],
		Message:             text{fmt.Sprintf("misconfiguration %d in %s", i, path)},
		Locations:           []location{{physical{artifact{path}, &region{StartLine: 1 + i%400}}}},
		PartialFingerprints: map[string]string{"primaryLocationLineHash": "checkov:" + strconv.Itoa(i)}}
}

func scaResult(i int) result {
	return result{RuleID: fmt.Sprintf("GHSA-%04x-%04x-%04x", 0x2345+i%400, 0x6789, 0xabcd), Level: levels[i%len(levels)],
		Message:    text{fmt.Sprintf("vulnerable dependency %d", i)},
		Locations:  []location{{physical{artifact{"go.mod"}, nil}}},
		Properties: map[string]string{"purl": fmt.Sprintf("pkg:golang/example.com/mod%d@v1.%d.0", i, i%7)}}
}

// sarifDoc writes a SARIF log of one run, with the rules its results
// name.
func sarifDoc(tool string, results []result) ([]byte, error) {
	seen := map[string]bool{}
	var rules []rule
	for _, r := range results {
		if seen[r.RuleID] {
			continue
		}
		seen[r.RuleID] = true
		ru := rule{ID: r.RuleID, ShortDescription: text{"rule " + r.RuleID}}
		if s := ruleScores[len(rules)%len(ruleScores)]; s != "" {
			ru.Properties = map[string]string{"security-severity": s}
		}
		rules = append(rules, ru)
	}
	return json.Marshal(sarifLog{Version: "2.1.0", Schema: "https://json.schemastore.org/sarif-2.1.0.json",
		Runs: []sarifRun{{Tool: sarifTool{Driver: sarifDriver{Name: tool, Version: "1.0", Rules: rules}}, Results: results}}})
}
