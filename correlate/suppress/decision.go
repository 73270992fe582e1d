package suppress

import (
	"time"

	"github.com/aspmkit/aspm/findings"
)

// Origin says what suppressed a finding.
type Origin string

// The origins of a suppression.
const (
	// OriginVEX: a VEX statement, or the analysis the scanner embedded,
	// says not_affected or fixed.
	OriginVEX Origin = "vex"
	// OriginRule: an ignore rule matched.
	OriginRule Origin = "rule"
	// OriginTool: the tool itself recorded a suppression (an in-source
	// comment, a baseline) that is not rejected.
	OriginTool Origin = "tool"
)

// Triage combines the ways a finding can be suppressed: VEX statements,
// ignore rules, and the tool's own suppressions. Either field may be nil.
//
// A Triage is safe for concurrent use when its index and set are, which
// they are once built.
type Triage struct {
	VEX   *VEXIndex
	Rules *RuleSet
}

// Decision is what [Triage.Decide] concluded about one finding. It is a
// plain value; its pointers are to copies that nothing else holds.
type Decision struct {
	// Suppressed reports whether the finding is suppressed.
	Suppressed bool `json:"suppressed"`
	// Origin says what suppressed it; empty when nothing did.
	Origin Origin `json:"origin,omitempty"`
	// Status is the triage status: the rule's, or not_affected or fixed
	// for VEX; empty for a tool suppression and when not suppressed.
	Status Status `json:"status,omitempty"`
	// Justification is the reason given by the rule, the VEX analysis
	// (its justification, else its impact statement) or the tool.
	Justification string `json:"justification,omitempty"`
	// Rule is the matching rule, for OriginRule.
	Rule *Rule `json:"rule,omitempty"`
	// Statement is the VEX statement from the index that applies to the
	// finding, whether or not it suppresses it; nil when none does.
	Statement *findings.VEXStatement `json:"statement,omitempty"`
	// Expires is when the suppression lapses; zero means never (VEX and
	// tool suppressions do not expire).
	Expires time.Time `json:"expires,omitzero"`
	// Lapsed is the first rule that would match the finding but has
	// expired: a risk acceptance that ran out. It is set whatever else
	// the decision says, so the caller can raise an "acceptance expired"
	// event; a finding that is not suppressed and has a lapsed rule is
	// one to reactivate.
	Lapsed *Rule `json:"lapsed,omitempty"`
}

// Decide says whether f is suppressed in project at now, and why; subjects
// are passed to [VEXIndex.Match]. It does not modify f.
//
// The sources are tried in this order, and the first that suppresses wins:
//
//  1. VEX: the statement from t.VEX that applies to f, combined with the
//     analysis f carries as [VEXIndex.Apply] does; suppressed when the
//     result is not_affected or fixed. VEX never expires.
//  2. Rules: the first active rule of t.Rules that matches (see
//     [RuleSet.Match]); it lapses at its expiry.
//  3. Tool: a suppression in f.Suppressions that is not rejected.
//
// A VEX statement that says affected does not stop a rule from
// suppressing f: accepting a known risk is exactly that.
//
// Decisions are recomputed from the rules and statements at every scan,
// so triage survives rescans: a finding stays suppressed for as long as a
// statement, an active rule or a tool suppression covers it, and becomes
// active again only when that lapses (see Decision.Lapsed).
func (t Triage) Decide(f findings.Finding, project string, now time.Time, subjects ...string) Decision {
	var d Decision
	if lapsed, ok := t.Rules.MatchExpired(f, project, now); ok {
		d.Lapsed = &lapsed
	}
	vex := f.VEX
	if t.VEX != nil {
		g := f
		out := t.VEX.Apply(&g, subjects...)
		if out.Matched {
			st := out.Statement
			d.Statement = &st
		}
		vex = g.VEX
	}
	if vexSuppresses(vex) {
		d.Suppressed, d.Origin = true, OriginVEX
		d.Status = StatusNotAffected
		if vex.Status == findings.VEXFixed {
			d.Status = StatusFixed
		}
		d.Justification = vex.Justification
		if d.Justification == "" {
			d.Justification = vex.ImpactStatement
		}
		return d
	}
	if r, ok := t.Rules.Match(f, project, now); ok {
		d.Suppressed, d.Origin, d.Status = true, OriginRule, r.Status
		d.Justification, d.Expires = r.Justification, r.Expires
		d.Rule = &r
		return d
	}
	for _, s := range f.Suppressions {
		if s.Status != "rejected" {
			d.Suppressed, d.Origin, d.Justification = true, OriginTool, s.Justification
			return d
		}
	}
	return d
}
