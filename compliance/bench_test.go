package compliance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/internal/opasandbox"
)

// bchPosture builds a synthetic posture of nAssets assets and nFindings
// findings as JSON: a fifth of the assets are repositories (half of them
// production), a fifth services, the rest components; findings spread
// over the repositories, a tenth critical, a tenth secrets, 1% past SLA.
func bchPosture(tb testing.TB, nAssets, nFindings int) []byte {
	tb.Helper()
	kinds := []string{"repository", "service", "component", "component", "component"}
	assets := make([]map[string]any, 0, nAssets)
	var repos []string
	var coverage, sboms []map[string]any
	for i := range nAssets {
		kind := kinds[i%len(kinds)]
		id := fmt.Sprintf("%s:asset-%05d", kind, i)
		a := map[string]any{"id": id, "kind": kind, "name": fmt.Sprintf("asset-%05d", i)}
		if kind == "component" {
			a["purl"] = fmt.Sprintf("pkg:npm/lib-%d@1.%d.0", i, i%7)
		}
		if kind == "repository" || kind == "service" {
			if i%2 == 0 {
				a["environment"] = "production"
			} else {
				a["environment"] = "staging"
			}
			if kind == "service" && i%3 == 0 {
				a["exposure"] = "internet"
			}
		}
		if kind == "repository" {
			repos = append(repos, id)
			for _, k := range []string{"sast", "sca", "secret"} {
				if i%11 != 0 {
					coverage = append(coverage, map[string]any{"asset": id, "tool": k + "-tool", "kind": k, "at": "2025-05-30T00:00:00Z"})
				}
			}
		}
		if kind == "service" && i%4 != 0 {
			sboms = append(sboms, map[string]any{"asset": id, "format": "cyclonedx", "at": "2025-05-30T00:00:00Z"})
		}
		assets = append(assets, a)
	}
	sevs := []string{"critical", "high", "high", "medium", "medium", "medium", "low", "low", "low", "info"}
	found := make([]map[string]any, 0, nFindings)
	for i := range nFindings {
		kind := "sca"
		if i%10 == 3 {
			kind = "secret"
		} else if i%10 == 5 {
			kind = "sast"
		}
		sev := sevs[i%len(sevs)]
		f := map[string]any{
			"id": fmt.Sprintf("%032x", i), "identity": fmt.Sprintf("id-%d", i), "kind": kind, "tool": kind + "-tool",
			"title": fmt.Sprintf("finding %d", i), "severity": sev, "location": map[string]any{"path": fmt.Sprintf("src/f%d.go", i%500)},
			"assets": []string{repos[i%len(repos)]}, "state": "unchanged", "open": i%4 != 0, "suppressed": false,
			"first_seen": "2025-01-01T00:00:00Z", "last_seen": "2025-06-01T00:00:00Z", "triage": nil,
			"risk": map[string]any{"score": float64(i%100) / 10, "priority": fmt.Sprintf("P%d", 1+i%4), "severity": sev,
				"kev": i%97 == 0, "reachability": "unknown", "ssvc": map[string]any{"decision": "track", "priority": "defer"}},
			"sla": map[string]any{"due": "2025-07-01T00:00:00Z", "breached": i%100 == 0},
		}
		if kind == "sca" {
			f["vulnerability_ids"] = []string{fmt.Sprintf("CVE-2024-%05d", i%50000)}
			f["package"] = map[string]any{"name": fmt.Sprintf("lib-%d", i%2000), "version": "1.0.0"}
		}
		found = append(found, f)
	}
	doc := map[string]any{
		"version": "aspm-posture/1", "generated_at": "2025-06-01T00:00:00Z",
		"assets": assets, "edges": []any{}, "findings": found, "coverage": coverage, "sboms": sboms, "access": []any{},
	}
	b, err := json.Marshal(doc)
	require.NoError(tb, err)
	return b
}

// bchEvaluate benchmarks one full evaluation, input conversion included.
func bchEvaluate(b *testing.B, opts compliance.Options, posture []byte) {
	e, err := compliance.New(context.Background(), opts)
	require.NoError(b, err)
	ctx := context.Background()
	b.SetBytes(int64(len(posture)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := e.Evaluate(ctx, posture)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Errors > 0 {
			b.Fatalf("%d controls erred", rep.Summary.Errors)
		}
	}
}

// BenchmarkEvaluateSmall: the test controls over the fixture posture, the
// per-input cost of a CI gate.
func BenchmarkEvaluateSmall(b *testing.B) {
	posture, err := os.ReadFile(engPosture)
	require.NoError(b, err)
	bchEvaluate(b, compliance.Options{DisableBuiltins: true, Dirs: []string{engPolicies}}, posture)
}

// BenchmarkEvaluateBuiltinsSmall: every built-in control over the fixture
// posture.
func BenchmarkEvaluateBuiltinsSmall(b *testing.B) {
	posture, err := os.ReadFile(engPosture)
	require.NoError(b, err)
	bchEvaluate(b, compliance.Options{}, posture)
}

// BenchmarkEvaluateLarge: the three test controls over 10,000 assets and
// 100,000 findings from JSON bytes: the engine's own cost (conversion, one
// pass, results) with simple, linear policies.
func BenchmarkEvaluateLarge(b *testing.B) {
	bchEvaluate(b, compliance.Options{DisableBuiltins: true, Dirs: []string{engPolicies}, Timeout: 60e9}, bchPosture(b, 10_000, 100_000))
}

// BenchmarkEvaluateBuiltinsLarge: every built-in control over 10,000
// assets and 100,000 findings, from JSON bytes (conversion included).
func BenchmarkEvaluateBuiltinsLarge(b *testing.B) {
	bchEvaluate(b, compliance.Options{Timeout: 60e9}, bchPosture(b, 10_000, 100_000))
}

// BenchmarkEvaluateBuiltinsLargeValue: the same with the posture already
// converted to Rego's representation, to split conversion from policy time.
func BenchmarkEvaluateBuiltinsLargeValue(b *testing.B) {
	e, err := compliance.New(context.Background(), compliance.Options{Timeout: 60e9})
	require.NoError(b, err)
	v, err := opasandbox.ParseJSON(bchPosture(b, 10_000, 100_000))
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Evaluate(ctx, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostureToValue: converting 100,000 findings of JSON to Rego's
// representation, as Evaluate does once per call.
func BenchmarkPostureToValue(b *testing.B) {
	posture := bchPosture(b, 10_000, 100_000)
	b.SetBytes(int64(len(posture)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := opasandbox.ParseJSON(posture); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compliance.New(context.Background(), compliance.Options{Dirs: []string{engPolicies}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvaluateBuiltinsMediumValue(b *testing.B) {
	e, err := compliance.New(context.Background(), compliance.Options{Timeout: 60e9})
	require.NoError(b, err)
	v, err := opasandbox.ParseJSON(bchPosture(b, 1_000, 10_000))
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Evaluate(ctx, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateSmallValue is BenchmarkEvaluateSmall with the posture
// already converted, comparable with opa bench (which parses its input
// once) on the same policies, query and input.
func BenchmarkEvaluateSmallValue(b *testing.B) {
	posture, err := os.ReadFile(engPosture)
	require.NoError(b, err)
	v, err := opasandbox.ParseJSON(posture)
	require.NoError(b, err)
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Dirs: []string{engPolicies}})
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(ctx, v); err != nil {
			b.Fatal(err)
		}
	}
}

// bchBuilt is the posture the builder makes of 10,000 assets and 100,000
// findings (BenchmarkBuild's input).
func bchBuilt(b *testing.B) *compliance.Posture {
	g, fs := pstSyntheticInput(b, 10_000, 100_000)
	p, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
	require.NoError(b, err)
	return p
}

// BenchmarkEvaluateBuiltinsLargePosture: every built-in control over the
// builder's posture of 10,000 assets and 100,000 findings, handed over as
// a *Posture: conversion (straight from the Go values, on every core)
// included. This is the figure: build, then evaluate.
func BenchmarkEvaluateBuiltinsLargePosture(b *testing.B) {
	p := bchBuilt(b)
	e, err := compliance.New(context.Background(), compliance.Options{Timeout: 60e9})
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := e.Evaluate(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Errors > 0 {
			b.Fatalf("%d controls erred", rep.Summary.Errors)
		}
	}
}

// BenchmarkPostureValue: converting the builder's posture of 100,000
// findings to Rego's representation, as Evaluate does once per call.
func BenchmarkPostureValue(b *testing.B) {
	p := bchBuilt(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := compliance.PostureValue(p); err != nil {
			b.Fatal(err)
		}
	}
}
