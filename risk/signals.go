package risk

import (
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk/cvss"
	"github.com/aspmkit/aspm/risk/ssvc"
)

// Exposure says how far an asset is reachable by an attacker. The empty
// value means unknown.
type Exposure string

// The exposures, from most to least exposed.
const (
	ExposureUnknown  Exposure = ""
	ExposureInternet Exposure = "internet" // reachable from the internet
	ExposureInternal Exposure = "internal" // reachable from the organization's network only
	ExposureIsolated Exposure = "isolated" // not reachable over a network (air-gapped, local only)
)

// Rank orders exposures from least to most exposed: isolated 1, internal
// 2, internet 3; unknown and invalid values 0.
func (e Exposure) Rank() int {
	switch e {
	case ExposureIsolated:
		return 1
	case ExposureInternal:
		return 2
	case ExposureInternet:
		return 3
	}
	return 0
}

// Environment is the kind of deployment an asset runs in. The empty value
// means unknown.
type Environment string

// The environments.
const (
	EnvironmentUnknown     Environment = ""
	EnvironmentProduction  Environment = "production"
	EnvironmentStaging     Environment = "staging"
	EnvironmentDevelopment Environment = "development"
	EnvironmentTest        Environment = "test"
)

// Rank orders environments from least to most production-like: test 1,
// development 2, staging 3, production 4; unknown and invalid values 0.
func (e Environment) Rank() int {
	switch e {
	case EnvironmentTest:
		return 1
	case EnvironmentDevelopment:
		return 2
	case EnvironmentStaging:
		return 3
	case EnvironmentProduction:
		return 4
	}
	return 0
}

// Criticality is how much the business depends on an asset. The empty
// value means unknown.
type Criticality string

// The criticalities, from most to least critical.
const (
	CriticalityUnknown  Criticality = ""
	CriticalityCritical Criticality = "critical"
	CriticalityHigh     Criticality = "high"
	CriticalityMedium   Criticality = "medium"
	CriticalityLow      Criticality = "low"
)

// Rank orders criticalities from low 1 to critical 4; unknown and invalid
// values 0.
func (c Criticality) Rank() int {
	switch c {
	case CriticalityLow:
		return 1
	case CriticalityMedium:
		return 2
	case CriticalityHigh:
		return 3
	case CriticalityCritical:
		return 4
	}
	return 0
}

// DataSensitivity is the most sensitive class of data an asset holds. The
// empty value means unknown.
type DataSensitivity string

// The data classes, from most to least sensitive.
const (
	DataUnknown      DataSensitivity = ""
	DataRestricted   DataSensitivity = "restricted"   // regulated or secret data: card data, health records, credentials
	DataConfidential DataSensitivity = "confidential" // personal or business-confidential data
	DataInternal     DataSensitivity = "internal"     // internal, low-harm data
	DataPublic       DataSensitivity = "public"       // nothing that is not public already
)

// Rank orders data classes from public 1 to restricted 4; unknown and
// invalid values 0.
func (d DataSensitivity) Rank() int {
	switch d {
	case DataPublic:
		return 1
	case DataInternal:
		return 2
	case DataConfidential:
		return 3
	case DataRestricted:
		return 4
	}
	return 0
}

// ExploitMaturity is what is known of exploits for a vulnerability, in the
// terms of CVSS v4.0's Exploit Maturity metric. The empty value means
// unknown.
type ExploitMaturity string

// The exploit maturities.
const (
	ExploitUnknown    ExploitMaturity = ""
	ExploitUnreported ExploitMaturity = "unreported" // no known proof of concept nor attack
	ExploitPoC        ExploitMaturity = "poc"        // a proof of concept is public
	ExploitAttacked   ExploitMaturity = "attacked"   // attacks have been reported
)

// Tristate is a yes/no answer that may be unknown. Its zero value is
// [Unknown].
type Tristate int8

// The tristate values.
const (
	Unknown Tristate = iota
	Yes
	No
)

// String returns "unknown", "yes" or "no".
func (t Tristate) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return "unknown"
}

// EPSS is a vulnerability's EPSS score: the probability that it is
// exploited in the next 30 days, and that probability's percentile among
// all scored vulnerabilities.
type EPSS struct {
	// Probability is in [0, 1].
	Probability float64 `json:"probability"`
	// Percentile is in [0, 1].
	Percentile float64 `json:"percentile"`
	// CVE is the identifier the score was found under.
	CVE string `json:"cve,omitempty"`
	// Version names the feed the score came from (see epss.Feed.Version),
	// or the tool that reported it.
	Version string `json:"version,omitempty"`
}

// KEV is what CISA's Known Exploited Vulnerabilities catalog says of a
// vulnerability. A non-nil KEV with Listed false means the catalog was
// consulted and does not list the vulnerability.
type KEV struct {
	// Listed reports whether the catalog lists the vulnerability.
	Listed bool `json:"listed"`
	// Ransomware reports whether CISA knows the vulnerability to be used in
	// ransomware campaigns.
	Ransomware bool `json:"ransomware,omitempty"`
	// CVE is the identifier the entry was found under.
	CVE string `json:"cve,omitempty"`
	// DateAdded and DueDate are the entry's dates, when listed.
	DateAdded time.Time `json:"date_added,omitzero"`
	DueDate   time.Time `json:"due_date,omitzero"`
	// Version names the catalog (see kev.Catalog.Version), or the tool that
	// reported the entry.
	Version string `json:"version,omitempty"`
}

// Signals is everything known about one finding that bears on its risk.
// Every field's zero value means "unknown", and the [Model] treats unknown
// explicitly (never as the lowest value); see [Model.Score].
//
// Signals is a plain value: build it by hand, or with [SignalsFrom] from a
// [findings.Finding].
type Signals struct {
	// CVSS is the vulnerability's CVSS vector, parsed; nil when unknown.
	// Its most specific score (environmental, then temporal, then base; the
	// v4.0 score) is the severity signal.
	CVSS *cvss.Vector
	// Severity is the tool's severity word, used when CVSS is nil.
	Severity findings.Severity
	// EPSS is the EPSS score; nil when unknown.
	EPSS *EPSS
	// KEV is the KEV catalog's entry; nil when no catalog was consulted.
	KEV *KEV
	// Exploit is what is known of exploits beyond KEV (a vendor advisory,
	// a threat feed, the CVSS exploit maturity metric).
	Exploit ExploitMaturity
	// Reachability says whether the vulnerable code is reachable from the
	// application; empty when not analysed.
	Reachability findings.Reachability
	// ReachabilityEvidence says why, for the explanation: a call path, the
	// tool that analysed it.
	ReachabilityEvidence string
	// VEX is the exploitability status a VEX statement gave; empty when none.
	VEX findings.VEXStatus
	// Exposure, Environment, Criticality and DataSensitivity describe the
	// asset the finding is on.
	Exposure        Exposure
	Environment     Environment
	Criticality     Criticality
	DataSensitivity DataSensitivity
	// Scope and Relationship describe the vulnerable dependency: runtime,
	// dev, test or optional; direct or transitive.
	Scope        findings.Scope
	Relationship findings.Relationship
	// FixAvailable says whether a fixed version or a patch exists.
	FixAvailable Tristate
	// FirstSeen is when the finding was first seen; zero when unknown. It
	// sets SLA due dates; it does not change the score.
	FirstSeen time.Time
	// CompensatingControls names controls in place that make exploitation
	// harder (a WAF rule, a network policy, a disabled feature).
	CompensatingControls []string
	// SSVC holds SSVC decision points known directly (from an analyst, a
	// vendor's CSAF, CISA's Vulnrichment). An empty field is derived from
	// the other signals.
	SSVC ssvc.CoordinatorInput
	// Deployer holds SSVC deployer decision points known directly; empty
	// fields are derived like those of SSVC.
	Deployer ssvc.DeployerInput
}
