package main

import (
	"bytes"
	"errors"

	"github.com/aspmkit/aspm/access"
	accessload "github.com/aspmkit/aspm/access/load"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/load"
)

// inputs gathers what input files hold, each recognized by content:
// access sources (RBAC, IAM, organization exports) into rights,
// inventory sources (SBOMs, catalogs, manifests) into graph, VEX
// statements into vex; scanner findings are handed back. Kubernetes
// manifests feed both rights (their RBAC objects) and graph (their
// workloads); a CycloneDX file both graph and findings.
type inputs struct {
	graph  *inventory.Graph
	rights *access.Model
	vex    []findings.VEXStatement
}

func newInputs() *inputs { return &inputs{graph: inventory.New(), rights: &access.Model{}} }

// added is what one input held besides what add keeps.
type added struct {
	findings []findings.Finding
	// sbom is the SBOM format of an inventory source that is one.
	sbom string
	// ran names the tools of a SARIF log whose runs hold no result.
	ran []string
	// rbac is set when the input's RBAC objects were read, which makes a
	// manifest useful even when the inventory cannot read its workloads.
	rbac bool
	// unsupported is set, with the decoder's error, for input that is no
	// format aspm reads (a README, a script).
	unsupported bool
}

// add reads one input; the error is bad input, named with the input.
func (in *inputs) add(name string, data []byte) (added, error) {
	var a added
	if af, ok := accessload.Detect(data); ok {
		m, _, err := accessload.Read(bytes.NewReader(data), name)
		switch {
		case err == nil:
			in.rights.Merge(m)
			a.rbac = true
		case af != accessload.FormatKubernetes:
			return a, err
		}
		if af != accessload.FormatKubernetes {
			return a, nil
		}
	}
	format := load.Detect(data[:min(len(data), limits.SniffBytes)])
	if format != "" {
		if _, err := load.Read(bytes.NewReader(data), in.graph, load.Options{Name: name, Format: format}); err != nil {
			return a, err
		}
		if format == load.FormatCycloneDX || format == load.FormatSPDX {
			a.sbom = string(format)
		}
		if format != load.FormatCycloneDX {
			return a, nil
		}
	}
	decoded, err := detect.Decode(bytes.NewReader(data), detect.Options{DecodeOptions: findings.DecodeOptions{Name: name}}, findings.Handler{
		Finding: func(f findings.Finding) error { a.findings = append(a.findings, f); return nil },
		VEX:     func(v findings.VEXStatement) error { in.vex = append(in.vex, v); return nil },
	})
	switch {
	case err == nil:
		if len(a.findings) == 0 && decoded == "sarif" {
			a.ran = sarifTools(data)
		}
		return a, nil
	case format == load.FormatCycloneDX && errors.Is(err, findings.ErrUnsupportedFormat):
		return a, nil // an SBOM without vulnerabilities
	case errors.Is(err, findings.ErrUnsupportedFormat):
		a.unsupported = true
	}
	return a, err
}
