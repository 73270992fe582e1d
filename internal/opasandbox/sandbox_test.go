package opasandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapabilities(t *testing.T) {
	caps := Capabilities()
	require.NotNil(t, caps)
	assert.True(t, slices.IsSorted(Removed), "Removed must stay sorted")
	for _, name := range Removed {
		_, known := ast.BuiltinMap[name]
		assert.True(t, known, "%s is an OPA builtin", name)
		assert.False(t, caps.ContainsBuiltin(name), "%s removed", name)
	}
	// Every builtin OPA marks non-deterministic is removed.
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Nondeterministic {
			assert.Contains(t, Removed, b.Name)
		}
	}
	for _, keep := range []string{"net.cidr_contains", "io.jwt.verify_rs256", "io.jwt.decode", "time.parse_rfc3339_ns", "print", "sprintf"} {
		assert.True(t, caps.ContainsBuiltin(keep), "%s kept", keep)
	}
	assert.NotNil(t, caps.AllowNet)
	assert.Empty(t, caps.AllowNet)
	// A fresh copy each time.
	caps.Builtins = nil
	assert.NotEmpty(t, Capabilities().Builtins)
}

func TestCompileForbidden(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		builtin string
		row     int
	}{
		{"http.send", "package p\n\nx := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1\"})\n", "http.send", 3},
		{"net.lookup_ip_addr", "package p\n\nips contains ip if {\n\tsome ip in net.lookup_ip_addr(\"example.org\")\n}\n", "net.lookup_ip_addr", 4},
		{"opa.runtime", "package p\n\nenv := opa.runtime().env\n", "opa.runtime", 3},
		{"time.now_ns", "package p\n\n\n\nnow := time.now_ns()\n", "time.now_ns", 5},
		{"rand.intn", "package p\n\nr := rand.intn(\"x\", 10)\n", "rand.intn", 3},
		{"uuid.rfc4122", "package p\n\nu := uuid.rfc4122(\"x\")\n", "uuid.rfc4122", 3},
		{"nested in a comprehension, var unused", "package p\n\nn := count([b |\n\tsome u in input.urls\n\tr := http.send({\"url\": u, \"method\": \"GET\"})\n\tb := 1\n])\n", "http.send", 5},
		{"statement", "package p\n\nx if {\n\topa.runtime()\n}\n", "opa.runtime", 4},
		{"in every", "package p\n\nok if {\n\tevery u in input.urls {\n\t\thttp.send({\"url\": u, \"method\": \"GET\"}).status_code == 200\n\t}\n}\n", "http.send", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(map[string]string{"policy/p.rego": tc.src}, Options{})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrForbiddenBuiltin)
			var fe *ForbiddenBuiltinError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.builtin, fe.Builtin)
			assert.Equal(t, "policy/p.rego", fe.File)
			assert.Equal(t, tc.row, fe.Row)
			assert.Positive(t, fe.Col)
			assert.Contains(t, err.Error(), tc.builtin)
			assert.Contains(t, err.Error(), fmt.Sprintf("policy/p.rego:%d:", tc.row))
		})
	}
}

func TestCompileOwnFunctionNamedLikeBuiltin(t *testing.T) {
	// A package's own function shadows the builtin of the same name.
	src := "package p\n\nhttp.send(req) := {\"status_code\": 200, \"req\": req}\n\nx := http.send({\"url\": \"u\"}).status_code\n"
	c, err := Compile(map[string]string{"p.rego": src}, Options{})
	require.NoError(t, err)
	q, err := Prepare(context.Background(), c, "data.p.x", nil, Options{})
	require.NoError(t, err)
	rs, err := q.Eval(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "200", fmt.Sprint(rs[0].Expressions[0].Value))
}

func TestCompileUnsafeCapabilities(t *testing.T) {
	src := "package p\n\nx := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1\"}) if false\n"
	_, err := Compile(map[string]string{"p.rego": src}, Options{UnsafeCapabilities: ast.CapabilitiesForThisVersion()})
	assert.NoError(t, err)
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		code string
		row  int
	}{
		{"syntax", "package p\n\nx := {\n", ast.ParseErr, 4},
		{"v0 syntax", "package p\n\ndeny[msg] { msg := \"x\" }\n", ast.ParseErr, 3},
		{"unknown function", "package p\n\nx := nope(1)\n", ast.TypeErr, 3},
		{"strict unused variable", "package p\n\nf(x) := 1\n", ast.CompileErr, 3},
		{"unsafe var", "package p\n\nx if { y }\n", ast.UnsafeVarErr, 3},
		{"empty", "", ast.ParseErr, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(map[string]string{"a.rego": tc.src}, Options{})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCompile)
			assert.NotErrorIs(t, err, ErrForbiddenBuiltin)
			var ce *CompileError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.code, ce.Code, ce.Error())
			assert.Equal(t, "a.rego", ce.File)
			if tc.row > 0 {
				assert.Equal(t, tc.row, ce.Row)
			}
		})
	}
}

func TestCompileManyFilesSorted(t *testing.T) {
	mods := map[string]string{
		"b.rego": "package b\n\nx := y +\n",
		"a.rego": "package a\n\nx := {\n",
	}
	_, err := Compile(mods, Options{})
	require.Error(t, err)
	msg := err.Error()
	assert.Less(t, bytes.Index([]byte(msg), []byte("a.rego")), bytes.Index([]byte(msg), []byte("b.rego")))
}

func TestPrepareEval(t *testing.T) {
	c, err := Compile(map[string]string{"p.rego": `package p

deny contains msg if {
	some c in input.containers
	not c.readonly
	msg := sprintf("container %s is writable", [c.name])
}

limit := data.config.limit
`}, Options{})
	require.NoError(t, err)
	store := inmem.NewFromObject(map[string]any{"config": map[string]any{"limit": 3}})
	q, err := Prepare(context.Background(), c, "data.p", store, Options{})
	require.NoError(t, err)
	assert.Equal(t, "data.p", q.String())
	input, err := ast.InterfaceToValue(map[string]any{"containers": []any{
		map[string]any{"name": "a", "readonly": true},
		map[string]any{"name": "b"},
	}})
	require.NoError(t, err)
	rs, err := q.Eval(context.Background(), input)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	got := rs[0].Expressions[0].Value.(map[string]any)
	assert.Equal(t, []any{"container b is writable"}, got["deny"])
	assert.EqualValues(t, "3", fmt.Sprint(got["limit"]))

	// No input: deny is empty.
	rs, err = q.Eval(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []any{}, rs[0].Expressions[0].Value.(map[string]any)["deny"])
}

func TestPrepareForbiddenQuery(t *testing.T) {
	c, err := Compile(map[string]string{"p.rego": "package p\n\nx := 1\n"}, Options{})
	require.NoError(t, err)
	_, err = Prepare(context.Background(), c, `http.send({"method": "GET", "url": "http://127.0.0.1:1"})`, nil, Options{})
	require.Error(t, err)
	var fe *ForbiddenBuiltinError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "http.send", fe.Builtin)

	_, err = Prepare(context.Background(), c, "data.p.x +", nil, Options{})
	assert.ErrorIs(t, err, ErrCompile)
	_, err = Prepare(context.Background(), nil, "data.p.x", nil, Options{})
	assert.ErrorIs(t, err, ErrCompile)
}

// runaway iterates 10^10 times unless stopped.
const runaway = `package runaway

n := count([x |
	some x in numbers.range(1, 100000)
	some y in numbers.range(1, 100000)
	x == y + 1
])
`

func TestEvalDeadline(t *testing.T) {
	opts := Options{Timeout: 200 * time.Millisecond}
	c, err := Compile(map[string]string{"runaway.rego": runaway}, opts)
	require.NoError(t, err)
	q, err := Prepare(context.Background(), c, "data.runaway.n", nil, opts)
	require.NoError(t, err)
	start := time.Now()
	_, err = q.Eval(context.Background(), nil)
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, ErrTimeout)
	var te *TimeoutError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 200*time.Millisecond, te.Timeout)
	assert.Equal(t, "data.runaway.n", te.Query)
	assert.Less(t, elapsed, 5*time.Second, "stopped near its deadline")

	// A cancelled parent context is reported as such, not as a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = q.Eval(ctx, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrTimeout)
}

func TestEvalErrors(t *testing.T) {
	c, err := Compile(map[string]string{"e.rego": `package e

conflict := 1 if input.a
conflict := 2 if input.a

bad := to_number(input.s)
`}, Options{})
	require.NoError(t, err)
	ctx := context.Background()
	for _, tc := range []struct{ query, code string }{
		{"data.e.conflict", "eval_conflict_error"},
		{"data.e.bad", "eval_builtin_error"},
	} {
		q, err := Prepare(ctx, c, tc.query, nil, Options{})
		require.NoError(t, err)
		_, err = q.Eval(ctx, ast.MustParseTerm(`{"a": true, "s": "nan?"}`).Value)
		require.Error(t, err, tc.query)
		assert.ErrorIs(t, err, ErrEval)
		var ee *EvalError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, tc.code, ee.Code)
		assert.Equal(t, "e.rego", ee.File)
		assert.Positive(t, ee.Row)
	}
}

func TestPrint(t *testing.T) {
	src := "package p\n\nx := 1 if {\n\tprint(\"hello\", input.who)\n}\n"
	input := ast.MustParseTerm(`{"who": "world"}`).Value
	var buf bytes.Buffer
	c, err := Compile(map[string]string{"p.rego": src}, Options{Print: &buf})
	require.NoError(t, err)
	q, err := Prepare(context.Background(), c, "data.p.x", nil, Options{Print: &buf})
	require.NoError(t, err)
	_, err = q.Eval(context.Background(), input)
	require.NoError(t, err)
	assert.Equal(t, "hello world\n", buf.String())

	// Off by default: print calls are erased.
	c, err = Compile(map[string]string{"p.rego": src}, Options{})
	require.NoError(t, err)
	q, err = Prepare(context.Background(), c, "data.p.x", nil, Options{})
	require.NoError(t, err)
	rs, err := q.Eval(context.Background(), input)
	require.NoError(t, err)
	assert.EqualValues(t, "1", fmt.Sprint(rs[0].Expressions[0].Value))
}

func TestConcurrentEval(t *testing.T) {
	c, err := Compile(map[string]string{"p.rego": `package p

double := [y | some x in input.xs; y := x * 2]
`}, Options{})
	require.NoError(t, err)
	q, err := Prepare(context.Background(), c, "sum(data.p.double)", nil, Options{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				n := g*100 + i
				input := ast.NewObject(ast.Item(ast.StringTerm("xs"), ast.ArrayTerm(ast.IntNumberTerm(n), ast.IntNumberTerm(1))))
				rs, err := q.Eval(context.Background(), input)
				if err != nil {
					errs <- err
					return
				}
				if got := fmt.Sprint(rs[0].Expressions[0].Value); got != fmt.Sprint(2*n+2) {
					errs <- fmt.Errorf("goroutine %d: got %s, want %d", g, got, 2*n+2)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRunTests(t *testing.T) {
	mods := map[string]string{
		"p.rego": "package p\n\nallow if input.user == \"admin\"\n",
		"p_test.rego": `package p_test

import data.p

test_admin if p.allow with input as {"user": "admin"}

test_guest_denied if not p.allow with input as {"user": "guest"}

test_fails if p.allow with input as {"user": "guest"}

test_prints if {
	print("checked")
	true
}

test_error if to_number("x") == 1

todo_test_later if false
`,
	}
	res, err := RunTests(context.Background(), mods, Options{})
	require.NoError(t, err)
	byName := map[string]TestResult{}
	for _, r := range res {
		byName[r.Name] = r
		assert.Equal(t, "p_test.rego", r.File)
		assert.Equal(t, "data.p_test", r.Package)
	}
	require.Len(t, byName, 6)
	assert.True(t, byName["test_admin"].Passed())
	assert.True(t, byName["test_guest_denied"].Passed())
	assert.True(t, byName["test_fails"].Fail)
	assert.Equal(t, "checked\n", byName["test_prints"].Output)
	assert.True(t, byName["test_prints"].Passed())
	assert.ErrorIs(t, byName["test_error"].Err, ErrEval)
	assert.True(t, byName["todo_test_later"].Skip)
	assert.Contains(t, byName["test_fails"].String(), "FAIL")
	for i := 1; i < len(res); i++ {
		assert.LessOrEqual(t, res[i-1].Row, res[i].Row, "sorted by row")
	}

	// A test that runs away stops at the deadline.
	res, err = RunTests(context.Background(), map[string]string{
		"runaway.rego":      runaway,
		"runaway_test.rego": "package runaway_test\n\nimport data.runaway\n\ntest_n if runaway.n > 0\n",
	}, Options{Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.ErrorIs(t, res[0].Err, context.DeadlineExceeded)

	// A forbidden builtin in a test file fails the run.
	_, err = RunTests(context.Background(), map[string]string{
		"x_test.rego": "package x_test\n\ntest_net if net.lookup_ip_addr(\"example.org\")\n",
	}, Options{})
	var fe *ForbiddenBuiltinError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "net.lookup_ip_addr", fe.Builtin)
	assert.Equal(t, 3, fe.Row)
}

func TestErrorStrings(t *testing.T) {
	assert.Equal(t, "opasandbox: a.rego:3:5: forbidden builtin http.send (the sandbox removes it; see opasandbox.Removed)",
		(&ForbiddenBuiltinError{Builtin: "http.send", File: "a.rego", Row: 3, Col: 5}).Error())
	assert.Equal(t, "opasandbox: query: rego_parse_error: x",
		(&CompileError{Code: "rego_parse_error", Message: "x"}).Error())
	assert.Equal(t, "opasandbox: data.p: evaluation timed out after 1s",
		(&TimeoutError{Query: "data.p", Timeout: time.Second}).Error())
	assert.Equal(t, "opasandbox: data.p: boom", (&EvalError{Query: "data.p", Message: "boom"}).Error())
	assert.True(t, errors.Is(&TimeoutError{}, context.DeadlineExceeded))
}

func BenchmarkEval(b *testing.B) {
	c, err := Compile(map[string]string{"p.rego": `package p

deny contains msg if {
	some c in input.containers
	not c.readonly
	msg := sprintf("container %s is writable", [c.name])
}
`}, Options{})
	require.NoError(b, err)
	q, err := Prepare(context.Background(), c, "data.p.deny", nil, Options{})
	require.NoError(b, err)
	input := ast.MustParseTerm(`{"containers": [{"name": "a", "readonly": true}, {"name": "b"}, {"name": "c", "readonly": false}]}`).Value
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := q.Eval(ctx, input); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	mods := map[string]string{"p.rego": runaway, "q.rego": "package q\n\nallow if input.user == \"admin\"\n"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(mods, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a.rego":        {Data: []byte("package a")},
		"a_test.rego":   {Data: []byte("package a_test")},
		"sub/b.rego":    {Data: []byte("package b")},
		"notes.txt":     {Data: []byte("not rego")},
		"sub/c.rego.md": {Data: []byte("not rego either")},
	}
	sources := map[string]string{"lib/a.rego": "package earlier"}
	problem := func(file, message string) error { return fmt.Errorf("%s: %s", file, message) }
	err := LoadFS(fsys, "lib", sources, problem)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lib/a.rego: loaded twice")
	assert.Equal(t, map[string]string{"lib/a.rego": "package earlier", "lib/sub/b.rego": "package b"}, sources)

	sources = map[string]string{}
	require.NoError(t, LoadFS(fsys, "", sources, problem))
	assert.Len(t, sources, 2)
	assert.Contains(t, sources, "a.rego")
}

// TestSchemaRefsNeverReachTheNetwork: OPA v1.19.0's JSON Schema builtins
// fetch a $ref's URL while the policy runs, whatever AllowNet says (a
// probe saw the request arrive), so the sandbox refuses them at compile
// time, naming the builtin, and nothing is fetched.
func TestSchemaRefsNeverReachTheNetwork(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"type": "string"}`))
	}))
	defer srv.Close()
	for _, tc := range []struct{ builtin, call string }{
		{"json.verify_schema", `json.verify_schema({"$ref": "` + srv.URL + `/a.json"})`},
		{"json.match_schema", `json.match_schema({}, {"$ref": "` + srv.URL + `/b.json"})`},
	} {
		_, err := Compile(map[string]string{"p.rego": "package p\n\nimport rego.v1\n\nr := " + tc.call + "\n"}, Options{})
		require.ErrorIs(t, err, ErrForbiddenBuiltin, tc.builtin)
		var fe *ForbiddenBuiltinError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, tc.builtin, fe.Builtin)
	}
	assert.Zero(t, hits.Load(), "no request reached the server")
}
