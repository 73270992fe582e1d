// Package trivy decodes Trivy's JSON report (trivy image|fs|repo|config|k8s
// --format json) into findings.
//
// # Layouts
//
// [Decode] reads the report of Trivy 0.20 and later (an object with
// SchemaVersion 2 and Results), Kubernetes reports (an object with
// ClusterName and Resources, or with the Vulnerabilities and
// Misconfigurations arrays of resources that older versions wrote), the
// legacy report of older versions (a top-level array of results), and the
// document null, which old versions wrote for a scan without results: it
// gives no findings and a nil error. A 0-byte input is a syntax error
// ("empty input"); Trivy never writes one. A CycloneDX, SARIF or other
// document written by Trivy is not a Trivy report: an object without any
// key of one fails with [findings.ErrUnsupportedFormat].
//
// # Records and kinds
//
// Each Result gives one finding per record, in this order:
//
//   - Vulnerabilities: kind container for OS packages (Class "os-pkgs", or
//     a legacy result whose Type is an OS family such as "debian"), else
//     sca. RuleID is the VulnerabilityID; VendorIDs follow it as aliases.
//     FixedVersion is split on ", ". Trivy's CVSS map gives one entry per
//     source and version (v2, v3, v4), source names in sorted order. The
//     package URL is Trivy's own; for older reports without one it is built
//     for language ecosystems whose purl is unambiguous (npm, Go, Cargo,
//     PyPI, RubyGems, Composer, NuGet, Maven group:artifact), never for OS
//     packages. When the result lists its Packages, a vulnerability's package
//     is joined to them (by UID, else PkgID) for relationship, dev scope and
//     licenses. The vendor Status (fixed, affected, will_not_fix,
//     not_affected...) is kept in Properties["status"]: it is the
//     distribution's statement, not a VEX analysis of the scanned artifact.
//   - Misconfigurations whose Status is not PASS: kind iac. A passed check
//     is not a finding. EXCEPTION (a failure excused by a policy exception)
//     is emitted with an external [findings.Suppression]. RuleID is the ID
//     (AVDID in Properties); the region, the code lines marked as the cause
//     (hashed), the resource (logical location) and the occurrences
//     (related locations) come from CauseMetadata.
//   - Secrets: kind secret. Trivy masks the secret with asterisks and its
//     Match is the whole line, not the secret, so no SecretHash is set and
//     neither Match nor the code lines are kept (the snippet hash is of the
//     masked cause lines).
//   - Licenses: kind license; RuleID is the license name.
//   - ExperimentalModifiedFindings (written with --show-suppressed): the
//     record they hold, with a [findings.VEXAnalysis] when a VEX document's
//     status removed it (not_affected, fixed, affected,
//     under_investigation; the Statement is the justification) and an
//     external suppression when an ignore file did (status "ignored").
//
// # Severity
//
// Severity is Trivy's word (SeveritySource "trivy:Severity", followed by
// ":" and the vulnerability's SeveritySource vendor when it names one).
// When a vulnerability's severity is UNKNOWN, a CVSS v3 or v4 base score
// (of that vendor first) gives it, with SeveritySource "cvss:3.1:nvd" and
// the like; otherwise it stays unknown.
//
// # Locations
//
// Location.Target is the Result's Target; Path is the Target when it names a
// file (config, secret and lock-file results, not the "Java" or "Python"
// targets that gather an image's packages, nor Kubernetes "Kind/Name"
// targets). Image is the ArtifactName of an image report (else a repo
// digest, tag or image ID from Metadata); in a Kubernetes report, the image
// of an OS-package result. Layer is the layer's DiffID, else its digest.
// Kubernetes findings carry their cluster, namespace, kind and name in
// Properties["kubernetes"]; a Kubernetes misconfiguration without a
// resource of its own has "namespace/Kind/Name" as logical location.
//
// # Streaming
//
// Results are decoded one at a time. Trivy writes the header (SchemaVersion,
// Trivy.Version, ArtifactName, Metadata) before Results; a report whose
// Results come first is read twice when the reader is an [io.ReadSeeker],
// else its results are held until the header is read, bounded by
// [findings.Limits].MaxDocumentBytes.
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
// [findings.ErrSyntax]. CVSS scores outside 0–10 are dropped
// ([findings.Finding.Normalize]) and never give a severity.
//
// Duplicate keys of the report object that the decoder reads
// (SchemaVersion, Trivy, ArtifactName, ArtifactType, Metadata,
// ClusterName, Results, Resources, Vulnerabilities, Misconfigurations) are
// [findings.ErrInvalid] ("duplicate key") at the second one. Inside a
// result or a resource, decoded whole, the last of duplicate keys wins, as
// in encoding/json. Paths and targets are kept as written (see
// [findings.Location.LocalPath]).
package trivy
