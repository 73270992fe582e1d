package load_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/load"
)

// Any source is recognized by its content: here, a CycloneDX SBOM.
func ExampleRead() {
	sbom := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
	  "metadata": {"component": {"type": "application", "name": "shop", "bom-ref": "shop"}},
	  "components": [{"type": "library", "name": "lodash", "version": "4.17.21", "purl": "pkg:npm/lodash@4.17.21", "bom-ref": "lodash"}],
	  "dependencies": [{"ref": "shop", "dependsOn": ["lodash"]}]}`
	g := inventory.New()
	res, err := load.Read(strings.NewReader(sbom), g, load.Options{Name: "shop.cdx.json"})
	if err != nil {
		panic(err)
	}
	deps, _ := g.Dependents("component:pkg:npm/lodash@4.17.21", inventory.Traversal{})
	fmt.Println(res.Format, res.Root)
	fmt.Println(deps)
	// Output:
	// cyclonedx application:shop
	// [application:shop]
}
