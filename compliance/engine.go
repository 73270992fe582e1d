package compliance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/aspmkit/aspm/compliance/policies"
	"github.com/aspmkit/aspm/internal/opasandbox"
)

// builtinPolicies is the built-in control library.
var builtinPolicies fs.FS = policies.FS

// Sentinel errors; test them with [errors.Is].
var (
	// ErrPolicy: a policy does not load, parse or compile, or a control's
	// METADATA annotation is invalid. The chain holds [*PolicyError],
	// [*CompileError] or [*ForbiddenBuiltinError] values.
	ErrPolicy = errors.New("compliance: invalid policy")
	// ErrForbiddenBuiltin: a policy calls a builtin the sandbox removes
	// (http.send, net.lookup_ip_addr, opa.runtime...). The chain holds a
	// [*ForbiddenBuiltinError] naming it.
	ErrForbiddenBuiltin = opasandbox.ErrForbiddenBuiltin
	// ErrTimeout: an evaluation ran past [Options.Timeout]. The chain
	// holds a [*TimeoutError]; it also matches context.DeadlineExceeded.
	ErrTimeout = opasandbox.ErrTimeout
	// ErrFramework: a framework name is unknown or invalid.
	ErrFramework = errors.New("compliance: unknown framework")
	// ErrUnknownControl: [Options.Gate] names a control that no policy
	// defines.
	ErrUnknownControl = errors.New("compliance: unknown control")
	// ErrInput: the value given to [Engine.Evaluate] is not a JSON object.
	ErrInput = errors.New("compliance: input is not a JSON object")
	// ErrReport: a report document given to [ReadReport] is invalid.
	ErrReport = errors.New("compliance: invalid report")
)

// ForbiddenBuiltinError reports a call of a builtin the sandbox removes,
// with its file and position. Safe for concurrent use.
type ForbiddenBuiltinError = opasandbox.ForbiddenBuiltinError

// CompileError reports one parse or compile problem in a policy file.
// Safe for concurrent use.
type CompileError = opasandbox.CompileError

// TimeoutError reports an evaluation stopped at its deadline. Safe for
// concurrent use.
type TimeoutError = opasandbox.TimeoutError

// PolicyError reports a problem with a policy file or a control's
// annotation: where it is, which control, which field. It is not modified
// after creation: safe for concurrent use.
type PolicyError struct {
	// File is the policy file's name ("builtin/vm_sla.rego" for the
	// built-in library, the path under a directory or fs.FS, or
	// "bundle.tar.gz/path" for a bundle).
	File string
	// Row and Col locate the problem, counting from 1; zero when unknown.
	Row, Col int
	// Package is the Rego package, like "data.aspm.controls.vm_sla".
	Package string
	// Control is the control id when known.
	Control string
	// Field names the offending annotation field, like "custom.severity".
	Field string
	// Message describes the problem.
	Message string
}

func (e *PolicyError) Error() string {
	var b strings.Builder
	b.WriteString("compliance: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Row > 0 {
			fmt.Fprintf(&b, ":%d", e.Row)
			if e.Col > 0 {
				fmt.Fprintf(&b, ":%d", e.Col)
			}
		}
		b.WriteString(": ")
	}
	if e.Package != "" {
		b.WriteString(e.Package)
		if e.Control != "" {
			b.WriteString(" (" + e.Control + ")")
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns [ErrPolicy].
func (e *PolicyError) Unwrap() error { return ErrPolicy }

// Options configure an [Engine]. The zero value loads the built-in
// control library only, in the sandbox, with the default timeout. [New]
// reads Options and keeps nothing of them but copies.
type Options struct {
	// Policies are file systems walked for *.rego files (files named
	// *_test.rego are Rego unit tests and are not loaded), each at most
	// [MaxPolicyFileBytes].
	Policies []fs.FS
	// Dirs are directories walked like Policies, through an os.Root: a
	// symbolic link out of a directory is an error. Each file is at most
	// [MaxPolicyFileBytes].
	Dirs []string
	// Bundles are OPA bundles: .tar.gz files or directories. Their
	// modules are loaded like policies and their data documents merged
	// into data. A tarball is at most [MaxBundleBytes], stored and
	// inflated, and [MaxBundleFiles] entries; each file at most
	// [MaxPolicyFileBytes]; a directory holds no symbolic link. Bundle signatures cannot be checked yet, so a signed
	// bundle fails to load rather than load unverified.
	Bundles []string
	// DisableBuiltins leaves out the built-in control library.
	DisableBuiltins bool
	// Data is merged into Rego's data document, for policy settings such
	// as data.aspm.config. It must be JSON-compatible.
	Data map[string]any
	// Gate overrides, by control id, whether a control gates. An id that
	// no policy defines is an error.
	Gate map[string]bool
	// Frameworks adds frameworks beyond [Frameworks] that annotations may
	// map to.
	Frameworks []Framework
	// Timeout bounds one evaluation; zero means [DefaultTimeout].
	Timeout time.Duration
	// Print receives the output of print() calls in policies; nil
	// removes them.
	Print io.Writer
	// Parallelism is how many goroutines evaluate the controls of one
	// posture at once; zero means runtime.GOMAXPROCS(0) when New runs,
	// and 1 evaluates every control in a single query. Otherwise the
	// controls are split into three groups per goroutine, keeping
	// controls that read the same rules together (a rule two groups read
	// is computed by both), and the goroutines take the groups costliest
	// first (as learned from the engine's last evaluations). A posture of
	// fewer than 1,000 findings and assets is evaluated in a single query
	// regardless, which is faster at that size. The report does not
	// depend on it.
	Parallelism int
	// UnsafeCapabilities replaces the sandbox's capabilities (see
	// opasandbox.Capabilities). Setting it lets policies call http.send
	// and other side-effecting builtins: never set it for policies you do
	// not trust.
	UnsafeCapabilities *ast.Capabilities
}

// DefaultTimeout bounds an evaluation when [Options.Timeout] is zero:
// generous for postures of hundreds of thousands of findings, short enough
// to stop a runaway policy in CI.
const DefaultTimeout = 30 * time.Second

func (o Options) sandbox() opasandbox.Options {
	t := o.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	return opasandbox.Options{Timeout: t, UnsafeCapabilities: o.UnsafeCapabilities, Print: o.Print}
}

// Engine evaluates a set of controls against posture documents. It
// compiles its policies once, in [New], into a few prepared queries that
// each evaluate a group of controls in a single pass, run concurrently
// (see [Options.Parallelism]). An Engine is safe for concurrent use: its
// controls and queries never change, and the costs it learns to order
// its groups are updated atomically.
type Engine struct {
	controls   []Control
	frameworks *frameworkSet
	groups     []*evalGroup
	single     *evalGroup // every control in one query, for small postures; nil with one group
	workers    int        // goroutines evaluating groups at once
	timeout    time.Duration
	each       []*opasandbox.Query
	// indexed: some policy reads input._aspm_index (the built-in library
	// does), so Evaluate computes the index.
	indexed bool
}

// parallelMinElements is the size of a posture (findings and assets)
// below which the controls are evaluated in a single query even when the
// engine has several groups: starting the goroutines and computing shared
// rules twice costs more than it saves on a small posture (a posture of
// five findings took twice as long in two groups as in one; see
// BENCHMARKS.md).
const parallelMinElements = 1000

// evalGroup is a set of controls one prepared query evaluates.
type evalGroup struct {
	idx []int // indexes into Engine.controls, ascending
	q   *opasandbox.Query
	// cost orders the groups, costliest first: partition's estimate of
	// their work until the group has run, then (in nanoseconds, far
	// larger) the mean of its last evaluation times.
	cost atomic.Int64
}

// groupsPerWorker is how many groups partition makes for each goroutine:
// the goroutines take the groups costliest first, each the next group
// when done with its own, so the wall time is about the total over the
// goroutines even when one control's cost dwarfs the estimate (25,000
// open secrets make one control a third of the work).
const groupsPerWorker = 3

// New loads, compiles and catalogs the policies that opts names, and
// prepares their evaluation. Problems with policies give an error wrapping
// [ErrPolicy] (and [ErrForbiddenBuiltin] when a policy calls a removed
// builtin), with every problem found joined.
func New(ctx context.Context, opts Options) (*Engine, error) {
	fws, err := newFrameworkSet(opts.Frameworks)
	if err != nil {
		return nil, err
	}
	sources := map[string]string{}
	data := map[string]any{}
	var errs []error
	if !opts.DisableBuiltins && builtinPolicies != nil {
		errs = append(errs, loadFS(builtinPolicies, "builtin", sources))
	}
	for i, fsys := range opts.Policies {
		prefix := ""
		if len(opts.Policies) > 1 {
			prefix = "policies[" + strconv.Itoa(i) + "]"
		}
		errs = append(errs, loadFS(fsys, prefix, sources))
	}
	for _, dir := range opts.Dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			errs = append(errs, &PolicyError{File: dir, Message: "not a readable directory"})
			continue
		}
		fsys, closeRoot, err := dirFS(dir)
		if err != nil {
			errs = append(errs, &PolicyError{File: dir, Message: err.Error()})
			continue
		}
		errs = append(errs, loadFS(fsys, filepath.ToSlash(filepath.Clean(dir)), sources))
		_ = closeRoot() // read-only: nothing to lose
	}
	for _, b := range opts.Bundles {
		errs = append(errs, loadBundle(b, opts.sandbox(), sources, data))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, wrapPolicy(err)
	}
	if opts.Data != nil {
		if err := mergeData(data, opts.Data, "data"); err != nil {
			return nil, err
		}
	}
	compiler, err := opasandbox.Compile(sources, opts.sandbox())
	if err != nil {
		return nil, wrapPolicy(err)
	}
	controls, cerrs := catalog(compiler.Modules, fws)
	if len(cerrs) > 0 {
		return nil, errors.Join(cerrs...)
	}
	gateIDs := make([]string, 0, len(opts.Gate))
	for id := range opts.Gate {
		gateIDs = append(gateIDs, id)
	}
	sort.Strings(gateIDs)
	for _, id := range gateIDs {
		i := slices.IndexFunc(controls, func(c Control) bool { return c.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("%w: Options.Gate names %q", ErrUnknownControl, id)
		}
		controls[i].Gate = opts.Gate[id]
	}
	store, err := newStore(data)
	if err != nil {
		return nil, err
	}
	e := &Engine{controls: controls, frameworks: fws}
	n := opts.Parallelism
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	e.workers = n
	e.timeout = opts.sandbox().Timeout
	e.indexed = readsIndex(compiler)
	if len(controls) > 0 {
		groups := n
		if n > 1 {
			groups = groupsPerWorker * n
		}
		idxs, works, _ := partitionWork(compiler, controls, groups)
		for g, idx := range idxs {
			sub := make([]Control, len(idx))
			for j, i := range idx {
				sub[j] = controls[i]
			}
			q, err := opasandbox.Prepare(ctx, compiler, controlsQuery(sub), store, opts.sandbox())
			if err != nil {
				return nil, wrapPolicy(err)
			}
			eg := &evalGroup{idx: idx, q: q}
			if g < len(works) {
				eg.cost.Store(int64(works[g]))
			}
			e.groups = append(e.groups, eg)
		}
		if len(e.groups) > 1 {
			all := make([]int, len(controls))
			for i := range all {
				all[i] = i
			}
			q, err := opasandbox.Prepare(ctx, compiler, controlsQuery(controls), store, opts.sandbox())
			if err != nil {
				return nil, wrapPolicy(err)
			}
			e.single = &evalGroup{idx: all, q: q}
		}
	}
	e.each = make([]*opasandbox.Query, len(controls))
	for i := range controls {
		e.each[i], err = opasandbox.Prepare(ctx, compiler, controlsQuery(controls[i:i+1]), store, opts.sandbox())
		if err != nil {
			return nil, wrapPolicy(err)
		}
	}
	return e, nil
}

func wrapPolicy(err error) error {
	if errors.Is(err, ErrPolicy) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrPolicy, err)
}

// loadFS reads every *.rego file of fsys except *_test.rego into sources,
// naming each prefix/path.
func loadFS(fsys fs.FS, prefix string, sources map[string]string) error {
	if _, ok := fsys.(limitFS); !ok {
		fsys = limitFS{FS: fsys, max: MaxPolicyFileBytes}
	}
	return opasandbox.LoadFS(fsys, prefix, sources, func(file, message string) error {
		return &PolicyError{File: file, Message: message}
	})
}

// loadBundle reads an OPA bundle (a .tar.gz file or a directory) with
// OPA's bundle reader: its modules go to sources, its data into data.
func loadBundle(p string, sopts opasandbox.Options, sources map[string]string, data map[string]any) error {
	fi, err := os.Stat(p)
	if err != nil {
		return &PolicyError{File: p, Message: "bundle: " + err.Error()}
	}
	var loader bundle.DirectoryLoader
	if fi.IsDir() {
		// OPA's loader skips symbolic links: say so rather than leave a
		// module out without a word.
		if link := firstSymlink(p); link != "" {
			return &PolicyError{File: link, Message: "bundle: a symbolic link (bundle directories are read without following links)"}
		}
		loader = bundle.NewDirectoryLoader(p).WithSizeLimitBytes(MaxPolicyFileBytes)
	} else {
		raw, err := readBundleFile(p)
		if err != nil {
			return &PolicyError{File: p, Message: "bundle: " + err.Error()}
		}
		loader = bundle.NewTarballLoaderWithBaseURL(bytes.NewReader(raw), p).WithSizeLimitBytes(MaxPolicyFileBytes)
	}
	caps := sopts.UnsafeCapabilities
	if caps == nil {
		caps = opasandbox.Capabilities()
	}
	b, err := bundle.NewCustomReader(loader).
		WithRegoVersion(ast.RegoV1).
		WithCapabilities(caps).
		WithProcessAnnotations(true).
		WithSizeLimitBytes(MaxPolicyFileBytes).
		Read()
	if err != nil {
		var astErrs ast.Errors
		var astErr *ast.Error
		if errors.As(err, &astErrs) || errors.As(err, &astErr) {
			return opasandbox.ConvertErrors(err, p, sopts)
		}
		return &PolicyError{File: p, Message: "bundle: " + err.Error()}
	}
	var errs []error
	for _, m := range b.Modules {
		rel := strings.TrimPrefix(filepath.ToSlash(m.Path), "/")
		if strings.HasSuffix(rel, "_test.rego") {
			continue
		}
		name := path.Join(filepath.ToSlash(p), rel)
		if _, dup := sources[name]; dup {
			errs = append(errs, &PolicyError{File: name, Message: "loaded twice"})
			continue
		}
		sources[name] = string(m.Raw)
	}
	if b.Data != nil {
		errs = append(errs, mergeData(data, b.Data, p))
	}
	return errors.Join(errs...)
}

// mergeData merges src into dst, objects recursively; two different
// values at one path are an error.
func mergeData(dst, src map[string]any, origin string) error {
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := src[k]
		old, exists := dst[k]
		if !exists {
			dst[k] = v
			continue
		}
		om, ok1 := old.(map[string]any)
		nm, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			cp := make(map[string]any, len(om))
			for kk, vv := range om {
				cp[kk] = vv
			}
			if err := mergeData(cp, nm, origin); err != nil {
				return err
			}
			dst[k] = cp
			continue
		}
		if !reflect.DeepEqual(old, v) {
			return &PolicyError{File: origin, Field: "data." + k, Message: "conflicts with a value loaded earlier"}
		}
	}
	return nil
}

func newStore(data map[string]any) (storage.Store, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, &PolicyError{Field: "data", Message: "not JSON-compatible: " + err.Error()}
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, &PolicyError{Field: "data", Message: err.Error()}
	}
	return inmem.NewFromObject(doc), nil
}

// controlsQuery builds one query that collects, for each control, its
// applicable, violations and evidence values. Each sits in an array
// comprehension, so an undefined rule gives an empty array instead of
// making the whole query undefined.
func controlsQuery(controls []Control) string {
	var b strings.Builder
	b.WriteString("result := [")
	for i, c := range controls {
		if i > 0 {
			b.WriteString(", ")
		}
		ref := c.ref.String()
		b.WriteString("{")
		fmt.Fprintf(&b, "%q: [x | x := %s.%s]", "v", ref, ruleViolations)
		if c.hasApplicable {
			fmt.Fprintf(&b, ", %q: [x | x := %s.%s]", "a", ref, ruleApplicable)
		}
		if c.hasEvidence {
			fmt.Fprintf(&b, ", %q: [x | x := %s.%s]", "e", ref, ruleEvidence)
		}
		b.WriteString("}")
	}
	b.WriteString("]")
	return b.String()
}

// Controls returns the catalog: every control the engine evaluates, in
// natural order of their ids.
func (e *Engine) Controls() []Control {
	out := slices.Clone(e.controls)
	for i := range out {
		out[i].Mappings = slices.Clone(out[i].Mappings)
	}
	return out
}

// Frameworks returns the frameworks this engine knows: [Frameworks] plus
// [Options.Frameworks], sorted by name.
func (e *Engine) Frameworks() []Framework {
	out := make([]Framework, 0, len(e.frameworks.byName))
	for _, f := range e.frameworks.byName {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Framework) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Evaluate judges a posture with every control. posture may be a
// *[Posture], any value that encodes to a JSON object, JSON text as []byte
// or json.RawMessage, a map[string]any, or an ast.Value; it is converted
// to Rego's representation once and shared by all controls.
//
// A control whose Rego fails at run time gets [StatusError] with the
// error in its message; the other controls are still judged. Evaluation
// past [Options.Timeout] returns a [*TimeoutError], and a cancelled ctx
// returns ctx's error.
func (e *Engine) Evaluate(ctx context.Context, posture any) (*Report, error) {
	input, err := toValue(posture, e.indexed)
	if err != nil {
		return nil, err
	}
	return e.evaluate(ctx, input)
}

func (e *Engine) evaluate(ctx context.Context, input ast.Value) (*Report, error) {
	rep := &Report{Version: ReportVersion, Controls: make([]Result, len(e.controls))}
	var err error
	if groups := e.groupsFor(input); len(groups) == 1 {
		err = e.evaluateGroup(ctx, groups[0], input, rep.Controls)
	} else {
		err = e.evaluateGroups(ctx, groups, input, rep.Controls)
	}
	if err != nil {
		return nil, err
	}
	rep.finish(e.frameworks)
	return rep, nil
}

// evaluateGroups evaluates groups on e.workers goroutines, costliest
// first, each goroutine taking the next group when done with its own,
// all under one deadline of Options.Timeout. The first failure stops the
// others; the error is a [*TimeoutError] when the deadline passed, ctx's
// error when ctx ended, the failure otherwise.
func (e *Engine) evaluateGroups(ctx context.Context, groups []*evalGroup, input ast.Value, out []Result) error {
	dctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	costs := make([]int64, len(groups))
	for g := range groups {
		costs[g] = groups[g].cost.Load()
	}
	var firstErr error
	var once sync.Once
	costliestFirst(costs, e.workers, func(g int) bool {
		if dctx.Err() != nil {
			return false
		}
		start := time.Now()
		if err := e.evaluateGroup(dctx, groups[g], input, out); err != nil {
			once.Do(func() { firstErr = err })
			cancel()
			return false
		}
		groups[g].learn(time.Since(start))
		return true
	})
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("compliance: evaluating controls: %w", ctx.Err())
	case errors.Is(dctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("compliance: evaluating controls: %w", &TimeoutError{Query: "controls", Timeout: e.timeout})
	}
	return firstErr
}

// groupsFor returns the groups that evaluate input: the single query for
// a posture of fewer than parallelMinElements findings and assets, the
// parallel groups otherwise.
func (e *Engine) groupsFor(input ast.Value) []*evalGroup {
	if e.single == nil || postureElements(input) >= parallelMinElements {
		return e.groups
	}
	return []*evalGroup{e.single}
}

// learn records that the group took d: the mean of d and the last
// recorded time, or d itself the first time.
func (g *evalGroup) learn(d time.Duration) {
	ns := max(int64(d), 1<<20) // above any estimate of partition's
	for {
		old := g.cost.Load()
		cost := ns
		if old >= 1<<20 {
			cost = old/2 + ns/2
		}
		if g.cost.CompareAndSwap(old, cost) {
			return
		}
	}
}

// postureElements counts the findings and assets of a posture value
// (lists of another type count nothing).
func postureElements(input ast.Value) int {
	obj, ok := input.(ast.Object)
	if !ok {
		return 0
	}
	n := 0
	for _, key := range []string{"findings", "assets"} {
		if t := obj.Get(ast.InternedTerm(key)); t != nil {
			if a, ok := t.Value.(*ast.Array); ok {
				n += a.Len()
			}
		}
	}
	return n
}

// evaluateGroup evaluates one group of controls and writes their results
// into out (indexed like e.controls). When the group's query fails at run
// time, its controls are evaluated one by one so that only the failing
// ones get StatusError.
func (e *Engine) evaluateGroup(ctx context.Context, g *evalGroup, input ast.Value, out []Result) error {
	outcomes, err := e.run(ctx, g.q, input)
	var evalErr *opasandbox.EvalError
	switch {
	case err == nil && len(outcomes) == len(g.idx):
		for j, i := range g.idx {
			out[i] = judge(e.controls[i], outcomes[j])
		}
	case err == nil || errors.As(err, &evalErr):
		for _, i := range g.idx {
			c := e.controls[i]
			res, err := e.run(ctx, e.each[i], input)
			switch {
			case err == nil && len(res) == 1:
				out[i] = judge(c, res[0])
			case err == nil || errors.As(err, &evalErr):
				out[i] = errorResult(c, err)
			default:
				return fmt.Errorf("compliance: evaluating %s: %w", c.ID, err)
			}
		}
	default:
		return fmt.Errorf("compliance: evaluating controls: %w", err)
	}
	return nil
}

// run evaluates a prepared controls query and returns one outcome per
// control.
func (e *Engine) run(ctx context.Context, q *opasandbox.Query, input ast.Value) ([]map[string]any, error) {
	rs, err := q.Eval(ctx, input)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, nil
	}
	list, ok := rs[0].Bindings["result"].([]any)
	if !ok {
		return nil, nil
	}
	out := make([]map[string]any, len(list))
	for i, x := range list {
		out[i], _ = x.(map[string]any)
	}
	return out, nil
}

func errorResult(c Control, err error) Result {
	r := baseResult(c)
	r.Status = StatusError
	if err == nil {
		err = errors.New("the control gave no result")
	}
	r.Message = strings.TrimPrefix(err.Error(), "opasandbox: ")
	return r
}

func baseResult(c Control) Result {
	return Result{
		ID: c.ID, Title: c.Title, Description: c.Description, Severity: c.Severity, Gate: c.Gate,
		Mappings: slices.Clone(c.Mappings), Evidence: []string{}, Violations: []Violation{},
	}
}

// judge turns one control's raw outcome into its result.
func judge(c Control, out map[string]any) Result {
	if out == nil {
		return errorResult(c, nil)
	}
	r := baseResult(c)
	applicable := true
	if a, ok := out["a"].([]any); ok && len(a) > 0 {
		b, ok := a[0].(bool)
		if !ok {
			return errorResult(c, fmt.Errorf("%s.applicable is %s, not a boolean", c.Package, describe(a[0])))
		}
		applicable = b
	}
	if !applicable {
		r.Status = StatusNotApplicable
		r.Message = "not applicable: the posture holds nothing this control judges"
		return r
	}
	if v, ok := out["v"].([]any); ok && len(v) > 0 {
		coll, ok := v[0].([]any)
		if !ok {
			return errorResult(c, fmt.Errorf("%s.violations is %s, not a set", c.Package, describe(v[0])))
		}
		for i, x := range coll {
			vi, err := violation(x)
			if err != nil {
				return errorResult(c, fmt.Errorf("%s.violations: element %d: %w", c.Package, i, err))
			}
			r.Violations = append(r.Violations, vi)
		}
	}
	if len(r.Violations) > 0 {
		slices.SortFunc(r.Violations, func(a, b Violation) int {
			if c := strings.Compare(a.Msg, b.Msg); c != 0 {
				return c
			}
			return slices.Compare(a.Evidence, b.Evidence)
		})
		r.Violations = slices.CompactFunc(r.Violations, func(a, b Violation) bool {
			return a.Msg == b.Msg && slices.Equal(a.Evidence, b.Evidence)
		})
		var ev []string
		for _, v := range r.Violations {
			ev = append(ev, v.Evidence...)
		}
		r.Evidence = sortedUnique(ev)
		r.Status = StatusFail
		r.Message = r.Violations[0].Msg
		if n := len(r.Violations); n > 1 {
			r.Message += fmt.Sprintf(" (and %d more)", n-1)
		}
		return r
	}
	if e, ok := out["e"].([]any); ok && len(e) > 0 {
		ev, err := stringList(e[0])
		if err != nil {
			return errorResult(c, fmt.Errorf("%s.evidence: %w", c.Package, err))
		}
		r.Evidence = sortedUnique(ev)
	}
	r.Status = StatusPass
	r.Message = "no violation"
	if n := len(r.Evidence); n > 0 {
		r.Message += fmt.Sprintf(" (%d checked)", n)
	}
	return r
}

// violation reads one element of a violations set: {"msg": string,
// "evidence": [string...]} or a bare string message.
func violation(x any) (Violation, error) {
	switch x := x.(type) {
	case string:
		return Violation{Msg: x, Evidence: []string{}}, nil
	case map[string]any:
		msg, ok := x["msg"].(string)
		if !ok {
			return Violation{}, fmt.Errorf("msg is %s, not a string", describe(x["msg"]))
		}
		v := Violation{Msg: msg, Evidence: []string{}}
		if ev, present := x["evidence"]; present {
			list, err := stringList(ev)
			if err != nil {
				return Violation{}, fmt.Errorf("evidence: %w", err)
			}
			v.Evidence = sortedUnique(list)
		}
		return v, nil
	default:
		return Violation{}, fmt.Errorf("%s is neither a string nor an object with msg", describe(x))
	}
}

func stringList(x any) ([]string, error) {
	list, ok := x.([]any)
	if !ok {
		if s, ok := x.(string); ok {
			return []string{s}, nil
		}
		return nil, fmt.Errorf("%s is not a list of strings", describe(x))
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%s is not a string", describe(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// describe renders a Rego value briefly for error messages.
func describe(x any) string {
	if x == nil {
		return "undefined"
	}
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprintf("%T", x)
	}
	if len(b) > 60 {
		b = append(b[:57], "..."...)
	}
	return string(b)
}

// toValue converts a posture to Rego's representation, once, with the
// index of its findings (index.go) when index is set.
func toValue(posture any, index bool) (ast.Value, error) {
	var v ast.Value
	var err error
	indexed := false
	switch p := posture.(type) {
	case nil:
		return nil, fmt.Errorf("%w: nil", ErrInput)
	case ast.Value:
		v = p
	case *ast.Term:
		if p == nil {
			return nil, fmt.Errorf("%w: nil", ErrInput)
		}
		v = p.Value
	case *Posture:
		if p == nil {
			return nil, fmt.Errorf("%w: nil", ErrInput)
		}
		v, err = postureValue(p, index)
		indexed = true
	case Posture:
		v, err = postureValue(&p, index)
		indexed = true
	case json.RawMessage:
		v, err = jsonValue(p)
	case []byte:
		v, err = jsonValue(p)
	case map[string]any:
		v, err = ast.InterfaceToValue(p)
	default:
		var b []byte
		b, err = json.Marshal(p)
		if err == nil {
			v, err = jsonValue(b)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	if _, ok := v.(ast.Object); !ok {
		return nil, fmt.Errorf("%w: got %s", ErrInput, ast.ValueName(v))
	}
	if !indexed && index {
		v = withIndex(v)
	}
	return v, nil
}

// jsonValue parses a posture's JSON, its findings on every core.
func jsonValue(b []byte) (ast.Value, error) {
	return opasandbox.ParseJSONSplit(b, "findings", runtime.GOMAXPROCS(0))
}
