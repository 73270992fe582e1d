package testcorpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// DataRoot returns the absolute path of the shared scoring data directory
// (../shared/data beside the repository, or $ASPM_DATA): CVSS test vectors,
// the CISA KEV catalog, an EPSS sample and the SSVC decision tables. It
// returns "" when the directory does not exist.
func DataRoot() string {
	dir := os.Getenv("ASPM_DATA")
	if dir == "" {
		_, file, _, ok := runtime.Caller(0)
		if !ok {
			return ""
		}
		// file is <repo>/internal/testcorpus/data.go.
		repo := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		dir = filepath.Join(filepath.Dir(repo), "shared", "data")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// DataPath returns the path of rel (slash-separated) inside the shared
// data directory. Like [Dir], it skips the test when the directory is
// absent, or fails it when CI is "true".
func DataPath(tb testing.TB, rel string) string {
	tb.Helper()
	dir := DataRoot()
	if dir == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("the shared data (../shared/data beside the repository, or $ASPM_DATA) is missing, and CI=true requires it")
		}
		tb.Skip("skipping: the shared data (../shared/data beside the repository, or $ASPM_DATA) is not present")
	}
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// ReadData returns the contents of rel inside the shared data directory,
// skipping or failing the test as [DataPath] does when it is absent.
func ReadData(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(DataPath(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
