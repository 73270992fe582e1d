package depcheck

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// directRequires returns the modules go.mod requires without "// indirect".
func directRequires(t *testing.T, gomod []byte) []string {
	t.Helper()
	var mods []string
	inBlock := false
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inBlock:
			continue
		}
		if strings.Contains(line, "// indirect") || line == "" {
			continue
		}
		mods = append(mods, strings.Fields(line)[0])
	}
	require.NoError(t, sc.Err())
	return mods
}

func TestDirectRequiresParse(t *testing.T) {
	gomod := []byte("module m\n\ngo 1.25.0\n\nrequire a.example/x v1.0.0\n\nrequire (\n\tb.example/y v0.1.0\n\tc.example/z v2.0.0 // indirect\n)\n")
	assert.Equal(t, []string{"a.example/x", "b.example/y"}, directRequires(t, gomod))
}

// TestEveryDirectDependencyIsNeededAndExplained holds go.mod to its review:
// every module it requires directly is imported by some package or test of
// the module (else go mod tidy would have marked it indirect or dropped
// it, so this also catches a require kept by hand), and the README's
// dependency table says why it is there.
func TestEveryDirectDependencyIsNeededAndExplained(t *testing.T) {
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list dependencies")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)

	cmd := exec.Command(goBin, "list", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}}", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	used := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		used[m] = true
	}

	direct := directRequires(t, gomod)
	require.NotEmpty(t, direct)
	for _, m := range direct {
		assert.True(t, used[m], "go.mod requires %s but no package or test of the module imports it", m)
		// The table names modules in backquotes, some without their
		// major-version suffix.
		name := m
		if i := strings.LastIndex(m, "/v"); i > 0 && strings.Trim(m[i+2:], "0123456789") == "" {
			name = m[:i]
		}
		assert.True(t, bytes.Contains(readme, []byte("`"+name)), "README.md's dependency table does not explain %s", m)
	}
}
