package access

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
)

// ToolName is the tool name of the findings the analyzers emit.
const ToolName = "aspm-access"

// The rule IDs of the analyzers' findings, one per analyzer.
const (
	RuleAdmin          = "ACCESS-ADMIN"            // an administrator grant
	RuleWildcard       = "ACCESS-WILDCARD"         // a role with wildcard actions or resources
	RuleBroadGrant     = "ACCESS-BROAD-GRANT"      // rights granted to everyone, every authenticated user, every service account
	RuleEscalation     = "ACCESS-ESCALATION"       // a path to administrator
	RuleUnused         = "ACCESS-UNUSED"           // a grant not used for Options.UnusedAfter
	RuleStale          = "ACCESS-STALE"            // an account not active for Options.StaleAfter
	RuleNoMFA          = "ACCESS-NO-MFA"           // a person without a second factor
	RuleMFANotEnforced = "ACCESS-MFA-NOT-ENFORCED" // an organization that does not require one
	RuleLocalAccount   = "ACCESS-LOCAL-ACCOUNT"    // a local account where single sign-on is required
	RuleExternalAdmin  = "ACCESS-EXTERNAL-ADMIN"   // an outside identity with administrator rights
	RuleToxicPair      = "ACCESS-SOD"              // a separation-of-duties conflict
	RuleDangling       = "ACCESS-DANGLING"         // a binding to a role or subject that does not exist
)

// Analyzers lists every analyzer's rule ID, in the order they run.
var Analyzers = []string{RuleAdmin, RuleWildcard, RuleBroadGrant, RuleEscalation, RuleUnused, RuleStale, RuleNoMFA,
	RuleMFANotEnforced, RuleLocalAccount, RuleExternalAdmin, RuleToxicPair, RuleDangling}

// ToxicPair is a separation-of-duties rule: no principal may hold an
// action matching A and one matching B.
type ToxicPair struct {
	// Name identifies the rule in findings.
	Name string `json:"name"`
	// System limits the rule to one system; empty applies it to all.
	System System `json:"system,omitempty"`
	// A and B are action patterns (see [Match]).
	A []string `json:"a"`
	B []string `json:"b"`
	// Why explains the conflict.
	Why string `json:"why,omitempty"`
}

// DefaultToxicPairs are the separation-of-duties rules [Analyze] applies
// when [Options.ToxicPairs] is nil.
var DefaultToxicPairs = []ToxicPair{
	{
		Name: "grant-permissions-and-disable-audit", System: SystemAWS,
		A:   []string{"iam:Attach*Policy", "iam:Put*Policy", "iam:CreatePolicyVersion"},
		B:   []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"},
		Why: "one identity can grant itself rights and then stop the audit trail that would record their use",
	},
	{
		Name: "write-code-and-approve-deploys", System: SystemAWS,
		A:   []string{"codecommit:GitPush", "codecommit:Merge*"},
		B:   []string{"codepipeline:PutApprovalResult"},
		Why: "one identity can change code and approve its release",
	},
}

// Options tunes [Analyze]. The zero value runs every analyzer with the
// defaults, except those that need the current time (stale accounts,
// unused grants), which run only when Now is set.
type Options struct {
	// Now is the moment of the analysis; the library never reads the
	// clock. Zero turns off the stale and unused analyzers.
	Now time.Time
	// StaleAfter is how long an account may go unused before it is
	// stale; zero means 90 days.
	StaleAfter time.Duration
	// UnusedAfter is how long a grant may go unused before it is
	// reported; zero means 90 days. The unused analyzer needs usage data
	// recorded for at least that long ([Model.UsageSince]).
	UnusedAfter time.Duration
	// RequireSSO reports every local account of a person, whatever the
	// account's own setting.
	RequireSSO bool
	// ToxicPairs replaces [DefaultToxicPairs]; an empty non-nil slice
	// turns the analyzer off.
	ToxicPairs []ToxicPair
	// BroadPrincipals adds principal IDs or names that stand for many
	// identities, beyond the built-in ones (Kubernetes
	// system:authenticated, system:unauthenticated,
	// system:serviceaccounts; GCP allUsers, allAuthenticatedUsers; AWS "*").
	BroadPrincipals []string
	// Only runs just these analyzers (rule IDs of [Analyzers]); empty runs
	// all.
	Only []string
	// MaxPathSteps bounds escalation paths; zero means 8.
	MaxPathSteps int
}

func (o Options) staleAfter() time.Duration  { return cmp.Or(o.StaleAfter, 90*24*time.Hour) }
func (o Options) unusedAfter() time.Duration { return cmp.Or(o.UnusedAfter, 90*24*time.Hour) }
func (o Options) maxSteps() int              { return cmp.Or(o.MaxPathSteps, 8) }
func (o Options) runs(rule string) bool      { return len(o.Only) == 0 || slices.Contains(o.Only, rule) }
func (o Options) toxicPairs() []ToxicPair {
	if o.ToxicPairs == nil {
		return DefaultToxicPairs
	}
	return o.ToxicPairs
}

// Analyze runs the analyzers over m and returns their findings, sorted by
// rule and then by what they are about. Every finding is of kind access,
// tool [ToolName], with the rule ID of its analyzer; its location names the
// file and line of the binding, role or principal it is about, its logical
// location the principal (or role) ID, and a fingerprint keeps it stable
// across runs. Properties carry the details (principal, role, binding,
// scope, the steps of an escalation path, conditions).
//
// Analyze does not modify m. It returns an error only when Options name
// an unknown analyzer.
func Analyze(m *Model, opts Options) ([]findings.Finding, error) {
	for _, r := range opts.Only {
		if !slices.Contains(Analyzers, r) {
			return nil, fmt.Errorf("access: unknown analyzer %q", r)
		}
	}
	x := newIndex(m)
	a := &analysis{x: x, opts: opts}
	steps := []struct {
		rule string
		run  func()
	}{
		{RuleAdmin, a.admin}, {RuleAdmin, a.adminRoles}, {RuleWildcard, a.wildcard}, {RuleBroadGrant, a.broad}, {RuleEscalation, a.escalation},
		{RuleUnused, a.unused}, {RuleStale, a.stale}, {RuleNoMFA, a.noMFA}, {RuleMFANotEnforced, a.mfaNotEnforced},
		{RuleLocalAccount, a.local}, {RuleExternalAdmin, a.externalAdmin}, {RuleToxicPair, a.toxic}, {RuleDangling, a.dangling},
	}
	for _, s := range steps {
		if opts.runs(s.rule) {
			s.run()
		}
	}
	slices.SortStableFunc(a.out, func(p, q findings.Finding) int {
		return cmp.Or(strings.Compare(p.RuleID, q.RuleID), strings.Compare(p.Location.LogicalLocation, q.Location.LogicalLocation),
			strings.Compare(p.Title, q.Title))
	})
	for i := range a.out {
		a.out[i].Source.Record = i
		a.out[i].ID = a.out[i].ComputeID()
	}
	return a.out, nil
}

type analysis struct {
	x    *index
	opts Options
	out  []findings.Finding
}

// emit adds a finding. subject is the principal or role it is about; key
// extends it to make the fingerprint unique (a role, a technique).
func (a *analysis) emit(rule string, sev findings.Severity, subject string, src Source, title, desc string, key []string, props map[string]any) {
	h := sha256.New()
	for _, k := range append([]string{rule, subject}, key...) {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	f := findings.Finding{
		Kind:           findings.KindAccess,
		Tool:           findings.Tool{Name: ToolName},
		RuleID:         rule,
		Title:          title,
		Description:    desc,
		Severity:       sev,
		SeveritySource: "aspm-access",
		Location:       findings.Location{Path: src.File, LogicalLocation: subject},
		Fingerprints:   map[string]string{"aspm-access/v1": hex.EncodeToString(h.Sum(nil)[:16])},
		Source:         findings.Source{File: src.File, Format: "access"},
		Properties:     props,
	}
	if src.Line > 0 {
		f.Location.Region = &findings.Region{StartLine: src.Line}
	}
	if c, ok := props["conditions"]; ok && c != nil {
		f.Confidence = "medium"
	}
	a.out = append(a.out, f)
}

func (a *analysis) name(id string) string {
	if p := a.x.principals[id]; p != nil && p.Name != "" {
		return fmt.Sprintf("%s %s", p.Kind, p.Name)
	}
	return id
}

func roleName(r *Role, id string) string {
	if r == nil {
		return id
	}
	if r.Kind != "" {
		return r.Kind + " " + r.Name
	}
	return r.Name
}

func scopeText(s Scope) string {
	switch {
	case s.IsZero():
		return ""
	case s.Name == "":
		return " (" + s.Kind + " scope)"
	default:
		return " in " + s.Kind + " " + s.Name
	}
}

func conditionsOf(r *Role) json.RawMessage {
	if r == nil {
		return nil
	}
	var all []json.RawMessage
	for _, p := range r.Permissions {
		if p.Effect == Allow && len(p.Conditions) > 0 {
			all = append(all, p.Conditions)
		}
	}
	if len(all) == 0 {
		return nil
	}
	b, _ := json.Marshal(all)
	return b
}

func bindingProps(p *Principal, b *Binding, r *Role) map[string]any {
	props := map[string]any{"principal": b.Principal, "role": b.Role, "binding": b.ID}
	if !b.Scope.IsZero() {
		props["scope"] = b.Scope.String()
	}
	if p != nil {
		props["principal_kind"] = string(p.Kind)
		props["system"] = string(p.System)
	}
	if c := conditionsOf(r); c != nil {
		props["conditions"] = c
	}
	return props
}

// adminGrant reports whether principal id holds an administrator role, and
// through which grant.
// An unconditional deny of everything in any of the principal's roles
// (an AWS deny-all policy next to an allow-all one) takes it back.
func (a *analysis) adminGrant(id string) (grant, bool) {
	var found *grant
	grants := a.x.grantsOf(id)
	for i, g := range grants {
		if g.role == nil {
			continue
		}
		if deniesAll(g.role) {
			return grant{}, false
		}
		if found == nil && a.x.admin[g.role.ID] {
			found = &grants[i]
		}
	}
	if found == nil {
		return grant{}, false
	}
	return *found, true
}

// deniedWithin reports whether r itself denies, without conditions, every
// action the pattern act stands for, on every resource.
func deniedWithin(r *Role, act string) bool {
	fold := foldFor(r.System)
	for _, p := range r.Permissions {
		if p.Effect == Deny && len(p.Conditions) == 0 && len(p.NotActions) == 0 && len(p.NotResources) == 0 &&
			MatchAny(p.Actions, act, fold) && (len(p.Resources) == 0 || slices.ContainsFunc(p.Resources, fullWildcard)) {
			return true
		}
	}
	return false
}

// deniesAll reports whether r denies every action on every resource
// without conditions.
func deniesAll(r *Role) bool {
	for _, p := range r.Permissions {
		if p.Effect == Deny && len(p.Conditions) == 0 && len(p.NotActions) == 0 && len(p.NotResources) == 0 &&
			slices.ContainsFunc(p.Actions, fullWildcard) && (len(p.Resources) == 0 || slices.ContainsFunc(p.Resources, fullWildcard)) {
			return true
		}
	}
	return false
}

// admin reports every binding of an administrator role; critical when the
// holder is a workload identity or a broad group.
func (a *analysis) admin() {
	for i := range a.x.m.Bindings {
		b := &a.x.m.Bindings[i]
		r := a.x.roles[b.Role]
		if r == nil || !a.x.admin[r.ID] {
			continue
		}
		if _, ok := a.adminGrant(b.Principal); !ok && a.x.principals[b.Principal] != nil {
			continue // a deny-all elsewhere takes the grant back
		}
		p := a.x.principals[b.Principal]
		sev := findings.SeverityHigh
		why := ""
		if p != nil {
			switch {
			case broadPrincipal(p, a.opts.BroadPrincipals):
				sev, why = findings.SeverityCritical, " Every member of this broad group is an administrator."
			case p.Kind == KindServiceAccount:
				sev, why = findings.SeverityCritical, " A workload identity with administrator rights turns any compromise of the workload into control of the whole system."
			case p.External:
				sev, why = findings.SeverityCritical, " The identity is from outside the organization."
			}
		}
		a.emit(RuleAdmin, sev, b.Principal, b.Source,
			fmt.Sprintf("%s is an administrator: bound to %s%s", a.name(b.Principal), roleName(r, b.Role), scopeText(b.Scope)),
			fmt.Sprintf("%s grants every action on every resource%s.%s Grant the narrower role the principal needs.", roleName(r, b.Role), scopeText(b.Scope), why),
			[]string{b.ID}, bindingProps(p, b, r))
	}
}

// adminRoles reports administrator roles read on their own: a model with
// roles and no bindings (a policy document).
func (a *analysis) adminRoles() {
	if len(a.x.m.Bindings) > 0 {
		return
	}
	for i := range a.x.m.Roles {
		r := &a.x.m.Roles[i]
		if !a.x.admin[r.ID] || r.Builtin {
			continue // the system's own administrator roles exist everywhere
		}
		a.emit(RuleAdmin, findings.SeverityHigh, r.ID, r.Source,
			fmt.Sprintf("%s grants every action on every resource", roleName(r, r.ID)),
			"Whoever is granted this role is an administrator. Grant narrower roles.", nil,
			map[string]any{"role": r.ID, "system": string(r.System)})
	}
}

// wildcard reports roles that allow wildcard actions or wildcard
// resources without being administrator roles (reported as such).
func (a *analysis) wildcard() {
	bound := map[string][]string{}
	for _, b := range a.x.m.Bindings {
		bound[b.Role] = append(bound[b.Role], b.Principal)
	}
	for i := range a.x.m.Roles {
		r := &a.x.m.Roles[i]
		if a.x.admin[r.ID] {
			continue
		}
		var what []string
		var conds []json.RawMessage
		for _, p := range r.Permissions {
			if p.Effect != Allow || (len(p.Actions) > 0 && !slices.ContainsFunc(p.Actions, func(act string) bool { return !deniedWithin(r, act) })) {
				continue // nothing allowed, or everything taken back by the role's own denies
			}
			var acts, res []string
			for _, act := range p.Actions {
				if (act == "*" || strings.HasSuffix(act, ":*") || strings.HasSuffix(act, "/*") && r.System == SystemAzure) &&
					!deniedWithin(r, act) {
					acts = append(acts, act)
				}
			}
			if len(p.NotActions) > 0 && len(p.Actions) == 0 {
				acts = append(acts, "every action but "+strings.Join(p.NotActions, ", "))
			}
			writes := false
			for _, act := range p.Actions {
				if !readOnlyAction(r.System, act) {
					writes = true
				}
			}
			if writes || len(p.NotActions) > 0 {
				for _, rs := range p.Resources {
					if fullWildcard(rs) && len(p.ResourceNames) == 0 {
						res = append(res, rs)
					}
				}
			}
			if len(acts) == 0 && len(res) == 0 {
				continue
			}
			w := ""
			if len(acts) > 0 {
				w = "actions " + strings.Join(acts, ", ")
			}
			if len(res) > 0 {
				if w != "" {
					w += " on "
				} else {
					w = strings.Join(p.Actions, ", ") + " on "
				}
				w += "resources " + strings.Join(res, ", ")
			} else if len(p.Resources) > 0 {
				w += " on " + strings.Join(p.Resources, ", ")
			}
			what = append(what, w)
			if len(p.Conditions) > 0 {
				conds = append(conds, p.Conditions)
			}
		}
		if len(what) == 0 {
			continue
		}
		holders := bound[r.ID]
		slices.Sort(holders)
		holders = slices.Compact(holders)
		if len(holders) > 0 && !slices.ContainsFunc(holders, func(id string) bool {
			p := a.x.principals[id]
			return p == nil || !serviceLinked(p)
		}) {
			continue // held by service-linked roles only, which the account cannot change
		}
		if len(a.x.m.Bindings) > 0 && len(holders) == 0 {
			// A role nobody holds grants nothing; the unbound role is
			// reported only when the model has no bindings at all (a
			// policy document read on its own).
			continue
		}
		props := map[string]any{"role": r.ID, "system": string(r.System), "grants": what}
		if len(holders) > 0 {
			props["principals"] = holders
		}
		if len(conds) > 0 {
			b, _ := json.Marshal(conds)
			props["conditions"] = json.RawMessage(b)
		}
		sev := findings.SeverityMedium
		a.emit(RuleWildcard, sev, r.ID, r.Source,
			fmt.Sprintf("%s grants wildcard %s", roleName(r, r.ID), strings.Join(what, "; ")),
			fmt.Sprintf("A wildcard grants every present and future action or resource it matches. List the actions and resources %s needs instead.", roleName(r, r.ID)),
			nil, props)
	}
}

// broad reports grants of more than read access to principals that stand
// for many identities.
func (a *analysis) broad() {
	for i := range a.x.m.Bindings {
		b := &a.x.m.Bindings[i]
		p := a.x.principals[b.Principal]
		if p == nil || !broadPrincipal(p, a.opts.BroadPrincipals) {
			continue
		}
		r := a.x.roles[b.Role]
		if r == nil || a.x.admin[r.ID] {
			continue // missing roles are dangling; admin grants are reported as such
		}
		var writes []string
		for _, perm := range r.Permissions {
			if perm.Effect != Allow {
				continue
			}
			for _, act := range perm.Actions {
				if !readOnlyAction(r.System, act) && !selfReview(r.System, perm) {
					writes = append(writes, act)
				}
			}
		}
		sev := findings.SeverityHigh
		// A Kubernetes built-in role bound without being read (a stub) is
		// one of the cluster's defaults, such as system:discovery.
		unknown := len(r.Permissions) == 0 && !(r.System == SystemKubernetes && k8sReadOnlyDefaults[r.Name])
		if len(writes) == 0 && !unknown {
			if p.System == SystemKubernetes {
				continue // read-only defaults such as system:discovery
			}
			sev = findings.SeverityMedium // anyone may read
		}
		slices.Sort(writes)
		writes = slices.Compact(writes)
		desc := fmt.Sprintf("%s stands for many identities (for example anyone, or every signed-in user), and %s gives all of them", a.name(b.Principal), roleName(r, b.Role))
		switch {
		case unknown:
			desc += " its rights (the input does not list them)."
		case len(writes) > 0:
			desc += " rights beyond reading: " + strings.Join(writes, ", ") + "."
		default:
			desc += " read access."
		}
		a.emit(RuleBroadGrant, sev, b.Principal, b.Source,
			fmt.Sprintf("%s is granted %s%s", a.name(b.Principal), roleName(r, b.Role), scopeText(b.Scope)),
			desc, []string{b.ID}, bindingProps(p, b, r))
	}
}

// k8sReadOnlyDefaults are the ClusterRoles Kubernetes binds to every
// authenticated (or unauthenticated) user by default: discovery and
// asking what one may do.
var k8sReadOnlyDefaults = map[string]bool{"system:basic-user": true, "system:discovery": true, "system:public-info-viewer": true}

// selfReview reports Kubernetes rules that let a user ask what it may do
// (self subject access and rules reviews), which every identity needs.
func selfReview(s System, p Permission) bool {
	if s != SystemKubernetes {
		return false
	}
	for _, r := range p.Resources {
		if !strings.HasPrefix(r, "authorization.k8s.io/selfsubject") && !strings.HasPrefix(r, "authentication.k8s.io/selfsubjectreviews") {
			return false
		}
	}
	return len(p.Resources) > 0
}

// escalation finds, for every principal that is not an administrator, the
// shortest path of escalation steps to one that is (or to the virtual
// administrator a self-grant reaches), by a breadth-first search backwards
// from the administrators: one pass over the steps, whatever the number of
// principals.
func (a *analysis) escalation() {
	x := a.x
	ids := make([]string, 0, len(x.principals))
	for id := range x.principals {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// Forward steps, reversed: who can reach each node in one step. A step
	// may lead to a virtual node that stands for many principals ("any
	// service account of namespace shop", "any role matching
	// arn:aws:iam::*:role/ci-*"), so that what reaches many principals
	// costs one step per principal reached, not one per pair.
	reverse := map[string][]step{}
	isAdmin := map[string]bool{adminNode: true}
	virtual := map[string]bool{}
	for _, id := range ids {
		if _, ok := a.adminGrant(id); ok {
			isAdmin[id] = true
			continue
		}
		if serviceLinked(x.principals[id]) {
			continue // only the cloud provider's service acts as it
		}
		for _, s := range x.escalationEdges(id) {
			reverse[s.To] = append(reverse[s.To], s)
			if strings.HasPrefix(s.To, "~") {
				virtual[s.To] = true
			}
		}
	}
	vs := make([]string, 0, len(virtual))
	for v := range virtual {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	for _, v := range vs {
		for _, q := range x.virtualTargets(v) {
			reverse[q] = append(reverse[q], step{From: v, To: q})
		}
	}
	next := map[string]step{} // node -> first step of its shortest path
	dist := map[string]int{}
	var frontier []string
	for id := range isAdmin {
		dist[id] = 0
		frontier = append(frontier, id)
	}
	slices.Sort(frontier)
	// Virtual hops count, so paths are bounded by twice the steps.
	for d := 1; len(frontier) > 0 && d <= 2*a.opts.maxSteps(); d++ {
		var nf []string
		for _, t := range frontier {
			for _, s := range reverse[t] {
				if _, seen := dist[s.From]; seen {
					continue
				}
				dist[s.From] = d
				next[s.From] = s
				nf = append(nf, s.From)
			}
		}
		slices.Sort(nf)
		frontier = nf
	}
	for _, id := range ids {
		first, ok := next[id]
		if !ok {
			continue
		}
		// Walk to an administrator, folding each virtual hop into the step
		// that reached the virtual node.
		var path []step
		for s := first; ; s = next[s.To] {
			if strings.HasPrefix(s.From, "~") {
				path[len(path)-1].To = s.To
			} else {
				path = append(path, s)
			}
			if isAdmin[s.To] {
				break
			}
		}
		if len(path) <= a.opts.maxSteps() {
			a.emitPath(id, path)
		}
	}
}

func (a *analysis) emitPath(id string, path []step) {
	p := a.x.principals[id]
	end := path[len(path)-1].To
	target := "an administrator"
	if end != adminNode {
		target = a.name(end) + ", an administrator"
	}
	var lines []string
	var props []map[string]any
	conditional := false
	for i, s := range path {
		to := s.To
		if to == adminNode {
			to = "administrator"
		} else {
			to = a.name(to)
		}
		lines = append(lines, fmt.Sprintf("%d. %s → %s by %s (binding %s, role %s)", i+1, a.name(s.From), to, s.Technique, s.Binding, s.Role))
		st := map[string]any{"from": s.From, "to": s.To, "technique": s.Technique, "binding": s.Binding, "role": s.Role}
		if s.Conditional {
			st["conditional"] = true
			conditional = true
		}
		props = append(props, st)
	}
	sev := findings.SeverityHigh
	if p.Kind == KindServiceAccount || broadPrincipal(p, a.opts.BroadPrincipals) {
		sev = findings.SeverityCritical
	}
	desc := fmt.Sprintf("%s can become %s in %d step(s):\n%s", a.name(id), target, len(path), strings.Join(lines, "\n"))
	all := map[string]any{"principal": id, "system": string(p.System), "path": props, "steps": len(path)}
	if conditional {
		desc += "\nSome steps depend on conditions of the permissions that allow them."
		all["conditions"] = true
	}
	techs := make([]string, len(path))
	for i, s := range path {
		techs[i] = s.Technique + ">" + s.To
	}
	a.emit(RuleEscalation, sev, id, p.Source,
		fmt.Sprintf("%s can escalate to %s in %d step(s), first by %s", a.name(id), target, len(path), path[0].Technique),
		desc, techs, all)
}

// unused reports grants whose actions the principal has not used within
// UnusedAfter, when usage was recorded at least that long.
func (a *analysis) unused() {
	m := a.x.m
	if a.opts.Now.IsZero() || m.UsageSince.IsZero() || a.opts.Now.Sub(m.UsageSince) < a.opts.unusedAfter() {
		return
	}
	cutoff := a.opts.Now.Add(-a.opts.unusedAfter())
	byPrincipal := map[string][]Usage{}
	for _, u := range m.Usage {
		if !u.LastUsed.Before(cutoff) {
			byPrincipal[u.Principal] = append(byPrincipal[u.Principal], u)
		}
	}
	for i := range m.Bindings {
		b := &m.Bindings[i]
		r := a.x.roles[b.Role]
		p := a.x.principals[b.Principal]
		if r == nil || p == nil || p.Kind == KindGroup {
			continue
		}
		used := false
		for _, u := range byPrincipal[b.Principal] {
			if ok, _ := allows(r, u.Action, u.Resource, foldFor(r.System)); ok || usedPattern(r, u.Action) {
				used = true
				break
			}
		}
		if used {
			continue
		}
		days := int(a.opts.unusedAfter().Hours() / 24)
		a.emit(RuleUnused, findings.SeverityMedium, b.Principal, b.Source,
			fmt.Sprintf("%s has not used %s for %d days", a.name(b.Principal), roleName(r, b.Role), days),
			fmt.Sprintf("No recorded use since %s of any action %s allows. Remove the grant, or narrow it to what is used.", cutoff.Format(time.DateOnly), roleName(r, b.Role)),
			[]string{b.ID}, bindingProps(p, b, r))
	}
}

// usedPattern reports whether a usage recorded as a pattern ("s3:*")
// overlaps an action the role allows.
func usedPattern(r *Role, used string) bool {
	if !strings.ContainsAny(used, "*?") {
		return false
	}
	fold := foldFor(r.System)
	for _, p := range r.Permissions {
		if p.Effect != Allow {
			continue
		}
		for _, act := range p.Actions {
			if match(used, act, fold) || match(act, used, fold) {
				return true
			}
		}
	}
	return false
}

// stale reports accounts (people and roles; not groups) not active within
// StaleAfter, or never active and created before that.
func (a *analysis) stale() {
	if a.opts.Now.IsZero() {
		return
	}
	cutoff := a.opts.Now.Add(-a.opts.staleAfter())
	days := int(a.opts.staleAfter().Hours() / 24)
	for i := range a.x.m.Principals {
		p := &a.x.m.Principals[i]
		if p.Kind == KindGroup || p.Kind == KindFederated {
			continue
		}
		var title, desc string
		switch {
		case !p.LastActive.IsZero() && p.LastActive.Before(cutoff):
			title = fmt.Sprintf("%s has not been active for %d days", a.name(p.ID), days)
			desc = fmt.Sprintf("Last active %s. Disable or remove accounts nobody uses.", p.LastActive.Format(time.DateOnly))
		case p.LastActive.IsZero() && !p.Created.IsZero() && p.Created.Before(cutoff) && p.Attributes["last_active_known"] != "false":
			title = fmt.Sprintf("%s has never been active since it was created %s", a.name(p.ID), p.Created.Format(time.DateOnly))
			desc = "No recorded activity since creation. Disable or remove accounts nobody uses."
		default:
			continue
		}
		sev := findings.SeverityLow
		if _, ok := a.adminGrant(p.ID); ok {
			sev = findings.SeverityMedium
			desc += " It holds administrator rights."
		}
		a.emit(RuleStale, sev, p.ID, p.Source, title, desc, nil,
			map[string]any{"principal": p.ID, "principal_kind": string(p.Kind), "system": string(p.System), "last_active": timeOrNil(p.LastActive), "created": timeOrNil(p.Created)})
	}
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// noMFA reports people known to sign in without a second factor.
func (a *analysis) noMFA() {
	for i := range a.x.m.Principals {
		p := &a.x.m.Principals[i]
		if p.MFA != No || p.Human == No {
			continue
		}
		sev := findings.SeverityMedium
		desc := "The account signs in with a password or token alone."
		if _, ok := a.adminGrant(p.ID); ok {
			sev = findings.SeverityHigh
			desc += " It holds administrator rights."
		}
		a.emit(RuleNoMFA, sev, p.ID, p.Source, fmt.Sprintf("%s has no second factor", a.name(p.ID)), desc, nil,
			map[string]any{"principal": p.ID, "system": string(p.System)})
	}
}

// mfaNotEnforced reports organizations that do not require a second
// factor.
func (a *analysis) mfaNotEnforced() {
	for i := range a.x.m.Accounts {
		acc := &a.x.m.Accounts[i]
		if acc.MFARequired != No {
			continue
		}
		a.emit(RuleMFANotEnforced, findings.SeverityMedium, acc.ID, acc.Source,
			fmt.Sprintf("%s %s does not require a second factor", acc.System, acc.Name),
			"Members may sign in with a password alone. Require two-factor authentication for the organization.", nil,
			map[string]any{"account": acc.ID, "system": string(acc.System)})
	}
}

// local reports people with a local account where single sign-on is
// required.
func (a *analysis) local() {
	for i := range a.x.m.Principals {
		p := &a.x.m.Principals[i]
		if p.SSO != No || p.Human == No {
			continue
		}
		required := a.opts.RequireSSO
		for _, acc := range a.x.accounts[p.System] {
			if acc.SSORequired == Yes {
				required = true
			}
		}
		if !required {
			continue
		}
		a.emit(RuleLocalAccount, findings.SeverityMedium, p.ID, p.Source,
			fmt.Sprintf("%s is a local account where single sign-on is required", a.name(p.ID)),
			"Local accounts escape the identity provider's controls (offboarding, MFA, conditional access). Move the person to SSO.", nil,
			map[string]any{"principal": p.ID, "system": string(p.System)})
	}
}

// externalAdmin reports outside identities with administrator rights.
func (a *analysis) externalAdmin() {
	for i := range a.x.m.Principals {
		p := &a.x.m.Principals[i]
		if !p.External {
			continue
		}
		g, ok := a.adminGrant(p.ID)
		if !ok {
			continue
		}
		a.emit(RuleExternalAdmin, findings.SeverityCritical, p.ID, g.binding.Source,
			fmt.Sprintf("%s, from outside the organization, is an administrator: %s%s", a.name(p.ID), roleName(g.role, g.binding.Role), scopeText(g.binding.Scope)),
			"An outside collaborator or identity of another domain holds administrator rights. Lower it to the access it needs, or make it a member under the organization's controls.",
			[]string{g.binding.ID}, bindingProps(p, g.binding, g.role))
	}
}

// toxic reports principals holding both sides of a separation-of-duties
// rule.
func (a *analysis) toxic() {
	pairs := a.opts.toxicPairs()
	if len(pairs) == 0 {
		return
	}
	for i := range a.x.m.Principals {
		p := &a.x.m.Principals[i]
		grants := a.x.grantsOf(p.ID)
		if len(grants) == 0 {
			continue
		}
		if _, admin := a.adminGrant(p.ID); admin {
			continue // an administrator holds every duty; reported as such
		}
		if slices.ContainsFunc(grants, func(g grant) bool { return g.role != nil && deniesAll(g.role) }) {
			continue // a deny-all leaves no duty
		}
		for _, tp := range pairs {
			if tp.System != "" && tp.System != p.System {
				continue
			}
			ga, okA := holds(grants, tp.A, p.System)
			gb, okB := holds(grants, tp.B, p.System)
			if !okA || !okB {
				continue
			}
			why := cmp.Or(tp.Why, "the two duties should not be held by one identity")
			a.emit(RuleToxicPair, findings.SeverityMedium, p.ID, ga.binding.Source,
				fmt.Sprintf("%s holds both sides of %s", a.name(p.ID), tp.Name),
				fmt.Sprintf("%s (through %s) and %s (through %s): %s.", strings.Join(tp.A, "|"), roleName(ga.role, ga.binding.Role),
					strings.Join(tp.B, "|"), roleName(gb.role, gb.binding.Role), why),
				[]string{tp.Name}, map[string]any{"principal": p.ID, "pair": tp.Name, "a_role": ga.binding.Role, "b_role": gb.binding.Role})
		}
	}
}

// holds finds a grant allowing an action that matches one of patterns.
// A pattern matches a permission's action when either matches the other,
// so "iam:Attach*Policy" is held by "iam:*" and by "iam:AttachUserPolicy".
// An action every grant's deny covers does not count.
func holds(grants []grant, patterns []string, s System) (grant, bool) {
	fold := foldFor(s)
	denied := func(act string) bool {
		return slices.ContainsFunc(grants, func(g grant) bool { return g.role != nil && deniedWithin(g.role, act) })
	}
	for _, g := range grants {
		if g.role == nil {
			continue
		}
		for _, p := range g.role.Permissions {
			if p.Effect != Allow {
				continue
			}
			for _, act := range p.Actions {
				for _, pat := range patterns {
					if (match(pat, act, fold) || match(act, pat, fold)) && !denied(act) && !denied(pat) {
						return g, true
					}
				}
			}
		}
	}
	return grant{}, false
}

// dangling reports bindings to roles the model lacks, and to service
// accounts an importer saw referenced but never defined.
func (a *analysis) dangling() {
	for i := range a.x.m.Bindings {
		b := &a.x.m.Bindings[i]
		var what string
		switch p := a.x.principals[b.Principal]; {
		case a.x.roles[b.Role] == nil:
			what = fmt.Sprintf("role %s, which does not exist", b.Role)
		case p == nil:
			what = fmt.Sprintf("subject %s, which does not exist", b.Principal)
		case p.Attributes["defined"] == "false":
			what = fmt.Sprintf("%s, which is not defined in the input", a.name(b.Principal))
		default:
			continue
		}
		a.emit(RuleDangling, findings.SeverityLow, b.Principal, b.Source,
			fmt.Sprintf("binding %s refers to %s", b.ID, what),
			"A binding to something that does not exist grants its rights to whoever creates it later under that name. Remove the binding, or create what it names on purpose.",
			[]string{b.ID}, map[string]any{"binding": b.ID, "principal": b.Principal, "role": b.Role})
	}
}

// serviceLinked reports an AWS service-linked role: only its service can
// assume it, so no person starts an escalation from it.
func serviceLinked(p *Principal) bool {
	return p.System == SystemAWS && p.Kind == KindRole && strings.HasPrefix(p.Attributes["path"], "/aws-service-role/")
}
