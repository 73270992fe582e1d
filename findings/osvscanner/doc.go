// Package osvscanner decodes the JSON output of OSV-Scanner (`osv-scanner
// --format json`) into findings.
//
// # Input
//
// An OSV-Scanner document is an object whose "results" array holds one
// entry per scanned source (a lock file, an SBOM, a git repository, an
// image), each with the packages found in it; every package carries the
// full OSV records of its vulnerabilities and "groups" that bundle the IDs
// OSV-Scanner considers the same vulnerability. The types of
// github.com/google/osv-scanner/pkg/models are used for the records (only
// the dates are kept as the strings the tool wrote).
//
// The document is read package by package, so memory does not grow with
// the number of sources or packages. OSV-Scanner writes each source before
// its packages; packages that come before their source are held, within
// [findings.Limits].MaxDocumentBytes, until it is read.
//
// "results": [] and "results": null decode to no findings; a package with
// an empty "vulnerabilities" list (such as a git commit without known
// vulnerabilities) yields none. An object without "results", any other
// JSON value, and a vulnerability without "id" are [findings.ErrInvalid].
//
// A 0-byte input is [findings.ErrSyntax] ("empty input"). OSV-Scanner
// creates the --output file before scanning and writes the results only
// when the scan completes, so an empty file is what is left when the scan
// failed: no package sources found (exit code 128), an API failure (129),
// or any other error. That is not a report of "no vulnerabilities"; a
// completed scan always writes {"results": [...]}.
//
// # Mapping
//
// Each entry of results[].packages[].vulnerabilities[] becomes one
// [findings.Finding]:
//
//   - Kind: [findings.KindContainer] for the packages of operating-system
//     ecosystems (Debian, Ubuntu, Alpine, Red Hat, Rocky Linux, AlmaLinux,
//     SUSE, openSUSE, Photon OS, Mageia, Wolfi, Chainguard, Azure Linux,
//     Mariner, openEuler, with or without a release suffix such as
//     "Debian:11"); [findings.KindSCA] for everything else, including
//     commit-only packages.
//   - RuleID and the first vulnerability ID: the record's id. Its aliases
//     follow, then the IDs and aliases of the package group that contains
//     the id (groups add aliases only; they never create findings).
//   - Title: the record's summary, or its id when it has none; Description:
//     details. Published and Modified as written.
//   - CVSS: every CVSS_V2/V3/V4 vector of the record's "severity" and of
//     the matching affected entries, with the version read from the vector
//     and Source the lower-cased prefix of the record's id ("ghsa",
//     "pysec", "rustsec", "cve"...). Score is left nil: OSV gives vectors,
//     and this package computes no scores.
//   - Severity, by precedence: (1) database_specific.severity, the
//     advisory database's own word for this record (GHSA's LOW, MODERATE,
//     HIGH, CRITICAL), SeveritySource "osv:database_specific.severity";
//     (2) a severity entry of type "Ubuntu" (a priority word),
//     "osv:severity.Ubuntu"; (3) the group's max_severity, the highest CVSS
//     base score OSV-Scanner computed for the group, mapped with
//     [findings.SeverityFromScore], "osv-scanner:max_severity". The
//     record's own word comes first because it is about this record, while
//     max_severity is the maximum over the whole alias group. When none is
//     present — for example a record with only a CVSS vector — the severity
//     is [findings.SeverityUnknown]: a vector alone is not turned into a
//     score here.
//   - CWEs: database_specific.cwe_ids, and affected[].database_specific
//     .cwes[].cweId (used by malicious-package records).
//   - Package: name, version and ecosystem as written; a purl built with
//     packageurl-go for npm, PyPI (pypi), Go (golang, case kept: module
//     paths are case-sensitive, so the purl is not lower-cased), Maven,
//     crates.io (cargo), RubyGems (gem), NuGet, Packagist (composer),
//     Debian and Ubuntu (deb), Alpine (apk); none for other ecosystems. A
//     commit-only package (git sources) has the commit as its Version and
//     in Properties["commit"].
//   - FixedVersions: the "fixed" events of the affected entries that name
//     this package (same ecosystem, same name — PEP 503 normalized for
//     PyPI, case-insensitive except for Go and Maven), excluding GIT
//     ranges; for a commit-only package, the "fixed" commits of the GIT
//     ranges of affected entries without a package. All fixed versions are
//     listed; picking the one for the installed version would need version
//     comparison per ecosystem.
//   - Scope: dev, test or optional when the package's dependency_groups is
//     exactly that one group; the groups are kept in
//     Properties["dependency_groups"] (for requirements files they name the
//     file, not a scope).
//   - Location: the source path (the lock file or directory) as Path; for
//     docker/image sources the path is the Image, and an image package's
//     layer ID is the Layer. Properties["source_type"] keeps the source
//     type (lockfile, sbom, git, docker...).
//   - Reachability: from the group's experimentalAnalysis for the record
//     (OSV-Scanner's call analysis): reachable when called, unreachable
//     when not; empty when no analysis was done.
//   - References: the record's reference URLs and database_specific.url.
//   - Properties also keeps max_severity, withdrawn, RustSec's
//     informational ("unsound", "unmaintained"), unimportant, and image
//     origin data when present.
//
// A package with license_violations (OSV-Scanner's --experimental-licenses)
// adds one finding of kind [findings.KindLicense] with rule ID
// "license-violation", its licenses in Package.Licenses and the violating
// ones in Properties["license_violations"].
//
// OSV-Scanner's output records no tool version; Tool.Name is
// "osv-scanner".
//
// # Hostile input
//
// Nesting depth and string size (object keys included) are checked by
// [findings.Limits] as the bytes stream in: JSON nested 1,000,000 deep
// fails at the byte of depth MaxDepth+1 (512 by default), and a 500 MB
// string at its first byte beyond MaxStringBytes (16 MiB), with a
// [*findings.LimitError]; the decoder stops reading within 64 KiB of
// that byte, and encoding/json's buffer, which doubles, allocates about four times
// MaxStringBytes on the way. Invalid UTF-8 inside a string is not an
// error: each invalid byte becomes U+FFFD, as encoding/json does, so every
// string handed out is valid UTF-8; a raw control character in a string
// is [findings.ErrSyntax].
//
// Numbers: OSV-Scanner's fields are strings, and numbers in the members
// the decoder does not interpret (database_specific, say) are kept as
// written, so no number is out of range; a number where a string belongs
// is [findings.ErrInvalid]. A max_severity that is not a score in 0–10
// gives no severity.
//
// Duplicate keys: "results" in the document, and "source" and
// "packages" in a result, are [findings.ErrInvalid] ("duplicate key") at
// the second one. Inside a package, decoded whole, the last of duplicate
// keys wins, as in encoding/json.
package osvscanner
