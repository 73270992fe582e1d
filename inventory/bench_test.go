package inventory

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/aspmkit/aspm/findings"
)

const (
	benchAssets = 1_000_000
	benchEdges  = 5_000_000
)

// synthetic builds a graph shaped like a package ecosystem: n components,
// each depending on m/n others chosen among earlier ones, half of the time
// among the first 1,000 (popular packages), so that dependents fan in.
func synthetic(tb testing.TB, n, m int) *Graph {
	g := New()
	g.Grow(n, m)
	refs := make([]Ref, n)
	for i := range n {
		name := "p" + strconv.Itoa(i)
		r, err := g.Put(Asset{ID: "component:pkg:npm/" + name + "@1.0.0", Kind: KindComponent, Name: name, Version: "1.0.0"})
		if err != nil {
			tb.Fatal(err)
		}
		refs[i] = r
	}
	r := rand.New(rand.NewPCG(1, 2))
	per := m / n
	for i := 1; i < n; i++ {
		for range per {
			var j int
			if r.IntN(2) == 0 || i <= 1000 {
				j = r.IntN(min(i, 1000))
			} else {
				j = r.IntN(i)
			}
			if err := g.Connect(refs[i], refs[j], DependsOn, findings.ScopeRuntime, ""); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return g
}

// BenchmarkBuild1M builds a 1,000,000-asset, 5,000,000-edge graph with
// Put and Connect, and its index, and reports the heap it holds
// (MB-held).
func BenchmarkBuild1M(b *testing.B) {
	for b.Loop() {
		g := synthetic(b, benchAssets, benchEdges)
		g.index()
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-held")
		runtime.KeepAlive(g)
		b.StartTimer()
	}
}

var benchGraph *Graph

func bigGraph(b *testing.B) *Graph {
	if benchGraph == nil {
		benchGraph = synthetic(b, benchAssets, benchEdges)
		benchGraph.index()
		benchGraph.ranks()
	}
	return benchGraph
}

// BenchmarkDependents1M queries the transitive dependents of packages of
// increasing popularity in the 1M-asset graph and reports how many assets
// each query returns (in ID order). The graph's index and ID ranking are
// built before timing, as after the first query.
func BenchmarkDependents1M(b *testing.B) {
	g := bigGraph(b)
	for _, tc := range []struct {
		name string
		i    int
	}{{"leafward", 900_000}, {"mid", 100_000}, {"popular", 10}} {
		b.Run(tc.name, func(b *testing.B) {
			id := g.assets[tc.i].ID
			var n int
			for b.Loop() {
				deps, err := g.Dependents(id, Traversal{})
				if err != nil {
					b.Fatal(err)
				}
				n = len(deps)
			}
			b.ReportMetric(float64(n), "dependents")
		})
	}
}
