package sarif

import (
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/aspmkit/aspm/findings"
)

// runState is what one run's metadata says, as far as it has been read.
type runState struct {
	index   int
	sawTool bool
	tool    findings.Tool
	kind    findings.Kind // the run's kind, before per-rule refinement
	family  string        // "trivy", "grype" or "" (tools with per-rule kinds and templates)

	driver     *gosarif.ToolComponent
	extensions []*gosarif.ToolComponent
	// ids maps rule ids to rules, per component: [0] the driver, [1+i]
	// extension i.
	ids        []map[string]*gosarif.ReportingDescriptor
	taxonomies []*gosarif.ToolComponent
	bases      map[string]*artifactLocation
	baseURIs   map[string]string // resolved originalUriBaseIds; "" when unresolvable
	logical    []*logicalLocation
	artifacts  []*artifactLocation

	rules  map[*gosarif.ReportingDescriptor]*ruleInfo
	noRule *ruleInfo

	results  int
	spans    []span
	raws     []rawResult
	buffered int64
}

func newRunState(i int) *runState {
	return &runState{index: i, kind: findings.KindSAST}
}

// setTool records the run's tool and indexes its rules.
func (rs *runState) setTool(t *gosarif.Tool) {
	rs.sawTool = true
	rs.driver = t.Driver
	rs.extensions = t.Extensions
	rs.tool = findings.Tool{}
	if d := t.Driver; d != nil {
		rs.tool.Name = str(d.Name)
		rs.tool.Version = str(d.Version)
		if rs.tool.Version == "" {
			rs.tool.Version = str(d.SemanticVersion)
		}
		rs.tool.Vendor = str(d.Organization)
	}
	rs.ids = rs.ids[:0]
	rs.ids = append(rs.ids, indexRules(t.Driver))
	for _, e := range t.Extensions {
		rs.ids = append(rs.ids, indexRules(e))
	}
	rs.kind, rs.family = runKind(rs.tool.Name, t.Driver)
	rs.rules, rs.noRule = nil, nil
}

func indexRules(c *gosarif.ToolComponent) map[string]*gosarif.ReportingDescriptor {
	if c == nil || len(c.Rules) == 0 {
		return nil
	}
	m := make(map[string]*gosarif.ReportingDescriptor, len(c.Rules))
	for _, r := range c.Rules {
		if r == nil || r.ID == nil {
			continue
		}
		if _, dup := m[*r.ID]; !dup {
			m[*r.ID] = r
		}
	}
	return m
}

func (rs *runState) setTaxonomies(t []*gosarif.ToolComponent) {
	rs.taxonomies = t
	rs.rules, rs.noRule = nil, nil
}

func (rs *runState) setBases(m map[string]*artifactLocation) {
	rs.bases = m
	rs.baseURIs = nil
}

// component resolves a toolComponentReference to the driver (-1) or an
// extension (its index); ok is false when it names nothing known.
func (rs *runState) component(ref *componentRef) (int, bool) {
	if ref == nil {
		return -1, true
	}
	if ref.Index != nil {
		if i := *ref.Index; i >= 0 && i < len(rs.extensions) {
			return i, true
		}
	}
	for i, e := range rs.extensions {
		if e == nil {
			continue
		}
		if (ref.GUID != nil && e.GuID != nil && strings.EqualFold(*ref.GUID, *e.GuID)) ||
			(ref.Name != nil && e.Name != nil && *ref.Name == *e.Name) {
			return i, true
		}
	}
	if ref.Name != nil && rs.driver != nil && rs.driver.Name != nil && *ref.Name == *rs.driver.Name {
		return -1, true
	}
	return -1, false
}

// lookupRule finds the rule of a result: by index (result.rule.index, else
// result.ruleIndex) in the component result.rule.toolComponent names (the
// driver by default), unless that rule's id contradicts the result's; else
// by id (result.ruleId, else result.rule.id) in that component, then in the
// driver and every extension; a hierarchical id ("a/b/c") falls back to its
// parents ("a/b", "a"; at most 8 levels) as SARIF §3.27.5 allows.
func (rs *runState) lookupRule(res *result) *gosarif.ReportingDescriptor {
	comp := -1
	var idx *int
	id := res.RuleID
	if res.Rule != nil {
		comp, _ = rs.component(res.Rule.ToolComponent)
		idx = res.Rule.Index
		if id == "" {
			id = str(res.Rule.ID)
		}
	}
	if idx == nil && res.RuleIndex >= 0 {
		idx = &res.RuleIndex
	}
	c := rs.driver
	if comp >= 0 {
		c = rs.extensions[comp]
	}
	if idx != nil && c != nil && *idx >= 0 && *idx < len(c.Rules) {
		if r := c.Rules[*idx]; r != nil && (id == "" || r.ID == nil || *r.ID == id || strings.HasPrefix(id, *r.ID+"/")) {
			return r
		}
	}
	if id == "" {
		return nil
	}
	// At most a few parent levels, so that a hostile id of many slashes
	// costs no more than a few lookups.
	for range 8 {
		if r := rs.ruleByID(comp, id); r != nil {
			return r
		}
		i := strings.LastIndexByte(id, '/')
		if i <= 0 {
			return nil
		}
		id = id[:i]
	}
	return nil
}

func (rs *runState) ruleByID(comp int, id string) *gosarif.ReportingDescriptor {
	if comp+1 < len(rs.ids) {
		if r := rs.ids[comp+1][id]; r != nil {
			return r
		}
	}
	for _, m := range rs.ids {
		if r := m[id]; r != nil {
			return r
		}
	}
	return nil
}

// info returns the cached facts of a rule (nil: a result without rule).
func (rs *runState) info(r *gosarif.ReportingDescriptor) *ruleInfo {
	if r == nil {
		if rs.noRule == nil {
			rs.noRule = &ruleInfo{kind: rs.kind}
		}
		return rs.noRule
	}
	if ri := rs.rules[r]; ri != nil {
		return ri
	}
	if rs.rules == nil {
		rs.rules = make(map[*gosarif.ReportingDescriptor]*ruleInfo)
	}
	ri := rs.newRuleInfo(r)
	rs.rules[r] = ri
	return ri
}

// baseURI resolves a uriBaseId through originalUriBaseIds (following each
// entry's own uriBaseId); "" when the document does not define it.
func (rs *runState) baseURI(id string) string {
	if u, ok := rs.baseURIs[id]; ok {
		return u
	}
	u := rs.resolveBase(id, 0)
	if rs.baseURIs == nil {
		rs.baseURIs = make(map[string]string)
	}
	rs.baseURIs[id] = u
	return u
}

// maxBaseURI bounds a resolved originalUriBaseIds entry, in bytes. Every
// result relative to a base gets its own copy of the base joined to its
// URI, so a long base would multiply what a document costs by its number
// of results; real bases are short directory URIs. A longer base is not
// resolved: results keep their URI as written.
const maxBaseURI = 4 << 10

// maxBaseDepth bounds how many uriBaseIds a base may be relative to in
// turn; a longer chain, or a cycle, is not resolved.
const maxBaseDepth = 16

func (rs *runState) resolveBase(id string, depth int) string {
	e := rs.bases[id]
	if e == nil || depth > maxBaseDepth || len(e.URI) > maxBaseURI {
		return ""
	}
	u := e.URI
	if e.URIBaseID != "" && !isAbsoluteURI(u) {
		p := rs.resolveBase(e.URIBaseID, depth+1)
		if p == "" {
			return ""
		}
		u = joinURI(p, u)
		if len(u) > maxBaseURI {
			return ""
		}
	}
	return u
}

// isAbsoluteURI reports whether u starts with a URI scheme ("file:",
// "https:") or a Windows drive ("C:").
func isAbsoluteURI(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == ':':
			return i > 0
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// joinURI appends a relative reference to a base URI. SARIF requires base
// URIs to end with "/"; one is added when missing.
func joinURI(base, rel string) string {
	if base == "" {
		return rel
	}
	if strings.HasSuffix(base, "/") {
		return base + strings.TrimPrefix(rel, "/")
	}
	return base + "/" + strings.TrimPrefix(rel, "/")
}
