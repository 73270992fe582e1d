package azure_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/azure"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

const builtInRoles = "access/azure-rbac/iam-dataset-azure/built-in-roles-raw.json"

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

func TestReadBuiltInRoles(t *testing.T) {
	path := testcorpus.Path(t, builtInRoles)
	m, err := azure.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	require.Len(t, m.Roles, 928)
	assert.Empty(t, m.Principals)
	assert.Empty(t, m.Bindings)
	assert.True(t, azure.Detect(testcorpus.Read(t, builtInRoles)))

	conditional, data, empty := 0, 0, 0
	for _, r := range m.Roles {
		assert.True(t, r.Builtin, r.ID)
		assert.Equal(t, "BuiltInRole", r.Kind, r.ID)
		assert.Equal(t, access.SystemAzure, r.System)
		assert.Equal(t, "azure:role:"+r.Name, r.ID)
		assert.Equal(t, path, r.Source.File)
		assert.Positive(t, r.Source.Line)
		if len(r.Permissions) == 0 {
			empty++
		}
		for _, p := range r.Permissions {
			assert.Equal(t, access.Allow, p.Effect)
			assert.Empty(t, p.Resources, "assignable at /: no resource limit")
			assert.NotEmpty(t, p.Actions, r.ID)
			if len(p.Conditions) > 0 {
				conditional++
			}
			if strings.HasPrefix(p.Actions[0], azure.DataPrefix) {
				data++
			}
		}
	}
	assert.Equal(t, 4, empty, "roles with neither actions nor data actions")
	assert.Equal(t, 318, data, "permission entries with data actions")
	assert.Positive(t, conditional)

	owner := find(t, m.Roles, roleID, "azure:role:Owner")
	assert.Equal(t, []access.Permission{{Effect: access.Allow, Actions: []string{"*"}}}, owner.Permissions)
	assert.Equal(t, "/71", owner.Source.Path)

	contributor := find(t, m.Roles, roleID, "azure:role:Contributor")
	require.Len(t, contributor.Permissions, 1)
	assert.Equal(t, []string{"*"}, contributor.Permissions[0].Actions)
	assert.Subset(t, contributor.Permissions[0].NotActions, []string{
		"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"})
	assert.Len(t, contributor.Permissions[0].NotActions, 11)

	reader := find(t, m.Roles, roleID, "azure:role:Reader")
	assert.Equal(t, []access.Permission{{Effect: access.Allow, Actions: []string{"*/read"}}}, reader.Permissions)

	uaa := find(t, m.Roles, roleID, "azure:role:User Access Administrator")
	require.Len(t, uaa.Permissions, 1)
	assert.Equal(t, []string{"*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"}, uaa.Permissions[0].Actions)
	assert.Empty(t, uaa.Permissions[0].NotActions)

	rbac := find(t, m.Roles, roleID, "azure:role:Role Based Access Control Administrator")
	assert.Contains(t, rbac.Permissions[0].Actions, "Microsoft.Authorization/roleAssignments/write")

	signer := find(t, m.Roles, roleID, "azure:role:AcrImageSigner")
	require.Len(t, signer.Permissions, 2)
	assert.Equal(t, []string{"Microsoft.ContainerRegistry/registries/sign/write"}, signer.Permissions[0].Actions)
	assert.Equal(t, []string{"data:Microsoft.ContainerRegistry/registries/trustedCollections/write"}, signer.Permissions[1].Actions)

	// Reading is deterministic.
	again, err := azure.Read(bytes.NewReader(testcorpus.Read(t, builtInRoles)), azure.Options{File: path})
	require.NoError(t, err)
	assert.Equal(t, m, again)
}

// TestMergeWithAssignments checks that definitions and assignments read
// apart merge into a model whose bindings all name a role.
func TestMergeWithAssignments(t *testing.T) {
	m, err := azure.ReadFile(testcorpus.Path(t, builtInRoles))
	require.NoError(t, err)
	assigned, err := azure.ReadFile("testdata/role-assignments.json")
	require.NoError(t, err)
	m.Merge(assigned)
	m.Sort()
	require.NoError(t, m.Validate())
	for _, b := range m.Bindings {
		find(t, m.Roles, roleID, b.Role)
		find(t, m.Principals, principalID, b.Principal)
	}
}

func TestOtherCorpusKinds(t *testing.T) {
	var files []string
	for _, pattern := range []string{"access/aws-iam/*/*", "access/gcp-iam/*/*", "access/github-org/*/*",
		"access/kubernetes-rbac/*/*", "access/casbin/*/*"} {
		files = append(files, testcorpus.Glob(pattern)...)
	}
	if len(files) == 0 {
		testcorpus.Path(t, builtInRoles) // skips, or fails under CI
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m, err := azure.ReadFile(f)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, access.ErrUnsupported)
			assert.False(t, azure.Detect(readFile(t, f)))
		})
	}
}
