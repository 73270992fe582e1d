package findings

// VEXStatus is the status of a product with respect to a vulnerability, in
// OpenVEX vocabulary (which CSAF and CycloneDX analyses map onto).
type VEXStatus string

// The VEX statuses.
const (
	VEXNotAffected        VEXStatus = "not_affected"
	VEXAffected           VEXStatus = "affected"
	VEXFixed              VEXStatus = "fixed"
	VEXUnderInvestigation VEXStatus = "under_investigation"
)

// VEXStatusFromCycloneDX maps a CycloneDX analysis state (resolved,
// resolved_with_pedigree, exploitable, in_triage, false_positive,
// not_affected) to a VEXStatus. It reports false for an unknown state.
func VEXStatusFromCycloneDX(state string) (VEXStatus, bool) {
	switch state {
	case "resolved", "resolved_with_pedigree":
		return VEXFixed, true
	case "exploitable":
		return VEXAffected, true
	case "in_triage":
		return VEXUnderInvestigation, true
	case "false_positive", "not_affected":
		return VEXNotAffected, true
	}
	return "", false
}

// VEXAnalysis is an exploitability assessment: what a VEX statement or a
// CycloneDX vulnerability analysis says.
type VEXAnalysis struct {
	// Status is the normalized status.
	Status VEXStatus `json:"status"`
	// State is the state as the document wrote it, when it differs from
	// Status (a CycloneDX "false_positive", a CSAF "known_not_affected").
	State string `json:"state,omitempty"`
	// Justification is the machine-readable reason for not_affected, as
	// written: OpenVEX (vulnerable_code_not_present...), CycloneDX
	// (code_not_reachable...) or CSAF flag labels.
	Justification string `json:"justification,omitempty"`
	// ImpactStatement is the free-text explanation (OpenVEX
	// impact_statement, CycloneDX analysis.detail, CSAF threats of category
	// impact).
	ImpactStatement string `json:"impact_statement,omitempty"`
	// ActionStatement says what to do for affected products (OpenVEX
	// action_statement, CSAF remediation details).
	ActionStatement string `json:"action_statement,omitempty"`
	// Response lists CycloneDX responses (update, workaround_available...).
	Response []string `json:"response,omitempty"`
}

// VEXStatement says how one vulnerability affects a set of products. The
// correlate package applies statements to findings.
type VEXStatement struct {
	// VulnerabilityID is the vulnerability's primary ID; Aliases the others.
	VulnerabilityID string   `json:"vulnerability_id"`
	Aliases         []string `json:"aliases,omitempty"`
	// Products identifies what the statement is about: package URLs where
	// the document gives them, else the document's product identifiers
	// (CycloneDX bom-refs, CSAF product IDs, image references).
	Products []string `json:"products,omitempty"`
	// Subcomponents narrows the statement to components inside the
	// products (OpenVEX subcomponents).
	Subcomponents []string `json:"subcomponents,omitempty"`
	VEXAnalysis
	// Timestamp is when the statement was made, RFC 3339, when known.
	Timestamp string `json:"timestamp,omitempty"`
	// Document is the identifier of the VEX document (OpenVEX @id,
	// CycloneDX serialNumber, CSAF tracking ID); Author its author.
	Document string `json:"document,omitempty"`
	Author   string `json:"author,omitempty"`
	// Source records where the statement was read from.
	Source Source `json:"source"`
}
