package opasandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Query is a prepared query over a compiled policy set. It is safe for
// concurrent use: many goroutines may call [Query.Eval] at once.
type Query struct {
	text    string
	timeout time.Duration
	pq      rego.PreparedEvalQuery
}

// Prepare compiles query (Rego v1, like "data.example.deny") against c, a
// compiler from [Compile], and prepares it for evaluation over store (nil
// means an empty in-memory store). Builtin errors are fatal during
// evaluation (strict builtin errors). A query calling a builtin the
// capabilities lack fails with a [*ForbiddenBuiltinError].
func Prepare(ctx context.Context, c *ast.Compiler, query string, store storage.Store, opts Options) (*Query, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil compiler", ErrCompile)
	}
	ropts := []func(*rego.Rego){
		rego.Compiler(c),
		rego.Query(query),
		rego.StrictBuiltinErrors(true),
		rego.Capabilities(opts.capabilities()),
		rego.SetRegoVersion(ast.RegoV1),
	}
	if store != nil {
		ropts = append(ropts, rego.Store(store))
	}
	if opts.Print != nil {
		ropts = append(ropts, rego.EnablePrintStatements(true), rego.PrintHook(topdown.NewPrintHook(&lockedWriter{w: opts.Print})))
	}
	pq, err := prepare(ctx, ropts)
	if err != nil {
		return nil, errors.Join(convertErrors(err, "", opts.capabilities())...)
	}
	return &Query{text: label(query), timeout: opts.timeout(), pq: pq}, nil
}

// prepare prepares a query, turning a panic of OPA's compiler (see
// [CompileParsed]) into a [*CompileError].
func prepare(ctx context.Context, ropts []func(*rego.Rego)) (pq rego.PreparedEvalQuery, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &CompileError{Code: "rego_compile_panic", Message: fmt.Sprintf("OPA's compiler failed on the query: %v", r)}
		}
	}()
	return rego.New(ropts...).PrepareForEval(ctx)
}

// maxLabel bounds how much of a query's text errors repeat.
const maxLabel = 80

// label shortens a query's text for error messages.
func label(query string) string {
	query = strings.Join(strings.Fields(query), " ")
	if len(query) <= maxLabel {
		return query
	}
	cut := maxLabel
	for cut > 0 && !utf8.RuneStart(query[cut]) {
		cut--
	}
	return query[:cut] + "..."
}

// String returns the query's text, shortened to 80 bytes.
func (q *Query) String() string { return q.text }

// Eval evaluates the query with input (nil for none) under a deadline of
// [Options.Timeout]. A run past the deadline returns a [*TimeoutError]
// (matching [ErrTimeout] and context.DeadlineExceeded); a cancelled ctx
// returns an error matching ctx.Err(); other failures return an
// [*EvalError].
func (q *Query) Eval(ctx context.Context, input ast.Value) (rego.ResultSet, error) {
	ectx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	var eopts []rego.EvalOption
	if input != nil {
		eopts = append(eopts, rego.EvalParsedInput(input))
	}
	rs, err := q.eval(ectx, eopts)
	if err == nil {
		return rs, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("opasandbox: %s: %w", q.text, ctx.Err())
	}
	if ectx.Err() != nil || isCancel(err) {
		return nil, &TimeoutError{Query: q.text, Timeout: q.timeout}
	}
	return nil, newEvalError(q.text, err)
}

// eval evaluates the prepared query; a panic of OPA's evaluator becomes
// an error, so that one hostile policy or input cannot crash the program.
func (q *Query) eval(ctx context.Context, eopts []rego.EvalOption) (rs rego.ResultSet, err error) {
	defer func() {
		if r := recover(); r != nil {
			rs, err = nil, fmt.Errorf("OPA's evaluator failed: %v", r)
		}
	}()
	return q.pq.Eval(ctx, eopts...)
}

// TimeoutError reports an evaluation stopped at its deadline.
type TimeoutError struct {
	// Query is the query's text, shortened to 80 bytes.
	Query string
	// Timeout is the deadline that was exceeded.
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("opasandbox: %s: evaluation timed out after %s", e.Query, e.Timeout)
}

// Unwrap returns [ErrTimeout] and context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() []error {
	return []error{ErrTimeout, context.DeadlineExceeded}
}

// EvalError reports a failed evaluation, with the position in the policy
// when OPA gives one.
type EvalError struct {
	// Query is the query's text, shortened to 80 bytes.
	Query string
	// Code is OPA's error code, like "eval_conflict_error" or
	// "eval_builtin_error"; empty when OPA gave none.
	Code string
	// Message is OPA's description of the problem.
	Message string
	// File, Row and Col locate the expression that failed; empty and zero
	// when unknown.
	File     string
	Row, Col int
}

func (e *EvalError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("opasandbox: %s: %s: %s", position(e.File, e.Row, e.Col), e.Code, e.Message)
	}
	if e.Code != "" {
		return fmt.Sprintf("opasandbox: %s: %s: %s", e.Query, e.Code, e.Message)
	}
	return fmt.Sprintf("opasandbox: %s: %s", e.Query, e.Message)
}

// Unwrap returns [ErrEval].
func (e *EvalError) Unwrap() error { return ErrEval }

func newEvalError(query string, err error) *EvalError {
	out := &EvalError{Query: query, Message: err.Error()}
	var te *topdown.Error
	if errors.As(err, &te) {
		out.Code, out.Message = te.Code, te.Message
		if te.Location != nil {
			out.File, out.Row, out.Col = te.Location.File, te.Location.Row, te.Location.Col
		}
	}
	return out
}

func isCancel(err error) bool { return topdown.IsCancel(err) }
