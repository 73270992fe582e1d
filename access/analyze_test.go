package access_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/findings"
)

var anNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func allow(actions, resources []string) access.Permission {
	return access.Permission{Effect: access.Allow, Actions: actions, Resources: resources}
}

func k8sSA(ns, name string) access.Principal {
	return access.Principal{ID: "kubernetes:service_account:" + ns + "/" + name, System: access.SystemKubernetes,
		Kind: access.KindServiceAccount, Name: ns + "/" + name, Human: access.No}
}

func k8sRole(name string, perms ...access.Permission) access.Role {
	return access.Role{ID: "kubernetes:role:clusterrole/" + name, System: access.SystemKubernetes, Name: name, Kind: "ClusterRole", Permissions: perms}
}

func bind(id, principal, role string, scope access.Scope) access.Binding {
	return access.Binding{ID: id, Principal: principal, Role: role, Scope: scope, Source: access.Source{File: "rbac.yaml", Line: 7}}
}

var cluster = access.Scope{Kind: "cluster"}

// anK8s: an app service account that can create pods in its namespace,
// where the deployer service account is cluster-admin; a user who may
// impersonate service accounts; a read-only exporter.
func anK8s() *access.Model {
	return &access.Model{
		Principals: []access.Principal{
			k8sSA("shop", "app"), k8sSA("shop", "deployer"), k8sSA("monitoring", "exporter"),
			{ID: "kubernetes:user:alice", System: access.SystemKubernetes, Kind: access.KindUser, Name: "alice", Human: access.Yes},
			{ID: "kubernetes:group:system:authenticated", System: access.SystemKubernetes, Kind: access.KindGroup, Name: "system:authenticated"},
		},
		Roles: []access.Role{
			k8sRole("cluster-admin", allow([]string{"*"}, []string{"*/*"}), allow([]string{"*"}, []string{"nonresource:*"})),
			k8sRole("pod-maker", allow([]string{"create", "get"}, []string{"/pods"})),
			k8sRole("impersonator", allow([]string{"impersonate"}, []string{"/serviceaccounts"})),
			k8sRole("reader", allow([]string{"get", "list", "watch"}, []string{"/pods", "/nodes"})),
			k8sRole("secret-writer", allow([]string{"*"}, []string{"/secrets"})),
		},
		Bindings: []access.Binding{
			bind("b-deployer", "kubernetes:service_account:shop/deployer", "kubernetes:role:clusterrole/cluster-admin", cluster),
			bind("b-app", "kubernetes:service_account:shop/app", "kubernetes:role:clusterrole/pod-maker", access.Scope{Kind: "namespace", Name: "shop"}),
			bind("b-alice", "kubernetes:user:alice", "kubernetes:role:clusterrole/impersonator", cluster),
			bind("b-exporter", "kubernetes:service_account:monitoring/exporter", "kubernetes:role:clusterrole/reader", cluster),
			bind("b-auth", "kubernetes:group:system:authenticated", "kubernetes:role:clusterrole/secret-writer", cluster),
			bind("b-ghost", "kubernetes:service_account:shop/ghost", "kubernetes:role:clusterrole/missing", access.Scope{Kind: "namespace", Name: "shop"}),
		},
	}
}

func byRule(fs []findings.Finding) map[string][]findings.Finding {
	out := map[string][]findings.Finding{}
	for _, f := range fs {
		out[f.RuleID] = append(out[f.RuleID], f)
	}
	return out
}

func subjects(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Location.LogicalLocation)
	}
	return out
}

func TestAnalyzeKubernetes(t *testing.T) {
	fs, err := access.Analyze(anK8s(), access.Options{})
	require.NoError(t, err)
	got := byRule(fs)
	for _, f := range fs {
		assert.Equal(t, findings.KindAccess, f.Kind)
		assert.Equal(t, access.ToolName, f.Tool.Name)
		assert.NotEmpty(t, f.ID)
		assert.NotEmpty(t, f.Fingerprints["aspm-access/v1"])
	}

	require.Len(t, got[access.RuleAdmin], 1)
	admin := got[access.RuleAdmin][0]
	assert.Equal(t, "kubernetes:service_account:shop/deployer", admin.Location.LogicalLocation)
	assert.Equal(t, findings.SeverityCritical, admin.Severity, "a workload identity that is admin")
	assert.Equal(t, "rbac.yaml", admin.Location.Path)
	assert.Equal(t, 7, admin.Location.Region.StartLine)

	// app creates pods in shop, where deployer runs: one step to an
	// administrator. alice impersonates deployer directly. Every
	// authenticated user may read secrets, deployer's token among them.
	esc := got[access.RuleEscalation]
	assert.ElementsMatch(t, []string{"kubernetes:service_account:shop/app", "kubernetes:user:alice", "kubernetes:group:system:authenticated"}, subjects(esc))
	for _, f := range esc {
		path, ok := f.Properties["path"].([]map[string]any)
		require.True(t, ok)
		require.Len(t, path, 1)
		assert.Equal(t, "kubernetes:service_account:shop/deployer", path[0]["to"])
		switch f.Location.LogicalLocation {
		case "kubernetes:service_account:shop/app":
			assert.Equal(t, "create-pods", path[0]["technique"])
			assert.Equal(t, findings.SeverityCritical, f.Severity)
		case "kubernetes:group:system:authenticated":
			assert.Equal(t, "read-secrets", path[0]["technique"])
			assert.Equal(t, findings.SeverityCritical, f.Severity)
		case "kubernetes:user:alice":
			assert.Equal(t, "impersonate-service_account", path[0]["technique"])
			assert.Contains(t, f.Description, "1. user alice → service_account shop/deployer by impersonate-service_account")
		}
	}

	assert.Equal(t, []string{"kubernetes:group:system:authenticated"}, subjects(got[access.RuleBroadGrant]))
	assert.Equal(t, []string{"kubernetes:role:clusterrole/secret-writer"}, subjects(got[access.RuleWildcard]),
		"verbs * on secrets; the reader's and the pod maker's rules are explicit")
	assert.Equal(t, []string{"kubernetes:service_account:shop/ghost"}, subjects(got[access.RuleDangling]))
	assert.Contains(t, got[access.RuleDangling][0].Title, "role kubernetes:role:clusterrole/missing, which does not exist")
	assert.Empty(t, got[access.RuleStale], "no Now, no staleness")
}

// anAWS: bob can pass any role to EC2 (the admin role among them); carol
// can publish policy versions; dave assumes a role that can pass roles;
// erin is denied what her policy allows.
func anAWS() *access.Model {
	user := func(name string, mfa access.Tri, lastActive time.Time) access.Principal {
		return access.Principal{ID: "aws:user:" + name, System: access.SystemAWS, Kind: access.KindUser, Name: "arn:aws:iam::123456789012:user/" + name,
			Human: access.Yes, MFA: mfa, LastActive: lastActive, Created: anNow.AddDate(-2, 0, 0)}
	}
	role := func(name string, trust ...string) access.Principal {
		return access.Principal{ID: "aws:role:" + name, System: access.SystemAWS, Kind: access.KindRole, Name: "arn:aws:iam::123456789012:role/" + name,
			Human: access.No, AssumableBy: trust, Created: anNow.AddDate(-1, 0, 0)}
	}
	policy := func(name string, perms ...access.Permission) access.Role {
		return access.Role{ID: "aws:policy:" + name, System: access.SystemAWS, Name: name, Kind: "ManagedPolicy", Permissions: perms}
	}
	acct := access.Scope{Kind: "account", Name: "123456789012"}
	return &access.Model{
		Principals: []access.Principal{
			user("bob", access.Yes, anNow.AddDate(0, 0, -1)), user("carol", access.No, anNow.AddDate(0, 0, -200)),
			user("dave", access.Yes, anNow.AddDate(0, 0, -3)), user("erin", access.Unknown, time.Time{}),
			role("admin-role", "service:ec2.amazonaws.com"), role("builder", "arn:aws:iam::123456789012:user/dave"),
		},
		Roles: []access.Role{
			policy("AdministratorAccess", allow([]string{"*"}, []string{"*"})),
			policy("pass-to-ec2", allow([]string{"iam:PassRole"}, []string{"arn:aws:iam::123456789012:role/*"}), allow([]string{"ec2:RunInstances"}, []string{"*"})),
			policy("policy-versions", allow([]string{"iam:CreatePolicyVersion"}, []string{"*"})),
			policy("assume-builder", allow([]string{"sts:AssumeRole"}, []string{"arn:aws:iam::123456789012:role/builder"})),
			policy("denied-versions", allow([]string{"iam:CreatePolicyVersion"}, []string{"*"}), access.Permission{Effect: access.Deny, Actions: []string{"iam:Create*"}, Resources: []string{"*"}}),
			policy("audit-off", allow([]string{"cloudtrail:StopLogging", "iam:AttachUserPolicy"}, []string{"*"})),
		},
		Bindings: []access.Binding{
			bind("b-admin-role", "aws:role:admin-role", "aws:policy:AdministratorAccess", acct),
			bind("b-bob", "aws:user:bob", "aws:policy:pass-to-ec2", acct),
			bind("b-carol", "aws:user:carol", "aws:policy:policy-versions", acct),
			bind("b-dave", "aws:user:dave", "aws:policy:assume-builder", acct),
			bind("b-builder", "aws:role:builder", "aws:policy:pass-to-ec2", acct),
			bind("b-erin", "aws:user:erin", "aws:policy:denied-versions", acct),
			bind("b-erin-audit", "aws:user:erin", "aws:policy:audit-off", acct),
		},
	}
}

func TestAnalyzeAWS(t *testing.T) {
	fs, err := access.Analyze(anAWS(), access.Options{Now: anNow})
	require.NoError(t, err)
	got := byRule(fs)
	paths := map[string][]string{}
	for _, f := range got[access.RuleEscalation] {
		var steps []string
		for _, s := range f.Properties["path"].([]map[string]any) {
			steps = append(steps, fmt.Sprint(s["technique"], ">", s["to"]))
		}
		paths[f.Location.LogicalLocation] = steps
	}
	assert.Equal(t, map[string][]string{
		"aws:user:bob":     {"iam:PassRole+ec2:RunInstances>aws:role:admin-role"},
		"aws:role:builder": {"iam:PassRole+ec2:RunInstances>aws:role:admin-role"},
		"aws:user:carol":   {"iam:CreatePolicyVersion>(administrator)"},
		"aws:user:dave":    {"sts:AssumeRole (trusted by name)>aws:role:builder", "iam:PassRole+ec2:RunInstances>aws:role:admin-role"},
		"aws:user:erin":    {"iam:AttachUserPolicy>(administrator)"},
	}, paths, "erin's CreatePolicyVersion is denied; AttachUserPolicy is not")

	assert.Equal(t, []string{"aws:user:carol"}, subjects(got[access.RuleNoMFA]))
	assert.Equal(t, []string{"aws:role:admin-role", "aws:role:builder", "aws:user:carol", "aws:user:erin"}, subjects(got[access.RuleStale]),
		"carol last active 200 days ago; erin and the two roles never, created a year or more ago")
	assert.Equal(t, []string{"aws:user:erin"}, subjects(got[access.RuleToxicPair]))
	assert.Contains(t, got[access.RuleToxicPair][0].Title, "grant-permissions-and-disable-audit")
	assert.Equal(t, []string{"aws:role:admin-role"}, subjects(got[access.RuleAdmin]))
}

func TestAnalyzeUnused(t *testing.T) {
	m := anAWS()
	m.UsageSince = anNow.AddDate(0, -6, 0)
	m.Usage = []access.Usage{
		{Principal: "aws:user:bob", Action: "ec2:RunInstances", LastUsed: anNow.AddDate(0, 0, -10)},
		{Principal: "aws:user:carol", Action: "iam:CreatePolicyVersion", LastUsed: anNow.AddDate(0, 0, -120)}, // too long ago
		{Principal: "aws:user:dave", Action: "sts:*", LastUsed: anNow.AddDate(0, 0, -1)},                      // a service-level record
	}
	fs, err := access.Analyze(m, access.Options{Now: anNow, Only: []string{access.RuleUnused}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"aws:user:carol", "aws:user:erin", "aws:user:erin", "aws:role:builder", "aws:role:admin-role"}, subjects(fs))

	// Usage recorded for less than UnusedAfter proves nothing.
	m.UsageSince = anNow.AddDate(0, 0, -30)
	fs, err = access.Analyze(m, access.Options{Now: anNow, Only: []string{access.RuleUnused}})
	require.NoError(t, err)
	assert.Empty(t, fs)
}

func TestAnalyzeOrgSettings(t *testing.T) {
	m := &access.Model{
		Accounts: []access.Account{{ID: "github:org:acme", System: access.SystemGitHub, Name: "acme", MFARequired: access.No, SSORequired: access.Yes}},
		Principals: []access.Principal{
			{ID: "github:user:octo", System: access.SystemGitHub, Kind: access.KindUser, Name: "octo", Human: access.Yes, External: true, MFA: access.Yes},
			{ID: "github:user:local", System: access.SystemGitHub, Kind: access.KindUser, Name: "local", Human: access.Yes, SSO: access.No},
			{ID: "github:user:bot", System: access.SystemGitHub, Kind: access.KindUser, Name: "bot", Human: access.No, MFA: access.No, SSO: access.No},
		},
		Roles: []access.Role{{ID: "github:role:repo/admin", System: access.SystemGitHub, Name: "admin", Kind: "RepositoryRole",
			Permissions: []access.Permission{allow([]string{"repo:admin"}, nil)}}},
		Bindings: []access.Binding{bind("b-octo", "github:user:octo", "github:role:repo/admin", access.Scope{Kind: "repo", Name: "acme/shop"})},
	}
	fs, err := access.Analyze(m, access.Options{})
	require.NoError(t, err)
	got := byRule(fs)
	assert.Equal(t, []string{"github:org:acme"}, subjects(got[access.RuleMFANotEnforced]))
	assert.Equal(t, []string{"github:user:local"}, subjects(got[access.RuleLocalAccount]), "bots are not people")
	assert.Equal(t, []string{"github:user:octo"}, subjects(got[access.RuleExternalAdmin]))
	assert.Empty(t, got[access.RuleNoMFA], "the bot's missing MFA is not a person's")
}

func TestAnalyzeConditionsReported(t *testing.T) {
	m := anAWS()
	for i := range m.Roles {
		if m.Roles[i].Name == "policy-versions" {
			m.Roles[i].Permissions[0].Conditions = []byte(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)
		}
	}
	fs, err := access.Analyze(m, access.Options{Only: []string{access.RuleEscalation}})
	require.NoError(t, err)
	for _, f := range fs {
		if f.Location.LogicalLocation != "aws:user:carol" {
			continue
		}
		assert.Equal(t, "medium", f.Confidence)
		assert.Contains(t, f.Description, "depend on conditions")
		return
	}
	t.Fatal("no escalation finding for carol")
}

func TestAnalyzeStableAndSorted(t *testing.T) {
	a, err := access.Analyze(anK8s(), access.Options{Now: anNow})
	require.NoError(t, err)
	m := anK8s()
	// Reverse every list: the same findings, in the same order.
	for i, j := 0, len(m.Principals)-1; i < j; i, j = i+1, j-1 {
		m.Principals[i], m.Principals[j] = m.Principals[j], m.Principals[i]
	}
	for i, j := 0, len(m.Bindings)-1; i < j; i, j = i+1, j-1 {
		m.Bindings[i], m.Bindings[j] = m.Bindings[j], m.Bindings[i]
	}
	b, err := access.Analyze(m, access.Options{Now: anNow})
	require.NoError(t, err)
	require.Equal(t, len(a), len(b))
	for i := range a {
		assert.Equal(t, a[i].ID, b[i].ID, a[i].Title)
	}
	_, err = access.Analyze(m, access.Options{Only: []string{"ACCESS-NOPE"}})
	assert.ErrorContains(t, err, "unknown analyzer")
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want, fold bool
	}{
		{"*", "anything", true, false},
		{"s3:*", "s3:GetObject", true, false},
		{"s3:Get*", "s3:PutObject", false, false},
		{"iam:Attach*Policy", "iam:AttachUserPolicy", true, false},
		{"iam:attach*policy", "iam:AttachUserPolicy", false, false},
		{"iam:attach*policy", "iam:AttachUserPolicy", true, true},
		{"*/*", "/pods/exec", true, false},
		{"/pods", "/pods/exec", false, false},
		{"arn:aws:s3:::bucket/?", "arn:aws:s3:::bucket/a", true, false},
		{"arn:aws:s3:::bucket/?", "arn:aws:s3:::bucket/ab", false, false},
		{"a*b*c", "aXXbYYc", true, false},
		{"a*b*c", "aXXbYY", false, false},
		{"", "", true, false},
		{"", "x", false, false},
		{"**", "", true, false},
	} {
		got := access.Match(tc.pattern, tc.s)
		if tc.fold {
			got = access.MatchFold(tc.pattern, tc.s)
		}
		assert.Equal(t, tc.want, got, "%q ~ %q", tc.pattern, tc.s)
	}
	// Backtracking stays linear-ish on hostile patterns.
	long := strings.Repeat("a", 5000)
	assert.False(t, access.Match(strings.Repeat("a*", 50)+"b", long))
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, p, s string) {
		got := access.Match(p, s)
		if !strings.ContainsAny(p, "*?") && got != (p == s) {
			t.Fatalf("literal %q ~ %q = %v", p, s, got)
		}
		if p == "*" && !got {
			t.Fatal("* must match everything")
		}
		_ = access.MatchFold(p, s)
	})
}

// TestAnalyzeBuiltinRoles: a binding to a role every cluster or account
// defines, absent from the input, is judged by what that role is.
func TestAnalyzeBuiltinRoles(t *testing.T) {
	m := &access.Model{
		Principals: []access.Principal{k8sSA("kube-system", "superadmin"), k8sSA("monitoring", "adapter"), k8sSA("shop", "app"),
			{ID: "aws:user:ops", System: access.SystemAWS, Kind: access.KindUser, Name: "arn:aws:iam::123456789012:user/ops", Human: access.Yes}},
		Bindings: []access.Binding{
			bind("b-admin", "kubernetes:service_account:kube-system/superadmin", "kubernetes:role:clusterrole/cluster-admin", cluster),
			bind("b-delegator", "kubernetes:service_account:monitoring/adapter", "kubernetes:role:clusterrole/system:auth-delegator", cluster),
			bind("b-custom", "kubernetes:service_account:shop/app", "kubernetes:role:clusterrole/shop-custom", cluster),
			bind("b-ops", "aws:user:ops", "aws:policy:AdministratorAccess", access.Scope{Kind: "account", Name: "123456789012"}),
		},
	}
	fs, err := access.Analyze(m, access.Options{})
	require.NoError(t, err)
	got := byRule(fs)
	assert.Equal(t, []string{"aws:user:ops", "kubernetes:service_account:kube-system/superadmin"}, subjects(got[access.RuleAdmin]))
	assert.Equal(t, []string{"kubernetes:service_account:shop/app"}, subjects(got[access.RuleDangling]), "only the custom role is missing")
}
