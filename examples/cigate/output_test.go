package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOutputFiles: --sarif and --junit are written atomically in their
// directory, replacing a symbolic link at the name instead of writing
// through it, and a failed write names the file and leaves nothing behind.
func TestOutputFiles(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares dir (beside outside/secret) and returns the
		// --sarif and --junit paths.
		setup func(t *testing.T, dir, secret string) (sarifFile, junitFile string)
		code  int
		errs  []string
	}{
		{
			name: "new files",
			setup: func(t *testing.T, dir, _ string) (string, string) {
				return filepath.Join(dir, "out.sarif"), filepath.Join(dir, "junit.xml")
			},
			code: exitOK,
		},
		{
			name: "symlinks pointing outside are replaced",
			setup: func(t *testing.T, dir, secret string) (string, string) {
				s, j := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "junit.xml")
				if err := os.Symlink(secret, s); err != nil {
					t.Skipf("symbolic links unavailable here: %v", err)
				}
				require.NoError(t, os.Symlink(filepath.Join("..", "outside", "secret"), j))
				return s, j
			},
			code: exitOK,
		},
		{
			name: "old files are replaced",
			setup: func(t *testing.T, dir, _ string) (string, string) {
				s, j := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "junit.xml")
				require.NoError(t, os.WriteFile(s, []byte(strings.Repeat("old ", 1<<20)), 0o644))
				require.NoError(t, os.WriteFile(j, []byte("old"), 0o644))
				return s, j
			},
			code: exitOK,
		},
		{
			name: "a directory at the name",
			setup: func(t *testing.T, dir, _ string) (string, string) {
				s := filepath.Join(dir, "out.sarif")
				require.NoError(t, os.MkdirAll(filepath.Join(s, "keep"), 0o755))
				return s, filepath.Join(dir, "junit.xml")
			},
			code: exitBadInput,
			errs: []string{"out.sarif", "write failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			dir, outside := filepath.Join(base, "reports"), filepath.Join(base, "outside")
			require.NoError(t, os.Mkdir(dir, 0o755))
			require.NoError(t, os.Mkdir(outside, 0o755))
			secret := filepath.Join(outside, "secret")
			require.NoError(t, os.WriteFile(secret, []byte("outside"), 0o644))
			sarifFile, junitFile := tt.setup(t, dir, secret)

			code, _, errOut := runGate(t, "", "--fail-on-priority", "none", "--sarif", sarifFile, "--junit", junitFile, scan("gosec.sarif"))
			require.Equal(t, tt.code, code, errOut)
			for _, e := range tt.errs {
				assert.Contains(t, errOut, e)
			}

			b, err := os.ReadFile(secret)
			require.NoError(t, err)
			assert.Equal(t, "outside", string(b), "the file outside is untouched")
			require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				require.NoError(t, err)
				assert.NotContains(t, d.Name(), ".tmp-", "temporary file left behind")
				return nil
			}))
			if tt.code != exitOK {
				return
			}
			for file, want := range map[string]string{sarifFile: `"version"`, junitFile: "<testsuites"} {
				fi, err := os.Lstat(file)
				require.NoError(t, err)
				assert.True(t, fi.Mode().IsRegular(), "%s is a regular file, not %v", file, fi.Mode())
				b, err := os.ReadFile(file)
				require.NoError(t, err)
				assert.Contains(t, string(b), want, file)
				assert.False(t, strings.HasPrefix(string(b), "old"), "%s still holds the old content", file)
			}
		})
	}
}
