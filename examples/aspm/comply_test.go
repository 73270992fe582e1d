package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

const demoPosture = "../../testdata/compliance/demo-posture.json"

func TestComplyBuildsThePostureAndGates(t *testing.T) {
	args := append([]string{"comply", acmeCatalog}, demoScans(t)...)
	code, out, errOut := runCLI(t, "", args...)
	require.Equal(t, exitGate, code, errOut)
	assert.Contains(t, errOut, "gate failed")
	assert.Contains(t, errOut, "ASPM-SEC-01", "the demo app has a hard-coded secret")
	for _, want := range []string{"CONTROL", "ASPM-VM-01", "FRAMEWORK", "pci-dss-4", "iso27001", "gate failed"} {
		assert.Contains(t, out, want)
	}

	code, out, errOut = runCLI(t, "", append([]string{"comply", "--json"}, args[1:]...)...)
	require.Equal(t, exitGate, code, errOut)
	var r compliance.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.NotEmpty(t, r.Controls)
	sec, ok := r.Control("ASPM-SEC-01")
	require.True(t, ok)
	assert.Equal(t, compliance.StatusFail, sec.Status)
	assert.NotEmpty(t, sec.Evidence, "a failure names its evidence")
	assert.False(t, r.Gate.Passed)
}

func TestComplyReadyPosture(t *testing.T) {
	code, out, errOut := runCLI(t, "", "comply", "--posture", demoPosture, "--framework", "pci-dss-4", "--json")
	require.Contains(t, []int{exitOK, exitGate}, code, errOut)
	var r compliance.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Len(t, r.Frameworks, 1)
	assert.Equal(t, "pci-dss-4", r.Frameworks[0].Name)
	for _, c := range r.Controls {
		mapped := false
		for _, m := range c.Mappings {
			mapped = mapped || m.Framework == "pci-dss-4"
		}
		assert.True(t, mapped, "%s is not mapped to PCI DSS", c.ID)
	}

	code, out, errOut = runCLI(t, "", "comply", "--posture", demoPosture, "--oscal")
	require.Contains(t, []int{exitOK, exitGate}, code, errOut)
	var oscal map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &oscal))
	assert.Contains(t, oscal, "assessment-results")
}

func TestComplyCustomPolicies(t *testing.T) {
	dir := t.TempDir()
	// A custom control behaves like a built-in one.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(`# METADATA
# title: Every finding has a title
# custom:
#   id: ACME-01
#   gate: true
#   frameworks:
#     soc2: ["CC7.1"]
package aspm.controls.acme_titles

import rego.v1

violations contains {"msg": sprintf("finding %s has no title", [f.id]), "evidence": [f.id]} if {
	some f in input.findings
	f.title == ""
}
`), 0o600))
	code, out, errOut := runCLI(t, "", "comply", "--policy", dir, "--posture", demoPosture, "--json")
	require.Contains(t, []int{exitOK, exitGate}, code, errOut)
	var r compliance.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	c, ok := r.Control("ACME-01")
	require.True(t, ok)
	assert.Equal(t, compliance.StatusPass, c.Status)
	assert.True(t, c.Gate)

	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "exfil.rego"), []byte(`# METADATA
# title: Phones home
# custom:
#   id: EVIL-01
package aspm.controls.evil

import rego.v1

violations contains v if {
	resp := http.send({"method": "GET", "url": "https://example.com"})
	v := {"msg": resp.body, "evidence": []}
}
`), 0o600))
	code, _, errOut = runCLI(t, "", "comply", "--policy", bad, "--posture", demoPosture)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "http.send")
}

func TestComplyErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"comply"}, "give --posture FILE or INPUT files"},
		{[]string{"comply", "--posture", demoPosture, acmeCatalog}, "exclude each other"},
		{[]string{"comply", "--posture", demoPosture, "--framework", "nist-csf"}, "nist-csf"},
		{[]string{"comply", "--posture", "missing.json"}, "missing.json"},
		{[]string{"comply", "--posture", acmeCatalog}, "aspm comply"},
		{[]string{"comply", "../../README.md"}, "README.md"},
	} {
		code, _, errOut := runCLI(t, "", tc.args...)
		assert.Equal(t, exitBadInput, code, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}
}

// TestComplyAccessSources: RBAC and IAM exports among the inputs go
// through the least-privilege analyzers, and the least-privilege control
// judges their findings.
func TestComplyAccessSources(t *testing.T) {
	goat := testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml")
	policy := testcorpus.Path(t, "access/aws-iam/cloudgoat/iam_privesc_by_rollback_v5.json")
	args := append([]string{"comply", "--json", acmeCatalog, goat, policy}, demoScans(t)...)
	code, out, errOut := runCLI(t, "", args...)
	require.Equal(t, exitGate, code, errOut)
	var r compliance.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	lp, ok := r.Control("ASPM-IAM-01")
	require.True(t, ok)
	assert.Equal(t, compliance.StatusFail, lp.Status)
	assert.Contains(t, lp.Message, "kube-system/superadmin is an administrator")

	// Bad access input is bad input, named.
	tf := testcorpus.Path(t, "access/aws-iam/iam-vulnerable-terraform/privesc4-CreateAccessKey.tf")
	code, _, errOut = runCLI(t, "", "comply", acmeCatalog, tf)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "privesc4-CreateAccessKey.tf")
}
