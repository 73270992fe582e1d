// Package sarif renders a [report.Report] as a SARIF 2.1.0 log, shaped
// the way GitHub code scanning ingests it, for code scanning, IDEs and any
// other SARIF consumer.
//
// [Write] streams the log: the findings are grouped into runs first, then
// each result is encoded and written on its own, so memory holds the
// grouping, not the document. The same report and [Options] always give
// the same bytes.
//
// # Runs
//
// By default ([PerTool]) each tool gets a run, in tool-name order, whose
// driver is the tool's name and version. With [Merged] there is one run,
// driven by [Options.ToolName] ("aspm"). In both, a run holds each
// finding once: findings of one cross-tool cluster ([report.Finding]
// Cluster), else of one ID, become one result, the first in display order
// (the most severe), which lists the others' IDs in its "aspm/duplicates"
// property. [Options.Category] becomes every run's automationDetails.id.
//
// # Results
//
// A result has the finding's ruleId (else its primary vulnerability ID,
// else "aspm/<kind>") and ruleIndex, a level from its severity (critical
// and high: error; medium and unknown: warning; low and info: note), its
// title as the message, its location and related locations, a guid
// (a UUID version 5 of its ID) and a correlationGuid (of its cluster),
// partialFingerprints (the finding's own fingerprints and "aspm/v1", a
// hash of its ID, stable across scans as the ID is), a baselineState from
// its lifecycle state (new and reopened: new; unchanged; updated; fixed:
// absent; none when not tracked), its suppressions, and aspm's data in
// properties: "aspm/id", "aspm/severity", "security-severity", risk score
// and priority, KEV, EPSS, SLA, triage, assets, "purl".
//
// Locations are physical when the finding has a path (or a URL), with a
// region when its start line is known, and logical when it names a
// fully qualified name (access findings) or, without a path, an image, a
// scan target, else the package URL or first asset (GitHub requires a
// location). Paths are made relative the way GitHub maps them to the
// repository: [Options.SourceRoot] is removed, back slashes become
// slashes, "./" and ".." segments are cleaned, and the path is
// percent-encoded; an absolute path left over becomes a file URI.
//
// A suppressed finding gets an external, accepted suppression whose
// justification is the triage justification (else its status, else the
// VEX justification), besides the suppressions the tool recorded
// (in_source becomes inSource).
//
// # Rules
//
// tool.driver.rules holds every rule of a run's results, sorted by ID.
// Its shortDescription is the title of its first result, fullDescription
// and help its description, else that title (GitHub requires both; help
// adds the references), helpUri its first
// http(s) reference (else the NVD or GitHub advisory page of a CVE or
// GHSA rule), defaultConfiguration.level the level of its most severe
// result, and properties hold tags ("security", the kinds, and CWEs as
// "external/cwe/cwe-079"), precision (from the confidence) and
// security-severity, the score GitHub ranks alerts by.
//
// security-severity is a number in a string, 0.0–10.0: for a rule, the
// highest of its results' risk scores divided by 10, or, for a result
// without one, its CVSS base score when that falls in its severity's band,
// else the band's representative score (critical 9.5, high 8.0, medium
// 5.5, low 2.0, info 0.0). Each result also carries a security-severity
// property that agrees with its own severity, so that SARIF readers that
// look there (package findings/sarif does) get each result's severity
// back.
//
// # GitHub's limits
//
// GitHub code scanning rejects files beyond its documented limits. Write
// stays within them: a run holds at most [MaxResultsPerRun] results (see
// [Options.MaxResultsPerRun]); the ones left out are the last in display
// order (fixed and suppressed findings, then the least severe), and the
// run says so in a toolExecutionNotification ("aspm/results-truncated")
// and its "aspm/omitted-results" property. A file holds at most
// [MaxRuns] runs: the tools beyond the 19th, by name, share the last run,
// driven by [Options.ToolName], which says so in an "aspm/runs-merged"
// notification. Rules keep at most [MaxTagsPerRule] tags and a result at
// most [MaxLocationsPerResult] locations.
//
// Fixed findings are written with baselineState "absent", as SARIF
// defines it. GitHub does not read baselineState and would show them as
// alerts: set [Options.OmitFixed] when uploading there.
//
// # Untrusted text
//
// Every text a tool or an attacker controls is neutralized: control
// characters, ANSI escapes and bidirectional overrides are removed
// ([report.Plain]), messages and descriptions escape "[" and "]" so that
// SARIF viewers do not turn them into embedded links, only http and https
// references become helpUri and help links, URIs are percent-encoded, no
// markdown is written, and the JSON encoding escapes <, > and & so the
// log can be embedded in HTML.
//
// # Errors
//
// Write returns [ErrNilReport] for a nil report, a [*FindingError]
// wrapping [ErrInvalidFinding] for a finding without an ID (a result
// needs one for its fingerprint), and an error wrapping [ErrWrite] when
// the writer fails.
package sarif
