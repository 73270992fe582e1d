// Package risk ranks findings by how likely they are to be exploited where
// they are, and says why.
//
// Severity alone sends teams after the wrong bugs: about half of all CVEs
// rate "high" by CVSS, while a few percent are ever exploited. A [Score]
// weighs the severity against the evidence of exploitation (EPSS, CISA KEV,
// exploit maturity), where the finding is (exposure, environment, asset
// criticality, data sensitivity) and what is known of the code
// (reachability, VEX, dependency scope), and explains every factor's part.
//
// The package imports nothing heavy: vendors embed it alone.
//
// # Parts
//
//   - [github.com/aspmkit/aspm/risk/cvss]: CVSS v2, v3.0, v3.1 and v4.0
//     vectors and scores.
//   - [github.com/aspmkit/aspm/risk/epss] and
//     [github.com/aspmkit/aspm/risk/kev]: the EPSS and KEV feeds, read from
//     an io.Reader (never fetched).
//   - [github.com/aspmkit/aspm/risk/ssvc]: SSVC decision trees (CISA
//     coordinator, deployer).
//   - This package: [Signals], the [Model] that scores them, priorities,
//     [SLA] due dates and [Posture] ratings.
//
// # Scoring
//
// [Signals] holds what is known; every field's zero value means unknown,
// and unknown is never taken as the lowest value. [Model.Score] turns
// signals into a 0–100 value, a [Priority] (P1–P4), the SSVC decision and
// an [Explanation]: each factor's contribution as data, put in words only
// when [Explanation.String] is called. The zero [Model] uses
// [DefaultWeights] and [DefaultThresholds]; the formula is documented on
// [Model.Score] and its version, [ModelVersion], is recorded in every
// explanation with the versions of the feeds used. The same signals always
// give the same score.
//
// [SignalsFrom] builds signals from a [findings.Finding] and a [Context]
// (feeds, asset, vector cache); [Model.ScoreFinding] does both.
//
// # Due dates and posture
//
// [SLA] gives due dates per priority (7, 30, 90 and 180 days by default)
// and tells breaches. [Posture] rates an asset's or application's open
// findings from 0 to 100 and A to F, with Dependency-Track's inherited risk
// score beside it for comparison.
package risk
