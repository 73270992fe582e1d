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
// built-in library the groupings of the posture's findings it would
// otherwise compute in Rego, one pass per flag (see lib.rego's "Indexed
// groupings"), and the evidence references of the large groups a passing
// control cites. Computing them in Go, in one pass, takes milliseconds
// for 100,000 findings where the Rego passes take about a second of CPU;
// the groups are the input's own terms, in input order, so they cost no
// copy. lib.rego falls back to its own passes without the index (opa
// eval, opa test), and TestIndexMatchesRego holds the two equal. A
// posture's own member of that name is replaced.
const indexKey = "_aspm_index"

// useIndex is false only in tests that compare the index with the Rego
// passes it replaces.
var useIndex = true

// The index's members, and the keys of a finding it reads.
var (
	ixOpen            = ast.StringTerm("open")
	ixActive          = ast.StringTerm("active")
	ixOverdue         = ast.StringTerm("overdue_flagged")
	ixWithin          = ast.StringTerm("within_sla_flagged")
	ixSecret          = ast.StringTerm("secret")
	ixAccess          = ast.StringTerm("access")
	ixActiveSecret    = ast.StringTerm("active_secret")
	ixActiveAccess    = ast.StringTerm("active_access")
	ixSecretWithPath  = ast.StringTerm("active_secret_with_path")
	ixSecretNoPath    = ast.StringTerm("active_secret_without_path")
	ixSecretEvidence  = ast.StringTerm("active_secret_with_path_evidence")
	ixP1              = ast.StringTerm("P1")
	ixP2              = ast.StringTerm("P2")
	ixAccepted        = ast.StringTerm("accepted_risk")
	ixWontFix         = ast.StringTerm("wont_fix")
	ixUrgentOverdue   = ast.StringTerm("urgent_overdue_flagged")
	ixUrgentWithin    = ast.StringTerm("urgent_within_sla_flagged")
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
	open, active, overdue, within []*ast.Term
	secret, access                []*ast.Term
	activeSecret, activeAccess    []*ast.Term
	secretWithPath, secretNoPath  []*ast.Term
	p1, p2, acceptedRisk, wontFix []*ast.Term
	urgentOverdue, urgentWithin   []*ast.Term
	withinRefs, urgentWithinRefs  []*ast.Term
	secretEvidence                []*ast.Term // of secretWithPath
	secretRefs, accessRefs        []*ast.Term
	refsOK                        bool
	// highRiskByAsset lists the active P1 and P2 findings under each
	// asset they name (as often as they name it); assetOrder is the order
	// in which the assets first appeared.
	highRiskByAsset map[string][]*ast.Term
	assetOrder      []string
	terms           termSlab
	assetRefs       map[string]*ast.Term
}

func newFindingIndex() *findingIndex {
	return &findingIndex{refsOK: true, highRiskByAsset: map[string][]*ast.Term{}}
}

// addHighRisk lists ts under asset a.
func (x *findingIndex) addHighRisk(a string, ts ...*ast.Term) {
	list, ok := x.highRiskByAsset[a]
	if !ok {
		x.assetOrder = append(x.assetOrder, a)
	}
	x.highRiskByAsset[a] = append(list, ts...)
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
	switch c.kind {
	case kindSecret:
		x.secret = append(x.secret, t)
		x.secretRefs = append(x.secretRefs, x.ref(&c))
	case kindAccess:
		x.access = append(x.access, t)
		x.accessRefs = append(x.accessRefs, x.ref(&c))
	}
	if c.closed {
		return
	}
	x.open = append(x.open, t)
	switch c.acceptance {
	case acceptRisk:
		x.acceptedRisk = append(x.acceptedRisk, t)
	case acceptWontFix:
		x.wontFix = append(x.wontFix, t)
	}
	if c.suppressed {
		return
	}
	x.active = append(x.active, t)
	switch c.kind {
	case kindSecret:
		x.activeSecret = append(x.activeSecret, t)
		if c.path {
			x.secretWithPath = append(x.secretWithPath, t)
			x.secretEvidence = append(x.secretEvidence, x.evidence(&c))
		} else {
			x.secretNoPath = append(x.secretNoPath, t)
		}
	case kindAccess:
		x.activeAccess = append(x.activeAccess, t)
	}
	switch c.breached {
	case flagTrue:
		x.overdue = append(x.overdue, t)
		if c.urgent {
			x.urgentOverdue = append(x.urgentOverdue, t)
		}
	case flagFalse:
		r := x.ref(&c)
		x.within = append(x.within, t)
		x.withinRefs = append(x.withinRefs, r)
		if c.urgent {
			x.urgentWithin = append(x.urgentWithin, t)
			x.urgentWithinRefs = append(x.urgentWithinRefs, r)
		}
	}
	switch c.priority {
	case 1:
		x.p1 = append(x.p1, t)
	case 2:
		x.p2 = append(x.p2, t)
	}
	if c.priority != 0 {
		for _, a := range c.assets {
			x.addHighRisk(a, t)
		}
	}
}

// merge appends y's groups to x's.
func (x *findingIndex) merge(y *findingIndex) {
	for _, p := range []struct {
		dst *[]*ast.Term
		src []*ast.Term
	}{
		{&x.open, y.open}, {&x.active, y.active}, {&x.overdue, y.overdue}, {&x.within, y.within},
		{&x.secret, y.secret}, {&x.access, y.access}, {&x.activeSecret, y.activeSecret}, {&x.activeAccess, y.activeAccess},
		{&x.secretWithPath, y.secretWithPath}, {&x.secretNoPath, y.secretNoPath},
		{&x.p1, y.p1}, {&x.p2, y.p2}, {&x.acceptedRisk, y.acceptedRisk}, {&x.wontFix, y.wontFix},
		{&x.urgentOverdue, y.urgentOverdue}, {&x.urgentWithin, y.urgentWithin},
		{&x.withinRefs, y.withinRefs}, {&x.urgentWithinRefs, y.urgentWithinRefs}, {&x.secretEvidence, y.secretEvidence},
		{&x.secretRefs, y.secretRefs}, {&x.accessRefs, y.accessRefs},
	} {
		*p.dst = append(*p.dst, p.src...)
	}
	x.refsOK = x.refsOK && y.refsOK
	for _, a := range y.assetOrder {
		x.addHighRisk(a, y.highRiskByAsset[a]...)
	}
}

// term is the index as the value of input._aspm_index. The references
// ("finding:<id>") of the groups a passing control cites are given only
// when every finding's id is a string; lib.rego computes them otherwise.
func (x *findingIndex) term() *ast.Term {
	return x.termWith(nil, nil)
}

// termWith is term that also builds the array of extra (whose term it
// stores in *extraTerm), on the same goroutines as the index's arrays.
func (x *findingIndex) termWith(extra []*ast.Term, extraTerm **ast.Term) *ast.Term {
	keys := []*ast.Term{ixOpen, ixActive, ixOverdue, ixWithin, ixSecret, ixAccess, ixActiveSecret, ixActiveAccess,
		ixSecretWithPath, ixSecretNoPath, ixP1, ixP2, ixAccepted, ixWontFix, ixUrgentOverdue, ixUrgentWithin}
	lists := [][]*ast.Term{x.open, x.active, x.overdue, x.within, x.secret, x.access, x.activeSecret, x.activeAccess,
		x.secretWithPath, x.secretNoPath, x.p1, x.p2, x.acceptedRisk, x.wontFix, x.urgentOverdue, x.urgentWithin}
	groups := len(lists)
	if x.refsOK {
		lists = append(lists, x.withinRefs, x.urgentWithinRefs, x.secretRefs, x.accessRefs, x.secretEvidence)
	}
	for _, a := range x.assetOrder {
		lists = append(lists, x.highRiskByAsset[a])
	}
	if extraTerm != nil {
		lists = append(lists, extra)
	}
	arrays := arrayTerms(lists)
	if extraTerm != nil {
		*extraTerm = arrays[len(arrays)-1]
	}
	items := make([][2]*ast.Term, 0, groups+2)
	for i := range groups {
		items = append(items, [2]*ast.Term{keys[i], arrays[i]})
	}
	next := groups
	if x.refsOK {
		items = append(items, [2]*ast.Term{ixRefs, ast.ObjectTerm(
			[2]*ast.Term{ixWithin, arrays[next]},
			[2]*ast.Term{ixUrgentWithin, arrays[next+1]},
			[2]*ast.Term{ixSecret, arrays[next+2]},
			[2]*ast.Term{ixAccess, arrays[next+3]},
			[2]*ast.Term{ixSecretEvidence, arrays[next+4]},
		)})
		next += 5
	}
	byAsset := ast.NewObjectWithCapacity(len(x.assetOrder))
	for i, a := range x.assetOrder {
		byAsset.Insert(ast.StringTerm(a), arrays[next+i])
	}
	items = append(items, [2]*ast.Term{ixHighRiskByAsset, ast.NewTerm(byAsset)})
	return ast.ObjectTerm(items...)
}

// arrayTerms returns the array term of each list. ast.NewArray reads
// every element (for its hash), so long lists are built on every core,
// the longest first.
func arrayTerms(lists [][]*ast.Term) []*ast.Term {
	out := make([]*ast.Term, len(lists))
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	workers := min(runtime.GOMAXPROCS(0), total/minFindingsPerIndexWorker)
	if workers <= 1 {
		for i, l := range lists {
			out[i] = ast.ArrayTerm(l...)
		}
		return out
	}
	order := make([]int, len(lists))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(lists[b]), len(lists[a])) })
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(order) {
					return
				}
				i := order[k]
				out[i] = ast.ArrayTerm(lists[i]...)
			}
		})
	}
	wg.Wait()
	return out
}

// indexTerms indexes a list of findings on every core, classifying each
// with classify.
func indexTerms(terms []*ast.Term, classify func(i int) findingClass) *findingIndex {
	workers := min(runtime.GOMAXPROCS(0), len(terms)/minFindingsPerIndexWorker)
	if workers <= 1 {
		x := newFindingIndex()
		for i, t := range terms {
			x.add(t, classify(i))
		}
		return x
	}
	parts := make([]*findingIndex, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(terms)/workers, (w+1)*len(terms)/workers
		wg.Go(func() {
			x := newFindingIndex()
			for i := lo; i < hi; i++ {
				x.add(terms[i], classify(i))
			}
			parts[w] = x
		})
	}
	wg.Wait()
	for _, p := range parts[1:] {
		parts[0].merge(p)
	}
	return parts[0]
}

// withIndex returns input with the index of its findings added, or input
// itself when it is not an object or holds no findings list.
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
	index := x.term()
	addInventory(index, inventoryIndex(obj))
	return replaceIndex(obj, index)
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

func (g *groups) add(k string, t *ast.Term) {
	list, ok := g.lists[k]
	if !ok {
		g.order = append(g.order, k)
	}
	g.lists[k] = append(list, t)
}

// term is the groups as an object of arrays.
func (g *groups) term() *ast.Term {
	obj := ast.NewObjectWithCapacity(len(g.order))
	for _, k := range g.order {
		obj.Insert(ast.StringTerm(k), ast.ArrayTerm(g.lists[k]...))
	}
	return ast.NewTerm(obj)
}

// addInventory adds the inventory's members to an index term.
func addInventory(index *ast.Term, items [][2]*ast.Term) {
	obj := index.Value.(ast.Object)
	for _, it := range items {
		obj.Insert(it[0], it[1])
	}
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
