package github_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/aspmkit/aspm/access/github"
)

// An export names the organization, its owners and members, the members
// without two-factor authentication, and the collaborators of each
// repository, in the shapes the REST API returns (trimmed here).
func ExampleRead() {
	const export = `{
  "organization": {"login": "acme", "two_factor_requirement_enabled": false},
  "members": [{"login": "alice", "type": "User"}, {"login": "bob", "type": "User"}],
  "admins": [{"login": "alice", "type": "User"}],
  "members_2fa_disabled": [{"login": "bob", "type": "User"}],
  "outside_collaborators": [{"login": "eve", "type": "User"}],
  "repositories": [{
    "full_name": "acme/api",
    "collaborators": [
      {"login": "bob", "type": "User", "role_name": "write"},
      {"login": "eve", "type": "User", "permissions": {"admin": true, "maintain": true, "push": true, "triage": true, "pull": true}}
    ]
  }]
}`
	m, err := github.Read(strings.NewReader(export), github.Options{File: "acme.json"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("account", m.Accounts[0].ID, "mfa_required:", m.Accounts[0].MFARequired)
	for _, p := range m.Principals {
		fmt.Printf("%s mfa=%s external=%t\n", p.ID, p.MFA, p.External)
	}
	for _, b := range m.Bindings {
		fmt.Printf("%s -> %s on %s (line %d)\n", b.Principal, b.Role, b.Scope, b.Source.Line)
	}
	// Output:
	// account github:org:acme mfa_required: no
	// github:user:alice mfa=yes external=false
	// github:user:bob mfa=no external=false
	// github:user:eve mfa= external=true
	// github:user:eve -> github:role:repo/admin on repo:acme/api (line 11)
	// github:user:bob -> github:role:repo/push on repo:acme/api (line 10)
	// github:user:alice -> github:role:org/admin on org:acme (line 4)
	// github:user:bob -> github:role:org/member on org:acme (line 3)
}
