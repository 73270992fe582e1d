package k8s

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/access"
)

// selector is a label selector of an aggregationRule: every matchLabels
// pair and every expression must hold. The empty selector matches every
// ClusterRole, as in Kubernetes; a null one matches none.
type selector struct {
	none        bool
	matchLabels map[string]string
	exprs       []expression
}

type expression struct {
	key, op string
	values  []string
}

func parseSelector(w *walker, n *yaml.Node, path string) (selector, error) {
	var s selector
	m, err := w.mapping(n, path)
	if err != nil {
		return s, err
	}
	if m == nil {
		s.none = true
		return s, nil
	}
	if s.matchLabels, err = w.strMap(m, path, "matchLabels"); err != nil {
		return s, err
	}
	exprs, ep, err := w.get(m, path, "matchExpressions")
	if err != nil {
		return s, err
	}
	list, err := w.seq(exprs, ep)
	if err != nil {
		return s, err
	}
	for i, it := range list {
		ip := index(ep, i)
		em, err := w.mapping(it, ip)
		if err != nil {
			return s, err
		}
		if em == nil {
			return s, w.fail(it, ip, access.ErrSyntax, "null selector expression")
		}
		var e expression
		var on *yaml.Node
		var op string
		if e.key, _, _, err = w.str(em, ip, "key"); err != nil {
			return s, err
		}
		if e.op, on, op, err = w.str(em, ip, "operator"); err != nil {
			return s, err
		}
		if e.values, _, _, err = w.strList(em, ip, "values"); err != nil {
			return s, err
		}
		if e.key == "" {
			return s, w.fail(em, ip, access.ErrSyntax, "selector expression without key")
		}
		switch e.op {
		case "In", "NotIn", "Exists", "DoesNotExist":
		default:
			if on == nil {
				on = em
			}
			return s, w.fail(on, op, access.ErrSyntax, "selector operator %q: expected In, NotIn, Exists or DoesNotExist", e.op)
		}
		s.exprs = append(s.exprs, e)
	}
	return s, nil
}

// matches reports whether labels satisfy s.
func (s selector) matches(labels map[string]string) bool {
	if s.none {
		return false
	}
	for k, v := range s.matchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, e := range s.exprs {
		v, ok := labels[e.key]
		switch e.op {
		case "In":
			if !ok || !slices.Contains(e.values, v) {
				return false
			}
		case "NotIn":
			if ok && slices.Contains(e.values, v) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		}
	}
	return true
}

func (o *roleObj) selects(labels map[string]string) bool {
	for _, s := range o.selectors {
		if s.matches(labels) {
			return true
		}
	}
	return false
}

// permKey spells a permission so that equal rules have equal keys.
func permKey(p access.Permission) string {
	var b strings.Builder
	b.WriteString(string(p.Effect))
	for _, list := range [][]string{p.Actions, p.NotActions, p.Resources, p.NotResources, p.ResourceNames} {
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(len(list)))
		for _, s := range list {
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(len(s)))
			b.WriteByte(':')
			b.WriteString(s)
		}
	}
	return b.String()
}

func clonePermission(p access.Permission) access.Permission {
	p.Actions = slices.Clone(p.Actions)
	p.NotActions = slices.Clone(p.NotActions)
	p.Resources = slices.Clone(p.Resources)
	p.NotResources = slices.Clone(p.NotResources)
	p.ResourceNames = slices.Clone(p.ResourceNames)
	p.Conditions = slices.Clone(p.Conditions)
	return p
}

// aggregate gives every ClusterRole with an aggregationRule the rules of
// the ClusterRoles its selectors match, and of those they aggregate in
// turn, up to the fixed point: admin gets edit's rules, which include
// view's. Its own rules come first, then the others' in breadth-first
// order (selected roles by name), each rule once.
func (rd *reader) aggregate() error {
	var crs, aggs []*roleObj
	for _, r := range rd.roles {
		if r.role.Kind != "ClusterRole" {
			continue
		}
		crs = append(crs, r)
		if r.aggregate {
			aggs = append(aggs, r)
		}
	}
	byName := func(a, b *roleObj) int { return strings.Compare(a.role.Name, b.role.Name) }
	slices.SortFunc(crs, byName)
	slices.SortFunc(aggs, byName)
	work := 0
	limit := func(o *roleObj) error {
		if work <= MaxAggregationWork {
			return nil
		}
		return &access.ParseError{
			File: o.role.Source.File, Line: o.role.Source.Line, Path: o.role.Source.Path + " aggregationRule",
			Message: "aggregating ClusterRole " + strconv.Quote(o.role.Name) + " takes more than " +
				strconv.Itoa(MaxAggregationWork) + " steps",
			Err: access.ErrLimit,
		}
	}
	edges := make(map[*roleObj][]*roleObj, len(aggs))
	for _, a := range aggs {
		for _, c := range crs {
			work += 1 + len(a.selectors)
			if c != a && a.selects(c.labels) {
				edges[a] = append(edges[a], c)
			}
		}
		if err := limit(a); err != nil {
			return err
		}
	}
	keys := make(map[*roleObj][]string, len(crs))
	keyOf := func(o *roleObj) []string {
		if k, ok := keys[o]; ok {
			return k
		}
		k := make([]string, len(o.own))
		for i, p := range o.own {
			k[i] = permKey(p)
		}
		keys[o] = k
		return k
	}
	result := make(map[*roleObj][]access.Permission, len(aggs))
	for _, a := range aggs {
		seen := map[*roleObj]bool{a: true}
		have := map[string]bool{}
		var perms []access.Permission
		queue := []*roleObj{a}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for i, k := range keyOf(x) {
				work++
				if !have[k] {
					have[k] = true
					if x == a {
						perms = append(perms, x.own[i])
					} else {
						perms = append(perms, clonePermission(x.own[i]))
					}
				}
			}
			for _, y := range edges[x] {
				work++
				if !seen[y] {
					seen[y] = true
					queue = append(queue, y)
				}
			}
			if err := limit(a); err != nil {
				return err
			}
		}
		if perms == nil {
			perms = []access.Permission{}
		}
		result[a] = perms
	}
	for _, a := range aggs {
		a.role.Permissions = result[a]
		rd.stats.Aggregated = append(rd.stats.Aggregated, a.role.ID)
	}
	slices.Sort(rd.stats.Aggregated)
	return nil
}
