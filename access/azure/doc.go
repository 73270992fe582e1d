// Package azure imports Azure role-based access control into an
// [access.Model]: role definitions (what each role allows) and role
// assignments (who holds which role at which scope).
//
// # Input
//
// [Read] takes JSON: an array whose elements are role definitions or role
// assignments (both may be mixed in one array), a single one of them, or
// an ARM list response {"value": [...]}. Each element may be in one of
// these shapes:
//
//   - a role definition as `az role definition list` prints it, and as
//     the iam-dataset stores Azure's built-in roles: {"id", "name" (the
//     GUID), "roleName", "roleType" ("BuiltInRole" or "CustomRole"),
//     "permissions": [{"actions", "notActions", "dataActions",
//     "notDataActions", "condition", "conditionVersion"}],
//     "assignableScopes"};
//   - a role definition as the ARM REST API returns it: {"id", "name",
//     "type", "properties": {"roleName", "type", "permissions",
//     "assignableScopes"}};
//   - a custom role file as `az role definition create --role-definition`
//     takes it: {"Name", "IsCustom", "Actions", "NotActions",
//     "DataActions", "NotDataActions", "AssignableScopes"};
//   - a role assignment as `az role assignment list` prints it: {"id",
//     "name", "principalId", "principalName", "principalType",
//     "roleDefinitionId", "roleDefinitionName", "scope"};
//   - a role assignment as the ARM REST API returns it: {"id", "name",
//     "type", "properties": {"principalId", "principalType",
//     "roleDefinitionId", "scope"}}.
//
// Other fields are ignored. [ReadFile] reads a file, [Detect] sniffs
// bytes.
//
// # Roles
//
// A definition becomes the role "azure:role:<roleName>" with Kind the
// role type ("BuiltInRole", "CustomRole"; "RoleDefinition" when the input
// does not say) and Builtin set for built-in roles. Each entry of
// "permissions" gives up to two allow [access.Permission]s:
//
//   - one with the entry's actions as Actions and its notActions as
//     NotActions, as written ("*", "*/read",
//     "Microsoft.Authorization/*/Write");
//   - one with the data actions, each prefixed with [DataPrefix]
//     ("data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"),
//     and the notDataActions, prefixed likewise. Azure keeps data-plane
//     actions apart from control-plane ones (Owner's "*" grants no data
//     action), and the prefix keeps them apart in the model too.
//
// In Azure, NotActions only subtract from the Actions of the same entry;
// an entry without Actions grants nothing and gives no permission. An
// entry's condition is kept in Conditions as
// {"condition": ..., "conditionVersion": ...}.
//
// Resources come from the assignable scopes: none when the role may be
// assigned at the root scope "/" (every built-in role; it then applies
// wherever it is assigned), else each scope S as the patterns "S" and
// "S/*" (the scope and every resource under it).
//
// # Assignments
//
// An assignment's principal becomes "azure:<kind>:<name>", where the name
// is principalName (a user principal name, a group's display name, an
// application ID) or, when the input has none (ARM), principalId, and
// the kind follows principalType: User is a user (Human yes; External
// for guests, whose names contain "#EXT#"), Group and ForeignGroup
// (External) are groups, ServicePrincipal, MSI, Application and Device
// are service accounts (Human no), Everyone is federated. Attributes
// keep principal_type and principal_id.
//
// The assignment becomes the binding "azure:binding:<assignment id>" of
// that principal to "azure:role:<roleDefinitionName>", with
// Scope{Kind: "resource", Name: scope}. Without roleDefinitionName (ARM
// output), the role is found by the GUID of roleDefinitionId among the
// definitions of the same input, else named "azure:role:<guid>". Read
// makes no role for an assignment: read the definitions too (`az role
// definition list`) and merge the models with [access.Model.Merge], or
// the analyzers report the bindings as dangling. An assignment's
// condition is not kept, so the model may overstate what a conditional
// assignment grants, never understate it.
//
// # Errors and limits
//
// Bad input gives a [*access.ParseError] with file, line and JSON pointer
// ("/3/permissions/0/actions/2"), wrapping [access.ErrSyntax] (bad JSON,
// a field of the wrong type, a missing roleName, principalId, scope or
// role, an unknown principalType, an element that is neither a definition
// nor an assignment), [access.ErrUnsupported] (input that is not Azure
// RBAC data at all: YAML, Terraform, another system's JSON) or
// [access.ErrLimit] (more than [Options.MaxBytes]). A role name defined
// twice with different GUIDs and an assignment ID repeated with other
// content are errors; the same definition or assignment listed twice is
// read once.
//
// # Hostile input
//
// The input is held to limits while it is read: at most
// [Options.MaxBytes]; no string longer than limits.MaxStringBytes (16 MiB)
// and no nesting deeper than limits.MaxDepth (512), each [access.ErrLimit]
// with the line, column and byte, the read stopped there (a 500 MB string
// costs about 16 MiB read). Invalid UTF-8 in a string becomes U+FFFD, as
// encoding/json does, and the value is then checked like any other (a
// login or e-mail address with U+FFFD is not one).
// A key given twice in a definition or assignment is [access.ErrSyntax]
// naming its pointer; keys are compared without regard to case, as
// encoding/json matches them ("roleDefinitionName" and
// "RoleDefinitionName" would otherwise decide the role silently).
package azure
