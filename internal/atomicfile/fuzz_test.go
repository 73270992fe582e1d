package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzWriteName writes under arbitrary names: every write either fails
// with one of the package's errors or puts the file, whole, inside the
// directory; nothing ever lands outside and no temporary file remains.
func FuzzWriteName(f *testing.F) {
	for _, s := range []string{"report.html", "a/b/c", "../x", "/abs", "", ".", "..", "a/../../b", "a//b", "./x",
		"sub/", "x\x00y", ".report.html.tmp-0011223344556677", "link/x", "link", "in/x", "é/ü.txt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		base := t.TempDir()
		out, outside := filepath.Join(base, "out"), filepath.Join(base, "outside")
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(outside, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Symlink(filepath.Join("..", "outside"), filepath.Join(out, "link")) // best effort
		os.Mkdir(filepath.Join(out, "in"), 0o755)
		d, err := Open(out, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		err = d.WriteFile(name, []byte("data"))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Name != name {
				t.Fatalf("error %v is not an *Error naming %q", err, name)
			}
			if !errors.Is(err, ErrEscape) && !errors.Is(err, ErrName) && !errors.Is(err, ErrWrite) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
		} else {
			b, rerr := d.root.ReadFile(filepath.Clean(name))
			if rerr != nil || string(b) != "data" {
				t.Fatalf("wrote %q but reading it back gives %q, %v", name, b, rerr)
			}
		}
		if entries, _ := os.ReadDir(outside); len(entries) != 0 {
			t.Fatalf("%q: %d entries written outside", name, len(entries))
		}
		if entries, _ := os.ReadDir(base); len(entries) != 2 {
			t.Fatalf("%q: %d entries beside the directory", name, len(entries))
		}
		filepath.WalkDir(out, func(path string, de os.DirEntry, err error) error {
			if err == nil && strings.Contains(de.Name(), ".tmp-") && de.Name() != filepath.Base(filepath.Clean(name)) {
				t.Fatalf("%q: temporary file %s left behind", name, path)
			}
			return nil
		})
	})
}
