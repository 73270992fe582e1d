package alert_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/kev"
)

func TestParseType(t *testing.T) {
	for _, typ := range alert.Types {
		got, err := alert.ParseType(string(typ))
		require.NoError(t, err)
		assert.Equal(t, typ, got)
	}
	for _, bad := range []string{"", "NEW_FINDING", "fixed", " reopened"} {
		_, err := alert.ParseType(bad)
		assert.ErrorIs(t, err, alert.ErrInvalid, "%q", bad)
	}
	var typ alert.Type
	require.NoError(t, json.Unmarshal([]byte(`"sla_breached"`), &typ))
	assert.Equal(t, alert.TypeSLABreached, typ)
	assert.ErrorIs(t, json.Unmarshal([]byte(`"nope"`), &typ), alert.ErrInvalid)
}

func TestEventValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*alert.Event)
		path   string // "" means valid
	}{
		{"valid", func(*alert.Event) {}, ""},
		{"no priority, no severity", func(e *alert.Event) { e.Priority, e.Severity = "", "" }, ""},
		{"unknown type", func(e *alert.Event) { e.Type = "fixed" }, "type"},
		{"empty type", func(e *alert.Event) { e.Type = "" }, "type"},
		{"zero time", func(e *alert.Event) { e.At = time.Time{} }, "at"},
		{"bad severity", func(e *alert.Event) { e.Severity = "HIGH" }, "severity"},
		{"bad priority", func(e *alert.Event) { e.Priority = "P0" }, "priority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ev("r", "f", 0, risk.P1)
			tt.modify(&e)
			err := e.Validate()
			if tt.path == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, alert.ErrInvalid)
			var ie *alert.InputError
			require.True(t, errors.As(err, &ie))
			assert.Equal(t, tt.path, ie.Path)
			assert.Equal(t, int64(-1), ie.Offset)
			assert.True(t, strings.HasPrefix(err.Error(), "alert: "+tt.path+": invalid input: "), err.Error())
		})
	}
}

func TestFromFinding(t *testing.T) {
	f := findings.Finding{ID: "abc", RuleID: "CVE-2021-44228", Title: "log4j RCE", Severity: findings.SeverityCritical,
		VulnerabilityIDs: []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"}}
	local := time.FixedZone("CET", 3600)
	e := alert.FromFinding(alert.TypeReopened, &f, time.Date(2025, 3, 1, 13, 0, 0, 0, local))
	assert.Equal(t, alert.Event{Type: alert.TypeReopened, At: t0, FindingID: "abc", RuleID: "CVE-2021-44228",
		Title: "log4j RCE", Severity: findings.SeverityCritical, VulnerabilityIDs: f.VulnerabilityIDs}, e)
	e.VulnerabilityIDs[0] = "changed"
	assert.Equal(t, "CVE-2021-44228", f.VulnerabilityIDs[0], "the event must not share the finding's slice")
}

const kevCSV = `cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes
CVE-2021-44228,Apache,Log4j2,Apache Log4j2 Remote Code Execution Vulnerability,2021-12-10,JNDI,Apply updates,2021-12-24,Known,,CWE-20
`

func TestKEVListed(t *testing.T) {
	c, err := kev.ReadCSV(strings.NewReader(kevCSV), kev.Options{Name: "kev.csv"})
	require.NoError(t, err)
	listed := findings.Finding{ID: "f1", RuleID: "GHSA-jfh8-c2jp-5v3q", VulnerabilityIDs: []string{"GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"}}
	e, ok := alert.KEVListed(&listed, c, t0)
	require.True(t, ok)
	assert.Equal(t, alert.TypeKEVListed, e.Type)
	assert.Equal(t, map[string]string{"kev_cve": "CVE-2021-44228", "kev_date_added": "2021-12-10",
		"kev_due_date": "2021-12-24", "kev_ransomware": "true"}, e.Details)
	require.NoError(t, e.Validate())

	for name, f := range map[string]findings.Finding{
		"not listed":  {ID: "f2", VulnerabilityIDs: []string{"CVE-2020-0001"}},
		"no vuln IDs": {ID: "f3", RuleID: "CVE-2021-44228"},
	} {
		_, ok := alert.KEVListed(&f, c, t0)
		assert.False(t, ok, name)
	}
	_, ok = alert.KEVListed(&listed, nil, t0)
	assert.False(t, ok, "nil catalog")
}

// TestKEVListedRealCatalog raises events against CISA's real catalog and
// checks them against the catalog's own JSON.
func TestKEVListedRealCatalog(t *testing.T) {
	data := testcorpus.ReadData(t, "kev/known_exploited_vulnerabilities.json")
	c, err := kev.Read(bytes.NewReader(data), kev.Options{Name: "known_exploited_vulnerabilities.json"})
	require.NoError(t, err)
	var raw struct {
		Vulnerabilities []struct {
			CVE        string `json:"cveID"`
			DateAdded  string `json:"dateAdded"`
			DueDate    string `json:"dueDate"`
			Ransomware string `json:"knownRansomwareCampaignUse"`
		} `json:"vulnerabilities"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	require.NotEmpty(t, raw.Vulnerabilities)
	b, err := alert.NewBatcher(alert.BatcherOptions{MaxPending: len(raw.Vulnerabilities)})
	require.NoError(t, err)
	for _, v := range raw.Vulnerabilities {
		f := findings.Finding{ID: "f-" + v.CVE, RuleID: v.CVE, VulnerabilityIDs: []string{strings.ToLower(v.CVE)}}
		e, ok := alert.KEVListed(&f, c, t0)
		require.True(t, ok, v.CVE)
		assert.Equal(t, v.CVE, e.Details["kev_cve"])
		assert.Equal(t, v.DateAdded, e.Details["kev_date_added"])
		assert.Equal(t, v.DueDate, e.Details["kev_due_date"])
		assert.Equal(t, v.Ransomware == "Known", e.Details["kev_ransomware"] == "true", v.CVE)
		require.NoError(t, b.Add(e))
	}
	ds := b.Flush(at(alert.DefaultWindow))
	assert.Len(t, ds, len(raw.Vulnerabilities), "one digest per rule")
}
