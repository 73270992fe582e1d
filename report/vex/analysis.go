package vex

import (
	"cmp"
	"crypto/sha1" //nolint:gosec // UUID version 5 is defined with SHA-1 (RFC 9562 §5.5).
	"encoding/hex"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// analysis is what the report says about a finding's exploitability, in
// both vocabularies.
type analysis struct {
	// analyzed: someone or something decided (triage, VEX, a fix).
	analyzed bool
	// status and justification are OpenVEX's.
	status        findings.VEXStatus
	justification string
	// state, cdxJustification and responses are CycloneDX's.
	state            string
	cdxJustification string
	responses        []string
	// detail explains (impact statement, analysis detail); action says
	// what to do (action statement); notes name the triage status.
	detail, action, notes string
}

// The OpenVEX 0.2.0 justifications (also CSAF's flag labels).
var openVEXJustifications = []string{
	"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
}

// The CycloneDX 1.6 impact analysis justifications and responses.
var (
	cdxJustifications = []string{
		"code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency",
		"requires_environment", "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter",
		"protected_by_mitigating_control",
	}
	cdxResponses = []string{"can_not_fix", "will_not_fix", "update", "rollback", "workaround_available"}
)

// toCDXJustification maps a justification of either vocabulary to
// CycloneDX's; "" when none fits.
func toCDXJustification(j string) string {
	if slices.Contains(cdxJustifications, j) {
		return j
	}
	switch j {
	case "component_not_present", "vulnerable_code_not_present":
		return "code_not_present"
	case "vulnerable_code_not_in_execute_path":
		return "code_not_reachable"
	case "inline_mitigations_already_exist":
		return "protected_by_mitigating_control"
	}
	return ""
}

// toOpenVEXJustification maps a justification of either vocabulary to
// OpenVEX's; "" when none fits.
func toOpenVEXJustification(j string) string {
	if slices.Contains(openVEXJustifications, j) {
		return j
	}
	switch j {
	case "code_not_present":
		return "vulnerable_code_not_present"
	case "code_not_reachable":
		return "vulnerable_code_not_in_execute_path"
	case "requires_configuration", "requires_dependency", "requires_environment":
		return "vulnerable_code_cannot_be_controlled_by_adversary"
	case "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control":
		return "inline_mitigations_already_exist"
	}
	return ""
}

// stateOf maps an OpenVEX status to a CycloneDX analysis state.
func stateOf(s findings.VEXStatus) string {
	switch s {
	case findings.VEXNotAffected:
		return "not_affected"
	case findings.VEXAffected:
		return "exploitable"
	case findings.VEXFixed:
		return "resolved"
	case findings.VEXUnderInvestigation:
		return "in_triage"
	}
	return ""
}

// analyze decides a finding's analysis: a fixed finding is fixed
// (resolved); else the analyst's triage decides; else the VEX analysis the
// finding carries; else nothing was decided (under investigation).
func analyze(f *report.Finding) analysis {
	var a analysis
	var vexJust string
	if v := f.VEX; v != nil {
		vexJust = strings.TrimSpace(v.Justification)
	}
	triage := strings.ToLower(strings.TrimSpace(f.TriageStatus))
	triageText := cleanText(f.TriageJustification)
	// A triage justification may be a machine-readable value.
	triageJust := ""
	if j := strings.ToLower(strings.TrimSpace(f.TriageJustification)); toCDXJustification(j) != "" || toOpenVEXJustification(j) != "" {
		triageJust, triageText = j, ""
	}
	if triage != "" {
		a.notes = "aspm triage: " + plainLine(f.TriageStatus)
	}
	switch {
	case !f.IsOpen() || f.State == "fixed":
		a.analyzed, a.status, a.state = true, findings.VEXFixed, "resolved"
		a.detail = "Fixed: the finding is no longer reported."
		if !f.FixedAt.IsZero() {
			a.detail = "Fixed: the finding is no longer reported since " + formatTime(f.FixedAt) + "."
		}
	case triage == "accepted_risk" || triage == "risk_accepted" || triage == "accepted":
		a.analyzed, a.status, a.state = true, findings.VEXAffected, "exploitable"
		a.responses = []string{"will_not_fix"}
		a.detail = triageText
		a.action = strings.TrimSuffix("Risk accepted"+suffix(": ", triageText), ".") + "."
	case triage == "false_positive":
		a.analyzed, a.status, a.state = true, findings.VEXNotAffected, "false_positive"
		a.justification = toOpenVEXJustification(triageJust)
		a.cdxJustification = toCDXJustification(triageJust)
		a.detail = "False positive" + suffix(": ", triageText)
	case triage == "not_affected":
		a.analyzed, a.status, a.state = true, findings.VEXNotAffected, "not_affected"
		j := cmp.Or(triageJust, vexJust)
		a.justification, a.cdxJustification = toOpenVEXJustification(j), toCDXJustification(j)
		a.detail = triageText
		if a.detail == "" && f.VEX != nil {
			a.detail = cleanText(f.VEX.ImpactStatement)
		}
	case triage == "affected" || triage == "exploitable" || triage == "confirmed":
		a.analyzed, a.status, a.state = true, findings.VEXAffected, "exploitable"
		a.detail = triageText
	case triage == "under_investigation" || triage == "in_triage" || triage == "under_review":
		a.analyzed, a.status, a.state = true, findings.VEXUnderInvestigation, "in_triage"
		a.detail = triageText
	case triage == "fixed" || triage == "resolved":
		a.analyzed, a.status, a.state = true, findings.VEXFixed, "resolved"
		a.detail = triageText
	case f.VEX != nil && stateOf(f.VEX.Status) != "":
		v := f.VEX
		a.analyzed, a.status, a.state = true, v.Status, stateOf(v.Status)
		if v.Status == findings.VEXNotAffected && v.State == "false_positive" {
			a.state = "false_positive"
		}
		if v.Status == findings.VEXFixed && v.State == "resolved_with_pedigree" {
			a.state = v.State
		}
		a.justification, a.cdxJustification = toOpenVEXJustification(vexJust), toCDXJustification(vexJust)
		for _, r := range v.Response {
			if slices.Contains(cdxResponses, r) {
				a.responses = appendUnique(a.responses, r)
			}
		}
		a.detail = cleanText(v.ImpactStatement)
		a.action = cleanText(v.ActionStatement)
	default:
		a.status = findings.VEXUnderInvestigation
	}
	if a.status == findings.VEXAffected && a.action == "" {
		if f.VEX != nil {
			a.action = cleanText(f.VEX.ActionStatement)
		}
		a.action = cmp.Or(a.action, fixAdvice(f), "No remediation has been recorded.")
	}
	if a.status == findings.VEXNotAffected && a.justification == "" && a.detail == "" {
		// OpenVEX requires a justification or an impact statement.
		a.detail = "Not affected; no justification was recorded."
	}
	return a
}

func suffix(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// plainLine is s on one line, without control characters, trimmed.
func plainLine(s string) string { return strings.TrimSpace(report.Plain(s, 0)) }

// cleanText keeps the lines of s but removes control characters, ANSI
// escapes and bidirectional overrides from each, and escapes brackets.
func cleanText(s string) string { return escapeBrackets(report.PlainLines(s)) }

// plainText is s on one line like plainLine, with brackets escaped like
// cleanText.
func plainText(s string) string { return escapeBrackets(plainLine(s)) }

// escapeBrackets escapes "[" and "]" (and a backslash before one) the
// way Markdown does, so that viewers that render these texts as Markdown
// (Dependency-Track renders descriptions) show attacker text as text, not
// as links or images.
func escapeBrackets(s string) string {
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '[', ']':
			b.WriteByte('\\')
		case '\\':
			if i+1 < len(s) && (s[i+1] == '[' || s[i+1] == ']') {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// namespaceURL is the RFC 9562 name space ID for URLs.
var namespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// uuid5 returns the version 5 (name-based) UUID of the bytes hashed so
// far into h, which must have started with namespaceURL.
func uuid5(sum []byte) string {
	var u [16]byte
	copy(u[:], sum)
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// namer hashes a document's identifying content into a UUID.
type namer struct {
	h interface{ Write([]byte) (int, error) }
}

func newNamer() (*namer, func() string) {
	h := sha1.New() //nolint:gosec // required by the UUID version.
	h.Write(namespaceURL[:])
	return &namer{h: h}, func() string { return uuid5(h.Sum(nil)) }
}

func (n *namer) add(parts ...string) {
	for _, p := range parts {
		n.h.Write([]byte(p))
		n.h.Write([]byte{0})
	}
}
