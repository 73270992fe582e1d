package compliance

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// OSCALVersion is the NIST OSCAL version of the documents [WriteOSCAL]
// writes.
const OSCALVersion = "1.1.2"

// OSCALNamespace is the namespace of the properties aspm adds to OSCAL
// documents (control status, framework requirements, gate).
const OSCALNamespace = "https://github.com/aspmkit/aspm/ns/oscal"

// ErrOSCAL: the options given to [WriteOSCAL] are invalid.
var ErrOSCAL = errors.New("compliance: invalid OSCAL options")

// OSCALOptions configure [WriteOSCAL]. Start is required: the writer never
// reads the clock. A plain value, safe for concurrent use.
type OSCALOptions struct {
	// Title is the document's title; default "aspm compliance assessment".
	Title string
	// Version is the document's own version; default "1".
	Version string
	// Start is when the assessment ran (the posture's time is a good
	// choice). Required.
	Start time.Time
	// End is when it finished; omitted when zero.
	End time.Time
	// LastModified is the document's last-modified time; default Start.
	LastModified time.Time
	// AssessmentPlan is the href of the assessment plan the results
	// import (import-ap). When empty, import-ap points to a back-matter
	// resource saying that the controls come from aspm's catalog rather
	// than from a separate plan.
	AssessmentPlan string
}

// WriteOSCAL writes report as a NIST OSCAL 1.1.2 assessment-results
// document in JSON: one result holding an observation per control (its
// status, message and evidence) and a finding per applicable control
// (satisfied when it passed, not-satisfied when it failed or erred),
// targeting the control by id, with its framework mappings as properties.
//
// UUIDs are version 5 (SHA-1, name-based) derived from the report's
// content and the options, so the same report and options give the same
// bytes; times come from opts only.
func WriteOSCAL(w io.Writer, report *Report, opts OSCALOptions) error {
	if report == nil {
		return fmt.Errorf("%w: nil report", ErrOSCAL)
	}
	if opts.Start.IsZero() {
		return fmt.Errorf("%w: Start is required", ErrOSCAL)
	}
	if opts.Title == "" {
		opts.Title = "aspm compliance assessment"
	}
	if opts.Version == "" {
		opts.Version = "1"
	}
	if opts.LastModified.IsZero() {
		opts.LastModified = opts.Start
	}
	var content bytes.Buffer
	if err := report.WriteJSON(&content); err != nil {
		return err
	}
	digest := sha256.Sum256(content.Bytes())
	seed := strings.Join([]string{
		hex.EncodeToString(digest[:]), opts.Title, opts.Version, oscalTime(opts.Start), oscalTime(opts.End),
		oscalTime(opts.LastModified), opts.AssessmentPlan,
	}, "\x00")
	docUUID := uuid5(oscalUUIDNamespace, "assessment-results\x00"+seed)
	resultUUID := uuid5(docUUID, "result").String()

	gate := "passed"
	if !report.Gate.Passed {
		gate = "failed"
	}
	res := oscalResult{
		UUID:  resultUUID,
		Title: "aspm control results",
		Description: fmt.Sprintf("%d controls evaluated by aspm against a posture document: %d passed, %d failed, %d not applicable, %d errors.",
			report.Summary.Total, report.Summary.Passed, report.Summary.Failed, report.Summary.NotApplicable, report.Summary.Errors),
		Start: oscalTime(opts.Start),
		End:   oscalTime(opts.End),
		Props: []oscalProp{{Name: "gate", NS: OSCALNamespace, Value: gate}},
		ReviewedControls: oscalReviewed{ControlSelections: []oscalSelection{{
			Description:     "The controls of the aspm catalog that were evaluated.",
			IncludeControls: []oscalControlRef{},
		}}},
		Observations: []oscalObservation{},
		Findings:     []oscalFinding{},
	}
	if len(report.Controls) == 0 {
		res.ReviewedControls.ControlSelections[0].IncludeControls = nil
		res.ReviewedControls.ControlSelections[0].IncludeAll = &struct{}{}
	}
	for _, c := range report.Controls {
		res.ReviewedControls.ControlSelections[0].IncludeControls = append(
			res.ReviewedControls.ControlSelections[0].IncludeControls, oscalControlRef{ControlID: c.ID})
		obsUUID := uuid5(docUUID, "observation\x00"+c.ID).String()
		obs := oscalObservation{
			UUID:        obsUUID,
			Title:       c.ID + ": " + c.Title,
			Description: c.Message,
			Props: []oscalProp{
				{Name: "control-id", NS: OSCALNamespace, Value: c.ID},
				{Name: "status", NS: OSCALNamespace, Value: string(c.Status)},
			},
			Methods:   []string{"TEST"},
			Collected: oscalTime(opts.Start),
		}
		if obs.Description == "" {
			obs.Description = string(c.Status)
		}
		for _, v := range c.Violations {
			obs.Props = append(obs.Props, oscalProp{Name: "violation", NS: OSCALNamespace, Value: oscalValue(v.Msg)})
		}
		for _, ev := range c.Evidence {
			obs.RelevantEvidence = append(obs.RelevantEvidence, oscalEvidence{Description: ev})
		}
		res.Observations = append(res.Observations, obs)

		if c.Status == StatusNotApplicable {
			continue
		}
		state, reason := "satisfied", "pass"
		switch c.Status {
		case StatusFail:
			state, reason = "not-satisfied", "fail"
		case StatusError:
			state, reason = "not-satisfied", "other"
		}
		f := oscalFinding{
			UUID:        uuid5(docUUID, "finding\x00"+c.ID).String(),
			Title:       c.Title,
			Description: c.Message,
			Props: []oscalProp{
				{Name: "gate", NS: OSCALNamespace, Value: fmt.Sprint(c.Gate)},
			},
			Target: oscalTarget{
				Type:     "objective-id",
				TargetID: c.ID,
				Status:   oscalStatus{State: state, Reason: reason},
			},
			RelatedObservations: []oscalRelated{{ObservationUUID: obsUUID}},
		}
		if f.Title == "" {
			f.Title = c.ID
		}
		if f.Description == "" {
			f.Description = string(c.Status)
		}
		if c.Severity != "" {
			f.Props = append(f.Props, oscalProp{Name: "severity", NS: OSCALNamespace, Value: c.Severity})
		}
		for _, m := range c.Mappings {
			f.Props = append(f.Props, oscalProp{Name: "requirement", NS: OSCALNamespace, Class: m.Framework, Value: m.Requirement})
		}
		res.Findings = append(res.Findings, f)
	}
	if len(res.Observations) == 0 {
		res.Observations = nil
	}
	if len(res.Findings) == 0 {
		res.Findings = nil
	}
	doc := oscalDocument{AssessmentResults: oscalAssessmentResults{
		UUID: docUUID.String(),
		Metadata: oscalMetadata{
			Title:        opts.Title,
			LastModified: oscalTime(opts.LastModified),
			Version:      opts.Version,
			OSCALVersion: OSCALVersion,
			Props:        []oscalProp{{Name: "report-version", NS: OSCALNamespace, Value: report.Version}},
		},
		ImportAP: oscalImportAP{Href: opts.AssessmentPlan},
		Results:  []oscalResult{res},
	}}
	if opts.AssessmentPlan == "" {
		plan := uuid5(docUUID, "assessment-plan").String()
		doc.AssessmentResults.ImportAP.Href = "#" + plan
		doc.AssessmentResults.BackMatter = &oscalBackMatter{Resources: []oscalResource{{
			UUID:        plan,
			Title:       "aspm control catalog",
			Description: "No separate assessment plan: the reviewed controls are those of the aspm control catalog (built-in and custom Rego controls), evaluated automatically against a posture document.",
		}}}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// oscalTime formats t as OSCAL's date-time-with-timezone, in UTC; "" for
// the zero time.
func oscalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// oscalValue makes s a valid OSCAL prop value: a non-empty string with no
// leading or trailing whitespace.
func oscalValue(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return s
}

// uuid is a UUID's 16 bytes.
type uuid [16]byte

// uuid5 returns the version 5 (SHA-1, name-based) UUID of name in
// namespace ns, as RFC 9562 defines it.
func uuid5(ns uuid, name string) uuid {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u uuid
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (u uuid) String() string {
	x := hex.EncodeToString(u[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// oscalUUIDNamespace is the UUID v5 of OSCALNamespace in the RFC 9562 URL
// namespace (6ba7b811-9dad-11d1-80b4-00c04fd430c8).
var oscalUUIDNamespace = uuid5(uuid{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, OSCALNamespace)

type oscalDocument struct {
	AssessmentResults oscalAssessmentResults `json:"assessment-results"`
}

type oscalAssessmentResults struct {
	UUID       string           `json:"uuid"`
	Metadata   oscalMetadata    `json:"metadata"`
	ImportAP   oscalImportAP    `json:"import-ap"`
	Results    []oscalResult    `json:"results"`
	BackMatter *oscalBackMatter `json:"back-matter,omitempty"`
}

type oscalBackMatter struct {
	Resources []oscalResource `json:"resources"`
}

type oscalResource struct {
	UUID        string `json:"uuid"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

type oscalMetadata struct {
	Title        string      `json:"title"`
	LastModified string      `json:"last-modified"`
	Version      string      `json:"version"`
	OSCALVersion string      `json:"oscal-version"`
	Props        []oscalProp `json:"props,omitempty"`
}

type oscalImportAP struct {
	Href string `json:"href"`
}

type oscalProp struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Class string `json:"class,omitempty"`
	Value string `json:"value"`
}

type oscalResult struct {
	UUID             string             `json:"uuid"`
	Title            string             `json:"title"`
	Description      string             `json:"description"`
	Start            string             `json:"start"`
	End              string             `json:"end,omitempty"`
	Props            []oscalProp        `json:"props,omitempty"`
	ReviewedControls oscalReviewed      `json:"reviewed-controls"`
	Observations     []oscalObservation `json:"observations,omitempty"`
	Findings         []oscalFinding     `json:"findings,omitempty"`
}

type oscalReviewed struct {
	ControlSelections []oscalSelection `json:"control-selections"`
}

type oscalSelection struct {
	Description     string            `json:"description,omitempty"`
	IncludeAll      *struct{}         `json:"include-all,omitempty"`
	IncludeControls []oscalControlRef `json:"include-controls,omitempty"`
}

type oscalControlRef struct {
	ControlID string `json:"control-id"`
}

type oscalObservation struct {
	UUID             string          `json:"uuid"`
	Title            string          `json:"title,omitempty"`
	Description      string          `json:"description"`
	Props            []oscalProp     `json:"props,omitempty"`
	Methods          []string        `json:"methods"`
	RelevantEvidence []oscalEvidence `json:"relevant-evidence,omitempty"`
	Collected        string          `json:"collected"`
}

type oscalEvidence struct {
	Description string `json:"description"`
}

type oscalFinding struct {
	UUID                string         `json:"uuid"`
	Title               string         `json:"title"`
	Description         string         `json:"description"`
	Props               []oscalProp    `json:"props,omitempty"`
	Target              oscalTarget    `json:"target"`
	RelatedObservations []oscalRelated `json:"related-observations,omitempty"`
}

type oscalTarget struct {
	Type     string      `json:"type"`
	TargetID string      `json:"target-id"`
	Status   oscalStatus `json:"status"`
}

type oscalStatus struct {
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

type oscalRelated struct {
	ObservationUUID string `json:"observation-uuid"`
}
