package depcheck_test

import (
	"bytes"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/depcheck"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func BenchmarkDecodePR6439(b *testing.B) {
	in := testcorpus.Read(b, "dependency-check/dependency-check/PR6439.xml")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := depcheck.Decode(bytes.NewReader(in), findings.DecodeOptions{}, findings.Handler{}); err != nil {
			b.Fatal(err)
		}
	}
}
