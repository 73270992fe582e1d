package policies_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/aspmkit/aspm/compliance/policies"
)

// The library lists one file per control, next to its tests and the
// shared helpers of lib.rego.
func ExampleFS() {
	names, err := fs.Glob(policies.FS, "*.rego")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if !strings.HasSuffix(n, "_test.rego") && n != "lib.rego" {
			fmt.Println(n)
		}
	}
	// Output:
	// coverage_sast.rego
	// coverage_sca.rego
	// coverage_secrets.rego
	// dependencies_eol.rego
	// exposed_high_risk.rego
	// least_privilege.rego
	// risk_acceptance.rego
	// sbom_present.rego
	// secrets_absent.rego
	// vm_sla.rego
	// vm_sla_all.rego
}

// The controls are plain Rego: stock OPA evaluates them over a posture
// document. (The compliance package does this for you, in a sandbox, and
// turns the results into a report.)
func Example() {
	var opts []func(*rego.Rego)
	names, _ := fs.Glob(policies.FS, "*.rego")
	for _, n := range names {
		if strings.HasSuffix(n, "_test.rego") {
			continue
		}
		src, err := fs.ReadFile(policies.FS, n)
		if err != nil {
			panic(err)
		}
		opts = append(opts, rego.Module(n, string(src)))
	}
	var posture map[string]any
	if err := json.Unmarshal([]byte(`{
		"version": "aspm-posture/1",
		"generated_at": "2025-06-30T00:00:00Z",
		"findings": [{
			"id": "s1", "kind": "secret", "tool": "gitleaks", "severity": "high",
			"location": {"path": "config/prod.env"}, "assets": ["repository:github.com/acme/shop"],
			"state": "new", "open": true, "triage": null
		}],
		"coverage": [{"asset": "repository:github.com/acme/shop", "tool": "gitleaks", "kind": "secret", "at": "2025-06-29T00:00:00Z"}]
	}`), &posture); err != nil {
		panic(err)
	}
	opts = append(opts, rego.Query("data.aspm.controls.secrets_absent.violations"), rego.Input(posture))
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil {
		panic(err)
	}
	for _, v := range rs[0].Expressions[0].Value.([]any) {
		v := v.(map[string]any)
		fmt.Println(v["msg"])
		fmt.Println(v["evidence"])
	}
	// Output:
	// hard-coded secret s1 is open in config/prod.env
	// [finding:s1 asset:repository:github.com/acme/shop]
}
