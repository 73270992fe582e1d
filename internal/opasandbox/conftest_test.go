package opasandbox

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// conftestModule is the conftest release whose example policies these tests
// load. It is not a dependency of aspm: fetch it into the module cache with
//
//	go mod download github.com/open-policy-agent/conftest@v0.71.1
//
// The tests skip when it is absent.
const conftestModule = "github.com/open-policy-agent/conftest@v0.71.1"

// conftestExamples returns conftest's examples directory in the module
// cache, skipping the test when it is not there.
func conftestExamples(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err == nil {
			cache = strings.TrimSpace(string(out))
		}
	}
	dir := filepath.Join(cache, filepath.FromSlash(conftestModule), "examples")
	if cache == "" {
		dir = ""
	}
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not in the module cache, and CI=true requires it (.ci/run downloads it: go mod download %s)", conftestModule, conftestModule)
		}
		t.Skipf("skipping: %s is not in the module cache (go mod download %s)", conftestModule, conftestModule)
	}
	return dir
}

// readModules reads the named files of dir into a module map keyed by
// their path relative to the examples root.
func readModules(t *testing.T, root string, files ...string) map[string]string {
	t.Helper()
	mods := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		require.NoError(t, err)
		mods[f] = string(b)
	}
	return mods
}

// yamlInput reads a YAML (or JSON) document as OPA input.
func yamlInput(t *testing.T, path string) ast.Value {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc any
	require.NoError(t, yaml.Unmarshal(b, &doc))
	// Round-trip through JSON for JSON-compatible types.
	j, err := json.Marshal(doc)
	require.NoError(t, err)
	v, err := ast.ValueFromReader(strings.NewReader(string(j)))
	require.NoError(t, err)
	return v
}

func strings1(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	require.True(t, ok, "%T", v)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

func TestConftestKubernetesExample(t *testing.T) {
	root := conftestExamples(t)
	mods := readModules(t, root,
		"kubernetes/policy/kubernetes.rego",
		"kubernetes/policy/deny.rego",
		"kubernetes/policy/warn.rego",
		"kubernetes/policy/violation.rego",
	)
	c, err := Compile(mods, Options{})
	require.NoError(t, err)
	ctx := context.Background()
	q, err := Prepare(ctx, c, "data.main", nil, Options{})
	require.NoError(t, err)

	rs, err := q.Eval(ctx, yamlInput(t, filepath.Join(root, "kubernetes", "deployment.yaml")))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	main := rs[0].Expressions[0].Value.(map[string]any)
	assert.Equal(t, []string{
		"Containers must not run as root in Deployment hello-kubernetes",
		"Deployment hello-kubernetes must provide app/release labels for pod selectors",
	}, strings1(t, main["deny"]))
	assert.Empty(t, main["warn"])
	violation := main["violation"].([]any)
	require.Len(t, violation, 1)
	assert.Equal(t, "Found deployment hello-kubernetes but deployments are not allowed", violation[0].(map[string]any)["msg"])

	rs, err = q.Eval(ctx, yamlInput(t, filepath.Join(root, "kubernetes", "service.yaml")))
	require.NoError(t, err)
	main = rs[0].Expressions[0].Value.(map[string]any)
	assert.Empty(t, main["deny"])
	assert.Equal(t, []string{"Found service hello-kubernetes but services are not allowed"}, strings1(t, main["warn"]))
}

func TestConftestKubernetesUnitTests(t *testing.T) {
	root := conftestExamples(t)
	mods := readModules(t, root,
		"kubernetes/policy/kubernetes.rego",
		"kubernetes/policy/deny.rego",
		"kubernetes/policy/warn.rego",
		"kubernetes/policy/base_test.rego",
	)
	res, err := RunTests(context.Background(), mods, Options{})
	require.NoError(t, err)
	require.NotEmpty(t, res)
	for _, r := range res {
		assert.True(t, r.Passed(), r.String())
	}
	t.Logf("%d conftest unit tests passed", len(res))
}

func TestConftestCycloneDXExample(t *testing.T) {
	root := conftestExamples(t)
	c, err := Compile(readModules(t, root, "cyclonedx/policy/policy.rego"), Options{})
	require.NoError(t, err)
	ctx := context.Background()
	q, err := Prepare(ctx, c, "data.main.deny", nil, Options{})
	require.NoError(t, err)
	input := yamlInput(t, filepath.Join(root, "cyclonedx", "cyclonedx.json"))
	rs, err := q.Eval(ctx, input)
	require.NoError(t, err)
	assert.Empty(t, rs[0].Expressions[0].Value, "the example SBOM has the expected digest")

	// Change the digest: the policy denies.
	obj := input.(ast.Object)
	meta := obj.Get(ast.StringTerm("metadata")).Value.(ast.Object)
	comp := meta.Get(ast.StringTerm("component")).Value.(ast.Object)
	comp.Insert(ast.StringTerm("version"), ast.StringTerm("sha256:0000"))
	rs, err = q.Eval(ctx, obj)
	require.NoError(t, err)
	deny := strings1(t, rs[0].Expressions[0].Value)
	require.Len(t, deny, 1)
	assert.Contains(t, deny[0], "current SHA256 sha256:0000 is not equal")
}

func TestConftestForbiddenExamples(t *testing.T) {
	root := conftestExamples(t)
	tests := []struct {
		file     string
		builtins []string
	}{
		// conftest's own capabilities example: exfiltrates the environment.
		{"capabilities/malicious.rego", []string{"opa.runtime", "http.send"}},
		// conftest's builtin-errors example: a DNS look-up.
		{"builtin-errors/invalid-dns.rego", []string{"net.lookup_ip_addr"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Compile(readModules(t, root, tc.file), Options{})
			require.ErrorIs(t, err, ErrForbiddenBuiltin)
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				if fe, ok := e.(*ForbiddenBuiltinError); ok {
					assert.Equal(t, tc.file, fe.File)
					assert.Positive(t, fe.Row)
					got = append(got, fe.Builtin)
				}
			}
			assert.ElementsMatch(t, tc.builtins, got)
		})
	}
}
