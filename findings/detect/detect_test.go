package detect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"sarif", `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[]}`, "sarif"},
		{"sarif with runs first", `{"runs":[{"results":[]}],"version":"2.1.0"}`, "sarif"},
		{"cyclonedx json", `{"bomFormat":"CycloneDX","specVersion":"1.6"}`, "cyclonedx"},
		{"cyclonedx xml", `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.1"/>`, "cyclonedx"},
		{"trivy", `{"SchemaVersion":2,"ArtifactName":"x","Results":[]}`, "trivy"},
		{"trivy legacy", `[{"Target":"alpine:3.10","Type":"alpine","Vulnerabilities":null}]`, "trivy"},
		{"trivy k8s", `{"ClusterName":"c","Resources":[]}`, "trivy"},
		{"grype", `{"matches":[{"vulnerability":{"id":"CVE-1"},"artifact":{}}],"source":{}}`, "grype"},
		{"osv-scanner", `{"results":[{"source":{"path":"go.mod"},"packages":[]}]}`, "osv-scanner"},
		{"gitleaks v8", `[{"Description":"x","RuleID":"aws","Secret":"s"}]`, "gitleaks"},
		{"gitleaks v7", `[{"line":"x","offender":"s","commit":"c","rule":"r"}]`, "gitleaks"},
		{"zap xml", `<?xml version="1.0"?><OWASPZAPReport version="2.9.0">`, "zap"},
		{"zap json", `{"@programName":"ZAP","@version":"2.11","site":[]}`, "zap"},
		{"dependency-check xml", `<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd">`, "dependency-check"},
		{"dependency-check json", `{"reportSchema":"1.1","scanInfo":{},"dependencies":[]}`, "dependency-check"},
		{"npm audit v2", `{"auditReportVersion":2,"vulnerabilities":{}}`, "npm-audit"},
		{"npm audit v1", `{"actions":[],"advisories":{}}`, "npm-audit"},
		{"npm audit error", `{"error":{"code":"ENOLOCK","summary":"no lockfile"}}`, "npm-audit"},
		{"govulncheck stream", "{\"config\":{\"protocol_version\":\"v1.0.0\"}}\n{\"progress\":{\"message\":\"x\"}}", "govulncheck"},
		{"govulncheck array", `[{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck"}}]`, "govulncheck"},
		{"govulncheck legacy", `{"Calls":null,"Imports":null,"Requires":null,"Vulns":[]}`, "govulncheck"},
		{"openvex", `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`, "openvex"},
		{"csaf", `{"document":{"csaf_version":"2.0"},"vulnerabilities":[]}`, "csaf"},
		{"spdx json", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`, detect.FormatSPDX},
		{"spdx tag-value", "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n", detect.FormatSPDX},
		{"spdx yaml", "SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\n", detect.FormatSPDX},
		{"spdx rdf", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:spdx="http://spdx.org/rdf/terms#">`, detect.FormatSPDX},
		{"osv record", `{"schema_version":"1.6.0","id":"GO-2020-0015","modified":"2023-01-01T00:00:00Z","affected":[]}`, detect.FormatOSV},
		{"osv records array", `[{"id":"GHSA-x","modified":"2023-01-01T00:00:00Z"}]`, detect.FormatOSV},
		{"null", "null\n", detect.FormatEmpty},
		{"empty array", "[]\n", detect.FormatEmpty},
		{"empty object", "{}", detect.FormatEmpty},
		{"bom", "\xEF\xBB\xBF{\"version\":\"2.1.0\",\"runs\":[]}", "sarif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := detect.Detect([]byte(tt.in))
			assert.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDetectEmptyInputIsAnError(t *testing.T) {
	for _, in := range []string{"", " \n\t", "\xEF\xBB\xBF"} {
		_, err := detect.Detect([]byte(in))
		assert.ErrorIs(t, err, findings.ErrSyntax, "%q", in)
	}
}

func TestDetectUnsupported(t *testing.T) {
	for _, in := range []string{
		`["not", "a", "document"]`,
		`{"hello":"world"}`,
		`<html><body>`,
		"just some text",
		`{"spdxVersion":"SPDX-3.0","@graph":[]}`,
	} {
		_, err := detect.Detect([]byte(in))
		assert.ErrorIs(t, err, findings.ErrUnsupportedFormat, in)
	}
}
