// Package depcheck decodes the reports of OWASP Dependency-Check into
// findings.
//
// [Decode] reads the XML report (root element analysis in the namespace
// https://jeremylong.github.io/DependencyCheck/dependency-check.X.Y.xsd,
// schema versions 1.x to 4.x) and the JSON report (an object with
// reportSchema, scanInfo, projectInfo and dependencies[]). It tells them
// apart by the first byte of the document ('<' or '{').
//
// # Records
//
// Each vulnerability of each dependency, and each suppressed vulnerability,
// becomes one [findings.Finding] of kind sca, in document order. Related
// dependencies (files Dependency-Check grouped with the listed one) do not
// get findings of their own: their file names and package URLs are kept in
// Properties["related_dependencies"] and Properties["related_purls"].
// A suppressed vulnerability carries an external [findings.Suppression]
// whose justification is the suppression's notes.
//
// # Fields
//
//   - RuleID is the vulnerability name (a CVE, GHSA or OSS Index id, an NPM
//     advisory number...); it is also the primary vulnerability ID unless
//     it is a bare number or a weakness name ("CWE-400: ..."). Title is
//     "<name> in <file name>".
//   - Severity is the tool's severity word (ParseSeverity: "moderate" is
//     medium), SeveritySource "dependency-check:severity"; when it is
//     missing or not a severity ("Unknown"), the CVSS v4, then v3 base
//     score ("cvss:3.1:nvd"), then the v2 severity word or score; else it
//     stays unknown.
//   - CVSS holds v4 (vector as given), v3 and v2 assessments; their vectors
//     are built from the metrics the report lists (words like NETWORK or
//     letters like N), only when every base metric is present and valid. A
//     v3 assessment without a version keeps a vector without the "CVSS:3.x/"
//     prefix and an empty Version. Source is the vulnerability's source,
//     lowercased ("nvd", "ossindex").
//   - Package comes from the dependency's first package URL (identifiers/
//     package, packages[]), or from a schema 1.x maven identifier
//     "group:artifact:version"; Paths and Location.Path are the filePath.
//   - Properties keep source, file_name, sha1, sha256, project, virtual,
//     cpes, project_references, unscored, notes, known_exploited, and for
//     the vulnerable-software entry the vulnerability was matched on,
//     matched_software and its version_start_including,
//     version_start_excluding, version_end_including and
//     version_end_excluding (hints of the fixed version, not copied into
//     FixedVersions), plus vulnerable_software_count.
//
// # Errors and limits
//
// An empty input is a syntax error: Dependency-Check always writes an
// analysis element. A report without dependencies, or whose dependencies
// have no vulnerabilities, decodes to no findings. A root element other
// than analysis, or a JSON object with none of reportSchema, scanInfo and
// dependencies, is [findings.ErrUnsupportedFormat]. A vulnerability without
// a name, or a CVSS score that is not a number from 0 to 10, is
// [findings.ErrInvalid]. The XML report is read one dependency element at a
// time and bounded by MaxDocumentBytes, MaxDepth and MaxStringBytes; the
// JSON report is streamed one dependency at a time. The scanInfo and
// projectInfo sections are applied to the dependencies that follow them,
// as Dependency-Check writes them first.
//
// # Hostile input
//
// The XML report is read through internal/xmlstream, whose guard checks
// the raw bytes before encoding/xml buffers them: a text node, an
// attribute value, a comment, a CDATA section, a processing instruction
// or a DOCTYPE longer than MaxStringBytes, a tag with more than 64 KiB of
// names and spaces, or nesting deeper than MaxDepth fail with
// [findings.ErrLimit] at the first byte beyond. One dependency is held in
// memory at a time, bounded as a whole (4 × MaxStringBytes + 1 MiB of kept
// text, attributes and elements; limit "MaxRecordBytes"). No entity is
// expanded but XML's five and character references: an entity bomb or an
// external entity (XXE) is a [findings.ErrSyntax], and no file a DOCTYPE
// names is read. Invalid UTF-8 and a NUL are syntax errors. A dependency,
// vulnerability or CVSS element that gives a single-valued element twice
// (fileName, name, severity, baseScore...) is [findings.ErrInvalid] naming
// it. A CVSS score must be a decimal number (digits, point, exponent):
// "NaN", "Inf" and Go's hexadecimal floats are ErrInvalid, and a number
// too small for float64 (1e-400) reads as 0. Error messages quote at most
// 64 bytes of a bad value.
package depcheck
