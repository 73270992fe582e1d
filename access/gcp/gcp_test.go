package gcp

import (
	"bytes"
	"fmt"
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

const caiDir = "access/gcp-iam/policy-library-cai/"

func find[T any](t *testing.T, list []T, id func(T) string, want string) T {
	t.Helper()
	i := slices.IndexFunc(list, func(x T) bool { return id(x) == want })
	require.GreaterOrEqual(t, i, 0, "%s missing", want)
	return list[i]
}

func pid(p access.Principal) string { return p.ID }

func TestReadCorpus(t *testing.T) {
	tests := []struct {
		file       string
		principals int
		bindings   int
		want       []string // binding IDs that must be present
	}{
		{"iam_allowed_bindings.cai-assets.json", 12, 19, []string{
			"gcp:binding://cloudresourcemanager.googleapis.com/projects/12345:roles/owner:user:evil@notgoogle.com",
			"gcp:binding://cloudresourcemanager.googleapis.com/projects/12345:roles/viewer:federated:allUsers",
			"gcp:binding://cloudresourcemanager.googleapis.com/projects/12345:roles/viewer:federated:allAuthenticatedUsers",
			"gcp:binding://cloudresourcemanager.googleapis.com/projects/12345:roles/iam.serviceAccountUser:user:bad@notgoogle.com",
			"gcp:binding://bigquery.googleapis.com/projects/12345/datasets/testdataset1:roles/bigquery.dataOwner:user:admin@gmail.com",
		}},
		{"storage_bucket_world_readable.cai-assets.json", 5, 11, []string{
			"gcp:binding://storage.googleapis.com/my-test-bucket:roles/storage.legacyBucketReader:federated:allUsers",
			"gcp:binding://storage.googleapis.com/my-second-test-bucket:roles/storage.legacyBucketOwner:federated:allAuthenticatedUsers",
		}},
		{"bigquery_dataset_world_readable.cai-assets.json", 5, 16, nil},
		{"iam_audit_log.cai-assets.json", 0, 0, nil},
		{"gcp_iam_restrict_service_account_creation.cai-assets.json", 0, 0, nil},
		{"iam_custom_role_permissions.cai-assets.json", 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := testcorpus.Path(t, caiDir+tt.file)
			m, err := ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, m.Validate())
			assert.Len(t, m.Principals, tt.principals)
			assert.Len(t, m.Bindings, tt.bindings)
			var ids []string
			for _, b := range m.Bindings {
				ids = append(ids, b.ID)
				assert.Positive(t, b.Source.Line)
				assert.Equal(t, path, b.Source.File)
			}
			for _, w := range tt.want {
				assert.Contains(t, ids, w)
			}
		})
	}
}

func TestReadDomainAndKinds(t *testing.T) {
	path := testcorpus.Path(t, caiDir+"iam_allowed_bindings.cai-assets.json")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	m, err := Read(f, Options{File: "cai.json", Domain: "google.com"})
	require.NoError(t, err)
	tests := []struct {
		id       string
		kind     access.PrincipalKind
		human    access.Tri
		external bool
	}{
		{"gcp:user:evil@notgoogle.com", access.KindUser, access.Yes, true},
		{"gcp:user:powerful@google.com", access.KindUser, access.Yes, false},
		{"gcp:group:admins@google.com", access.KindGroup, access.Unknown, false},
		{"gcp:service_account:service-12345@notiam.gserviceaccount.com", access.KindServiceAccount, access.No, false},
		{"gcp:federated:allUsers", access.KindFederated, access.Unknown, true},
		{"gcp:user:user@gmail.com", access.KindUser, access.Yes, true},
	}
	for _, tt := range tests {
		p := find(t, m.Principals, pid, tt.id)
		assert.Equal(t, tt.kind, p.Kind, tt.id)
		assert.Equal(t, tt.human, p.Human, tt.id)
		assert.Equal(t, tt.external, p.External, tt.id)
	}
	b := find(t, m.Bindings, func(b access.Binding) string { return b.ID },
		"gcp:binding://cloudresourcemanager.googleapis.com/projects/12345:roles/owner:user:evil@notgoogle.com")
	assert.Equal(t, access.Scope{Kind: "project", Name: "//cloudresourcemanager.googleapis.com/projects/12345"}, b.Scope)
	assert.Equal(t, "gcp:role:roles/owner", b.Role)
	assert.Equal(t, "/0/iam_policy/bindings/1", b.Source.Path)
}

func TestReadRolesCatalog(t *testing.T) {
	owner := testcorpus.Path(t, "access/gcp-iam/iam-dataset-gcp/roles_owner.json")
	f, err := os.Open(owner)
	require.NoError(t, err)
	defer f.Close()
	roles, err := ReadRoles(f, owner)
	require.NoError(t, err)
	require.Len(t, roles, 1)
	assert.Equal(t, "gcp:role:roles/owner", roles[0].ID)
	require.Len(t, roles[0].Permissions, 1)
	assert.Greater(t, len(roles[0].Permissions[0].Actions), 10000)

	pre := testcorpus.Read(t, "access/gcp-iam/iam-dataset-gcp/predefined_roles.json")
	all, err := ReadRoles(bytes.NewReader(pre), "predefined_roles.json")
	require.NoError(t, err)
	assert.Len(t, all, 2390)

	in := `[{"name": "//x/projects/p", "asset_type": "cloudresourcemanager.googleapis.com/Project",
  "iam_policy": {"bindings": [{"role": "roles/owner", "members": ["user:a@x.com"]},
  {"role": "roles/owner", "members": ["user:b@x.com"], "condition": {"title": "until 2030", "expression": "request.time < timestamp('2030-01-01T00:00:00Z')"}}]}}]`
	m, err := Read(strings.NewReader(in), Options{Roles: roles})
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	r := find(t, m.Roles, func(r access.Role) string { return r.ID }, "gcp:role:roles/owner")
	assert.True(t, r.Builtin)
	assert.Contains(t, r.Permissions[0].Actions, "resourcemanager.projects.setIamPolicy")
	c := find(t, m.Roles, func(r access.Role) string { return r.ID }, "gcp:role:roles/owner?condition=until 2030")
	assert.Contains(t, string(c.Permissions[0].Conditions), "2030")
	assert.Empty(t, r.Permissions[0].Conditions, "the catalog role is not changed")
	assert.Empty(t, roles[0].Permissions[0].Conditions, "the catalog itself is not changed")
}

func TestReadStreamAndErrors(t *testing.T) {
	stream := "{\"name\": \"//s/b1\", \"asset_type\": \"storage.googleapis.com/Bucket\", \"iam_policy\": {\"bindings\": [{\"role\": \"roles/storage.admin\", \"members\": [\"deleted:user:old@x.com?uid=123\"]}]}}\n" +
		"{\"name\": \"//s/b2\", \"asset_type\": \"storage.googleapis.com/Bucket\"}\n"
	m, err := Read(strings.NewReader(stream), Options{})
	require.NoError(t, err)
	require.Len(t, m.Principals, 1)
	assert.Equal(t, "gcp:user:old@x.com", m.Principals[0].ID)
	assert.Equal(t, "true", m.Principals[0].Attributes["deleted"])
	assert.Equal(t, access.Scope{Kind: "resource", Name: "//s/b1"}, m.Bindings[0].Scope)

	tests := []struct {
		name string
		in   string
		err  error
		line int
		path string
	}{
		{"yaml", "kind: Role\n", access.ErrUnsupported, 1, ""},
		{"github export", `{"organization": {"login": "a"}}`, access.ErrUnsupported, 1, "#0"},
		{"nock", `[{"method": "get", "path": "/orgs/a"}]`, access.ErrUnsupported, 1, "/0"},
		{"bad member", "[{\"name\": \"//x\", \"asset_type\": \"t\",\n \"iam_policy\": {\"bindings\": [{\"role\": \"roles/x\", \"members\": [\"alice\"]}]}}]", access.ErrSyntax, 2, "/0/iam_policy/bindings/0/members/0"},
		{"no role", `[{"name": "//x", "asset_type": "t", "iam_policy": {"bindings": [{"members": ["allUsers"]}]}}]`, access.ErrSyntax, 1, "/0/iam_policy/bindings/0"},
		{"members type", `[{"name": "//x", "asset_type": "t", "iam_policy": {"bindings": [{"role": "r", "members": "allUsers"}]}}]`, access.ErrSyntax, 1, "/0/iam_policy/bindings/members"},
		{"second asset bad", `[{"name": "//x", "asset_type": "t"}, {"asset_type": "t"}]`, access.ErrSyntax, 1, "/1"},
		{"truncated", "[{\"name\": \n", access.ErrSyntax, 2, ""},
		{"key twice", "[{\"name\": \"//x\", \"asset_type\": \"t\", \"iam_policy\": {\"bindings\": [{\"role\": \"r\",\n \"members\": [\"allUsers\"], \"members\": []}]}}]",
			access.ErrSyntax, 2, "/0/iam_policy/bindings/0/members"},
		{"key twice but for case", `[{"name": "//x", "Name": "//y", "asset_type": "t"}]`, access.ErrSyntax, 1, "/0/Name"},
		{"nested too deep", `[{"name": ` + strings.Repeat("[", 600), access.ErrLimit, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Read(strings.NewReader(tt.in), Options{File: "in.json"})
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, tt.err)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.line, pe.Line)
			assert.Equal(t, tt.path, pe.Path)
		})
	}
}

func TestDetectAndOtherKinds(t *testing.T) {
	for _, f := range testcorpus.Glob(caiDir + "*.json") {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.True(t, Detect(data), f)
	}
	for _, rel := range []string{
		"access/github-org/octokit-fixtures/get-organization.normalized-fixture.json",
		"access/aws-iam/cloudsplaining/test_files_example-authz-details.json",
		"access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml",
		"access/casbin/casbin-examples/rbac_model.conf",
	} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			path := testcorpus.Path(t, rel)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.False(t, Detect(data))
			_, err = ReadFile(path)
			assert.ErrorIs(t, err, access.ErrUnsupported)
		})
	}
}

func TestLimit(t *testing.T) {
	in := []byte(`[]`)
	_, err := Read(bytes.NewReader(in), Options{MaxBytes: 2})
	require.NoError(t, err)
	_, err = Read(bytes.NewReader(in), Options{MaxBytes: 1})
	assert.ErrorIs(t, err, access.ErrLimit)
}

func FuzzRead(f *testing.F) {
	for _, s := range testcorpus.Glob(caiDir + "*.json") {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"name":"a","asset_type":"b","iam_policy":{"bindings":[{"role":"r","members":["deleted:group:g@x?uid=1","domain:x"],"condition":{"title":"t"}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(bytes.NewReader(data), Options{Domain: "x"})
		if err != nil {
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			require.Nil(t, m)
			return
		}
		require.NoError(t, m.Validate())
	})
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("[")
	for i := range 1000 {
		if i > 0 {
			buf.WriteString(",\n")
		}
		fmt.Fprintf(&buf, `{"name": "//storage.googleapis.com/bucket-%d", "asset_type": "storage.googleapis.com/Bucket", "iam_policy": {"bindings": [`+
			`{"role": "roles/storage.objectViewer", "members": ["user:u%d@example.com", "group:g%d@example.com", "allUsers"]},`+
			`{"role": "roles/storage.admin", "members": ["serviceAccount:sa%d@p.iam.gserviceaccount.com"]}]}}`, i, i, i%10, i%5)
	}
	buf.WriteString("]")
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), Options{Domain: "example.com"}); err != nil {
			b.Fatal(err)
		}
	}
}
