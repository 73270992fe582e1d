package cvss

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Version is a CVSS version: "2.0", "3.0", "3.1" or "4.0". It is a plain
// value, safe for concurrent use.
type Version string

// The CVSS versions this package reads.
const (
	V2  Version = "2.0"
	V30 Version = "3.0"
	V31 Version = "3.1"
	V40 Version = "4.0"
)

// Rating is a qualitative severity rating, in lower case. It is a plain
// value, safe for concurrent use.
type Rating string

// The ratings. CVSS v2 has no "none" and no "critical" (see [RatingOf]).
const (
	RatingNone     Rating = "none"
	RatingLow      Rating = "low"
	RatingMedium   Rating = "medium"
	RatingHigh     Rating = "high"
	RatingCritical Rating = "critical"
)

// RatingOf returns the qualitative rating of a score of version v.
//
// For CVSS v3.0, v3.1 and v4.0 it follows the specifications' table: 0.0
// none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical. CVSS
// v2 defines no rating; RatingOf uses the one NVD publishes: 0.0–3.9 low,
// 4.0–6.9 medium, 7.0–10.0 high. A version RatingOf does not know is rated
// like v4.0. A score below 0, above 10 or NaN has no rating: RatingOf
// returns "".
func RatingOf(v Version, score float64) Rating {
	if !(score >= 0 && score <= 10) {
		return ""
	}
	if v == V2 {
		switch {
		case score >= 7:
			return RatingHigh
		case score >= 4:
			return RatingMedium
		}
		return RatingLow
	}
	switch {
	case score >= 9:
		return RatingCritical
	case score >= 7:
		return RatingHigh
	case score >= 4:
		return RatingMedium
	case score >= 0.1:
		return RatingLow
	}
	return RatingNone
}

// Rounding selects how CVSS v4.0 scores are rounded to one decimal. It
// changes nothing for v2 and v3.x. See the package documentation for why
// two roundings exist. It is a plain value, safe for concurrent use.
type Rounding int

const (
	// RoundingCurrent rounds like FIRST's current CVSS v4.0 calculator:
	// half up after adding 10⁻⁶, so that a score whose exact value ends in 5
	// rounds up even when floating-point arithmetic computed it a hair low
	// (8.6 − 7.15 = 1.4499999999999993 rounds to 1.5). It is the default.
	RoundingCurrent Rounding = iota
	// RoundingReference rounds half up without that correction, like the
	// calculator that produced FIRST's published reference-scores file for
	// CVSS v4.0; use it to reproduce that file exactly. 157 distinct vectors
	// of it score 0.1 lower than with RoundingCurrent.
	RoundingReference
)

// String returns "current" or "reference".
func (r Rounding) String() string {
	switch r {
	case RoundingCurrent:
		return "current"
	case RoundingReference:
		return "reference"
	}
	return fmt.Sprintf("Rounding(%d)", int(r))
}

// Options tune [ParseWith]. The zero value is valid and is what [Parse]
// uses. Options is a plain value, safe for concurrent use.
type Options struct {
	// Rounding selects the CVSS v4.0 rounding; RoundingCurrent by default.
	Rounding Rounding
	// AnyOrder accepts CVSS v2 and v4.0 metrics in any order. FIRST's
	// calculators and reference data require the specification's order
	// (and so does Parse), but advisories in the wild break it (GitHub
	// security advisories carry out-of-order v4.0 vectors); the metrics'
	// values, and so the scores, do not depend on the order.
	AnyOrder bool
}

func (o Options) validate() error {
	switch o.Rounding {
	case RoundingCurrent, RoundingReference:
		return nil
	}
	return fmt.Errorf("%w: unknown Rounding %d", ErrOptions, int(o.Rounding))
}

// Scores are the scores of a [Vector]. Scores is a plain value, safe for
// concurrent use.
type Scores struct {
	// Version is the vector's CVSS version.
	Version Version
	// Base is the base score. For v4.0 it is the score of the vector's base
	// metrics alone, as if it set no threat or environmental metric.
	Base float64
	// Temporal is the v2 or v3.x temporal score. When the vector sets no
	// temporal metric it is what the specification's formula gives then
	// (the base score). Always 0 for v4.0.
	Temporal float64
	// Environmental is the v2 or v3.x environmental score, computed by the
	// specification's formula whether or not the vector sets environmental
	// metrics. Always 0 for v4.0.
	Environmental float64
	// Score is the headline score: the base score for v2 and v3.x; for v4.0
	// the score of the vector as written (base, threat and environmental
	// metrics together: CVSS-B, -BT, -BE or -BTE).
	Score float64
	// Rating is the qualitative rating of Score (see [RatingOf]).
	Rating Rating
	// Nomenclature names the v4.0 metric groups that Score reflects:
	// "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE". Empty for v2 and v3.x.
	Nomenclature string
	// HasTemporal is true when the vector gives any temporal metric (v4.0:
	// the threat metric E) a value other than "not defined" (X or ND).
	HasTemporal bool
	// HasEnvironmental is true when the vector gives any environmental
	// metric a value other than "not defined".
	HasEnvironmental bool
}

// Effective returns the most specific score: for v2 and v3.x the
// environmental score if the vector sets environmental metrics, else the
// temporal score if it sets temporal metrics, else the base score; for
// v4.0 Score, which already reflects every group the vector sets.
func (s Scores) Effective() float64 {
	if s.Version == V40 {
		return s.Score
	}
	switch {
	case s.HasEnvironmental:
		return s.Environmental
	case s.HasTemporal:
		return s.Temporal
	}
	return s.Base
}

// Vector is a parsed CVSS vector with its scores, computed when it was
// parsed. It is immutable and safe for concurrent use. Get one from
// [Parse], [ParseWith] or [Vector.With]; the methods of a nil *Vector
// return zero values.
type Vector struct {
	text   string
	spec   *versionSpec
	opts   Options
	vals   [maxMetrics]uint8 // 1 + index of the metric's value; 0 when absent
	scores Scores
}

// Parse parses a CVSS vector with the default [Options] and scores it. It
// is ParseWith(s, Options{}).
func Parse(s string) (*Vector, error) {
	return ParseWith(s, Options{})
}

// ParseWith parses a CVSS vector and scores it.
//
// Surrounding white space is ignored. The version comes from the prefix:
// "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/"; a text without a "CVSS:" prefix
// is read as CVSS v2 ("AV:N/AC:L/Au:N/C:P/I:P/A:P"), which may also be
// wrapped in parentheses as older NVD feeds wrote it. Metric names and
// values are case-sensitive. Every base metric is required; any other
// metric may be left out, and no metric may appear twice. CVSS v2 and v4.0
// metrics must appear in their specification's order unless
// [Options.AnyOrder] is set; v3.x metrics may appear in any order, as the
// v3.x specifications allow.
//
// An invalid vector gives a [*ParseError], which wraps [ErrInvalid]; an
// unknown [Options] value gives an error wrapping [ErrOptions].
func ParseWith(s string, opts Options) (*Vector, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return parse(strings.TrimSpace(s), opts)
}

// Version returns the vector's CVSS version.
func (v *Vector) Version() Version {
	if v == nil {
		return ""
	}
	return v.spec.version
}

// String returns the vector as it was given, trimmed of surrounding white
// space. A vector made by [Vector.With] is written without parentheses.
func (v *Vector) String() string {
	if v == nil {
		return ""
	}
	return v.text
}

// Options returns the options the vector was parsed with.
func (v *Vector) Options() Options {
	if v == nil {
		return Options{}
	}
	return v.opts
}

// Metric returns the value the vector gives the metric abbr ("AV", "MSI";
// case-sensitive). It returns false when the vector does not give the
// metric, gives it the "not defined" value (X, or ND in v2), or when abbr
// is no metric of the vector's version.
func (v *Vector) Metric(abbr string) (string, bool) {
	if v == nil {
		return "", false
	}
	i, ok := v.spec.index[abbr]
	if !ok || v.vals[i] == 0 {
		return "", false
	}
	m := v.spec.metrics[i]
	val := m.values[v.vals[i]-1]
	if val == m.undefined {
		return "", false
	}
	return val, true
}

// Effective returns the value of the metric abbr that the scoring formula
// uses:
//
//   - for a base metric, the value of its modified counterpart when the
//     vector defines it (MAV for AV in v3.x and v4.0), else its own value;
//   - for a temporal, threat or security-requirement metric the vector does
//     not define, the value whose weight the formula assumes: "H" for v4.0
//     E, CR, IR and AR; "H", "U", "C" for v3.x and v2 E, RL, RC, and "M" for
//     their CR, IR, AR; "N" for v2 CDP and "H" for v2 TD;
//   - for any other metric, its value, or the "not defined" value (X) when
//     the vector does not give it.
//
// It returns false only when abbr is no metric of the vector's version.
func (v *Vector) Effective(abbr string) (string, bool) {
	if v == nil {
		return "", false
	}
	i, ok := v.spec.index[abbr]
	if !ok {
		return "", false
	}
	return v.effective(i), true
}

func (v *Vector) effective(i int) string {
	m := v.spec.metrics[i]
	if j := v.spec.modified[i]; j >= 0 {
		mm := v.spec.metrics[j]
		if c := v.vals[j]; c != 0 && mm.values[c-1] != mm.undefined {
			return mm.values[c-1]
		}
	}
	if c := v.vals[i]; c != 0 && m.values[c-1] != m.undefined {
		return m.values[c-1]
	}
	if m.assumed != "" {
		return m.assumed
	}
	return m.undefined
}

// Scores returns the vector's scores.
func (v *Vector) Scores() Scores {
	if v == nil {
		return Scores{}
	}
	return v.scores
}

// With returns a new vector with the metrics of overrides set: each key is
// a metric abbreviation of the vector's version and each value the value to
// give it, replacing the one the vector has. An empty value removes the
// metric (a base metric cannot be removed). Use it to apply environmental
// metrics (CR, IR, AR, MAV..., v2 CDP, TD) or threat metrics to a published
// base vector. The new vector is validated and scored with the same
// [Options]; its String lists the metrics in the order of the original,
// with new metrics at the place the specification's order gives them.
// An invalid result gives a [*ParseError] naming the new vector; the
// receiver is never changed.
func (v *Vector) With(overrides map[string]string) (*Vector, error) {
	if v == nil {
		return nil, fmt.Errorf("%w: With called on a nil *Vector", ErrInvalid)
	}
	type part struct {
		idx        int
		abbr, val  string
		fromSource bool
	}
	var parts []part
	for abbr, val := range v.pairs() {
		parts = append(parts, part{idx: v.spec.index[abbr], abbr: abbr, val: val, fromSource: true})
	}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		val := overrides[k]
		at := slices.IndexFunc(parts, func(p part) bool { return p.abbr == k })
		switch {
		case at >= 0 && val == "":
			parts = slices.Delete(parts, at, at+1)
		case at >= 0:
			parts[at].val = val
		case val == "":
			// Removing an absent metric changes nothing.
		default:
			idx, known := v.spec.index[k]
			if !known {
				// Let the parser name the unknown metric: append it.
				parts = append(parts, part{idx: math.MaxInt, abbr: k, val: val})
				continue
			}
			// Insert before the first metric that comes later in the
			// specification's order.
			ins := slices.IndexFunc(parts, func(p part) bool { return p.idx > idx })
			if ins < 0 {
				ins = len(parts)
			}
			parts = slices.Insert(parts, ins, part{idx: idx, abbr: k, val: val})
		}
	}
	var b strings.Builder
	b.WriteString(v.spec.prefix)
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p.abbr)
		b.WriteByte(':')
		b.WriteString(p.val)
	}
	return ParseWith(b.String(), v.opts)
}
