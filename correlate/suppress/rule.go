package suppress

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
)

// Status is the triage decision an ignore rule records.
type Status string

// The statuses of an ignore rule. [StatusFixed] comes only from VEX, in a
// [Decision]; a rule cannot claim it.
const (
	// StatusFalsePositive: the tool is wrong; there is no problem.
	StatusFalsePositive Status = "false_positive"
	// StatusAcceptedRisk: the problem is real and accepted for now,
	// usually until the rule's expiry.
	StatusAcceptedRisk Status = "accepted_risk"
	// StatusNotAffected: the problem exists in a component but does not
	// affect the product (the VEX meaning).
	StatusNotAffected Status = "not_affected"
	// StatusWontFix: the problem is real and will not be fixed.
	StatusWontFix Status = "wont_fix"
	// StatusFixed: a VEX statement says the product is fixed.
	StatusFixed Status = "fixed"
)

// ruleStatuses lists the statuses a rule may have, in a stable order.
var ruleStatuses = []Status{StatusFalsePositive, StatusAcceptedRisk, StatusNotAffected, StatusWontFix}

// Valid reports whether s is a status an ignore rule may have (every
// status but [StatusFixed]).
func (s Status) Valid() bool {
	for _, v := range ruleStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// ScopeGlobal is the [Rule.Scope] of a rule that applies to every
// project; the empty scope means the same.
const ScopeGlobal = "global"

// Rule is an ignore rule: a triage decision that suppresses the findings it
// matches, with who decided, why, and until when.
//
// A rule matches a finding when every criterion that is not empty matches
// (AND across fields) and, within one field, any value matches (OR).
// A rule must have at least one criterion among RuleIDs, Paths, PURLs,
// CWEs, VulnerabilityIDs and Tools: Scope alone never selects findings.
//
// A Rule is a plain value, safe to copy and to read concurrently.
type Rule struct {
	// ID names the rule uniquely within its set; required.
	ID string `json:"id"`
	// RuleIDs match f.RuleID exactly (case-sensitive).
	RuleIDs []string `json:"rule_ids,omitempty"`
	// Paths are globs (see [MatchPath]) matched against f.Location.Path,
	// f.Location.Target and f.Package.Paths; one match is enough.
	Paths []string `json:"paths,omitempty"`
	// PURLs are package URLs matched against f.Package.PURL as VEX
	// products are (see [VEXIndex.Match]): a purl without a version covers
	// every version, one with a version only that version. Go module paths
	// keep their case.
	PURLs []string `json:"purls,omitempty"`
	// CWEs match any of f.CWEs. Any spelling [findings.NormalizeCWE]
	// accepts is allowed; [NewRuleSet] stores the canonical "CWE-79".
	CWEs []string `json:"cwes,omitempty"`
	// VulnerabilityIDs match any of f.VulnerabilityIDs, ignoring case.
	VulnerabilityIDs []string `json:"vulnerability_ids,omitempty"`
	// Tools match f.Tool.Name, ignoring case.
	Tools []string `json:"tools,omitempty"`
	// Scope is "" or [ScopeGlobal] for a rule that applies to every
	// project (global triage reuse), else the project key the caller
	// passes to [RuleSet.Match], compared exactly.
	Scope string `json:"scope,omitempty"`
	// Status is the triage decision; required, one of the rule statuses.
	Status Status `json:"status"`
	// Justification says why; required.
	Justification string `json:"justification"`
	// Author says who decided.
	Author string `json:"author,omitempty"`
	// Created is when the decision was made; zero when unknown.
	Created time.Time `json:"created,omitzero"`
	// Expires is when the rule stops matching; zero means never. The rule
	// matches up to and including this instant.
	Expires time.Time `json:"expires,omitzero"`
	// File and Line say where the rule was read from (by [ParseRules]);
	// empty for a rule built in code. They are not part of the JSON form.
	File string `json:"-"`
	Line int    `json:"-"`
}

// Global reports whether r applies to every project.
func (r *Rule) Global() bool { return r.Scope == "" || r.Scope == ScopeGlobal }

// Active reports whether r is in force at now: it has no expiry, or now is
// not after it.
func (r *Rule) Active(now time.Time) bool { return r.Expires.IsZero() || !now.After(r.Expires) }

// Expired reports whether r has an expiry and now is after it.
func (r *Rule) Expired(now time.Time) bool { return !r.Active(now) }

// compiledRule is a validated rule with its patterns compiled.
type compiledRule struct {
	rule   Rule
	paths  []pathPattern
	purls  []pkgID
	vulns  []string // upper-cased
	tools  []string // lower-cased
	ruleID map[string]bool
	cwes   map[string]bool
}

// compile validates r and compiles its patterns. It returns r normalized
// (canonical CWEs, trimmed fields) and a joined error of [*RuleError]s
// naming each bad field.
func compile(r Rule, field string) (compiledRule, error) {
	var errs []error
	bad := func(sub string, format string, args ...any) {
		errs = append(errs, &RuleError{File: r.File, Line: r.Line, Field: field + sub, Rule: r.ID, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)})
	}
	c := compiledRule{rule: r}
	c.rule.ID = strings.TrimSpace(r.ID)
	if c.rule.ID == "" {
		bad(".id", "missing id")
	}
	if !r.Status.Valid() {
		if r.Status == "" {
			bad(".status", "missing status")
		} else {
			bad(".status", "unknown status %q (want one of false_positive, accepted_risk, not_affected, wont_fix)", r.Status)
		}
	}
	if strings.TrimSpace(r.Justification) == "" {
		bad(".justification", "missing justification")
	}
	if !r.Created.IsZero() && !r.Expires.IsZero() && r.Expires.Before(r.Created) {
		bad(".expires", "expires %s is before created %s", r.Expires.Format(time.RFC3339), r.Created.Format(time.RFC3339))
	}
	c.rule.Scope = strings.TrimSpace(r.Scope)
	if len(r.RuleIDs)+len(r.Paths)+len(r.PURLs)+len(r.CWEs)+len(r.VulnerabilityIDs)+len(r.Tools) == 0 {
		bad("", "no criteria: a rule needs at least one of rule_ids, paths, purls, cwes, vulnerability_ids, tools")
	}
	empty := func(name string, vs []string) bool {
		for i, v := range vs {
			if strings.TrimSpace(v) == "" {
				bad(fmt.Sprintf(".%s[%d]", name, i), "empty value")
				return true
			}
		}
		return false
	}
	if !empty("rule_ids", r.RuleIDs) {
		c.ruleID = make(map[string]bool, len(r.RuleIDs))
		for _, v := range r.RuleIDs {
			c.ruleID[v] = true
		}
	}
	if !empty("paths", r.Paths) {
		for i, p := range r.Paths {
			g, err := compilePath(p)
			if err != nil {
				bad(fmt.Sprintf(".paths[%d]", i), "%q: %v", p, err)
				continue
			}
			c.paths = append(c.paths, g)
		}
	}
	if !empty("purls", r.PURLs) {
		for i, p := range r.PURLs {
			id, ok := parsePURL(p)
			if !ok {
				bad(fmt.Sprintf(".purls[%d]", i), "%q is not a package URL", p)
				continue
			}
			c.purls = append(c.purls, id)
		}
	}
	if !empty("cwes", r.CWEs) {
		c.cwes = make(map[string]bool, len(r.CWEs))
		norm := make([]string, 0, len(r.CWEs))
		for i, v := range r.CWEs {
			cwe, ok := findings.NormalizeCWE(v)
			if !ok {
				bad(fmt.Sprintf(".cwes[%d]", i), "%q is not a CWE", v)
				continue
			}
			c.cwes[cwe] = true
			norm = append(norm, cwe)
		}
		c.rule.CWEs = norm
	}
	if !empty("vulnerability_ids", r.VulnerabilityIDs) {
		for _, v := range r.VulnerabilityIDs {
			c.vulns = append(c.vulns, strings.ToUpper(strings.TrimSpace(v)))
		}
	}
	if !empty("tools", r.Tools) {
		for _, v := range r.Tools {
			c.tools = append(c.tools, strings.ToLower(strings.TrimSpace(v)))
		}
	}
	// Keep the caller's slices out of the set: copy what we store.
	c.rule.RuleIDs = cloneStrings(r.RuleIDs)
	c.rule.Paths = cloneStrings(r.Paths)
	c.rule.PURLs = cloneStrings(r.PURLs)
	c.rule.VulnerabilityIDs = cloneStrings(r.VulnerabilityIDs)
	c.rule.Tools = cloneStrings(r.Tools)
	return c, errors.Join(errs...)
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// facts is what rules are compared with, computed once per finding. It
// copies what it needs from the finding rather than pointing at it, so
// that the finding a caller passes by value stays on the stack.
type facts struct {
	ruleID   string
	cwes     []string
	vulns    []string // upper-cased
	tool     string   // lower-cased
	purlText string
	pkg      pkgID
	hasPkg   bool
	pkgOK    bool
	locPath  string
	target   string
	pkgPaths []string
	paths    [][]string
	pathsOK  bool
}

func newFacts(f *findings.Finding) facts {
	fa := facts{
		ruleID:  f.RuleID,
		cwes:    f.CWEs,
		tool:    strings.ToLower(strings.TrimSpace(f.Tool.Name)),
		locPath: f.Location.Path,
		target:  f.Location.Target,
	}
	if f.Package != nil {
		fa.purlText, fa.pkgPaths = f.Package.PURL, f.Package.Paths
	}
	fa.vulns = make([]string, 0, len(f.VulnerabilityIDs))
	for _, v := range f.VulnerabilityIDs {
		if v = strings.ToUpper(strings.TrimSpace(v)); v != "" {
			fa.vulns = append(fa.vulns, v)
		}
	}
	return fa
}

// purl parses the finding's package URL lazily: only purl rules need it.
func (fa *facts) purl() (pkgID, bool) {
	if !fa.pkgOK {
		fa.pkgOK = true
		if fa.purlText != "" {
			fa.pkg, fa.hasPkg = parsePURL(fa.purlText)
		}
	}
	return fa.pkg, fa.hasPkg
}

// pathList splits the finding's paths lazily: only rules with path
// criteria need them.
func (fa *facts) pathList() [][]string {
	if fa.pathsOK {
		return fa.paths
	}
	fa.pathsOK = true
	n := len(fa.pkgPaths) + 2
	fa.paths = make([][]string, 0, n)
	if fa.locPath != "" {
		fa.paths = append(fa.paths, pathSegments(fa.locPath))
	}
	if fa.target != "" {
		fa.paths = append(fa.paths, pathSegments(fa.target))
	}
	for _, p := range fa.pkgPaths {
		if p != "" {
			fa.paths = append(fa.paths, pathSegments(p))
		}
	}
	return fa.paths
}

// matches reports whether every non-empty criterion of c matches the
// finding. Scope and expiry are checked by the caller.
func (c *compiledRule) matches(fa *facts) bool {
	if len(c.ruleID) > 0 && !c.ruleID[fa.ruleID] {
		return false
	}
	if len(c.vulns) > 0 && !anyEqual(c.vulns, fa.vulns) {
		return false
	}
	if len(c.tools) > 0 && !contains(c.tools, fa.tool) {
		return false
	}
	if len(c.cwes) > 0 {
		ok := false
		for _, w := range fa.cwes {
			if c.cwes[w] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(c.purls) > 0 {
		pkg, has := fa.purl()
		if !has {
			return false
		}
		ok := false
		for i := range c.purls {
			if c.purls[i].covers(pkg) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(c.paths) > 0 {
		ok := false
		for _, p := range fa.pathList() {
			for i := range c.paths {
				if c.paths[i].match(p) {
					ok = true
					break
				}
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func anyEqual(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// inScope reports whether r applies to project.
func (c *compiledRule) inScope(project string) bool {
	return c.rule.Global() || c.rule.Scope == project
}

// RuleSet is an ordered, validated set of ignore rules, indexed so that
// matching a finding looks at the few rules that can match it rather than
// at all of them.
//
// A RuleSet is immutable once built and safe for concurrent use by several
// goroutines.
type RuleSet struct {
	rules []compiledRule
	// Each rule is indexed under exactly one of its criteria, the first
	// non-empty among vulnerability IDs, rule IDs, purls, CWEs and tools
	// (one value of that criterion must match for the rule to match, so
	// the index never hides a match); rules with only path criteria are
	// in scan and are tried for every finding.
	byVuln   map[string][]int32
	byRuleID map[string][]int32
	byPURL   map[string][]int32
	byCWE    map[string][]int32
	byTool   map[string][]int32
	scan     []int32
}

// NewRuleSet validates rules and builds a set of them, in the given order.
// It returns an error joining one [*RuleError] per problem (wrapping
// [ErrInvalid]): a missing id, status or justification, a duplicate id, a
// rule without criteria, an empty value, a path glob, purl or CWE that does
// not parse, an expiry before creation. The rules are copied.
func NewRuleSet(rules []Rule) (*RuleSet, error) {
	return newRuleSet(rules, nil)
}

// newRuleSet builds a set; fields, when given, names each rule's position
// in its document for errors.
func newRuleSet(rules []Rule, fields []string) (*RuleSet, error) {
	s := &RuleSet{
		byVuln:   map[string][]int32{},
		byRuleID: map[string][]int32{},
		byPURL:   map[string][]int32{},
		byCWE:    map[string][]int32{},
		byTool:   map[string][]int32{},
	}
	var errs []error
	ids := make(map[string]int, len(rules))
	for i, r := range rules {
		field := "rules[" + strconv.Itoa(i) + "]"
		if fields != nil {
			field = fields[i]
		}
		c, err := compile(r, field)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := ids[c.rule.ID]; dup {
			errs = append(errs, &RuleError{File: r.File, Line: r.Line, Field: field + ".id", Rule: c.rule.ID,
				Err: fmt.Errorf("%w: duplicate id (first used by rule %d)", ErrInvalid, prev)})
			continue
		}
		ids[c.rule.ID] = i
		s.add(c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *RuleSet) add(c compiledRule) {
	n := int32(len(s.rules))
	s.rules = append(s.rules, c)
	put := func(m map[string][]int32, keys []string) {
		seen := map[string]bool{}
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				m[k] = append(m[k], n)
			}
		}
	}
	switch {
	case len(c.vulns) > 0:
		put(s.byVuln, c.vulns)
	case len(c.ruleID) > 0:
		put(s.byRuleID, c.rule.RuleIDs)
	case len(c.purls) > 0:
		keys := make([]string, len(c.purls))
		for i := range c.purls {
			keys[i] = c.purls[i].key()
		}
		put(s.byPURL, keys)
	case len(c.cwes) > 0:
		put(s.byCWE, c.rule.CWEs)
	case len(c.tools) > 0:
		put(s.byTool, c.tools)
	default:
		s.scan = append(s.scan, n)
	}
}

// Len reports how many rules the set holds.
func (s *RuleSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rules)
}

// Rules returns a copy of the rules, in order.
func (s *RuleSet) Rules() []Rule {
	if s == nil {
		return nil
	}
	out := make([]Rule, len(s.rules))
	for i := range s.rules {
		out[i] = cloneRule(s.rules[i].rule)
	}
	return out
}

func cloneRule(r Rule) Rule {
	r.RuleIDs = cloneStrings(r.RuleIDs)
	r.Paths = cloneStrings(r.Paths)
	r.PURLs = cloneStrings(r.PURLs)
	r.CWEs = cloneStrings(r.CWEs)
	r.VulnerabilityIDs = cloneStrings(r.VulnerabilityIDs)
	r.Tools = cloneStrings(r.Tools)
	return r
}

// Match returns the first rule, in set order, that matches f, is in scope
// for project (global rules and rules whose Scope equals project) and is
// active at now (not expired). Order is the only precedence: put narrow
// rules before broad ones, or project rules before global ones, when that
// matters. An expired rule never matches; see [RuleSet.MatchExpired] and
// [RuleSet.Expired].
func (s *RuleSet) Match(f findings.Finding, project string, now time.Time) (Rule, bool) {
	return s.find(&f, project, now, false)
}

// MatchExpired returns the first rule, in set order, that would match f in
// project but has expired at now: the suppression that lapsed, so that the
// finding is active again (a risk acceptance to renew or a finding to
// reopen).
func (s *RuleSet) MatchExpired(f findings.Finding, project string, now time.Time) (Rule, bool) {
	return s.find(&f, project, now, true)
}

func (s *RuleSet) find(f *findings.Finding, project string, now time.Time, expired bool) (Rule, bool) {
	if s == nil || len(s.rules) == 0 {
		return Rule{}, false
	}
	q := query{s: s, fa: newFacts(f), project: project, now: now, expired: expired, best: -1}
	for _, v := range q.fa.vulns {
		q.try(s.byVuln[v])
	}
	if len(s.byRuleID) > 0 && f.RuleID != "" {
		q.try(s.byRuleID[f.RuleID])
	}
	if len(s.byPURL) > 0 {
		if pkg, ok := q.fa.purl(); ok {
			q.try(s.byPURL[pkg.key()])
		}
	}
	if len(s.byCWE) > 0 {
		for _, w := range f.CWEs {
			q.try(s.byCWE[w])
		}
	}
	if len(s.byTool) > 0 {
		q.try(s.byTool[q.fa.tool])
	}
	q.try(s.scan)
	if q.best < 0 {
		return Rule{}, false
	}
	return cloneRule(s.rules[q.best].rule), true
}

// query is one search of a set for the first matching rule.
type query struct {
	s       *RuleSet
	fa      facts
	project string
	now     time.Time
	expired bool
	best    int32
}

// try checks the candidate rules cands, keeping the first in set order
// that matches.
func (q *query) try(cands []int32) {
	for _, n := range cands {
		if q.best >= 0 && n >= q.best {
			continue
		}
		c := &q.s.rules[n]
		if c.rule.Expired(q.now) != q.expired || !c.inScope(q.project) || !c.matches(&q.fa) {
			continue
		}
		q.best = n
	}
}

// Expired returns the rules that have an expiry and have expired at now,
// in set order: the risk acceptances to renew or let lapse, for an
// "acceptance expired" alert.
func (s *RuleSet) Expired(now time.Time) []Rule {
	if s == nil {
		return nil
	}
	var out []Rule
	for i := range s.rules {
		if s.rules[i].rule.Expired(now) {
			out = append(out, cloneRule(s.rules[i].rule))
		}
	}
	return out
}
