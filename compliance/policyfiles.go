package compliance

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Limits of the policy files [New] loads. Policies are code and
// configuration written by people: these bounds are far above any real
// control library while keeping a hostile file from exhausting memory.
const (
	// MaxPolicyFileBytes bounds one policy file: a .rego module of a
	// directory or fs.FS, or a module or data document of a bundle.
	MaxPolicyFileBytes = 16 << 20
	// MaxBundleBytes bounds a bundle tarball, both as stored (gzip) and
	// once inflated: a gzip bomb stops after MaxBundleBytes inflated.
	MaxBundleBytes = 64 << 20
	// MaxBundleFiles bounds the entries of a bundle tarball.
	MaxBundleFiles = 10000
)

// limitFS is a file system whose ReadFile refuses files larger than max,
// reading no more than max+1 bytes of any.
type limitFS struct {
	fs.FS
	max int64
}

// ReadFile implements fs.ReadFileFS.
func (l limitFS) ReadFile(name string) ([]byte, error) {
	f, err := l.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > l.max {
		return nil, fmt.Errorf("policy file of %d bytes, larger than %d (MaxPolicyFileBytes)", fi.Size(), l.max)
	}
	data, err := io.ReadAll(io.LimitReader(f, l.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > l.max {
		return nil, fmt.Errorf("policy file larger than %d bytes (MaxPolicyFileBytes)", l.max)
	}
	return data, nil
}

// ReadDir implements fs.ReadDirFS.
func (l limitFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(l.FS, name) }

// dirFS returns the file system of a policy directory: rooted at dir, so
// that a symbolic link leading out of it cannot be read (the error names
// the link), and holding each file to MaxPolicyFileBytes. The caller
// closes the root with the function returned once the files are read.
func dirFS(dir string) (fs.FS, func() error, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, err
	}
	return limitFS{FS: root.FS(), max: MaxPolicyFileBytes}, root.Close, nil
}

// firstSymlink returns the path of the first symbolic link under dir, in
// lexical order, or "".
func firstSymlink(dir string) string {
	found := ""
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink != 0 {
			found = p
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// readBundleFile reads a bundle tarball, bounded by MaxBundleBytes, and
// checks what it inflates to before OPA's reader sees it: at most
// MaxBundleBytes inflated, MaxBundleFiles entries, MaxPolicyFileBytes a
// file. (OPA's tarball reader holds every file in memory at once, each
// sized by what its header claims.)
func readBundleFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxBundleBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxBundleBytes {
		return nil, fmt.Errorf("bundle larger than %d bytes (MaxBundleBytes)", MaxBundleBytes)
	}
	if err := checkBundle(raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// checkBundle walks a gzip-compressed tarball without keeping it.
func checkBundle(raw []byte) error {
	gr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not a gzip-compressed tarball: %w", err)
	}
	inflated := &countingReader{r: io.LimitReader(gr, MaxBundleBytes+1)}
	tr := tar.NewReader(inflated)
	var declared int64 // the sizes the entries' headers declare
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if inflated.n > MaxBundleBytes {
			return fmt.Errorf("bundle inflates to more than %d bytes (MaxBundleBytes): a gzip bomb?", MaxBundleBytes)
		}
		if err != nil {
			return fmt.Errorf("tarball: %w", err)
		}
		if n >= MaxBundleFiles {
			return fmt.Errorf("bundle of more than %d entries (MaxBundleFiles)", MaxBundleFiles)
		}
		if h.Typeflag == tar.TypeGNUSparse || sparsePAX(h) {
			// A sparse entry declares a size it does not store: OPA's
			// reader, which takes every entry as a regular file, would
			// allocate the declared size.
			return fmt.Errorf("%s: a sparse file (bundles hold regular files only)", h.Name)
		}
		if h.Size > MaxPolicyFileBytes {
			return fmt.Errorf("%s: %d bytes, larger than %d (MaxPolicyFileBytes)", h.Name, h.Size, MaxPolicyFileBytes)
		}
		if declared += h.Size; declared > MaxBundleBytes {
			return fmt.Errorf("bundle files declare more than %d bytes in all (MaxBundleBytes)", MaxBundleBytes)
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			if inflated.n > MaxBundleBytes {
				return fmt.Errorf("bundle inflates to more than %d bytes (MaxBundleBytes): a gzip bomb?", MaxBundleBytes)
			}
			return fmt.Errorf("tarball: %s: %w", h.Name, err)
		}
	}
	// What follows the end of the archive is not inflated: OPA's reader
	// stops there too.
	return nil
}

// sparsePAX reports whether h carries GNU sparse-file records in PAX
// form, which leave the entry a regular file to readers that ignore them.
func sparsePAX(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
