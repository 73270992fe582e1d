package vex

import (
	"cmp"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// OpenVEXContext is the @context of the OpenVEX documents written.
const OpenVEXContext = "https://openvex.dev/ns/v0.2.0"

type ovStatement struct {
	Vulnerability   ovVulnerability `json:"vulnerability"`
	Products        []ovProduct     `json:"products"`
	Status          string          `json:"status"`
	StatusNotes     string          `json:"status_notes,omitempty"`
	Justification   string          `json:"justification,omitempty"`
	ImpactStatement string          `json:"impact_statement,omitempty"`
	ActionStatement string          `json:"action_statement,omitempty"`
}

type ovVulnerability struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

type ovProduct struct {
	ID          string         `json:"@id"`
	Identifiers *ovIdentifiers `json:"identifiers,omitempty"`
}

type ovIdentifiers struct {
	PURL string `json:"purl"`
}

// writeOpenVEX writes an OpenVEX 0.2.0 document: a statement for each
// finding with a vulnerability ID and a package URL, once per
// vulnerability, product and status.
func writeOpenVEX(e *encoder, r *report.Report, opts Options, ts time.Time) error {
	author := cmp.Or(plainLine(opts.Author), DefaultAuthor)
	nm, name := newNamer()
	nm.add(opts.Format.String(), formatTime(ts), author)
	var sts []ovStatement
	seen := map[string]bool{}
	for _, en := range representatives(r.Findings) {
		f := en.f
		id := vulnID(f)
		c, ok := componentOf(f)
		if id == "" || !ok || c.purl == "" {
			continue
		}
		a := analyze(f)
		key := id + "\x00" + c.purl + "\x00" + string(a.status) + "\x00" + a.justification
		if seen[key] {
			continue
		}
		seen[key] = true
		st := ovStatement{
			Vulnerability: ovVulnerability{Name: id, Aliases: aliases(f, id)},
			Products:      []ovProduct{{ID: c.purl, Identifiers: &ovIdentifiers{PURL: c.purl}}},
			Status:        string(a.status),
			StatusNotes:   a.notes,
			Justification: a.justification,
		}
		if a.status == findings.VEXNotAffected {
			st.ImpactStatement = a.detail
		} else if a.detail != "" {
			st.StatusNotes = strings.TrimPrefix(st.StatusNotes+"; "+a.detail, "; ")
		}
		if a.status == findings.VEXAffected {
			st.ActionStatement = a.action
		}
		nm.add(id, c.purl, st.Status, st.Justification)
		sts = append(sts, st)
	}
	id := opts.ID
	if id == "" {
		id = "urn:uuid:" + name()
	}
	e.Str("{\n  \"@context\": \"" + OpenVEXContext + "\"")
	e.field("@id", id)
	e.field("author", author)
	if role := plainLine(opts.Role); role != "" {
		e.field("role", role)
	}
	e.field("timestamp", formatTime(ts))
	e.Str(",\n  \"version\": 1")
	e.field("tooling", strings.TrimSpace("aspm "+plainLine(opts.ToolVersion)))
	e.Str(",\n  \"statements\": [")
	for i := range sts {
		if i > 0 {
			e.Str(",")
		}
		e.Str("\n    ")
		e.Value("    ", &sts[i])
	}
	if len(sts) > 0 {
		e.Str("\n  ")
	}
	e.Str("]\n}\n")
	return nil
}
