// Package opasandbox is the OPA sandbox every aspm policy runs in: Rego v1
// modules compiled in strict mode with capabilities that leave out every
// builtin reaching outside the policy, and evaluations bounded by a
// deadline. The compliance package evaluates its controls here, and the
// access analyzers reuse it.
//
// # Capabilities
//
// [Capabilities] is OPA's default capability set minus the builtins in
// [Removed] (http.send, net.lookup_ip_addr, opa.runtime, rand.intn,
// time.now_ns, uuid.rfc4122, the JWT functions that sign or read the
// clock, and json.match_schema and json.verify_schema, which fetch remote
// schema references), with an empty AllowNet list. A module that calls one of them
// fails in [Compile] with a [*ForbiddenBuiltinError] naming the builtin,
// the file and the position. [Options.UnsafeCapabilities] replaces the set
// for trusted policies; print output is dropped unless [Options.Print] is
// set.
//
// # Evaluation
//
// [Prepare] turns a query over a compiled policy set into a [Query], safe
// for concurrent use. [Query.Eval] takes its input as an ast.Value, so a
// caller converts a document once (with [ParseJSON] for JSON text) and
// evaluates many queries over it. Each evaluation runs under
// [Options.Timeout] (default [DefaultTimeout]); a runaway policy stops at
// the deadline with a [*TimeoutError], which matches
// context.DeadlineExceeded. Builtin errors are fatal ([*EvalError]).
//
// # Tests
//
// [RunTests] runs the test_ rules of *_test.rego modules with OPA's tester
// under the same capabilities, so that go test can check Rego policies.
package opasandbox
