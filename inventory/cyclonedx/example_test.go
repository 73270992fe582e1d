package cyclonedx_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

func ExampleRead() {
	sbom := `{
	  "bomFormat": "CycloneDX",
	  "specVersion": "1.5",
	  "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "shop", "version": "2.1"}},
	  "components": [
	    {"type": "library", "bom-ref": "express", "name": "express", "version": "4.18.2",
	     "purl": "pkg:npm/express@4.18.2", "scope": "required"},
	    {"type": "library", "bom-ref": "ms", "name": "ms", "version": "2.0.0", "purl": "pkg:npm/ms@2.0.0"}
	  ],
	  "dependencies": [
	    {"ref": "app", "dependsOn": ["express"]},
	    {"ref": "express", "dependsOn": ["ms"]}
	  ]
	}`
	g := inventory.New()
	res, err := cyclonedx.Read(strings.NewReader(sbom), g, cyclonedx.Options{Name: "sbom.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Root, res.Components, "components,", res.Dependencies, "dependencies")
	for _, e := range g.Edges() {
		fmt.Println(e.From, e.Type, e.To, e.Scope, e.Relationship)
	}
	who, _ := g.Dependents("component:pkg:npm/ms@2.0.0", inventory.Traversal{})
	fmt.Println(who)
	// Output:
	// application:shop 3 components, 2 dependencies
	// application:shop depends_on component:pkg:npm/express@4.18.2 runtime direct
	// component:pkg:npm/express@4.18.2 depends_on component:pkg:npm/ms@2.0.0  transitive
	// [application:shop component:pkg:npm/express@4.18.2]
}

func ExampleRead_services() {
	saasbom := `{
	  "bomFormat": "CycloneDX",
	  "specVersion": "1.4",
	  "services": [
	    {"bom-ref": "gw", "name": "gateway", "endpoints": ["https://api.example.com/"],
	     "x-trust-boundary": true, "data": [{"classification": "PII", "flow": "inbound"}]},
	    {"bom-ref": "db", "name": "orders-db", "x-trust-boundary": false}
	  ],
	  "dependencies": [{"ref": "gw", "dependsOn": ["db"]}]
	}`
	g := inventory.New()
	if _, err := cyclonedx.Read(strings.NewReader(saasbom), g, cyclonedx.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range g.Assets() {
		fmt.Println(a.ID, a.Exposure, a.DataClass, a.DataTags)
	}
	paths, _ := g.ExposurePaths("service:orders-db", 0)
	fmt.Println(paths)
	// Output:
	// endpoint:https://api.example.com/ internet  []
	// service:gateway internet confidential [PII]
	// service:orders-db internal  []
	// [[service:gateway service:orders-db]]
}

func ExampleRead_error() {
	g := inventory.New()
	_, err := cyclonedx.Read(strings.NewReader(`{"bomFormat": "CycloneDX", "specVersion": "1.6",
	  "components": [{"type": "library", "name": "left-pad", "purl": "left-pad@1.3.0"}]}`), g, cyclonedx.Options{Name: "bom.json"})
	fmt.Println(err)
	// Output:
	// cyclonedx: bom.json: components[0].purl: invalid document: inventory: invalid asset identity: purl "left-pad@1.3.0": purl scheme is not "pkg": "left-pad@1.3.0"
}

func ExampleWrite() {
	g := inventory.New()
	app, _ := g.Add(inventory.Asset{Kind: inventory.KindApplication, Name: "shop", Exposure: "internet", Owner: "team:web"})
	lib, _ := g.Add(inventory.Asset{Kind: inventory.KindComponent, Name: "ms", Version: "2.0.0", PURL: "pkg:npm/ms@2.0.0"})
	_ = g.Link(inventory.Edge{From: app, To: lib, Type: inventory.DependsOn, Scope: "runtime", Relationship: "direct"})

	err := cyclonedx.Write(os.Stdout, g, cyclonedx.WriteOptions{Format: cyclonedx.XML, Root: app, Strict: true})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
	//   <metadata>
	//     <tools>
	//       <components>
	//         <component type="application">
	//           <name>aspm</name>
	//         </component>
	//       </components>
	//     </tools>
	//     <component bom-ref="application:shop" type="application">
	//       <name>shop</name>
	//       <properties>
	//         <property name="aspm:exposure">internet</property>
	//         <property name="aspm:owner">team:web</property>
	//       </properties>
	//     </component>
	//   </metadata>
	//   <components>
	//     <component bom-ref="component:pkg:npm/ms@2.0.0" type="library">
	//       <name>ms</name>
	//       <version>2.0.0</version>
	//       <scope>required</scope>
	//       <purl>pkg:npm/ms@2.0.0</purl>
	//     </component>
	//   </components>
	//   <dependencies>
	//     <dependency ref="application:shop">
	//       <dependency ref="component:pkg:npm/ms@2.0.0"></dependency>
	//     </dependency>
	//   </dependencies>
	// </bom>
}
