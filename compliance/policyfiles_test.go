package compliance_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
)

// gzipped compresses b as one gzip member.
func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// tarEntry is a tar header for a file of size bytes, then content.
func tarEntry(t *testing.T, name string, size int64, content []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}))
	buf.Write(content)
	if pad := len(content) % 512; pad != 0 {
		buf.Write(make([]byte, 512-pad))
	}
	return buf.Bytes()
}

func TestPolicyFileLimits(t *testing.T) {
	const secret = "SECRET-policy-7c1e"
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.rego")
	require.NoError(t, os.WriteFile(outside, []byte("package secret\n# "+secret+"\n"), 0o644))
	mkdir := func(name string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(p, 0o755))
		return p
	}
	linked := mkdir("linked")
	require.NoError(t, os.Symlink(outside, filepath.Join(linked, "evil.rego")))
	linkedBundle := mkdir("linkedbundle")
	require.NoError(t, os.Symlink(outside, filepath.Join(linkedBundle, "evil.rego")))
	inside := mkdir("inside")
	require.NoError(t, os.WriteFile(filepath.Join(inside, "real.rego.txt"), []byte("package aspm.controls.x\n"), 0o644))
	require.NoError(t, os.Symlink("real.rego.txt", filepath.Join(inside, "x.rego")))
	big := mkdir("big")
	f, err := os.Create(filepath.Join(big, "big.rego"))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(compliance.MaxPolicyFileBytes+1))
	require.NoError(t, f.Close())

	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	// Nine 8 MiB files: one member, repeated, inflating past MaxBundleBytes.
	const eight = 8 << 20
	bomb := write("bomb.tar.gz", bytes.Repeat(gzipped(t, tarEntry(t, "data.json", eight, make([]byte, eight))), 9))
	claims := write("claims.tar.gz", gzipped(t, tarEntry(t, "p.rego", 1<<40, nil)))
	tooBig := write("toobig.tar.gz", make([]byte, compliance.MaxBundleBytes+1))
	var many []byte
	for range compliance.MaxBundleFiles + 1 {
		many = append(many, tarEntry(t, "d.json", 2, []byte("{}"))...)
	}
	manyFiles := write("many.tar.gz", gzipped(t, many))

	tests := []struct {
		name string
		opts compliance.Options
		msg  string
	}{
		{"link out of a directory", compliance.Options{Dirs: []string{linked}}, "evil.rego: openat evil.rego: path escapes from parent"},
		{"link in a bundle directory", compliance.Options{Bundles: []string{linkedBundle}}, "evil.rego: bundle: a symbolic link"},
		{"file over the limit", compliance.Options{Dirs: []string{big}}, "big.rego: policy file of 16777217 bytes, larger than 16777216"},
		{"fs.FS file over the limit", compliance.Options{Policies: []fs.FS{fstest.MapFS{"a.rego": {Data: []byte(strings.Repeat("#", compliance.MaxPolicyFileBytes+1))}}}},
			"a.rego: policy file of 16777217 bytes"},
		{"gzip bomb", compliance.Options{Bundles: []string{bomb}}, "bomb.tar.gz: bundle: bundle inflates to more than 67108864 bytes"},
		{"entry claiming 1 TiB", compliance.Options{Bundles: []string{claims}}, "claims.tar.gz: bundle: p.rego: 1099511627776 bytes, larger than 16777216"},
		{"bundle over the limit", compliance.Options{Bundles: []string{tooBig}}, "toobig.tar.gz: bundle: bundle larger than 67108864 bytes"},
		{"too many entries", compliance.Options{Bundles: []string{manyFiles}}, "many.tar.gz: bundle: bundle of more than 10000 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.DisableBuiltins = true
			_, err := compliance.New(context.Background(), tt.opts)
			require.ErrorIs(t, err, compliance.ErrPolicy)
			assert.ErrorContains(t, err, tt.msg)
			assert.NotContains(t, err.Error(), secret)
		})
	}

	// A link that stays inside the directory is read.
	_, err = compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Dirs: []string{inside}})
	assert.NoError(t, err)
}
