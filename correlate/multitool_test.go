package correlate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/sarif"
)

// multitoolDir holds the scan pairs and the oracle's verdicts written by
// scripts/oracle-multitool.sh (see the README.md there).
var multitoolDir = filepath.Join("..", "testdata", "correlate", "multitool")

// mtTransform is a pair's transform.json: where each current result came
// from and what was done to it.
type mtTransform struct {
	Dropped []int `json:"dropped"`
	Current []struct {
		Baseline int      `json:"baseline"`
		Ops      []string `json:"ops"`
	} `json:"current"`
}

// mtTally is what one pair gives.
type mtTally struct {
	// Units counts the results compared: every result of the current scan,
	// and every baseline result that either side says is gone.
	Units int
	// Agree counts units with the same state on both sides (aspm fixed =
	// SARIF absent); Disagree the others.
	Agree, Disagree int
	// SameMatch counts units where both sides agree on the matching alone:
	// the result is the baseline's (unchanged or updated, whichever) or it
	// is not (new, fixed/absent).
	SameMatch int
	// AspmRight and OracleRight count the units where each side's matching
	// is the one the transformation made: a copy is new, a dropped result
	// is gone, any other current result is the baseline result it was
	// derived from (for aspm: has its identity; for the oracle: carries
	// its guid forward), and a baseline result that was not dropped is not
	// gone.
	AspmRight, OracleRight int
	// Classes counts the disagreements by "aspm→oracle [operations] right:
	// who", who being the side whose matching is right (aspm, oracle,
	// both, neither).
	Classes map[string]int
}

// TestLifecycleAgainstSarifMultitool compares correlate.Compare with an
// independent implementation of SARIF result matching, the SARIF
// Multitool's match-results-forward (SARIF SDK 5.7.0), on scan pairs derived
// from real tool output by a scripted transformation
// (scripts/oracle-multitool.sh). It reads the committed oracle output; the
// multitool is not needed at test time.
//
// Every figure is pinned: a change in aspm's keys or lifecycle that moves
// one fails here, and the new figures have to be explained. Since the
// transformation is known, the test also scores each side's matching
// against it ("right: ..."). Each disagreement class is tagged with why the
// two differ:
//
//   - moved: the line moved (every pair but Trivy's shifts all lines) and
//     both sides matched the right result. The multitool marks a matched
//     result "updated" whenever its locations differ at all (the SDK
//     compares the value hash of the locations); aspm reports a moved line
//     as unchanged by design, its "updated" meaning that severity, CVSS,
//     fixed versions, VEX status or file changed. Not an error on either
//     side; by far the largest class.
//   - (fp-path, gone: aspm used to identify a finding by the tool's
//     fingerprint alone; CodeQL's primaryLocationLineHash and Flawfinder's
//     contextHash hash the code, not the file, so identical code in two
//     files was one finding. The identity now holds the path too.)
//   - rank (aspm wrong): without fingerprint or snippet (cppcheck, eslint,
//     spotbugs), aspm falls back on the finding's rank among the same rule
//     in the same file and logical location. A dropped result moves the
//     rank of every later one: aspm pairs them with the wrong baseline
//     records, or reports new + fixed (new→updated, fixed→matched, matched→absent
//     [drop], unchanged→updated "right: oracle").
//   - rename (aspm wrong, by design): aspm's key holds the path, so a
//     renamed file gives new + fixed; the multitool matches the results
//     across the rename by message (its "where" puts
//     results in files missing from the other scan into one bucket).
//   - reworded (multitool wrong): without a fingerprint and with a moved
//     line, the multitool matches only on an identical message and
//     snippet; a reworded message leaves it nothing, so new + absent. aspm
//     ignores messages by design.
//   - mt-pairing (multitool wrong): the multitool first pairs results at
//     identical positions, then by a message unique in the rule, then
//     walks to neighbours. A shift that puts a result on another one's old
//     position (cppcheck shifts by 5 lines), Trivy's results that all sit
//     at the image's placeholder region 1:1, a message that repeats in the
//     rule, or a copy or a dropped sibling with the same message make it
//     pair the wrong two, and the true partner is then left over (new or
//     absent).
//   - severity: aspm's "updated" includes a severity change (the level
//     operation, for tools without a security-severity score); the
//     multitool looks at locations only. It shows up only together with
//     another reason here, since every other level change also moved.
func TestLifecycleAgainstSarifMultitool(t *testing.T) {
	tests := []struct {
		name string
		want mtTally
	}{
		{name: "bandit", want: mtTally{Units: 2, Agree: 1, Disagree: 1, SameMatch: 2, AspmRight: 2, OracleRight: 2, Classes: map[string]int{
			"unchanged→updated [shift] right: both": 1, // moved
		}}},
		{name: "codeql", want: mtTally{Units: 82, Agree: 26, Disagree: 56, SameMatch: 80, AspmRight: 80, OracleRight: 82, Classes: map[string]int{
			"fixed→matched [shift+rename] right: oracle":            1,  // rename
			"new→updated [shift+rename] right: oracle":              1,  // rename
			"unchanged→updated [shift+context-snippet] right: both": 9,  // moved
			"unchanged→updated [shift+level] right: both":           1,  // moved
			"unchanged→updated [shift+message] right: both":         9,  // moved
			"unchanged→updated [shift] right: both":                 35, // moved
		}}},
		{name: "cppcheck", want: mtTally{Units: 263, Agree: 66, Disagree: 197, SameMatch: 157, AspmRight: 186, OracleRight: 172, Classes: map[string]int{
			"fixed→matched [drop] right: aspm":                 2,  // mt-pairing
			"fixed→matched [shift+level] right: oracle":        4,  // rank
			"fixed→matched [shift+rename+level] right: oracle": 1,  // rename
			"fixed→matched [shift+rename] right: oracle":       7,  // rename
			"fixed→matched [shift] right: oracle":              5,  // rank
			"matched→absent [drop] right: oracle":              10, // rank
			"matched→absent [shift+level] right: aspm":         3,  // mt-pairing
			"matched→absent [shift+message] right: aspm":       19, // reworded
			"matched→absent [shift] right: aspm":               11, // mt-pairing
			"new→updated [shift+copy] right: aspm":             3,  // mt-pairing
			"new→updated [shift+rename+level] right: oracle":   1,  // rename
			"new→updated [shift+rename] right: oracle":         6,  // rename
			"unchanged→new [shift+message] right: aspm":        12, // reworded
			"unchanged→new [shift+message] right: neither":     9,  // rank, reworded
			"unchanged→new [shift] right: aspm":                7,  // mt-pairing
			"unchanged→new [shift] right: neither":             4,  // rank, mt-pairing
			"unchanged→updated [shift] right: aspm":            1,  // mt-pairing
			"unchanged→updated [shift] right: both":            78, // moved
			"unchanged→updated [shift] right: oracle":          10, // rank
			"updated→new [shift+level] right: aspm":            1,  // mt-pairing, severity
			"updated→new [shift+level] right: neither":         1,  // rank, mt-pairing, severity
			"updated→unchanged [shift+level] right: neither":   2,  // rank, mt-pairing, severity
		}}},
		{name: "devskim", want: mtTally{Units: 11, Agree: 5, Disagree: 6, SameMatch: 7, AspmRight: 7, OracleRight: 7, Classes: map[string]int{
			"fixed→matched [shift+rename] right: oracle": 1, // rename
			"matched→absent [shift+message] right: aspm": 1, // reworded
			"new→updated [shift+rename] right: oracle":   1, // rename
			"unchanged→new [shift+message] right: aspm":  1, // reworded
			"unchanged→updated [shift] right: both":      2, // moved
		}}},
		{name: "eslint", want: mtTally{Units: 14, Agree: 3, Disagree: 11, SameMatch: 8, AspmRight: 12, OracleRight: 9, Classes: map[string]int{
			"fixed→matched [drop] right: aspm":           1, // mt-pairing
			"fixed→matched [shift+rename] right: oracle": 1, // rename
			"matched→absent [shift+message] right: aspm": 1, // reworded
			"matched→absent [shift] right: aspm":         1, // mt-pairing
			"new→updated [shift+rename] right: oracle":   1, // rename
			"unchanged→new [shift+message] right: aspm":  1, // reworded
			"unchanged→updated [shift] right: aspm":      1, // mt-pairing
			"unchanged→updated [shift] right: both":      4, // moved
		}}},
		{name: "flawfinder", want: mtTally{Units: 62, Agree: 19, Disagree: 43, SameMatch: 55, AspmRight: 55, OracleRight: 62, Classes: map[string]int{
			"fixed→matched [shift+rename+snippet] right: oracle": 1,  // rename
			"fixed→matched [shift+rename] right: oracle":         2,  // rename
			"matched→absent [drop] right: oracle":                1,  // rank
			"new→updated [shift+rename+snippet] right: oracle":   1,  // rename
			"new→updated [shift+rename] right: oracle":           2,  // rename
			"unchanged→updated [shift+message] right: both":      7,  // moved
			"unchanged→updated [shift+snippet] right: both":      5,  // moved
			"unchanged→updated [shift] right: both":              24, // moved
		}}},
		{name: "semgrep", want: mtTally{Units: 90, Agree: 23, Disagree: 67, SameMatch: 82, AspmRight: 82, OracleRight: 90, Classes: map[string]int{
			"fixed→matched [shift+rename+level] right: oracle":   1,  // rename
			"fixed→matched [shift+rename+message] right: oracle": 1,  // rename
			"fixed→matched [shift+rename+snippet] right: oracle": 1,  // rename
			"fixed→matched [shift+rename] right: oracle":         1,  // rename
			"new→updated [shift+rename+level] right: oracle":     1,  // rename
			"new→updated [shift+rename+message] right: oracle":   1,  // rename
			"new→updated [shift+rename+snippet] right: oracle":   1,  // rename
			"new→updated [shift+rename] right: oracle":           1,  // rename
			"unchanged→updated [shift+level] right: both":        5,  // moved
			"unchanged→updated [shift+message] right: both":      9,  // moved
			"unchanged→updated [shift+snippet] right: both":      8,  // moved
			"unchanged→updated [shift] right: both":              37, // moved
		}}},
		{name: "shiftleft", want: mtTally{Units: 15, Agree: 4, Disagree: 11, SameMatch: 9, AspmRight: 9, OracleRight: 15, Classes: map[string]int{
			"fixed→matched [shift+rename+snippet] right: oracle": 1, // rename
			"fixed→matched [shift+rename] right: oracle":         2, // rename
			"new→updated [shift+rename+snippet] right: oracle":   1, // rename
			"new→updated [shift+rename] right: oracle":           2, // rename
			"unchanged→updated [shift+message] right: both":      2, // moved
			"unchanged→updated [shift] right: both":              3, // moved
		}}},
		{name: "snyk-code", want: mtTally{Units: 45, Agree: 15, Disagree: 30, SameMatch: 43, AspmRight: 43, OracleRight: 45, Classes: map[string]int{
			"fixed→matched [shift+rename] right: oracle":    1,  // rename
			"new→updated [shift+rename] right: oracle":      1,  // rename
			"unchanged→updated [shift+message] right: both": 5,  // moved
			"unchanged→updated [shift] right: both":         23, // moved
		}}},
		{name: "spotbugs", want: mtTally{Units: 76, Agree: 22, Disagree: 54, SameMatch: 52, AspmRight: 62, OracleRight: 62, Classes: map[string]int{
			"fixed→matched [shift+rename+level] right: oracle": 1,  // rename
			"fixed→matched [shift+rename] right: oracle":       5,  // rename
			"matched→absent [shift+message] right: aspm":       6,  // reworded
			"new→updated [shift+rename+level] right: oracle":   1,  // rename
			"new→updated [shift+rename] right: oracle":         5,  // rename
			"unchanged→new [shift+message] right: aspm":        6,  // reworded
			"unchanged→updated [shift] right: both":            30, // moved
		}}},
		{name: "trivy", want: mtTally{Units: 115, Agree: 104, Disagree: 11, SameMatch: 107, AspmRight: 115, OracleRight: 104, Classes: map[string]int{
			"fixed→matched [drop] right: aspm":        3, // mt-pairing
			"matched→absent [] right: aspm":           1, // mt-pairing
			"matched→absent [message] right: aspm":    3, // mt-pairing
			"unchanged→new [message] right: aspm":     1, // mt-pairing
			"unchanged→updated [] right: aspm":        1, // mt-pairing
			"unchanged→updated [message] right: aspm": 2, // mt-pairing
		}}},
	}
	var total mtTally
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compareWithMultitool(t, filepath.Join(multitoolDir, tt.name))
			if !assert.Equal(t, tt.want, got) {
				// The figures, in the table's form, to review and pin.
				var b strings.Builder
				fmt.Fprintf(&b, "Units: %d, Agree: %d, Disagree: %d, SameMatch: %d, AspmRight: %d, OracleRight: %d\n",
					got.Units, got.Agree, got.Disagree, got.SameMatch, got.AspmRight, got.OracleRight)
				for _, k := range slices.Sorted(maps.Keys(got.Classes)) {
					fmt.Fprintf(&b, "%q: %d,\n", k, got.Classes[k])
				}
				t.Log(b.String())
			}
			total.Units += got.Units
			total.Agree += got.Agree
			total.Disagree += got.Disagree
			total.SameMatch += got.SameMatch
			total.AspmRight += got.AspmRight
			total.OracleRight += got.OracleRight
		})
	}
	// Over all pairs: the states agree on 288 of 775 results, the matching
	// alone on 602; aspm's matching is the transformation's on 653, the
	// multitool's on 650.
	assert.Equal(t, mtTally{Units: 775, Agree: 288, Disagree: 487, SameMatch: 602, AspmRight: 653, OracleRight: 650}, total)
}

// compareWithMultitool runs aspm on one pair and tallies it against the
// oracle.
func compareWithMultitool(t *testing.T, dir string) mtTally {
	t.Helper()
	base := decodeMultitoolFile(t, filepath.Join(dir, "baseline.sarif"))
	cur := decodeMultitoolFile(t, filepath.Join(dir, "current.sarif"))
	var tr mtTransform
	require.NoError(t, json.Unmarshal(readMultitoolFile(t, filepath.Join(dir, "transform.json")), &tr))
	require.Len(t, tr.Current, len(cur), "transform.json describes every current result")

	// aspm: the baseline's records, then the current scan against them.
	opts := correlate.Options{}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	res := correlate.Compare(correlate.Baseline(base, t0, opts), correlate.Scan{ID: "current", At: t0.Add(24 * time.Hour), Findings: cur}, opts)
	state := map[string]correlate.State{}
	for _, c := range res.Changes {
		state[c.ID] = c.State
	}
	curIDs := correlate.Identities(cur, opts)
	baseIDs := correlate.Identities(base, opts)

	// The oracle: its results are the current ones (sorted by location,
	// not in input order) and the absent baseline ones (first); map each to
	// its input by content.
	curState, curLink, absent := oracleStates(t, dir)

	// Operations applied to each baseline result, for the classes.
	baseOps := make([]string, len(base))
	for _, j := range tr.Dropped {
		baseOps[j] = "drop"
	}
	for _, c := range tr.Current {
		if !slices.Contains(c.Ops, "copy") {
			baseOps[c.Baseline] = strings.Join(c.Ops, "+")
		}
	}

	got := mtTally{Classes: map[string]int{}}
	count := func(aspm, oracle, ops string, aspmMatched, oracleMatched, aspmRight, oracleRight bool) {
		got.Units++
		if aspmRight {
			got.AspmRight++
		}
		if oracleRight {
			got.OracleRight++
		}
		if aspmMatched == oracleMatched {
			got.SameMatch++
		}
		if aspm == oracle || (aspm == "fixed" && oracle == "absent") {
			got.Agree++
			return
		}
		got.Disagree++
		who := "neither"
		switch {
		case aspmRight && oracleRight:
			who = "both"
		case aspmRight:
			who = "aspm"
		case oracleRight:
			who = "oracle"
		}
		got.Classes[fmt.Sprintf("%s→%s [%s] right: %s", aspm, oracle, ops, who)]++
	}
	for i := range cur {
		a := state[curIDs[i]]
		require.NotEmpty(t, a, "current result %d has a state", i)
		o := curState[i]
		from, copied := tr.Current[i].Baseline, slices.Contains(tr.Current[i].Ops, "copy")
		aspmRight := copied == (a == correlate.StateNew) && (copied || curIDs[i] == baseIDs[from])
		oracleRight := copied == (o == "new") && (copied || curLink[i] == from)
		count(string(a), o, strings.Join(tr.Current[i].Ops, "+"), a != correlate.StateNew, o != "new", aspmRight, oracleRight)
	}
	dropped := map[int]bool{}
	for _, j := range tr.Dropped {
		dropped[j] = true
	}
	for j := range base {
		fixed := state[baseIDs[j]] == correlate.StateFixed
		if !fixed && !absent[j] {
			continue
		}
		a, o := "fixed", "absent"
		if !fixed {
			a = "matched"
		}
		if !absent[j] {
			o = "matched"
		}
		count(a, o, baseOps[j], !fixed, !absent[j], fixed == dropped[j], absent[j] == dropped[j])
	}
	return got
}

func readMultitoolFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// decodeMultitoolFile decodes a SARIF file with aspm, and checks that it
// gives one finding per result, in order.
func decodeMultitoolFile(t *testing.T, path string) []findings.Finding {
	t.Helper()
	raw := readMultitoolFile(t, path)
	var out []findings.Finding
	err := sarif.Decode(bytes.NewReader(raw), findings.DecodeOptions{Name: filepath.Base(path)}, findings.Handler{
		Finding: func(f findings.Finding) error { out = append(out, f); return nil },
	})
	require.NoError(t, err, path)
	require.Len(t, out, len(rawResults(t, raw)), "%s: one finding per result", path)
	for i := range out {
		require.Equal(t, i, out[i].Source.Record)
	}
	return out
}

// rawResults returns the results of a log's first (only) run as JSON.
func rawResults(t *testing.T, raw []byte) []json.RawMessage {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(raw, &log))
	require.Len(t, log.Runs, 1)
	return log.Runs[0].Results
}

// oracleStates maps the oracle's results back to the pair's inputs: it
// returns the baselineState of every current result, by index, the index
// of the baseline result each matched one was matched with (-1 for new
// ones), and the baseline results the oracle reports absent.
//
// The multitool emits absent results first, then current ones sorted by
// location and rule (not in input order), each a copy of its input with
// guids, baselineState, provenance and a "ResultMatching" property added,
// artifact indices renumbered, and default or empty values ("level":
// "warning", "kind": "fail", empty arrays) left out; canonicalOracleResult
// undoes exactly that, and every oracle result must map to exactly one
// input result. The baseline's results carry guids (see the script): an
// absent result keeps its own, a matched one carries its baseline
// result's forward as correlationGuid.
func oracleStates(t *testing.T, dir string) (current []string, link []int, absent map[int]bool) {
	t.Helper()
	index := func(name string) map[string][]int {
		m := map[string][]int{}
		for i, r := range rawResults(t, readMultitoolFile(t, filepath.Join(dir, name))) {
			k := canonicalOracleResult(t, r)
			m[k] = append(m[k], i)
		}
		return m
	}
	curIdx, baseIdx := index("current.sarif"), index("baseline.sarif")
	nCur := 0
	for _, v := range curIdx {
		nCur += len(v)
	}
	current = make([]string, nCur)
	link = make([]int, nCur)
	absent = map[int]bool{}
	for k, r := range rawResults(t, readMultitoolFile(t, filepath.Join(dir, "oracle.sarif"))) {
		var head struct {
			BaselineState   string `json:"baselineState"`
			GUID            string `json:"guid"`
			CorrelationGUID string `json:"correlationGuid"`
		}
		require.NoError(t, json.Unmarshal(r, &head))
		key := canonicalOracleResult(t, r)
		pool := curIdx
		if head.BaselineState == "absent" {
			pool = baseIdx
		}
		require.NotEmpty(t, pool[key], "%s: oracle result %d maps to no input result", dir, k)
		i := pool[key][0]
		pool[key] = pool[key][1:]
		switch head.BaselineState {
		case "absent":
			require.Equal(t, i, baselineGUIDIndex(head.GUID), "%s: absent result %d keeps its baseline guid", dir, k)
			absent[i] = true
		case "new":
			current[i], link[i] = head.BaselineState, -1
		case "unchanged", "updated":
			current[i], link[i] = head.BaselineState, baselineGUIDIndex(head.CorrelationGUID)
			require.GreaterOrEqual(t, link[i], 0, "%s: matched result %d carries a baseline guid", dir, k)
		default:
			t.Fatalf("%s: oracle result %d has baselineState %q", dir, k, head.BaselineState)
		}
	}
	for i, s := range current {
		require.NotEmpty(t, s, "%s: current result %d missing from the oracle's output", dir, i)
	}
	return current, link, absent
}

// baselineGUIDPrefix starts the guids the script gives baseline results:
// the prefix, then the result's index + 1 in 12 digits.
const baselineGUIDPrefix = "00000000-0000-4000-8000-"

// baselineGUIDIndex returns the baseline index a guid names, or -1.
func baselineGUIDIndex(g string) int {
	n, ok := strings.CutPrefix(g, baselineGUIDPrefix)
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 1 {
		return -1
	}
	return i - 1
}

// canonicalOracleResult returns a result's JSON without what the multitool
// adds or rewrites, with sorted keys.
func canonicalOracleResult(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var r map[string]any
	require.NoError(t, json.Unmarshal(raw, &r))
	for _, k := range []string{"guid", "correlationGuid", "baselineState", "provenance", "ruleIndex"} {
		delete(r, k)
	}
	if p, ok := r["properties"].(map[string]any); ok {
		delete(p, "ResultMatching")
	}
	if r["level"] == "warning" {
		delete(r, "level")
	}
	if r["kind"] == "fail" {
		delete(r, "kind")
	}
	for _, k := range []string{"locations", "relatedLocations"} {
		locs, _ := r[k].([]any)
		for _, l := range locs {
			lm, _ := l.(map[string]any)
			pl, _ := lm["physicalLocation"].(map[string]any)
			if al, ok := pl["artifactLocation"].(map[string]any); ok {
				delete(al, "index")
			}
		}
	}
	b, err := json.Marshal(dropEmpty(r))
	require.NoError(t, err)
	return string(b)
}

// dropEmpty removes empty arrays and objects, recursively.
func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = dropEmpty(e)
			if isEmptyJSON(e) {
				delete(x, k)
				continue
			}
			x[k] = e
		}
	case []any:
		out := x[:0]
		for _, e := range x {
			if e = dropEmpty(e); !isEmptyJSON(e) {
				out = append(out, e)
			}
		}
		return out
	}
	return v
}

func isEmptyJSON(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
