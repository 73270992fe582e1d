package compliance

import (
	"context"
	"errors"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ControlsQuery returns the one query that evaluates every control of e in
// a single pass: the query an engine with Parallelism 1 runs, and the one
// scripts/bench-peers.sh hands to `opa bench`.
func ControlsQuery(e *Engine) string { return controlsQuery(e.controls) }

// RawEval evaluates e's single query (e must have Parallelism 1) and
// returns its "result" binding as OPA gives it, before judging, to compare
// with `opa eval` on the same policies, query and input.
func RawEval(ctx context.Context, e *Engine, input ast.Value) (any, error) {
	if len(e.groups) != 1 {
		return nil, errors.New("compliance: RawEval needs an engine with Parallelism 1")
	}
	rs, err := e.groups[0].q.Eval(ctx, input)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, errors.New("compliance: the controls query gave no result")
	}
	return rs[0].Bindings["result"], nil
}
