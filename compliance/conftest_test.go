package compliance_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/compliance"
)

// cftModule is the conftest release whose example policies the tests load
// (go mod download github.com/open-policy-agent/conftest@v0.71.1); they
// skip when it is not in the module cache. aspm does not depend on it.
const cftModule = "github.com/open-policy-agent/conftest@v0.71.1"

func cftExamples(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
			cache = strings.TrimSpace(string(out))
		}
	}
	if cache != "" {
		dir := filepath.Join(cache, filepath.FromSlash(cftModule), "examples")
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not in the module cache, and CI=true requires it (.ci/run downloads it: go mod download %s)", cftModule, cftModule)
	}
	t.Skipf("skipping: %s is not in the module cache (go mod download %s)", cftModule, cftModule)
	return ""
}

// TestConftestPoliciesThroughEngine loads conftest's Kubernetes example
// policies next to a custom control that turns their deny messages into
// violations: third-party Rego runs in the same engine and sandbox as the
// built-in controls.
func TestConftestPoliciesThroughEngine(t *testing.T) {
	root := cftExamples(t)
	mfs := fstest.MapFS{}
	for _, f := range []string{"kubernetes.rego", "deny.rego", "warn.rego", "base_test.rego"} {
		b, err := os.ReadFile(filepath.Join(root, "kubernetes", "policy", f))
		require.NoError(t, err)
		mfs["conftest/"+f] = &fstest.MapFile{Data: b}
	}
	mfs["k8s.rego"] = &fstest.MapFile{Data: []byte(`# METADATA
# title: Kubernetes manifests pass conftest's example policy
# custom:
#   id: K8S-01
#   gate: true
#   severity: medium
#   frameworks:
#     iso27001: ["A.8.9"]
package aspm.controls.k8s

import rego.v1

default applicable := true

applicable := false if not input.kind

violations contains {"msg": msg, "evidence": [sprintf("manifest:%s", [input.metadata.name])]} if {
	some msg in data.main.deny
}
`)}
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{mfs}})
	require.NoError(t, err)

	for _, tc := range []struct {
		file   string
		status compliance.Status
		count  int
	}{
		{"deployment.yaml", compliance.StatusFail, 2},
		{"service.yaml", compliance.StatusPass, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(root, "kubernetes", tc.file))
			require.NoError(t, err)
			var doc any
			require.NoError(t, yaml.Unmarshal(b, &doc))
			j, err := json.Marshal(doc)
			require.NoError(t, err)
			rep, err := e.Evaluate(context.Background(), j)
			require.NoError(t, err)
			r := engResult(t, rep, "K8S-01")
			assert.Equal(t, tc.status, r.Status, r.Message)
			assert.Len(t, r.Violations, tc.count)
			if tc.count > 0 {
				assert.Equal(t, []string{"manifest:hello-kubernetes"}, r.Evidence)
				assert.Equal(t, "Containers must not run as root in Deployment hello-kubernetes (and 1 more)", r.Message)
			}
		})
	}

	// conftest's malicious capabilities example is refused at load.
	b, err := os.ReadFile(filepath.Join(root, "capabilities", "malicious.rego"))
	require.NoError(t, err)
	_, err = compliance.New(context.Background(), compliance.Options{DisableBuiltins: true,
		Policies: []fs.FS{fstest.MapFS{"malicious.rego": {Data: b}}}})
	require.ErrorIs(t, err, compliance.ErrForbiddenBuiltin)
	var fe *compliance.ForbiddenBuiltinError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "malicious.rego", fe.File)
	assert.Contains(t, []string{"opa.runtime", "http.send"}, fe.Builtin)
}
