package compliance_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
)

func repFixture(t testing.TB) *compliance.Report {
	t.Helper()
	e := engNew(t, compliance.Options{})
	rep, err := e.Evaluate(context.Background(), engPostureMap(t))
	require.NoError(t, err)
	return rep
}

func TestReportRoundTrip(t *testing.T) {
	for name, rep := range map[string]*compliance.Report{
		"fixture": repFixture(t),
		"empty": func() *compliance.Report {
			e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true})
			require.NoError(t, err)
			r, err := e.Evaluate(context.Background(), map[string]any{})
			require.NoError(t, err)
			return r
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			first := engJSON(t, rep)
			back, err := compliance.ReadReport(bytes.NewReader(first))
			require.NoError(t, err)
			assert.Equal(t, rep, back)
			assert.Equal(t, string(first), string(engJSON(t, back)))
		})
	}
	// The golden report reads back.
	f, err := os.Open("testdata/report.golden.json")
	require.NoError(t, err)
	defer f.Close()
	_, err = compliance.ReadReport(f)
	require.NoError(t, err)
}

func TestReadReportErrors(t *testing.T) {
	good := string(engJSON(t, repFixture(t)))
	tests := []struct {
		name   string
		doc    string
		field  string
		offset bool
	}{
		{"empty", "", "", true},
		{"syntax", `{"version": `, "", true},
		{"not an object", `[]`, "", true},
		{"wrong type", strings.Replace(good, `"total": 3`, `"total": "3"`, 1), "summary.total", true},
		{"unknown field", strings.Replace(good, `"version":`, `"extra": 1, "version":`, 1), "extra", true},
		{"trailing data", good + "{}", "", true},
		{"version", strings.Replace(good, compliance.ReportVersion, "aspm-compliance-report/9", 1), "version", false},
		{"status", strings.Replace(good, `"status": "pass"`, `"status": "passed"`, 1), "controls[0].status", false},
		{"summary", strings.Replace(good, `"passed": 1`, `"passed": 2`, 1), "summary", false},
		{"gate", strings.Replace(good, `"passed": false`, `"passed": true`, 1), "gate", false},
		{"duplicate id", strings.Replace(good, `"id": "TEST-SEC-01"`, `"id": "TEST-COV-01"`, 1), "controls[1].id", false},
		{"bad id", strings.Replace(good, `"id": "TEST-SEC-01"`, `"id": "-x"`, 1), "controls[1].id", false},
		{"severity", strings.Replace(good, `"severity": "medium"`, `"severity": "meh"`, 1), "controls[0].severity", false},
		{"fail without violations", strings.Replace(good, `"status": "pass"`, `"status": "fail"`, 1), "controls[0].violations", false},
		{"framework counts", strings.Replace(good, `"requirements": 2`, `"requirements": 3`, 1), "frameworks[2]", false},
		{"mapping framework", strings.Replace(good, `"framework": "iso27001"`, `"framework": "nope"`, 1), "controls[0].mappings[0]", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, good, tc.doc, "the edit applies")
			_, err := compliance.ReadReport(strings.NewReader(tc.doc))
			require.Error(t, err)
			assert.ErrorIs(t, err, compliance.ErrReport)
			var re *compliance.ReportError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.field, re.Field, re.Error())
			if tc.offset {
				assert.GreaterOrEqual(t, re.Offset, int64(0), re.Error())
			} else {
				assert.Equal(t, int64(-1), re.Offset)
			}
		})
	}
}

func TestReportFrameworks(t *testing.T) {
	rep := repFixture(t)
	names := []string{}
	for _, f := range rep.Frameworks {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"asvs", "iso27001", "pci-dss-4", "soc2", "ssdf"}, names)

	pci := rep.Frameworks[2]
	assert.Equal(t, compliance.FrameworkResult{
		Name: "pci-dss-4", Title: "Payment Card Industry Data Security Standard", Version: "4.0",
		Requirements: 2, Covered: 2, Passed: 1, Failed: 1, PassRate: 0.5,
		Results: []compliance.RequirementResult{
			{ID: "6.3.3", Status: compliance.StatusFail, Controls: []string{"TEST-VM-01"}},
			{ID: "11.3.1", Status: compliance.StatusPass, Controls: []string{"TEST-COV-01"}},
		},
	}, pci)

	iso := rep.Frameworks[1]
	assert.Equal(t, 3, iso.Requirements)
	assert.Equal(t, []compliance.RequirementResult{
		{ID: "A.8.8", Status: compliance.StatusFail, Controls: []string{"TEST-COV-01", "TEST-VM-01"}},
		{ID: "A.8.28", Status: compliance.StatusFail, Controls: []string{"TEST-SEC-01"}},
		{ID: "A.8.29", Status: compliance.StatusPass, Controls: []string{"TEST-COV-01"}},
	}, iso.Results)
	assert.InDelta(t, 0.3333, iso.PassRate, 1e-9)

	// Not applicable requirements are not covered.
	e := engNew(t, compliance.Options{})
	p := engPostureMap(t)
	p["findings"] = []any{}
	p["assets"] = []any{}
	rep, err := e.Evaluate(context.Background(), p)
	require.NoError(t, err)
	for _, f := range rep.Frameworks {
		if f.Name == "pci-dss-4" {
			assert.Equal(t, 2, f.Requirements)
			assert.Equal(t, 0, f.Covered)
			assert.Zero(t, f.PassRate)
			assert.Equal(t, compliance.StatusNotApplicable, f.Results[0].Status)
		}
	}
}

func TestReportForFramework(t *testing.T) {
	rep := repFixture(t)
	sub, err := rep.ForFramework(compliance.FrameworkASVS)
	require.NoError(t, err)
	require.Len(t, sub.Controls, 1)
	assert.Equal(t, "TEST-SEC-01", sub.Controls[0].ID)
	assert.Equal(t, compliance.Gate{Passed: false, Failed: []string{"TEST-SEC-01"}}, sub.Gate)
	assert.Equal(t, compliance.Summary{Total: 1, Failed: 1}, sub.Summary)
	require.Len(t, sub.Frameworks, 1)
	assert.Equal(t, "asvs", sub.Frameworks[0].Name)

	sub, err = rep.ForFramework(compliance.FrameworkSSDF)
	require.NoError(t, err)
	assert.Len(t, sub.Controls, 2)

	// A known framework no control maps to: an empty, passing report.
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true})
	require.NoError(t, err)
	empty, err := e.Evaluate(context.Background(), map[string]any{})
	require.NoError(t, err)
	sub, err = empty.ForFramework(compliance.FrameworkSOC2)
	require.NoError(t, err)
	assert.True(t, sub.Gate.Passed)
	assert.Empty(t, sub.Frameworks)

	_, err = rep.ForFramework("pci-dss")
	assert.ErrorIs(t, err, compliance.ErrFramework)
	assert.ErrorContains(t, err, "pci-dss-4")
	// The original is untouched.
	assert.Len(t, rep.Controls, 3)
}

func TestFrameworksList(t *testing.T) {
	fws := compliance.Frameworks()
	names := []string{}
	for _, f := range fws {
		names = append(names, f.Name)
		assert.NotEmpty(t, f.Title)
		assert.NotEmpty(t, f.Version)
		assert.NotEmpty(t, f.RequirementPattern)
	}
	assert.Equal(t, []string{"asvs", "iso27001", "pci-dss-4", "soc2", "ssdf"}, names)
	fws[0].Name = "changed"
	assert.Equal(t, "asvs", compliance.Frameworks()[0].Name, "a copy")
}
