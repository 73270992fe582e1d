// Package govulncheck decodes the JSON output of govulncheck, the Go
// vulnerability checker (golang.org/x/vuln/cmd/govulncheck), into findings.
//
// # Input
//
// Three shapes are read:
//
//   - The `govulncheck -json` stream (govulncheck 1.0 and later, and the
//     late pre-1.0 protocol v0.1.0): a sequence of top-level objects, each
//     holding one message — "config", "progress", "SBOM", "osv" or
//     "finding". Unknown message types are skipped, since the protocol
//     adds them over time.
//   - The same messages as one JSON array (as DefectDojo stores them).
//   - The pre-1.0 result object of 2022 ({"Calls", "Imports", "Requires",
//     "Vulns", "Modules"}), where each Vulns entry names an OSV record, a
//     symbol, its package and module (ModPath), and the IDs of its nodes in
//     the call graph (CallSink, 0 when not called), the import graph and
//     the module graph.
//
// govulncheck writes the OSV records before the findings that refer to
// them and reports each vulnerability several times (at module, package
// and symbol level, and once per vulnerable symbol), so the document is
// read whole before anything is emitted. What is kept is bounded: per OSV
// id, the few fields a finding uses; per (OSV id, module), one location and
// the lists of symbols and packages. The whole input is bounded by
// [findings.Limits].MaxDocumentBytes.
//
// A stream or array without a "config" message is [findings.ErrInvalid]
// (govulncheck always writes it first); so are a finding without an osv
// id or without a trace naming a module, an OSV record without id, a
// pre-1.0 result without "Vulns", and any value that is not a message
// object. Messages with no findings (a clean scan) decode to no findings.
//
// A 0-byte input is [findings.ErrSyntax] ("empty input"): govulncheck -json
// writes the config message before it starts scanning, so a successful run
// never leaves an empty file; an empty file means govulncheck failed
// before it started (bad flags, an unreachable database) or the output was
// lost.
//
// # Mapping
//
// One [findings.Finding] per (OSV id, module) pair among the finding
// messages (the module of a finding is trace[0].module), emitted in the
// order of the pair's first finding message; for pre-1.0 results, one per
// (OSV id, ModPath) among Vulns.
//
//   - Kind: [findings.KindSCA], for standard-library ("stdlib") and
//     toolchain findings too.
//   - Tool: config.scanner_name (default "govulncheck") and
//     config.scanner_version; pre-1.0 results record no version.
//     Properties keep db, db_last_modified, go_version, scan_level,
//     scan_mode and protocol_version from the config.
//   - RuleID and the first vulnerability ID: the OSV id; the record's
//     aliases (CVE, GHSA) follow. Title: the record's summary, or the OSV
//     id when it has none (older records); Description: its details.
//     References: the record's reference URLs and database_specific.url.
//     Published and Modified as written.
//   - Severity: [findings.SeverityUnknown] with no SeveritySource. The Go
//     vulnerability database assigns no severity and govulncheck reports
//     none, so none is invented.
//   - Package: the module path as Name, trace[0].version as Version,
//     ecosystem "Go", purl pkg:golang/<module>@<version> with the case of
//     the module path kept (Go module paths are case-sensitive). For
//     pre-1.0 results the version comes from the Modules list.
//   - FixedVersions: the finding's fixed_version (govulncheck picks the
//     fix for the version in use; none when there is no fix). Pre-1.0
//     results have no fixed_version; there, every "fixed" event of the
//     record's affected ranges for the module is listed, spelled with a
//     leading "v" as Go versions are.
//   - Reachability: [findings.Reachable] when any finding of the pair has
//     a trace whose first frame names a function (a symbol-level finding:
//     the vulnerable symbol is called). Otherwise the findings are at
//     package level (the vulnerable package is imported) or module level
//     (the module is required): in a scan with config.scan_level "symbol",
//     govulncheck looked for calls and found none, so the result is
//     [findings.Unreachable]; in a "package" or "module" scan, or when the
//     config names no scan level, calls were not analysed and the result
//     is [findings.ReachabilityUnknown]. Pre-1.0: reachable when any entry
//     has a CallSink, unreachable when none has one and the document holds
//     a call graph, unknown otherwise.
//   - Location: taken from the first symbol-level finding that has a
//     positioned frame (else from the first finding that has one): the
//     frame govulncheck's own text output shows, the exit point from the
//     user's module (the first frame, counting from the vulnerable symbol,
//     whose module is the entry point's module), when it has a position;
//     otherwise the first frame with a position. Its file name is Path,
//     its line and column the Region, and its function, spelled
//     "pkg.Func", "pkg.Recv.Method" or "pkg.(*Recv).Method", the
//     LogicalLocation. Module- and package-level findings have no
//     position, so a pair without a symbol-level finding usually has no
//     location. Pre-1.0: the call site of a vulnerable function whose
//     caller is in the main module (the module without a version), else
//     the first call site with a position; the caller is the logical
//     location.
//   - Properties["symbols"] lists the vulnerable symbols found called
//     (trace[0] of symbol-level findings, or PkgPath.Symbol pre-1.0), and
//     Properties["packages"] the vulnerable packages found imported.
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
// Numbers: positions (offset, line, column) are integers, and one that
// does not fit is [findings.ErrInvalid] naming the field; numbers elsewhere
// are kept as written. NaN is not JSON: [findings.ErrSyntax].
//
// Duplicate keys: the -json output is a stream of messages, so a key
// repeated in one message object counts as one more message; of two OSV
// records with one id, the last wins, as do the last "Calls", "Modules"
// and "Vulns" of a pre-1.0 result.
package govulncheck
