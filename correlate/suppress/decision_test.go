package suppress

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

func TestDecide(t *testing.T) {
	expires := t0.Add(30 * 24 * time.Hour)
	rules, err := NewRuleSet([]Rule{
		rule("accept", func(r *Rule) {
			r.Status, r.Justification = StatusAcceptedRisk, "mitigated by WAF"
			r.VulnerabilityIDs = []string{"CVE-2"}
			r.Expires = expires
		}),
		rule("old-acceptance", func(r *Rule) {
			r.Status = StatusAcceptedRisk
			r.VulnerabilityIDs = []string{"CVE-3"}
			r.Expires = t0.Add(-time.Hour)
		}),
		rule("fp-everywhere", func(r *Rule) { r.VulnerabilityIDs = []string{"CVE-1", "CVE-4"} }),
	})
	require.NoError(t, err)
	na := stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash")
	na.Justification = "vulnerable_code_not_in_execute_path"
	fixed := stmt("CVE-5", findings.VEXFixed, "pkg:npm/lodash")
	fixed.ImpactStatement = "fixed in our fork"
	affected := stmt("CVE-2", findings.VEXAffected, "pkg:npm/lodash")
	vex, err := NewVEXIndex([]findings.VEXStatement{na, fixed, affected})
	require.NoError(t, err)
	tr := Triage{VEX: vex, Rules: rules}

	withTool := sca("pkg:npm/lodash@1", "CVE-9")
	withTool.Suppressions = []findings.Suppression{{Kind: "in_source", Status: "rejected"}, {Kind: "external", Justification: "baseline"}}
	embedded := sca("pkg:npm/other@1", "CVE-8")
	embedded.VEX = &findings.VEXAnalysis{Status: findings.VEXNotAffected, Justification: "code_not_reachable"}

	tests := []struct {
		name    string
		f       findings.Finding
		now     time.Time
		want    Decision
		wantRul string
		wantLap string
	}{
		{"VEX not_affected beats a rule", sca("pkg:npm/lodash@1", "CVE-1"), t0,
			Decision{Suppressed: true, Origin: OriginVEX, Status: StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path"}, "", ""},
		{"VEX fixed, impact statement as reason", sca("pkg:npm/lodash@1", "CVE-5"), t0,
			Decision{Suppressed: true, Origin: OriginVEX, Status: StatusFixed, Justification: "fixed in our fork"}, "", ""},
		{"affected VEX, accepted risk rule", sca("pkg:npm/lodash@1", "CVE-2"), t0,
			Decision{Suppressed: true, Origin: OriginRule, Status: StatusAcceptedRisk, Justification: "mitigated by WAF", Expires: expires}, "accept", ""},
		{"accepted risk at its expiry", sca("pkg:npm/lodash@1", "CVE-2"), expires,
			Decision{Suppressed: true, Origin: OriginRule, Status: StatusAcceptedRisk, Justification: "mitigated by WAF", Expires: expires}, "accept", ""},
		{"accepted risk one second after: reactivated", sca("pkg:npm/lodash@1", "CVE-2"), expires.Add(time.Second),
			Decision{}, "", "accept"},
		{"lapsed rule, nothing else", sca("pkg:npm/x@1", "CVE-3"), t0, Decision{}, "", "old-acceptance"},
		{"rule for another package's CVE", sca("pkg:npm/x@1", "CVE-4"), t0,
			Decision{Suppressed: true, Origin: OriginRule, Status: StatusFalsePositive, Justification: "test"}, "fp-everywhere", ""},
		{"tool suppression", withTool, t0, Decision{Suppressed: true, Origin: OriginTool, Justification: "baseline"}, "", ""},
		{"embedded VEX", embedded, t0, Decision{Suppressed: true, Origin: OriginVEX, Status: StatusNotAffected, Justification: "code_not_reachable"}, "", ""},
		{"nothing", sca("pkg:npm/x@1", "CVE-7"), t0, Decision{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(tt.f)
			d := tr.Decide(tt.f, "proj", tt.now)
			after, _ := json.Marshal(tt.f)
			assert.JSONEq(t, string(before), string(after), "Decide does not modify the finding")
			if tt.wantRul != "" {
				require.NotNil(t, d.Rule)
				assert.Equal(t, tt.wantRul, d.Rule.ID)
			} else {
				assert.Nil(t, d.Rule)
			}
			if tt.wantLap != "" {
				require.NotNil(t, d.Lapsed)
				assert.Equal(t, tt.wantLap, d.Lapsed.ID)
			} else {
				assert.Nil(t, d.Lapsed)
			}
			d.Rule, d.Lapsed, d.Statement = nil, nil, nil
			assert.Equal(t, tt.want, d)
		})
	}

	// The statement is reported even when it does not suppress.
	d := tr.Decide(sca("pkg:npm/lodash@1", "CVE-2"), "proj", t0)
	require.NotNil(t, d.Statement)
	assert.Equal(t, findings.VEXAffected, d.Statement.Status)

	// The zero Triage knows only the tool's suppressions.
	d = Triage{}.Decide(withTool, "", t0)
	assert.Equal(t, Decision{Suppressed: true, Origin: OriginTool, Justification: "baseline"}, d)
	assert.Equal(t, Decision{}, Triage{}.Decide(sca("pkg:npm/x@1", "CVE-1"), "", t0))
}

// TestDecideAcrossRescans walks one finding through several scans: the
// decision depends only on the rules and the time, never on what an
// earlier scan said, so a suppressed finding stays suppressed until its
// acceptance expires.
func TestDecideAcrossRescans(t *testing.T) {
	rules, err := NewRuleSet([]Rule{rule("accept", func(r *Rule) {
		r.Status = StatusAcceptedRisk
		r.RuleIDs = []string{"go/weak-crypto"}
		r.Scope = "payments"
		r.Expires = t0.Add(72 * time.Hour)
	})})
	require.NoError(t, err)
	tr := Triage{Rules: rules}
	f := findings.Finding{RuleID: "go/weak-crypto", Location: findings.Location{Path: "crypto/hash.go"}}
	for day := range 5 {
		now := t0.Add(time.Duration(day) * 24 * time.Hour)
		d := tr.Decide(f, "payments", now)
		assert.Equal(t, day <= 3, d.Suppressed, "day %d", day)
		assert.Equal(t, day > 3, d.Lapsed != nil, "day %d", day)
		// Another project never shared the acceptance.
		assert.False(t, tr.Decide(f, "billing", now).Suppressed)
	}
}
