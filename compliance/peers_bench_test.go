package compliance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/compliance/policies"
	"github.com/aspmkit/aspm/internal/opasandbox"
)

// The comparison with `opa bench` (scripts/bench-peers.sh, BENCHMARKS.md):
// the same built-in policies, the same single query (the one an engine
// with Parallelism 1 runs) and the same postures, evaluated by OPA's own
// command and by this package.

// peerDumpEnv names the directory TestPeerOPAInputs writes the inputs of
// the `opa bench` comparison into; scripts/bench-peers.sh sets it.
const peerDumpEnv = "ASPM_BENCH_OPA_DIR"

// peerSmall is the small input: one asset (a repository) and five
// findings, the per-input cost of a CI gate.
func peerSmall(tb testing.TB) []byte { return bchPosture(tb, 1, 5) }

// peerLarge is BenchmarkEvaluateBuiltinsLarge's input: 10,000 assets and
// 100,000 findings.
func peerLarge(tb testing.TB) []byte { return bchPosture(tb, 10_000, 100_000) }

// BenchmarkPeerOPASmall evaluates every built-in control over the small
// posture, already converted (opa bench parses its input once too):
// raw-query runs the single query alone in the sandbox, as `opa bench`
// does; opa-rego-api runs it with OPA's Go API as a plain embedder would
// (rego.New with the modules, PrepareForEval once, no sandbox options, the
// OPA version of go.mod); the evaluate rows are Engine.Evaluate (query, then results judged and
// summed) at Parallelism 1 and at GOMAXPROCS. evals/s is the throughput
// of one goroutine.
func BenchmarkPeerOPASmall(b *testing.B) { peerBench(b, peerSmall(b)) }

// BenchmarkPeerOPALarge is BenchmarkPeerOPASmall over 10,000 assets and
// 100,000 findings (BenchmarkEvaluateBuiltinsLargeValue's input).
func BenchmarkPeerOPALarge(b *testing.B) { peerBench(b, peerLarge(b)) }

func peerBench(b *testing.B, posture []byte) {
	ctx := context.Background()
	v, err := opasandbox.ParseJSON(posture)
	require.NoError(b, err)
	one, err := compliance.New(ctx, compliance.Options{Timeout: 60e9, Parallelism: 1})
	require.NoError(b, err)
	b.Run("raw-query", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := compliance.RawEval(ctx, one, v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
	})
	b.Run("opa-rego-api", func(b *testing.B) {
		pq := peerPlainRego(b, compliance.ControlsQuery(one))
		b.ReportAllocs()
		for b.Loop() {
			rs, err := pq.Eval(ctx, rego.EvalParsedInput(v))
			if err != nil {
				b.Fatal(err)
			}
			if len(rs) != 1 {
				b.Fatalf("%d results", len(rs))
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
	})
	ps := []int{1}
	if n := runtime.GOMAXPROCS(0); n > 1 {
		ps = append(ps, n)
	}
	for _, p := range ps {
		b.Run(fmt.Sprintf("evaluate-p%d", p), func(b *testing.B) {
			e, err := compliance.New(ctx, compliance.Options{Timeout: 60e9, Parallelism: p})
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				rep, err := e.Evaluate(ctx, v)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Summary.Errors > 0 {
					b.Fatalf("%d controls erred", rep.Summary.Errors)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
		})
	}
}

// peerPlainRego prepares query over the built-in policies (their Rego
// tests left out) with OPA's Go API and nothing else.
func peerPlainRego(tb testing.TB, query string) rego.PreparedEvalQuery {
	tb.Helper()
	opts := []func(*rego.Rego){rego.Query(query)}
	entries, err := fs.ReadDir(policies.FS, ".")
	require.NoError(tb, err)
	for _, en := range entries {
		name := en.Name()
		if !strings.HasSuffix(name, ".rego") || strings.HasSuffix(name, "_test.rego") {
			continue
		}
		data, err := fs.ReadFile(policies.FS, name)
		require.NoError(tb, err)
		opts = append(opts, rego.Module(name, string(data)))
	}
	pq, err := rego.New(opts...).PrepareForEval(context.Background())
	require.NoError(tb, err)
	return pq
}

// TestPeerOPAInputs writes the inputs of the `opa bench` comparison: the
// built-in policies without their Rego tests (policies/), the single
// query (query.rego, one line), the small posture (small.json) and the
// result binding our engine gives for it (small.expected.json); with
// ASPM_BENCH_OPA_DIR set, into that directory and with the large posture
// (large.json, 62 MB) too. It checks that the written policies are the
// built-in ones: same query, same result.
func TestPeerOPAInputs(t *testing.T) {
	ctx := context.Background()
	dir := os.Getenv(peerDumpEnv)
	withLarge := dir != ""
	if dir == "" {
		dir = t.TempDir()
	}
	polDir := filepath.Join(dir, "policies")
	require.NoError(t, os.MkdirAll(polDir, 0o755))
	entries, err := fs.ReadDir(policies.FS, ".")
	require.NoError(t, err)
	written := 0
	for _, en := range entries {
		name := en.Name()
		if !strings.HasSuffix(name, ".rego") || strings.HasSuffix(name, "_test.rego") {
			continue
		}
		data, err := fs.ReadFile(policies.FS, name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(polDir, name), data, 0o644))
		written++
	}
	require.Positive(t, written)

	builtin, err := compliance.New(ctx, compliance.Options{Parallelism: 1})
	require.NoError(t, err)
	dumped, err := compliance.New(ctx, compliance.Options{DisableBuiltins: true, Dirs: []string{polDir}, Parallelism: 1})
	require.NoError(t, err)
	query := compliance.ControlsQuery(builtin)
	assert.Equal(t, query, compliance.ControlsQuery(dumped), "the written policies give another query")
	assert.Equal(t, len(builtin.Controls()), strings.Count(query, `"v": [x | x := data.`))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "query.rego"), []byte(query+"\n"), 0o644))

	small := peerSmall(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "small.json"), small, 0o644))
	v, err := opasandbox.ParseJSON(small)
	require.NoError(t, err)
	want, err := compliance.RawEval(ctx, builtin, v)
	require.NoError(t, err)
	got, err := compliance.RawEval(ctx, dumped, v)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	list, ok := want.([]any)
	require.True(t, ok, "result binding is %T", want)
	assert.Len(t, list, len(builtin.Controls()))
	raw, err := json.Marshal(want)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "small.expected.json"), raw, 0o644))

	if withLarge {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "large.json"), peerLarge(t), 0o644))
	}
}
