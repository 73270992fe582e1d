// Package findings is aspm's normalized model of what security scanners
// report, and the contract its decoders follow.
//
// # The model
//
// A [Finding] is one record a tool reported: a SARIF result, a Trivy
// vulnerability, a gitleaks leak, a ZAP alert instance. Its JSON encoding
// is stable and uses snake_case names. Severity is normalized to
// critical/high/medium/low/info/unknown and never defaulted silently:
// [Finding.SeveritySource] says where it came from. Identifiers are
// canonical ("CWE-79"; vulnerability IDs primary first, aliases after).
// A [VEXStatement] is what a VEX document (OpenVEX, CycloneDX analysis,
// CSAF) says about a vulnerability in a set of products; the correlate
// package applies statements to findings.
//
// # Decoders
//
// Each input format has a subpackage (findings/sarif, findings/trivy, ...)
// with a Format constant and a Decode function of type [DecodeFunc]. The
// findings/detect package recognizes a format by content and calls the
// right one; it imports them all, and there is no registration at init
// time and no global state.
//
// Decoders stream: they hand items to a [Handler] one at a time, so memory
// does not grow with the input. [All] turns that into an iterator and
// [Collect] into slices. A decoder emits exactly one Finding per record the
// tool reported; deduplication is the correlate package's job. Suppressed
// records are emitted with their [Suppression]s.
//
// # Errors and limits
//
// Bad input gives a [*DecodeError] naming the file, the format, the byte
// offset and the path inside the document, wrapping [ErrSyntax],
// [ErrInvalid], [ErrUnsupportedFormat] or [ErrLimit]. [Limits] bound
// nesting depth, string size and the size of documents that must be read
// whole; they are checked while the input streams in.
//
// # Hostile input
//
// Decoders document what they do with input built to hurt them (JSON
// nested a million deep, a 500 MB string, numbers out of range, invalid
// UTF-8, duplicate keys; see the "Hostile input" section of the JSON
// decoders). What they share: strings handed out
// are valid UTF-8; [Finding.Normalize] drops CVSS scores outside 0–10 and
// negative line and column numbers, so that no score or position is taken
// from a broken report; and a location's Path is data, kept as the tool
// wrote it (absolute, with "..", a file: URI, a NUL...). Nothing in aspm
// opens it; [Location.LocalPath] gives a path safe to join to the scanned
// directory, or refuses.
package findings
