package alert

import (
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// FromChanges turns the changes of one compared scan ([correlate.Result])
// into events: a new finding gives [TypeNewFinding], a reopened one
// [TypeReopened], and a triage that expired at the scan
// [TypeAcceptanceExpired] (with "accepted_by", "justification" and
// "expired" details). Suppressed findings raise nothing. The events carry
// the scan's tenant and application, the change's identity key as
// FindingID, and the priority that prioritize returns for the finding (nil
// leaves it empty, and a [Policy] with a minimum priority then lets the
// event through unless it requires one). Events are in the order of the
// changes.
func FromChanges(scan correlate.Scan, changes []correlate.Change, prioritize func(*findings.Finding) risk.Priority) []Event {
	var out []Event
	at := scan.At
	for i := range changes {
		c := &changes[i]
		var t Type
		switch {
		case c.Expired != nil:
			t = TypeAcceptanceExpired
		case c.Suppressed:
			continue
		case c.State == correlate.StateNew:
			t = TypeNewFinding
		case c.State == correlate.StateReopened:
			t = TypeReopened
		default:
			continue
		}
		e := FromFinding(t, &c.Finding, at)
		e.Tenant, e.Application, e.FindingID = scan.Tenant, scan.Application, c.ID
		if prioritize != nil {
			e.Priority = prioritize(&c.Finding)
		}
		if c.Expired != nil {
			e.Details = map[string]string{"accepted_by": c.Expired.Author, "justification": c.Expired.Justification,
				"status": string(c.Expired.Status), "expired": c.Expired.Expires.UTC().Format(time.RFC3339)}
		}
		out = append(out, e)
	}
	return out
}
