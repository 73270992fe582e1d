package cvss_test

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/risk/cvss"
)

func TestParseVersions(t *testing.T) {
	for _, tc := range []struct {
		in      string
		version cvss.Version
		text    string
		score   float64
		rating  cvss.Rating
	}{
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", cvss.V2, "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, cvss.RatingHigh},
		{"(AV:N/AC:L/Au:N/C:P/I:P/A:P)", cvss.V2, "(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5, cvss.RatingHigh},
		{"AV:L/AC:H/Au:M/C:N/I:N/A:N", cvss.V2, "AV:L/AC:H/Au:M/C:N/I:N/A:N", 0, cvss.RatingLow},
		{"  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n", cvss.V31, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, cvss.RatingCritical},
		{"CVSS:3.1/S:U/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N", cvss.V31, "CVSS:3.1/S:U/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N", 9.8, cvss.RatingCritical},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", cvss.V30, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, cvss.RatingNone},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", cvss.V40, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, cvss.RatingCritical},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/U:Amber", cvss.V40, "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/U:Amber", 4.6, cvss.RatingMedium},
	} {
		t.Run(tc.in, func(t *testing.T) {
			v, err := cvss.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.version, v.Version())
			assert.Equal(t, tc.text, v.String())
			s := v.Scores()
			assert.Equal(t, tc.version, s.Version)
			assert.Equal(t, tc.score, s.Score)
			assert.Equal(t, tc.rating, s.Rating)
		})
	}
}

func TestParseErrors(t *testing.T) {
	long := "CVSS:3.1/AV:N/" + strings.Repeat("X", cvss.MaxVectorBytes)
	for _, tc := range []struct {
		name, in, metric, reason string
	}{
		{"empty", "", "", "empty vector"},
		{"blank", " \t\n", "", "empty vector"},
		{"prefix only", "CVSS:3.1", "", "no metrics"},
		{"prefix and slash", "CVSS:3.1/", "", "no metrics"},
		{"unsupported version", "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS", `unsupported version "2.0"`},
		{"future version", "CVSS:5.0/AV:N", "CVSS", `unsupported version "5.0"`},
		{"missing base metric", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A", "missing"},
		{"duplicate", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "more than once"},
		{"bad value", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", `value "Q" is not one of N, A, L, P`},
		{"lower case value", "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", `value "n"`},
		{"lower case metric", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/vc:H/VI:H/VA:H/SC:N/SI:N/SA:N", "vc", "unknown CVSS v4.0 metric"},
		{"v4 metric in v3", "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", "AT", "unknown CVSS v3.1 metric"},
		{"v4 out of order", "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AV", "out of order"},
		{"v4 threat after environmental", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", "E", "out of order"},
		{"v4 SI:S", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "SI", `value "S"`},
		{"v2 out of order", "AC:L/AV:N/Au:N/C:P/I:P/A:P", "AV", "out of order"},
		{"v2 temporal before base", "AV:N/AC:L/Au:N/C:P/I:P/E:F/A:P", "A", "out of order"},
		{"v3 without prefix", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "PR", `start with "CVSS:3.1/"`},
		{"trailing slash", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "", "empty metric"},
		{"double slash", "AV:N//AC:L/Au:N/C:P/I:P/A:P", "", "empty metric"},
		{"no colon", "CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "", `"AV" is not METRIC:VALUE`},
		{"two colons", "CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", `value "N:L"`},
		{"open parenthesis", "(AV:N/AC:L/Au:N/C:P/I:P/A:P", "", `"(" without a closing ")"`},
		{"empty parentheses", "()", "", "empty vector"},
		{"garbage", "hello", "", `"hello" is not METRIC:VALUE`},
		{"too long", long, "", "longer than 1024 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := cvss.Parse(tc.in)
			require.Error(t, err)
			assert.Nil(t, v)
			assert.ErrorIs(t, err, cvss.ErrInvalid)
			var pe *cvss.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.metric, pe.Metric)
			assert.Contains(t, pe.Reason, tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), "cvss: invalid vector "), err.Error())
			assert.LessOrEqual(t, len(pe.Vector), cvss.MaxVectorBytes)
		})
	}
}

// TestMaxVectorBytes checks the limit at N and N+1 bytes (after trimming).
func TestMaxVectorBytes(t *testing.T) {
	valid := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	atLimit := valid + "/" + strings.Repeat("Z", cvss.MaxVectorBytes-len(valid)-1)
	require.Len(t, atLimit, cvss.MaxVectorBytes)

	_, err := cvss.Parse(" " + atLimit + " ")
	var pe *cvss.ParseError
	require.ErrorAs(t, err, &pe)
	assert.NotContains(t, pe.Reason, "longer than", "N bytes are read")
	assert.Equal(t, atLimit, pe.Vector)

	_, err = cvss.Parse(atLimit + "Z")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "longer than 1024 bytes", pe.Reason)
	assert.True(t, strings.HasSuffix(pe.Vector, "..."))
	assert.Less(t, len(pe.Vector), 100)
}

func TestParseErrorMessage(t *testing.T) {
	err := &cvss.ParseError{Vector: "AV:X", Metric: "AV", Reason: "value \"X\" is not one of L, A, N"}
	assert.Equal(t, `cvss: invalid vector "AV:X": metric AV: value "X" is not one of L, A, N`, err.Error())
	assert.Equal(t, `cvss: invalid vector "": empty vector`, (&cvss.ParseError{Reason: "empty vector"}).Error())
	assert.Equal(t, `cvss: invalid vector "x": unknown reason`, (&cvss.ParseError{Vector: "x"}).Error())
	assert.True(t, errors.Is(err, cvss.ErrInvalid))
}

func TestParseWithOptions(t *testing.T) {
	_, err := cvss.ParseWith("AV:N/AC:L/Au:N/C:P/I:P/A:P", cvss.Options{Rounding: 7})
	assert.ErrorIs(t, err, cvss.ErrOptions)
	assert.NotErrorIs(t, err, cvss.ErrInvalid)
	assert.Contains(t, err.Error(), "unknown Rounding 7")

	v, err := cvss.ParseWith("AV:N/AC:L/Au:N/C:P/I:P/A:P", reference)
	require.NoError(t, err)
	assert.Equal(t, reference, v.Options())
	assert.Equal(t, "current", cvss.RoundingCurrent.String())
	assert.Equal(t, "reference", cvss.RoundingReference.String())
	assert.Equal(t, "Rounding(9)", cvss.Rounding(9).String())
}

// TestPinnedScores pins, without the shared data, the scores this package
// gets right where go-cvss alone does not (see the package documentation).
func TestPinnedScores(t *testing.T) {
	for _, tc := range []struct {
		name, vector        string
		current, reference  float64
		temporal, environ   float64
		checkTemporalEnvirn bool
	}{
		{
			name:    "v4.0 rounding correction (FIRST reference file 1.5, current calculator 1.6)",
			vector:  "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L/E:U/CR:L/IR:M/AR:H/MAV:L/MAC:L/MAT:P/MPR:H/MUI:N/MVC:L/MVI:X/MVA:X/MSC:L/MSI:N/MSA:X/S:X/AU:X/R:U/V:D/RE:X/U:Green",
			current: 1.6, reference: 1.5,
		},
		{
			name:    "v4.0 severity distances in tenths (go-cvss 0.6)",
			vector:  "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:L/IR:M/AR:X/MAV:L/MAC:H/MAT:N/MPR:H/MUI:X/MVC:N/MVI:L/MVA:L/MSC:N/MSI:S/MSA:N/S:P/AU:N/R:I/V:D/RE:X/U:X",
			current: 0.7, reference: 0.7,
		},
		{
			name:    "v3.0 Round up in float64 (go-cvss 4.6)",
			vector:  "CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U",
			current: 5.0, reference: 5.0, temporal: 4.7, environ: 4.7, checkTemporalEnvirn: true,
		},
		{
			name:    "v3.1 Roundup",
			vector:  "CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U",
			current: 5.0, reference: 5.0, temporal: 4.6, environ: 4.6, checkTemporalEnvirn: true,
		},
		{
			name:    "v2 exact decimal rounding (go-cvss 8.5)",
			vector:  "AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C",
			current: 9.0, reference: 9.0, temporal: 8.6, environ: 8.6, checkTemporalEnvirn: true,
		},
		{
			name:    "v2 with some temporal and environmental metrics left out",
			vector:  "AV:L/AC:L/Au:S/C:P/I:P/A:P/E:U/RC:C/CDP:LM/TD:L/IR:H/AR:M",
			current: 4.3, reference: 4.3, temporal: 3.7, environ: 1.5, checkTemporalEnvirn: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur := mustParse(t, tc.vector, cvss.Options{}).Scores()
			ref := mustParse(t, tc.vector, reference).Scores()
			assert.Equal(t, tc.current, cur.Score)
			assert.Equal(t, tc.reference, ref.Score)
			if tc.checkTemporalEnvirn {
				assert.Equal(t, tc.temporal, cur.Temporal)
				assert.Equal(t, tc.environ, cur.Environmental)
			}
		})
	}
}

func TestScoresV4(t *testing.T) {
	const base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	for _, tc := range []struct {
		suffix       string
		nomenclature string
		score        float64
		hasT, hasE   bool
	}{
		{"", "CVSS-B", 9.3, false, false},
		{"/E:X/CR:X/S:P/U:Red", "CVSS-B", 9.3, false, false},
		{"/E:U", "CVSS-BT", 8.1, true, false},
		{"/CR:L/IR:L/AR:L", "CVSS-BE", 8.9, false, true},
		{"/E:P/MAV:P", "CVSS-BTE", 5.2, true, true},
	} {
		t.Run(tc.suffix, func(t *testing.T) {
			s := mustParse(t, base+tc.suffix, cvss.Options{}).Scores()
			assert.Equal(t, cvss.V40, s.Version)
			assert.Equal(t, tc.nomenclature, s.Nomenclature)
			assert.Equal(t, tc.score, s.Score)
			assert.Equal(t, tc.score, s.Effective())
			assert.Equal(t, 9.3, s.Base, "the base metrics alone")
			assert.Equal(t, tc.hasT, s.HasTemporal)
			assert.Equal(t, tc.hasE, s.HasEnvironmental)
			assert.Zero(t, s.Temporal)
			assert.Zero(t, s.Environmental)
			assert.Equal(t, cvss.RatingOf(cvss.V40, tc.score), s.Rating)
		})
	}
}

func TestScoresEffective(t *testing.T) {
	for _, tc := range []struct {
		s    cvss.Scores
		want float64
	}{
		{cvss.Scores{Version: cvss.V31, Base: 9.8, Temporal: 9.1, Environmental: 7.0}, 9.8},
		{cvss.Scores{Version: cvss.V31, Base: 9.8, Temporal: 9.1, Environmental: 7.0, HasTemporal: true}, 9.1},
		{cvss.Scores{Version: cvss.V2, Base: 9.8, Temporal: 9.1, Environmental: 7.0, HasEnvironmental: true}, 7.0},
		{cvss.Scores{Version: cvss.V40, Base: 9.3, Score: 6.9, HasEnvironmental: true}, 6.9},
		{cvss.Scores{}, 0},
	} {
		assert.Equal(t, tc.want, tc.s.Effective(), "%+v", tc.s)
	}
	s := mustParse(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/RL:O/CR:L", cvss.Options{}).Scores()
	assert.Equal(t, 8.6, s.Score)
	assert.Equal(t, 8.2, s.Temporal)
	assert.Equal(t, 6.0, s.Environmental)
	assert.Equal(t, 6.0, s.Effective())
	assert.True(t, s.HasTemporal)
	assert.True(t, s.HasEnvironmental)
	assert.Empty(t, s.Nomenclature)

	s = mustParse(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/E:X/RL:X/CR:X", cvss.Options{}).Scores()
	assert.False(t, s.HasTemporal, "X is not defined")
	assert.False(t, s.HasEnvironmental)
	assert.Equal(t, 8.6, s.Effective())
}

func TestRatingOf(t *testing.T) {
	for _, tc := range []struct {
		v     cvss.Version
		score float64
		want  cvss.Rating
	}{
		{cvss.V31, 0, cvss.RatingNone},
		{cvss.V31, 0.1, cvss.RatingLow},
		{cvss.V31, 3.9, cvss.RatingLow},
		{cvss.V31, 4.0, cvss.RatingMedium},
		{cvss.V30, 6.9, cvss.RatingMedium},
		{cvss.V40, 7.0, cvss.RatingHigh},
		{cvss.V40, 8.9, cvss.RatingHigh},
		{cvss.V40, 9.0, cvss.RatingCritical},
		{cvss.V40, 10, cvss.RatingCritical},
		{"9.9", 5, cvss.RatingMedium},
		{cvss.V2, 0, cvss.RatingLow},
		{cvss.V2, 3.9, cvss.RatingLow},
		{cvss.V2, 4.0, cvss.RatingMedium},
		{cvss.V2, 6.9, cvss.RatingMedium},
		{cvss.V2, 7.0, cvss.RatingHigh},
		{cvss.V2, 10, cvss.RatingHigh},
		{cvss.V31, -0.1, ""},
		{cvss.V31, 10.1, ""},
		{cvss.V2, math.NaN(), ""},
		{cvss.V40, math.Inf(1), ""},
	} {
		assert.Equal(t, tc.want, cvss.RatingOf(tc.v, tc.score), "%s %v", tc.v, tc.score)
	}
}

func TestMetricAndEffective(t *testing.T) {
	v4 := mustParse(t, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/IR:L/MAV:A/MVC:X/MSI:S/AU:Y", cvss.Options{})
	v3 := mustParse(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:O/MS:C/MPR:X", cvss.Options{})
	v2 := mustParse(t, "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/RL:OF/TD:L", cvss.Options{})
	for _, tc := range []struct {
		v           *cvss.Vector
		abbr        string
		metric      string
		metricOK    bool
		effective   string
		effectiveOK bool
	}{
		{v4, "AV", "N", true, "A", true},
		{v4, "MAV", "A", true, "A", true},
		{v4, "VC", "H", true, "H", true},
		{v4, "MVC", "", false, "X", true},
		{v4, "SI", "N", true, "S", true},
		{v4, "E", "", false, "A", true},
		{v4, "CR", "", false, "H", true},
		{v4, "IR", "L", true, "L", true},
		{v4, "AU", "Y", true, "Y", true},
		{v4, "U", "", false, "X", true},
		{v4, "Au", "", false, "", false},
		{v3, "S", "U", true, "C", true},
		{v3, "PR", "N", true, "N", true},
		{v3, "E", "", false, "H", true},
		{v3, "RL", "O", true, "O", true},
		{v3, "RC", "", false, "C", true},
		{v3, "CR", "", false, "M", true},
		{v3, "MPR", "", false, "X", true},
		{v3, "AT", "", false, "", false},
		{v2, "Au", "N", true, "N", true},
		{v2, "E", "", false, "H", true},
		{v2, "RL", "OF", true, "OF", true},
		{v2, "CDP", "", false, "N", true},
		{v2, "TD", "L", true, "L", true},
		{v2, "AR", "", false, "M", true},
		{v2, "PR", "", false, "", false},
	} {
		t.Run(string(tc.v.Version())+"/"+tc.abbr, func(t *testing.T) {
			got, ok := tc.v.Metric(tc.abbr)
			assert.Equal(t, tc.metricOK, ok)
			assert.Equal(t, tc.metric, got)
			got, ok = tc.v.Effective(tc.abbr)
			assert.Equal(t, tc.effectiveOK, ok)
			assert.Equal(t, tc.effective, got)
		})
	}
}

func TestWith(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		opts      cvss.Options
		overrides map[string]string
		want      string
		effective float64
	}{
		{
			name:      "v3.1 environmental",
			in:        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/RL:O",
			overrides: map[string]string{"CR": "L"},
			want:      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/RL:O/CR:L",
			effective: 6.0,
		},
		{
			name:      "v3.1 replace and insert in order",
			in:        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L",
			overrides: map[string]string{"MAV": "P", "E": "U", "AR": "H"},
			want:      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/AR:H/MAV:P",
			effective: 6.2,
		},
		{
			name:      "v4.0 threat and environmental",
			in:        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Red",
			overrides: map[string]string{"E": "P", "MAV": "P", "CR": "X"},
			want:      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/CR:X/MAV:P/U:Red",
			effective: 5.2,
		},
		{
			name:      "v4.0 remove",
			in:        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
			overrides: map[string]string{"E": "", "CR": ""},
			want:      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
			effective: 9.3,
		},
		{
			name:      "v4.0 keeps the rounding",
			in:        "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L",
			opts:      reference,
			overrides: map[string]string{"E": "U", "CR": "L", "IR": "M", "AR": "H", "MAV": "L", "MAC": "L", "MAT": "P", "MPR": "H", "MUI": "N", "MVC": "L", "MSC": "L", "MSI": "N", "R": "U", "V": "D", "U": "Green"},
			want:      "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L/E:U/CR:L/IR:M/AR:H/MAV:L/MAC:L/MAT:P/MPR:H/MUI:N/MVC:L/MSC:L/MSI:N/R:U/V:D/U:Green",
			effective: 1.5,
		},
		{
			name:      "v2 in parentheses",
			in:        "(AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C)",
			overrides: map[string]string{"AR": "H", "IR": "M", "CR": "M", "TD": "H", "CDP": "H"},
			want:      "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H",
			effective: 9.2,
		},
		{
			name:      "nothing",
			in:        "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
			overrides: nil,
			want:      "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
			effective: 3.7,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := mustParse(t, tc.in, tc.opts)
			before := v.Scores()
			w, err := v.With(tc.overrides)
			require.NoError(t, err)
			assert.Equal(t, tc.want, w.String())
			assert.Equal(t, tc.effective, w.Scores().Effective())
			assert.Equal(t, tc.opts, w.Options())
			assert.Equal(t, before, v.Scores(), "the receiver is unchanged")
			assert.Equal(t, tc.in, v.String())
		})
	}
}

func TestWithErrors(t *testing.T) {
	v := mustParse(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", cvss.Options{})
	for _, tc := range []struct {
		overrides      map[string]string
		metric, reason string
	}{
		{map[string]string{"AV": ""}, "AV", "missing"},
		{map[string]string{"AV": "Q"}, "AV", `value "Q"`},
		{map[string]string{"CDP": "H"}, "CDP", "unknown CVSS v3.1 metric"},
		{map[string]string{"E": "U/E:P"}, "E", "more than once"},
	} {
		_, err := v.With(tc.overrides)
		var pe *cvss.ParseError
		require.ErrorAs(t, err, &pe, "%v", tc.overrides)
		assert.Equal(t, tc.metric, pe.Metric)
		assert.Contains(t, pe.Reason, tc.reason)
	}
	_, err := (*cvss.Vector)(nil).With(map[string]string{"E": "U"})
	assert.ErrorIs(t, err, cvss.ErrInvalid)
}

func TestNilVector(t *testing.T) {
	var v *cvss.Vector
	assert.Empty(t, v.Version())
	assert.Empty(t, v.String())
	assert.Equal(t, cvss.Scores{}, v.Scores())
	assert.Equal(t, cvss.Options{}, v.Options())
	_, ok := v.Metric("AV")
	assert.False(t, ok)
	_, ok = v.Effective("AV")
	assert.False(t, ok)
}

func TestConcurrentParse(t *testing.T) {
	vectors := []string{
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"AV:N/AC:L/Au:N/C:P/I:P/A:P",
	}
	want := make([]cvss.Scores, len(vectors))
	for i, s := range vectors {
		want[i] = mustParse(t, s, cvss.Options{}).Scores()
	}
	shared := mustParse(t, vectors[0], cvss.Options{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(vectors)
				v, err := cvss.Parse(vectors[k])
				if assert.NoError(t, err) {
					assert.Equal(t, want[k], v.Scores())
				}
				assert.Equal(t, want[0], shared.Scores())
				_, _ = shared.Metric("AV")
			}
		})
	}
	wg.Wait()
}

func TestAnyOrder(t *testing.T) {
	ordered := "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P"
	shuffled := "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/E:P/SC:N/SI:N/SA:N"
	_, err := cvss.Parse(shuffled)
	require.ErrorIs(t, err, cvss.ErrInvalid, "the specification's order by default")
	a, err := cvss.Parse(ordered)
	require.NoError(t, err)
	b, err := cvss.ParseWith(shuffled, cvss.Options{AnyOrder: true})
	require.NoError(t, err)
	assert.Equal(t, a.Scores(), b.Scores())
	assert.Equal(t, shuffled, b.String(), "the vector keeps its text")

	v2, err := cvss.ParseWith("Au:N/AV:N/AC:L/C:P/I:P/A:P", cvss.Options{AnyOrder: true})
	require.NoError(t, err)
	assert.InDelta(t, 7.5, v2.Scores().Base, 1e-9)
	_, err = cvss.ParseWith("CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", cvss.Options{AnyOrder: true})
	assert.ErrorIs(t, err, cvss.ErrInvalid, "a repeated metric is still an error")
}

// TestMessageOfHostileMetric holds what the hostile-input suite
// (internal/hostile) found: a metric name with invalid UTF-8 went into
// the message as it was. It is quoted now, and cut to 64 bytes.
func TestMessageOfHostileMetric(t *testing.T) {
	_, err := cvss.Parse("CVSS:3.1/A\xc3:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `metric "A\xc3": unknown CVSS v3.1 metric`)
	assert.True(t, utf8.ValidString(err.Error()))
	_, err = cvss.Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/" + strings.Repeat("Z", 500) + ":X")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `metric "`+strings.Repeat("Z", 64)+`"...: unknown`)
	_, err = cvss.Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N")
	assert.ErrorContains(t, err, "metric AV: given more than once", "plain metric names stay unquoted")
}
