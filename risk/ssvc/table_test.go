package ssvc_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk/ssvc"
)

const (
	coordinatorCSV  = "ssvc/data/csv/cisa/cisa_coordinator_2_0_3.csv"
	coordinatorJSON = "ssvc/data/json/decision_tables/cisa/cisa_coordinator_2_0_3.json"
	deployerCSV     = "ssvc/data/csv/ssvc/deployer_patch_application_priority_1_0_0.csv"
	deployerJSON    = "ssvc/data/json/decision_tables/ssvc/deployer_patch_application_priority_1_0_0.json"
)

// readCSV reads a published SSVC CSV table, checks its header and that
// its row column counts 0, 1, 2..., and returns the records without the
// header and without the row column.
func readCSV(t *testing.T, rel string, header []string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(string(testcorpus.ReadData(t, rel))))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	require.Equal(t, header, recs[0])
	out := make([][]string, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		require.Equal(t, strconv.Itoa(i), rec[0], "row column of CSV line %d", i+2)
		out = append(out, rec[1:])
	}
	return out
}

func TestCoordinatorCSV(t *testing.T) {
	recs := readCSV(t, coordinatorCSV, []string{"row", "Exploitation v1.1.0", "Automatable v2.0.0",
		"Technical Impact v1.0.0", "Mission and Well-Being Impact v1.0.0", "CISA Levels v1.1.0 (cisa)"})
	require.Len(t, recs, 36)
	table := ssvc.CoordinatorTable()
	require.Len(t, table, 36)
	for i, rec := range recs {
		// The CSV spells values exactly as the constants, so no parsing.
		in := ssvc.CoordinatorInput{
			Exploitation:     ssvc.Exploitation(rec[0]),
			Automatable:      ssvc.Automatable(rec[1]),
			TechnicalImpact:  ssvc.TechnicalImpact(rec[2]),
			MissionWellbeing: ssvc.MissionWellbeing(rec[3]),
		}
		want := ssvc.Decision(rec[4])
		got, err := ssvc.Coordinator(in)
		require.NoError(t, err, "row %d", i)
		assert.Equal(t, want, got, "row %d %v", i, rec)
		assert.Equal(t, ssvc.CoordinatorRow{Input: in, Decision: want}, table[i], "table row %d", i)
	}
}

func TestDeployerCSV(t *testing.T) {
	recs := readCSV(t, deployerCSV, []string{"row", "Exploitation v1.1.0", "System Exposure v1.0.1",
		"Automatable v2.0.0", "Human Impact v2.0.2", "Defer, Scheduled, Out-of-Cycle, Immediate v1.0.0"})
	require.Len(t, recs, 72)
	table := ssvc.DeployerTable()
	require.Len(t, table, 72)
	for i, rec := range recs {
		in := ssvc.DeployerInput{
			Exploitation: ssvc.Exploitation(rec[0]),
			Exposure:     ssvc.Exposure(rec[1]),
			Automatable:  ssvc.Automatable(rec[2]),
			HumanImpact:  ssvc.HumanImpact(rec[3]),
		}
		want := ssvc.Priority(rec[4])
		got, err := ssvc.Deployer(in)
		require.NoError(t, err, "row %d", i)
		assert.Equal(t, want, got, "row %d %v", i, rec)
		assert.Equal(t, ssvc.DeployerRow{Input: in, Priority: want}, table[i], "table row %d", i)
	}
}

// jsonTable is the part of an SSVC JSON decision table the tests use.
type jsonTable struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Outcome        string `json:"outcome"`
	DecisionPoints map[string]struct {
		Name   string `json:"name"`
		Values []struct {
			Key  string `json:"key"`
			Name string `json:"name"`
		} `json:"values"`
	} `json:"decision_points"`
	Mapping []map[string]string `json:"mapping"`
}

// readJSON reads a JSON decision table and returns its mapping with every
// value key replaced by the value's display name ("Public PoC"), keyed
// by decision point name ("Exploitation"), and the value names of each
// decision point in the table's order.
func readJSON(t *testing.T, rel string) (jt jsonTable, rows []map[string]string, values map[string][]string) {
	t.Helper()
	require.NoError(t, json.Unmarshal(testcorpus.ReadData(t, rel), &jt))
	values = map[string][]string{}
	for _, dp := range jt.DecisionPoints {
		for _, v := range dp.Values {
			values[dp.Name] = append(values[dp.Name], v.Name)
		}
	}
	for i, m := range jt.Mapping {
		row := map[string]string{}
		for id, key := range m {
			dp, ok := jt.DecisionPoints[id]
			require.True(t, ok, "mapping %d: unknown decision point %s", i, id)
			name := ""
			for _, v := range dp.Values {
				if v.Key == key {
					name = v.Name
				}
			}
			require.NotEmpty(t, name, "mapping %d: unknown value %s of %s", i, key, id)
			row[dp.Name] = name
		}
		rows = append(rows, row)
	}
	return jt, rows, values
}

// parseAll applies parse to each name and returns the results as strings.
func parseAll[T ~string](t *testing.T, parse func(string) (T, error), names []string) []string {
	t.Helper()
	out := make([]string, len(names))
	for i, n := range names {
		v, err := parse(n)
		require.NoError(t, err, "parse %q", n)
		out[i] = string(v)
	}
	return out
}

func TestCoordinatorJSON(t *testing.T) {
	jt, rows, values := readJSON(t, coordinatorJSON)
	require.Equal(t, ssvc.CoordinatorVersion, jt.Name+" "+jt.Version)
	require.Len(t, rows, 36)
	// The value order of each decision point is the order the index
	// arithmetic relies on.
	assert.Equal(t, []string{"none", "public poc", "active"}, parseAll(t, ssvc.ParseExploitation, values["Exploitation"]))
	assert.Equal(t, []string{"no", "yes"}, parseAll(t, ssvc.ParseAutomatable, values["Automatable"]))
	assert.Equal(t, []string{"partial", "total"}, parseAll(t, ssvc.ParseTechnicalImpact, values["Technical Impact"]))
	assert.Equal(t, []string{"low", "medium", "high"}, parseAll(t, ssvc.ParseMissionWellbeing, values["Mission and Well-Being Impact"]))
	assert.Equal(t, []string{"track", "track*", "attend", "act"}, parseAll(t, ssvc.ParseDecision, values["CISA Levels"]))
	table := ssvc.CoordinatorTable()
	for i, row := range rows {
		var in ssvc.CoordinatorInput
		var err error
		in.Exploitation, err = ssvc.ParseExploitation(row["Exploitation"])
		require.NoError(t, err)
		in.Automatable, err = ssvc.ParseAutomatable(row["Automatable"])
		require.NoError(t, err)
		in.TechnicalImpact, err = ssvc.ParseTechnicalImpact(row["Technical Impact"])
		require.NoError(t, err)
		in.MissionWellbeing, err = ssvc.ParseMissionWellbeing(row["Mission and Well-Being Impact"])
		require.NoError(t, err)
		want, err := ssvc.ParseDecision(row["CISA Levels"])
		require.NoError(t, err)
		got, err := ssvc.Coordinator(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, "mapping %d %v", i, row)
		assert.Equal(t, ssvc.CoordinatorRow{Input: in, Decision: want}, table[i], "mapping %d", i)
	}
}

func TestDeployerJSON(t *testing.T) {
	jt, rows, values := readJSON(t, deployerJSON)
	require.Equal(t, ssvc.DeployerVersion, "SSVC "+jt.Name+" "+jt.Version)
	require.Len(t, rows, 72)
	const outcome = "Defer, Scheduled, Out-of-Cycle, Immediate"
	assert.Equal(t, []string{"none", "public poc", "active"}, parseAll(t, ssvc.ParseExploitation, values["Exploitation"]))
	assert.Equal(t, []string{"small", "controlled", "open"}, parseAll(t, ssvc.ParseExposure, values["System Exposure"]))
	assert.Equal(t, []string{"no", "yes"}, parseAll(t, ssvc.ParseAutomatable, values["Automatable"]))
	assert.Equal(t, []string{"low", "medium", "high", "very high"}, parseAll(t, ssvc.ParseHumanImpact, values["Human Impact"]))
	assert.Equal(t, []string{"defer", "scheduled", "out-of-cycle", "immediate"}, parseAll(t, ssvc.ParsePriority, values[outcome]))
	table := ssvc.DeployerTable()
	for i, row := range rows {
		var in ssvc.DeployerInput
		var err error
		in.Exploitation, err = ssvc.ParseExploitation(row["Exploitation"])
		require.NoError(t, err)
		in.Exposure, err = ssvc.ParseExposure(row["System Exposure"])
		require.NoError(t, err)
		in.Automatable, err = ssvc.ParseAutomatable(row["Automatable"])
		require.NoError(t, err)
		in.HumanImpact, err = ssvc.ParseHumanImpact(row["Human Impact"])
		require.NoError(t, err)
		want, err := ssvc.ParsePriority(row[outcome])
		require.NoError(t, err)
		got, err := ssvc.Deployer(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, "mapping %d %v", i, row)
		assert.Equal(t, ssvc.DeployerRow{Input: in, Priority: want}, table[i], "mapping %d", i)
	}
}

// TestCoordinatorPinned pins every row of the CISA Coordinator 2.0.3 table
// without the shared data, so that the check runs everywhere.
func TestCoordinatorPinned(t *testing.T) {
	tests := []struct {
		e, a, ti, mwi string
		want          ssvc.Decision
	}{
		{"none", "no", "partial", "low", ssvc.DecisionTrack},
		{"none", "no", "partial", "medium", ssvc.DecisionTrack},
		{"none", "no", "partial", "high", ssvc.DecisionTrack},
		{"none", "no", "total", "low", ssvc.DecisionTrack},
		{"none", "no", "total", "medium", ssvc.DecisionTrack},
		{"none", "no", "total", "high", ssvc.DecisionTrackStar},
		{"none", "yes", "partial", "low", ssvc.DecisionTrack},
		{"none", "yes", "partial", "medium", ssvc.DecisionTrack},
		{"none", "yes", "partial", "high", ssvc.DecisionAttend},
		{"none", "yes", "total", "low", ssvc.DecisionTrack},
		{"none", "yes", "total", "medium", ssvc.DecisionTrack},
		{"none", "yes", "total", "high", ssvc.DecisionAttend},
		{"public poc", "no", "partial", "low", ssvc.DecisionTrack},
		{"public poc", "no", "partial", "medium", ssvc.DecisionTrack},
		{"public poc", "no", "partial", "high", ssvc.DecisionTrackStar},
		{"public poc", "no", "total", "low", ssvc.DecisionTrack},
		{"public poc", "no", "total", "medium", ssvc.DecisionTrackStar},
		{"public poc", "no", "total", "high", ssvc.DecisionAttend},
		{"public poc", "yes", "partial", "low", ssvc.DecisionTrack},
		{"public poc", "yes", "partial", "medium", ssvc.DecisionTrack},
		{"public poc", "yes", "partial", "high", ssvc.DecisionAttend},
		{"public poc", "yes", "total", "low", ssvc.DecisionTrack},
		{"public poc", "yes", "total", "medium", ssvc.DecisionTrackStar},
		{"public poc", "yes", "total", "high", ssvc.DecisionAttend},
		{"active", "no", "partial", "low", ssvc.DecisionTrack},
		{"active", "no", "partial", "medium", ssvc.DecisionTrack},
		{"active", "no", "partial", "high", ssvc.DecisionAttend},
		{"active", "no", "total", "low", ssvc.DecisionTrack},
		{"active", "no", "total", "medium", ssvc.DecisionAttend},
		{"active", "no", "total", "high", ssvc.DecisionAct},
		{"active", "yes", "partial", "low", ssvc.DecisionAttend},
		{"active", "yes", "partial", "medium", ssvc.DecisionAttend},
		{"active", "yes", "partial", "high", ssvc.DecisionAct},
		{"active", "yes", "total", "low", ssvc.DecisionAttend},
		{"active", "yes", "total", "medium", ssvc.DecisionAct},
		{"active", "yes", "total", "high", ssvc.DecisionAct},
	}
	require.Len(t, tests, 36)
	table := ssvc.CoordinatorTable()
	require.Len(t, table, len(tests))
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d/%s/%s/%s/%s", i, tt.e, tt.a, tt.ti, tt.mwi), func(t *testing.T) {
			in := ssvc.CoordinatorInput{
				Exploitation:     ssvc.Exploitation(tt.e),
				Automatable:      ssvc.Automatable(tt.a),
				TechnicalImpact:  ssvc.TechnicalImpact(tt.ti),
				MissionWellbeing: ssvc.MissionWellbeing(tt.mwi),
			}
			got, err := ssvc.Coordinator(in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, ssvc.CoordinatorRow{Input: in, Decision: tt.want}, table[i])
		})
	}
}

// TestDeployerPinned pins the corners and a few inner rows of the
// Deployer table without the shared data; TestDeployerCSV checks all 72.
func TestDeployerPinned(t *testing.T) {
	tests := []struct {
		row        int
		e, x, a, h string
		want       ssvc.Priority
	}{
		{0, "none", "small", "no", "low", ssvc.PriorityDefer},
		{2, "none", "small", "no", "high", ssvc.PriorityScheduled},
		{12, "none", "controlled", "yes", "low", ssvc.PriorityScheduled},
		{16, "none", "open", "no", "low", ssvc.PriorityDefer},
		{23, "none", "open", "yes", "very high", ssvc.PriorityOutOfCycle},
		{32, "public poc", "controlled", "no", "low", ssvc.PriorityDefer},
		{39, "public poc", "controlled", "yes", "very high", ssvc.PriorityOutOfCycle},
		{40, "public poc", "open", "no", "low", ssvc.PriorityScheduled},
		{46, "public poc", "open", "yes", "high", ssvc.PriorityOutOfCycle},
		{48, "active", "small", "no", "low", ssvc.PriorityScheduled},
		{53, "active", "small", "yes", "medium", ssvc.PriorityOutOfCycle},
		{57, "active", "controlled", "no", "medium", ssvc.PriorityScheduled},
		{64, "active", "open", "no", "low", ssvc.PriorityScheduled},
		{67, "active", "open", "no", "very high", ssvc.PriorityImmediate},
		{69, "active", "open", "yes", "medium", ssvc.PriorityOutOfCycle},
		{70, "active", "open", "yes", "high", ssvc.PriorityImmediate},
		{71, "active", "open", "yes", "very high", ssvc.PriorityImmediate},
	}
	table := ssvc.DeployerTable()
	require.Len(t, table, 72)
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.row), func(t *testing.T) {
			in := ssvc.DeployerInput{
				Exploitation: ssvc.Exploitation(tt.e),
				Exposure:     ssvc.Exposure(tt.x),
				Automatable:  ssvc.Automatable(tt.a),
				HumanImpact:  ssvc.HumanImpact(tt.h),
			}
			got, err := ssvc.Deployer(in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, ssvc.DeployerRow{Input: in, Priority: tt.want}, table[tt.row])
		})
	}
}

// TestMonotone checks a property of both tables: raising any one input
// never lowers the outcome.
func TestMonotone(t *testing.T) {
	rank := map[string]int{
		"none": 0, "public poc": 1, "active": 2, "no": 0, "yes": 1, "partial": 0, "total": 1,
		"low": 0, "medium": 1, "high": 2, "very high": 3, "small": 0, "controlled": 1, "open": 2,
	}
	ct := ssvc.CoordinatorTable()
	key := func(in ssvc.CoordinatorInput) [4]int {
		return [4]int{rank[string(in.Exploitation)], rank[string(in.Automatable)], rank[string(in.TechnicalImpact)], rank[string(in.MissionWellbeing)]}
	}
	for _, lo := range ct {
		for _, hi := range ct {
			kl, kh := key(lo.Input), key(hi.Input)
			if kl[0] <= kh[0] && kl[1] <= kh[1] && kl[2] <= kh[2] && kl[3] <= kh[3] {
				assert.LessOrEqual(t, lo.Decision.Rank(), hi.Decision.Rank(), "%v -> %v", lo, hi)
			}
		}
	}
	dt := ssvc.DeployerTable()
	dkey := func(in ssvc.DeployerInput) [4]int {
		return [4]int{rank[string(in.Exploitation)], rank[string(in.Exposure)], rank[string(in.Automatable)], rank[string(in.HumanImpact)]}
	}
	for _, lo := range dt {
		for _, hi := range dt {
			kl, kh := dkey(lo.Input), dkey(hi.Input)
			if kl[0] <= kh[0] && kl[1] <= kh[1] && kl[2] <= kh[2] && kl[3] <= kh[3] {
				assert.LessOrEqual(t, lo.Priority.Rank(), hi.Priority.Rank(), "%v -> %v", lo, hi)
			}
		}
	}
}

func TestTablesAreCopies(t *testing.T) {
	a := ssvc.CoordinatorTable()
	a[0].Decision = ssvc.DecisionAct
	assert.Equal(t, ssvc.DecisionTrack, ssvc.CoordinatorTable()[0].Decision)
	d := ssvc.DeployerTable()
	d[0].Priority = ssvc.PriorityImmediate
	assert.Equal(t, ssvc.PriorityDefer, ssvc.DeployerTable()[0].Priority)
}
