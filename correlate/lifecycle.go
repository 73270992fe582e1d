package correlate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
)

// State is a finding's lifecycle state after a scan, in SARIF's
// baselineState terms plus fixed and reopened.
type State string

// The states.
const (
	StateNew       State = "new"       // not in the baseline
	StateUnchanged State = "unchanged" // in the baseline, same details (a moved line is not a change)
	StateUpdated   State = "updated"   // in the baseline, matched, but severity, CVSS, fix, VEX status or file changed
	StateFixed     State = "fixed"     // open in the baseline, absent from a scan that ran its tool
	StateReopened  State = "reopened"  // fixed before, back now
)

// TriageStatus is an analyst's decision about a finding.
type TriageStatus string

// The triage statuses. Each one suppresses the finding while it holds.
const (
	FalsePositive TriageStatus = "false_positive"
	AcceptedRisk  TriageStatus = "accepted_risk"
	NotAffected   TriageStatus = "not_affected"
	WontFix       TriageStatus = "wont_fix"
)

// Triage is an analyst's decision, with who, why and until when.
type Triage struct {
	Status        TriageStatus `json:"status"`
	Justification string       `json:"justification,omitempty"`
	Author        string       `json:"author,omitempty"`
	At            time.Time    `json:"at,omitzero"`
	// Expires ends the decision (a risk acceptance for 90 days); zero
	// means never.
	Expires time.Time `json:"expires,omitzero"`
}

// Active reports whether the triage suppresses the finding at now.
func (t *Triage) Active(now time.Time) bool {
	return t != nil && t.Status != "" && (t.Expires.IsZero() || now.Before(t.Expires))
}

// Transition is one entry of a record's history.
type Transition struct {
	At    time.Time `json:"at"`
	State State     `json:"state"`
	Scan  string    `json:"scan,omitempty"`
}

// Record is the state kept for one finding (one identity) across scans.
type Record struct {
	// Tenant and Application scope the record; both may be empty.
	Tenant      string `json:"tenant,omitempty"`
	Application string `json:"application,omitempty"`
	// ID is the finding's identity key.
	ID string `json:"id"`
	// Cluster is the ID of the cross-tool cluster the finding belongs to.
	Cluster string `json:"cluster"`
	// Finding is the latest record of the finding.
	Finding findings.Finding `json:"finding"`
	// Details hashes what makes a change "updated" (see [StateUpdated]).
	Details string `json:"details"`
	// Open reports whether the latest scan that ran its tool saw it.
	Open bool `json:"open"`
	// State is the state the last scan gave it.
	State State `json:"state"`
	// FirstSeen, LastSeen and FixedAt are scan times.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	FixedAt   time.Time `json:"fixed_at,omitzero"`
	// Triage is the analyst's decision, if any.
	Triage *Triage `json:"triage,omitempty"`
	// History lists every change of state, oldest first: a scan that
	// leaves the state as it was adds nothing, so the history stays short
	// however often a finding is rescanned.
	History []Transition `json:"history,omitempty"`
}

// Suppressed reports whether the record's triage holds at now.
func (r *Record) Suppressed(now time.Time) bool { return r.Triage.Active(now) }

// Scan is one scan to compare with a baseline.
type Scan struct {
	// ID names the scan (a CI run, a commit); recorded in histories.
	ID string
	// At is when the scan ran.
	At time.Time
	// Tenant and Application scope the scan.
	Tenant, Application string
	// Findings are the scan's findings, any number of tools.
	Findings []findings.Finding
	// Tools lists the tools that ran, so that a tool that found nothing
	// fixes its open findings. Nil means the tools of Findings.
	Tools []string
}

// Change is what a scan did to one finding.
type Change struct {
	// ID is the finding's identity key; Cluster its cluster.
	ID      string `json:"id"`
	Cluster string `json:"cluster"`
	// State is the new state; Previous the state before the scan (empty
	// for new findings).
	State    State `json:"state"`
	Previous State `json:"previous,omitempty"`
	// Finding is the scan's record, or the last one seen for fixed
	// findings.
	Finding findings.Finding `json:"finding"`
	// Suppressed reports whether a triage holds: a suppressed finding that
	// comes back is unchanged, never reopened.
	Suppressed bool `json:"suppressed,omitempty"`
	// Expired holds a triage that expired at this scan: the finding is
	// active again.
	Expired *Triage `json:"expired,omitempty"`
}

// Result is the outcome of comparing a scan with a baseline.
type Result struct {
	// Changes has one entry per finding of the scan (duplicates of one
	// identity collapsed) and per finding the scan fixed, ordered by state
	// (new, reopened, updated, unchanged, fixed) then ID.
	Changes []Change
	// Records is the new baseline, ordered by ID.
	Records []Record
	// Modified lists the IDs of the records that differ from the
	// baseline's (for a store to write), ordered.
	Modified []string
}

var stateOrder = map[State]int{StateNew: 0, StateReopened: 1, StateUpdated: 2, StateUnchanged: 3, StateFixed: 4}

// details hashes the fields whose change makes a finding "updated":
// severity, CVSS vectors and scores, fixed versions, VEX status and file.
// Lines, titles and descriptions are left out: they move and get
// reworded.
func details(f *findings.Finding, opts Options) string {
	parts := []string{string(f.Severity), NormalizePath(f.Location.Path, opts.FoldCase)}
	for _, c := range f.CVSS {
		s := ""
		if c.Score != nil {
			s = strings.TrimRight(strings.TrimRight(formatFloat(*c.Score), "0"), ".")
		}
		parts = append(parts, c.Version+"|"+c.Vector+"|"+s)
	}
	if f.Package != nil {
		parts = append(parts, strings.Join(f.Package.FixedVersions, ","))
	}
	if f.VEX != nil {
		parts = append(parts, string(f.VEX.Status))
	}
	return hashKey(parts...)
}

// Compare applies a scan to a baseline: it matches the scan's findings to
// the baseline's records by identity key, and returns every change and the
// new baseline. It is a pure function: the baseline is not modified.
//
// Rules:
//   - a finding whose identity is not in the baseline is new;
//   - a finding matching an open record is unchanged, or updated when its
//     details changed (see [StateUpdated]);
//   - a finding matching a fixed record is reopened, unless a triage
//     suppresses it (then it is unchanged and stays suppressed);
//   - an open record whose tool ran in the scan (see [Scan.Tools]) and
//     whose identity the scan lacks is fixed;
//   - a triage that expired at the scan's time is removed and reported in
//     [Change.Expired] (accepted risk reactivates on expiry);
//   - a record keeps its cluster ID; new records take the ID of the
//     cluster they join when it already has one (the oldest, by first
//     seen, then ID), else the cluster's own.
func Compare(baseline []Record, scan Scan, opts Options) Result {
	now := scan.At
	ids := Identities(scan.Findings, opts)
	clusters := dedup(scan.Findings, ids, opts)

	base := make(map[string]*Record, len(baseline))
	records := make([]Record, len(baseline))
	copy(records, baseline)
	for i := range records {
		records[i].History = slices.Clone(records[i].History)
		base[records[i].ID] = &records[i]
	}

	tools := map[string]bool{}
	if scan.Tools != nil {
		for _, t := range scan.Tools {
			tools[t] = true
		}
	} else {
		for i := range scan.Findings {
			tools[scan.Findings[i].Tool.Name] = true
		}
	}

	// The cluster ID of each finding: an existing record's, else the
	// scan's cluster ID.
	clusterOf := make([]string, len(scan.Findings))
	for _, c := range clusters {
		id := c.ID
		var oldest *Record
		for _, m := range c.Members {
			if r, ok := base[m.Identity]; ok && r.Cluster != "" {
				if oldest == nil || r.FirstSeen.Before(oldest.FirstSeen) ||
					(r.FirstSeen.Equal(oldest.FirstSeen) && r.Cluster < oldest.Cluster) {
					oldest = r
				}
			}
		}
		if oldest != nil {
			id = oldest.Cluster
		}
		for _, m := range c.Members {
			clusterOf[m.Index] = id
		}
	}

	var res Result
	modified := map[string]bool{}
	seen := map[string]bool{}
	var added []Record
	for i := range scan.Findings {
		id := ids[i]
		if seen[id] {
			continue // a duplicate of one identity in one scan
		}
		seen[id] = true
		f := scan.Findings[i]
		d := details(&f, opts)
		r, ok := base[id]
		if !ok {
			rec := Record{Tenant: scan.Tenant, Application: scan.Application, ID: id, Cluster: clusterOf[i],
				Finding: f, Details: d, Open: true, State: StateNew, FirstSeen: now, LastSeen: now,
				History: []Transition{{At: now, State: StateNew, Scan: scan.ID}}}
			added = append(added, rec)
			res.Changes = append(res.Changes, Change{ID: id, Cluster: rec.Cluster, State: StateNew, Finding: f})
			modified[id] = true
			continue
		}
		ch := Change{ID: id, Previous: r.State, Finding: f}
		if r.Triage != nil && !r.Triage.Active(now) {
			ch.Expired = r.Triage
			r.Triage = nil
		}
		suppressed := r.Triage.Active(now)
		var st State
		switch {
		case !r.Open && !suppressed:
			st = StateReopened
			r.FixedAt = time.Time{}
		case r.Details != d:
			st = StateUpdated
		default:
			st = StateUnchanged
		}
		if st != StateUnchanged || r.State != StateUnchanged {
			r.History = append(r.History, Transition{At: now, State: st, Scan: scan.ID})
		}
		r.Open, r.State, r.Finding, r.Details, r.LastSeen = true, st, f, d, now
		if r.Cluster == "" {
			r.Cluster = clusterOf[i]
		}
		ch.State, ch.Cluster, ch.Suppressed = st, r.Cluster, suppressed
		res.Changes = append(res.Changes, ch)
		modified[id] = true
	}
	for i := range records {
		r := &records[i]
		if seen[r.ID] {
			continue
		}
		var expired *Triage
		if r.Triage != nil && !r.Triage.Active(now) {
			expired, r.Triage = r.Triage, nil
			modified[r.ID] = true
		}
		if !r.Open || !tools[r.Finding.Tool.Name] {
			if expired != nil {
				// Not in this scan, but its triage ran out: say so.
				res.Changes = append(res.Changes, Change{ID: r.ID, Cluster: r.Cluster, State: r.State, Previous: r.State,
					Finding: r.Finding, Expired: expired})
			}
			continue
		}
		{
			prev := r.State
			r.Open, r.State, r.FixedAt = false, StateFixed, now
			r.History = append(r.History, Transition{At: now, State: StateFixed, Scan: scan.ID})
			res.Changes = append(res.Changes, Change{ID: r.ID, Cluster: r.Cluster, State: StateFixed, Previous: prev,
				Finding: r.Finding, Suppressed: r.Triage.Active(now), Expired: expired})
			modified[r.ID] = true
		}
	}
	records = append(records, added...)
	slices.SortFunc(records, func(a, b Record) int { return cmp.Compare(a.ID, b.ID) })
	// Sort positions, not the changes: a Change holds a whole Finding.
	order := make([]int32, len(res.Changes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ca, cb := &res.Changes[a], &res.Changes[b]
		return cmp.Or(cmp.Compare(stateOrder[ca.State], stateOrder[cb.State]), cmp.Compare(ca.ID, cb.ID))
	})
	sorted := make([]Change, len(order))
	for i, j := range order {
		sorted[i] = res.Changes[j]
	}
	res.Changes = sorted
	res.Records = records
	res.Modified = sortedKeys(modified)
	return res
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
