package spdx_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/spdx"
)

// synthetic returns an SPDX JSON document of n packages, each depending on
// the next, all contained by a described root.
func synthetic(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"bench","packages":[`)
	b.WriteString(`{"SPDXID":"SPDXRef-root","name":"root","versionInfo":"1"}`)
	for i := range n {
		fmt.Fprintf(&b, `,{"SPDXID":"SPDXRef-p%d","name":"p%d","versionInfo":"1.0.%d","licenseConcluded":"MIT",`+
			`"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/p%d@1.0.%d"}]}`,
			i, i, i, i, i)
	}
	b.WriteString(`],"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-root"}`)
	for i := range n {
		fmt.Fprintf(&b, `,{"spdxElementId":"SPDXRef-root","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-p%d"}`, i)
		if i+1 < n {
			fmt.Fprintf(&b, `,{"spdxElementId":"SPDXRef-p%d","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-p%d"}`, i, i+1)
		}
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func benchRead(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		g := inventory.New()
		if _, err := spdx.Read(bytes.NewReader(in), g, spdx.Options{Name: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead reads a synthetic JSON document of 1000 packages and
// ~2000 relationships.
func BenchmarkRead(b *testing.B) { benchRead(b, synthetic(1000)) }

// BenchmarkReadTrivy reads a real Trivy image SBOM (124 packages, 329
// relationships).
func BenchmarkReadTrivy(b *testing.B) {
	in, err := os.ReadFile(testcorpus.Path(b, "spdx/trivy/trivy_multiple_observations.spdx.json"))
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, in)
}

// BenchmarkReadTagValue reads the corpus's syft tag-value document.
func BenchmarkReadTagValue(b *testing.B) {
	in, err := os.ReadFile(testcorpus.Path(b, "spdx/syft/syft_tag-value.spdx"))
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, in)
}
