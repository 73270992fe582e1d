package correlate_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/sarif"
)

// The comparison with the SARIF Multitool's match-results-forward
// (scripts/bench-peers.sh, BENCHMARKS.md): one synthetic baseline/current
// SARIF pair, matched by the multitool and by correlate.

// Environment of TestPeerMatchPair and BenchmarkPeerMatchForward.
const (
	// peerPairDirEnv names the directory TestPeerMatchPair writes
	// baseline.sarif and current.sarif into.
	peerPairDirEnv = "ASPM_BENCH_PAIR_DIR"
	// peerResultsEnv sets the baseline's result count (default 10,000
	// for the benchmark and for a pair written to peerPairDirEnv).
	peerResultsEnv = "ASPM_BENCH_MATCH_RESULTS"
)

// peerResults is the baseline's result count: peerResultsEnv, else def.
func peerResults(tb testing.TB, def int) int {
	tb.Helper()
	s := os.Getenv(peerResultsEnv)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	require.NoError(tb, err, peerResultsEnv)
	require.Positive(tb, n, peerResultsEnv)
	return n
}

// peerPair returns a synthetic SARIF baseline of n results and a rescan
// derived from it the way scripts/oracle-multitool.sh derives its pairs
// from real files. Baseline result i: one of 50 rules, level by i%3, in
// one of 1,009 files, a snippet; even results carry a
// partialFingerprints value (the content hash a tool computes), odd ones
// only the snippet. The rescan moves every line down by 3 and then, by
// i%8: 1 dropped, 2 message reworded, 3 level changed, 6 also copied to a
// new file (the copies appended at the end).
func peerPair(tb testing.TB, n int) (baseline, current []byte) {
	tb.Helper()
	levels := []string{"error", "warning", "note"}
	otherLevel := map[string]string{"error": "warning", "warning": "error", "note": "warning"}
	rules := make([]map[string]any, 50)
	for i := range rules {
		rules[i] = map[string]any{"id": "SYN" + strconv.Itoa(100+i), "shortDescription": map[string]any{"text": "synthetic rule " + strconv.Itoa(i)}}
	}
	result := func(i, shift int, path string) map[string]any {
		r := map[string]any{
			"ruleId": rules[i%len(rules)]["id"], "level": levels[i%3],
			"message": map[string]any{"text": "synthetic finding " + strconv.Itoa(i)},
			"locations": []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": path},
				"region":           map[string]any{"startLine": 1 + i%700 + shift, "snippet": map[string]any{"text": "call" + strconv.Itoa(i) + "()"}},
			}}},
		}
		if i%2 == 0 {
			sum := sha256.Sum256([]byte(path + ":" + strconv.Itoa(i)))
			r["partialFingerprints"] = map[string]any{"primaryLocationLineHash": hex.EncodeToString(sum[:16])}
		}
		return r
	}
	path := func(i int) string {
		return "src/module" + strconv.Itoa(i%97) + "/file" + strconv.Itoa(i%1009) + ".go"
	}
	var base, cur, copies []any
	for i := range n {
		base = append(base, result(i, 0, path(i)))
		r := result(i, 3, path(i))
		switch i % 8 {
		case 1:
			continue
		case 2:
			r["message"] = map[string]any{"text": "synthetic finding " + strconv.Itoa(i) + " (reworded)"}
		case 3:
			r["level"] = otherLevel[levels[i%3]]
		case 6:
			copies = append(copies, result(i, 3, strings.TrimSuffix(path(i), ".go")+"_copy.go"))
		}
		cur = append(cur, r)
	}
	cur = append(cur, copies...)
	doc := func(results []any) []byte {
		b, err := json.Marshal(map[string]any{
			"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
			"runs": []any{map[string]any{"tool": map[string]any{"driver": map[string]any{"name": "synthetic", "version": "1.0", "rules": rules}}, "results": results}},
		})
		require.NoError(tb, err)
		return b
	}
	return doc(base), doc(cur)
}

// peerDecode decodes one SARIF document.
func peerDecode(tb testing.TB, name string, data []byte) []findings.Finding {
	var fs []findings.Finding
	err := sarif.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: name}, findings.Handler{
		Finding: func(f findings.Finding) error { fs = append(fs, f); return nil },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return fs
}

var (
	peerT0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	peerT1 = peerT0.Add(24 * time.Hour)
)

// TestPeerMatchPair checks the pair's lifecycle figures (every rescan
// result matched or new as its derivation says) and, with
// ASPM_BENCH_PAIR_DIR set, writes the pair there for the multitool.
func TestPeerMatchPair(t *testing.T) {
	dir := os.Getenv(peerPairDirEnv)
	n := 2000
	if dir != "" {
		n = peerResults(t, 10_000)
	}
	baseline, current := peerPair(t, n)
	base := peerDecode(t, "baseline.sarif", baseline)
	cur := peerDecode(t, "current.sarif", current)
	per := func(k int) int { return (n + 7 - k) / 8 } // how many i < n have i%8 == k
	require.Len(t, base, n)
	require.Len(t, cur, n-per(1)+per(6))

	res := correlate.Compare(correlate.Baseline(base, peerT0, correlate.Options{}), correlate.Scan{At: peerT1, Findings: cur}, correlate.Options{})
	got := map[correlate.State]int{}
	for _, c := range res.Changes {
		got[c.State]++
	}
	assert.Equal(t, map[correlate.State]int{
		correlate.StateNew:       per(6),              // the copies
		correlate.StateFixed:     per(1),              // the dropped
		correlate.StateUpdated:   per(3),              // level, hence severity, changed
		correlate.StateUnchanged: n - per(1) - per(3), // moved or reworded
	}, got)

	if dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "baseline.sarif"), baseline, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "current.sarif"), current, 0o644))
	}
}

// BenchmarkPeerMatchForward matches the pair of ASPM_BENCH_MATCH_RESULTS
// (default 10,000) baseline results, as match-results-forward does:
// decode+compare reads both SARIF documents from memory, makes the
// baseline and compares the rescan with it (the multitool also reads both
// files and writes its output, which this leaves out; `aspm diff` in
// scripts/bench-peers.sh does it all); compare is Compare alone over
// decoded findings; track-memory applies both scans to a fresh
// MemoryStore with Track.
func BenchmarkPeerMatchForward(b *testing.B) {
	n := peerResults(b, 10_000)
	baseline, current := peerPair(b, n)
	b.Run("decode+compare", func(b *testing.B) {
		b.SetBytes(int64(len(baseline) + len(current)))
		b.ReportAllocs()
		for b.Loop() {
			base := correlate.Baseline(peerDecode(b, "baseline.sarif", baseline), peerT0, correlate.Options{})
			res := correlate.Compare(base, correlate.Scan{At: peerT1, Findings: peerDecode(b, "current.sarif", current)}, correlate.Options{})
			if len(res.Changes) == 0 {
				b.Fatal("no changes")
			}
		}
	})
	base := peerDecode(b, "baseline.sarif", baseline)
	cur := peerDecode(b, "current.sarif", current)
	b.Run("compare", func(b *testing.B) {
		records := correlate.Baseline(base, peerT0, correlate.Options{})
		b.ReportAllocs()
		for b.Loop() {
			_ = correlate.Compare(records, correlate.Scan{At: peerT1, Findings: cur}, correlate.Options{})
		}
	})
	b.Run("track-memory", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			var s correlate.MemoryStore
			if _, err := correlate.Track(ctx, &s, correlate.Scan{ID: "1", At: peerT0, Findings: base}, correlate.Options{}); err != nil {
				b.Fatal(err)
			}
			if _, err := correlate.Track(ctx, &s, correlate.Scan{ID: "2", At: peerT1, Findings: cur}, correlate.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
