package findings

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the class of problem a finding reports.
type Kind string

// The kinds of finding.
const (
	KindSAST      Kind = "sast"      // a flaw in first-party code
	KindSCA       Kind = "sca"       // a vulnerable third-party dependency
	KindSecret    Kind = "secret"    // a credential in code or an artifact
	KindIaC       Kind = "iac"       // an infrastructure or configuration misconfiguration
	KindDAST      Kind = "dast"      // a flaw found by probing a running application
	KindContainer Kind = "container" // a vulnerable OS package in a container image
	KindLicense   Kind = "license"   // a license policy problem
	KindAccess    Kind = "access"    // an identity or permission problem
	KindOther     Kind = "other"     // anything else
)

// Kinds lists every kind, in a stable order.
var Kinds = []Kind{KindSAST, KindSCA, KindSecret, KindIaC, KindDAST, KindContainer, KindLicense, KindAccess, KindOther}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Severity is a normalized severity. The zero value is not valid; a record
// whose tool gave no usable severity gets [SeverityUnknown], never a
// silently chosen default.
type Severity string

// The severities, from most to least severe.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	SeverityInfo     Severity = "info"
	SeverityUnknown  Severity = "unknown"
)

// Severities lists every severity from most to least severe, unknown last.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo, SeverityUnknown}

// Rank orders severities: critical is 5, high 4, medium 3, low 2, info 1,
// unknown and invalid values 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 5
	case SeverityHigh:
		return 4
	case SeverityMedium:
		return 3
	case SeverityLow:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Valid reports whether s is one of the defined severities.
func (s Severity) Valid() bool { return s.Rank() > 0 || s == SeverityUnknown }

// ParseSeverity maps the severity words that scanners use to a Severity,
// ignoring case and surrounding space: "critical"; "high", "error",
// "important"; "medium", "moderate", "warning"; "low", "minor", "note",
// "negligible"; "info", "informational", "none". It reports false, with
// [SeverityUnknown], for anything else (including "unknown" and "").
func ParseSeverity(word string) (Severity, bool) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "critical", "blocker":
		return SeverityCritical, true
	case "high", "error", "important", "major", "severe":
		return SeverityHigh, true
	case "medium", "moderate", "warning", "warn":
		return SeverityMedium, true
	case "low", "minor", "note", "negligible":
		return SeverityLow, true
	case "info", "informational", "information", "none":
		return SeverityInfo, true
	}
	return SeverityUnknown, false
}

// SeverityFromScore maps a CVSS-style score on the 0–10 scale to a
// severity using the CVSS v3 qualitative bands (also used by GitHub for
// SARIF security-severity): 9.0+ critical, 7.0+ high, 4.0+ medium, 0.1+ low,
// 0 info. It reports false for a score outside [0, 10] or NaN.
func SeverityFromScore(score float64) (Severity, bool) {
	switch {
	case !(score >= 0 && score <= 10):
		return SeverityUnknown, false
	case score >= 9:
		return SeverityCritical, true
	case score >= 7:
		return SeverityHigh, true
	case score >= 4:
		return SeverityMedium, true
	case score > 0:
		return SeverityLow, true
	}
	return SeverityInfo, true
}

// UnmarshalText accepts the canonical severity names only; use
// [ParseSeverity] for tool vocabulary.
func (s *Severity) UnmarshalText(b []byte) error {
	v := Severity(b)
	if !v.Valid() {
		return fmt.Errorf("findings: invalid severity %q", b)
	}
	*s = v
	return nil
}

// Scope is how a dependency is used by the project that declares it.
type Scope string

// The dependency scopes. The empty Scope means the tool did not say.
const (
	ScopeRuntime  Scope = "runtime"
	ScopeDev      Scope = "dev"
	ScopeTest     Scope = "test"
	ScopeOptional Scope = "optional"
)

// Relationship says whether a dependency is declared directly by the project
// or pulled in by another dependency. The empty value means unknown.
type Relationship string

// The dependency relationships.
const (
	RelationshipDirect     Relationship = "direct"
	RelationshipTransitive Relationship = "transitive"
)

// Reachability records whether a vulnerable symbol is reachable from the
// analysed program. The empty value means reachability was not analysed.
type Reachability string

// The reachability results.
const (
	// Reachable: the tool found a call path to a vulnerable symbol.
	Reachable Reachability = "reachable"
	// Unreachable: the tool analysed calls and found no path.
	Unreachable Reachability = "unreachable"
	// ReachabilityUnknown: the tool analysed the module but not symbols.
	ReachabilityUnknown Reachability = "unknown"
)

// NormalizeCWE turns the spellings tools use ("CWE-79", "cwe-079",
// "external/cwe/cwe-79", "79", "CWE:79", 79) into "CWE-79". It reports
// false when s holds no CWE number.
func NormalizeCWE(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if i := strings.LastIndex(t, "/"); i >= 0 {
		t = t[i+1:]
	}
	lower := strings.ToLower(t)
	if strings.HasPrefix(lower, "cwe") {
		t = strings.TrimLeft(t[3:], "-_: ")
	}
	// Keep the leading digits only ("79 Improper Neutralization" → "79").
	end := 0
	for end < len(t) && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	if end == 0 || end > 7 || (end < len(t) && t[end] != ' ' && t[end] != ':') {
		return "", false
	}
	n, err := strconv.Atoi(t[:end])
	if err != nil || n <= 0 {
		return "", false
	}
	return "CWE-" + strconv.Itoa(n), true
}
