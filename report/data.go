package report

import (
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// Data is what a report shows: findings with whatever other packages
// computed about them, and optionally assets, scan coverage, compliance
// results and earlier snapshots. Every part but the findings is optional:
// a report of findings alone works, and each section of a rendered report
// appears only when its data is there.
//
// Data is a plain value: safe for concurrent reads. Build it by hand, with
// [FromFindings], or from a compliance posture with package
// report/posture.
type Data struct {
	// Title names the report ("acme/shop", "nightly scan").
	Title string `json:"title,omitempty"`
	// GeneratedAt is the moment the report describes: ages, SLA
	// windows and "due soon" are measured from it. Zero means the newest
	// LastSeen among the findings.
	GeneratedAt time.Time `json:"generated_at,omitzero"`
	// Findings are the findings, in any order (the report sorts them).
	Findings []Finding `json:"findings"`
	// Assets describe the assets findings name, for names, owners and
	// ratings per asset.
	Assets []Asset `json:"assets,omitempty"`
	// Coverage lists which kind of scan ran on which asset.
	Coverage []Coverage `json:"coverage,omitempty"`
	// Compliance is the compliance evaluation, when there is one.
	Compliance *Compliance `json:"compliance,omitempty"`
	// History holds earlier snapshots' summaries, oldest first, for
	// trends.
	History []Snapshot `json:"history,omitempty"`
}

// Finding is a finding with what correlate, risk and the SLA policy said
// of it. Only the embedded [findings.Finding] is required.
type Finding struct {
	findings.Finding
	// State is the lifecycle state after the last scan: new, unchanged,
	// updated, fixed, reopened; empty when not tracked.
	State string `json:"state,omitempty"`
	// Open is false for a finding that is fixed; a finding without
	// lifecycle data is open.
	Open *bool `json:"open,omitempty"`
	// Suppressed marks a finding hidden by triage, VEX or the tool.
	Suppressed bool `json:"suppressed,omitempty"`
	// FirstSeen, LastSeen and FixedAt come from the lifecycle.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	FixedAt   time.Time `json:"fixed_at,omitzero"`
	// Triage is the analyst's decision: its status (accepted_risk,
	// false_positive, ...) and justification.
	TriageStatus        string `json:"triage_status,omitempty"`
	TriageJustification string `json:"triage_justification,omitempty"`
	// Risk is the risk score, when scored.
	Risk *Risk `json:"risk,omitempty"`
	// SLADue is the remediation deadline; SLABreached says it passed.
	SLADue      time.Time `json:"sla_due,omitzero"`
	SLABreached bool      `json:"sla_breached,omitempty"`
	// Assets are the IDs of the assets the finding is about.
	Assets []string `json:"assets,omitempty"`
	// Cluster groups the findings of several tools that report one
	// problem; findings of one cluster count once.
	Cluster string `json:"cluster,omitempty"`
}

// IsOpen reports whether the finding is open: not fixed.
func (f *Finding) IsOpen() bool { return f.Open == nil || *f.Open }

// Active reports whether the finding is open and not suppressed: what a
// report counts.
func (f *Finding) Active() bool { return f.IsOpen() && !f.Suppressed }

// Risk is a finding's risk score and the signals a person reads.
type Risk struct {
	Score    float64 `json:"score"`
	Priority string  `json:"priority,omitempty"`
	KEV      bool    `json:"kev,omitempty"`
	EPSS     float64 `json:"epss,omitempty"`
	// Reachability is reachable, unreachable or unknown.
	Reachability string `json:"reachability,omitempty"`
	// Explanation says why, in words.
	Explanation string `json:"explanation,omitempty"`
}

// Asset is an asset as a report names it.
type Asset struct {
	ID          string `json:"id"`
	Kind        string `json:"kind,omitempty"`
	Name        string `json:"name,omitempty"`
	Owner       string `json:"owner,omitempty"`
	Criticality string `json:"criticality,omitempty"`
	Exposure    string `json:"exposure,omitempty"`
	Environment string `json:"environment,omitempty"`
}

// Coverage records that a scan of a kind ran on an asset.
type Coverage struct {
	Asset string    `json:"asset"`
	Kind  string    `json:"kind"`
	Tool  string    `json:"tool,omitempty"`
	At    time.Time `json:"at,omitzero"`
}

// Compliance is a compliance evaluation as a report shows it.
type Compliance struct {
	// Passed is the gate decision.
	Passed     bool                  `json:"passed"`
	Frameworks []ComplianceFramework `json:"frameworks,omitempty"`
	Controls   []ComplianceControl   `json:"controls,omitempty"`
}

// ComplianceFramework is one framework's result.
type ComplianceFramework struct {
	Name     string  `json:"name"`
	Title    string  `json:"title,omitempty"`
	PassRate float64 `json:"pass_rate"`
	Passed   int     `json:"passed"`
	Failed   int     `json:"failed"`
	Covered  int     `json:"covered"`
	Total    int     `json:"total"`
}

// ComplianceControl is one control's result.
type ComplianceControl struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Gate    bool   `json:"gate,omitempty"`
	Message string `json:"message,omitempty"`
}

// Snapshot is an earlier report's headline numbers, for trends.
type Snapshot struct {
	At         time.Time      `json:"at"`
	Open       int            `json:"open"`
	BySeverity map[string]int `json:"by_severity,omitempty"`
	Breached   int            `json:"breached,omitempty"`
}

// FromFindings wraps plain findings as report findings, open and
// unscored.
func FromFindings(fs []findings.Finding) *Data {
	d := &Data{Findings: make([]Finding, len(fs))}
	for i := range fs {
		d.Findings[i].Finding = fs[i]
	}
	return d
}

// RiskOf is the report's view of a risk score and the signals it was
// computed from (see risk.SignalsFrom and risk.Model.Score).
func RiskOf(s risk.Score, sig risk.Signals) *Risk {
	r := &Risk{Score: s.Value, Priority: string(s.Priority), Reachability: string(sig.Reachability), Explanation: s.Explanation.String()}
	if sig.KEV != nil {
		r.KEV = sig.KEV.Listed
	}
	if sig.EPSS != nil {
		r.EPSS = sig.EPSS.Probability
	}
	return r
}
