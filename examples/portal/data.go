package main

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/risk"
)

// Caching defaults (see config).
const (
	defaultRecheck     = time.Second
	defaultIndexMaxAge = 10 * time.Minute
	// buildTimeout bounds one index build, which runs apart from the
	// request that asked for it.
	buildTimeout = 5 * time.Minute
)

// recordQuerier is a store that selects records in its database: the
// correlate/sqlite and correlate/postgres stores.
type recordQuerier interface {
	Records(ctx context.Context, tenant, application string, q correlate.Query) iter.Seq2[correlate.Record, error]
}

// scanLister is a store that lists the scans it applied: the
// correlate/sqlite and correlate/postgres stores. The list is the
// portal's version of an application's records.
type scanLister interface {
	Scans(ctx context.Context, tenant, application string) ([]correlate.ScanSummary, error)
}

// appState is what the server keeps about one application: its inventory
// and its index. It is safe for concurrent use.
type appState struct {
	name string

	// tracking serializes the scans of the application (see
	// correlate.Track) and the replacement of its inventory.
	tracking sync.Mutex
	// building serializes index builds, so that one application never
	// holds more than one build's records in memory.
	building sync.Mutex

	mu        sync.Mutex
	graph     *inventory.Graph // the last uploaded inventory; nil before one
	graphFrom string           // the file it came from
	// gen counts the writes made through this server (uploads, triage);
	// an index built at an older gen is stale.
	gen uint64
	// idx is the last index built, current or not; checked is when its
	// store version was last confirmed.
	idx     *index
	checked time.Time
	// build is the build in flight, if any.
	build *build
	// pending is the whole baseline the last upload left, for the next
	// build to use instead of loading every record again.
	pending *baseline
}

// baseline is an application's records as this server last wrote them,
// ordered by ID, and the store version they are of.
type baseline struct {
	records []correlate.Record
	version string
}

// build is one index build; done closes when idx or err is set.
type build struct {
	gen     uint64
	created time.Time
	done    chan struct{}
	idx     *index
	err     error
}

// inventory returns the application's inventory and the file it came
// from, or nil.
func (a *appState) inventory() (*inventory.Graph, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.graph, a.graphFrom
}

// latest returns the last index built, current or not, or nil.
func (a *appState) latest() *index {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.idx
}

// wrote records a write through this server: the index is stale from
// now on. records, when not nil, is the whole baseline after the write
// (correlate.Result.Records of the last scan), at store version version.
func (a *appState) wrote(records []correlate.Record, version string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	if records != nil {
		a.pending = &baseline{records: records, version: version}
	}
}

// triaged records a triage made through this server, in the pending
// baseline too.
func (a *appState) triaged(id string, t *correlate.Triage) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	if a.pending == nil {
		return
	}
	recs := a.pending.records
	if i, ok := slices.BinarySearchFunc(recs, id, func(r correlate.Record, id string) int { return strings.Compare(r.ID, id) }); ok {
		recs[i].Triage = t
	} else {
		a.pending = nil // not the store's state any more
	}
}

// setInventory replaces the application's inventory.
func (a *appState) setInventory(g *inventory.Graph, from string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.graph, a.graphFrom = g, from
	a.gen++
}

// facet is what the findings list filters on, for one record, as
// indexes into the index's tables.
type facet struct {
	severity, state, kind uint8
	tool                  uint16
	open, suppressed      bool
}

// index is what the pages that summarize an application need, computed
// once from every record and kept until a write makes it stale: the
// dashboard's summary, the assets, the list's filter values and counts,
// and the clusters of records that are not their cluster's first. It
// keeps no record. It is read-only once built, but for its compliance
// evaluation, made once on first use.
type index struct {
	gen     uint64
	version string    // the store version it was built from
	built   time.Time // by the wall clock, for the maximum age
	now     time.Time // by the server's clock: "as of"

	total   int
	summary report.Summary
	assets  []assetRow
	graph   *inventory.Graph
	from    string

	severities, states, tools, kinds []string
	facets                           []facet
	// clusterOf maps a record ID to its cluster, for the records whose
	// cluster ID is not their own.
	clusterOf map[string]string

	complianceOnce sync.Once
	compliance     *evaluation
	complianceErr  error
}

// current returns an index of the application that reflects every write
// made through this server and the store's current version (checked at
// most once per Recheck), building one when needed. Concurrent callers
// share one build.
func (s *server) current(ctx context.Context, a *appState) (*index, error) {
	idx, ok, err := s.fresh(ctx, a)
	if err != nil || ok {
		return idx, err
	}
	return s.rebuild(ctx, a, idx, true)
}

// fresh returns the last index and whether it is current, without
// building one.
func (s *server) fresh(ctx context.Context, a *appState) (*index, bool, error) {
	a.mu.Lock()
	idx := a.idx
	ok := idx != nil && idx.gen >= a.gen && time.Since(idx.built) < s.cfg.IndexMaxAge
	checked := a.checked
	a.mu.Unlock()
	if !ok || time.Since(checked) < s.cfg.Recheck {
		return idx, ok, nil
	}
	v, err := s.version(ctx, a.name)
	if err != nil {
		return idx, false, err
	}
	if v != idx.version {
		return idx, false, nil
	}
	a.mu.Lock()
	if a.idx == idx {
		a.checked = time.Now()
	}
	a.mu.Unlock()
	return idx, true, nil
}

// rebuild starts a build unless one that will be current is in flight,
// and waits for it when wait is set. stale is the index found stale.
func (s *server) rebuild(ctx context.Context, a *appState, stale *index, wait bool) (*index, error) {
	a.mu.Lock()
	if idx := a.idx; idx != nil && idx != stale && idx.gen >= a.gen {
		a.mu.Unlock()
		return idx, nil // built meanwhile
	}
	b := a.build
	if b == nil || b.gen < a.gen {
		b = &build{gen: a.gen, created: time.Now(), done: make(chan struct{})}
		a.build = b
		go s.runBuild(a, b)
	}
	a.mu.Unlock()
	if !wait {
		return stale, nil
	}
	select {
	case <-b.done:
		return b.idx, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// refresh starts building a current index of the application, if none
// is, without waiting: after a write, so that the next pages find it
// ready.
func (s *server) refresh(a *appState) {
	_, _ = s.rebuild(context.Background(), a, nil, false)
}

// runBuild builds an index apart from any request, so that a client
// that goes away does not fail the others waiting for it.
func (s *server) runBuild(a *appState, b *build) {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	a.building.Lock()
	a.mu.Lock()
	if idx := a.idx; idx != nil && idx.gen >= a.gen && idx.built.After(b.created) {
		// The build before this one, which this one waited for, is
		// current.
		if a.build == b {
			a.build = nil
		}
		a.mu.Unlock()
		a.building.Unlock()
		b.idx = idx
		close(b.done)
		return
	}
	a.mu.Unlock()
	s.heavy <- struct{}{}
	a.mu.Lock()
	pending := a.pending
	a.pending = nil
	gen := a.gen // writes up to here are in the store
	graph, from := a.graph, a.graphFrom
	a.mu.Unlock()
	idx, err := s.buildIndex(ctx, a.name, gen, pending, graph, from)
	<-s.heavy
	a.building.Unlock()
	if err != nil {
		s.cfg.Log.Error("building the index", "app", a.name, "err", err)
	}
	a.mu.Lock()
	if err == nil && (a.idx == nil || a.idx.gen <= idx.gen) {
		a.idx, a.checked = idx, time.Now()
	}
	if a.build == b {
		a.build = nil
	}
	a.mu.Unlock()
	b.idx, b.err = idx, err
	close(b.done)
}

// version returns the store's version of an application's records: the
// number of scans and the last one's sequence number. A store that does
// not list its scans has one version, "".
func (s *server) version(ctx context.Context, app string) (string, error) {
	sl, ok := s.cfg.Store.(scanLister)
	if !ok {
		return "", nil
	}
	scans, err := sl.Scans(ctx, "", app)
	if err != nil {
		return "", err
	}
	if len(scans) == 0 {
		return "0", nil
	}
	return fmt.Sprintf("%d:%d", len(scans), scans[len(scans)-1].Seq), nil
}

// buildIndex reads every record of the application (or takes the pending
// baseline when it is of the store's current version), scores each once,
// and keeps what the pages need. It streams the records: only their
// report findings are held at once, for the summary.
func (s *server) buildIndex(ctx context.Context, app string, gen uint64, pending *baseline, g *inventory.Graph, from string) (*index, error) {
	version, err := s.version(ctx, app)
	if err != nil {
		return nil, err
	}
	var recs iter.Seq2[correlate.Record, error]
	size := 0
	switch {
	case pending != nil && pending.version == version:
		recs = func(yield func(correlate.Record, error) bool) {
			for _, r := range pending.records {
				if !yield(r, nil) {
					return
				}
			}
		}
		size = len(pending.records)
	default:
		recs = s.records(ctx, app, correlate.Query{})
		if last := s.app(app).latest(); last != nil {
			size = last.total + last.total/8 // a hint, to grow the slice once
		}
	}
	now := s.cfg.Now().UTC()
	data := &report.Data{Title: app, GeneratedAt: now, Findings: make([]report.Finding, 0, size)}
	idx := &index{gen: gen, version: version, built: time.Now(), now: now, graph: g, from: from, clusterOf: map[string]string{}}
	type key struct{ severity, state, tool, kind string }
	var keys []key
	tables := [4]map[string]int{{}, {}, {}, {}} // severity, state, tool, kind
	for r, err := range recs {
		if err != nil {
			return nil, err
		}
		f, _ := s.reportFinding(&r, g, now, app)
		data.Findings = append(data.Findings, f)
		k := key{string(r.Finding.Severity), string(r.State), r.Finding.Tool.Name, string(r.Finding.Kind)}
		keys = append(keys, k)
		for t, v := range [4]string{k.severity, k.state, k.tool, k.kind} {
			tables[t][v] = 0
		}
		if r.Cluster != r.ID {
			idx.clusterOf[r.ID] = r.Cluster
		}
	}
	if g != nil {
		for _, a := range g.Assets() {
			data.Assets = append(data.Assets, report.Asset{ID: a.ID, Kind: string(a.Kind), Name: a.Name, Owner: a.Owner,
				Criticality: string(a.Criticality), Exposure: string(a.Exposure), Environment: string(a.Environment)})
		}
	}
	idx.total = len(data.Findings)
	idx.summary = report.Summarize(data, report.Options{})
	idx.assets = assetRows(data)

	lists := [4]*[]string{&idx.severities, &idx.states, &idx.tools, &idx.kinds}
	for t, m := range tables {
		for k := range m {
			*lists[t] = append(*lists[t], k)
		}
		slices.Sort(*lists[t])
		for i, k := range *lists[t] {
			m[k] = i
		}
	}
	if len(idx.tools) <= 1<<16 && len(idx.kinds) <= 1<<8 && len(idx.states) <= 1<<8 && len(idx.severities) <= 1<<8 {
		idx.facets = make([]facet, len(keys))
		for i, k := range keys {
			f := &data.Findings[i]
			idx.facets[i] = facet{severity: uint8(tables[0][k.severity]), state: uint8(tables[1][k.state]),
				tool: uint16(tables[2][k.tool]), kind: uint8(tables[3][k.kind]), open: f.IsOpen(), suppressed: f.Suppressed}
		}
	} // else too many values to index: the list counts by reading
	return idx, nil
}

// reportData scores every record as the report package sees it.
func (s *server) reportData(recs []correlate.Record, app string, g *inventory.Graph) *report.Data {
	now := s.cfg.Now().UTC()
	data := &report.Data{Title: app, GeneratedAt: now, Findings: make([]report.Finding, len(recs))}
	for i := range recs {
		data.Findings[i], _ = s.reportFinding(&recs[i], g, now, app)
	}
	if g != nil {
		for _, a := range g.Assets() {
			data.Assets = append(data.Assets, report.Asset{ID: a.ID, Kind: string(a.Kind), Name: a.Name, Owner: a.Owner,
				Criticality: string(a.Criticality), Exposure: string(a.Exposure), Environment: string(a.Environment)})
		}
	}
	return data
}

// assetRows counts the findings of every asset, those of the inventory
// first, most open findings first.
func assetRows(data *report.Data) []assetRow {
	rows := map[string]*assetRow{}
	for _, a := range data.Assets {
		rows[a.ID] = &assetRow{ID: a.ID, Kind: a.Kind, Name: a.Name, Owner: a.Owner, Criticality: a.Criticality, Exposure: a.Exposure}
	}
	for i := range data.Findings {
		f := &data.Findings[i]
		for _, id := range f.Assets {
			row := rows[id]
			if row == nil {
				kind, name, _ := strings.Cut(id, ":")
				row = &assetRow{ID: id, Kind: kind, Name: name}
				rows[id] = row
			}
			row.Total++
			if f.Active() {
				row.Open++
			}
		}
	}
	out := make([]assetRow, 0, len(rows))
	for _, row := range rows {
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b assetRow) int { return cmp.Or(cmp.Compare(b.Open, a.Open), strings.Compare(a.ID, b.ID)) })
	return out
}

// asset returns the row of one asset.
func (idx *index) asset(id string) (assetRow, bool) {
	for _, row := range idx.assets {
		if row.ID == id {
			return row, true
		}
	}
	return assetRow{}, false
}

// count returns how many records pass a filter without free text or
// asset, from the facets; it reports false when it cannot tell.
func (idx *index) count(f filter) (int, bool) {
	if f.Q != "" || f.Asset != "" || idx.facets == nil {
		return 0, false
	}
	want := func(list []string, v string) (int, bool) {
		if v == "" {
			return -1, true
		}
		i, ok := slices.BinarySearch(list, v)
		return i, ok
	}
	sev, okSev := want(idx.severities, f.Severity)
	tool, okTool := want(idx.tools, f.Tool)
	kind, okKind := want(idx.kinds, f.Kind)
	state := -1
	okState := true
	switch f.State {
	case "", "open", "fixed", "suppressed":
	default:
		state, okState = want(idx.states, f.State)
	}
	if !okSev || !okTool || !okKind || !okState {
		return 0, true
	}
	n := 0
	for _, x := range idx.facets {
		switch {
		case sev >= 0 && int(x.severity) != sev, tool >= 0 && int(x.tool) != tool, kind >= 0 && int(x.kind) != kind,
			state >= 0 && int(x.state) != state,
			f.State == "open" && (!x.open || x.suppressed),
			f.State == "fixed" && x.open,
			f.State == "suppressed" && (!x.open || !x.suppressed):
			continue
		}
		n++
	}
	return n, true
}

// records selects records of an application: in the store's database
// when it can, else from every record, filtered and ordered here.
func (s *server) records(ctx context.Context, app string, q correlate.Query) iter.Seq2[correlate.Record, error] {
	if rq, ok := s.cfg.Store.(recordQuerier); ok {
		return rq.Records(ctx, "", app, q)
	}
	return func(yield func(correlate.Record, error) bool) {
		recs, err := s.cfg.Store.Load(ctx, "", app)
		if err != nil {
			yield(correlate.Record{}, err)
			return
		}
		recs = slices.DeleteFunc(recs, func(r correlate.Record) bool { return !selects(q, &r) })
		if q.Order == correlate.ByLastSeen {
			slices.SortStableFunc(recs, func(a, b correlate.Record) int {
				return cmp.Or(cmp.Compare(zeroLast(a.LastSeen), zeroLast(b.LastSeen)), b.LastSeen.Compare(a.LastSeen),
					strings.Compare(a.ID, b.ID))
			})
		}
		if q.Limit > 0 && len(recs) > q.Limit {
			recs = recs[:q.Limit]
		}
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// zeroLast orders zero times first, as correlate.ByLastSeen does.
func zeroLast(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	return 1
}

// selects reports whether q selects r (for stores without Records).
func selects(q correlate.Query, r *correlate.Record) bool {
	switch {
	case q.Open && !r.Open,
		len(q.States) > 0 && !slices.Contains(q.States, r.State),
		len(q.Severities) > 0 && !slices.Contains(q.Severities, string(r.Finding.Severity)),
		q.Cluster != "" && r.Cluster != q.Cluster,
		q.Tool != "" && r.Finding.Tool.Name != q.Tool,
		q.Triage != "" && (r.Triage == nil || r.Triage.Status != q.Triage),
		!q.TriageExpiresBefore.IsZero() && (r.Triage == nil || r.Triage.Expires.IsZero() || !r.Triage.Expires.Before(q.TriageExpiresBefore)):
		return false
	}
	return true
}

// lookup returns one record of the application by ID, without reading
// the others: a record is found among the records of its cluster, whose
// ID is its own unless it joined an older cluster (the index knows
// those).
func (s *server) lookup(ctx context.Context, a *appState, id string) (correlate.Record, bool, error) {
	if id == "" {
		return correlate.Record{}, false, nil
	}
	find := func(cluster string) (correlate.Record, bool, error) {
		for r, err := range s.records(ctx, a.name, correlate.Query{Cluster: cluster}) {
			if err != nil {
				return correlate.Record{}, false, err
			}
			if r.ID == id {
				return r, true, nil
			}
		}
		return correlate.Record{}, false, nil
	}
	if r, ok, err := find(id); ok || err != nil {
		return r, ok, err
	}
	tried := ""
	if idx := a.latest(); idx != nil {
		if c, ok := idx.clusterOf[id]; ok {
			if r, ok, err := find(c); ok || err != nil {
				return r, ok, err
			}
			tried = c
		}
	}
	// The record may be newer than the index.
	idx, err := s.current(ctx, a)
	if err != nil {
		return correlate.Record{}, false, err
	}
	if c, ok := idx.clusterOf[id]; ok && c != tried {
		return find(c)
	}
	return correlate.Record{}, false, nil
}

// reportFinding turns a record into a report finding: its lifecycle, its
// triage, its risk by the default model (with the asset context of the
// inventory when there is one) and its SLA. It also returns the full
// score, for the detail page.
func (s *server) reportFinding(r *correlate.Record, g *inventory.Graph, now time.Time, app string) (report.Finding, risk.Score) {
	open := r.Open
	f := report.Finding{
		Finding:    r.Finding,
		State:      string(r.State),
		Open:       &open,
		Suppressed: r.Suppressed(now) || r.Finding.Suppressed(),
		FirstSeen:  r.FirstSeen, LastSeen: r.LastSeen, FixedAt: r.FixedAt,
		Cluster: r.Cluster,
	}
	// The record's identity is what the portal's URLs name.
	f.ID = r.ID
	if t := r.Triage; t != nil {
		f.TriageStatus, f.TriageJustification = string(t.Status), t.Justification
	}
	rc := risk.Context{FirstSeen: r.FirstSeen, Vectors: s.vectors}
	f.Assets = assetsOf(r, g, app)
	if g != nil {
		rc.Asset = correlate.AssetContext(&r.Finding, g, correlate.LinkOptions{})
	}
	// A finding whose CVSS vector does not parse still gets a score (from
	// its severity); the detail page shows the factors.
	sc, _ := risk.Model{}.ScoreFinding(r.Finding, rc)
	f.Risk = &report.Risk{Score: sc.Value, Priority: string(sc.Priority), Reachability: string(r.Finding.Reachability),
		Explanation: explanation(sc)}
	for _, fc := range sc.Explanation.Factors {
		if fc.Name == risk.FactorThreat && fc.Value == "kev" {
			f.Risk.KEV = true
		}
	}
	end := now
	if !r.Open && !r.FixedAt.IsZero() {
		end = r.FixedAt
	}
	st := risk.SLA{}.Status(sc.Priority, r.FirstSeen, end)
	f.SLADue, f.SLABreached = st.Due, st.Breached
	return f, sc
}

// assetsOf names the assets a record is about: those the inventory links
// it to, else those it implies.
func assetsOf(r *correlate.Record, g *inventory.Graph, app string) []string {
	if g != nil {
		if ids := correlate.Link(&r.Finding, g, correlate.LinkOptions{}); len(ids) > 0 {
			return ids
		}
	}
	return impliedAssets(&r.Finding, app)
}

// explanation is the known factors of a score that moved it, in words.
func explanation(sc risk.Score) string {
	var parts []string
	for _, fc := range sc.Explanation.Factors {
		if fc.Known && fc.Contribution != 0 {
			parts = append(parts, fc.Text())
		}
	}
	return strings.Join(parts, "; ")
}

// impliedAssets names the assets a finding is about when no inventory was
// uploaded: its package, image or endpoint as the inventory would
// identify them, else the application itself.
func impliedAssets(f *findings.Finding, app string) []string {
	var out []string
	if p := f.Package; p != nil {
		if id, err := inventory.ComponentID(p.PURL); p.PURL != "" && err == nil {
			out = append(out, id)
		} else if p.Name != "" && p.Version != "" {
			out = append(out, inventory.ID(inventory.KindComponent, p.Name+"@"+p.Version))
		}
	}
	if f.Location.Image != "" {
		if id, err := inventory.ImageID(f.Location.Image, ""); err == nil {
			out = append(out, id)
		}
	}
	if f.Location.URL != "" {
		out = append(out, inventory.ID(inventory.KindEndpoint, f.Location.URL))
	}
	if len(out) == 0 {
		out = append(out, inventory.ID(inventory.KindApplication, app))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
