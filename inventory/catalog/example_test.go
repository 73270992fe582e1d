package catalog_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
)

func ExampleRead() {
	doc := `
apiVersion: aspm/v1
kind: Catalog
teams:
  - name: payments
    email: payments@acme.example
environments:
  - name: production
applications:
  - name: checkout
    owner: payments
    criticality: critical
    exposure: internet
    data: {class: restricted, tags: [PCI]}
    repositories: [https://github.com/acme/checkout]
    services:
      - name: shop/checkout-api
        environments: [production]
        images: [ghcr.io/acme/checkout-api:2.3.1]
`
	g := inventory.New()
	res, err := catalog.Read(strings.NewReader(doc), g, catalog.Options{Name: "catalog.yaml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Root, res.Assets, "assets", res.Edges, "edges")
	for _, e := range g.Edges() {
		fmt.Println(e.From, e.Type, e.To)
	}
	owner, _, _, _ := g.Owner("image:ghcr.io/acme/checkout-api:2.3.1")
	fmt.Println("image owner:", owner)
	ra, _ := g.RiskAsset("image:ghcr.io/acme/checkout-api:2.3.1")
	fmt.Println("image risk:", ra.Exposure, ra.Environment, ra.Criticality, ra.DataSensitivity)
	// Output:
	// application:checkout 6 assets 5 edges
	// application:checkout contains repository:github.com/acme/checkout
	// application:checkout contains service:shop/checkout-api
	// application:checkout owned_by team:payments
	// service:shop/checkout-api runs_in environment:production
	// service:shop/checkout-api deploys image:ghcr.io/acme/checkout-api:2.3.1
	// image owner: team:payments
	// image risk: internet production critical restricted
}

func ExampleRead_error() {
	doc := `
apiVersion: aspm/v1
kind: Catalog
applications:
  - name: checkout
    owner: payments
`
	_, err := catalog.Read(strings.NewReader(doc), inventory.New(), catalog.Options{Name: "catalog.yaml"})
	fmt.Println(err)
	// Output:
	// catalog: catalog.yaml: line 6, column 12: applications[0].owner: invalid document: owner "payments" is not declared under teams or people
}
