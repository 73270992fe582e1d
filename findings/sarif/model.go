package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// The run metadata (tool, rules, extensions, taxonomies) is decoded into
// go-sarif's types, and so are suppressions. A result is decoded into the
// lean structs below, the hot path of the package: they keep only what a
// Finding needs, hold values rather than pointers where absence and zero
// mean the same (each pointer is an allocation per result), decode
// properties in one pass (go-sarif's PropertyBag unmarshals every bag
// twice), and tell an absent index from 0 (SARIF's default index is -1,
// while go-sarif decodes an absent ruleIndex as 0, the first rule).

// result is one SARIF result (§3.27).
type result struct {
	RuleID              string                 `json:"ruleId"`
	RuleIndex           int                    `json:"ruleIndex"` // -1 when absent (newResult)
	Rule                *reference             `json:"rule"`
	Kind                string                 `json:"kind"`
	Level               string                 `json:"level"`
	Message             message                `json:"message"`
	AnalysisTarget      *artifactLocation      `json:"analysisTarget"`
	Locations           []location             `json:"locations"`
	RelatedLocations    []location             `json:"relatedLocations"`
	PartialFingerprints map[string]fingerprint `json:"partialFingerprints"`
	Fingerprints        map[string]fingerprint `json:"fingerprints"`
	Suppressions        []*gosarif.Suppression `json:"suppressions"`
	BaselineState       string                 `json:"baselineState"`
	Taxa                []*reference           `json:"taxa"`
	WebRequest          *webRequest            `json:"webRequest"`
	Properties          map[string]any         `json:"properties"`
}

// newResult returns an empty result whose ruleIndex is SARIF's default,
// -1, so that an absent ruleIndex is not taken for 0.
func newResult() *result { return &result{RuleIndex: -1} }

// message is a message (§3.11).
type message struct {
	Text      string   `json:"text"`
	Markdown  string   `json:"markdown"`
	ID        string   `json:"id"`
	Arguments []string `json:"arguments"`
}

// reference is a reportingDescriptorReference (§3.52).
type reference struct {
	ID            *string       `json:"id"`
	Index         *int          `json:"index"`
	GUID          *string       `json:"guid"`
	ToolComponent *componentRef `json:"toolComponent"`
}

// componentRef is a toolComponentReference (§3.54).
type componentRef struct {
	Name  *string `json:"name"`
	Index *int    `json:"index"`
	GUID  *string `json:"guid"`
}

// location is a location (§3.28).
type location struct {
	PhysicalLocation physicalLocation  `json:"physicalLocation"`
	LogicalLocations []logicalLocation `json:"logicalLocations"`
}

// physicalLocation is a physicalLocation (§3.29).
type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           region           `json:"region"`
	ContextRegion    region           `json:"contextRegion"`
}

// artifactLocation is an artifactLocation (§3.4).
type artifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
	Index     *int   `json:"index"`
}

// region is a region (§3.30): the line and column fields, and the
// snippet.
type region struct {
	StartLine   int             `json:"startLine"`
	StartColumn int             `json:"startColumn"`
	EndLine     int             `json:"endLine"`
	EndColumn   int             `json:"endColumn"`
	Snippet     artifactContent `json:"snippet"`
}

// artifactContent is an artifactContent (§3.3); only its text is kept.
type artifactContent struct {
	Text string `json:"text"`
}

// logicalLocation is a logicalLocation (§3.33).
type logicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Index              *int   `json:"index"`
}

// artifact keeps the location of a run.artifacts entry (§3.24), for
// artifactLocations that give only an index.
type artifact struct {
	Location *artifactLocation `json:"location"`
}

// webRequest keeps what locates a DAST finding (§3.46).
type webRequest struct {
	Target string `json:"target"`
	Method string `json:"method"`
}

// fingerprint is a value of partialFingerprints or fingerprints. SARIF
// makes it a string; Black Duck writes {"value": "..."} objects, which are
// accepted for their value. Any other shape is an error.
type fingerprint string

var errFingerprint = errors.New("a fingerprint must be a string")

// UnmarshalJSON implements json.Unmarshaler.
func (f *fingerprint) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) >= 2 && b[0] == '"':
		// The fast path keeps the bytes as they are: only when they need
		// neither unescaping nor replacing (invalid UTF-8 becomes U+FFFD,
		// as encoding/json does everywhere else).
		if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b[1:len(b)-1]) {
			*f = fingerprint(b[1 : len(b)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = fingerprint(s)
		return nil
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '{':
		var v struct {
			Value *string `json:"value"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if v.Value == nil {
			return errFingerprint
		}
		*f = fingerprint(*v.Value)
		return nil
	}
	return errFingerprint
}

// skipValue consumes any JSON value without keeping it.
type skipValue struct{}

// UnmarshalJSON implements json.Unmarshaler.
func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// skipper is the target of values decoded only to be validated.
var skipper skipValue

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
