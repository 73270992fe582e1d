package azure_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/azure"
)

func find[T any](t *testing.T, list []T, id func(T) string, want string) T {
	t.Helper()
	i := slices.IndexFunc(list, func(x T) bool { return id(x) == want })
	require.GreaterOrEqual(t, i, 0, "%s missing", want)
	return list[i]
}

func roleID(r access.Role) string           { return r.ID }
func principalID(p access.Principal) string { return p.ID }
func bindingID(b access.Binding) string     { return b.ID }

const sub = "/subscriptions/00000000-0000-0000-0000-000000000000"

func TestReadAssignments(t *testing.T) {
	m, err := azure.ReadFile("testdata/role-assignments.json")
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	assert.Empty(t, m.Roles, "assignments make no roles")
	require.Len(t, m.Principals, 4)
	require.Len(t, m.Bindings, 5)

	tests := []struct {
		id       string
		kind     access.PrincipalKind
		name     string
		human    access.Tri
		external bool
		typ      string
	}{
		{"azure:user:alice@contoso.com", access.KindUser, "alice@contoso.com", access.Yes, false, "User"},
		{"azure:user:bob_fabrikam.com#EXT#@contoso.onmicrosoft.com", access.KindUser, "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com", access.Yes, true, "User"},
		{"azure:group:Sales Team", access.KindGroup, "Sales Team", access.Unknown, false, "Group"},
		{"azure:service_account:dddddddd-0000-4000-8000-000000000004", access.KindServiceAccount, "dddddddd-0000-4000-8000-000000000004", access.No, false, "ServicePrincipal"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			p := find(t, m.Principals, principalID, tt.id)
			assert.Equal(t, access.SystemAzure, p.System)
			assert.Equal(t, tt.kind, p.Kind)
			assert.Equal(t, tt.name, p.Name)
			assert.Equal(t, tt.human, p.Human)
			assert.Equal(t, tt.external, p.External)
			assert.Equal(t, tt.typ, p.Attributes["principal_type"])
			assert.NotEmpty(t, p.Attributes["principal_id"])
			assert.Equal(t, "testdata/role-assignments.json", p.Source.File)
		})
	}

	bindings := []struct {
		id, principal, role, scope string
		line                       int
	}{
		{sub + "/providers/Microsoft.Authorization/roleAssignments/11111111-1111-4111-8111-111111111111",
			"azure:user:alice@contoso.com", "azure:role:Owner", sub, 2},
		{sub + "/resourceGroups/pharma-sales/providers/Microsoft.Authorization/roleAssignments/22222222-2222-4222-8222-222222222222",
			"azure:user:bob_fabrikam.com#EXT#@contoso.onmicrosoft.com", "azure:role:Contributor", sub + "/resourceGroups/pharma-sales", 22},
		{sub + "/providers/Microsoft.Authorization/roleAssignments/33333333-3333-4333-8333-333333333333",
			"azure:group:Sales Team", "azure:role:Reader", sub, 43},
		{sub + "/providers/Microsoft.Authorization/roleAssignments/44444444-4444-4444-8444-444444444444",
			"azure:service_account:dddddddd-0000-4000-8000-000000000004", "azure:role:User Access Administrator", sub, 63},
		{sub + "/resourceGroups/pharma-sales/providers/Microsoft.Storage/storageAccounts/pharmadata/providers/Microsoft.Authorization/roleAssignments/55555555-5555-4555-8555-555555555555",
			"azure:user:alice@contoso.com", "azure:role:Storage Blob Data Reader", sub + "/resourceGroups/pharma-sales/providers/Microsoft.Storage/storageAccounts/pharmadata", 83},
	}
	for _, tt := range bindings {
		b := find(t, m.Bindings, bindingID, "azure:binding:"+tt.id)
		assert.Equal(t, tt.principal, b.Principal)
		assert.Equal(t, tt.role, b.Role)
		assert.Equal(t, access.Scope{Kind: "resource", Name: tt.scope}, b.Scope)
		assert.Equal(t, tt.line, b.Source.Line, b.ID)
		assert.Regexp(t, `^/\d$`, b.Source.Path)
	}
}

func TestReadARMList(t *testing.T) {
	m, err := azure.ReadFile("testdata/role-definitions-arm.json")
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	require.Len(t, m.Roles, 1)
	r := m.Roles[0]
	assert.Equal(t, "azure:role:Pharma VM Operator", r.ID)
	assert.Equal(t, "CustomRole", r.Kind)
	assert.False(t, r.Builtin)
	assert.Equal(t, access.Source{File: "testdata/role-definitions-arm.json", Line: 3, Path: "/value/0"}, r.Source)
	resources := []string{
		sub + "/resourceGroups/pharma-sales", sub + "/resourceGroups/pharma-sales/*",
		sub + "/resourceGroups/pharma-dev", sub + "/resourceGroups/pharma-dev/*",
	}
	cond := `{"condition":"@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'reports'","conditionVersion":"2.0"}`
	require.Len(t, r.Permissions, 2)
	assert.Equal(t, access.Permission{Effect: access.Allow,
		Actions:    []string{"Microsoft.Compute/virtualMachines/*"},
		NotActions: []string{"Microsoft.Compute/virtualMachines/delete"},
		Resources:  resources, Conditions: json.RawMessage(cond)}, r.Permissions[0])
	assert.Equal(t, access.Permission{Effect: access.Allow,
		Actions:   []string{"data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"},
		Resources: resources, Conditions: json.RawMessage(cond)}, r.Permissions[1])

	// The assignment names its role by GUID only (in other case): it is
	// found among the definitions of the same input.
	require.Len(t, m.Bindings, 1)
	b := m.Bindings[0]
	assert.Equal(t, "azure:role:Pharma VM Operator", b.Role)
	assert.Equal(t, "azure:service_account:eeeeeeee-0000-4000-8000-000000000006", b.Principal)
	assert.Equal(t, access.Scope{Kind: "resource", Name: sub + "/resourceGroups/pharma-sales"}, b.Scope)
	assert.Equal(t, "/value/1", b.Source.Path)
	assert.Equal(t, 37, b.Source.Line)
	require.Len(t, m.Principals, 1)
	assert.Equal(t, access.No, m.Principals[0].Human)
}

func TestReadCustomRoleFile(t *testing.T) {
	m, err := azure.ReadFile("testdata/custom-role.json")
	require.NoError(t, err)
	require.Len(t, m.Roles, 1)
	r := m.Roles[0]
	assert.Equal(t, "azure:role:Virtual Machine Restarter", r.ID)
	assert.Equal(t, "CustomRole", r.Kind)
	assert.False(t, r.Builtin)
	assert.Equal(t, []access.Permission{{Effect: access.Allow,
		Actions:   []string{"Microsoft.Compute/*/read", "Microsoft.Compute/virtualMachines/restart/action"},
		Resources: []string{sub, sub + "/*"}}}, r.Permissions)
}

func TestReadShapes(t *testing.T) {
	const def = `{"name": "b24988ac-6180-42a0-ab88-20f7382dd24c", "roleName": "Contributor", "roleType": "BuiltInRole",
  "permissions": [{"actions": ["*"], "notActions": ["Microsoft.Authorization/*/Write"], "dataActions": [], "notDataActions": []}],
  "assignableScopes": ["/"]}`
	const arm = `{"id": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
  "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7", "type": "Microsoft.Authorization/roleDefinitions",
  "properties": {"roleName": "Reader", "type": "BuiltInRole", "permissions": [{"actions": ["*/read"]}], "assignableScopes": ["/"]}}`
	const assign = `{"principalId": "p1", "principalType": "User", "principalName": "alice@contoso.com",
  "roleDefinitionName": "Reader", "scope": "/subscriptions/s", "id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1"}`
	tests := []struct {
		name, in string
		roles    []string
		bindings []string
	}{
		{"one definition", def, []string{"azure:role:Contributor"}, nil},
		{"one ARM definition", arm, []string{"azure:role:Reader"}, nil},
		{"one assignment", assign, nil, []string{"azure:binding:/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1"}},
		{"mixed array", "[" + def + "," + arm + "," + assign + "]", []string{"azure:role:Contributor", "azure:role:Reader"},
			[]string{"azure:binding:/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1"}},
		{"same definition twice", "[" + def + "," + def + "]", []string{"azure:role:Contributor"}, nil},
		{"same assignment twice", "[" + assign + "," + assign + "]", nil, []string{"azure:binding:/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1"}},
		{"empty array", "[]", nil, nil},
		{"empty ARM list", `{"value": []}`, nil, nil},
		{"byte order mark", "\ufeff" + def, []string{"azure:role:Contributor"}, nil},
		{"assignment without id", `{"principalId": "p", "principalType": "Group", "roleDefinitionName": "Reader", "scope": "/"}`,
			nil, []string{"azure:binding:/:Reader:group:p"}},
		{"az --query projection", `[{"principalName": "patlong@contoso.com", "principalType": "User", "roleDefinitionName": "Backup Operator", "scope": "/subscriptions/s/resourceGroups/pharma-sales"}]`,
			nil, []string{"azure:binding:/subscriptions/s/resourceGroups/pharma-sales:Backup Operator:user:patlong@contoso.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azure.Read(strings.NewReader(tt.in), azure.Options{File: "in.json"})
			require.NoError(t, err)
			require.NoError(t, m.Validate())
			var roles, bindings []string
			for _, r := range m.Roles {
				roles = append(roles, r.ID)
			}
			for _, b := range m.Bindings {
				bindings = append(bindings, b.ID)
			}
			assert.Equal(t, tt.roles, roles)
			assert.Equal(t, tt.bindings, bindings)
		})
	}
}

func TestReadPermissionEntries(t *testing.T) {
	in := `[{"roleName": "r", "roleType": "CustomRole", "assignableScopes": ["/subscriptions/s"], "permissions": [
  {"actions": [], "notActions": ["Microsoft.Compute/*"], "dataActions": ["Microsoft.KeyVault/vaults/secrets/*"], "notDataActions": ["Microsoft.KeyVault/vaults/secrets/setSecret/action"]},
  {"actions": ["Microsoft.Network/*/read"], "notActions": null, "dataActions": null, "notDataActions": ["Microsoft.Storage/*"]}
]}]`
	m, err := azure.Read(strings.NewReader(in), azure.Options{})
	require.NoError(t, err)
	require.Len(t, m.Roles, 1)
	res := []string{"/subscriptions/s", "/subscriptions/s/*"}
	assert.Equal(t, []access.Permission{
		{Effect: access.Allow, Actions: []string{"data:Microsoft.KeyVault/vaults/secrets/*"},
			NotActions: []string{"data:Microsoft.KeyVault/vaults/secrets/setSecret/action"}, Resources: res},
		{Effect: access.Allow, Actions: []string{"Microsoft.Network/*/read"}, Resources: res},
	}, m.Roles[0].Permissions, "entries without actions grant nothing and give no permission")
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		sentinel error
		line     int
		path     string
		msg      string
	}{
		{"empty", "  \n", access.ErrUnsupported, 0, "", "empty input"},
		{"yaml", "apiVersion: v1\nkind: List\n", access.ErrUnsupported, 1, "", "not JSON"},
		{"ini", "[request_definition]\nr = sub\n", access.ErrUnsupported, 1, "", "not JSON"},
		{"template", "{{ .Values.x }}", access.ErrUnsupported, 1, "", "not JSON"},
		{"other JSON", `{"Version": "2012-10-17", "Statement": []}`, access.ErrUnsupported, 1, "", "not Azure role definitions"},
		{"array of strings", `["a"]`, access.ErrUnsupported, 1, "/0", "got a string"},
		{"stream of other objects", "{\"name\": \"x\", \"asset_type\": \"y\"}\n{\"name\": \"z\"}\n", access.ErrUnsupported, 1, "", "not Azure"},
		{"truncated", "[\n{\"roleName\": \"r\",\n", access.ErrSyntax, 0, "/0", "unexpected end"},
		{"bad JSON in element", "[\n{\"roleName\": \"r\" \"permissions\": []}]", access.ErrSyntax, 2, "/0", "invalid JSON"},
		{"trailing data", `{"roleName": "r"} x`, access.ErrSyntax, 1, "", "after the top-level value"},
		{"second element unknown", "[{\"roleName\": \"r\"},\n {\"foo\": 1}]", access.ErrSyntax, 2, "/1", "want a role definition or role assignment"},
		{"key twice", "[\n{\"principalId\": \"p\", \"roleDefinitionName\": \"Reader\", \"RoleDefinitionName\": \"Owner\", \"scope\": \"/\"}]", access.ErrSyntax, 2, "/0/RoleDefinitionName", "duplicate key"},
		{"nested too deep", `[{"roleName": ` + strings.Repeat("[", 600), access.ErrLimit, 1, "", "MaxDepth"},
		{"empty roleName", `[{"roleName": "", "permissions": [], "type": "Microsoft.Authorization/roleDefinitions"}]`, access.ErrSyntax, 1, "/0", "roleName missing"},
		{"ARM roleName missing", `{"type": "Microsoft.Authorization/roleDefinitions", "properties": {"permissions": []}}`, access.ErrSyntax, 1, "/properties", "roleName missing"},
		{"actions not an array", "[{\"roleName\": \"r\",\n \"permissions\": [{\"actions\": \"*\"}]}]", access.ErrSyntax, 2, "/0/permissions/0/actions", "want an array, got string"},
		{"action not a string", "[{\"roleName\": \"r\", \"permissions\": [{\"actions\": []}, {\"actions\": [\"a\",\n 7]}]}]", access.ErrSyntax, 2, "/0/permissions/1/actions/1", "want a string, got number"},
		{"empty action", `[{"roleName": "r", "permissions": [{"actions": ["a", " "]}]}]`, access.ErrSyntax, 1, "/0/permissions/0/actions/1", "empty action"},
		{"empty data action", `[{"roleName": "r", "permissions": [{"dataActions": ["a"], "notDataActions": [""]}]}]`, access.ErrSyntax, 1, "/0/permissions/0/notDataActions/0", "empty action"},
		{"custom file empty action", `{"Name": "r", "Actions": [""], "AssignableScopes": ["/"]}`, access.ErrSyntax, 1, "/Actions/0", "empty action"},
		{"bad assignable scope", `{"roleName": "r", "assignableScopes": ["/a", "subscriptions/s"]}`, access.ErrSyntax, 1, "/assignableScopes/1", "assignable scope"},
		{"role name twice", "[{\"roleName\": \"r\", \"name\": \"g1\"},\n{\"roleName\": \"r\", \"name\": \"g2\"}]", access.ErrSyntax, 2, "/1", "also defined by line 1"},
		{"principalType unknown", `{"principalId": "p", "principalType": "Robot", "roleDefinitionName": "Reader", "scope": "/"}`, access.ErrSyntax, 1, "/principalType", "principalType \"Robot\""},
		{"principalType missing", `{"principalId": "p", "roleDefinitionName": "Reader", "scope": "/"}`, access.ErrSyntax, 1, "/principalType", "principalType \"\""},
		{"scope missing", `{"principalId": "p", "principalType": "User", "roleDefinitionName": "Reader"}`, access.ErrSyntax, 1, "/scope", "scope missing"},
		{"scope relative", `{"principalId": "p", "principalType": "User", "roleDefinitionName": "Reader", "scope": "subscriptions/s"}`, access.ErrSyntax, 1, "/scope", "starting with"},
		{"role missing", `{"principalId": "p", "principalType": "User", "scope": "/"}`, access.ErrSyntax, 1, "/roleDefinitionId", "roleDefinitionId and roleDefinitionName missing"},
		{"ARM principal missing", `{"type": "Microsoft.Authorization/roleAssignments", "properties": {"scope": "/", "roleDefinitionId": "x"}}`, access.ErrSyntax, 1, "/properties/principalId", "principalId missing"},
		{"ARM role id empty segment", `{"properties": {"principalId": "p", "principalType": "User", "scope": "/", "roleDefinitionId": "/x/"}}`, access.ErrSyntax, 1, "/properties/roleDefinitionId", "names no role definition"},
		{"assignment id reused", "[{\"id\": \"a\", \"principalId\": \"p\", \"principalType\": \"User\", \"roleDefinitionName\": \"Reader\", \"scope\": \"/\"},\n{\"id\": \"a\", \"principalId\": \"p\", \"principalType\": \"User\", \"roleDefinitionName\": \"Owner\", \"scope\": \"/\"}]", access.ErrSyntax, 2, "/1", "other content"},
		{"principal id changes", "[{\"principalName\": \"x\", \"principalId\": \"p1\", \"principalType\": \"User\", \"roleDefinitionName\": \"Reader\", \"scope\": \"/\"},\n{\"principalName\": \"x\", \"principalId\": \"p2\", \"principalType\": \"User\", \"roleDefinitionName\": \"Owner\", \"scope\": \"/\"}]", access.ErrSyntax, 2, "/1/principalId", "has principalId"},
		{"ARM list with a bad element", "{\"value\": [\n{\"roleName\": \"r\"},\n 3]}", access.ErrSyntax, 3, "/value/1", "got a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azure.Read(strings.NewReader(tt.in), azure.Options{File: "in.json"})
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, tt.sentinel)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "in.json", pe.File)
			if tt.line > 0 {
				assert.Equal(t, tt.line, pe.Line)
			}
			assert.Equal(t, tt.path, pe.Path)
			assert.Contains(t, pe.Message, tt.msg)
		})
	}
}

func TestReadLimit(t *testing.T) {
	in := []byte(`{"roleName": "r", "permissions": [{"actions": ["*"]}]}`)
	n := int64(len(in))
	m, err := azure.Read(bytes.NewReader(in), azure.Options{MaxBytes: n})
	require.NoError(t, err)
	assert.Len(t, m.Roles, 1)
	_, err = azure.Read(bytes.NewReader(in), azure.Options{MaxBytes: n - 1})
	assert.ErrorIs(t, err, access.ErrLimit)
	var pe *access.ParseError
	assert.True(t, errors.As(err, &pe))
}

func TestReadFileMissing(t *testing.T) {
	_, err := azure.ReadFile("testdata/does-not-exist.json")
	assert.Error(t, err)
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"az definitions", `[{"assignableScopes": ["/"], "permissions": [], "roleName": "Owner"}]`, true},
		{"az assignments", `[{"principalId": "p", "roleDefinitionName": "Reader", "scope": "/"}]`, true},
		{"ARM definition", `{"properties": {"roleName": "r"}}`, true},
		{"ARM list", `{"value": [{"type": "Microsoft.Authorization/roleAssignments"}]}`, true},
		{"custom role file", `{"Name": "r", "Actions": [], "AssignableScopes": ["/"]}`, true},
		{"AWS policy", `{"Version": "2012-10-17", "Statement": []}`, false},
		{"GCP asset", `[{"name": "n", "asset_type": "t"}]`, false},
		{"YAML", "kind: ClusterRole\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, azure.Detect([]byte(tt.in)), tt.name)
	}
	for _, f := range []string{"testdata/role-assignments.json", "testdata/role-definitions-arm.json", "testdata/custom-role.json"} {
		data := readFile(t, f)
		assert.True(t, azure.Detect(data), f)
	}
}
