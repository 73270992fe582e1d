// Package cvss parses and scores CVSS vectors of versions 2.0, 3.0, 3.1
// and 4.0, with the scores FIRST's calculators give.
//
// [Parse] reads a vector, detects its version and returns a [*Vector]
// whose [Scores] were computed at parse time: base, temporal and
// environmental scores for v2 and v3.x, the score of the vector as written
// and of its base metrics alone for v4.0, a [Rating] and the v4.0
// nomenclature. [Scores.Effective] picks the most specific one.
// [Vector.With] applies environmental or threat metrics to a published
// vector and rescores it. [RatingOf] rates any score.
//
// # Parsing
//
// The version comes from the prefix ("CVSS:3.0/", "CVSS:3.1/",
// "CVSS:4.0/"); a vector without one is CVSS v2, bare or in parentheses as
// older NVD feeds wrote it. Every base metric is required and no metric
// may repeat. v2 and v4.0 metrics must follow their specification's order,
// as FIRST's calculators require; v3.x metrics may come in any order, as
// the v3.x specifications allow. A v2 vector may leave out any temporal or
// environmental metric (Red Hat's test vectors do). A bad vector gives a
// [*ParseError] naming the vector, the metric at fault and the reason; it
// wraps [ErrInvalid]. Texts longer than [MaxVectorBytes] are refused
// before they are looked at, whatever they hold (surrounding white space,
// which is trimmed, aside); the message quotes at most 64 bytes of them
// and names a metric as written only when it is short printable ASCII,
// else quoted, so that it stays short and valid UTF-8 for invalid UTF-8
// or NUL bytes.
//
// [Vector.Metric] returns a metric's value as written; [Vector.Effective]
// the value the formula uses (the modified metric if set, the assumed value
// of an undefined threat or requirement metric), which is what a decision
// model such as SSVC wants.
//
// # Agreement with FIRST and Red Hat
//
// The tests score every vector of FIRST's v2, v3.0, v3.1 and v4.0
// examples, FIRST's v4.0 macro-vector files and reference-scores file
// (66,298 records, of which the 25,028 invalid ones must be rejected), and
// Red Hat's calculator test vectors (v2, v3.0, v3.1, v4.0), and agree with
// all of them. github.com/pandatix/go-cvss v0.6.4 scores v3.1. It does not
// agree with the data elsewhere, so this package scores the other versions
// itself:
//
//   - CVSS v4.0. go-cvss scores 61 of the 41,270 valid reference records
//     differently from FIRST's file, and 146 (144 distinct vectors)
//     differently from FIRST's current calculator, plus 5 of Red Hat's
//     1,694 v4.0 vectors. Two causes. First, FIRST's calculator measures
//     severity distances in tenths (AV N=0.0, A=0.1, L=0.2, P=0.3; a
//     distance is a difference such as 0.3 − 0.1 = 0.19999999999999998)
//     and divides them by the depth of the EQ level times 0.1 (7 × 0.1 =
//     0.7000000000000001), where go-cvss uses whole numbers (0, 1, 2, 3)
//     and whole depths. Mathematically the proportions are equal; in
//     float64 they differ in the last bits, and a score whose exact value
//     ends in 5 in the second decimal lands on the other side of the
//     rounding boundary. In tenths, which highest severity vector the
//     distances are measured from matters too: the candidates give the
//     same sum, rounded differently (taking the last fitting one instead
//     of FIRST's first changes 3 records). Second, go-cvss rounds with
//     math.Round(x×10)/10, as the
//     calculator that produced the reference-scores file did; FIRST's
//     current calculator adds 10⁻⁶ first, so that 8.6 − 7.15 =
//     1.4499999999999993 rounds to 1.5, which changes 157 distinct vectors
//     of the reference file by +0.1. This package follows FIRST's
//     algorithm operation for operation in float64, so both roundings
//     reproduce FIRST exactly (see [Rounding]); the MacroVector table is
//     read from go-cvss and checked against FIRST's macro-vector scores.
//   - CVSS v3.0. go-cvss applies v3.1's Roundup to v3.0 vectors. This
//     package computes v3.0's Round up as FIRST's v3.0 calculator does, a
//     ceiling in float64, so FIRST's v3.0 example
//     CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U keeps its
//     temporal score of 4.7 (5.0 × 0.92 = 4.6000000000000005), where
//     go-cvss gives 4.6. (v3.1's Roundup was introduced to end exactly
//     this. Red Hat's calculator takes the ceiling of the exact decimal
//     value and differs from FIRST's on about 0.3% of random v3.0 vectors,
//     none of them in its test files.)
//   - CVSS v2. go-cvss rounds in float64, so 9.0 × 0.95 =
//     8.549999999999999 gives a temporal score of 8.5 where 8.6 is right,
//     and it rejects vectors that leave out some temporal or environmental
//     metrics. This package computes v2 scores in exact decimal arithmetic.
//
// # Rounding
//
// [Options.Rounding] selects the v4.0 rounding. The default,
// [RoundingCurrent], gives the scores of FIRST's current calculator;
// [RoundingReference] reproduces FIRST's published reference-scores file.
// They differ on 157 of the file's 40,515 distinct valid vectors. The
// option changes nothing for v2 and v3.x.
//
// # Concurrency
//
// A [*Vector] is immutable and safe for concurrent use; [Scores],
// [Options] and [ParseError] are plain values. The package has no global
// state other than the MacroVector table, built once on first use.
package cvss
