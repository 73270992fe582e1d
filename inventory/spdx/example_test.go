package spdx_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/spdx"
)

func ExampleRead() {
	doc := `{
  "spdxVersion": "SPDX-2.3",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "shop",
  "packages": [
    {"SPDXID": "SPDXRef-shop", "name": "shop", "versionInfo": "1.0.0"},
    {"SPDXID": "SPDXRef-express", "name": "express", "versionInfo": "4.18.2", "licenseDeclared": "MIT",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/express@4.18.2"}]},
    {"SPDXID": "SPDXRef-jest", "name": "jest", "versionInfo": "29.7.0",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/jest@29.7.0"}]}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-shop"},
    {"spdxElementId": "SPDXRef-shop", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-express"},
    {"spdxElementId": "SPDXRef-jest", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-shop"}
  ]
}`
	g := inventory.New()
	res, err := spdx.Read(strings.NewReader(doc), g, spdx.Options{Name: "shop.spdx.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("root:", res.Root)
	fmt.Println("packages:", res.Packages, "edges:", res.Edges)
	for _, e := range g.Edges() {
		line := fmt.Sprint(e.From, " ", e.Type, " ", e.To)
		if e.Scope != "" {
			line += " (" + string(e.Scope) + ")"
		}
		fmt.Println(line)
	}
	// Output:
	// root: application:shop
	// packages: 3 edges: 2
	// application:shop depends_on component:pkg:npm/express@4.18.2
	// application:shop depends_on component:pkg:npm/jest@29.7.0 (dev)
}

// Tag-value documents read the same way; the serialization is recognized
// by content.
func ExampleRead_tagValue() {
	doc := `SPDXVersion: SPDX-2.3
SPDXID: SPDXRef-DOCUMENT
DocumentName: base-image

PackageName: acme/base
SPDXID: SPDXRef-image
PackageVersion: sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368
PrimaryPackagePurpose: CONTAINER

PackageName: openssl
SPDXID: SPDXRef-openssl
PackageVersion: 3.1.4-r5
ExternalRef: PACKAGE-MANAGER purl pkg:apk/alpine/openssl@3.1.4-r5?arch=x86_64

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-image
Relationship: SPDXRef-image CONTAINS SPDXRef-openssl
`
	g := inventory.New()
	res, err := spdx.Read(strings.NewReader(doc), g, spdx.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format, res.Version)
	deps, _ := g.Dependencies(res.Root, inventory.Traversal{})
	fmt.Println(res.Root, "contains", deps)
	// Output:
	// tag-value SPDX-2.3
	// image:sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368 contains [component:pkg:apk/alpine/openssl@3.1.4-r5]
}

// SPDX 3 documents are recognized and refused with a typed error.
func ExampleError() {
	doc := `{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}`
	_, err := spdx.Read(strings.NewReader(doc), inventory.New(), spdx.Options{Name: "sbom.json"})
	var e *spdx.Error
	if errors.As(err, &e) {
		fmt.Println(e.File, e.Format, errors.Is(err, spdx.ErrUnsupported))
	}
	fmt.Println(err)
	// Output:
	// sbom.json json true
	// spdx: sbom.json: json: unsupported format: JSON-LD (SPDX 3) is not read; aspm reads SPDX 2.1 to 2.3
}
