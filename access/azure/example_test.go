package azure_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/aspmkit/aspm/access/azure"
)

func ExampleRead() {
	// Role definitions as `az role definition list` prints them, and a
	// role assignment as `az role assignment list` prints it.
	const input = `[
  {"name": "b24988ac-6180-42a0-ab88-20f7382dd24c", "roleName": "Contributor", "roleType": "BuiltInRole",
   "assignableScopes": ["/"],
   "permissions": [{"actions": ["*"], "notActions": ["Microsoft.Authorization/*/Write"],
                    "dataActions": [], "notDataActions": []}]},
  {"name": "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "roleName": "Storage Blob Data Contributor", "roleType": "BuiltInRole",
   "assignableScopes": ["/"],
   "permissions": [{"actions": ["Microsoft.Storage/storageAccounts/blobServices/containers/*"], "notActions": [],
                    "dataActions": ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"], "notDataActions": []}]},
  {"id": "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/a1",
   "principalId": "0c5b9f57-0000-4000-8000-000000000001", "principalName": "alice@contoso.com", "principalType": "User",
   "roleDefinitionName": "Contributor", "scope": "/subscriptions/s1"}
]`
	m, err := azure.Read(strings.NewReader(input), azure.Options{File: "azure.json"})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range m.Roles {
		for _, p := range r.Permissions {
			fmt.Printf("%s: %s %v not %v\n", r.Name, p.Effect, p.Actions, p.NotActions)
		}
	}
	for _, b := range m.Bindings {
		fmt.Printf("%s -> %s at %s\n", b.Principal, b.Role, b.Scope)
	}
	// Output:
	// Contributor: allow [*] not [Microsoft.Authorization/*/Write]
	// Storage Blob Data Contributor: allow [Microsoft.Storage/storageAccounts/blobServices/containers/*] not []
	// Storage Blob Data Contributor: allow [data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*] not []
	// azure:user:alice@contoso.com -> azure:role:Contributor at resource:/subscriptions/s1
}
