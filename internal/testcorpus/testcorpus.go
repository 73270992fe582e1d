// Package testcorpus locates the shared corpus of real scanner output
// (../shared/corpus beside the repository) for tests.
//
// When the corpus is absent, tests that need it skip with a clear message,
// so that `go test ./...` passes on a user's machine; when the environment
// variable CI is "true" a missing corpus fails them instead.
package testcorpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the absolute path of the shared corpus directory, or "" when
// it does not exist.
func Root() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// file is <repo>/internal/testcorpus/testcorpus.go.
	repo := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	dir := filepath.Join(filepath.Dir(repo), "shared", "corpus")
	if env := os.Getenv("ASPM_CORPUS"); env != "" {
		dir = env
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// Dir returns the corpus directory, skipping the test when it is absent
// (failing it when CI=true).
func Dir(tb testing.TB) string {
	tb.Helper()
	dir := Root()
	if dir == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("the shared corpus (../shared/corpus beside the repository, or $ASPM_CORPUS) is missing, and CI=true requires it")
		}
		tb.Skip("skipping: the shared corpus (../shared/corpus beside the repository, or $ASPM_CORPUS) is not present")
	}
	return dir
}

// Path returns the absolute path of a corpus file given relative to the
// corpus root (like "sarif/codeql/codeQL-output.sarif"), skipping or failing
// as [Dir] does when the corpus is absent.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	return filepath.Join(Dir(tb), filepath.FromSlash(rel))
}

// Read returns the contents of a corpus file; see [Path].
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Glob returns the corpus files matching pattern (relative to the corpus
// root, filepath.Match syntax), or nil when the corpus is absent. Fuzz
// targets use it to seed from real files without skipping.
func Glob(pattern string) []string {
	dir := Root()
	if dir == "" {
		return nil
	}
	m, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
	return m
}
