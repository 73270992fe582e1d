package opasandbox

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// DefaultTimeout bounds one evaluation when [Options.Timeout] is zero.
const DefaultTimeout = 5 * time.Second

// Removed lists, sorted, the builtins that [Capabilities] takes out of OPA's
// default capabilities: every builtin OPA marks non-deterministic, because
// each one reaches outside the policy (network, environment, clock,
// randomness), and the two JSON Schema builtins, which fetch a schema's
// remote $ref over HTTP whatever AllowNet says in the linked OPA v1.19.0
// (TestSchemaRefsNeverReachTheNetwork; OPA 1.20 checks AllowNet there and
// 1.21 marks them non-deterministic):
//
//   - http.send: HTTP requests.
//   - net.lookup_ip_addr: DNS look-ups (the pure net.cidr_* helpers stay).
//   - opa.runtime: the process environment and OPA configuration.
//   - rand.intn: randomness.
//   - time.now_ns: the wall clock (policies read the time from their input).
//   - uuid.rfc4122: random UUIDs.
//   - io.jwt.decode_verify: JWT verification against the wall clock (the
//     io.jwt.verify_* functions, which take their keys as arguments, stay).
//   - io.jwt.encode_sign, io.jwt.encode_sign_raw: signing, randomized for
//     ECDSA and PS keys.
//   - json.match_schema, json.verify_schema: a $ref to an http(s) URL is
//     fetched while the policy runs.
var Removed = []string{
	"http.send",
	"io.jwt.decode_verify",
	"io.jwt.encode_sign",
	"io.jwt.encode_sign_raw",
	"json.match_schema",
	"json.verify_schema",
	"net.lookup_ip_addr",
	"opa.runtime",
	"rand.intn",
	"time.now_ns",
	"uuid.rfc4122",
}

// Capabilities returns a fresh copy of the sandbox's capabilities: those of
// the linked OPA version (Rego v1) minus the builtins in [Removed], with an
// empty AllowNet list. print stays declared, but [Compile] erases print calls unless
// [Options.Print] is set.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion(ast.CapabilitiesRegoVersion(ast.RegoV1))
	out := make([]*ast.Builtin, 0, len(c.Builtins))
	for _, b := range c.Builtins {
		if _, drop := slices.BinarySearch(Removed, b.Name); drop {
			continue
		}
		out = append(out, b)
	}
	c.Builtins = out
	c.AllowNet = []string{}
	return c
}

// Options configure compilation and evaluation. The zero value is the
// sandbox: default timeout, [Capabilities], no print output. Options are
// read, never modified: one value may serve concurrent calls.
type Options struct {
	// Timeout bounds each evaluation (and each Rego unit test);
	// zero means [DefaultTimeout].
	Timeout time.Duration
	// UnsafeCapabilities, when not nil, replaces [Capabilities]. It is the
	// only way to let a policy call http.send and the other builtins the
	// sandbox removes; never set it for policies you did not write.
	UnsafeCapabilities *ast.Capabilities
	// Print receives the output of Rego print calls, one line each; when
	// nil, print calls are removed at compile time. Writes are serialized,
	// so one writer may serve concurrent evaluations.
	Print io.Writer
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

func (o Options) capabilities() *ast.Capabilities {
	if o.UnsafeCapabilities != nil {
		return o.UnsafeCapabilities
	}
	return sandboxCaps()
}

var sandboxCaps = sync.OnceValue(Capabilities)

// Sentinel errors; test them with [errors.Is].
var (
	// ErrForbiddenBuiltin: a policy calls a builtin that the capabilities
	// in force do not allow. The chain holds a [*ForbiddenBuiltinError].
	ErrForbiddenBuiltin = errors.New("opasandbox: forbidden builtin")
	// ErrCompile: a module does not parse or compile. The chain holds
	// [*CompileError] values, one per problem.
	ErrCompile = errors.New("opasandbox: compile error")
	// ErrEval: an evaluation failed (a builtin error, a conflict between
	// rule values). The chain holds an [*EvalError].
	ErrEval = errors.New("opasandbox: evaluation error")
	// ErrTimeout: an evaluation ran past its deadline. The chain holds a
	// [*TimeoutError], which also matches context.DeadlineExceeded.
	ErrTimeout = errors.New("opasandbox: evaluation timed out")
)

// ForbiddenBuiltinError reports a call of a builtin that the sandbox does
// not allow, with the position of the call. Errors are not modified after
// creation: safe for concurrent use, like every error of this package.
type ForbiddenBuiltinError struct {
	// Builtin is the builtin's name, like "http.send".
	Builtin string
	// File is the module's name as given to [Compile]; empty for a query.
	File string
	// Row and Col locate the call, counting from 1.
	Row, Col int
}

func (e *ForbiddenBuiltinError) Error() string {
	return fmt.Sprintf("opasandbox: %s: forbidden builtin %s (the sandbox removes it; see opasandbox.Removed)",
		position(e.File, e.Row, e.Col), e.Builtin)
}

// Unwrap returns [ErrForbiddenBuiltin].
func (e *ForbiddenBuiltinError) Unwrap() error { return ErrForbiddenBuiltin }

// CompileError reports one parse or compile problem in a module.
type CompileError struct {
	// File is the module's name as given to [Compile]; empty for a query.
	File string
	// Row and Col locate the problem, counting from 1; zero when unknown.
	Row, Col int
	// Code is OPA's error code, like "rego_parse_error" or
	// "rego_type_error".
	Code string
	// Message is OPA's description of the problem.
	Message string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("opasandbox: %s: %s: %s", position(e.File, e.Row, e.Col), e.Code, e.Message)
}

// Unwrap returns [ErrCompile].
func (e *CompileError) Unwrap() error { return ErrCompile }

func position(file string, row, col int) string {
	if file == "" {
		file = "query"
	}
	if row <= 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, row, col)
}

// parserOptions are the options every module and query is parsed with.
func parserOptions(caps *ast.Capabilities) ast.ParserOptions {
	return ast.ParserOptions{
		RegoVersion:       ast.RegoV1,
		ProcessAnnotation: true,
		Capabilities:      caps,
	}
}

// Parse parses modules (name → Rego v1 source) with their METADATA
// annotations, in name order. Problems come back as [*CompileError]
// values joined with [errors.Join].
func Parse(modules map[string]string, opts Options) (map[string]*ast.Module, error) {
	return parse(modules, opts.capabilities())
}

func parse(modules map[string]string, caps *ast.Capabilities) (map[string]*ast.Module, error) {
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)
	popts := parserOptions(caps)
	parsed := make(map[string]*ast.Module, len(modules))
	var errs []error
	for _, name := range names {
		m, err := ast.ParseModuleWithOpts(name, modules[name], popts)
		if err != nil {
			errs = append(errs, convertErrors(err, name, caps)...)
			continue
		}
		if m == nil {
			errs = append(errs, &CompileError{File: name, Code: ast.ParseErr, Message: "empty module"})
			continue
		}
		parsed[name] = m
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return parsed, nil
}

// newCompiler returns a compiler configured for the sandbox.
func newCompiler(caps *ast.Capabilities, print bool) *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(caps).
		WithStrict(true).
		WithEnablePrintStatements(print).
		WithDefaultRegoVersion(ast.RegoV1)
}

// Compile parses modules (name → Rego v1 source, names used as file names
// in errors) and compiles them in strict mode with the capabilities in
// force. A call of a builtin those capabilities lack fails here with a
// [*ForbiddenBuiltinError]; other problems give [*CompileError] values.
// Several problems are joined with [errors.Join].
//
// The compiler returned is ready for [Prepare]; do not add modules to it.
func Compile(modules map[string]string, opts Options) (*ast.Compiler, error) {
	caps := opts.capabilities()
	parsed, err := parse(modules, caps)
	if err != nil {
		return nil, err
	}
	return CompileParsed(parsed, opts)
}

// scanForbidden finds calls of builtins that OPA knows but caps lacks. It
// runs before compilation because the compiler stops at its first failing
// stage, which (in strict mode) may be an unused variable rather than the
// forbidden call. A call whose first name segment is an import alias or a
// rule of the same package is the policy's own function, not a builtin.
func scanForbidden(parsed map[string]*ast.Module, caps *ast.Capabilities) []error {
	own := map[string]map[string]bool{} // package path → rule head names
	for _, m := range parsed {
		pkg := m.Package.Path.String()
		if own[pkg] == nil {
			own[pkg] = map[string]bool{}
		}
		for _, r := range m.Rules {
			if v, ok := r.Head.Ref()[0].Value.(ast.Var); ok {
				own[pkg][string(v)] = true
			}
		}
	}
	var found []*ForbiddenBuiltinError
	for _, m := range parsed {
		local := own[m.Package.Path.String()]
		imported := map[string]bool{}
		for _, imp := range m.Imports {
			imported[string(imp.Name())] = true
		}
		check := func(ref ast.Ref, loc *ast.Location) {
			if len(ref) == 0 {
				return
			}
			if head, ok := ref[0].Value.(ast.Var); !ok || local[string(head)] || imported[string(head)] {
				return
			}
			name := ref.String()
			if _, known := ast.BuiltinMap[name]; !known || caps.ContainsBuiltin(name) {
				return
			}
			fe := &ForbiddenBuiltinError{Builtin: name}
			if loc != nil {
				fe.File, fe.Row, fe.Col = loc.File, loc.Row, loc.Col
			}
			found = append(found, fe)
		}
		ast.NewGenericVisitor(func(x any) bool {
			switch x := x.(type) {
			case *ast.Expr:
				if x.IsCall() {
					check(x.Operator(), x.Location)
				}
			case *ast.Term:
				if call, ok := x.Value.(ast.Call); ok && len(call) > 0 {
					loc := x.Location
					if loc == nil {
						loc = call[0].Location
					}
					if ref, ok := call[0].Value.(ast.Ref); ok {
						check(ref, loc)
					}
				}
			}
			return false
		}).Walk(m)
	}
	slices.SortFunc(found, func(a, b *ForbiddenBuiltinError) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		if a.Col != b.Col {
			return a.Col - b.Col
		}
		return strings.Compare(a.Builtin, b.Builtin)
	})
	out := make([]error, 0, len(found))
	for i, fe := range found {
		if i > 0 && *found[i-1] == *fe {
			continue
		}
		out = append(out, fe)
	}
	return out
}

// CompileParsed is [Compile] for modules already parsed with [Parse].
//
// OPA's compiler can panic on some malformed modules that its parser
// accepts (OPA v1.19.0 does on "package A f(x).A if%0 %0%0}A00(0)", found by
// FuzzCompile); such a panic is returned as a [*CompileError] with the code
// "rego_compile_panic" rather than crashing the program that loads the
// policy.
func CompileParsed(parsed map[string]*ast.Module, opts Options) (c *ast.Compiler, err error) {
	caps := opts.capabilities()
	if errs := scanForbidden(parsed, caps); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	defer func() {
		if r := recover(); r != nil {
			files := slices.Sorted(maps.Keys(parsed))
			c, err = nil, &CompileError{File: strings.Join(files, ", "), Code: "rego_compile_panic",
				Message: fmt.Sprintf("OPA's compiler failed on these modules: %v", r)}
		}
	}()
	c = newCompiler(caps, opts.Print != nil)
	c.Compile(parsed)
	if c.Failed() {
		return nil, errors.Join(convertErrors(c.Errors, "", caps)...)
	}
	return c, nil
}

// ConvertErrors turns an error from OPA's parser or compiler (ast.Errors or
// *ast.Error, as returned by OPA's bundle reader for example) into this
// package's typed errors, joined: [*ForbiddenBuiltinError] for calls of
// builtins the capabilities in force lack, [*CompileError] for the rest.
// file names the input when an error carries no location.
func ConvertErrors(err error, file string, opts Options) error {
	if err == nil {
		return nil
	}
	return errors.Join(convertErrors(err, file, opts.capabilities())...)
}

// convertErrors turns OPA's errors into ours; file is used when an error
// carries no location.
func convertErrors(err error, file string, caps *ast.Capabilities) []error {
	var list ast.Errors
	var one *ast.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = ast.Errors{one}
	default:
		return []error{&CompileError{File: file, Code: "rego_compile_error", Message: err.Error()}}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		if e == nil {
			continue
		}
		f, row, col := file, 0, 0
		if e.Location != nil {
			if e.Location.File != "" {
				f = e.Location.File
			}
			row, col = e.Location.Row, e.Location.Col
		}
		if name, ok := forbiddenCall(e, caps); ok {
			out = append(out, &ForbiddenBuiltinError{Builtin: name, File: f, Row: row, Col: col})
			continue
		}
		out = append(out, &CompileError{File: f, Row: row, Col: col, Code: e.Code, Message: e.Message})
	}
	if len(out) == 0 {
		out = append(out, &CompileError{File: file, Code: "rego_compile_error", Message: err.Error()})
	}
	return out
}

// forbiddenCall reports whether e is OPA's "undefined function" error for a
// builtin OPA knows but caps lacks.
func forbiddenCall(e *ast.Error, caps *ast.Capabilities) (string, bool) {
	const prefix = "undefined function "
	if e.Code != ast.TypeErr || !strings.HasPrefix(e.Message, prefix) {
		return "", false
	}
	name := strings.TrimSpace(strings.TrimPrefix(e.Message, prefix))
	if _, known := ast.BuiltinMap[name]; !known || caps.ContainsBuiltin(name) {
		return "", false
	}
	return name, true
}

// lockedWriter serializes writes from concurrent evaluations.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
