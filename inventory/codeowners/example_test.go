package codeowners_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/codeowners"
)

func ExampleParse() {
	file := `
*                    @acme/payments
/deploy/             @acme/platform
docs/*               docs@acme.example
/internal/gen/
`
	rules, err := codeowners.Parse(strings.NewReader(file), codeowners.Options{Name: ".github/CODEOWNERS"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, path := range []string{"main.go", "deploy/k8s/app.yaml", "docs/index.md", "docs/guides/setup.md", "internal/gen/api.pb.go"} {
		fmt.Printf("%-24s %v\n", path, rules.Owners(path))
	}
	// Output:
	// main.go                  [@acme/payments]
	// deploy/k8s/app.yaml      [@acme/platform]
	// docs/index.md            [docs@acme.example]
	// docs/guides/setup.md     [@acme/payments]
	// internal/gen/api.pb.go   []
}

func ExampleRules_Owners_gitLab() {
	file := `
* @acme/platform
[Security][2] @acme/appsec
/auth/
^[Docs]
*.md @acme/writers
`
	rules, _ := codeowners.Parse(strings.NewReader(file), codeowners.Options{})
	fmt.Println(rules.Owners("auth/README.md"))
	// Output:
	// [@acme/platform @acme/appsec @acme/writers]
}

func ExampleApply() {
	g := inventory.New()
	repo, _ := g.Add(inventory.Asset{Kind: inventory.KindRepository, URL: "https://github.com/acme/checkout"})
	// A team a catalog declared, with its GitHub handle.
	g.Add(inventory.Asset{Kind: inventory.KindTeam, Name: "payments", Properties: map[string]string{"github": "acme/payments"}})

	rules, _ := codeowners.Parse(strings.NewReader("* @acme/payments @octocat\n"), codeowners.Options{Name: "CODEOWNERS"})
	owners, err := codeowners.Apply(g, repo, rules)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(owners)
	for _, e := range g.Edges() {
		fmt.Println(e.From, e.Type, e.To)
	}
	// Output:
	// [person:octocat team:payments]
	// repository:github.com/acme/checkout owned_by person:octocat
	// repository:github.com/acme/checkout owned_by team:payments
}

func ExampleError() {
	_, err := codeowners.Parse(strings.NewReader("* @acme/payments\n/deploy/ platform-team\n"), codeowners.Options{Name: "CODEOWNERS"})
	fmt.Println(err)
	// Output:
	// codeowners: CODEOWNERS: line 2, column 10: invalid file: owner "platform-team" is not @user, @org/team, @@role or an e-mail address
}
