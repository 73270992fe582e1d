package cyclonedx_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
)

// bigSBOM generates a JSON BOM of n components (npm packages with purls,
// licenses and two properties each), every one depending on the next
// three, and the subject on the first hundred.
func bigSBOM(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",`)
	b.WriteString(`"metadata":{"component":{"type":"application","bom-ref":"root","name":"big-app","version":"1.0.0"}},"components":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"library","bom-ref":"c%d","group":"@scope%d","name":"pkg-%d","version":"1.%d.0",`+
			`"purl":"pkg:npm/%%40scope%d/pkg-%d@1.%d.0","scope":"required","licenses":[{"license":{"id":"MIT"}}],`+
			`"properties":[{"name":"cdx:npm:package:path","value":"node_modules/@scope%d/pkg-%d"},{"name":"cdx:npm:package:development","value":"false"}]}`,
			i, i%50, i, i%10, i%50, i, i%10, i%50, i)
	}
	b.WriteString(`],"dependencies":[{"ref":"root","dependsOn":[`)
	for i := range min(n, 100) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"c%d"`, i)
	}
	b.WriteString(`]}`)
	for i := range n {
		fmt.Fprintf(&b, `,{"ref":"c%d","dependsOn":[`, i)
		for j := 1; j <= 3 && i+j < n; j++ {
			if j > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"c%d"`, i+j)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func readBench(b *testing.B, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		g := inventory.New()
		if _, err := cyclonedx.Read(bytes.NewReader(data), g, cyclonedx.Options{Name: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead imports a generated 10,000-component SBOM (with 30,000
// dependencies), as JSON and, written back by this package, as XML.
func BenchmarkRead(b *testing.B) {
	data := bigSBOM(10000)
	g := inventory.New()
	res, err := cyclonedx.Read(bytes.NewReader(data), g, cyclonedx.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var xml bytes.Buffer
	if err := cyclonedx.Write(&xml, g, cyclonedx.WriteOptions{Format: cyclonedx.XML, Root: res.Root}); err != nil {
		b.Fatal(err)
	}
	b.Run("json", func(b *testing.B) { readBench(b, data) })
	b.Run("xml", func(b *testing.B) { readBench(b, xml.Bytes()) })
}

// BenchmarkReadCorpus imports the largest real SBOM of the corpus (1,116
// npm components).
func BenchmarkReadCorpus(b *testing.B) {
	readBench(b, testcorpus.Read(b, "cyclonedx/cyclonedx-npm/juice-shop-bare.bom.1.4.json"))
}

// BenchmarkWrite exports the graph of the generated 10,000-component SBOM.
func BenchmarkWrite(b *testing.B) {
	g := inventory.New()
	res, err := cyclonedx.Read(bytes.NewReader(bigSBOM(10000)), g, cyclonedx.Options{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []cyclonedx.Format{cyclonedx.JSON, cyclonedx.XML} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if err := cyclonedx.Write(&out, g, cyclonedx.WriteOptions{Format: f, Root: res.Root}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(out.Len()))
		})
	}
}

func TestBigSBOM(t *testing.T) {
	g := inventory.New()
	res, err := cyclonedx.Read(bytes.NewReader(bigSBOM(300)), g, cyclonedx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Components != 301 || res.Dependencies != 100+3*300-3-2-1 || g.Len() != 301 {
		t.Fatalf("%+v, %d assets", res, g.Len())
	}
}
