package opasandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// FuzzCompile feeds arbitrary module sources to Compile (and, when they
// compile, evaluates their package under a short deadline): it must never
// panic, and every error must be one of the package's typed errors.
func FuzzCompile(f *testing.F) {
	f.Add("package p\n\nx := 1\n")
	f.Add("package p\n\nimport rego.v1\n\ndeny contains msg if {\n\tsome x in input.xs\n\tmsg := sprintf(\"%v\", [x])\n}\n")
	f.Add("package p\n\nx := http.send({})\n")
	f.Add("# METADATA\n# title: t\n# custom:\n#   id: X\npackage aspm.controls.x\n\nviolations contains 1 if true\n")
	f.Add("package p\n\nf(x) := y if { y := x + 1 }\n\nz := f(1)\n")
	f.Add(runaway)
	f.Fuzz(func(t *testing.T, src string) {
		opts := Options{Timeout: 50 * time.Millisecond}
		c, err := Compile(map[string]string{"f.rego": src}, opts)
		if err != nil {
			if !errors.Is(err, ErrCompile) && !errors.Is(err, ErrForbiddenBuiltin) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		for _, m := range c.Modules {
			q, err := Prepare(context.Background(), c, m.Package.Path.String(), nil, opts)
			if err != nil {
				return
			}
			_, _ = q.Eval(context.Background(), ast.NewObject())
		}
	})
}

// TestCompilerPanicIsAnError: a module on which OPA's compiler panics
// (found by FuzzCompile) is a CompileError, not a crash.
func TestCompilerPanicIsAnError(t *testing.T) {
	_, err := Compile(map[string]string{"bad.rego": "package A f(x).A if%0 %0%0}A00(0)"}, Options{})
	if !errors.Is(err, ErrCompile) {
		t.Fatalf("got %v, want a compile error", err)
	}
	var ce *CompileError
	if !errors.As(err, &ce) || ce.File != "bad.rego" {
		t.Fatalf("got %#v, want a CompileError naming bad.rego", err)
	}
}
