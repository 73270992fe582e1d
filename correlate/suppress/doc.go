// Package suppress decides which findings are suppressed, and why: by VEX
// statements (OpenVEX, CycloneDX analyses, CSAF) applied to findings, and
// by ignore rules that record a triage decision with its justification,
// author and expiry. It works on [findings.Finding] and
// [findings.VEXStatement] values and needs nothing else from correlate.
//
// # VEX statements
//
// [NewVEXIndex] indexes statements by vulnerability ID and alias;
// [VEXIndex.Match] finds the statement that applies to a finding and
// [VEXIndex.Apply] sets the finding's VEX analysis from it. A statement
// applies when one of the finding's vulnerability IDs equals its ID or an
// alias (ignoring case, so CVE and GHSA aliases meet) and one of its
// products names the finding's package or what it was found in:
//
//   - a purl product without a version matches every version of the
//     package, one with a version only that version; the product's
//     qualifiers must be a subset of the finding's; Go module paths are
//     case-sensitive;
//   - a pkg:oci product also matches an image reference by name, digest,
//     repository_url and tag;
//   - other products (bom-refs, CSAF product IDs, image references) match
//     the package's purl or name@version, the image, the scan target, or a
//     subject the caller passes, literally;
//   - a statement without products applies to every product, and one with
//     subcomponents applies to the findings on those subcomponents inside
//     its products.
//
// The latest statement wins; see [VEXIndex.Match] for every rule.
//
// # Ignore rules
//
// A [Rule] matches findings by rule ID, path glob, purl, CWE,
// vulnerability ID and tool: every criterion given must match, any value
// of one criterion is enough. Its [Status] is the triage decision:
// false_positive, accepted_risk, not_affected or wont_fix. A rule's
// Scope is a project key, or empty or "global" for a rule every project
// shares, so that one triage decision is reused across projects. Path
// globs support "*", "?" and "**" with .gitignore-like anchoring; see
// [MatchPath].
//
// A [RuleSet] holds rules in order and indexes them, so matching a finding
// looks only at the rules that can match it. [RuleSet.Match] returns the
// first active rule that matches; expired rules never match.
//
// # Rule files
//
// [ParseRules] reads rules from YAML or JSON; [RuleSet.WriteJSON] writes
// them back. The schema:
//
//	version: 1                    # optional; 1 is the only version
//	rules:
//	  - id: fp-test-fixtures      # required, unique
//	    rule_ids: [go/sql-injection]
//	    paths: ["testdata/**", "**/*_test.go"]
//	    purls: ["pkg:golang/golang.org/x/text"]   # no version: any version
//	    cwes: [CWE-89]
//	    vulnerability_ids: [CVE-2022-32149]
//	    tools: [CodeQL]
//	    scope: global             # or a project key; empty means global
//	    status: false_positive    # required
//	    justification: test fixtures are never deployed   # required
//	    author: alice@example.com
//	    created: 2024-05-01       # RFC 3339 time, or a date (00:00 UTC)
//	    expires: 2024-11-01T00:00:00Z   # optional; none means never
//
// Each list may also be given as a single string. Unknown and duplicate
// keys, YAML aliases and more than one document are errors, so that a
// typo never widens a rule or disables it silently. Errors are
// [*RuleError]s naming the file, line, column and field. [Options] can
// require an author on every rule and an expiry on every accepted risk.
//
// A rule file is at most [Options.MaxBytes] (a 500 MB file fails after
// MaxBytes+1 bytes read) and [Options.MaxRules] rules. YAML nested deeper
// than 10,000 and invalid UTF-8 are [ErrSyntax] with their line and
// column; an alias bomb is an error at its first alias; a number where a
// version or a string goes is checked as the text written ("1e400" is not
// version 1).
//
// # Expiry and rescans
//
// A rule with an expiry matches up to and including that instant and
// never after. Nothing here reads the clock: every call that depends on
// time takes now. [Triage.Decide] combines VEX, rules and the tool's own
// suppressions into a [Decision]; because decisions are recomputed from
// the statements and rules at every scan, a suppressed finding stays
// suppressed across rescans until its suppression lapses, and
// [Decision.Lapsed] and [RuleSet.Expired] report the risk acceptances
// that ran out.
//
// # Concurrency
//
// [VEXIndex] and [RuleSet] are immutable once built and safe for
// concurrent use; [Rule], [Decision] and [VEXOutcome] are plain values.
package suppress
