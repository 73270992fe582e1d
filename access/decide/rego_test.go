package decide_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access/decide"
	"github.com/aspmkit/aspm/internal/opasandbox"
)

// TestBaselineRego runs the Rego unit tests of the baseline
// (policy/baseline_test.rego) in the sandbox, with DefaultConfig published
// as data.aspm.access.config by a generated module.
func TestBaselineRego(t *testing.T) {
	src, err := fs.ReadFile(decide.Baseline(), "policy/baseline.rego")
	require.NoError(t, err)
	tests, err := os.ReadFile("policy/baseline_test.rego")
	require.NoError(t, err)
	cfg, err := json.Marshal(decide.DefaultConfig())
	require.NoError(t, err)
	modules := map[string]string{
		"policy/baseline.rego":      string(src),
		"policy/baseline_test.rego": string(tests),
		"config.rego":               "package aspm.access\n\nconfig := " + string(cfg) + "\n",
	}
	results, err := opasandbox.RunTests(context.Background(), modules, opasandbox.Options{})
	require.NoError(t, err)
	require.NotEmpty(t, results)
	for _, r := range results {
		assert.True(t, r.Passed(), "%s\n%s", r, r.Output)
	}
	t.Logf("%d Rego tests", len(results))
}
