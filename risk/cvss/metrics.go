package cvss

// group is the metric group a metric belongs to.
type group uint8

const (
	groupBase          group = iota
	groupTemporal            // v2 and v3.x temporal, v4.0 threat
	groupEnvironmental       // environmental: security requirements and modified metrics
	groupSupplemental        // v4.0 supplemental: never scored
)

// metricDef describes one metric of one CVSS version.
type metricDef struct {
	abbr string
	// values are the values a vector may give the metric, in the order of
	// the specification's tables.
	values []string
	// undefined is the value meaning "not defined" ("X" or "ND"); empty for
	// a mandatory base metric.
	undefined string
	// assumed is the value whose weight the formula uses when the metric is
	// not defined; empty when the metric has no such default (see
	// [Vector.Effective]).
	assumed string
	group   group
}

// maxMetrics is the largest number of metrics of any version (v4.0).
const maxMetrics = 32

// versionSpec is the grammar of one CVSS version's vectors.
type versionSpec struct {
	version Version
	// prefix is the text before the first metric, "CVSS:3.1/"; empty for v2.
	prefix string
	// ordered is true when metrics must appear in the order of metrics.
	ordered bool
	metrics []metricDef
	index   map[string]int
	// modified maps a base metric's index to the index of its modified
	// counterpart (MAV for AV), or -1.
	modified []int
}

func newSpec(v Version, prefix string, ordered bool, metrics []metricDef) *versionSpec {
	s := &versionSpec{version: v, prefix: prefix, ordered: ordered, metrics: metrics,
		index: make(map[string]int, len(metrics)), modified: make([]int, len(metrics))}
	for i, m := range metrics {
		s.index[m.abbr] = i
	}
	for i, m := range metrics {
		s.modified[i] = -1
		if j, ok := s.index["M"+m.abbr]; ok && m.group == groupBase {
			s.modified[i] = j
		}
	}
	return s
}

// lookup returns the index of abbr's metric and of value among its values.
func (s *versionSpec) lookup(abbr, value string) (metric, code int, known bool) {
	metric, known = s.index[abbr]
	if !known {
		return -1, -1, false
	}
	for i, v := range s.metrics[metric].values {
		if v == value {
			return metric, i, true
		}
	}
	return metric, -1, true
}

var (
	lmhND = []string{"L", "M", "H", "ND"}
	npc   = []string{"N", "P", "C"}
	hln   = []string{"H", "L", "N"}
	xhln  = []string{"X", "H", "L", "N"}
)

// The metrics of each version, in the order of its specification's vector
// string table. Values follow the specification's tables too.
var (
	spec20 = newSpec(V2, "", true, []metricDef{
		{abbr: "AV", values: []string{"L", "A", "N"}},
		{abbr: "AC", values: []string{"H", "M", "L"}},
		{abbr: "Au", values: []string{"M", "S", "N"}},
		{abbr: "C", values: npc},
		{abbr: "I", values: npc},
		{abbr: "A", values: npc},
		{abbr: "E", values: []string{"U", "POC", "F", "H", "ND"}, undefined: "ND", assumed: "H", group: groupTemporal},
		{abbr: "RL", values: []string{"OF", "TF", "W", "U", "ND"}, undefined: "ND", assumed: "U", group: groupTemporal},
		{abbr: "RC", values: []string{"UC", "UR", "C", "ND"}, undefined: "ND", assumed: "C", group: groupTemporal},
		{abbr: "CDP", values: []string{"N", "L", "LM", "MH", "H", "ND"}, undefined: "ND", assumed: "N", group: groupEnvironmental},
		{abbr: "TD", values: []string{"N", "L", "M", "H", "ND"}, undefined: "ND", assumed: "H", group: groupEnvironmental},
		{abbr: "CR", values: lmhND, undefined: "ND", assumed: "M", group: groupEnvironmental},
		{abbr: "IR", values: lmhND, undefined: "ND", assumed: "M", group: groupEnvironmental},
		{abbr: "AR", values: lmhND, undefined: "ND", assumed: "M", group: groupEnvironmental},
	})

	metrics3 = []metricDef{
		{abbr: "AV", values: []string{"N", "A", "L", "P"}},
		{abbr: "AC", values: []string{"L", "H"}},
		{abbr: "PR", values: []string{"N", "L", "H"}},
		{abbr: "UI", values: []string{"N", "R"}},
		{abbr: "S", values: []string{"U", "C"}},
		{abbr: "C", values: hln},
		{abbr: "I", values: hln},
		{abbr: "A", values: hln},
		{abbr: "E", values: []string{"X", "H", "F", "P", "U"}, undefined: "X", assumed: "H", group: groupTemporal},
		{abbr: "RL", values: []string{"X", "U", "W", "T", "O"}, undefined: "X", assumed: "U", group: groupTemporal},
		{abbr: "RC", values: []string{"X", "C", "R", "U"}, undefined: "X", assumed: "C", group: groupTemporal},
		{abbr: "CR", values: []string{"X", "H", "M", "L"}, undefined: "X", assumed: "M", group: groupEnvironmental},
		{abbr: "IR", values: []string{"X", "H", "M", "L"}, undefined: "X", assumed: "M", group: groupEnvironmental},
		{abbr: "AR", values: []string{"X", "H", "M", "L"}, undefined: "X", assumed: "M", group: groupEnvironmental},
		{abbr: "MAV", values: []string{"X", "N", "A", "L", "P"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MAC", values: []string{"X", "L", "H"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MPR", values: []string{"X", "N", "L", "H"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MUI", values: []string{"X", "N", "R"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MS", values: []string{"X", "U", "C"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MC", values: xhln, undefined: "X", group: groupEnvironmental},
		{abbr: "MI", values: xhln, undefined: "X", group: groupEnvironmental},
		{abbr: "MA", values: xhln, undefined: "X", group: groupEnvironmental},
	}
	spec30 = newSpec(V30, "CVSS:3.0/", false, metrics3)
	spec31 = newSpec(V31, "CVSS:3.1/", false, metrics3)

	spec40 = newSpec(V40, "CVSS:4.0/", true, []metricDef{
		{abbr: "AV", values: []string{"N", "A", "L", "P"}},
		{abbr: "AC", values: []string{"L", "H"}},
		{abbr: "AT", values: []string{"N", "P"}},
		{abbr: "PR", values: []string{"N", "L", "H"}},
		{abbr: "UI", values: []string{"N", "P", "A"}},
		{abbr: "VC", values: hln},
		{abbr: "VI", values: hln},
		{abbr: "VA", values: hln},
		{abbr: "SC", values: hln},
		{abbr: "SI", values: hln},
		{abbr: "SA", values: hln},
		{abbr: "E", values: []string{"X", "A", "P", "U"}, undefined: "X", assumed: "A", group: groupTemporal},
		{abbr: "CR", values: []string{"X", "H", "M", "L"}, undefined: "X", assumed: "H", group: groupEnvironmental},
		{abbr: "IR", values: []string{"X", "H", "M", "L"}, undefined: "X", assumed: "H", group: groupEnvironmental},
		{abbr: "AR", values: []string{"X", "H", "M", "L"}, undefined: "X", assumed: "H", group: groupEnvironmental},
		{abbr: "MAV", values: []string{"X", "N", "A", "L", "P"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MAC", values: []string{"X", "L", "H"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MAT", values: []string{"X", "N", "P"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MPR", values: []string{"X", "N", "L", "H"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MUI", values: []string{"X", "N", "P", "A"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MVC", values: xhln, undefined: "X", group: groupEnvironmental},
		{abbr: "MVI", values: xhln, undefined: "X", group: groupEnvironmental},
		{abbr: "MVA", values: xhln, undefined: "X", group: groupEnvironmental},
		{abbr: "MSC", values: xhln, undefined: "X", group: groupEnvironmental},
		{abbr: "MSI", values: []string{"X", "S", "H", "L", "N"}, undefined: "X", group: groupEnvironmental},
		{abbr: "MSA", values: []string{"X", "S", "H", "L", "N"}, undefined: "X", group: groupEnvironmental},
		{abbr: "S", values: []string{"X", "N", "P"}, undefined: "X", group: groupSupplemental},
		{abbr: "AU", values: []string{"X", "N", "Y"}, undefined: "X", group: groupSupplemental},
		{abbr: "R", values: []string{"X", "A", "U", "I"}, undefined: "X", group: groupSupplemental},
		{abbr: "V", values: []string{"X", "D", "C"}, undefined: "X", group: groupSupplemental},
		{abbr: "RE", values: []string{"X", "L", "M", "H"}, undefined: "X", group: groupSupplemental},
		{abbr: "U", values: []string{"X", "Clear", "Green", "Amber", "Red"}, undefined: "X", group: groupSupplemental},
	})
)
