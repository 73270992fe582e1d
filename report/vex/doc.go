// Package vex renders what a [report.Report] knows about vulnerabilities
// as the documents supply chains exchange: a CycloneDX 1.6 vulnerability
// disclosure report (VDR), a CycloneDX 1.6 VEX document, or an OpenVEX
// 0.2.0 document.
//
// [Write] writes one document in the [Format] of its [Options]. It
// streams the vulnerabilities or statements one at a time after a first
// pass that gathers components and the document's ID. The same report and
// options always give the same bytes: there is no clock and no random ID;
// the timestamp is [Options.Timestamp], else the report's GeneratedAt, and
// an ID not given is a name-based UUID of the document's content.
//
// # Which findings
//
// A document is about vulnerabilities: a finding is written when it has
// a vulnerability ID (its first VulnerabilityIDs entry, else the rule ID of
// an SCA or container finding); SAST, secret, IaC and access findings
// without one are not. Findings of one cross-tool cluster, else of one ID,
// are written once, as the first in display order. A CycloneDX VEX
// document holds only the vulnerabilities with an analysis, and OpenVEX
// statements need a package URL to name the product. The CycloneDX
// metadata property "aspm:findings-omitted" counts the findings left out.
//
// # Analysis
//
// The analysis comes, in order, from the lifecycle, the analyst's triage
// ([report.Finding] TriageStatus and TriageJustification) and the VEX
// analysis the finding carries ([findings.Finding] VEX):
//
//	finding                       CycloneDX state (response)      OpenVEX status
//	fixed (not open)              resolved                        fixed
//	triage accepted_risk          exploitable (will_not_fix)      affected, action "Risk accepted: ..."
//	triage false_positive         false_positive                  not_affected
//	triage not_affected           not_affected + justification    not_affected + justification
//	triage affected/exploitable   exploitable                     affected
//	triage under_investigation    in_triage                       under_investigation
//	VEX status                    the matching state              the status
//	nothing                       no analysis                     under_investigation
//
// Justifications are translated between the vocabularies where one
// exists: OpenVEX's (and CSAF's) vulnerable_code_not_present and
// component_not_present are CycloneDX's code_not_present,
// vulnerable_code_not_in_execute_path is code_not_reachable,
// inline_mitigations_already_exist is protected_by_mitigating_control; in
// the other direction requires_* become
// vulnerable_code_cannot_be_controlled_by_adversary and protected_*
// inline_mitigations_already_exist. A triage justification that is one of
// these values is used as the justification; other text becomes the
// analysis detail (CycloneDX) or impact statement (OpenVEX). OpenVEX
// requires an action statement for affected (the VEX action statement,
// else the fixed versions, else "No remediation has been recorded.") and
// a justification or impact statement for not_affected.
//
// # CycloneDX
//
// A VDR lists a component per package (bom-ref and purl its package URL
// when that parses, else "component:<name>@<version>"), and a
// vulnerability per finding: its ID with the NVD or GitHub advisory
// database as source, the other IDs as references, ratings (each CVSS
// assessment with its method, score, severity and vector, and the tool's
// severity as method "other"), CWEs, description and detail, a
// recommendation from the fixed versions, advisories (http and https
// references only), published and updated dates, the analysis, affects
// (the component's bom-ref, its version affected, or unaffected for
// not_affected and false_positive), and aspm's data as "aspm:" properties
// (finding ID, tool, state, risk score, priority, KEV, EPSS, SLA, assets,
// duplicates). A VEX document leaves out components, ratings and
// descriptions, and its affects refs are package URLs, the CycloneDX VEX
// convention for a VEX document kept apart from the BOM it is about.
//
// # OpenVEX
//
// A statement names the vulnerability (name and aliases), one product
// (its package URL as @id and identifiers.purl), the status, the
// justification, the impact and action statements and, in status_notes,
// the triage status. The document's author is [Options.Author]
// ([DefaultAuthor] when empty) and its tooling "aspm".
//
// # Untrusted text
//
// Control characters, ANSI escapes and bidirectional overrides are
// removed from every text ([report.Plain], line by line for
// multi-line texts), only http and https URLs become advisories, and the
// JSON encoding escapes <, > and &.
//
// # Errors
//
// Write returns [ErrNilReport] for a nil report, an [*OptionError]
// wrapping [ErrInvalidOptions] for an unknown format or a CycloneDX ID
// that is not a urn:uuid, [ErrNoTimestamp] for an OpenVEX document
// without a time, a [*FindingError] wrapping [ErrInvalidFinding] for a
// finding without an ID, and an error wrapping [ErrWrite] when the writer
// fails.
package vex
