package compliance

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
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

// sparseBundle builds a bundle whose one entry declares itself a GNU
// sparse file (PAX format 0.1: a 16 MiB file of which one byte is
// stored). archive/tar refuses to write sparse records, so the records
// are written under another prefix of the same length and renamed in the
// archive's bytes (a PAX record's length prefix does not change, and the
// header checksum does not cover the records).
func sparseBundle(tb testing.TB) []byte {
	tb.Helper()
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	h := &tar.Header{Name: "p.rego", Size: 1, Mode: 0o644, Format: tar.FormatPAX, PAXRecords: map[string]string{
		"XXX.sparse.major": "0", "XXX.sparse.minor": "1", "XXX.sparse.size": "16777216",
		"XXX.sparse.numblocks": "1", "XXX.sparse.map": "16777215,1",
	}}
	if err := tw.WriteHeader(h); err != nil {
		tb.Fatal(err)
	}
	if _, err := tw.Write([]byte("x")); err != nil {
		tb.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	raw := bytes.ReplaceAll(tarball.Bytes(), []byte("XXX.sparse."), []byte("GNU.sparse."))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckBundleRefusesSparseFiles(t *testing.T) {
	raw := sparseBundle(t)
	// archive/tar reads the entry as the sparse file it claims to be.
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h, err := tar.NewReader(zr).Next()
	if err != nil {
		t.Fatal(err)
	}
	if h.Size != 16<<20 {
		t.Fatalf("the hand-made sparse entry reads as %d bytes, want %d", h.Size, 16<<20)
	}
	err = checkBundle(raw)
	if err == nil || !strings.Contains(err.Error(), "sparse") {
		t.Fatalf("checkBundle = %v, want a sparse-file error", err)
	}
}

func TestCheckBundleAcceptsASmallBundle(t *testing.T) {
	files := map[string]string{}
	for i := range 5 {
		files[fmt.Sprintf("f%d.rego", i)] = strings.Repeat("#", 10)
	}
	if err := checkBundle(fuzzBundle(t, files)); err != nil {
		t.Fatalf("a small bundle: %v", err)
	}
}
