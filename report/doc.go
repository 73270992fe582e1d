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
package report
