package compliance

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/opasandbox"
)

func builtinCatalog(t *testing.T) ([]Control, func(n int) [][]int) {
	controls, part, _ := builtinCatalogWork(t)
	return controls, part
}

func builtinCatalogWork(t *testing.T) ([]Control, func(n int) [][]int, func(n int) ([][]int, []int, int)) {
	t.Helper()
	sources := map[string]string{}
	require.NoError(t, loadFS(builtinPolicies, "builtin", sources))
	c, err := opasandbox.Compile(sources, opasandbox.Options{})
	require.NoError(t, err)
	fws, err := newFrameworkSet(nil)
	require.NoError(t, err)
	controls, errs := catalog(c.Modules, fws)
	require.Empty(t, errs)
	return controls, func(n int) [][]int { return partition(c, controls, n) },
		func(n int) ([][]int, []int, int) { return partitionWork(c, controls, n) }
}

func TestPartition(t *testing.T) {
	controls, part := builtinCatalog(t)
	for _, n := range []int{-1, 0, 1, 2, 3, 4, len(controls), len(controls) + 5} {
		groups := part(n)
		require.NotEmpty(t, groups)
		assert.LessOrEqual(t, len(groups), max(1, n), "n=%d", n)
		var all []int
		for _, g := range groups {
			require.NotEmpty(t, g)
			assert.True(t, slices.IsSorted(g), "n=%d: %v", n, g)
			all = append(all, g...)
		}
		slices.Sort(all)
		want := make([]int, len(controls))
		for i := range want {
			want[i] = i
		}
		assert.Equal(t, want, all, "n=%d: every control exactly once", n)
		assert.Equal(t, groups, part(n), "n=%d: deterministic", n)
	}
	if len(controls) >= 2 {
		assert.Len(t, part(2), 2, "two groups when there are two cores' worth of controls")
	}
	// The greedy placement's bound: no group's work exceeds the mean
	// of the groups' work by more than the largest control's, and the
	// controls whose rules build a value per finding are spread.
	_, _, work := builtinCatalogWork(t)
	for _, n := range []int{2, 3} {
		groups, works, largest := work(n)
		require.Len(t, works, len(groups))
		total := 0
		for _, w := range works {
			total += w
		}
		for g, w := range works {
			assert.LessOrEqual(t, w, total/len(works)+largest, "n=%d group %v", n, groups[g])
		}
	}
}

// TestGroupsLearnTheirCost: the engine evaluates a large posture in
// groupsPerWorker groups per goroutine, costliest first, and learns each
// group's time from each evaluation, starting from partition's estimate.
func TestGroupsLearnTheirCost(t *testing.T) {
	e, err := New(context.Background(), Options{Parallelism: 2})
	require.NoError(t, err)
	require.Len(t, e.groups, min(2*groupsPerWorker, len(e.controls)))
	for _, g := range e.groups {
		assert.Less(t, g.cost.Load(), int64(1<<20), "an estimate before any evaluation")
	}
	findings := make([]Finding, parallelMinElements)
	for i := range findings {
		findings[i] = Finding{ID: fmt.Sprintf("f%d", i), Kind: "secret", Open: true, Location: FindingLocation{Path: "a.env"}}
	}
	_, err = e.Evaluate(context.Background(), &Posture{Version: PostureVersion, Findings: findings})
	require.NoError(t, err)
	for _, g := range e.groups {
		assert.GreaterOrEqual(t, g.cost.Load(), int64(1<<20), "learned from the evaluation")
	}
	g := &evalGroup{}
	g.learn(10 * time.Millisecond)
	assert.Equal(t, int64(10*time.Millisecond), g.cost.Load())
	g.learn(30 * time.Millisecond)
	assert.Equal(t, int64(20*time.Millisecond), g.cost.Load())
}

func TestPostureElements(t *testing.T) {
	arr := func(n int) *ast.Term {
		ts := make([]*ast.Term, n)
		for i := range ts {
			ts[i] = ast.ObjectTerm()
		}
		return ast.ArrayTerm(ts...)
	}
	tests := []struct {
		name  string
		input ast.Value
		want  int
	}{
		{"not an object", ast.String("x"), 0},
		{"empty", ast.NewObject(), 0},
		{"findings and assets", ast.NewObject(ast.Item(ast.StringTerm("findings"), arr(7)), ast.Item(ast.StringTerm("assets"), arr(3))), 10},
		{"findings not a list", ast.NewObject(ast.Item(ast.StringTerm("findings"), ast.StringTerm("x"))), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, postureElements(tt.input))
		})
	}
}

// TestReadsIndex: the engine computes the index only when a policy may
// read it: the built-in library, or a policy reading input with a key
// that is not a constant.
func TestReadsIndex(t *testing.T) {
	custom := func(body string) Options {
		return Options{DisableBuiltins: true, Policies: []fs.FS{fstest.MapFS{"c.rego": &fstest.MapFile{Data: []byte(
			"# METADATA\n# title: C\n# custom:\n#   id: C-01\n#   frameworks:\n#     soc2: [\"CC7.1\"]\npackage aspm.controls.c\n\nimport rego.v1\n\n" + body + "\n")}}}}
	}
	for name, tc := range map[string]struct {
		opts Options
		want bool
	}{
		"built-in library":       {Options{}, true},
		"plain input reads":      {custom(`violations contains {"msg": f.id, "evidence": []} if { some f in input.findings; f.kind == "secret" }`), false},
		"the index by name":      {custom(`violations contains {"msg": "x", "evidence": []} if { count(input._aspm_index.open) > 0 }`), true},
		"input[k], k a variable": {custom(`violations contains {"msg": k, "evidence": []} if { some k; input[k] == 1 }`), true},
		// A later reference to another member does not undo the first.
		"the index, then a constant member": {custom(`violations contains {"msg": "x", "evidence": []} if { count(input._aspm_index.open) > 0; count(input.assets) > 0 }`), true},
	} {
		e, err := New(context.Background(), tc.opts)
		require.NoError(t, err, name)
		assert.Equal(t, tc.want, e.indexed, name)
		v, err := toValue(map[string]any{"findings": []any{map[string]any{"id": "a"}}}, e.indexed)
		require.NoError(t, err, name)
		assert.Equal(t, tc.want, v.(ast.Object).Get(ast.StringTerm(indexKey)) != nil, name)
	}
}
