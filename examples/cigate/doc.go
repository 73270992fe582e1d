// Command cigate is a CI gate built on aspm: it compares a pull request's
// scans with the target branch's, scores what is new by exploitability,
// and fails the build when a new finding is urgent enough, or when a
// gating compliance control fails.
//
// # Usage
//
//	cigate [--baseline FILE]... [--fail-on-priority P2] [--fail-on-severity high]
//	       [--posture-controls] [--policy DIR]... [--sarif FILE] [--junit FILE] SCAN...
//
// Every SCAN and --baseline file is scanner output in any format
// [github.com/aspmkit/aspm/findings/detect.Decode] recognizes ("-" reads
// standard input, once). The baseline's findings become open records
// ([github.com/aspmkit/aspm/correlate.Baseline]) and the scan is compared
// with them ([github.com/aspmkit/aspm/correlate.Compare]): each finding is
// new, unchanged, updated or fixed, matched by identity keys that survive
// moved lines. A baseline finding of a tool that did not run in the scan
// is never counted as fixed.
//
// # The gate
//
// Each finding is scored with [github.com/aspmkit/aspm/risk.Model] and the
// default context (no feeds, unknown asset: EPSS and KEV data the scanner
// embedded still count). The gate fails when a new (or reopened) finding
// that no triage, tool suppression or VEX statement hides is at least as
// urgent as --fail-on-priority (default P2) or at least as severe as
// --fail-on-severity (default none). "none" turns a threshold off.
//
// With --posture-controls (implied by --policy) the scan's findings, with
// their lifecycle, are built into a posture
// ([github.com/aspmkit/aspm/compliance.NewBuilder]) and the built-in
// controls, plus the Rego controls of every --policy DIR, are evaluated
// against it; a failing gating control fails the gate.
//
// # Reports
//
// --sarif writes every finding of the comparison as SARIF 2.1.0
// ([github.com/aspmkit/aspm/report/sarif.Write]), each result with its
// baselineState (fixed findings as "absent") and risk score. --junit
// writes JUnit XML ([github.com/aspmkit/aspm/report/junit.Write]), where
// every new or reopened finding at or above --fail-on-severity (high when
// that is off) is a failed test and the other findings pass.
//
// On stdout cigate prints a short summary: the count of each state, the
// new findings by priority, every blocking finding, the posture controls'
// result and the verdict.
//
// # Exit status
//
// 0 when the gate passes, 1 when it fails, 2 on bad input or usage. Every
// file that cannot be read or decoded is named on stderr, and then nothing
// is compared: a half-read scan would report findings as fixed.
package main
