package vex

import (
	"cmp"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
)

// SpecVersion is the CycloneDX version written.
const SpecVersion = "1.6"

// component is a package as a CycloneDX component.
type component struct {
	ref, name, version, purl string
}

// componentOf returns the component of a finding's package: bom-ref and
// purl are its package URL when that parses, else the bom-ref is
// "component:<name>@<version>"; ok is false without a package.
func componentOf(f *report.Finding) (component, bool) {
	p := f.Package
	if p == nil {
		return component{}, false
	}
	c := component{name: plainLine(p.Name), version: plainLine(p.Version)}
	if s := plainLine(p.PURL); s != "" {
		if pu, err := packageurl.FromString(s); err == nil {
			c.ref, c.purl = s, s
			if c.name == "" {
				c.name = pu.Name
				if pu.Namespace != "" {
					c.name = pu.Namespace + "/" + pu.Name
				}
			}
			c.version = cmp.Or(c.version, pu.Version)
		}
	}
	if c.name == "" {
		return component{}, false
	}
	if c.ref == "" {
		c.ref = "component:" + c.name
		if c.version != "" {
			c.ref += "@" + c.version
		}
	}
	return c, true
}

// writeCycloneDX writes a CycloneDX 1.6 VDR or VEX document.
func writeCycloneDX(e *encoder, r *report.Report, opts Options, ts time.Time) {
	vexOnly := opts.Format == CycloneDXVEX
	entries := representatives(r.Findings)
	var kept []entry
	var analyses []analysis
	var comps []component
	compSeen := map[string]bool{}
	tools := map[string]string{}
	omitted := 0
	nm, name := newNamer()
	nm.add(opts.Format.String(), formatTimeOrEmpty(ts))
	for _, en := range entries {
		f := en.f
		id := vulnID(f)
		a := analyze(f)
		if id == "" || (vexOnly && !a.analyzed) {
			omitted++
			continue
		}
		kept = append(kept, en)
		analyses = append(analyses, a)
		nm.add(f.ID, id, a.state, a.cdxJustification)
		if c, ok := componentOf(f); ok && !vexOnly && !compSeen[c.ref] {
			compSeen[c.ref] = true
			comps = append(comps, c)
		}
		if t := plainLine(f.Tool.Name); t != "" {
			if _, ok := tools[t]; !ok {
				tools[t] = plainLine(f.Tool.Version)
			}
		}
	}

	serial := opts.ID
	if serial == "" {
		serial = "urn:uuid:" + name()
	}
	e.Str("{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"" + SpecVersion + "\"")
	e.field("serialNumber", serial)
	e.Str(",\n  \"version\": 1")
	e.field("metadata", metadataOf(r, opts, ts, tools, omitted))
	if len(comps) > 0 {
		slices.SortFunc(comps, func(a, b component) int { return strings.Compare(a.ref, b.ref) })
		cs := make([]cdx.Component, len(comps))
		for i, c := range comps {
			cs[i] = cdx.Component{BOMRef: c.ref, Type: cdx.ComponentTypeLibrary, Name: c.name, Version: c.version, PackageURL: c.purl}
		}
		e.field("components", cs)
	}
	e.Str(",\n  \"vulnerabilities\": [")
	for i := range kept {
		if i > 0 {
			e.Str(",")
		}
		e.Str("\n    ")
		v := vulnerabilityOf(&kept[i], &analyses[i], vexOnly)
		e.Value("    ", &v)
	}
	if len(kept) > 0 {
		e.Str("\n  ")
	}
	e.Str("]\n}\n")
}

func formatTimeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// metadataOf is the BOM's metadata: timestamp, tools (aspm and the
// scanners), the report's title as the subject, and how many findings
// are not in the document.
func metadataOf(r *report.Report, opts Options, ts time.Time, tools map[string]string, omitted int) *cdx.Metadata {
	m := &cdx.Metadata{}
	if !ts.IsZero() {
		m.Timestamp = formatTime(ts)
	}
	comps := []cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "aspm", Version: plainLine(opts.ToolVersion)}}
	names := make([]string, 0, len(tools))
	for n := range tools {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		comps = append(comps, cdx.Component{Type: cdx.ComponentTypeApplication, Name: n, Version: tools[n]})
	}
	m.Tools = &cdx.ToolsChoice{Components: &comps}
	if r.Data != nil {
		if t := plainLine(r.Data.Title); t != "" {
			m.Component = &cdx.Component{BOMRef: "aspm:subject", Type: cdx.ComponentTypeApplication, Name: t}
		}
	}
	if omitted > 0 {
		m.Properties = &[]cdx.Property{{Name: "aspm:findings-omitted", Value: strconv.Itoa(omitted)}}
	}
	return m
}

var (
	cveID  = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	ghsaID = regexp.MustCompile(`^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$`)
)

// sourceOf names the database a vulnerability ID comes from, for CVE and
// GHSA IDs.
func sourceOf(id string) *cdx.Source {
	switch {
	case cveID.MatchString(id):
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case ghsaID.MatchString(id):
		return &cdx.Source{Name: "GitHub", URL: "https://github.com/advisories/" + id}
	}
	return nil
}

// vulnerabilityOf maps one finding.
func vulnerabilityOf(en *entry, a *analysis, vexOnly bool) cdx.Vulnerability {
	f := en.f
	id := vulnID(f)
	v := cdx.Vulnerability{
		BOMRef: "finding:" + plainLine(f.ID),
		ID:     id,
		Source: sourceOf(id),
	}
	if al := aliases(f, id); len(al) > 0 {
		refs := make([]cdx.VulnerabilityReference, len(al))
		for i, x := range al {
			// The schema requires a source: the tool that reported the
			// alias, when the ID names no database aspm knows.
			src := sourceOf(x)
			if src == nil {
				src = &cdx.Source{Name: cmp.Or(plainLine(f.Tool.Name), "unknown")}
			}
			refs[i] = cdx.VulnerabilityReference{ID: x, Source: src}
		}
		v.References = &refs
	}
	if !vexOnly {
		if rs := ratingsOf(f); len(rs) > 0 {
			v.Ratings = &rs
		}
		var cwes []int
		for _, c := range f.CWEs {
			if n, ok := findings.NormalizeCWE(c); ok {
				k, _ := strconv.Atoi(strings.TrimPrefix(n, "CWE-"))
				if !slices.Contains(cwes, k) {
					cwes = append(cwes, k)
				}
			}
		}
		if len(cwes) > 0 {
			slices.Sort(cwes)
			v.CWEs = &cwes
		}
		v.Description = cleanText(f.Description)
		if t := plainText(f.Title); t != "" {
			v.Description, v.Detail = t, v.Description
		}
		v.Recommendation = fixAdvice(f)
		var adv []cdx.Advisory
		for _, ref := range f.References {
			if u := safeURL(ref); u != "" && !slices.ContainsFunc(adv, func(x cdx.Advisory) bool { return x.URL == u }) {
				adv = append(adv, cdx.Advisory{URL: u})
			}
		}
		if len(adv) > 0 {
			v.Advisories = &adv
		}
		v.Published = rfc3339(f.Published)
		v.Updated = rfc3339(f.Modified)
	}
	if a.analyzed {
		an := &cdx.VulnerabilityAnalysis{
			State:         cdx.ImpactAnalysisState(a.state),
			Justification: cdx.ImpactAnalysisJustification(a.cdxJustification),
			Detail:        a.detail,
		}
		if a.state != "not_affected" {
			// CycloneDX defines justifications for not_affected only.
			an.Justification = ""
		}
		if len(a.responses) > 0 {
			rs := make([]cdx.ImpactAnalysisResponse, len(a.responses))
			for i, r := range a.responses {
				rs[i] = cdx.ImpactAnalysisResponse(r)
			}
			an.Response = &rs
		}
		if a.action != "" && a.detail == "" {
			an.Detail = a.action
		} else if a.action != "" && a.status == findings.VEXAffected && !strings.Contains(a.detail, a.action) {
			an.Detail = a.detail + "\n" + a.action
		}
		v.Analysis = an
	}
	if c, ok := componentOf(f); ok {
		ref := c.ref
		if vexOnly && c.purl == "" {
			ref = ""
		}
		if ref != "" {
			af := cdx.Affects{Ref: ref}
			status := cdx.VulnerabilityStatusAffected
			switch a.state {
			case "not_affected", "false_positive":
				status = cdx.VulnerabilityStatusNotAffected
			case "resolved", "resolved_with_pedigree":
				status = ""
			}
			if c.version != "" && status != "" {
				af.Range = &[]cdx.AffectedVersions{{Version: c.version, Status: status}}
			}
			v.Affects = &[]cdx.Affects{af}
		}
	}
	v.Properties = propertiesOf(en)
	return v
}

// cvssMethods maps CVSS versions to CycloneDX scoring methods.
var cvssMethods = map[string]cdx.ScoringMethod{"2.0": cdx.ScoringMethodCVSSv2, "3.0": cdx.ScoringMethodCVSSv3, "3.1": cdx.ScoringMethodCVSSv31, "4.0": cdx.ScoringMethodCVSSv4}

// ratingsOf lists the finding's CVSS assessments and the tool's
// severity.
func ratingsOf(f *report.Finding) []cdx.VulnerabilityRating {
	var out []cdx.VulnerabilityRating
	for _, c := range f.CVSS {
		r := cdx.VulnerabilityRating{Method: cmp.Or(cvssMethods[c.Version], cdx.ScoringMethodOther), Vector: plainLine(c.Vector)}
		if s := plainLine(c.Source); s != "" {
			r.Source = &cdx.Source{Name: s}
		}
		if c.Score != nil && !math.IsNaN(*c.Score) && !math.IsInf(*c.Score, 0) {
			score := *c.Score
			r.Score = &score
			if sev, ok := findings.SeverityFromScore(score); ok {
				r.Severity = cdxSeverity(sev)
			}
		}
		if r.Vector == "" && r.Score == nil {
			continue
		}
		out = append(out, r)
	}
	r := cdx.VulnerabilityRating{Severity: cdxSeverity(f.Severity), Method: cdx.ScoringMethodOther}
	if t := plainLine(f.Tool.Name); t != "" {
		r.Source = &cdx.Source{Name: t}
	}
	return append(out, r)
}

func cdxSeverity(s findings.Severity) cdx.Severity {
	switch s {
	case findings.SeverityCritical, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityLow, findings.SeverityInfo:
		return cdx.Severity(s)
	}
	return cdx.SeverityUnknown
}

// propertiesOf holds aspm's data about the finding, by name.
func propertiesOf(en *entry) *[]cdx.Property {
	f := en.f
	var ps []cdx.Property
	add := func(name, value string) {
		if value != "" {
			ps = append(ps, cdx.Property{Name: "aspm:" + name, Value: value})
		}
	}
	add("finding-id", plainLine(f.ID))
	add("tool", plainLine(f.Tool.Name))
	add("kind", plainLine(string(f.Kind)))
	add("state", plainLine(f.State))
	add("triage-status", plainLine(f.TriageStatus))
	if r := f.Risk; r != nil {
		if !math.IsNaN(r.Score) && !math.IsInf(r.Score, 0) {
			add("risk-score", strconv.FormatFloat(r.Score, 'f', -1, 64))
		}
		add("priority", plainLine(r.Priority))
		if r.KEV {
			add("kev", "true")
		}
		if r.EPSS != 0 && !math.IsNaN(r.EPSS) && !math.IsInf(r.EPSS, 0) {
			add("epss", strconv.FormatFloat(r.EPSS, 'f', -1, 64))
		}
		add("reachability", plainLine(r.Reachability))
	}
	if !f.SLADue.IsZero() {
		add("sla-due", formatTime(f.SLADue))
	}
	if f.SLABreached {
		add("sla-breached", "true")
	}
	for _, a := range f.Assets {
		add("asset", plainLine(a))
	}
	for _, d := range en.dups {
		add("duplicate", plainLine(d))
	}
	if len(ps) == 0 {
		return nil
	}
	return &ps
}

// rfc3339 returns s normalized to RFC 3339 in UTC, or "" when it is not
// a date-time.
func rfc3339(s string) string {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return formatTime(t)
}

// safeURL returns s when it is an absolute http(s) URL with a host, with
// the bytes a URI may not hold percent-encoded; else "".
func safeURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		return ""
	}
	var b strings.Builder
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0:
			b.WriteByte(c)
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
