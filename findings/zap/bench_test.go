package zap_test

import (
	"bytes"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/zap"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func BenchmarkDecode(b *testing.B) {
	for _, rel := range []string{"zap/zap/zap-results-first-scan.xml", "zap/zap/owasp_zap.json"} {
		in := testcorpus.Read(b, rel)
		b.Run(rel, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if err := zap.Decode(bytes.NewReader(in), findings.DecodeOptions{}, findings.Handler{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
