// Package npmaudit decodes the output of `npm audit --json` into findings.
//
// # Input
//
// Both report generations are read, one record at a time:
//
//   - Version 1 (npm 6 and earlier): an "advisories" object keyed by
//     advisory ID. Each advisory names its package (module_name) and lists,
//     in "findings", the installed versions it affects with their dependency
//     paths and dev/optional/bundled flags.
//   - Version 2 (npm 7 and later, "auditReportVersion": 2): a
//     "vulnerabilities" object keyed by package name. Each entry's "via"
//     holds advisory objects (source, title, url, severity, cwe, cvss, range)
//     and the names of other vulnerable packages it depends on.
//
// A report with "auditReportVersion" other than 2 is
// [findings.ErrUnsupportedFormat]. When npm could not audit (no lock file,
// registry unreachable) it writes {"error": {"code": "ENOLOCK", "summary":
// ...}}: that is a failed audit, not a clean one, so Decode returns
// [findings.ErrInvalid] with npm's code and summary in the message instead of
// reporting no findings. A document with neither "advisories",
// "vulnerabilities" nor "error" is [findings.ErrInvalid]; an empty
// "advisories" or "vulnerabilities" object is a clean audit with no findings.
// A 0-byte input is [findings.ErrSyntax] ("empty input"): npm always writes a
// JSON object.
//
// # Records
//
// Every finding is of kind [findings.KindSCA], one per package × advisory:
//
//   - Version 1: one finding per entry of an advisory's "findings" (npm
//     groups them by installed version), so an advisory that affects two
//     installed versions of a package gives two findings. An advisory
//     without "findings" still gives one finding, without a version.
//   - Version 2: one finding per advisory object in an entry's "via". Names
//     in "via" are transitive references, not advisories: they are kept in
//     Properties["via"] of that entry's findings, and an entry whose "via"
//     holds only names (a package vulnerable only through its dependencies,
//     like the parent of a vulnerable package) gives no finding of its own;
//     its advisories are reported on the dependency that has them.
//
// # Mapping
//
// The vulnerability IDs are the GHSA ID (from github_advisory_id or the
// advisory URL) first, then the CVEs of a version 1 advisory. The rule ID is
// the first of them, or npm's numeric advisory ID when the advisory has none
// (old npmjs.com advisories); that number is always in
// Properties["advisory_id"]. Severity is npm's word (moderate is medium,
// source "npm-audit:severity"), or else the CVSS score. CWEs are read from a
// string, an array, or the JSON-array-in-a-string some registries return;
// null is none. CVSS score and vector are kept (source "ghsa" when the
// advisory is a GitHub advisory, else "npm").
//
// The package is the npm package with ecosystem "npm". Version 1 gives the
// installed version and the purl pkg:npm/name@version; version 2 records no
// installed version, so its purl has none. The dependency paths (version 1
// "a>b>c", version 2 "node_modules/..." nodes) go to Package.Paths. The
// scope is dev or optional from the version 1 flags (runtime when both are
// false); the relationship is direct or transitive from version 2 "isDirect",
// or for version 1 direct when one of the paths is the package alone.
// Fixed versions are the version 1 patched_versions range as written (except
// npm's "<0.0.0", meaning no fix), and for version 2 the version of
// fixAvailable when it names the package itself; fixAvailable as written is
// in Properties["fix_available"]. The advisory's vulnerable range is in
// Properties["vulnerable_versions"], the installed range of a version 2
// entry in Properties["affected_range"], its dependents in
// Properties["effects"].
//
// Not read: version 1 "actions" (npm's fix plan), "muted" and "metadata"
// (summary counts), and the names of advisory finders.
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
// A number is checked only where the decoder reads it: one that its
// field cannot hold (1e400 anywhere, a fraction or more than 64 bits in an
// integer field) is [findings.ErrInvalid] naming the field, while in a
// member the decoder skips it is only syntax. NaN is not JSON:
// [findings.ErrSyntax]. Advisory IDs are integers; a CVSS score
// outside 0–10 is dropped ([findings.Finding.Normalize]) and never gives a
// severity. The summary counts of "metadata" are skipped.
//
// Duplicate keys: npm writes maps keyed by package name or advisory ID,
// and JavaScript keeps the last of duplicate keys; the decoder, which
// emits each member as it streams by, rejects a repeated report member
// (auditReportVersion, advisories, vulnerabilities, error) or a repeated
// package or advisory key with [findings.ErrInvalid] ("duplicate key") at
// the second one. Inside an entry, decoded whole, the last of duplicate
// keys wins, as in encoding/json.
package npmaudit
