// Package grype decodes Grype's JSON document (grype <target> -o json) into
// findings.
//
// # Records and kinds
//
// [Decode] gives one finding per entry of matches, then one per entry of
// ignoredMatches (matches an ignore rule or a VEX document removed), which
// carry a [findings.VEXAnalysis] when the rule's vex-status says why, else
// an external [findings.Suppression] per applied rule. The kind is container
// for operating-system packages (artifact types apk, deb, rpm, alpm,
// portage, linux-kernel, linux-kernel-module) and sca for everything else
// (language packages, binaries found by classifiers).
//
// RuleID is vulnerability.id; the ids of relatedVulnerabilities (the CVE
// behind a GHSA, say) and of vendor advisories follow it as aliases. When
// the primary record lacks a description, references or CVSS assessments,
// the related records supply them. CVSS entries keep their version, vector,
// base score and source (the record's namespace when the entry names no
// source); Grype before 0.20 wrote cvssV2 and cvssV3 objects, links and
// fixedInVersion, which are read too.
//
// Severity is Grype's word (SeveritySource "grype:severity"; "Negligible"
// is low). When the match has none or "Unknown", it comes from the match's
// CVSS v3/v4 base score ("cvss:3.1:<source>"), else a related record's
// severity word ("grype:relatedVulnerabilities.severity"), else a related
// CVSS score; otherwise it stays unknown.
//
// The package is the artifact: name, version, type as ecosystem, purl, fix
// versions, every location path, licenses. Location.Path and Layer are the
// artifact's first location and its layerID; Image is the image source's
// userInput (else a repo digest or the image ID); Target is the source
// target of a directory or file scan. Properties keep the fix state, the
// record's namespace, the match details (type and matcher of each), EPSS
// entries (cve, epss, percentile, date), CISA KEV entries, Grype's risk
// score and the package's upstream (source) packages. The tool is the
// descriptor's name and version ("[not provided]" is dropped).
//
// # Streaming
//
// Grype writes matches before source and descriptor. When the reader is an
// [io.ReadSeeker], Decode reads the header in a first pass (stepping over
// the matches without keeping them) and streams the matches one at a time in
// a second; otherwise it holds the decoded matches until the header has
// been read, bounded by [findings.Limits].MaxDocumentBytes. A document whose
// source and descriptor come first is read in one pass.
//
// # Errors and empty documents
//
// A document with matches: [] gives no findings and a nil error. A 0-byte
// input is a syntax error ("empty input"); null, arrays and scalars are
// [findings.ErrInvalid]; an object without a matches key (every Grype
// document has one) is [findings.ErrUnsupportedFormat].
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
// [findings.ErrSyntax]. An EPSS probability or percentile outside
// [0, 1] is dropped from its entry; CVSS scores outside 0–10 are dropped
// ([findings.Finding.Normalize]). Risk is kept as Grype wrote it.
//
// Duplicate keys of the document object that the decoder reads (matches,
// ignoredMatches, source, descriptor) are [findings.ErrInvalid]
// ("duplicate key") at the second one. Inside a match, decoded whole, the
// last of duplicate keys wins, as in encoding/json.
package grype
