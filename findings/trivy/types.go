package trivy

import "encoding/json"

// The types below mirror the parts of Trivy's JSON report that the decoder
// reads. Unknown fields are ignored; slices of pointers let the decoder tell
// a null element (an error) from an empty object.

type metadata struct {
	ImageID     string   `json:"ImageID"`
	RepoTags    []string `json:"RepoTags"`
	RepoDigests []string `json:"RepoDigests"`
	OS          *struct {
		Family string `json:"Family"`
		Name   string `json:"Name"`
	} `json:"OS"`
}

type toolInfo struct {
	Version string `json:"Version"`
}

// resource is one entry of a Kubernetes report (Resources, or the
// Vulnerabilities and Misconfigurations arrays of older k8s reports).
type resource struct {
	Namespace string    `json:"Namespace"`
	Kind      string    `json:"Kind"`
	Name      string    `json:"Name"`
	Metadata  *metadata `json:"Metadata"`
	Results   []*result `json:"Results"`
	Error     string    `json:"Error"`
}

type result struct {
	Target            string              `json:"Target"`
	Class             string              `json:"Class"`
	Type              string              `json:"Type"`
	Packages          []*pkg              `json:"Packages"`
	Vulnerabilities   []*vulnerability    `json:"Vulnerabilities"`
	Misconfigurations []*misconfiguration `json:"Misconfigurations"`
	Secrets           []*secret           `json:"Secrets"`
	Licenses          []*license          `json:"Licenses"`
	ModifiedFindings  []*modifiedFinding  `json:"ExperimentalModifiedFindings"`
}

type pkgIdentifier struct {
	PURL string `json:"PURL"`
	UID  string `json:"UID"`
}

type pkg struct {
	ID           string        `json:"ID"`
	Name         string        `json:"Name"`
	Version      string        `json:"Version"`
	Identifier   pkgIdentifier `json:"Identifier"`
	Relationship string        `json:"Relationship"`
	Indirect     bool          `json:"Indirect"`
	Dev          bool          `json:"Dev"`
	Licenses     []string      `json:"Licenses"`
	FilePath     string        `json:"FilePath"`
}

type layer struct {
	Digest string `json:"Digest"`
	DiffID string `json:"DiffID"`
}

type cvssEntry struct {
	V2Vector  string   `json:"V2Vector"`
	V3Vector  string   `json:"V3Vector"`
	V40Vector string   `json:"V40Vector"`
	V2Score   *float64 `json:"V2Score"`
	V3Score   *float64 `json:"V3Score"`
	V40Score  *float64 `json:"V40Score"`
}

type dataSource struct {
	ID   string `json:"ID"`
	Name string `json:"Name"`
	URL  string `json:"URL"`
}

type vulnerability struct {
	VulnerabilityID  string               `json:"VulnerabilityID"`
	VendorIDs        []string             `json:"VendorIDs"`
	PkgID            string               `json:"PkgID"`
	PkgName          string               `json:"PkgName"`
	PkgPath          string               `json:"PkgPath"`
	PkgIdentifier    *pkgIdentifier       `json:"PkgIdentifier"`
	InstalledVersion string               `json:"InstalledVersion"`
	FixedVersion     string               `json:"FixedVersion"`
	Status           string               `json:"Status"`
	Layer            *layer               `json:"Layer"`
	SeveritySource   string               `json:"SeveritySource"`
	PrimaryURL       string               `json:"PrimaryURL"`
	DataSource       *dataSource          `json:"DataSource"`
	Fingerprint      string               `json:"Fingerprint"`
	Title            string               `json:"Title"`
	Description      string               `json:"Description"`
	Severity         string               `json:"Severity"`
	CweIDs           []string             `json:"CweIDs"`
	VendorSeverity   map[string]int       `json:"VendorSeverity"`
	CVSS             map[string]cvssEntry `json:"CVSS"`
	References       []string             `json:"References"`
	PublishedDate    string               `json:"PublishedDate"`
	LastModifiedDate string               `json:"LastModifiedDate"`
}

type codeLine struct {
	Number  int    `json:"Number"`
	Content string `json:"Content"`
	IsCause bool   `json:"IsCause"`
}

type code struct {
	Lines []codeLine `json:"Lines"`
}

type occurrence struct {
	Resource string `json:"Resource"`
	Filename string `json:"Filename"`
	Location struct {
		StartLine int `json:"StartLine"`
		EndLine   int `json:"EndLine"`
	} `json:"Location"`
}

type causeMetadata struct {
	Resource    string       `json:"Resource"`
	Provider    string       `json:"Provider"`
	Service     string       `json:"Service"`
	StartLine   int          `json:"StartLine"`
	EndLine     int          `json:"EndLine"`
	Code        code         `json:"Code"`
	Occurrences []occurrence `json:"Occurrences"`
}

type misconfiguration struct {
	Type          string        `json:"Type"`
	ID            string        `json:"ID"`
	AVDID         string        `json:"AVDID"`
	Title         string        `json:"Title"`
	Description   string        `json:"Description"`
	Message       string        `json:"Message"`
	Namespace     string        `json:"Namespace"`
	Resolution    string        `json:"Resolution"`
	Severity      string        `json:"Severity"`
	PrimaryURL    string        `json:"PrimaryURL"`
	References    []string      `json:"References"`
	Status        string        `json:"Status"`
	Layer         *layer        `json:"Layer"`
	CauseMetadata causeMetadata `json:"CauseMetadata"`
}

type secret struct {
	RuleID    string `json:"RuleID"`
	Category  string `json:"Category"`
	Severity  string `json:"Severity"`
	Title     string `json:"Title"`
	StartLine int    `json:"StartLine"`
	EndLine   int    `json:"EndLine"`
	Code      code   `json:"Code"`
	Layer     *layer `json:"Layer"`
	// Match, the line holding the secret as Trivy masked it, is not read:
	// the decoder never keeps secret text.
}

type license struct {
	Severity   string   `json:"Severity"`
	Category   string   `json:"Category"`
	PkgName    string   `json:"PkgName"`
	FilePath   string   `json:"FilePath"`
	Name       string   `json:"Name"`
	Confidence *float64 `json:"Confidence"`
	Link       string   `json:"Link"`
	Layer      *layer   `json:"Layer"`
}

// modifiedFinding is an entry of ExperimentalModifiedFindings: a record
// that an ignore file or a VEX document took out of the main lists (written
// with --show-suppressed).
type modifiedFinding struct {
	Type      string          `json:"Type"`
	Status    string          `json:"Status"`
	Statement string          `json:"Statement"`
	Source    string          `json:"Source"`
	Finding   json.RawMessage `json:"Finding"`
}
