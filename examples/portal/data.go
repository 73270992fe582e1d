package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/risk"
)

// snapshot is the application's state at one moment, read from the store
// for one request: the records and, index for index, the findings as the
// report package sees them (with risk, SLA and assets).
type snapshot struct {
	now     time.Time
	records []correlate.Record
	data    *report.Data
	graph   *inventory.Graph // nil without an uploaded inventory
	from    string           // the inventory's file
}

// load reads the application's records and scores them.
func (s *server) load(ctx context.Context) (*snapshot, error) {
	recs, err := s.cfg.Store.Load(ctx, "", s.cfg.App)
	if err != nil {
		return nil, err
	}
	g, from := s.inventory()
	snap := &snapshot{now: s.cfg.Now().UTC(), records: recs, graph: g, from: from}
	snap.data = &report.Data{Title: s.cfg.App, GeneratedAt: snap.now, Findings: make([]report.Finding, len(recs))}
	for i := range recs {
		snap.data.Findings[i], _ = s.reportFinding(&recs[i], g, snap.now)
	}
	if g != nil {
		for _, a := range g.Assets() {
			snap.data.Assets = append(snap.data.Assets, report.Asset{ID: a.ID, Kind: string(a.Kind), Name: a.Name, Owner: a.Owner,
				Criticality: string(a.Criticality), Exposure: string(a.Exposure), Environment: string(a.Environment)})
		}
	}
	return snap, nil
}

// find returns the index of the record with the given ID.
func (snap *snapshot) find(id string) (int, bool) {
	return slices.BinarySearchFunc(snap.records, id, func(r correlate.Record, id string) int { return strings.Compare(r.ID, id) })
}

// reportFinding turns a record into a report finding: its lifecycle, its
// triage, its risk by the default model (with the asset context of the
// inventory when there is one) and its SLA. It also returns the full
// score, for the detail page.
func (s *server) reportFinding(r *correlate.Record, g *inventory.Graph, now time.Time) (report.Finding, risk.Score) {
	open := r.Open
	f := report.Finding{
		Finding:    r.Finding,
		State:      string(r.State),
		Open:       &open,
		Suppressed: r.Suppressed(now) || r.Finding.Suppressed(),
		FirstSeen:  r.FirstSeen, LastSeen: r.LastSeen, FixedAt: r.FixedAt,
		Cluster: r.Cluster,
	}
	// The record's identity is what the portal's URLs name.
	f.ID = r.ID
	if t := r.Triage; t != nil {
		f.TriageStatus, f.TriageJustification = string(t.Status), t.Justification
	}
	rc := risk.Context{FirstSeen: r.FirstSeen, Vectors: s.vectors}
	if g != nil {
		f.Assets = correlate.Link(&r.Finding, g, correlate.LinkOptions{})
		rc.Asset = correlate.AssetContext(&r.Finding, g, correlate.LinkOptions{})
	}
	if len(f.Assets) == 0 {
		f.Assets = impliedAssets(&r.Finding, s.cfg.App)
	}
	// A finding whose CVSS vector does not parse still gets a score (from
	// its severity); the detail page shows the factors.
	sc, _ := risk.Model{}.ScoreFinding(r.Finding, rc)
	f.Risk = &report.Risk{Score: sc.Value, Priority: string(sc.Priority), Reachability: string(r.Finding.Reachability),
		Explanation: explanation(sc)}
	for _, fc := range sc.Explanation.Factors {
		if fc.Name == risk.FactorThreat && fc.Value == "kev" {
			f.Risk.KEV = true
		}
	}
	end := now
	if !r.Open && !r.FixedAt.IsZero() {
		end = r.FixedAt
	}
	st := risk.SLA{}.Status(sc.Priority, r.FirstSeen, end)
	f.SLADue, f.SLABreached = st.Due, st.Breached
	return f, sc
}

// explanation is the known factors of a score that moved it, in words.
func explanation(sc risk.Score) string {
	var parts []string
	for _, fc := range sc.Explanation.Factors {
		if fc.Known && fc.Contribution != 0 {
			parts = append(parts, fc.Text())
		}
	}
	return strings.Join(parts, "; ")
}

// impliedAssets names the assets a finding is about when no inventory was
// uploaded: its package, image or endpoint as the inventory would
// identify them, else the application itself.
func impliedAssets(f *findings.Finding, app string) []string {
	var out []string
	if p := f.Package; p != nil {
		if id, err := inventory.ComponentID(p.PURL); p.PURL != "" && err == nil {
			out = append(out, id)
		} else if p.Name != "" && p.Version != "" {
			out = append(out, inventory.ID(inventory.KindComponent, p.Name+"@"+p.Version))
		}
	}
	if f.Location.Image != "" {
		if id, err := inventory.ImageID(f.Location.Image, ""); err == nil {
			out = append(out, id)
		}
	}
	if f.Location.URL != "" {
		out = append(out, inventory.ID(inventory.KindEndpoint, f.Location.URL))
	}
	if len(out) == 0 {
		out = append(out, inventory.ID(inventory.KindApplication, app))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
