package inventory_test

import (
	"fmt"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// Build a small graph by hand and ask the questions prioritization needs:
// what depends on a vulnerable package, is it reachable from the internet,
// who owns it.
func Example() {
	g := inventory.New()
	team, _ := g.Add(inventory.Asset{Kind: inventory.KindTeam, Name: "payments"})
	app, _ := g.Add(inventory.Asset{Kind: inventory.KindApplication, Name: "shop", Owner: team, Criticality: risk.CriticalityCritical})
	web, _ := g.Add(inventory.Asset{Kind: inventory.KindService, Name: "web", Exposure: risk.ExposureInternet})
	express, _ := g.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:npm/express@4.18.2"})
	qs, _ := g.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:npm/qs@6.11.0"})
	_ = g.Link(inventory.Edge{From: app, To: web, Type: inventory.Contains})
	_ = g.Link(inventory.Edge{From: web, To: express, Type: inventory.DependsOn, Scope: findings.ScopeRuntime, Relationship: findings.RelationshipDirect})
	_ = g.Link(inventory.Edge{From: express, To: qs, Type: inventory.DependsOn, Scope: findings.ScopeRuntime, Relationship: findings.RelationshipTransitive})

	found, _ := g.FindComponents("pkg:npm/qs") // every version
	dependents, _ := g.Dependents(found[0], inventory.Traversal{})
	paths, _ := g.ExposurePaths(qs, 0)
	owner, _, _, _ := g.Owner(qs)
	ra, _ := g.RiskAsset(qs)
	fmt.Println(found)
	fmt.Println(dependents)
	fmt.Println(paths)
	fmt.Println(owner)
	fmt.Println(ra.Exposure, ra.Criticality)
	// Output:
	// [component:pkg:npm/qs@6.11.0]
	// [application:shop component:pkg:npm/express@4.18.2 service:web]
	// [[service:web component:pkg:npm/express@4.18.2 component:pkg:npm/qs@6.11.0]]
	// team:payments
	// internet critical
}

// Diff two inventories to see drift: what was added, removed or upgraded.
func ExampleDiff() {
	before, after := inventory.New(), inventory.New()
	_, _ = before.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:golang/github.com/BurntSushi/toml@v1.3.2"})
	_, _ = before.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:npm/left-pad@1.3.0"})
	_, _ = after.Add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:golang/github.com/BurntSushi/toml@v1.4.0"})
	c := inventory.Diff(before, after)
	fmt.Println("removed:", c.Removed)
	for _, u := range c.Upgraded {
		fmt.Println("upgraded:", u.Package, u.FromVersion, "→", u.ToVersion)
	}
	// Output:
	// removed: [component:pkg:npm/left-pad@1.3.0]
	// upgraded: pkg:golang/github.com/BurntSushi/toml v1.3.2 → v1.4.0
}
