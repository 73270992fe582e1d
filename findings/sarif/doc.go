// Package sarif decodes SARIF 2.1.0 logs, from any tool, into findings.
//
// [Decode] emits one [findings.Finding] per result, across all runs, in
// document order. It walks the log with encoding/json's Decoder and decodes
// results one at a time, so memory stays flat however many results a log
// holds. The tool (driver, extensions, rules), taxonomies and
// suppressions are decoded into the types of
// github.com/owenrumney/go-sarif/v3; results, locations and the run's other
// tables into lean local structs that keep only what a finding needs (they
// allocate less, decode property bags in one pass, and tell an absent
// ruleIndex from 0, which go-sarif's Result cannot).
//
// # Results before the tool
//
// A result needs its run's rules, but SARIF does not order a run's
// properties, and some tools (Semgrep, the SARIF SDK converters) write
// "results" before "tool". Results that come after the run's tool are
// emitted as they stream by, using the metadata read up to that point
// (originalUriBaseIds or taxonomies written after the results are not
// used). Results that come before the tool wait for the end of the run and
// then use all of its metadata:
//
//   - when the reader is an [io.ReadSeeker] whose Seek works, the results
//     array is only validated on the way (syntax and limits), and decoded
//     again from its offset once the run has been read;
//   - otherwise its elements are buffered as raw JSON until the run ends,
//     at most [findings.Limits].MaxDocumentBytes bytes of them; beyond that
//     Decode fails with a [*findings.LimitError].
//
// Both ways give the same findings.
//
// # Rules, titles and severity
//
// The rule of a result is found by rule.index or ruleIndex (in the
// component rule.toolComponent names, else the driver), unless that rule's
// id contradicts the result's ruleId; else by ruleId or rule.id in the
// driver and every tool.extensions component (a hierarchical id "a/b"
// falls back to "a"). The title is the result's message (formatted from
// the rule's messageStrings when the message gives an id and arguments) on
// one line (runs of white space and line breaks become
// one space), else the rule's shortDescription, name or id. The
// description is the rule's fullDescription, else its help, else its
// shortDescription when the title is the message.
//
// Severity comes, in order, from a "security-severity" score (result
// properties, then rule properties; a string or a number, 0–10, mapped
// with [findings.SeverityFromScore]; SeveritySource
// "sarif:security-severity"), from result.level ("sarif:level"), from the
// rule's defaultConfiguration.level ("sarif:defaultConfiguration.level"),
// and else from SARIF's own default (§3.27.10) "warning", i.e. medium, with
// SeveritySource "sarif:default-level": SARIF defines that default, so the
// severity is not invented. Levels map error→high, warning→medium,
// note→low, none→info. Results whose kind is not "fail" (pass,
// notApplicable, informational, review, open) are emitted too, one per
// result, with Properties["sarif.kind"]; per §3.27.10 their level defaults
// to "none" (info, "sarif:default-level") and neither security-severity nor
// defaultConfiguration applies to them.
//
// # Identifiers
//
// CWEs come from the three places real tools put them: rule (and result)
// tags such as "external/cwe/cwe-079" or "CWE-79"; a "cwe" or "cwes"
// property (a string, a number, an array of those, or objects with a
// "cweId", as Semgrep, Snyk, Black Duck and Dependency-Track write); and
// taxonomy references (rule.relationships targets and result.taxa) into a
// toolComponent named "CWE", resolving taxa by index through run.taxonomies
// when the reference gives no id. Vulnerability ids (CVE, GHSA, GO, BDSA,
// PYSEC, RUSTSEC, SNYK, OSV) are taken from the ruleId, the rule's id and
// name, and string properties, primary first; SCA and container findings
// without a CVE or GHSA id also take those in the rule's descriptions (Snyk
// Container names the CVE only there). CVSS entries come from the
// properties Trivy, dependency-check and Dependency-Track write.
//
// # Kinds
//
// The kind is decided per run from the driver's name: Gitleaks and other
// secret scanners are secret; Checkov, KICS, tfsec, Terrascan, cfn-nag,
// kube-linter, Hadolint and Snyk IaC are iac; Snyk Container is container;
// dependency-check, Dependency-Track, Snyk Open Source, OSV-Scanner,
// govulncheck, Black Duck, retire.js, npm audit and pip-audit are sca; ZAP,
// Burp, Nuclei and similar are dast. A run of another tool whose every rule
// id is a vulnerability id is sca; anything else is sast. Trivy and Grype
// runs are refined per rule: Trivy's rule names (OsPackageVulnerability →
// container, LanguageSpecificPackageVulnerability → sca, Misconfiguration
// → iac, Secret → secret) and Grype's matchers (Dpkg, Rpm, Apk, Portage →
// container, others sca); an SCA rule whose package URL is an OS package
// (deb, rpm, apk, alpm) is container.
//
// # Packages and secrets
//
// SCA and container findings get a package only from what the log holds: a
// package URL (a "purl"/"purls" property, or a logical location that is
// one), Black Duck's component properties, the "Package:", "Installed
// Version:" and "Fixed Version:" lines of Trivy's messages, and Grype's
// message and help templates. For secret findings the matched secret (the
// "offender" property of Gitleaks 7, the region snippet of Gitleaks 8) is
// only kept as SecretHash; it is dropped from Properties, its snippet hash
// and the title.
//
// # Locations and fingerprints
//
// The first location is the finding's Location; further locations and
// relatedLocations are RelatedLocations. A URI with a uriBaseId is
// resolved through originalUriBaseIds (following their own uriBaseIds) by
// appending it to the base URI, and URIBaseID is kept; a URI the document
// does not resolve stays as written. The logical location is the
// fullyQualifiedName, else the name, also looked up in run.logicalLocations
// by index. SnippetHash hashes region.snippet.text, else
// contextRegion.snippet.text. A webRequest fills URL and Method.
// partialFingerprints and fingerprints both go to Fingerprints with their
// keys as given; when both hold a key, fingerprints keeps it and the
// partial one becomes "partial:<key>". Fingerprint values must be strings;
// Black Duck's {"value": "..."} objects are read as their value.
//
// # Errors
//
// An empty input (no bytes, or only white space and a byte order mark) is
// [findings.ErrSyntax] "empty input": no tool writes an empty file for "no
// results". A log with "runs": [] or "runs": null, or runs whose results
// are [] or null, yields no findings and no error. A log without a
// version or runs, a version that is not a string, runs or results that
// are not arrays, and results or suppressions of the wrong shape are
// [findings.ErrInvalid]; SARIF allows "runs": null (the tool could not
// run), so it is not an error. A version other than "2.1.0" (notably the
// pre-standard "2.0.0") is [findings.ErrUnsupportedFormat], reported once
// the rest of the document has been checked to be well-formed (its runs
// are skipped): a file that is not JSON is a syntax error whatever its
// version says. (A version that comes after the runs is only seen after
// their findings have been emitted.) Invalid JSON (the trailing commas
// BinSkim once wrote, truncated files) is [findings.ErrSyntax] with the
// byte offset of the offending character, or of the end of the input for a
// truncated one; offsets count a byte order mark. A value of the wrong type
// is located just after that value. Limits are enforced as the bytes stream
// in, with [findings.LimitError]s located at the offending byte.
//
// # Performance
//
// Decode reads one result at a time with encoding/json and keeps no more
// than the run metadata, one result and the decoder's buffer in memory: a
// 200 MB log streams with a heap of a few MiB, about as fast as go-sarif's
// sarif.Open, which holds the whole log (see BenchmarkDecode200MB and
// BenchmarkGoSarifOpen200MB).
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
// [findings.ErrSyntax]. Line and column numbers and indexes are
// integers; a negative one counts as absent. A property bag holds any JSON,
// so a number float64 cannot hold anywhere in one is [findings.ErrInvalid]
// naming the bag. A security-severity outside 0–10 (or not a number) is
// ignored and the level decides the severity; CVSS scores outside 0–10 are
// dropped ([findings.Finding.Normalize]).
//
// Duplicate keys: "version" and "runs" in the log, and "tool", "results",
// "taxonomies", "originalUriBaseIds", "logicalLocations" and "artifacts"
// in a run, which the decoder acts on as they stream by, are
// [findings.ErrInvalid] ("duplicate key") at the second one (its byte
// just after the key); findings of a first "results" array may have been
// emitted by then. Inside a result, a rule or any other object decoded
// whole, the last of duplicate keys wins, as in encoding/json.
//
// URIs are data. An artifactLocation's uri is kept verbatim in
// [findings.Location.Path], whatever it holds: "../" segments, an
// absolute path, "file:///etc/passwd", percent-escapes such as "%2e%2e",
// backslashes, a NUL. A uriBaseId is resolved by joining strings, never
// against a file system: through at most 16 originalUriBaseIds (a cycle
// or a longer chain, an undefined id, or a resolved base longer than
// 4 KiB leaves the uri as written, with URIBaseID kept), and an absolute
// uri ignores its base. Nothing in aspm opens the path; use
// [findings.Location.LocalPath] to get a path safe to join to the scanned
// directory.
package sarif
