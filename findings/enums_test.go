package findings

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in   string
		want Severity
		ok   bool
	}{
		{"CRITICAL", SeverityCritical, true},
		{" high ", SeverityHigh, true},
		{"error", SeverityHigh, true},
		{"Important", SeverityHigh, true},
		{"moderate", SeverityMedium, true},
		{"warning", SeverityMedium, true},
		{"note", SeverityLow, true},
		{"Negligible", SeverityLow, true},
		{"none", SeverityInfo, true},
		{"informational", SeverityInfo, true},
		{"unknown", SeverityUnknown, false},
		{"", SeverityUnknown, false},
		{"urgent-ish", SeverityUnknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseSeverity(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.ok, ok)
		})
	}
}

func TestSeverityFromScore(t *testing.T) {
	tests := []struct {
		score float64
		want  Severity
		ok    bool
	}{
		{10, SeverityCritical, true},
		{9.0, SeverityCritical, true},
		{8.9, SeverityHigh, true},
		{7.0, SeverityHigh, true},
		{6.9, SeverityMedium, true},
		{4.0, SeverityMedium, true},
		{3.9, SeverityLow, true},
		{0.1, SeverityLow, true},
		{0, SeverityInfo, true},
		{-1, SeverityUnknown, false},
		{10.1, SeverityUnknown, false},
		{math.NaN(), SeverityUnknown, false},
	}
	for _, tt := range tests {
		got, ok := SeverityFromScore(tt.score)
		assert.Equal(t, tt.want, got, "score %v", tt.score)
		assert.Equal(t, tt.ok, ok, "score %v", tt.score)
	}
}

func TestSeverityRankAndValid(t *testing.T) {
	for i := 1; i < len(Severities); i++ {
		assert.Greater(t, Severities[i-1].Rank(), Severities[i].Rank())
	}
	assert.True(t, SeverityUnknown.Valid())
	assert.False(t, Severity("").Valid())
	assert.False(t, Severity("severe").Valid())
	var s Severity
	assert.Error(t, s.UnmarshalText([]byte("moderate")))
	assert.NoError(t, s.UnmarshalText([]byte("low")))
	assert.Equal(t, SeverityLow, s)
}

func TestNormalizeCWE(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"CWE-79", "CWE-79", true},
		{"cwe-079", "CWE-79", true},
		{"external/cwe/cwe-079", "CWE-79", true},
		{"79", "CWE-79", true},
		{"CWE:89", "CWE-89", true},
		{"CWE-22: Improper Limitation of a Pathname", "CWE-22", true},
		{"CWE 352", "CWE-352", true},
		{"-1", "", false},
		{"0", "", false},
		{"CWE-", "", false},
		{"owasp-a1", "", false},
		{"79abc", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := NormalizeCWE(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.ok, ok)
		})
	}
}

func TestKindValid(t *testing.T) {
	for _, k := range Kinds {
		assert.True(t, k.Valid(), k)
	}
	assert.False(t, Kind("misc").Valid())
}

func TestVEXStatusFromCycloneDX(t *testing.T) {
	tests := map[string]VEXStatus{
		"resolved": VEXFixed, "resolved_with_pedigree": VEXFixed, "exploitable": VEXAffected,
		"in_triage": VEXUnderInvestigation, "false_positive": VEXNotAffected, "not_affected": VEXNotAffected,
	}
	for in, want := range tests {
		got, ok := VEXStatusFromCycloneDX(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	_, ok := VEXStatusFromCycloneDX("maybe")
	assert.False(t, ok)
}
