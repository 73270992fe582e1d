package inventory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/risk"
)

// Traversal chooses which edges a query follows. Its zero value follows
// depends_on and contains.
type Traversal struct {
	// Types are the edge types to follow; nil means depends_on and
	// contains.
	Types []EdgeType
	// MaxDepth bounds the number of edges walked from the start; 0 means no
	// bound.
	MaxDepth int
}

func (t Traversal) mask() uint16 {
	types := t.Types
	if types == nil {
		types = []EdgeType{DependsOn, Contains}
	}
	var m uint16
	for _, ty := range types {
		if c, ok := ty.code(); ok {
			m |= 1 << c
		}
	}
	return m
}

// structural edges: the ones along which a problem in To is a problem of
// From (everything but ownership).
var structural = Traversal{Types: []EdgeType{DependsOn, Contains, Deploys, RunsIn, Exposes, Calls, StoresDataIn}}

func (g *Graph) lookup(id string) (int32, error) {
	i, ok := g.ids[id]
	if !ok {
		return 0, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return i, nil
}

// walk runs a breadth-first search from start along the traversal's edges,
// forward or reversed, and returns the assets reached (start excluded) in
// the order reached, with the bitmap of seen positions (start included).
func (g *Graph) walk(start int32, t Traversal, reverse bool) (reached []int32, seen []uint64) {
	g.index()
	mask := uint32(t.mask())
	starts, adj := g.outStart, g.out
	if reverse {
		starts, adj = g.inStart, g.in
	}
	seen = make([]uint64, (len(g.assets)+63)/64)
	seen[start/64] |= 1 << (start % 64)
	reached = []int32{}
	frontier := []int32{start}
	for depth := 1; len(frontier) > 0 && (t.MaxDepth == 0 || depth <= t.MaxDepth); depth++ {
		first := len(reached)
		for _, n := range frontier {
			for _, packed := range adj[starts[n]:starts[n+1]] {
				if mask&(1<<(packed&7)) == 0 {
					continue
				}
				m := int32(packed >> 3)
				w, b := m>>6, uint64(1)<<(m&63)
				if seen[w]&b != 0 {
					continue
				}
				seen[w] |= b
				reached = append(reached, m)
			}
		}
		frontier = reached[first:]
	}
	return reached, seen
}

func (g *Graph) collect(id string, t Traversal, reverse bool) ([]string, error) {
	start, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	reached, seen := g.walk(start, t, reverse)
	ranked, rank, order := g.ranks()
	out := make([]string, 0, len(reached))
	if len(reached) < len(g.assets)/64 {
		// Few: sort their places in ID order.
		places := make([]int32, len(reached))
		for k, i := range reached {
			places[k] = rank[i]
		}
		slices.Sort(places)
		for _, r := range places {
			out = append(out, ranked[r])
		}
		return out, nil
	}
	// Many: scan every asset in ID order and keep the reached ones.
	seen[start/64] &^= 1 << (start % 64)
	for r, i := range order {
		if seen[i/64]&(1<<(i%64)) != 0 {
			out = append(out, ranked[r])
		}
	}
	return out, nil
}

// Dependents returns the IDs of every asset that depends on id, directly or
// transitively, along the traversal's edges (by default depends_on and
// contains, reversed: who needs this package), in ID order.
func (g *Graph) Dependents(id string, t Traversal) ([]string, error) {
	return g.collect(id, t, true)
}

// Dependencies returns the IDs of every asset id depends on, directly or
// transitively, along the traversal's edges, in ID order.
func (g *Graph) Dependencies(id string, t Traversal) ([]string, error) {
	return g.collect(id, t, false)
}

// FindComponents returns the IDs of the components a purl names. A purl
// with a version names that version; without one, every version of the
// package. Qualifiers and subpath are ignored.
func (g *Graph) FindComponents(purl string) ([]string, error) {
	p, err := ParsePURL(purl)
	if err != nil {
		return nil, err
	}
	if p.Version != "" {
		id, err := ComponentID(purl)
		if err != nil {
			return nil, err
		}
		if _, ok := g.ids[id]; ok {
			return []string{id}, nil
		}
		return nil, nil
	}
	key, err := PackageKey(purl)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range g.assets {
		if a.Kind != KindComponent {
			continue
		}
		rest, ok := strings.CutPrefix(a.ID, "component:"+key)
		if ok && (rest == "" || rest[0] == '@') {
			out = append(out, a.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Path is a chain of asset IDs, each linked to the next by an edge.
type Path []string

// ExposurePaths returns the paths from internet-exposed assets to id:
// chains along depends_on, contains, deploys, runs_in, exposes, calls and
// stores_data_in edges that start at an asset whose exposure is internet.
// The search returns at most limit paths (0 means 100), shortest first,
// then in ID order, and walks simple paths only. An internet-exposed id is
// a path of its own.
func (g *Graph) ExposurePaths(id string, limit int) ([]Path, error) {
	target, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	g.index()
	mask := structural.mask()
	var out []Path
	// Breadth-first over partial paths growing backwards from the target,
	// so shorter paths come first. Each partial path is bounded by the
	// number of assets (simple paths only), and the search stops once limit
	// paths are found or too many partial paths pile up.
	type partial struct{ nodes []int32 }
	queue := []partial{{nodes: []int32{target}}}
	const maxPartial = 1 << 20
	explored := 0
	for len(queue) > 0 && len(out) < limit && explored < maxPartial {
		var next []partial
		for _, p := range queue {
			head := p.nodes[len(p.nodes)-1]
			if g.assets[head].Exposure == risk.ExposureInternet {
				path := make(Path, len(p.nodes))
				for i, n := range p.nodes {
					path[len(p.nodes)-1-i] = g.assets[n].ID
				}
				out = append(out, path)
				continue
			}
			var expanded []int32 // two edges between one pair make one path
			for _, packed := range g.in[g.inStart[head]:g.inStart[head+1]] {
				from := int32(packed >> 3)
				if mask&(1<<(packed&7)) == 0 || slices.Contains(p.nodes, from) || slices.Contains(expanded, from) {
					continue
				}
				expanded = append(expanded, from)
				explored++
				nodes := append(slices.Clip(p.nodes), from)
				next = append(next, partial{nodes: nodes})
			}
		}
		queue = next
	}
	slices.SortStableFunc(out, func(a, b Path) int {
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
		return slices.Compare(a, b)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Owner returns the owner of an asset: its own Owner, else the target of
// its owned_by edge, else the nearest owner up the graph (the owners of
// what contains, deploys or depends on it, nearest first, ties broken by
// ID). The path lists the assets walked, from id to the asset that names
// the owner. ok is false when no owner is found.
func (g *Graph) Owner(id string) (owner string, path Path, ok bool, err error) {
	start, err := g.lookup(id)
	if err != nil {
		return "", nil, false, err
	}
	g.index()
	if o := g.directOwner(start); o != "" {
		return o, Path{id}, true, nil
	}
	parent := map[int32]int32{start: -1}
	frontier := []int32{start}
	mask := structural.mask()
	for len(frontier) > 0 {
		var next []int32
		var found []int32
		for _, n := range frontier {
			for _, packed := range g.in[g.inStart[n]:g.inStart[n+1]] {
				from := int32(packed >> 3)
				if mask&(1<<(packed&7)) == 0 {
					continue
				}
				if _, seen := parent[from]; seen {
					continue
				}
				parent[from] = n
				next = append(next, from)
				if g.directOwner(from) != "" {
					found = append(found, from)
				}
			}
		}
		if len(found) > 0 {
			best := slices.MinFunc(found, func(a, b int32) int {
				if c := cmp.Compare(g.directOwner(a), g.directOwner(b)); c != 0 {
					return c
				}
				return cmp.Compare(g.assets[a].ID, g.assets[b].ID)
			})
			var p Path
			for n := best; n != -1; n = parent[n] {
				p = append(p, g.assets[n].ID)
			}
			slices.Reverse(p)
			return g.directOwner(best), p, true, nil
		}
		frontier = next
	}
	return "", nil, false, nil
}

// directOwner is the asset's Owner field, else its owned_by edge's target
// (the smallest ID when there are several).
func (g *Graph) directOwner(i int32) string {
	if o := g.assets[i].Owner; o != "" {
		return o
	}
	owner := ""
	ownedBy, _ := OwnedBy.code()
	for _, packed := range g.out[g.outStart[i]:g.outStart[i+1]] {
		if uint8(packed&7) == ownedBy {
			if id := g.assets[packed>>3].ID; owner == "" || id < owner {
				owner = id
			}
		}
	}
	return owner
}

// Blast is the blast radius of an asset: everything a compromise of it
// reaches, following dependents up the graph.
type Blast struct {
	// Assets are the IDs of the affected assets, in ID order.
	Assets []string `json:"assets"`
	// ByKind counts them by kind.
	ByKind map[Kind]int `json:"by_kind"`
	// Exposed are the affected assets exposed to the internet.
	Exposed []string `json:"exposed,omitempty"`
	// Owners are the owners of the affected assets (see [Graph.Owner]).
	Owners []string `json:"owners,omitempty"`
}

// BlastRadius returns what a compromise of id reaches: every asset that
// contains, deploys, depends on, calls or stores data in it, transitively.
func (g *Graph) BlastRadius(id string) (Blast, error) {
	start, err := g.lookup(id)
	if err != nil {
		return Blast{}, err
	}
	b := Blast{ByKind: map[Kind]int{}}
	owners := map[string]bool{}
	reached, _ := g.walk(start, structural, true)
	for _, i := range reached {
		a := g.assets[i]
		b.Assets = append(b.Assets, a.ID)
		b.ByKind[a.Kind]++
		if a.Exposure == risk.ExposureInternet {
			b.Exposed = append(b.Exposed, a.ID)
		}
		if o := g.directOwner(i); o != "" {
			owners[o] = true
		}
	}
	slices.Sort(b.Assets)
	slices.Sort(b.Exposed)
	for o := range owners {
		b.Owners = append(b.Owners, o)
	}
	slices.Sort(b.Owners)
	return b, nil
}

// RiskAsset returns what package risk needs to know of the asset id: its
// effective exposure (internet when an internet-exposed asset reaches it,
// else its own or the most exposed of what reaches it), and criticality,
// environment and data sensitivity, each its own when set, else the most
// severe among the assets that contain, deploy or depend on it.
func (g *Graph) RiskAsset(id string) (risk.Asset, error) {
	start, err := g.lookup(id)
	if err != nil {
		return risk.Asset{}, err
	}
	self := g.assets[start]
	out := risk.Asset{Exposure: self.Exposure, Environment: self.Environment, Criticality: self.Criticality, DataSensitivity: self.DataClass}
	var crit risk.Criticality
	var data risk.DataSensitivity
	var env risk.Environment
	reached, _ := g.walk(start, structural, true)
	for _, i := range reached {
		a := &g.assets[i]
		if a.Exposure.Rank() > out.Exposure.Rank() {
			out.Exposure = a.Exposure
		}
		if a.Criticality.Rank() > crit.Rank() {
			crit = a.Criticality
		}
		if a.DataClass.Rank() > data.Rank() {
			data = a.DataClass
		}
		if a.Environment.Rank() > env.Rank() {
			env = a.Environment
		}
	}
	if out.Criticality == "" {
		out.Criticality = crit
	}
	if out.DataSensitivity == "" {
		out.DataSensitivity = data
	}
	if out.Environment == "" {
		out.Environment = env
	}
	return out, nil
}
