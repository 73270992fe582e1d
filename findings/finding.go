package findings

// Finding is one record a security tool reported, normalized. Decoders emit
// exactly one Finding per record (deduplication is the job of the correlate
// package) and keep what the tool said: a suppressed record is emitted with
// its [Suppression]s, a severity the tool did not give is [SeverityUnknown].
//
// The JSON encoding uses snake_case names and is stable: fields are only
// added, never renamed, within a major version. Empty optional fields are
// omitted.
//
// A Finding is a plain value; it is safe to copy and to read from several
// goroutines, but not to modify concurrently.
type Finding struct {
	// ID is derived from the record's content (see [Finding.ComputeID]):
	// identical input gives identical IDs, and two records of one document
	// never share an ID. Identity across scans is correlate's job.
	ID string `json:"id"`
	// Kind is the class of problem: sast, sca, secret, and so on.
	Kind Kind `json:"kind"`
	// Tool names the scanner that reported the record.
	Tool Tool `json:"tool"`
	// RuleID is the tool's identifier of the check that fired (a SARIF
	// ruleId, a gitleaks RuleID, a Trivy misconfiguration ID, a ZAP plugin
	// ID). For vulnerability scanners it is the primary vulnerability ID.
	RuleID string `json:"rule_id,omitempty"`
	// Title is a one-line summary.
	Title string `json:"title"`
	// Description is the longer text the tool gave, as it gave it.
	Description string `json:"description,omitempty"`
	// Severity is normalized from what the tool said; see SeveritySource.
	Severity Severity `json:"severity"`
	// SeveritySource says where Severity came from, for example
	// "sarif:security-severity", "sarif:level", "trivy:Severity", "cvss:3.1".
	// It is empty only when Severity is unknown.
	SeveritySource string `json:"severity_source,omitempty"`
	// Confidence is the tool's own confidence or precision, when it gives
	// one (for example "high", "medium", "low"), lowercased.
	Confidence string `json:"confidence,omitempty"`
	// CVSS holds every CVSS vector or score the record carried.
	CVSS []CVSS `json:"cvss,omitempty"`
	// VulnerabilityIDs holds the vulnerability identifiers: the primary one
	// first (as the tool reported it), aliases after, without duplicates.
	VulnerabilityIDs []string `json:"vulnerability_ids,omitempty"`
	// CWEs holds weakness identifiers in the form "CWE-79", sorted by number,
	// without duplicates.
	CWEs []string `json:"cwes,omitempty"`
	// Package is the affected package, for dependency and container
	// findings.
	Package *Package `json:"package,omitempty"`
	// Location is the primary location of the record.
	Location Location `json:"location"`
	// RelatedLocations holds the record's other locations.
	RelatedLocations []Location `json:"related_locations,omitempty"`
	// Fingerprints holds the tool's own stable identifiers of the record,
	// keyed by fingerprint name (SARIF partialFingerprints and fingerprints,
	// gitleaks "Fingerprint", and so on).
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
	// SecretHash is the hex SHA-256 of the secret a secret scanner matched,
	// when the tool reported it unredacted. The secret itself is never kept.
	SecretHash string `json:"secret_hash,omitempty"`
	// Suppressions holds the suppressions the tool recorded (SARIF
	// suppressions, Trivy's ignored findings, npm audit exceptions...).
	Suppressions []Suppression `json:"suppressions,omitempty"`
	// VEX is the exploitability analysis carried with the record itself (a
	// CycloneDX vulnerability's analysis, Trivy's VEX-filtered entries).
	// Statements from separate VEX documents are [VEXStatement]s instead.
	VEX *VEXAnalysis `json:"vex,omitempty"`
	// BaselineState is the SARIF baselineState the tool reported, if any:
	// new, unchanged, updated or absent.
	BaselineState string `json:"baseline_state,omitempty"`
	// Reachability records whether the vulnerable code is reachable, when
	// the tool analysed it (govulncheck). Empty means not analysed.
	Reachability Reachability `json:"reachability,omitempty"`
	// References holds advisory and documentation URLs, without duplicates.
	References []string `json:"references,omitempty"`
	// Published and Modified are the advisory's dates, RFC 3339, when known.
	Published string `json:"published,omitempty"`
	Modified  string `json:"modified,omitempty"`
	// Source says which document and record the finding was read from.
	Source Source `json:"source"`
	// Properties keeps tool-specific data that has no field above, as the
	// tool wrote it (SARIF property bags, EPSS values, layer data...).
	Properties map[string]any `json:"properties,omitempty"`
}

// Tool identifies the scanner that produced a record.
type Tool struct {
	// Name is the tool's name as it reports it ("CodeQL", "Trivy",
	// "gitleaks").
	Name string `json:"name"`
	// Version is the tool's version when the document records it.
	Version string `json:"version,omitempty"`
	// Vendor is the organization behind the tool, when recorded.
	Vendor string `json:"vendor,omitempty"`
}

// CVSS is one CVSS assessment attached to a record.
type CVSS struct {
	// Version is "2.0", "3.0", "3.1" or "4.0"; empty when only a score was
	// given without a recognizable vector.
	Version string `json:"version,omitempty"`
	// Vector is the vector string as given (e.g. "CVSS:3.1/AV:N/...").
	Vector string `json:"vector,omitempty"`
	// Score is the base score the source reported; nil when it gave none.
	Score *float64 `json:"score,omitempty"`
	// Source names who assessed it: "nvd", "ghsa", "redhat", the vendor...
	Source string `json:"source,omitempty"`
}

// Package is a software package a finding is about.
type Package struct {
	// Name is the package name in its ecosystem's spelling.
	Name string `json:"name,omitempty"`
	// Version is the installed version.
	Version string `json:"version,omitempty"`
	// Ecosystem is the package ecosystem or type ("npm", "Go", "deb",
	// "maven"...), as the tool named it.
	Ecosystem string `json:"ecosystem,omitempty"`
	// PURL is the package URL, when the tool gave one or it can be built
	// without guessing.
	PURL string `json:"purl,omitempty"`
	// FixedVersions lists versions that fix the finding, as reported.
	FixedVersions []string `json:"fixed_versions,omitempty"`
	// Scope is how the package is used: runtime, dev, test, optional.
	Scope Scope `json:"scope,omitempty"`
	// Relationship is direct or transitive, when the tool knows.
	Relationship Relationship `json:"relationship,omitempty"`
	// Paths holds the package's locations on disk or in the image (lock
	// files, jar paths), when the tool reports them.
	Paths []string `json:"paths,omitempty"`
	// Licenses holds license identifiers or names, when reported.
	Licenses []string `json:"licenses,omitempty"`
}

// Location is where a finding is. Source-code tools fill Path and Region,
// web scanners fill URL, Method and Parameter, container scanners fill Image
// and Layer.
type Location struct {
	// Path is the file path or URI as the tool reported it, with a SARIF
	// uriBaseId resolved against originalUriBaseIds where the document
	// defines it. It is data, kept verbatim: it may be absolute, climb out
	// of the scanned directory with "..", be a file: or https: URI, or
	// hold backslashes, percent-escapes or a NUL. Nothing in aspm opens it;
	// use [Location.LocalPath] before joining it to a directory.
	Path string `json:"path,omitempty"`
	// URIBaseID is the SARIF uriBaseId the path was relative to.
	URIBaseID string `json:"uri_base_id,omitempty"`
	// Region is the position within the file.
	Region *Region `json:"region,omitempty"`
	// SnippetHash is the hex SHA-256 of the region's snippet text with
	// leading and trailing white space of each line removed, so that a
	// re-indented line keeps its hash. Empty when the tool gave no snippet.
	SnippetHash string `json:"snippet_hash,omitempty"`
	// LogicalLocation is the fully qualified name of the enclosing function,
	// class or module, when the tool gives one.
	LogicalLocation string `json:"logical_location,omitempty"`
	// URL, Method and Parameter locate a DAST finding.
	URL       string `json:"url,omitempty"`
	Method    string `json:"method,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	// Image is the container image reference or digest; Layer the layer
	// digest or diff ID.
	Image string `json:"image,omitempty"`
	Layer string `json:"layer,omitempty"`
	// Target is the scan target the tool grouped the record under (a Trivy
	// target, a Grype source), when that is not already Path or Image.
	Target string `json:"target,omitempty"`
}

// IsZero reports whether l holds no location information.
func (l Location) IsZero() bool {
	return l.Path == "" && l.URIBaseID == "" && l.Region == nil && l.SnippetHash == "" &&
		l.LogicalLocation == "" && l.URL == "" && l.Method == "" && l.Parameter == "" &&
		l.Image == "" && l.Layer == "" && l.Target == ""
}

// Region is a position in a text file. Lines and columns are 1-based; zero
// means unknown.
type Region struct {
	StartLine   int `json:"start_line,omitempty"`
	StartColumn int `json:"start_column,omitempty"`
	EndLine     int `json:"end_line,omitempty"`
	EndColumn   int `json:"end_column,omitempty"`
}

// Suppression is a tool-recorded decision to hide a record.
type Suppression struct {
	// Kind is "in_source" (a comment in the code) or "external" (a
	// baseline, an ignore file, a triage system).
	Kind string `json:"kind"`
	// Status is "accepted", "under_review" or "rejected" (SARIF's values);
	// empty means accepted.
	Status string `json:"status,omitempty"`
	// Justification is the reason given.
	Justification string `json:"justification,omitempty"`
}

// Source records where a finding was read from.
type Source struct {
	// File is the name of the input, as given in [DecodeOptions.Name].
	File string `json:"file,omitempty"`
	// Format is the decoder that read it ("sarif", "trivy", ...).
	Format string `json:"format"`
	// Record is the 0-based position of the record among the findings of
	// the document, in document order.
	Record int `json:"record"`
}

// Suppressed reports whether the finding carries a suppression that is not
// rejected, or a VEX analysis that says it does not apply.
func (f *Finding) Suppressed() bool {
	for _, s := range f.Suppressions {
		if s.Status != "rejected" {
			return true
		}
	}
	return f.VEX != nil && (f.VEX.Status == VEXNotAffected || f.VEX.Status == VEXFixed)
}
