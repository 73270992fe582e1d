package grype

import (
	"encoding/json"
	"fmt"
)

// The types below mirror the parts of Grype's JSON document that the
// decoder reads, in the current layout and the layout of Grype before 0.20
// (cvssV2/cvssV3, links, fixedInVersion, a single matchDetails object).
// Unknown fields are ignored.

type descriptor struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type source struct {
	Type   string          `json:"type"`
	Target json.RawMessage `json:"target"`
}

// imageTarget is the target of an image source.
type imageTarget struct {
	UserInput   string   `json:"userInput"`
	ImageID     string   `json:"imageID"`
	RepoDigests []string `json:"repoDigests"`
	Tags        []string `json:"tags"`
	Path        string   `json:"path"`
}

type match struct {
	Vulnerability          *vulnerability   `json:"vulnerability"`
	RelatedVulnerabilities []*vulnerability `json:"relatedVulnerabilities"`
	MatchDetails           matchDetails     `json:"matchDetails"`
	Artifact               *artifact        `json:"artifact"`
	AppliedIgnoreRules     []*ignoreRule    `json:"appliedIgnoreRules"`
}

type cvss struct {
	Source  string `json:"source"`
	Type    string `json:"type"`
	Version string `json:"version"`
	Vector  string `json:"vector"`
	Metrics struct {
		BaseScore *float64 `json:"baseScore"`
	} `json:"metrics"`
}

// oldCVSS is the cvssV2 / cvssV3 object of Grype before 0.20.
type oldCVSS struct {
	BaseScore *float64 `json:"baseScore"`
	Vector    string   `json:"vector"`
}

type epss struct {
	CVE        string   `json:"cve"`
	EPSS       *float64 `json:"epss"`
	Percentile *float64 `json:"percentile"`
	Date       string   `json:"date"`
}

type kev struct {
	CVE                        string `json:"cve"`
	KnownRansomwareCampaignUse string `json:"knownRansomwareCampaignUse"`
	DateAdded                  string `json:"dateAdded"`
	DueDate                    string `json:"dueDate"`
}

type fix struct {
	Versions []string `json:"versions"`
	State    string   `json:"state"`
}

type advisory struct {
	ID   string `json:"id"`
	Link string `json:"link"`
}

type vulnerability struct {
	ID             string     `json:"id"`
	DataSource     string     `json:"dataSource"`
	Namespace      string     `json:"namespace"`
	Severity       string     `json:"severity"`
	URLs           []string   `json:"urls"`
	Links          []string   `json:"links"`
	Description    string     `json:"description"`
	CVSS           []*cvss    `json:"cvss"`
	CVSSV2         *oldCVSS   `json:"cvssV2"`
	CVSSV3         *oldCVSS   `json:"cvssV3"`
	EPSS           []*epss    `json:"epss"`
	KnownExploited []*kev     `json:"knownExploited"`
	Fix            *fix       `json:"fix"`
	FixedInVersion string     `json:"fixedInVersion"`
	Advisories     []advisory `json:"advisories"`
	Risk           *float64   `json:"risk"`
}

type matchDetail struct {
	Type    string `json:"type"`
	Matcher string `json:"matcher"`
}

// matchDetails is an array of details, or the single object of old Grype.
type matchDetails []matchDetail

func (m *matchDetails) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one matchDetail
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*m = matchDetails{one}
		return nil
	}
	var many []matchDetail
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*m = many
	return nil
}

type location struct {
	Path    string `json:"path"`
	LayerID string `json:"layerID"`
}

type upstream struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// licenseName is a license string, or an object with a value (as Syft
// writes licenses in some versions).
type licenseName string

func (l *licenseName) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Value          string `json:"value"`
			SPDXExpression string `json:"spdxExpression"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*l = licenseName(o.SPDXExpression)
		if o.SPDXExpression == "" {
			*l = licenseName(o.Value)
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("license: want a string or an object: %w", err)
	}
	*l = licenseName(s)
	return nil
}

type artifact struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Version   string        `json:"version"`
	Type      string        `json:"type"`
	Language  string        `json:"language"`
	Locations []location    `json:"locations"`
	Licenses  []licenseName `json:"licenses"`
	PURL      string        `json:"purl"`
	Upstreams []upstream    `json:"upstreams"`
}

// ignoreRule is an entry of an ignored match's appliedIgnoreRules.
type ignoreRule struct {
	Vulnerability    string `json:"vulnerability"`
	Reason           string `json:"reason"`
	Namespace        string `json:"namespace"`
	FixState         string `json:"fix-state"`
	VEXStatus        string `json:"vex-status"`
	VEXJustification string `json:"vex-justification"`
	MatchType        string `json:"match-type"`
	Package          *struct {
		Name     string `json:"name"`
		Version  string `json:"version"`
		Type     string `json:"type"`
		Location string `json:"location"`
	} `json:"package"`
}
