package ssvc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/risk/ssvc"
)

// parseCase is one input of a Parse function and the value it must give,
// "" for an error.
type parseCase struct {
	in, want string
}

// checkParse runs cases through parse; point is the decision point name
// a failure must report.
func checkParse[T ~string](t *testing.T, parse func(string) (T, error), point string, cases []parseCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parse(tt.in)
			if tt.want == "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ssvc.ErrInvalid)
				var ve *ssvc.ValueError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, point, ve.Point)
				assert.Equal(t, tt.in, ve.Value)
				assert.Equal(t, T(""), got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, T(tt.want), got)
		})
	}
}

// bad are inputs that no Parse function accepts.
var bad = []parseCase{
	{"", ""}, {" ", ""}, {"-", ""}, {"bogus", ""}, {"x", ""}, {"\x00", ""},
	{strings.Repeat("a", 100), ""}, {"nonе", ""}, // Cyrillic е
}

func TestParseExploitation(t *testing.T) {
	checkParse(t, ssvc.ParseExploitation, ssvc.PointExploitation, append([]parseCase{
		{"none", "none"}, {"None", "none"}, {" NONE\t", "none"}, {"n", "none"},
		{"public poc", "public poc"}, {"Public PoC", "public poc"}, {"public-poc", "public poc"},
		{"public_PoC", "public poc"}, {"public   poc", "public poc"}, {"PoC", "public poc"},
		{"p", "public poc"}, {"proof-of-concept", "public poc"}, {"publicpoc", "public poc"},
		{"active", "active"}, {"Active", "active"}, {"A", "active"},
		{"public", ""}, {"public poc x", ""}, {"activ", ""}, {"no", ""},
	}, bad...))
}

func TestParseAutomatable(t *testing.T) {
	checkParse(t, ssvc.ParseAutomatable, ssvc.PointAutomatable, append([]parseCase{
		{"no", "no"}, {"No", "no"}, {"N", "no"}, {"false", "no"},
		{"yes", "yes"}, {"YES", "yes"}, {"y", "yes"}, {"True", "yes"},
		{"none", ""}, {"1", ""},
	}, bad...))
}

func TestParseTechnicalImpact(t *testing.T) {
	checkParse(t, ssvc.ParseTechnicalImpact, ssvc.PointTechnicalImpact, append([]parseCase{
		{"partial", "partial"}, {"Partial", "partial"}, {"P", "partial"},
		{"total", "total"}, {" TOTAL ", "total"}, {"t", "total"},
		{"full", ""}, {"low", ""},
	}, bad...))
}

func TestParseMissionWellbeing(t *testing.T) {
	checkParse(t, ssvc.ParseMissionWellbeing, ssvc.PointMissionWellbeing, append([]parseCase{
		{"low", "low"}, {"Low", "low"}, {"L", "low"},
		{"medium", "medium"}, {"Med", "medium"}, {"m", "medium"},
		{"high", "high"}, {"HIGH", "high"}, {"h", "high"},
		{"very high", ""}, {"critical", ""},
	}, bad...))
}

func TestParseExposure(t *testing.T) {
	checkParse(t, ssvc.ParseExposure, ssvc.PointExposure, append([]parseCase{
		{"small", "small"}, {"Small", "small"}, {"S", "small"},
		{"controlled", "controlled"}, {"Controlled", "controlled"}, {"c", "controlled"},
		{"open", "open"}, {"OPEN", "open"}, {"o", "open"},
		{"unavoidable", ""}, {"closed", ""},
	}, bad...))
}

func TestParseHumanImpact(t *testing.T) {
	checkParse(t, ssvc.ParseHumanImpact, ssvc.PointHumanImpact, append([]parseCase{
		{"low", "low"}, {"L", "low"}, {"medium", "medium"}, {"med", "medium"},
		{"high", "high"}, {"H", "high"},
		{"very high", "very high"}, {"Very High", "very high"}, {"very-high", "very high"},
		{"very_high", "very high"}, {"VeryHigh", "very high"}, {"VH", "very high"},
		{"very", ""}, {"veryhigh!", ""},
	}, bad...))
}

func TestParseDecision(t *testing.T) {
	checkParse(t, ssvc.ParseDecision, ssvc.PointDecision, append([]parseCase{
		{"track", "track"}, {"Track", "track"}, {"T", "track"},
		{"track*", "track*"}, {"Track*", "track*"}, {"TRACK*", "track*"}, {"track star", "track*"},
		{"Track-Star", "track*"}, {"T*", "track*"},
		{"attend", "attend"}, {"Attend", "attend"}, {"AT", "attend"},
		{"act", "act"}, {"Act", "act"}, {"AC", "act"},
		{"track**", ""}, {"*", ""}, {"acts", ""},
	}, bad...))
}

func TestParsePriority(t *testing.T) {
	checkParse(t, ssvc.ParsePriority, ssvc.PointPriority, append([]parseCase{
		{"defer", "defer"}, {"Defer", "defer"}, {"D", "defer"},
		{"scheduled", "scheduled"}, {"Scheduled", "scheduled"}, {"s", "scheduled"},
		{"out-of-cycle", "out-of-cycle"}, {"Out-of-Cycle", "out-of-cycle"}, {"out of cycle", "out-of-cycle"},
		{"out_of_cycle", "out-of-cycle"}, {"OutOfCycle", "out-of-cycle"}, {"o", "out-of-cycle"},
		{"immediate", "immediate"}, {"IMMEDIATE", "immediate"}, {"i", "immediate"},
		{"out of", ""}, {"now", ""},
	}, bad...))
}

func TestValid(t *testing.T) {
	for _, v := range []ssvc.Exploitation{ssvc.ExploitationNone, ssvc.ExploitationPoC, ssvc.ExploitationActive} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.Automatable{ssvc.AutomatableNo, ssvc.AutomatableYes} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.TechnicalImpact{ssvc.TechnicalImpactPartial, ssvc.TechnicalImpactTotal} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.MissionWellbeing{ssvc.MissionWellbeingLow, ssvc.MissionWellbeingMedium, ssvc.MissionWellbeingHigh} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.Exposure{ssvc.ExposureSmall, ssvc.ExposureControlled, ssvc.ExposureOpen} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.HumanImpact{ssvc.HumanImpactLow, ssvc.HumanImpactMedium, ssvc.HumanImpactHigh, ssvc.HumanImpactVeryHigh} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.Decision{ssvc.DecisionTrack, ssvc.DecisionTrackStar, ssvc.DecisionAttend, ssvc.DecisionAct} {
		assert.True(t, v.Valid(), v)
	}
	for _, v := range []ssvc.Priority{ssvc.PriorityDefer, ssvc.PriorityScheduled, ssvc.PriorityOutOfCycle, ssvc.PriorityImmediate} {
		assert.True(t, v.Valid(), v)
	}
	// Valid is exact: other spellings need a Parse function.
	tests := []struct {
		name  string
		valid bool
	}{
		{"empty exploitation", ssvc.Exploitation("").Valid()},
		{"poc", ssvc.Exploitation("poc").Valid()},
		{"Active", ssvc.Exploitation("Active").Valid()},
		{"empty automatable", ssvc.Automatable("").Valid()},
		{"Yes", ssvc.Automatable("Yes").Valid()},
		{"empty technical impact", ssvc.TechnicalImpact("").Valid()},
		{"empty mission", ssvc.MissionWellbeing("").Valid()},
		{"very high mission", ssvc.MissionWellbeing("very high").Valid()},
		{"empty exposure", ssvc.Exposure("").Valid()},
		{"very-high", ssvc.HumanImpact("very-high").Valid()},
		{"Track*", ssvc.Decision("Track*").Valid()},
		{"out of cycle", ssvc.Priority("out of cycle").Valid()},
	}
	for _, tt := range tests {
		assert.False(t, tt.valid, tt.name)
	}
}

func TestRank(t *testing.T) {
	tests := []struct {
		d    ssvc.Decision
		p    ssvc.Priority
		want int
	}{
		{ssvc.DecisionTrack, ssvc.PriorityDefer, 0},
		{ssvc.DecisionTrackStar, ssvc.PriorityScheduled, 1},
		{ssvc.DecisionAttend, ssvc.PriorityOutOfCycle, 2},
		{ssvc.DecisionAct, ssvc.PriorityImmediate, 3},
		{"", "", -1},
		{"Act", "Immediate", -1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.d.Rank(), "decision %q", tt.d)
		assert.Equal(t, tt.want, tt.p.Rank(), "priority %q", tt.p)
	}
}

func TestValueErrorMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&ssvc.ValueError{Point: ssvc.PointExploitation, Value: "maybe"},
			`ssvc: invalid decision point value: Exploitation "maybe" (want "none", "public poc" or "active")`},
		{&ssvc.ValueError{Point: ssvc.PointAutomatable, Value: ""},
			`ssvc: invalid decision point value: Automatable "" (want "no" or "yes")`},
		{&ssvc.ValueError{Point: ssvc.PointTechnicalImpact, Value: "x"},
			`ssvc: invalid decision point value: Technical Impact "x" (want "partial" or "total")`},
		{&ssvc.ValueError{Point: ssvc.PointMissionWellbeing, Value: "x"},
			`ssvc: invalid decision point value: Mission and Well-Being Impact "x" (want "low", "medium" or "high")`},
		{&ssvc.ValueError{Point: ssvc.PointExposure, Value: "x"},
			`ssvc: invalid decision point value: System Exposure "x" (want "small", "controlled" or "open")`},
		{&ssvc.ValueError{Point: ssvc.PointHumanImpact, Value: "x"},
			`ssvc: invalid decision point value: Human Impact "x" (want "low", "medium", "high" or "very high")`},
		{&ssvc.ValueError{Point: ssvc.PointDecision, Value: "x"},
			`ssvc: invalid decision point value: CISA Levels "x" (want "track", "track*", "attend" or "act")`},
		{&ssvc.ValueError{Point: ssvc.PointPriority, Value: "x"},
			`ssvc: invalid decision point value: Patch Application Priority "x" (want "defer", "scheduled", "out-of-cycle" or "immediate")`},
		{&ssvc.ValueError{Point: "Other", Value: "a\nb"},
			`ssvc: invalid decision point value: Other "a\nb"`},
		{&ssvc.ValueError{Point: "Other", Value: strings.Repeat("z", 70)},
			`ssvc: invalid decision point value: Other "` + strings.Repeat("z", 64) + `..."`},
	}
	for _, tt := range tests {
		assert.EqualError(t, tt.err, tt.want)
		assert.ErrorIs(t, tt.err, ssvc.ErrInvalid)
	}
}

func TestCoordinatorInvalid(t *testing.T) {
	valid := ssvc.CoordinatorInput{
		Exploitation: ssvc.ExploitationActive, Automatable: ssvc.AutomatableYes,
		TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingHigh,
	}
	tests := []struct {
		name   string
		modify func(*ssvc.CoordinatorInput)
		points []string
		values []string
	}{
		{"zero", func(in *ssvc.CoordinatorInput) { *in = ssvc.CoordinatorInput{} },
			[]string{ssvc.PointExploitation, ssvc.PointAutomatable, ssvc.PointTechnicalImpact, ssvc.PointMissionWellbeing},
			[]string{"", "", "", ""}},
		{"exploitation", func(in *ssvc.CoordinatorInput) { in.Exploitation = "poc" },
			[]string{ssvc.PointExploitation}, []string{"poc"}},
		{"automatable", func(in *ssvc.CoordinatorInput) { in.Automatable = "Yes" },
			[]string{ssvc.PointAutomatable}, []string{"Yes"}},
		{"technical impact", func(in *ssvc.CoordinatorInput) { in.TechnicalImpact = "" },
			[]string{ssvc.PointTechnicalImpact}, []string{""}},
		{"mission", func(in *ssvc.CoordinatorInput) { in.MissionWellbeing = "very high" },
			[]string{ssvc.PointMissionWellbeing}, []string{"very high"}},
		{"two", func(in *ssvc.CoordinatorInput) { in.Automatable = "maybe"; in.MissionWellbeing = "huge" },
			[]string{ssvc.PointAutomatable, ssvc.PointMissionWellbeing}, []string{"maybe", "huge"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid
			tt.modify(&in)
			got, err := ssvc.Coordinator(in)
			require.Error(t, err)
			assert.Equal(t, ssvc.Decision(""), got)
			checkValueErrors(t, err, tt.points, tt.values)
		})
	}
}

func TestDeployerInvalid(t *testing.T) {
	valid := ssvc.DeployerInput{
		Exploitation: ssvc.ExploitationNone, Exposure: ssvc.ExposureSmall,
		Automatable: ssvc.AutomatableNo, HumanImpact: ssvc.HumanImpactLow,
	}
	tests := []struct {
		name   string
		modify func(*ssvc.DeployerInput)
		points []string
		values []string
	}{
		{"zero", func(in *ssvc.DeployerInput) { *in = ssvc.DeployerInput{} },
			[]string{ssvc.PointExploitation, ssvc.PointExposure, ssvc.PointAutomatable, ssvc.PointHumanImpact},
			[]string{"", "", "", ""}},
		{"exploitation", func(in *ssvc.DeployerInput) { in.Exploitation = "None" },
			[]string{ssvc.PointExploitation}, []string{"None"}},
		{"exposure", func(in *ssvc.DeployerInput) { in.Exposure = "unavoidable" },
			[]string{ssvc.PointExposure}, []string{"unavoidable"}},
		{"automatable", func(in *ssvc.DeployerInput) { in.Automatable = "y" },
			[]string{ssvc.PointAutomatable}, []string{"y"}},
		{"human impact", func(in *ssvc.DeployerInput) { in.HumanImpact = "very-high" },
			[]string{ssvc.PointHumanImpact}, []string{"very-high"}},
		{"two", func(in *ssvc.DeployerInput) { in.Exploitation = "x"; in.HumanImpact = "y" },
			[]string{ssvc.PointExploitation, ssvc.PointHumanImpact}, []string{"x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid
			tt.modify(&in)
			got, err := ssvc.Deployer(in)
			require.Error(t, err)
			assert.Equal(t, ssvc.Priority(""), got)
			checkValueErrors(t, err, tt.points, tt.values)
		})
	}
}

// checkValueErrors checks that err wraps ErrInvalid and is one ValueError,
// or a join of several, for the given points and values in order.
func checkValueErrors(t *testing.T, err error, points, values []string) {
	t.Helper()
	assert.ErrorIs(t, err, ssvc.ErrInvalid)
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	require.Len(t, errs, len(points))
	for i, e := range errs {
		var ve *ssvc.ValueError
		require.True(t, errors.As(e, &ve), "%T", e)
		assert.Equal(t, points[i], ve.Point)
		assert.Equal(t, values[i], ve.Value)
	}
}

// TestNoAllocs checks that evaluating a table does not allocate.
func TestNoAllocs(t *testing.T) {
	cin := ssvc.CoordinatorInput{
		Exploitation: ssvc.ExploitationPoC, Automatable: ssvc.AutomatableYes,
		TechnicalImpact: ssvc.TechnicalImpactTotal, MissionWellbeing: ssvc.MissionWellbeingMedium,
	}
	din := ssvc.DeployerInput{
		Exploitation: ssvc.ExploitationActive, Exposure: ssvc.ExposureOpen,
		Automatable: ssvc.AutomatableNo, HumanImpact: ssvc.HumanImpactVeryHigh,
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ssvc.Coordinator(cin) }))
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ssvc.Deployer(din) }))
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ssvc.ParseHumanImpact("Very-High") }))
}
