package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
)

const accessNow = "--now=2026-06-01T00:00:00Z"

func TestAccessFindings(t *testing.T) {
	goat := testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml")
	bootstrap := testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-bootstrappolicy/cluster-roles.yaml")
	code, out, errOut := runCLI(t, "", "access", accessNow, goat, bootstrap)
	require.Equal(t, exitOK, code, errOut)
	var admins []string
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var f struct {
			RuleID   string `json:"rule_id"`
			Severity string
			Location struct {
				LogicalLocation string `json:"logical_location"`
			}
		}
		require.NoError(t, json.Unmarshal([]byte(line), &f), line)
		if f.RuleID == "ACCESS-ADMIN" {
			admins = append(admins, f.Location.LogicalLocation+" "+f.Severity)
		}
	}
	assert.Equal(t, []string{"kubernetes:service_account:kube-system/superadmin critical"}, admins,
		"kubernetes-goat binds its superadmin service account to cluster-admin")

	// A gate on severity.
	code, _, _ = runCLI(t, "", "access", accessNow, "--fail-on=critical", goat, bootstrap)
	assert.Equal(t, exitGate, code)
}

func TestAccessSummary(t *testing.T) {
	export := testcorpus.Path(t, "access/aws-iam/cloudsplaining/examples_files_example.json")
	code, out, errOut := runCLI(t, "", "access", "--summary", accessNow, export)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "principals")
	for _, rule := range []string{"ACCESS-ADMIN", "ACCESS-ESCALATION", "ACCESS-STALE", "all"} {
		assert.Contains(t, out, rule)
	}
}

func TestAccessBadInput(t *testing.T) {
	tf := testcorpus.Path(t, "access/aws-iam/iam-vulnerable-terraform/privesc1-CreateNewPolicyVersion.tf")
	goat := testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml")
	code, out, errOut := runCLI(t, "", "access", accessNow, tf, goat)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "privesc1-CreateNewPolicyVersion.tf")
	assert.Contains(t, out, "ACCESS-ADMIN", "the readable file is still analyzed")
	code, _, errOut = runCLI(t, "", "access", "--only=ACCESS-NOPE", goat)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "unknown analyzer")
}

func TestDecide(t *testing.T) {
	dir := "../../access/decide/testdata"
	code, out, errOut := runCLI(t, "", "decide", filepath.Join(dir, "minimal.json"))
	require.Contains(t, []int{exitOK, exitGate}, code, errOut)
	var dec struct {
		Outcome string  `json:"outcome"`
		Risk    float64 `json:"risk"`
		Reasons []struct {
			Rule string `json:"rule"`
		} `json:"reasons"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &dec))
	assert.Equal(t, "allow", dec.Outcome)
	assert.Equal(t, exitOK, code)

	code, out, errOut = runCLI(t, "", "decide", filepath.Join(dir, "impossible-travel.json"))
	assert.Equal(t, exitGate, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &dec))
	assert.NotEqual(t, "allow", dec.Outcome)
	rules := []string{}
	for _, r := range dec.Reasons {
		rules = append(rules, r.Rule)
	}
	assert.Contains(t, rules, "impossible_travel")

	// A policy that calls http.send is refused, naming the builtin.
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "exfil.rego"), []byte("package aspm.access.decide\n\nimport rego.v1\n\nreasons contains {\"rule\": \"x\", \"message\": \"x\", \"risk\": 1} if http.send({\"method\": \"get\", \"url\": \"http://example.com\"})\n"), 0o644))
	code, _, errOut = runCLI(t, "", "decide", "--policy", bad, filepath.Join(dir, "minimal.json"))
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "http.send")

	code, _, errOut = runCLI(t, "", "decide", filepath.Join(dir, "invalid", "unknown-field.json"))
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "unknown-field.json")
}

func TestAccessUsage(t *testing.T) {
	export := testcorpus.Path(t, "access/aws-iam/cloudsplaining/test_files_example-authz-details.json")
	usage := filepath.Join(t.TempDir(), "usage.json")
	require.NoError(t, os.WriteFile(usage, []byte(`{"since": "2025-06-01T00:00:00Z", "usage": [
		{"principal": "aws:user:obama", "action": "s3:GetObject", "last_used": "2026-05-01T00:00:00Z"}]}`), 0o644))
	code, out, errOut := runCLI(t, "", "access", accessNow, "--only=ACCESS-UNUSED", "--usage", usage, export)
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, out, `"logical_location":"aws:user:obama"`, "obama used his AdministratorAccess")
	assert.Contains(t, out, "ACCESS-UNUSED")

	require.NoError(t, os.WriteFile(usage, []byte(`{"usage": [{"principal": "p"}]}`), 0o644))
	code, _, errOut = runCLI(t, "", "access", accessNow, "--usage", usage, export)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "/usage/0/action: missing")
}

// TestAccessDomain: with the organization's domain, a GCP owner of another
// domain is an outside administrator.
func TestAccessDomain(t *testing.T) {
	cai := testcorpus.Path(t, "access/gcp-iam/policy-library-cai/iam_allowed_bindings.cai-assets.json")
	code, out, errOut := runCLI(t, "", "access", accessNow, "--only=ACCESS-EXTERNAL-ADMIN", cai)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, strings.TrimSpace(out), "without a domain nobody is known to be outside")
	code, out, errOut = runCLI(t, "", "access", accessNow, "--only=ACCESS-EXTERNAL-ADMIN", "--domain=google.com", cai)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "evil@notgoogle.com")
}
