// Package report shows what the other packages computed: the numbers of a
// posture ([Summary]) and renderers for the formats people and tools
// read. It decides nothing: severities, scores, priorities, lifecycle
// states and compliance results come in with the [Data].
//
// # Data and summary
//
// [Data] holds findings (a [findings.Finding] with its lifecycle, risk
// score, SLA and assets), and optionally assets, scan coverage, a
// compliance evaluation and earlier snapshots. Every part but the
// findings is optional: [FromFindings] makes a report of findings alone.
// [Summarize] counts the open findings by severity, priority, kind,
// category, tool, asset, owner and age, with SLA status, mean time to
// remediate, posture ratings per asset, the top risks with their
// explanations, coverage gaps and the trend.
//
// # The JSON report
//
// [Report.WriteJSON] writes one document, versioned by its "version"
// field ([Version], "aspm-report/1"; a change that removes or renames a
// field gets a new version):
//
//	{
//	  "version": "aspm-report/1",
//	  "summary": {...},   // a Summary: every field as its Go doc says, snake_case
//	  "findings": [...]   // Findings in display order: a findings.Finding's fields
//	                      // plus state, open, suppressed, first_seen, last_seen,
//	                      // fixed_at, triage_status, risk, sla_due, sla_breached,
//	                      // assets, cluster
//	}
//
// Times are RFC 3339, omitted when unknown; counts are lists of {"key",
// "count"} in a fixed order (severities critical first, priorities P1
// first, the rest largest first). Characters significant in HTML are
// escaped, so the document can be embedded in a page.
//
// # Renderers
//
// Each format is a package of its own, so that a program pulls in only
// what it renders: report/html (the dashboard), report/markdown (pull
// request comments), report/sarif (GitHub code scanning and other SARIF
// consumers), report/vex (CycloneDX VDR and VEX, OpenVEX), report/csv,
// report/junit. Each has Write(w, *Report, Options), deterministic output,
// and escapes attacker-controlled text for its format ([Plain] does it for
// terminals). report/posture turns a compliance posture into [Data].
package report
