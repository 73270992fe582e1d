package detect

import (
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/csaf"
	"github.com/aspmkit/aspm/findings/cyclonedx"
	"github.com/aspmkit/aspm/findings/depcheck"
	"github.com/aspmkit/aspm/findings/gitleaks"
	"github.com/aspmkit/aspm/findings/govulncheck"
	"github.com/aspmkit/aspm/findings/grype"
	"github.com/aspmkit/aspm/findings/npmaudit"
	"github.com/aspmkit/aspm/findings/openvex"
	"github.com/aspmkit/aspm/findings/osvscanner"
	"github.com/aspmkit/aspm/findings/sarif"
	"github.com/aspmkit/aspm/findings/trivy"
	"github.com/aspmkit/aspm/findings/zap"
)

// Format describes one input format aspm reads.
type Format struct {
	// Name is the format's name: the value of [findings.Source.Format] for
	// what it decodes and of the CLI's --format flag.
	Name string
	// Description says which tool writes it, in a few words.
	Description string
	// Decode reads one document of the format.
	Decode findings.DecodeFunc
}

// formats is the table of every format, in the order Formats returns it.
var formats = []Format{
	{sarif.Format, "SARIF 2.1.0 from any tool", sarif.Decode},
	{trivy.Format, "Trivy JSON report (vulnerabilities, misconfigurations, secrets, licenses)", trivy.Decode},
	{grype.Format, "Grype JSON report", grype.Decode},
	{osvscanner.Format, "OSV-Scanner JSON report", osvscanner.Decode},
	{gitleaks.Format, "gitleaks JSON report, v7 and v8", gitleaks.Decode},
	{zap.Format, "OWASP ZAP report, XML and JSON", zap.Decode},
	{depcheck.Format, "OWASP Dependency-Check report, XML and JSON", depcheck.Decode},
	{npmaudit.Format, "npm audit --json, v1 (npm 6) and v2 (npm 7+)", npmaudit.Decode},
	{govulncheck.Format, "govulncheck -json stream, its array form, and the pre-1.0 format", govulncheck.Decode},
	{cyclonedx.Format, "CycloneDX 1.0-1.7 JSON and XML: vulnerabilities and VEX analyses", cyclonedx.Decode},
	{openvex.Format, "OpenVEX 0.0.1 and 0.2.0 (VEX statements)", openvex.Decode},
	{csaf.Format, "CSAF 2.0 VEX and advisories (VEX statements)", csaf.Decode},
	{FormatSPDX, "SPDX 2.2/2.3 SBOM (no findings; checked for well-formedness)", decodeNothing(FormatSPDX)},
	{FormatOSV, "OSV advisory records (no findings; checked for well-formedness)", decodeNothing(FormatOSV)},
	{FormatEmpty, "a JSON document that is only null, [] or {} (no findings)", decodeNothing(FormatEmpty)},
}
