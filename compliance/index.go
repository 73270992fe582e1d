package compliance

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// indexKey is the member of the input under which the engine hands the
// built-in library what it would otherwise compute in Rego, one pass per
// rule: the groupings of the posture's findings (see lib.rego's "Indexed
// groupings"), the evidence references of the large groups a passing
// control cites, and the assets by kind and the edges by type. Computing
// them in Go, in one pass over each list, takes milliseconds for 100,000
// findings where the Rego passes take about a second of CPU; the groups
// are the input's own terms, in input order, so they cost no copy.
// lib.rego falls back to its own passes without the index (opa eval, opa
// test), and TestIndexMatchesRego and FuzzIndexMatchesRego hold the two
// equal. A posture's own member of that name is replaced or removed.
const indexKey = "_aspm_index"

// useIndex is false only in tests that compare the index with the Rego
// passes it replaces.
var useIndex = true

// The index's groups of findings, by their member names.
const (
	gOpen = iota
	gActive
	gOverdue
	gWithin
	gSecret
	gAccess
	gActiveSecret
	gActiveAccess
	gSecretWithPath
	gSecretNoPath
	gP1
	gP2
	gAccepted
	gWontFix
	gUrgentOverdue
	gUrgentWithin
	nGroups
)

var groupKeys = [nGroups]*ast.Term{
	gOpen:           ast.StringTerm("open"),
	gActive:         ast.StringTerm("active"),
	gOverdue:        ast.StringTerm("overdue_flagged"),
	gWithin:         ast.StringTerm("within_sla_flagged"),
	gSecret:         ast.StringTerm("secret"),
	gAccess:         ast.StringTerm("access"),
	gActiveSecret:   ast.StringTerm("active_secret"),
	gActiveAccess:   ast.StringTerm("active_access"),
	gSecretWithPath: ast.StringTerm("active_secret_with_path"),
	gSecretNoPath:   ast.StringTerm("active_secret_without_path"),
	gP1:             ast.StringTerm("P1"),
	gP2:             ast.StringTerm("P2"),
	gAccepted:       ast.StringTerm("accepted_risk"),
	gWontFix:        ast.StringTerm("wont_fix"),
	gUrgentOverdue:  ast.StringTerm("urgent_overdue_flagged"),
	gUrgentWithin:   ast.StringTerm("urgent_within_sla_flagged"),
}

// The index's lists of evidence references (under its member "refs"): of
// the findings of groups gWithin, gUrgentWithin, gSecret and gAccess, and
// each gSecretWithPath finding's evidence list.
const (
	rWithin = iota
	rUrgentWithin
	rSecret
	rAccess
	rSecretEvidence
	nRefs
)

var refKeys = [nRefs]*ast.Term{
	rWithin:         groupKeys[gWithin],
	rUrgentWithin:   groupKeys[gUrgentWithin],
	rSecret:         groupKeys[gSecret],
	rAccess:         groupKeys[gAccess],
	rSecretEvidence: ast.StringTerm("active_secret_with_path_evidence"),
}

// Other members of the index, and the values of a finding it compares.
var (
	ixRefs            = ast.StringTerm("refs")
	ixHighRiskByAsset = ast.StringTerm("high_risk_by_asset")
	valFalse          = ast.Boolean(false)
	valTrue           = ast.Boolean(true)
	valSecret         = ast.String("secret")
	valAccess         = ast.String("access")
	valCritical       = ast.String("critical")
	valP1             = ast.String("P1")
	valP2             = ast.String("P2")
	valAcceptedRisk   = ast.String("accepted_risk")
	valWontFix        = ast.String("wont_fix")
	indexKeyTerm      = ast.StringTerm(indexKey)
)

// refPrefix starts a finding's evidence reference.
const refPrefix = "finding:"

// minFindingsPerIndexWorker keeps small lists on one goroutine.
const minFindingsPerIndexWorker = 4000

// findingClass is what the index needs to know of one finding: the
// answers the Rego passes give for it.
type findingClass struct {
	object     bool   // the finding is an object (others are in no group)
	closed     bool   // open is false
	suppressed bool   // suppressed is true
	kind       int    // kindSecret, kindAccess or 0
	breached   int    // flagTrue, flagFalse, or 0 when not a boolean
	priority   int    // 1, 2, or 0 for anything else
	acceptance int    // acceptRisk, acceptWontFix or 0
	urgent     bool   // severity is critical or risk.kev is true
	id         string // the id when it is a string
	idString   bool
	assets     []string // what "some a in f.assets" gives that is a string, in order
	// assetsNotArray: assets is a set or an object (a hand-written
	// posture), whose order of iteration the evidence lists leave to Rego.
	assetsNotArray bool
	path           bool // location.path is a string with more than white space
}

const (
	kindSecret = 1 + iota
	kindAccess
)

const (
	flagTrue = 1 + iota
	flagFalse
)

const (
	acceptRisk = 1 + iota
	acceptWontFix
)

// classifyFinding classifies a finding of a *Posture: the answers the
// Rego passes give for its converted value.
func classifyFinding(f *Finding) findingClass {
	c := findingClass{object: true, closed: !f.Open, suppressed: f.Suppressed, id: jsonString(f.ID), idString: true}
	switch f.Kind {
	case "secret":
		c.kind = kindSecret
	case "access":
		c.kind = kindAccess
	}
	c.breached = flagFalse
	if f.SLA.Breached {
		c.breached = flagTrue
	}
	switch f.Risk.Priority {
	case "P1":
		c.priority = 1
	case "P2":
		c.priority = 2
	}
	if f.Triage != nil {
		switch f.Triage.Status {
		case "accepted_risk":
			c.acceptance = acceptRisk
		case "wont_fix":
			c.acceptance = acceptWontFix
		}
	}
	c.urgent = f.Severity == "critical" || f.Risk.KEV
	c.assets = f.Assets
	for _, a := range f.Assets {
		if !utf8.ValidString(a) {
			c.assets = make([]string, len(f.Assets))
			for j, a := range f.Assets {
				c.assets[j] = jsonString(a)
			}
			break
		}
	}
	c.path = strings.TrimSpace(f.Location.Path) != ""
	return c
}

// classifyTerm classifies a finding of a posture value with the
// comparisons lib.rego's passes make (== on the field, which only an
// equal value of the same type passes).
func classifyTerm(t *ast.Term) findingClass {
	o, ok := t.Value.(ast.Object)
	if !ok {
		return findingClass{}
	}
	get := func(o ast.Object, k *ast.Term) ast.Value {
		if v := o.Get(k); v != nil {
			return v.Value
		}
		return nil
	}
	is := func(v ast.Value, want ast.Value) bool {
		return v != nil && ast.Compare(v, want) == 0
	}
	nested := func(k, inner *ast.Term) ast.Value {
		in, ok := get(o, k).(ast.Object)
		if !ok {
			return nil
		}
		return get(in, inner)
	}
	c := findingClass{object: true}
	if p, ok := nested(keyLocation, keyPath).(ast.String); ok {
		c.path = strings.TrimSpace(string(p)) != ""
	}
	c.closed = is(get(o, keyOpen), valFalse)
	c.suppressed = is(get(o, keySuppressed), valTrue)
	switch kind := get(o, keyKind); {
	case is(kind, valSecret):
		c.kind = kindSecret
	case is(kind, valAccess):
		c.kind = kindAccess
	}
	switch b := nested(keySLA, keyBreached); {
	case is(b, valTrue):
		c.breached = flagTrue
	case is(b, valFalse):
		c.breached = flagFalse
	}
	switch p := nested(keyRisk, keyPriority); {
	case is(p, valP1):
		c.priority = 1
	case is(p, valP2):
		c.priority = 2
	}
	switch s := nested(keyTriage, keyStatus); {
	case is(s, valAcceptedRisk):
		c.acceptance = acceptRisk
	case is(s, valWontFix):
		c.acceptance = acceptWontFix
	}
	c.urgent = is(get(o, keySeverity), valCritical) || is(nested(keyRisk, keyKEV), valTrue)
	if id, ok := get(o, keyID).(ast.String); ok {
		c.id, c.idString = string(id), true
	}
	if c.priority != 0 || c.kind == kindSecret {
		// What "some a in f.assets" gives: an array's elements, a set's,
		// an object's values; the strings among them.
		add := func(a *ast.Term) {
			if s, ok := a.Value.(ast.String); ok {
				c.assets = append(c.assets, string(s))
			}
		}
		switch list := get(o, keyAssets).(type) {
		case *ast.Array:
			list.Foreach(add)
		case ast.Set:
			list.Foreach(add)
			c.assetsNotArray = true
		case ast.Object:
			list.Foreach(func(_, v *ast.Term) { add(v) })
			c.assetsNotArray = true
		}
	}
	return c
}

// findingIndex collects the groups of a run of findings, in input order.
type findingIndex struct {
	groups [nGroups][]*ast.Term
	refs   [nRefs][]*ast.Term
	// refsOK: every finding's id is a string and its assets a list, so
	// the references are what lib.rego would compute.
	refsOK bool
	// highRisk lists the active P1 and P2 findings under each asset they
	// name (as often as they name it).
	highRisk  *groups
	terms     termSlab
	assetRefs map[string]*ast.Term
}

func newFindingIndex() *findingIndex {
	return &findingIndex{refsOK: true, highRisk: newGroups()}
}

// evidence is finding_evidence of lib.rego for a finding whose id is a
// string: its reference and those of its assets that are strings.
func (x *findingIndex) evidence(c *findingClass) *ast.Term {
	ts := make([]*ast.Term, 1, 1+len(c.assets))
	ts[0] = x.ref(c)
	for _, a := range c.assets {
		r, ok := x.assetRefs[a]
		if !ok {
			r = x.terms.make(ast.String("asset:" + a))
			if len(x.assetRefs) < maxInterned {
				if x.assetRefs == nil {
					x.assetRefs = map[string]*ast.Term{}
				}
				x.assetRefs[a] = r
			}
		}
		ts = append(ts, r)
	}
	return x.terms.make(ast.NewArray(ts...))
}

func (x *findingIndex) ref(c *findingClass) *ast.Term {
	return x.terms.make(ast.String(refPrefix + c.id))
}

// add files finding t of class c, following lib.rego's definitions.
func (x *findingIndex) add(t *ast.Term, c findingClass) {
	if !c.object {
		return
	}
	if !c.idString || c.assetsNotArray {
		x.refsOK = false
	}
	g, r := &x.groups, &x.refs
	switch c.kind {
	case kindSecret:
		g[gSecret] = append(g[gSecret], t)
		r[rSecret] = append(r[rSecret], x.ref(&c))
	case kindAccess:
		g[gAccess] = append(g[gAccess], t)
		r[rAccess] = append(r[rAccess], x.ref(&c))
	}
	if c.closed {
		return
	}
	g[gOpen] = append(g[gOpen], t)
	switch c.acceptance {
	case acceptRisk:
		g[gAccepted] = append(g[gAccepted], t)
	case acceptWontFix:
		g[gWontFix] = append(g[gWontFix], t)
	}
	if c.suppressed {
		return
	}
	g[gActive] = append(g[gActive], t)
	switch c.kind {
	case kindSecret:
		g[gActiveSecret] = append(g[gActiveSecret], t)
		if c.path {
			g[gSecretWithPath] = append(g[gSecretWithPath], t)
			r[rSecretEvidence] = append(r[rSecretEvidence], x.evidence(&c))
		} else {
			g[gSecretNoPath] = append(g[gSecretNoPath], t)
		}
	case kindAccess:
		g[gActiveAccess] = append(g[gActiveAccess], t)
	}
	switch c.breached {
	case flagTrue:
		g[gOverdue] = append(g[gOverdue], t)
		if c.urgent {
			g[gUrgentOverdue] = append(g[gUrgentOverdue], t)
		}
	case flagFalse:
		ref := x.ref(&c)
		g[gWithin] = append(g[gWithin], t)
		r[rWithin] = append(r[rWithin], ref)
		if c.urgent {
			g[gUrgentWithin] = append(g[gUrgentWithin], t)
			r[rUrgentWithin] = append(r[rUrgentWithin], ref)
		}
	}
	switch c.priority {
	case 1:
		g[gP1] = append(g[gP1], t)
	case 2:
		g[gP2] = append(g[gP2], t)
	}
	if c.priority != 0 {
		for _, a := range c.assets {
			x.highRisk.add(a, t)
		}
	}
}

// merge appends y's groups to x's.
func (x *findingIndex) merge(y *findingIndex) {
	for i := range x.groups {
		x.groups[i] = append(x.groups[i], y.groups[i]...)
	}
	for i := range x.refs {
		x.refs[i] = append(x.refs[i], y.refs[i]...)
	}
	x.refsOK = x.refsOK && y.refsOK
	for _, a := range y.highRisk.order {
		x.highRisk.add(a, y.highRisk.lists[a]...)
	}
}

// lists returns the index's lists, in the order build reads their arrays:
// the groups, the references (when refsOK), the high-risk findings of
// each asset.
func (x *findingIndex) lists() [][]*ast.Term {
	out := make([][]*ast.Term, 0, nGroups+nRefs+len(x.highRisk.order))
	out = append(out, x.groups[:]...)
	if x.refsOK {
		out = append(out, x.refs[:]...)
	}
	for _, a := range x.highRisk.order {
		out = append(out, x.highRisk.lists[a])
	}
	return out
}

// build returns the index as the value of input._aspm_index, from the
// array terms of x.lists() and the members more. The references of the
// groups a passing control cites are given only when refsOK; lib.rego
// computes them otherwise.
func (x *findingIndex) build(arrays []*ast.Term, more [][2]*ast.Term) *ast.Term {
	items := make([][2]*ast.Term, 0, nGroups+2+len(more))
	for i, k := range groupKeys {
		items = append(items, [2]*ast.Term{k, arrays[i]})
	}
	arrays = arrays[nGroups:]
	if x.refsOK {
		refs := make([][2]*ast.Term, nRefs)
		for i, k := range refKeys {
			refs[i] = [2]*ast.Term{k, arrays[i]}
		}
		items = append(items, [2]*ast.Term{ixRefs, ast.ObjectTerm(refs...)})
		arrays = arrays[nRefs:]
	}
	byAsset := ast.NewObjectWithCapacity(len(x.highRisk.order))
	for i, a := range x.highRisk.order {
		byAsset.Insert(ast.StringTerm(a), arrays[i])
	}
	items = append(items, [2]*ast.Term{ixHighRiskByAsset, ast.NewTerm(byAsset)})
	return ast.ObjectTerm(append(items, more...)...)
}

// arrayTerms returns the array term of each list. ast.NewArray reads
// every element (for its hash), so long lists are built on every core,
// the longest first.
func arrayTerms(lists [][]*ast.Term) []*ast.Term {
	out := make([]*ast.Term, len(lists))
	total := 0
	costs := make([]int64, len(lists))
	for i, l := range lists {
		total += len(l)
		costs[i] = int64(len(l))
	}
	workers := min(runtime.GOMAXPROCS(0), total/minFindingsPerIndexWorker)
	costliestFirst(costs, workers, func(i int) bool {
		out[i] = ast.ArrayTerm(lists[i]...)
		return true
	})
	return out
}

// costliestFirst calls do(i) for each index of costs on up to workers
// goroutines (on the caller's when workers is 1 or less), in order of
// decreasing cost, each goroutine taking the next index when done with
// its own; once a call returns false no index is handed out again.
func costliestFirst(costs []int64, workers int, do func(i int) bool) {
	order := make([]int, len(costs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(costs[b], costs[a]) })
	var (
		next    atomic.Int64
		stopped atomic.Bool
	)
	work := func() {
		for !stopped.Load() {
			k := int(next.Add(1)) - 1
			if k >= len(order) {
				return
			}
			if !do(order[k]) {
				stopped.Store(true)
			}
		}
	}
	if workers <= 1 {
		work()
		return
	}
	var wg sync.WaitGroup
	for range min(workers, len(order)) {
		wg.Go(work)
	}
	wg.Wait()
}

// inChunks calls do with workers consecutive ranges [lo, hi) covering
// [0, n), each on its own goroutine (on the caller's when workers is 1
// or less), w numbering them from 0, and waits.
func inChunks(n, workers int, do func(w, lo, hi int)) {
	if workers <= 1 {
		do(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Go(func() { do(w, lo, hi) })
	}
	wg.Wait()
}

// indexTerms indexes a list of findings on every core, classifying each
// with classify.
func indexTerms(terms []*ast.Term, classify func(i int) findingClass) *findingIndex {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(terms)/minFindingsPerIndexWorker))
	parts := make([]*findingIndex, workers)
	inChunks(len(terms), workers, func(w, lo, hi int) {
		x := newFindingIndex()
		for i := lo; i < hi; i++ {
			x.add(terms[i], classify(i))
		}
		parts[w] = x
	})
	for _, p := range parts[1:] {
		parts[0].merge(p)
	}
	return parts[0]
}

// withIndex returns input with the index of its findings added; when
// input holds no findings list, input without a member of the index's
// name (input itself when it has none, or is not an object).
func withIndex(input ast.Value) ast.Value {
	obj, ok := input.(ast.Object)
	if !ok || !useIndex {
		return input
	}
	var list *ast.Array
	if ft := obj.Get(keyFindings); ft != nil {
		list, _ = ft.Value.(*ast.Array)
	}
	if list == nil {
		// No index, and none of the posture's own either.
		if obj.Get(indexKeyTerm) == nil {
			return input
		}
		return replaceIndex(obj, nil)
	}
	terms := make([]*ast.Term, list.Len())
	for i := range terms {
		terms[i] = list.Elem(i)
	}
	x := indexTerms(terms, func(i int) findingClass { return classifyTerm(terms[i]) })
	return replaceIndex(obj, x.build(arrayTerms(x.lists()), inventoryIndex(obj)))
}

// replaceIndex returns a shallow copy of obj with its index member set to
// index, or removed when index is nil: the caller's value is not changed.
func replaceIndex(obj ast.Object, index *ast.Term) ast.Object {
	out := ast.NewObjectWithCapacity(obj.Len() + 1)
	obj.Foreach(func(k, v *ast.Term) {
		if ast.Compare(k.Value, indexKeyTerm.Value) != 0 {
			out.Insert(k, v)
		}
	})
	if index != nil {
		out.Insert(indexKeyTerm, index)
	}
	return out
}

// The index's members for the inventory, and the keys it reads.
var (
	ixAssets       = ast.StringTerm("assets")
	ixAssetsByKind = ast.StringTerm("assets_by_kind")
	ixEdges        = ast.StringTerm("edges")
	ixEdgesByType  = ast.StringTerm("edges_by_type")
	ixRuntimeNext  = ast.StringTerm("runtime_next")
	keyEdges       = ast.StringTerm("edges")
	keyFrom        = ast.StringTerm("from")
	keyTo          = ast.StringTerm("to")
	keyType        = ast.StringTerm("type")
)

// runtimeEdgeTypes are the edge types lib.rego's exposure walk follows.
var runtimeEdgeTypes = map[string]bool{"deploys": true, "contains": true, "depends_on": true, "exposes": true}

// inventoryIndex returns the index's members for the posture's assets and
// edges, as lib.rego computes them without the index: the assets that
// are objects, grouped by their kind when it is a string; the edges that
// are objects with string ends, grouped by their type when it is a
// string; and, for the runtime edge types, the assets one edge away from
// each asset. Each list keeps the input's order.
func inventoryIndex(obj ast.Object) [][2]*ast.Term {
	str := func(o ast.Object, k *ast.Term) (string, bool) {
		if t := o.Get(k); t != nil {
			if s, ok := t.Value.(ast.String); ok {
				return string(s), true
			}
		}
		return "", false
	}
	objects := func(k *ast.Term, each func(t *ast.Term, o ast.Object)) {
		if t := obj.Get(k); t != nil {
			if list, ok := t.Value.(*ast.Array); ok {
				list.Foreach(func(t *ast.Term) {
					if o, ok := t.Value.(ast.Object); ok {
						each(t, o)
					}
				})
			}
		}
	}
	var assets, edges []*ast.Term
	byKind, byType := newGroups(), newGroups()
	next := newGroups()
	objects(keyAssets, func(t *ast.Term, o ast.Object) {
		assets = append(assets, t)
		if kind, ok := str(o, keyKind); ok {
			byKind.add(kind, t)
		}
	})
	objects(keyEdges, func(t *ast.Term, o ast.Object) {
		from, ok1 := str(o, keyFrom)
		_, ok2 := str(o, keyTo)
		if !ok1 || !ok2 {
			return
		}
		edges = append(edges, t)
		if typ, ok := str(o, keyType); ok {
			byType.add(typ, t)
			if runtimeEdgeTypes[typ] {
				next.add(from, o.Get(keyTo))
			}
		}
	})
	return [][2]*ast.Term{
		{ixAssets, ast.ArrayTerm(assets...)},
		{ixAssetsByKind, byKind.term()},
		{ixEdges, ast.ArrayTerm(edges...)},
		{ixEdgesByType, byType.term()},
		{ixRuntimeNext, next.term()},
	}
}

// groups collects lists of terms by key, keeping the keys' first order.
type groups struct {
	lists map[string][]*ast.Term
	order []string
}

func newGroups() *groups { return &groups{lists: map[string][]*ast.Term{}} }

func (g *groups) add(k string, ts ...*ast.Term) {
	list, ok := g.lists[k]
	if !ok {
		g.order = append(g.order, k)
	}
	g.lists[k] = append(list, ts...)
}

// term is the groups as an object of arrays.
func (g *groups) term() *ast.Term {
	obj := ast.NewObjectWithCapacity(len(g.order))
	for _, k := range g.order {
		obj.Insert(ast.StringTerm(k), ast.ArrayTerm(g.lists[k]...))
	}
	return ast.NewTerm(obj)
}

// indexRef is input._aspm_index.
var indexRef = ast.MustParseRef("input." + indexKey)

// readsIndex reports whether a module of compiler may read the index:
// names input._aspm_index, or reads input with a key that is not a
// constant. Without such a module, Evaluate does not compute it.
func readsIndex(compiler *ast.Compiler) bool {
	found := false
	for _, m := range compiler.Modules {
		ast.WalkRefs(m, func(ref ast.Ref) bool {
			// WalkRefs goes on after a true (it only skips the ref's
			// children), so found never turns false again.
			found = found || readsInput(ref, indexRef)
			return found
		})
		if found {
			return true
		}
	}
	return false
}
