package compliance

import (
	"cmp"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Concurrent evaluation. OPA evaluates a query on one goroutine, and a
// rule's value is computed once per query and shared by every control in
// it: the built-in controls share lists such as the active findings. The
// engine therefore splits its controls into a few groups, one prepared
// query each, evaluated at once on their own goroutines: the work of a
// rule two groups need is done twice, so controls that depend on the same
// rules are kept together.

// partition splits the controls into at most n groups that share as few
// rules as possible and carry about the same work, where the work of a
// group is the weight of the distinct rules its controls depend on (their
// own and, transitively, the rules they read), a stand-in for the time to
// evaluate them. A rule of a control package that reads the posture's
// findings, directly or through other rules, weighs heavyWeight: a
// control's rules build a violation or a reference per finding they
// judge. Any other rule weighs 1, shared library rules included, since
// with the engine's index (index.go) they are lookups or short passes:
// sharing them saves little, keeping the heavy controls apart a lot.
// Controls are placed largest first, each in the group whose work it
// raises to the smallest total, so a control joins the group that already
// computes most of what it reads unless that group is the busiest; ties
// go to the group with fewer controls, then the earlier one. The result is
// deterministic and lists every control once; groups are ordered by their
// first control. (The engine orders them by their measured cost when it
// runs them; see Engine.evaluateGroups.)
func partition(compiler *ast.Compiler, controls []Control, n int) [][]int {
	groups, _, _ := partitionWork(compiler, controls, n)
	return groups
}

// partitionWork is partition that also returns each group's work and the
// largest work of one control.
func partitionWork(compiler *ast.Compiler, controls []Control, n int) (out [][]int, works []int, maxSize int) {
	if n > len(controls) {
		n = len(controls)
	}
	if n <= 1 {
		all := make([]int, len(controls))
		for i := range all {
			all[i] = i
		}
		return [][]int{all}, nil, 0
	}
	deps := make([]map[*ast.Rule]struct{}, len(controls))
	heavy := map[*ast.Rule]bool{}
	packages := map[string]bool{}
	for _, c := range controls {
		packages[c.ref.String()] = true
	}
	weight := func(r *ast.Rule) int {
		if r.Module != nil && packages[r.Module.Package.Path.String()] && readsFindings(compiler, r, heavy) {
			return heavyWeight
		}
		return 1
	}
	size := make([]int, len(controls))
	for i, c := range controls {
		deps[i] = dependencies(compiler, c.ref)
		for r := range deps[i] {
			size[i] += weight(r)
		}
	}
	order := make([]int, len(controls))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })

	type group struct {
		idx   []int
		rules map[*ast.Rule]struct{}
		work  int
	}
	groups := make([]group, n)
	for g := range groups {
		groups[g].rules = map[*ast.Rule]struct{}{}
	}
	for _, c := range order {
		best, bestWork := -1, 0
		for g := range groups {
			work := groups[g].work
			for r := range deps[c] {
				if _, ok := groups[g].rules[r]; !ok {
					work += weight(r)
				}
			}
			if best < 0 || work < bestWork || (work == bestWork && len(groups[g].idx) < len(groups[best].idx)) {
				best, bestWork = g, work
			}
		}
		groups[best].idx = append(groups[best].idx, c)
		groups[best].work = bestWork
		for r := range deps[c] {
			groups[best].rules[r] = struct{}{}
		}
	}
	groups = slices.DeleteFunc(groups, func(g group) bool { return len(g.idx) == 0 })
	for _, g := range groups {
		slices.Sort(g.idx)
	}
	slices.SortFunc(groups, func(a, b group) int { return cmp.Compare(a.idx[0], b.idx[0]) })
	for _, g := range groups {
		out = append(out, g.idx)
		works = append(works, g.work)
	}
	return out, works, slices.Max(size)
}

// dependencies returns the rules of the package at ref and every rule they
// read, directly or through other rules, as OPA's dependency graph records
// them.
func dependencies(compiler *ast.Compiler, ref ast.Ref) map[*ast.Rule]struct{} {
	seen := map[*ast.Rule]struct{}{}
	var stack []*ast.Rule
	for _, m := range compiler.Modules {
		if !m.Package.Path.Equal(ref) {
			continue
		}
		for _, r := range m.Rules {
			if _, ok := seen[r]; !ok {
				seen[r] = struct{}{}
				stack = append(stack, r)
			}
		}
	}
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for d := range compiler.Graph.Dependencies(r) {
			dr, ok := d.(*ast.Rule)
			if !ok {
				continue
			}
			if _, ok := seen[dr]; !ok {
				seen[dr] = struct{}{}
				stack = append(stack, dr)
			}
		}
	}
	return seen
}

// heavyWeight is the work partition counts for a rule that reads the
// findings.
const heavyWeight = 16

// findingsRef is input.findings.
var findingsRef = ast.MustParseRef("input.findings")

// readsFindings reports whether r reads input.findings, directly or
// through the rules it depends on; memo records the rules decided (a rule
// being decided counts as not reading them, which breaks cycles).
func readsFindings(compiler *ast.Compiler, r *ast.Rule, memo map[*ast.Rule]bool) bool {
	if v, ok := memo[r]; ok {
		return v
	}
	memo[r] = false
	found := false
	ast.WalkRefs(r, func(ref ast.Ref) bool {
		// WalkRefs goes on after a true (it only skips the ref's
		// children), so found never turns false again.
		found = found || readsInput(ref, findingsRef)
		return found
	})
	if !found {
		for d := range compiler.Graph.Dependencies(r) {
			if dr, ok := d.(*ast.Rule); ok && readsFindings(compiler, dr, memo) {
				found = true
				break
			}
		}
	}
	memo[r] = found
	return found
}

// readsInput reports whether ref may read the part of the input at
// prefix: it starts with prefix, or reads input[k] with k not a string
// constant (which may be any member).
func readsInput(ref, prefix ast.Ref) bool {
	if ref.HasPrefix(prefix) {
		return true
	}
	if ref[0].Equal(ast.InputRootDocument) && len(ref) > 1 {
		_, constant := ref[1].Value.(ast.String)
		return !constant
	}
	return false
}
