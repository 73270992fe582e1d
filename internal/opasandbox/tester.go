package opasandbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test: a rule whose name
// starts with "test_" (or "todo_test_", which is skipped). A plain value,
// safe to read concurrently.
type TestResult struct {
	// Package is the test's package, like "data.aspm.controls.vm_sla_test".
	Package string
	// Name is the test rule's name, like "test_fails_past_sla".
	Name string
	// File and Row locate the test rule.
	File string
	Row  int
	// Fail is true when the test evaluated to false or undefined.
	Fail bool
	// Skip is true for "todo_test_" tests, which are not run.
	Skip bool
	// Err is the evaluation error, if any (a timeout included).
	Err error
	// Duration is how long the test ran.
	Duration time.Duration
	// Output holds what the test printed with print().
	Output string
}

// Passed reports whether the test ran and passed.
func (r TestResult) Passed() bool { return !r.Fail && !r.Skip && r.Err == nil }

func (r TestResult) String() string {
	outcome := "PASS"
	switch {
	case r.Err != nil:
		outcome = "ERROR: " + r.Err.Error()
	case r.Fail:
		outcome = "FAIL"
	case r.Skip:
		outcome = "SKIPPED"
	}
	return fmt.Sprintf("%s.%s (%s): %s", r.Package, r.Name, position(r.File, r.Row, 0), outcome)
}

// RunTests compiles modules (name → Rego v1 source, test files included)
// like [Compile] and runs every test rule in them with OPA's tester, each
// under the deadline of [Options.Timeout], with print output captured in
// [TestResult.Output] and builtin errors raised. Results are sorted by
// file, row and name. A module that does not compile fails the whole run
// with the errors [Compile] gives.
func RunTests(ctx context.Context, modules map[string]string, opts Options) ([]TestResult, error) {
	caps := opts.capabilities()
	parsed, err := parse(modules, caps)
	if err != nil {
		return nil, err
	}
	// Compile once with the sandbox settings for typed errors; the tester
	// then compiles its own copy with its test stages added.
	if _, err := CompileParsed(parsed, Options{UnsafeCapabilities: caps, Print: discard{}}); err != nil {
		return nil, err
	}
	runner := tester.NewRunner().
		SetCompiler(newCompiler(caps, true)).
		SetStore(inmem.New()).
		SetModules(parsed).
		SetTimeout(opts.timeout()).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return nil, errors.Join(convertErrors(err, "", caps)...)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Package:  r.Package,
			Name:     r.Name,
			Fail:     r.Fail,
			Skip:     r.Skip,
			Duration: r.Duration,
			Output:   string(r.Output),
		}
		if r.Location != nil {
			tr.File, tr.Row = r.Location.File, r.Location.Row
		}
		if r.Error != nil {
			tr.Err = testError(ctx, tr, r.Error, opts)
		}
		out = append(out, tr)
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("opasandbox: running tests: %w", err)
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Row, b.Row),
			cmp.Compare(a.Package, b.Package), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

func testError(ctx context.Context, tr TestResult, err error, opts Options) error {
	query := tr.Package + "." + tr.Name
	if ctx.Err() == nil && isCancel(err) {
		return &TimeoutError{Query: query, Timeout: opts.timeout()}
	}
	return newEvalError(query, err)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
