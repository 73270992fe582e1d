package compliance

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// indexKey is the member of the input under which the engine hands the
// built-in library the groupings of the posture's findings it would
// otherwise compute in Rego, one pass per flag (see lib.rego's "Indexed
// groupings"). Computing them in Go, in one pass, takes a few
// milliseconds for 100,000 findings where the Rego passes take about a
// second of CPU; the groups are the input's own terms, in input order,
// so they cost no copy. lib.rego falls back to its own passes without the
// index (opa eval, opa test), and TestIndexMatchesRego holds the two
// equal. A posture's own member of that name is replaced.
const indexKey = "_aspm_index"

// useIndex is false only in tests that compare the index with the Rego
// passes it replaces.
var useIndex = true

// withIndex returns input with the index of its findings added, or input
// itself when it is not an object or holds no findings list.
func withIndex(input ast.Value) ast.Value {
	obj, ok := input.(ast.Object)
	if !ok || !useIndex {
		return input
	}
	ft := obj.Get(ast.InternedTerm("findings"))
	if ft == nil {
		return input
	}
	list, ok := ft.Value.(*ast.Array)
	if !ok {
		return input
	}
	var (
		open, active, overdue, withinSLA, secret, access []*ast.Term
		p1, p2, acceptedRisk, wontFix                    []*ast.Term
	)
	is := func(o ast.Object, key string, want ast.Value) bool {
		t := o.Get(ast.InternedTerm(key))
		return t != nil && ast.Compare(t.Value, want) == 0
	}
	nested := func(o ast.Object, key, inner string, want ast.Value) bool {
		t := o.Get(ast.InternedTerm(key))
		if t == nil {
			return false
		}
		in, ok := t.Value.(ast.Object)
		return ok && is(in, inner, want)
	}
	var (
		f         = ast.Boolean(false)
		tr        = ast.Boolean(true)
		kSecret   = ast.String("secret")
		kAccess   = ast.String("access")
		pP1       = ast.String("P1")
		pP2       = ast.String("P2")
		sAccepted = ast.String("accepted_risk")
		sWontFix  = ast.String("wont_fix")
	)
	list.Foreach(func(t *ast.Term) {
		o, ok := t.Value.(ast.Object)
		if !ok {
			return
		}
		switch {
		case is(o, "kind", kSecret):
			secret = append(secret, t)
		case is(o, "kind", kAccess):
			access = append(access, t)
		}
		if is(o, "open", f) {
			return
		}
		open = append(open, t)
		switch {
		case nested(o, "triage", "status", sAccepted):
			acceptedRisk = append(acceptedRisk, t)
		case nested(o, "triage", "status", sWontFix):
			wontFix = append(wontFix, t)
		}
		if is(o, "suppressed", tr) {
			return
		}
		active = append(active, t)
		switch {
		case nested(o, "sla", "breached", tr):
			overdue = append(overdue, t)
		case nested(o, "sla", "breached", f):
			withinSLA = append(withinSLA, t)
		}
		switch {
		case nested(o, "risk", "priority", pP1):
			p1 = append(p1, t)
		case nested(o, "risk", "priority", pP2):
			p2 = append(p2, t)
		}
	})
	index := ast.NewObject(
		ast.Item(ast.StringTerm("open"), ast.ArrayTerm(open...)),
		ast.Item(ast.StringTerm("active"), ast.ArrayTerm(active...)),
		ast.Item(ast.StringTerm("overdue_flagged"), ast.ArrayTerm(overdue...)),
		ast.Item(ast.StringTerm("within_sla_flagged"), ast.ArrayTerm(withinSLA...)),
		ast.Item(ast.StringTerm("secret"), ast.ArrayTerm(secret...)),
		ast.Item(ast.StringTerm("access"), ast.ArrayTerm(access...)),
		ast.Item(ast.StringTerm("P1"), ast.ArrayTerm(p1...)),
		ast.Item(ast.StringTerm("P2"), ast.ArrayTerm(p2...)),
		ast.Item(ast.StringTerm("accepted_risk"), ast.ArrayTerm(acceptedRisk...)),
		ast.Item(ast.StringTerm("wont_fix"), ast.ArrayTerm(wontFix...)),
	)
	// A shallow copy: the caller's value is not changed.
	out := ast.NewObject()
	obj.Foreach(func(k, v *ast.Term) {
		if ast.Compare(k.Value, ast.String(indexKey)) != 0 {
			out.Insert(k, v)
		}
	})
	out.Insert(ast.StringTerm(indexKey), ast.NewTerm(index))
	return out
}
