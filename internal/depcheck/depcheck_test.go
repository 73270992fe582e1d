package depcheck

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLightPackagesStayLight lists every package of the module with its
// transitive dependencies (tests excluded, as users get them) and applies
// the rules.
func TestLightPackagesStayLight(t *testing.T) {
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list dependencies")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command(goBin, "list", "-json=ImportPath,Deps", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())

	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs = append(pkgs, p)
	}
	var light int
	for _, p := range pkgs {
		if under(p.ImportPath, Module+"/findings") {
			light++
		}
	}
	require.Positive(t, light, "go list found no findings packages: the check would check nothing")
	assert.Empty(t, Violations(Rules, pkgs))
}

func TestViolationsCatchesForbiddenImports(t *testing.T) {
	pkgs := []Package{
		{ImportPath: Module + "/findings/sarif", Deps: []string{"encoding/json", "github.com/open-policy-agent/opa/v1/rego"}},
		{ImportPath: Module + "/risk", Deps: []string{Module + "/correlate"}},
		{ImportPath: Module + "/inventory", Deps: []string{"modernc.org/sqlite/lib"}},
		{ImportPath: Module + "/access/decide", Deps: []string{"github.com/open-policy-agent/opa/v1/rego"}},
		{ImportPath: Module + "/access/k8s", Deps: []string{"database/sql"}},
		{ImportPath: Module + "/compliance", Deps: []string{"github.com/open-policy-agent/opa/v1/rego"}},
		{ImportPath: Module + "/findingsextra", Deps: []string{"database/sql"}},
		{ImportPath: Module + "/findings", Deps: []string{"gorm.io/gorm"}},
	}
	got := Violations(Rules, pkgs)
	want := []string{
		Module + "/access/k8s imports database/sql",
		Module + "/findings imports gorm.io/gorm",
		Module + "/findings/sarif imports github.com/open-policy-agent/opa/v1/rego",
		Module + "/inventory imports modernc.org/sqlite/lib",
		Module + "/risk imports " + Module + "/correlate",
	}
	require.Len(t, got, len(want), "%q", got)
	for i := range want {
		assert.Contains(t, got[i], want[i])
	}
}
