package compliance_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/internal/golden"
)

var oscStart = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func oscWrite(t *testing.T, rep *compliance.Report, opts compliance.OSCALOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, compliance.WriteOSCAL(&buf, rep, opts))
	return buf.Bytes()
}

// oscUUID is OSCAL's UUID pattern (versions 4 and 5 only).
var oscUUID = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$`)

// oscToken is OSCAL's token pattern (control ids, prop names).
var oscToken = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)

func TestWriteOSCAL(t *testing.T) {
	rep := repFixture(t)
	opts := compliance.OSCALOptions{Start: oscStart, End: oscStart.Add(1500 * time.Millisecond)}
	out := oscWrite(t, rep, opts)
	golden.Assert(t, filepath.Join("testdata", "report.oscal.json"), out)
	assert.Equal(t, string(out), string(oscWrite(t, rep, opts)), "deterministic")

	var doc struct {
		AR struct {
			UUID     string `json:"uuid"`
			Metadata struct {
				Title, Version string
				LastModified   string `json:"last-modified"`
				OSCALVersion   string `json:"oscal-version"`
			} `json:"metadata"`
			ImportAP struct {
				Href string `json:"href"`
			} `json:"import-ap"`
			Results []struct {
				UUID             string `json:"uuid"`
				Start, End       string
				ReviewedControls struct {
					ControlSelections []struct {
						IncludeControls []struct {
							ControlID string `json:"control-id"`
						} `json:"include-controls"`
					} `json:"control-selections"`
				} `json:"reviewed-controls"`
				Observations []struct {
					UUID             string   `json:"uuid"`
					Description      string   `json:"description"`
					Methods          []string `json:"methods"`
					Collected        string   `json:"collected"`
					RelevantEvidence []struct {
						Description string `json:"description"`
					} `json:"relevant-evidence"`
				} `json:"observations"`
				Findings []struct {
					UUID   string `json:"uuid"`
					Title  string `json:"title"`
					Target struct {
						Type     string `json:"type"`
						TargetID string `json:"target-id"`
						Status   struct {
							State, Reason string
						} `json:"status"`
					} `json:"target"`
					Props []struct {
						Name, NS, Class, Value string
					} `json:"props"`
					RelatedObservations []struct {
						ObservationUUID string `json:"observation-uuid"`
					} `json:"related-observations"`
				} `json:"findings"`
			} `json:"results"`
			BackMatter struct {
				Resources []struct {
					UUID string `json:"uuid"`
				} `json:"resources"`
			} `json:"back-matter"`
		} `json:"assessment-results"`
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	ar := doc.AR
	assert.Equal(t, compliance.OSCALVersion, ar.Metadata.OSCALVersion)
	assert.Equal(t, "2025-06-01T00:00:00Z", ar.Metadata.LastModified)
	require.Len(t, ar.BackMatter.Resources, 1)
	assert.Equal(t, "#"+ar.BackMatter.Resources[0].UUID, ar.ImportAP.Href)
	require.Len(t, ar.Results, 1)
	res := ar.Results[0]
	assert.Equal(t, "2025-06-01T00:00:00Z", res.Start)
	assert.Equal(t, "2025-06-01T00:00:01.5Z", res.End)

	uuids := map[string]bool{ar.UUID: true, res.UUID: true, ar.BackMatter.Resources[0].UUID: true}
	obs := map[string]bool{}
	for _, o := range res.Observations {
		uuids[o.UUID] = true
		obs[o.UUID] = true
		assert.Equal(t, []string{"TEST"}, o.Methods)
		assert.NotEmpty(t, o.Description)
		assert.Equal(t, "2025-06-01T00:00:00Z", o.Collected)
	}
	require.Len(t, res.Observations, 3)
	require.Len(t, res.Findings, 3)
	states := map[string]string{}
	for _, f := range res.Findings {
		uuids[f.UUID] = true
		assert.Equal(t, "objective-id", f.Target.Type)
		assert.Regexp(t, oscToken, f.Target.TargetID)
		states[f.Target.TargetID] = f.Target.Status.State + "/" + f.Target.Status.Reason
		require.Len(t, f.RelatedObservations, 1)
		assert.True(t, obs[f.RelatedObservations[0].ObservationUUID], "finding points to an observation")
		for _, p := range f.Props {
			assert.Regexp(t, oscToken, p.Name)
			assert.Equal(t, compliance.OSCALNamespace, p.NS)
			assert.NotEmpty(t, p.Value)
		}
	}
	assert.Equal(t, map[string]string{
		"TEST-COV-01": "satisfied/pass", "TEST-SEC-01": "not-satisfied/fail", "TEST-VM-01": "not-satisfied/fail",
	}, states)
	assert.Len(t, uuids, 3+3+3, "all UUIDs distinct")
	for u := range uuids {
		assert.Regexp(t, oscUUID, u)
	}
	var ids []string
	for _, c := range res.ReviewedControls.ControlSelections[0].IncludeControls {
		ids = append(ids, c.ControlID)
	}
	assert.Equal(t, []string{"TEST-COV-01", "TEST-SEC-01", "TEST-VM-01"}, ids)

	// Other times or another report: other UUIDs.
	other := oscWrite(t, rep, compliance.OSCALOptions{Start: oscStart.Add(time.Hour)})
	var od struct {
		AR struct {
			UUID string `json:"uuid"`
		} `json:"assessment-results"`
	}
	require.NoError(t, json.Unmarshal(other, &od))
	assert.NotEqual(t, ar.UUID, od.AR.UUID)

	// A given plan replaces the back-matter placeholder.
	withPlan := oscWrite(t, rep, compliance.OSCALOptions{Start: oscStart, AssessmentPlan: "plans/ap.json", Title: "T", Version: "2"})
	assert.Contains(t, string(withPlan), `"href": "plans/ap.json"`)
	assert.NotContains(t, string(withPlan), "back-matter")
}

func TestWriteOSCALStatuses(t *testing.T) {
	rep := &compliance.Report{Version: compliance.ReportVersion, Controls: []compliance.Result{
		{ID: "E-1", Title: "erring", Status: compliance.StatusError, Message: "boom"},
		{ID: "N-1", Title: "n/a", Status: compliance.StatusNotApplicable},
	}}
	out := string(oscWrite(t, rep, compliance.OSCALOptions{Start: oscStart}))
	assert.Contains(t, out, `"state": "not-satisfied"`)
	assert.Contains(t, out, `"reason": "other"`)
	assert.Equal(t, 1, bytes.Count([]byte(out), []byte(`"target-id"`)), "no finding for a not-applicable control")
	assert.Equal(t, 2, bytes.Count([]byte(out), []byte(`"collected"`)), "an observation for each control")

	empty := string(oscWrite(t, &compliance.Report{Version: compliance.ReportVersion}, compliance.OSCALOptions{Start: oscStart}))
	assert.Contains(t, empty, `"include-all": {}`)
	assert.NotContains(t, empty, `"observations"`)
}

func TestWriteOSCALErrors(t *testing.T) {
	var buf bytes.Buffer
	assert.ErrorIs(t, compliance.WriteOSCAL(&buf, nil, compliance.OSCALOptions{Start: oscStart}), compliance.ErrOSCAL)
	assert.ErrorIs(t, compliance.WriteOSCAL(&buf, repFixture(t), compliance.OSCALOptions{}), compliance.ErrOSCAL)
	assert.Zero(t, buf.Len())
}
