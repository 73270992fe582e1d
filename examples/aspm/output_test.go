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

// TestRunOutputs: "aspm run -o DIR" writes every report atomically inside
// DIR, replacing a symbolic link at a report's name instead of writing
// through it to the file it points to.
func TestRunOutputs(t *testing.T) {
	reports := []string{"report.html", "report.md", "report.sarif", "report.json", "vex.json"}
	tests := []struct {
		name string
		// setup prepares base (which holds outside/secret) and returns the
		// -o DIR.
		setup func(t *testing.T, base string) string
		code  int
		// errs are what stderr must say.
		errs []string
	}{
		{
			name: "symlinks at report names pointing outside are replaced",
			setup: func(t *testing.T, base string) string {
				out := filepath.Join(base, "out")
				require.NoError(t, os.Mkdir(out, 0o755))
				for _, r := range []string{"report.html", "vex.json"} {
					if err := os.Symlink(filepath.Join(base, "outside", "secret"), filepath.Join(out, r)); err != nil {
						t.Skipf("symbolic links unavailable here: %v", err)
					}
				}
				require.NoError(t, os.Symlink(filepath.Join("..", "outside", "secret"), filepath.Join(out, "report.md")))
				require.NoError(t, os.WriteFile(filepath.Join(out, "report.json"), []byte("old"), 0o644))
				return out
			},
			code: exitGate,
		},
		{
			name: "a missing DIR is created with its parents",
			setup: func(t *testing.T, base string) string {
				return filepath.Join(base, "new", "out")
			},
			code: exitGate,
		},
		{
			name: "a report that cannot be written is named, and nothing is left behind",
			setup: func(t *testing.T, base string) string {
				out := filepath.Join(base, "out")
				require.NoError(t, os.MkdirAll(filepath.Join(out, "report.html", "keep"), 0o755))
				return out
			},
			code: exitBadInput,
			errs: []string{"report.html", "write failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(base, "outside"), 0o755))
			secret := filepath.Join(base, "outside", "secret")
			require.NoError(t, os.WriteFile(secret, []byte("outside"), 0o644))
			out := tt.setup(t, base)

			code, _, errOut := runCLI(t, "", "run", "-o", out, "--now", "2026-03-02T00:00:00Z", "../../testdata/demo/project")
			require.Equal(t, tt.code, code, errOut)
			for _, e := range tt.errs {
				assert.Contains(t, errOut, e)
			}

			b, err := os.ReadFile(secret)
			require.NoError(t, err)
			assert.Equal(t, "outside", string(b), "the file outside DIR is untouched")
			entries, err := os.ReadDir(filepath.Join(base, "outside"))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "nothing written outside DIR")
			require.NoError(t, filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
				require.NoError(t, err)
				assert.NotContains(t, d.Name(), ".tmp-", "temporary file left behind")
				return nil
			}))
			if tt.code != exitGate {
				return
			}
			for _, r := range reports {
				fi, err := os.Lstat(filepath.Join(out, r))
				require.NoError(t, err, r)
				assert.True(t, fi.Mode().IsRegular(), "%s is a regular file, not %v", r, fi.Mode())
				assert.Positive(t, fi.Size(), r)
			}
			h, err := os.ReadFile(filepath.Join(out, "report.html"))
			require.NoError(t, err)
			assert.Contains(t, strings.ToLower(string(h)), "<!doctype html>")
			_, err = os.Stat(filepath.Join(out, "aspm.db"))
			assert.NoError(t, err, "the store's default place is still DIR/aspm.db")
		})
	}
}
