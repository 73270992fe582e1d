// Package correlate turns raw findings into stable, deduplicated issues
// with a lifecycle.
//
// # Keys
//
// Every finding gets an identity key from the [Strategy] of its kind: the
// tool's own fingerprint when it does not embed a line number, else a
// content key (rule, normalized path, snippet hash or enclosing logical
// location, or the finding's rank in its file) that survives moved lines
// and reworded descriptions. Dependency findings are identified by
// vulnerability and package, secrets by file and secret hash, DAST findings
// by endpoint, method and parameter. [DefaultStrategies] documents each;
// [Options.Strategies] plugs in others per kind.
//
// # Clusters
//
// [Dedup] groups findings reported twice by one tool and findings of
// different tools that report one problem: dependency findings sharing any
// vulnerability alias on the same package and version, code findings with
// the same CWE in the same file with overlapping regions, secrets with the
// same file, line and secret hash, DAST findings on the same endpoint,
// method, parameter and CWE. A [Cluster] keeps every member's provenance,
// the highest severity and the union of identifiers, and its ID is its
// oldest member's identity, so it does not change when another tool joins.
//
// # Lifecycle
//
// [Compare] matches a [Scan] against a baseline of [Record]s and says what
// happened to each finding: new, unchanged, updated, fixed or reopened
// ([State]). Triage ([Triage]: false positive, accepted risk with expiry,
// not affected, won't fix) survives rescans: a suppressed finding is never
// reopened while its triage holds, and an expired acceptance is reported.
// [Track] runs a comparison against a [Store] in one transaction;
// [MemoryStore] keeps state in memory and the correlate/sqlite package on
// SQLite. Importing correlate pulls in no database driver.
//
// # Suppression and alerts
//
// The correlate/suppress package applies VEX statements and ignore rules;
// correlate/alert turns changes into consolidated alerts and hands them to
// sinks the caller configures. Nothing here sends anything on its own.
package correlate
