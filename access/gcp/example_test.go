package gcp_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/aspmkit/aspm/access/gcp"
)

func ExampleRead() {
	const cai = `[{
  "name": "//cloudresourcemanager.googleapis.com/projects/12345",
  "asset_type": "cloudresourcemanager.googleapis.com/Project",
  "iam_policy": {"bindings": [
    {"role": "roles/owner", "members": ["user:alice@example.com", "user:evil@elsewhere.com"]},
    {"role": "roles/viewer", "members": ["allUsers"]}
  ]}
}]`
	m, err := gcp.Read(strings.NewReader(cai), gcp.Options{File: "cai.json", Domain: "example.com"})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range m.Principals {
		fmt.Printf("%s external=%t\n", p.ID, p.External)
	}
	for _, b := range m.Bindings {
		fmt.Printf("%s -> %s (%s)\n", b.Principal, b.Role, b.Scope.Kind)
	}
	// Output:
	// gcp:federated:allUsers external=true
	// gcp:user:alice@example.com external=false
	// gcp:user:evil@elsewhere.com external=true
	// gcp:user:alice@example.com -> gcp:role:roles/owner (project)
	// gcp:user:evil@elsewhere.com -> gcp:role:roles/owner (project)
	// gcp:federated:allUsers -> gcp:role:roles/viewer (project)
}
