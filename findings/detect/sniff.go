package detect

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/sniff"
)

// Names of the formats that hold no findings. Detection recognizes them so
// that a directory of mixed inputs can be read without errors; decoding them
// checks that they are well-formed and yields nothing.
const (
	// FormatEmpty is a JSON document that is only "null", "[]" or "{}":
	// tools write these for "nothing found" (Trivy's legacy "null",
	// gitleaks's "[]" and v7 "null"). It yields no findings.
	//
	// A 0-byte (or blank) input is not FormatEmpty but an error wrapping
	// [findings.ErrSyntax]: no supported tool writes an empty file for a
	// successful scan (OSV-Scanner creates its output file before scanning
	// and leaves it empty when the scan fails), so reading one as "no
	// findings" would hide a failed scan.
	FormatEmpty = "empty"
	// FormatSPDX is an SPDX 2.x document (JSON, YAML, tag-value or RDF). SPDX
	// 2 has no vulnerability records; the inventory package reads its
	// packages. SPDX 3 is reported as unsupported.
	FormatSPDX = "spdx"
	// FormatOSV is an OSV advisory record (or an array of them): a
	// vulnerability description, not a finding about a project.
	FormatOSV = "osv"
)

// Detect names the format of an input from its first bytes (up to
// [github.com/aspmkit/aspm/internal/limits.SniffBytes]; fewer is fine). It
// looks at content only, never at a file name. It returns an error wrapping
// [findings.ErrUnsupportedFormat] when no format matches, naming what it
// saw.
func Detect(head []byte) (string, error) {
	p := sniff.New(head)
	switch p.Syntax {
	case sniff.Empty:
		return "", fmt.Errorf("%w: empty input (a scan that wrote nothing is a failed scan, not a clean one)", findings.ErrSyntax)
	case sniff.JSON:
		return detectJSON(p)
	case sniff.XML:
		return detectXML(p)
	default:
		return detectText(p)
	}
}

func detectJSON(p *sniff.Probe) (string, error) {
	if p.EmptyArray || (len(p.Keys) == 0 && !p.Array && isEmptyObject(p.Head)) {
		return FormatEmpty, nil
	}
	if p.Array {
		switch {
		case p.Has("RuleID") || p.Has("Secret") || p.Has("Fingerprint") || p.Has("offender") || p.Has("leakURL") ||
			(p.Has("rule") && p.Has("commit")):
			return "gitleaks", nil
		case p.Has("Target") && (p.Has("Vulnerabilities") || p.Has("Type") || p.Has("Misconfigurations")):
			return "trivy", nil
		case isGovulncheckMessage(p):
			return "govulncheck", nil
		case p.Has("id") && (p.Has("affected") || p.Has("modified") || p.Has("schema_version")):
			return FormatOSV, nil
		}
		return "", unsupported(p, "a JSON array")
	}
	ctx := p.Value("@context")
	switch {
	case p.Has("runs") && (p.Has("version") || p.Has("$schema") || p.HasPrefix("runs[].")):
		return "sarif", nil
	case strings.EqualFold(p.Value("bomFormat"), "CycloneDX") || strings.Contains(p.Value("$schema"), "cyclonedx"):
		return "cyclonedx", nil
	case strings.Contains(ctx, "openvex"):
		return "openvex", nil
	case p.Has("document") && (p.Has("document.csaf_version") || p.Has("product_tree")):
		return "csaf", nil
	case p.Has("spdxVersion") || p.Has("SPDXID"):
		if v := p.Value("spdxVersion"); strings.HasPrefix(v, "SPDX-3") || p.Has("@graph") {
			return "", fmt.Errorf("%w: SPDX %s (aspm reads SPDX 2.2 and 2.3)", findings.ErrUnsupportedFormat, strings.TrimPrefix(v, "SPDX-"))
		}
		return FormatSPDX, nil
	case p.Has("SchemaVersion") || p.Has("ClusterName") || (p.Has("ArtifactName") && p.Has("Results")):
		return "trivy", nil
	case p.Has("matches") && (p.Has("descriptor") || p.Has("source") || p.Has("distro") ||
		p.HasPrefix("matches[].vulnerability") || p.HasPrefix("matches[].artifact")):
		return "grype", nil
	case p.Has("results") && (p.Has("experimental_config") || p.HasPrefix("results[].packages") || p.HasPrefix("results[].source")):
		return "osv-scanner", nil
	case p.Has("auditReportVersion") || p.Has("advisories") || (p.Has("error.code") && p.Has("error.summary")):
		return "npm-audit", nil
	case p.Has("@programName") || (p.Has("site") && p.HasPrefix("site[].alerts")):
		return "zap", nil
	case p.Has("reportSchema") || (p.Has("scanInfo") && p.Has("dependencies")):
		return "dependency-check", nil
	case p.Has("Vulns") && (p.Has("Calls") || p.Has("Imports") || p.Has("Requires") || p.HasPrefix("Vulns[].OSV")):
		return "govulncheck", nil
	case p.Stream && isGovulncheckMessage(p), isGovulncheckMessage(p) && len(p.Keys) > 0 && !strings.Contains(p.Keys[0], "."):
		return "govulncheck", nil
	case p.Has("id") && (p.Has("affected") || p.Has("schema_version") || p.Has("modified") && p.Has("details")):
		return FormatOSV, nil
	}
	return "", unsupported(p, "a JSON object")
}

// isGovulncheckMessage reports whether the (first) object is one of
// govulncheck's JSON messages, which have exactly one member.
func isGovulncheckMessage(p *sniff.Probe) bool {
	if len(p.Keys) == 0 {
		return false
	}
	switch p.Keys[0] {
	case "config":
		return p.Has("config.protocol_version") || p.Has("config.scanner_name")
	case "progress", "osv", "finding", "SBOM":
		return true
	}
	return false
}

func detectXML(p *sniff.Probe) (string, error) {
	ns, local := p.XMLRoot.Space, p.XMLRoot.Local
	switch {
	case local == "OWASPZAPReport":
		return "zap", nil
	case local == "analysis" && strings.Contains(ns, "dependency-check"):
		return "dependency-check", nil
	case local == "bom" && strings.HasPrefix(ns, "http://cyclonedx.org/schema/bom/"):
		return "cyclonedx", nil
	case local == "RDF" && strings.Contains(string(p.Head), "spdx.org/rdf"):
		return FormatSPDX, nil
	}
	return "", unsupported(p, fmt.Sprintf("XML with root element %q (namespace %q)", local, ns))
}

func detectText(p *sniff.Probe) (string, error) {
	line := p.FirstLine
	switch {
	case strings.HasPrefix(line, "SPDXVersion:"):
		return FormatSPDX, nil
	case strings.HasPrefix(line, "spdxVersion:"), strings.HasPrefix(line, "SPDXID:"),
		strings.Contains(string(p.Head), "\nspdxVersion: SPDX-2") || strings.Contains(string(p.Head), "\nspdxVersion: \"SPDX-2"):
		return FormatSPDX, nil
	}
	if len(line) > 60 {
		line = line[:60] + "…"
	}
	return "", unsupported(p, fmt.Sprintf("text starting %q", line))
}

func isEmptyObject(head []byte) bool {
	return strings.TrimSpace(string(head)) == "{}"
}

func unsupported(p *sniff.Probe, what string) error {
	keys := p.Keys
	var top []string
	for _, k := range keys {
		if !strings.ContainsAny(k, ".[") {
			top = append(top, k)
		}
		if len(top) == 6 {
			break
		}
	}
	if len(top) > 0 {
		what += " with keys " + strings.Join(top, ", ")
	}
	return fmt.Errorf("%w: no decoder recognizes %s", findings.ErrUnsupportedFormat, what)
}
