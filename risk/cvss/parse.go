package cvss

import (
	"fmt"
	"iter"
	"strings"
)

// parse reads a trimmed vector text.
func parse(s string, opts Options) (*Vector, error) {
	if len(s) > MaxVectorBytes {
		return nil, parseError(s, "", fmt.Sprintf("longer than %d bytes", MaxVectorBytes))
	}
	if s == "" {
		return nil, parseError(s, "", "empty vector")
	}
	spec, body, perr := splitVersion(s)
	if perr != nil {
		return nil, perr
	}
	v := &Vector{text: s, spec: spec, opts: opts}
	last, lastAbbr := -1, ""
	for part := range strings.SplitSeq(body, "/") {
		if part == "" {
			return nil, parseError(s, "", `empty metric (a "/" too many)`)
		}
		abbr, val, ok := strings.Cut(part, ":")
		if !ok {
			return nil, parseError(s, "", fmt.Sprintf("%s is not METRIC:VALUE", quoteCut(part, 64)))
		}
		i, code, known := spec.lookup(abbr, val)
		if !known {
			return nil, parseError(s, abbr, unknownMetricReason(spec, abbr))
		}
		m := spec.metrics[i]
		if v.vals[i] != 0 {
			return nil, parseError(s, abbr, "given more than once")
		}
		if code < 0 {
			return nil, parseError(s, abbr, fmt.Sprintf("value %s is not one of %s",
				quoteCut(val, 64), strings.Join(m.values, ", ")))
		}
		if spec.ordered && !opts.AnyOrder && i < last {
			return nil, parseError(s, abbr, fmt.Sprintf("out of order: CVSS v%s lists %s before %s",
				spec.version, abbr, lastAbbr))
		}
		last, lastAbbr = i, abbr
		v.vals[i] = uint8(code + 1)
	}
	for i, m := range spec.metrics {
		if m.group == groupBase && v.vals[i] == 0 {
			return nil, parseError(s, m.abbr, "missing: every base metric is required")
		}
	}
	v.score()
	return v, nil
}

// splitVersion finds the version of s and returns the metrics part.
func splitVersion(s string) (*versionSpec, string, *ParseError) {
	if rest, ok := strings.CutPrefix(s, "CVSS:"); ok {
		ver, body, _ := strings.Cut(rest, "/")
		var spec *versionSpec
		switch ver {
		case "3.0":
			spec = spec30
		case "3.1":
			spec = spec31
		case "4.0":
			spec = spec40
		default:
			return nil, "", parseError(s, "CVSS", fmt.Sprintf("unsupported version %s (this package reads 3.0, 3.1, 4.0, and 2.0 without a prefix)", quoteCut(ver, 64)))
		}
		if body == "" {
			return nil, "", parseError(s, "", "no metrics after the version prefix")
		}
		return spec, body, nil
	}
	body := s
	if strings.HasPrefix(body, "(") {
		if !strings.HasSuffix(body, ")") {
			return nil, "", parseError(s, "", `"(" without a closing ")"`)
		}
		body = body[1 : len(body)-1]
		if body == "" {
			return nil, "", parseError(s, "", "empty vector")
		}
	}
	return spec20, body, nil
}

func unknownMetricReason(spec *versionSpec, abbr string) string {
	if spec.version == V2 {
		if _, v3 := spec31.index[abbr]; v3 {
			return `unknown CVSS v2 metric (CVSS v3.x and v4.0 vectors start with "CVSS:3.1/" or "CVSS:4.0/")`
		}
		if _, v4 := spec40.index[abbr]; v4 {
			return `unknown CVSS v2 metric (CVSS v3.x and v4.0 vectors start with "CVSS:3.1/" or "CVSS:4.0/")`
		}
	}
	return fmt.Sprintf("unknown CVSS v%s metric", spec.version)
}

// pairs yields the metrics of a parsed vector in the order it lists them.
func (v *Vector) pairs() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		body := strings.TrimPrefix(v.text, v.spec.prefix)
		if v.spec.version == V2 && strings.HasPrefix(body, "(") {
			body = body[1 : len(body)-1]
		}
		for part := range strings.SplitSeq(body, "/") {
			abbr, val, _ := strings.Cut(part, ":")
			if !yield(abbr, val) {
				return
			}
		}
	}
}

// score computes v.scores from v.vals.
func (v *Vector) score() {
	s := Scores{Version: v.spec.version}
	for i, m := range v.spec.metrics {
		if c := v.vals[i]; c != 0 && m.values[c-1] != m.undefined {
			switch m.group {
			case groupTemporal:
				s.HasTemporal = true
			case groupEnvironmental:
				s.HasEnvironmental = true
			}
		}
	}
	switch v.spec.version {
	case V2:
		s.Base, s.Temporal, s.Environmental = score2(v)
		s.Score = s.Base
	case V30, V31:
		s.Base, s.Temporal, s.Environmental = score3(v)
		s.Score = s.Base
	case V40:
		s.Score = score4(v, false)
		s.Base = s.Score
		if s.HasTemporal || s.HasEnvironmental {
			s.Base = score4(v, true)
		}
		s.Nomenclature = "CVSS-B"
		if s.HasTemporal {
			s.Nomenclature += "T"
		}
		if s.HasEnvironmental {
			s.Nomenclature += "E"
		}
	}
	s.Rating = RatingOf(s.Version, s.Score)
	v.scores = s
}
