package load

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aspmkit/aspm/inventory"
)

// FuzzRead feeds arbitrary bytes to detection and every importer behind
// it: no panic, and an unrecognized input is ErrUnknownFormat.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","purl":"pkg:npm/a@1"}]}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components/></bom>`,
		`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[]}`,
		"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n",
		"apiVersion: aspm/v1\nkind: Catalog\n",
		"apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {type: LoadBalancer}\n",
		`{"assets":[{"id":"team:a","kind":"team","name":"a"}],"edges":[]}`,
		"", "{", "hello",
		// Hostile graphs: nested too deep, a number for a name.
		`{"assets":[` + strings.Repeat("[", 600) + `]}`,
		`{"assets":[{"id":"team:a","kind":"team","name":1e400}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := inventory.New()
		res, err := Read(bytes.NewReader(data), g, Options{Name: "fuzz"})
		if err == nil && res.Format == "" {
			t.Fatal("no error and no format")
		}
		if Detect(data) == "" && !errors.Is(err, ErrUnknownFormat) {
			t.Fatalf("undetected input gave %v", err)
		}
	})
}
