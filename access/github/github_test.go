package github

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

const corpusDir = "access/github-org/octokit-fixtures/"

func principal(t *testing.T, m *access.Model, id string) access.Principal {
	t.Helper()
	i := slices.IndexFunc(m.Principals, func(p access.Principal) bool { return p.ID == id })
	require.GreaterOrEqual(t, i, 0, "principal %s missing", id)
	return m.Principals[i]
}

func bindingIDs(m *access.Model) []string {
	var out []string
	for _, b := range m.Bindings {
		out = append(out, b.ID)
	}
	return out
}

func TestReadCorpus(t *testing.T) {
	tests := []struct {
		file       string
		principals int
		accounts   int
		bindings   map[string]string // binding ID -> role
		check      func(t *testing.T, m *access.Model)
	}{
		{
			file: "get-organization.normalized-fixture.json", accounts: 1,
			check: func(t *testing.T, m *access.Model) {
				a := m.Accounts[0]
				assert.Equal(t, "github:org:octokit-fixture-org", a.ID)
				assert.Equal(t, access.No, a.MFARequired, "two_factor_requirement_enabled is false")
				assert.Equal(t, "read", a.Attributes["default_repository_permission"])
				assert.Equal(t, "true", a.Attributes["members_can_create_repositories"])
				assert.Equal(t, 8, a.Source.Line)
				assert.Equal(t, "/0/response", a.Source.Path)
			},
		},
		{
			file: "add-and-remove-repository-collaborator.normalized-fixture.json", principals: 2,
			bindings: map[string]string{
				"github:binding:octokit-fixture-org/add-and-remove-repository-collaborator:repo/admin:user:octokit-fixture-user-a": RoleRepoAdmin,
				"github:binding:octokit-fixture-org/add-and-remove-repository-collaborator:repo/push:user:octokit-fixture-user-b":  RoleRepoPush,
			},
			check: func(t *testing.T, m *access.Model) {
				a := principal(t, m, "github:user:octokit-fixture-user-a")
				assert.Equal(t, access.Yes, a.Human)
				assert.Equal(t, access.Unknown, a.MFA, "no 2fa_disabled list")
				assert.False(t, a.External)
				assert.Equal(t, "31898046", a.Attributes["id"])
				for _, b := range m.Bindings {
					assert.Equal(t, access.Scope{Kind: "repo", Name: "octokit-fixture-org/add-and-remove-repository-collaborator"}, b.Scope)
					assert.Positive(t, b.Source.Line)
					assert.True(t, strings.HasPrefix(b.Source.Path, "/3/response/"), b.Source.Path)
				}
			},
		},
		{file: "branch-protection.normalized-fixture.json"},
		{file: "get-repository.normalized-fixture.json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := testcorpus.Path(t, corpusDir+tt.file)
			m, err := ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, m.Validate())
			assert.Len(t, m.Principals, tt.principals)
			assert.Len(t, m.Accounts, tt.accounts)
			assert.Len(t, m.Roles, 7, "the built-in roles")
			require.Len(t, m.Bindings, len(tt.bindings))
			for _, b := range m.Bindings {
				assert.Equal(t, tt.bindings[b.ID], b.Role, b.ID)
				assert.Equal(t, path, b.Source.File)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// acmeBindings are the bindings both acme fixtures describe.
var acmeBindings = []string{
	"github:binding:acme-corp/api:repo/admin:user:alice-owner",
	"github:binding:acme-corp/api:repo/admin:user:ext-contractor",
	"github:binding:acme-corp/api:repo/maintain:team:acme-corp/platform",
	"github:binding:acme-corp/api:repo/push:team:acme-corp/backend",
	"github:binding:acme-corp/api:repo/push:user:bob-dev",
	"github:binding:acme-corp/api:repo/push:user:renovate[bot]",
	"github:binding:acme-corp/infra:repo/push:team:acme-corp/platform",
	"github:binding:acme-corp/website:repo/admin:user:alice-owner",
	"github:binding:acme-corp/website:repo/pull:team:acme-corp/platform",
	"github:binding:acme-corp/website:repo/triage:user:carol-dev",
	"github:binding:acme-corp:org/admin:user:alice-owner",
	"github:binding:acme-corp:org/member:user:bob-dev",
	"github:binding:acme-corp:org/member:user:carol-dev",
	"github:binding:acme-corp:org/member:user:dave-ops",
}

func TestReadAcme(t *testing.T) {
	type want struct {
		mfa, human, sso access.Tri
		external        bool
		memberOf        []string
	}
	const (
		platform = "github:team:acme-corp/platform"
		backend  = "github:team:acme-corp/backend"
	)
	common := map[string]want{
		"github:user:alice-owner":   {mfa: access.Yes, human: access.Yes},
		"github:user:carol-dev":     {mfa: access.No, human: access.Yes, memberOf: []string{backend}},
		"github:user:dave-ops":      {mfa: access.Yes, human: access.Yes, memberOf: []string{platform}},
		"github:user:renovate[bot]": {human: access.No},
		platform:                    {},
		backend:                     {memberOf: []string{platform}},
	}
	tests := []struct {
		file  string
		extra map[string]want
	}{
		{"export-acme.json", map[string]want{
			"github:user:bob-dev":        {mfa: access.Yes, human: access.Yes, sso: access.Yes, memberOf: []string{backend, platform}},
			"github:user:ext-contractor": {mfa: access.No, human: access.Yes, external: true},
		}},
		{"recording-acme.json", map[string]want{
			// The recording has no credential authorizations and no
			// 2FA list of outside collaborators.
			"github:user:bob-dev":        {mfa: access.Yes, human: access.Yes, memberOf: []string{backend, platform}},
			"github:user:ext-contractor": {human: access.Yes, external: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			m, err := ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, m.Validate())
			assert.Equal(t, acmeBindings, bindingIDs(m))
			require.Len(t, m.Principals, 8)
			for id, w := range common {
				tt.extra[id] = w
			}
			for id, w := range tt.extra {
				p := principal(t, m, id)
				assert.Equal(t, w.mfa, p.MFA, "%s MFA", id)
				assert.Equal(t, w.human, p.Human, "%s Human", id)
				assert.Equal(t, w.sso, p.SSO, "%s SSO", id)
				assert.Equal(t, w.external, p.External, "%s External", id)
				assert.Equal(t, w.memberOf, p.MemberOf, "%s MemberOf", id)
				assert.Equal(t, path, p.Source.File)
				assert.Positive(t, p.Source.Line)
				assert.NotEmpty(t, p.Source.Path)
			}
			require.Len(t, m.Accounts, 1)
			a := m.Accounts[0]
			assert.Equal(t, access.No, a.MFARequired)
			assert.Equal(t, "false", a.Attributes["members_can_create_repositories"])
			for _, b := range m.Bindings {
				assert.Positive(t, b.Source.Line, b.ID)
				switch {
				case strings.Contains(b.ID, ":org/"):
					assert.Equal(t, access.Scope{Kind: "org", Name: "acme-corp"}, b.Scope)
				default:
					assert.Equal(t, "repo", b.Scope.Kind)
				}
			}
		})
	}

	t.Run("export details", func(t *testing.T) {
		m, err := ReadFile(filepath.Join("testdata", "export-acme.json"))
		require.NoError(t, err)
		bob := principal(t, m, "github:user:bob-dev")
		assert.Equal(t, "2024-05-01T09:30:00Z", bob.LastActive.Format("2006-01-02T15:04:05Z07:00"))
		assert.Equal(t, "enabled", m.Accounts[0].Attributes["saml_sso"])
		alice := principal(t, m, "github:user:alice-owner")
		assert.Equal(t, access.Source{File: filepath.Join("testdata", "export-acme.json"), Line: 60, Path: "/members/0"}, alice.Source)
		i := slices.IndexFunc(m.Bindings, func(b access.Binding) bool {
			return b.ID == "github:binding:acme-corp/api:repo/admin:user:ext-contractor"
		})
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, RoleRepoAdmin, m.Bindings[i].Role)
		assert.Equal(t, access.Source{File: filepath.Join("testdata", "export-acme.json"), Line: 634, Path: "/repositories/0/collaborators/2"}, m.Bindings[i].Source)
	})
}

func TestBuiltinRoles(t *testing.T) {
	roles := BuiltinRoles()
	byID := map[string]access.Role{}
	for _, r := range roles {
		byID[r.ID] = r
		assert.True(t, r.Builtin)
		assert.Equal(t, access.SystemGitHub, r.System)
	}
	tests := []struct {
		id      string
		actions []string
	}{
		{RoleRepoPull, []string{"repo:pull"}},
		{RoleRepoTriage, []string{"repo:triage", "repo:pull"}},
		{RoleRepoPush, []string{"repo:push", "repo:triage", "repo:pull"}},
		{RoleRepoMaintain, []string{"repo:maintain", "repo:push", "repo:triage", "repo:pull"}},
		{RoleRepoAdmin, []string{"repo:admin", "repo:maintain", "repo:push", "repo:triage", "repo:pull"}},
		{RoleOrgMember, []string{"org:member"}},
		{RoleOrgAdmin, []string{"org:admin", "org:member", "repo:admin", "repo:maintain", "repo:push", "repo:triage", "repo:pull"}},
	}
	require.Len(t, roles, len(tests))
	for _, tt := range tests {
		r, ok := byID[tt.id]
		require.True(t, ok, tt.id)
		require.Len(t, r.Permissions, 1)
		assert.Equal(t, access.Allow, r.Permissions[0].Effect)
		assert.Equal(t, tt.actions, r.Permissions[0].Actions, tt.id)
	}
}

func TestRoleResolution(t *testing.T) {
	tests := []struct {
		name    string
		collab  string // the collaborator's "permissions"/"role_name" members
		role    string // "" for no binding
		errPath string
	}{
		{"role_name admin", `"role_name": "admin"`, RoleRepoAdmin, ""},
		{"role_name write", `"role_name": "write"`, RoleRepoPush, ""},
		{"role_name read", `"role_name": "read"`, RoleRepoPull, ""},
		{"role_name wins", `"role_name": "triage", "permissions": {"admin": true}`, RoleRepoTriage, ""},
		{"highest flag", `"permissions": {"admin": false, "maintain": true, "push": true, "triage": true, "pull": true}`, RoleRepoMaintain, ""},
		{"pull only", `"permissions": {"pull": true}`, RoleRepoPull, ""},
		{"custom role", `"role_name": "security-reviewer", "permissions": {"pull": true, "triage": true}`, "github:role:repo/acme/security-reviewer", ""},
		{"no access", `"permissions": {"admin": false, "pull": false}`, "", ""},
		{"no role", `"type": "User"`, "", "/repositories/0/collaborators/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `{"repositories": [{"full_name": "acme/api", "collaborators": [{"login": "u1", ` + tt.collab + `}]}]}`
			m, err := Read(strings.NewReader(in), Options{File: "x.json"})
			if tt.errPath != "" {
				var pe *access.ParseError
				require.ErrorAs(t, err, &pe)
				assert.ErrorIs(t, err, access.ErrSyntax)
				assert.Equal(t, tt.errPath, pe.Path)
				assert.Nil(t, m)
				return
			}
			require.NoError(t, err)
			if tt.role == "" {
				assert.Empty(t, m.Bindings)
				return
			}
			require.Len(t, m.Bindings, 1)
			assert.Equal(t, tt.role, m.Bindings[0].Role)
			assert.True(t, slices.ContainsFunc(m.Roles, func(r access.Role) bool { return r.ID == tt.role }), "role %s in model", tt.role)
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
		line int
		path string
		msg  string
	}{
		{"empty", "", access.ErrUnsupported, 1, "", "empty input"},
		{"yaml", "apiVersion: v1\nkind: List\n", access.ErrUnsupported, 1, "", "not a JSON object or array"},
		{"scalar", "42", access.ErrUnsupported, 1, "", "not a JSON"},
		{"ini", "[request_definition]\nr = sub\n", access.ErrUnsupported, 1, "", "not JSON"},
		{"template", "{{ .Values.x }}", access.ErrUnsupported, 1, "", "not JSON"},
		{"truncated", "{\"members\": [\n{\"login\": \"a\"}", access.ErrSyntax, 2, "", "unexpected end"},
		{"bad token", "{\"members\": [\n  {\"login\": x}]}", access.ErrSyntax, 2, "", "invalid character"},
		{"trailing data", "{\"repositories\": []}\n{}", access.ErrSyntax, 2, "", "data after"},
		{"other json", `{"UserDetailList": []}`, access.ErrUnsupported, 1, "", "not a GitHub organization export"},
		{"other array", `[{"name": "//x", "iam_policy": {}}]`, access.ErrUnsupported, 1, "/0", "not a recording"},
		{"array of numbers", `[1, 2]`, access.ErrUnsupported, 1, "/0", "not a recording"},
		{"bad exchange", `[{"method":"get","path":"/orgs/a","response":{}}, {"method": 1}]`, access.ErrSyntax, 1, "/1/method", "want a string"},
		{"missing exchange fields", `[{"method":"get","path":"/orgs/a","response":{}}, {"path": "/x"}]`, access.ErrSyntax, 1, "/1", "missing"},
		{"login missing", "{\"organization\": {\"login\": \"acme\"},\n \"members\": [{\"login\": \"a\"},\n {\"id\": 3}]}", access.ErrSyntax, 3, "/members/1/login", "login"},
		{"login wrong type", "{\"organization\": {\"login\": \"acme\"},\n \"members\": [\n {\"login\": 7}]}", access.ErrSyntax, 3, "/members/0/login", "want a string, got number"},
		{"key twice", "{\"organization\": {\"login\": \"acme\"},\n \"admins\": [{\"login\": \"a\"}], \"admins\": []}", access.ErrSyntax, 2, "/admins", "duplicate key"},
		{"key twice in a member", "{\"organization\": {\"login\": \"acme\"},\n \"members\": [{\"login\": \"a\", \"Login\": \"b\"}]}", access.ErrSyntax, 2, "/members/0/Login", "duplicate key"},
		{"string over the limit", `{"organization": {"login": "` + strings.Repeat("a", 16<<20+1) + `"}}`, access.ErrLimit, 1, "", "MaxStringBytes"},
		{"login with slash", `{"organization": {"login": "acme"}, "admins": [{"login": "a/b"}]}`, access.ErrSyntax, 1, "/admins/0/login", "not a GitHub login"},
		{"member not object", `{"organization": {"login": "acme"}, "members": ["alice"]}`, access.ErrSyntax, 1, "/members/0", "want an object, got a string"},
		{"members not array", `{"organization": {"login": "acme"}, "members": {}}`, access.ErrSyntax, 1, "/members", "want an array"},
		{"members without org", `{"members": [{"login": "a"}]}`, access.ErrSyntax, 1, "/members", "needs the organization"},
		{"org without login", `{"organization": {"id": 1}}`, access.ErrSyntax, 1, "/organization", "login"},
		{"2fa wrong type", `{"organization": {"login": "a", "two_factor_requirement_enabled": "no"}}`, access.ErrSyntax, 1, "/organization/two_factor_requirement_enabled", "want a boolean"},
		{"team without slug", `{"organization": {"login": "acme"}, "teams": [{"name": "x"}]}`, access.ErrSyntax, 1, "/teams/0/slug", "slug"},
		{"repo without full_name", `{"repositories": [{"name": "x"}]}`, access.ErrSyntax, 1, "/repositories/0/full_name", "full_name"},
		{"bad team repo", `{"organization": {"login": "acme"}, "teams": [{"slug": "t", "repositories": [{"full_name": "acme/r"}]}]}`, access.ErrSyntax, 1, "/teams/0/repositories/0", "no role_name"},
		{"bad recorded member", `[{"method":"GET","path":"/orgs/acme/members","status":200,"response":[{"login":""}]}]`, access.ErrSyntax, 1, "/0/response/0/login", "login"},
		{"bad credential time", `{"organization": {"login": "acme"}, "credential_authorizations": [{"login": "a", "credential_accessed_at": "yesterday"}]}`, access.ErrSyntax, 1, "/credential_authorizations/0", "parsing time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Read(strings.NewReader(tt.in), Options{File: "in.json"})
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, tt.err)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "in.json", pe.File)
			assert.Equal(t, tt.line, pe.Line, "line")
			assert.Equal(t, tt.path, pe.Path, "path")
			assert.Contains(t, pe.Message, tt.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "access: in.json:"), err.Error())
		})
	}
}

func TestReadOtherCorpusKinds(t *testing.T) {
	tests := []struct {
		file string
		err  error
	}{
		{"access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml", access.ErrUnsupported},
		{"access/kubernetes-rbac/kubernetes-goat/pwnchart-clusterrolebinding.helm-template.yaml", access.ErrUnsupported},
		{"access/aws-iam/iam-vulnerable-terraform/fn4-ExploitableNotAction.tf", access.ErrUnsupported},
		{"access/aws-iam/cloudsplaining/test_files_example-authz-details.json", access.ErrUnsupported},
		{"access/aws-iam/cloudgoat/iam_privesc_by_rollback_v3.json", access.ErrUnsupported},
		{"access/gcp-iam/policy-library-cai/iam_allowed_bindings.cai-assets.json", access.ErrUnsupported},
		{"access/casbin/casbin-examples/rbac_policy.csv", access.ErrUnsupported},
		{"access/casbin/casbin-examples/rbac_model.conf", access.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			path := testcorpus.Path(t, tt.file)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.False(t, Detect(data), "Detect")
			_, err = ReadFile(path)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.err)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, path, pe.File)
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"export", `{"organization": {"login": "acme", "id": 1}}`, true},
		{"export repos only", `{"repositories": [{"full_name": "a/b", "collaborators": []}]}`, true},
		{"export members", `{"members": [{"login": "a"}]}`, true},
		{"export teams", `{"teams": [{"slug": "t"}]}`, true},
		{"recording", `[{"scope": "https://api.github.com:443", "method": "get", "path": "/orgs/a", "status": 200, "response": {}}]`, true},
		{"ghes recording", `[{"scope": "https://ghe.example:443", "method": "get", "path": "/api/v3/repos/a/b/collaborators", "response": []}]`, true},
		{"other nock", `[{"scope": "https://example.com", "method": "get", "path": "/v1/x", "response": {}}]`, false},
		{"aws", `{"UserDetailList": [{"UserName": "a"}]}`, false},
		{"gcp", `[{"name": "//x", "iam_policy": {"bindings": [{"members": ["user:a"]}]}}]`, false},
		{"yaml", "kind: Role\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Detect([]byte(tt.in)))
		})
	}
	for _, f := range []string{"testdata/export-acme.json", "testdata/recording-acme.json"} {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.True(t, Detect(data), f)
	}
	for _, f := range testcorpus.Glob(corpusDir + "*.json") {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.True(t, Detect(data), f)
	}
}

func TestLimit(t *testing.T) {
	in := []byte(`{"repositories": []}`)
	n := int64(len(in))
	_, err := Read(bytes.NewReader(in), Options{MaxBytes: n})
	require.NoError(t, err, "exactly MaxBytes")
	_, err = Read(bytes.NewReader(in), Options{MaxBytes: n - 1, File: "big.json"})
	require.Error(t, err)
	assert.ErrorIs(t, err, access.ErrLimit)
	var pe *access.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "big.json", pe.File)
}

func TestReadDeterministic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "export-acme.json"))
	require.NoError(t, err)
	m1, err := Read(bytes.NewReader(data), Options{})
	require.NoError(t, err)
	for range 5 {
		m2, err := Read(bytes.NewReader(data), Options{})
		require.NoError(t, err)
		assert.Equal(t, m1, m2)
	}
}

func TestReadBOMAndDuplicates(t *testing.T) {
	in := "\xEF\xBB\xBF" + `{"organization": {"login": "acme"},
"members": [{"login": "a"}, {"login": "a"}],
"members_2fa_disabled": [],
"repositories": [{"full_name": "acme/r", "collaborators": [{"login": "a", "role_name": "read"}, {"login": "a", "role_name": "read"}]}]}`
	m, err := Read(strings.NewReader(in), Options{})
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	require.Len(t, m.Principals, 1)
	assert.Equal(t, access.Yes, m.Principals[0].MFA, "empty 2fa_disabled list: every member has 2FA")
	assert.Equal(t, []string{"github:binding:acme/r:repo/pull:user:a", "github:binding:acme:org/member:user:a"}, bindingIDs(m))
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "none.json"))
	require.Error(t, err)
	assert.True(t, errors.Is(err, os.ErrNotExist))
}
