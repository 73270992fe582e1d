// Package posture turns a compliance posture (and, when there is one, its
// compliance report) into [report.Data], so that every renderer of package
// report shows what the builder gathered: findings with their lifecycle,
// risk and SLA, the inventory's assets, scan coverage and control results.
//
// It lives apart from package report because it imports package
// compliance, and with it OPA: programs that render findings alone need
// neither.
package posture

import (
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// Data converts p, and r when it is not nil, into report data. The title
// is left for the caller. p and r are not modified.
func Data(p *compliance.Posture, r *compliance.Report) *report.Data {
	d := &report.Data{GeneratedAt: p.GeneratedAt, Findings: make([]report.Finding, 0, len(p.Findings))}
	for i := range p.Findings {
		d.Findings = append(d.Findings, finding(&p.Findings[i]))
	}
	for _, a := range p.Assets {
		d.Assets = append(d.Assets, report.Asset{ID: a.ID, Kind: string(a.Kind), Name: a.Name, Owner: a.Owner,
			Criticality: string(a.Criticality), Exposure: string(a.Exposure), Environment: string(a.Environment)})
	}
	for _, c := range p.Coverage {
		d.Coverage = append(d.Coverage, report.Coverage{Asset: c.Asset, Kind: string(c.Kind), Tool: c.Tool, At: c.At})
	}
	if r != nil {
		c := &report.Compliance{Passed: r.Gate.Passed}
		for _, f := range r.Frameworks {
			c.Frameworks = append(c.Frameworks, report.ComplianceFramework{Name: f.Name, Title: f.Title, PassRate: f.PassRate,
				Passed: f.Passed, Failed: f.Failed, Covered: f.Covered, Total: f.Requirements})
		}
		for _, x := range r.Controls {
			c.Controls = append(c.Controls, report.ComplianceControl{ID: x.ID, Title: x.Title, Status: string(x.Status), Gate: x.Gate, Message: x.Message})
		}
		d.Compliance = c
	}
	return d
}

func finding(f *compliance.Finding) report.Finding {
	open := f.Open
	out := report.Finding{
		Finding: findings.Finding{
			ID: f.ID, Kind: f.Kind, Tool: findings.Tool{Name: f.Tool}, RuleID: f.RuleID, Title: f.Title, Severity: f.Severity,
			CWEs: f.CWEs, VulnerabilityIDs: f.VulnerabilityIDs,
			Location: findings.Location{Path: f.Location.Path, URL: f.Location.URL, Image: f.Location.Image},
		},
		State: string(f.State), Open: &open, Suppressed: f.Suppressed,
		FirstSeen: f.FirstSeen, LastSeen: f.LastSeen, FixedAt: f.FixedAt,
		SLADue: f.SLA.Due, SLABreached: f.SLA.Breached, Assets: f.Assets, Cluster: f.Cluster,
	}
	if f.Location.Line > 0 {
		out.Location.Region = &findings.Region{StartLine: f.Location.Line}
	}
	if f.Identity != "" {
		out.Fingerprints = map[string]string{"aspm/identity": f.Identity}
	}
	if f.Package != nil {
		out.Package = &findings.Package{Name: f.Package.Name, Version: f.Package.Version, PURL: f.Package.PURL,
			Ecosystem: f.Package.Ecosystem, FixedVersions: f.Package.FixedVersions}
	}
	if f.Triage != nil {
		out.TriageStatus, out.TriageJustification = string(f.Triage.Status), f.Triage.Justification
	}
	if f.VEX != "" {
		out.VEX = &findings.VEXAnalysis{Status: f.VEX}
	}
	rk := f.Risk
	if rk.Priority != "" || rk.Score > 0 {
		out.Risk = &report.Risk{Score: rk.Score, Priority: string(rk.Priority), KEV: rk.KEV, Reachability: string(rk.Reachability)}
		if rk.EPSS != nil {
			out.Risk.EPSS = *rk.EPSS
		}
		out.Risk.Explanation = explain(f)
	}
	return out
}

// explain puts the posture's risk signals in words: the posture keeps
// the signals, not the scorer's text.
func explain(f *compliance.Finding) string {
	var parts []string
	rk := f.Risk
	if rk.KEV {
		parts = append(parts, "listed in CISA KEV")
	}
	if rk.Ransomware {
		parts = append(parts, "used in ransomware campaigns")
	}
	if rk.EPSS != nil && *rk.EPSS > 0 {
		parts = append(parts, "EPSS "+trimFloat(*rk.EPSS))
	}
	if rk.Reachability != "" && rk.Reachability != findings.ReachabilityUnknown {
		parts = append(parts, string(rk.Reachability))
	}
	if rk.Exposure != "" {
		parts = append(parts, "exposure "+string(rk.Exposure))
	}
	if rk.Environment != "" {
		parts = append(parts, string(rk.Environment))
	}
	if rk.Criticality != "" {
		parts = append(parts, "criticality "+string(rk.Criticality))
	}
	if rk.SSVC.Decision != "" {
		parts = append(parts, "SSVC "+string(rk.SSVC.Decision))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ")
}

func trimFloat(x float64) string {
	s := strings.TrimRight(strings.TrimRight(strconvFormat(x), "0"), ".")
	return s
}

func strconvFormat(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
