package inventory

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sync"

	"github.com/aspmkit/aspm/findings"
)

// ErrNotFound reports a query about an asset the graph does not hold.
var ErrNotFound = errors.New("inventory: asset not found")

// ErrInvalidAsset reports an asset or edge that cannot enter the graph: an
// unknown kind, no identity, an edge to nowhere.
var ErrInvalidAsset = errors.New("inventory: invalid asset")

// EdgeType is the type of a relation between two assets.
type EdgeType string

// The edge types. An edge reads "From <type> To".
const (
	DependsOn    EdgeType = "depends_on"     // From needs To to build or run (a package dependency)
	Contains     EdgeType = "contains"       // To is part of From (an application contains a service, an image a package)
	Deploys      EdgeType = "deploys"        // From (a service, a workload) runs To (an image)
	RunsIn       EdgeType = "runs_in"        // From runs in To (an environment, a host, a cluster)
	Exposes      EdgeType = "exposes"        // From makes To reachable (a load balancer or ingress exposes a service, a service an endpoint)
	OwnedBy      EdgeType = "owned_by"       // From is owned by To (a team or person)
	Calls        EdgeType = "calls"          // From calls To (service to service)
	StoresDataIn EdgeType = "stores_data_in" // From keeps data in To (a data store)
)

// EdgeTypes lists every edge type.
var EdgeTypes = []EdgeType{DependsOn, Contains, Deploys, RunsIn, Exposes, OwnedBy, Calls, StoresDataIn}

func (t EdgeType) code() (uint8, bool) {
	for i, x := range EdgeTypes {
		if t == x {
			return uint8(i), true
		}
	}
	return 0, false
}

// Valid reports whether t is one of the defined edge types.
func (t EdgeType) Valid() bool { _, ok := t.code(); return ok }

// Edge is a typed relation between two assets, by ID.
type Edge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Type EdgeType `json:"type"`
	// Scope and Relationship qualify depends_on edges: runtime, dev, test
	// or optional; direct or transitive. Empty when unknown.
	Scope        findings.Scope        `json:"scope,omitempty"`
	Relationship findings.Relationship `json:"relationship,omitempty"`
}

var (
	scopes        = []findings.Scope{"", findings.ScopeRuntime, findings.ScopeOptional, findings.ScopeDev, findings.ScopeTest}
	relationships = []findings.Relationship{"", findings.RelationshipDirect, findings.RelationshipTransitive}
)

// edge is the compact form the graph stores: 12 bytes.
type edge struct {
	from, to int32
	typ      uint8
	scope    uint8
	rel      uint8
}

// Graph is a graph of assets and typed edges. Adding an asset whose ID is
// already present merges the two (see [Graph.Add]); adding an edge twice
// keeps one.
//
// A Graph is not safe for concurrent modification. Once built, any number
// of goroutines may query it at once (queries build an index on first use,
// under a lock).
type Graph struct {
	assets []Asset
	ids    map[string]int32
	edges  []edge

	mu      sync.Mutex
	indexed bool
	// CSR adjacency, built by index(): out[outStart[i]:outStart[i+1]]
	// describe the edges leaving asset i, each packed as target<<3 | type
	// (8 edge types fit in 3 bits); likewise in for the sources of the
	// edges entering it. One array read per edge keeps walks fast.
	outStart, inStart []int32
	out, in           []uint32

	// ranked lists asset positions in ID order, and rank is the inverse:
	// built on the first query that returns IDs in order.
	rankMu sync.Mutex
	ranked []string // IDs in order
	rank   []int32  // rank[i] is the place of asset i's ID in ranked
	order  []int32  // order[r] is the position of the asset whose ID is ranked[r]
}

// MaxAssets is the most assets a graph holds (2^28, 268 million): the
// adjacency lists pack an asset's position and an edge type in 32 bits.
const MaxAssets = 1 << 28

// New returns an empty graph.
func New() *Graph { return &Graph{ids: map[string]int32{}} }

// Len returns the number of assets.
func (g *Graph) Len() int { return len(g.assets) }

// EdgeCount returns the number of distinct edges.
func (g *Graph) EdgeCount() int { g.index(); return len(g.edges) }

// Grow makes room for n more assets and m more edges, for callers that know
// the size in advance.
func (g *Graph) Grow(n, m int) {
	g.assets = slices.Grow(g.assets, n)
	g.edges = slices.Grow(g.edges, m)
	if len(g.ids) == 0 {
		g.ids = make(map[string]int32, n)
	}
}

// identify fills a.ID from the asset's fields when it is empty.
func identify(a *Asset) error {
	if !a.Kind.Valid() {
		return fmt.Errorf("%w: kind %q", ErrInvalidAsset, a.Kind)
	}
	if a.ID != "" {
		return nil
	}
	var err error
	switch a.Kind {
	case KindComponent:
		if a.PURL != "" {
			p, err := ParsePURL(a.PURL)
			if err != nil {
				return err
			}
			if a.Name == "" {
				a.Name = p.Name
				if p.Namespace != "" {
					a.Name = p.Namespace + "/" + p.Name
				}
			}
			if a.Version == "" {
				a.Version = p.Version
			}
			a.ID, err = ComponentID(a.PURL)
			return err
		}
		if a.Name == "" {
			return fmt.Errorf("%w: component without purl or name", ErrInvalidAsset)
		}
		key := a.Name
		if a.Version != "" {
			key += "@" + a.Version
		}
		a.ID = ID(KindComponent, key)
		return nil
	case KindImage:
		if a.Name == "" && a.Digest == "" {
			return fmt.Errorf("%w: image without name or digest", ErrInvalidAsset)
		}
		a.ID, err = ImageID(a.Name, a.Digest)
		return err
	case KindRepository:
		u := cmp.Or(a.URL, a.Name)
		a.ID, err = RepositoryID(u)
		return err
	}
	if a.Name == "" {
		return fmt.Errorf("%w: %s without name", ErrInvalidAsset, a.Kind)
	}
	a.ID = ID(a.Kind, a.Name)
	return nil
}

// Add adds an asset, or merges it into the asset of the same ID, and
// returns the ID. An empty ID is derived from the asset's fields: a
// component's purl ([ComponentID]; an empty name and version are taken
// from the purl too), an image's digest or reference
// ([ImageID]), a repository's URL ([RepositoryID]), otherwise kind and
// name ([ID]).
//
// Merging keeps the first non-empty identity fields (name, version, purl,
// digest, URL), lets a later non-empty attribute (exposure, environment,
// criticality, data class, owner, a property) replace an earlier one, and
// unions tags, data tags, licenses and sources.
func (g *Graph) Add(a Asset) (string, error) {
	r, err := g.Put(a)
	if err != nil {
		return "", err
	}
	return g.assets[r].ID, nil
}

// Ref is a handle to an asset of one graph, for building big graphs
// without looking IDs up for every edge: [Graph.Put] returns one and
// [Graph.Connect] takes two. A Ref is valid only for the graph that
// returned it.
type Ref int32

// Put is [Graph.Add] returning a [Ref] instead of the ID.
func (g *Graph) Put(a Asset) (Ref, error) {
	if err := identify(&a); err != nil {
		return -1, err
	}
	if g.ids == nil {
		g.ids = map[string]int32{}
	}
	if i, ok := g.ids[a.ID]; ok {
		dst := &g.assets[i]
		if dst.Kind != a.Kind {
			return -1, fmt.Errorf("%w: %s is a %s, not a %s", ErrInvalidAsset, a.ID, dst.Kind, a.Kind)
		}
		merge(dst, a)
		return Ref(i), nil
	}
	if len(g.assets) >= MaxAssets {
		return -1, fmt.Errorf("%w: more than %d assets", ErrInvalidAsset, MaxAssets)
	}
	i := int32(len(g.assets))
	g.ids[a.ID] = i
	a.Tags = sortedSet(a.Tags)
	a.DataTags = sortedSet(a.DataTags)
	a.Licenses = sortedSet(a.Licenses)
	a.Sources = sortedSet(a.Sources)
	g.assets = append(g.assets, a)
	g.ranked = nil
	return Ref(i), nil
}

// Ref returns the handle of the asset with the given ID.
func (g *Graph) Ref(id string) (Ref, bool) {
	i, ok := g.ids[id]
	return Ref(i), ok
}

func merge(dst *Asset, src Asset) {
	first := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	first(&dst.Name, src.Name)
	first(&dst.Version, src.Version)
	first(&dst.PURL, src.PURL)
	first(&dst.Digest, src.Digest)
	first(&dst.URL, src.URL)
	later := func(d *string, s string) {
		if s != "" {
			*d = s
		}
	}
	later((*string)(&dst.Exposure), string(src.Exposure))
	later((*string)(&dst.Environment), string(src.Environment))
	later((*string)(&dst.Criticality), string(src.Criticality))
	later((*string)(&dst.DataClass), string(src.DataClass))
	later(&dst.Owner, src.Owner)
	dst.Tags = sortedSet(append(dst.Tags, src.Tags...))
	dst.DataTags = sortedSet(append(dst.DataTags, src.DataTags...))
	dst.Licenses = sortedSet(append(dst.Licenses, src.Licenses...))
	dst.Sources = sortedSet(append(dst.Sources, src.Sources...))
	if len(src.Properties) > 0 {
		if dst.Properties == nil {
			dst.Properties = map[string]string{}
		}
		maps.Copy(dst.Properties, src.Properties)
	}
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// Link adds an edge between two assets already in the graph. Adding an
// edge that exists (same ends and type) keeps one edge, whose scope and
// relationship are the most significant given: runtime over optional over
// dev over test, direct over transitive.
func (g *Graph) Link(e Edge) error {
	f, ok := g.ids[e.From]
	if !ok {
		return fmt.Errorf("%w: edge %s %s %s: no asset %s", ErrInvalidAsset, e.From, e.Type, e.To, e.From)
	}
	t, ok := g.ids[e.To]
	if !ok {
		return fmt.Errorf("%w: edge %s %s %s: no asset %s", ErrInvalidAsset, e.From, e.Type, e.To, e.To)
	}
	return g.Connect(Ref(f), Ref(t), e.Type, e.Scope, e.Relationship)
}

// Connect is [Graph.Link] by handles: an edge of type typ from one asset
// to another, with the scope and relationship of a depends_on edge (empty
// when unknown or for other types).
func (g *Graph) Connect(from, to Ref, typ EdgeType, scope findings.Scope, rel findings.Relationship) error {
	if from < 0 || int(from) >= len(g.assets) || to < 0 || int(to) >= len(g.assets) {
		return fmt.Errorf("%w: edge between unknown handles %d and %d", ErrInvalidAsset, from, to)
	}
	code, ok := typ.code()
	if !ok {
		return fmt.Errorf("%w: edge type %q", ErrInvalidAsset, typ)
	}
	sc := scopeCode(scope)
	if sc < 0 {
		return fmt.Errorf("%w: edge scope %q", ErrInvalidAsset, scope)
	}
	rc := relCode(rel)
	if rc < 0 {
		return fmt.Errorf("%w: edge relationship %q", ErrInvalidAsset, rel)
	}
	g.edges = append(g.edges, edge{from: int32(from), to: int32(to), typ: code, scope: uint8(sc), rel: uint8(rc)})
	g.indexed = false // mutations never run alongside queries (see Graph)
	return nil
}

func scopeCode(s findings.Scope) int {
	switch s {
	case "":
		return 0
	case findings.ScopeRuntime:
		return 1
	case findings.ScopeOptional:
		return 2
	case findings.ScopeDev:
		return 3
	case findings.ScopeTest:
		return 4
	}
	return -1
}

func relCode(r findings.Relationship) int {
	switch r {
	case "":
		return 0
	case findings.RelationshipDirect:
		return 1
	case findings.RelationshipTransitive:
		return 2
	}
	return -1
}

// index deduplicates the edges and builds the adjacency lists, once per
// change.
func (g *Graph) index() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.indexed {
		return
	}
	n := len(g.assets)
	// Counting sort of the edges by source, then by target and type within
	// each source, so that duplicates sit side by side.
	start := make([]int32, n+1)
	for _, e := range g.edges {
		start[e.from+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	sorted := make([]edge, len(g.edges))
	next := slices.Clone(start[:n])
	for _, e := range g.edges {
		sorted[next[e.from]] = e
		next[e.from]++
	}
	w := 0
	for i := 0; i < n; i++ {
		bucket := sorted[start[i]:start[i+1]]
		slices.SortFunc(bucket, func(a, b edge) int {
			if c := cmp.Compare(a.to, b.to); c != 0 {
				return c
			}
			return cmp.Compare(a.typ, b.typ)
		})
		for j, e := range bucket {
			if j > 0 && w > 0 && sorted[w-1].from == e.from && sorted[w-1].to == e.to && sorted[w-1].typ == e.typ {
				prev := &sorted[w-1]
				if prev.scope == 0 || (e.scope != 0 && e.scope < prev.scope) {
					prev.scope = e.scope
				}
				if prev.rel == 0 || (e.rel != 0 && e.rel < prev.rel) {
					prev.rel = e.rel
				}
				continue
			}
			sorted[w] = e
			w++
		}
	}
	g.edges = sorted[:w]

	g.outStart = make([]int32, n+1)
	g.inStart = make([]int32, n+1)
	for _, e := range g.edges {
		g.outStart[e.from+1]++
		g.inStart[e.to+1]++
	}
	for i := 1; i <= n; i++ {
		g.outStart[i] += g.outStart[i-1]
		g.inStart[i] += g.inStart[i-1]
	}
	g.out = make([]uint32, len(g.edges))
	g.in = make([]uint32, len(g.edges))
	on := slices.Clone(g.outStart[:n])
	in := slices.Clone(g.inStart[:n])
	for _, e := range g.edges {
		g.out[on[e.from]] = uint32(e.to)<<3 | uint32(e.typ)
		on[e.from]++
		g.in[in[e.to]] = uint32(e.from)<<3 | uint32(e.typ)
		in[e.to]++
	}
	g.indexed = true
}

// ranks returns the asset IDs in order, each asset's place in that order,
// and the positions of the assets in that order, computing them once per
// set of assets.
func (g *Graph) ranks() (ranked []string, rank, order []int32) {
	g.rankMu.Lock()
	defer g.rankMu.Unlock()
	if len(g.ranked) != len(g.assets) {
		order := make([]int32, len(g.assets))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(g.assets[a].ID, g.assets[b].ID) })
		g.order = order
		g.ranked = make([]string, len(order))
		g.rank = make([]int32, len(order))
		for r, i := range order {
			g.ranked[r] = g.assets[i].ID
			g.rank[i] = int32(r)
		}
	}
	return g.ranked, g.rank, g.order
}

// Asset returns the asset with the given ID.
func (g *Graph) Asset(id string) (Asset, bool) {
	i, ok := g.ids[id]
	if !ok {
		return Asset{}, false
	}
	return g.assets[i], true
}

// Assets returns the assets in ID order.
func (g *Graph) Assets() []Asset {
	out := slices.Clone(g.assets)
	slices.SortFunc(out, func(a, b Asset) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// All iterates over the assets in insertion order, without copying the
// graph.
func (g *Graph) All() iter.Seq[Asset] {
	return func(yield func(Asset) bool) {
		for _, a := range g.assets {
			if !yield(a) {
				return
			}
		}
	}
}

func (g *Graph) publicEdge(e edge) Edge {
	return Edge{From: g.assets[e.from].ID, To: g.assets[e.to].ID, Type: EdgeTypes[e.typ],
		Scope: scopes[e.scope], Relationship: relationships[e.rel]}
}

// Edges returns the distinct edges, ordered by source ID, target ID and
// type.
func (g *Graph) Edges() []Edge {
	g.index()
	out := make([]Edge, len(g.edges))
	for i, e := range g.edges {
		out[i] = g.publicEdge(e)
	}
	slices.SortFunc(out, compareEdges)
	return out
}

func compareEdges(a, b Edge) int {
	if c := cmp.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := cmp.Compare(a.To, b.To); c != 0 {
		return c
	}
	return cmp.Compare(a.Type, b.Type)
}

// Merge adds every asset and edge of o to g, resolving identities as
// [Graph.Add] does.
func (g *Graph) Merge(o *Graph) error {
	for _, a := range o.assets {
		if _, err := g.Add(a); err != nil {
			return err
		}
	}
	for _, e := range o.edges {
		if err := g.Link(o.publicEdge(e)); err != nil {
			return err
		}
	}
	return nil
}

// Roots returns the IDs of the assets no edge points to (application roots,
// SBOM subjects, teams), in ID order.
func (g *Graph) Roots() []string {
	g.index()
	var out []string
	for i := range g.assets {
		if g.inStart[i] == g.inStart[i+1] {
			out = append(out, g.assets[i].ID)
		}
	}
	slices.Sort(out)
	return out
}
