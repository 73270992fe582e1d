package compliance

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"testing"
)

// fuzzBundle returns a gzip-compressed tarball of the given files.
func fuzzBundle(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzCheckBundle feeds arbitrary bytes to the check every bundle tarball
// passes before OPA's reader sees it: it must never panic, and what it
// accepts must stay within the bundle limits.
func FuzzCheckBundle(f *testing.F) {
	f.Add(fuzzBundle(f, map[string]string{"policy.rego": "package p\n\nx := 1\n", ".manifest": `{"roots":["p"]}`}))
	f.Add(fuzzBundle(f, map[string]string{}))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Add([]byte("not a tarball"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if err := checkBundle(raw); err != nil {
			return
		}
		// Accepted: the archive's entries are each within
		// MaxPolicyFileBytes, as the check promises.
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("accepted a bundle that is not gzip: %v", err)
		}
		tr := tar.NewReader(zr)
		for range MaxBundleFiles {
			h, err := tr.Next()
			if err != nil {
				return
			}
			if h.Size > MaxPolicyFileBytes {
				t.Fatalf("accepted %s of %d bytes", h.Name, h.Size)
			}
		}
	})
}
