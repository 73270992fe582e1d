package correlate

import (
	"cmp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aspmkit/aspm/findings"
)

// Identities returns the identity key of every finding of one scan, in
// order. It ranks findings that share tool, rule, path and logical
// location by position in the file, for the strategies that fall back on
// that rank.
func Identities(fs []findings.Finding, opts Options) []string {
	strategies := strategyCache{opts: opts}
	occ := occurrences(fs, opts, &strategies)
	strategies.all()
	out := make([]string, len(fs))
	parallel(len(fs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			f := &fs[i]
			out[i] = strategies.m[f.Kind].Identity(f, occ[i])
		}
	})
	return out
}

// parallel runs work over [0, n) in chunks, on as many goroutines as
// GOMAXPROCS allows, and returns when all are done. Small inputs run on
// the caller's goroutine.
func parallel(n int, work func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers < 2 {
		work(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(lo, hi)
		}()
	}
	wg.Wait()
}

// strategyCache resolves each kind's strategy once.
type strategyCache struct {
	opts Options
	m    map[findings.Kind]Strategy
}

// all resolves the strategy of every kind, so that c.m can then be read
// from several goroutines.
func (c *strategyCache) all() {
	for _, k := range findings.Kinds {
		c.get(k)
	}
}

func (c *strategyCache) get(k findings.Kind) Strategy {
	if s, ok := c.m[k]; ok {
		return s
	}
	if c.m == nil {
		c.m = map[findings.Kind]Strategy{}
	}
	s := c.opts.strategy(k)
	c.m[k] = s
	return s
}

// occurrenceUser is implemented by strategies that can tell whether they
// need a finding's occurrence rank; strategies that do not implement it
// get ranks for every finding.
type occurrenceUser interface {
	needsOccurrence(f *findings.Finding) bool
}

// occurrences ranks each finding among those of the same tool, rule, path
// and enclosing logical location by start line, start column, then input
// order, for the findings whose strategy uses the rank: a finding dropped
// from one function does not shift the ranks in the others.
func occurrences(fs []findings.Finding, opts Options, strategies *strategyCache) []int {
	type groupKey struct{ tool, rule, path, logical string }
	groups := map[groupKey][]int32{}
	for i := range fs {
		f := &fs[i]
		if u, ok := strategies.get(f.Kind).(occurrenceUser); ok && !u.needsOccurrence(f) {
			continue
		}
		k := groupKey{f.Tool.Name, f.RuleID, NormalizePath(cmp.Or(f.Location.Path, f.Location.Target), opts.FoldCase), f.Location.LogicalLocation}
		groups[k] = append(groups[k], int32(i))
	}
	occ := make([]int, len(fs))
	for _, g := range groups {
		if len(g) == 1 {
			continue
		}
		slices.SortStableFunc(g, func(a, b int32) int {
			la, ca := position(&fs[a])
			lb, cb := position(&fs[b])
			if c := cmp.Compare(la, lb); c != 0 {
				return c
			}
			return cmp.Compare(ca, cb)
		})
		for rank, i := range g {
			occ[i] = rank
		}
	}
	return occ
}

func position(f *findings.Finding) (line, col int) {
	if r := f.Location.Region; r != nil {
		return r.StartLine, r.StartColumn
	}
	return 0, 0
}

// Member is one finding of a cluster, with its provenance.
type Member struct {
	// Index is the finding's position in the slice given to [Dedup].
	Index int `json:"index"`
	// ID is the finding's ID; Identity its identity key.
	ID       string `json:"id"`
	Identity string `json:"identity"`
	// Tool names the scanner; Source the document and record.
	Tool   string          `json:"tool"`
	Source findings.Source `json:"source"`
}

// Cluster is one problem, reported by one or more records of one or more
// tools.
type Cluster struct {
	// ID is the identity key of the cluster's oldest member (the first in
	// input order): it does not change when another tool's findings join,
	// and when clusters merge, the oldest ID survives.
	ID string `json:"id"`
	// Kind, Title, Package and Location are the oldest member's.
	Kind     findings.Kind     `json:"kind"`
	Title    string            `json:"title"`
	Package  *findings.Package `json:"package,omitempty"`
	Location findings.Location `json:"location"`
	// Severity is the highest severity among the members.
	Severity findings.Severity `json:"severity"`
	// Tools names the tools that reported it, sorted.
	Tools []string `json:"tools"`
	// RuleIDs, VulnerabilityIDs and CWEs are the union over members, sorted
	// (vulnerability IDs keep the oldest member's primary ID first).
	RuleIDs          []string `json:"rule_ids,omitempty"`
	VulnerabilityIDs []string `json:"vulnerability_ids,omitempty"`
	CWEs             []string `json:"cwes,omitempty"`
	// Identities are the members' distinct identity keys, sorted.
	Identities []string `json:"identities"`
	// Members lists every record, in input order.
	Members []Member `json:"members"`
}

// unionFind over finding indices; the root is always the smallest index,
// so a cluster's root is its oldest member.
type unionFind []int32

func (u unionFind) find(i int32) int32 {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	switch {
	case ra < rb:
		u[rb] = ra
	case rb < ra:
		u[ra] = rb
	}
}

// Dedup groups findings into clusters: records with the same identity key
// (the same finding reported twice by one tool), and records of any tools
// that share a correlation key and that the kind's strategy relates. It
// returns the clusters ordered by their oldest member. Findings of
// different kinds never share a cluster.
func Dedup(fs []findings.Finding, opts Options) []Cluster {
	ids := Identities(fs, opts)
	return dedup(fs, ids, opts)
}

func dedup(fs []findings.Finding, ids []string, opts Options) []Cluster {
	n := len(fs)
	uf := make(unionFind, n)
	for i := range uf {
		uf[i] = int32(i)
	}
	type identity struct {
		kind findings.Kind
		id   string
	}
	first := make(map[identity]int32, n)
	for i, id := range ids {
		k := identity{fs[i].Kind, id}
		if j, ok := first[k]; ok {
			uf.union(j, int32(i))
		} else {
			first[k] = int32(i)
		}
	}
	first = nil

	// Correlation keys: group the findings of each key, then relate them.
	type corrKey struct {
		kind findings.Kind
		key  string
	}
	byKey := map[corrKey][]int32{}
	strategies := strategyCache{opts: opts}
	for i := range fs {
		strategies.get(fs[i].Kind) // kinds outside findings.Kinds too
	}
	keys := make([][]string, n)
	parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			keys[i] = strategies.m[fs[i].Kind].Correlation(&fs[i])
		}
	})
	for i := range fs {
		for _, k := range keys[i] {
			ck := corrKey{fs[i].Kind, k}
			byKey[ck] = append(byKey[ck], int32(i))
		}
	}
	keys = nil
	for _, members := range byKey {
		if len(members) < 2 {
			continue
		}
		s := strategies.get(fs[members[0]].Kind)
		if _, code := s.(CodeStrategy); code {
			relateByRegion(fs, members, uf)
			continue
		}
		for _, m := range members[1:] {
			if s.Related(&fs[members[0]], &fs[m]) {
				uf.union(members[0], m)
			}
		}
	}
	byKey = nil

	// Number the clusters by their oldest member, then fill them.
	clusterOf := make([]int32, n)
	count := 0
	sizes := []int32{}
	for i := range fs {
		r := uf.find(int32(i))
		if r == int32(i) {
			clusterOf[i] = int32(count)
			sizes = append(sizes, 0)
			count++
		} else {
			clusterOf[i] = clusterOf[r]
		}
		sizes[clusterOf[i]]++
	}
	out := make([]Cluster, count)
	members := make([]Member, n) // one backing array for every cluster's members
	next := 0
	for ci := range out {
		out[ci].Members = members[next : next : next+int(sizes[ci])]
		next += int(sizes[ci])
	}
	for i := range fs {
		c := &out[clusterOf[i]]
		f := &fs[i]
		if len(c.Members) == 0 {
			c.ID, c.Kind, c.Title, c.Package, c.Location = ids[i], f.Kind, f.Title, f.Package, f.Location
		}
		c.Members = append(c.Members, Member{Index: i, ID: f.ID, Identity: ids[i], Tool: f.Tool.Name, Source: f.Source})
	}
	parallel(len(out), func(lo, hi int) {
		for ci := lo; ci < hi; ci++ {
			finish(&out[ci], fs)
		}
	})
	return out
}

// relateByRegion unions findings of one file and CWE whose regions
// overlap, with a sweep over start lines instead of comparing every pair.
// A finding without a region joins them all.
func relateByRegion(fs []findings.Finding, members []int32, uf unionFind) {
	var noRegion, withRegion []int32
	for _, m := range members {
		if r := fs[m].Location.Region; r == nil || r.StartLine == 0 {
			noRegion = append(noRegion, m)
		} else {
			withRegion = append(withRegion, m)
		}
	}
	for _, m := range noRegion {
		uf.union(members[0], m)
	}
	slices.SortFunc(withRegion, func(a, b int32) int {
		la, _ := position(&fs[a])
		lb, _ := position(&fs[b])
		return cmp.Or(cmp.Compare(la, lb), cmp.Compare(a, b))
	})
	// Overlapping intervals chain into one component: keep the furthest
	// end seen since the component started.
	anchor, end := int32(-1), 0
	for _, m := range withRegion {
		r := fs[m].Location.Region
		e := max(r.EndLine, r.StartLine)
		if anchor >= 0 && r.StartLine <= end {
			uf.union(anchor, m)
			end = max(end, e)
			continue
		}
		anchor, end = m, e
	}
	if len(noRegion) > 0 && len(withRegion) > 0 {
		uf.union(noRegion[0], withRegion[0])
	}
}

// finish computes a cluster's unions from its members.
func finish(c *Cluster, fs []findings.Finding) {
	if len(c.Members) == 1 {
		finishOne(c, &fs[c.Members[0].Index])
		return
	}
	sev := findings.SeverityUnknown
	var tools, rules, vulns, cwes, idents []string
	primary := ""
	for _, m := range c.Members {
		f := &fs[m.Index]
		tools = append(tools, f.Tool.Name)
		if f.RuleID != "" {
			rules = append(rules, f.RuleID)
		}
		for _, v := range f.VulnerabilityIDs {
			if primary == "" {
				primary = v
				continue
			}
			vulns = append(vulns, v)
		}
		cwes = append(cwes, f.CWEs...)
		idents = append(idents, m.Identity)
		if f.Severity.Rank() > sev.Rank() {
			sev = f.Severity
		}
	}
	c.Severity = sev
	c.Tools = set(tools)
	c.RuleIDs = set(rules)
	c.CWEs = set(cwes)
	c.Identities = set(idents)
	if primary != "" {
		c.VulnerabilityIDs = aliases(primary, vulns)
	}
}

// finishOne is finish for a cluster of one finding (most clusters), with
// fewer allocations.
func finishOne(c *Cluster, f *findings.Finding) {
	c.Severity = f.Severity
	if c.Severity.Rank() == 0 {
		c.Severity = findings.SeverityUnknown
	}
	c.Tools = []string{f.Tool.Name}
	if f.RuleID != "" {
		c.RuleIDs = []string{f.RuleID}
	}
	c.CWEs = set(slices.Clone(f.CWEs))
	c.Identities = []string{c.Members[0].Identity}
	if len(f.VulnerabilityIDs) > 0 {
		c.VulnerabilityIDs = aliases(f.VulnerabilityIDs[0], slices.Clone(f.VulnerabilityIDs[1:]))
	}
}

// aliases returns primary followed by the other IDs, sorted and without
// duplicates, comparing case-insensitively (tools write "GHSA-8hfj-..." and
// "GHSA-8HFJ-...") and keeping each ID as first written.
func aliases(primary string, others []string) []string {
	if len(others) == 0 {
		return []string{primary}
	}
	if len(others) == 1 {
		if strings.EqualFold(others[0], primary) {
			return []string{primary}
		}
		return []string{primary, others[0]}
	}
	type id struct{ upper, orig string }
	ids := make([]id, len(others))
	for i, v := range others {
		ids[i] = id{strings.ToUpper(v), v}
	}
	slices.SortStableFunc(ids, func(a, b id) int { return strings.Compare(a.upper, b.upper) })
	up := strings.ToUpper(primary)
	out := make([]string, 1, len(others)+1)
	out[0] = primary
	last := up
	for _, v := range ids {
		if v.upper == up || v.upper == last {
			continue
		}
		out = append(out, v.orig)
		last = v.upper
	}
	return out
}

// set sorts s and removes duplicates; nil for an empty s.
func set(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	if len(s) > 1 {
		slices.Sort(s)
		s = slices.Compact(s)
	}
	return slices.Clip(s)
}

// String returns a short description of the cluster for logs.
func (c Cluster) String() string {
	return c.ID + " " + string(c.Kind) + " " + strconv.Itoa(len(c.Members)) + " record(s) from " + strings.Join(c.Tools, ",")
}
