package grype

import (
	"encoding/json"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

// Tool metadata used when the document does not name the tool.
const (
	defaultToolName = "grype"
	toolVendor      = "Anchore"
	// notProvided is what Grype writes as its version when built without
	// one; it is not kept.
	notProvided = "[not provided]"
)

// context is what every finding of the document shares, derived from the
// source and descriptor.
type context struct {
	tool    findings.Tool
	image   string
	imageID string
	target  string
}

// context returns the shared context, computing it once the header is
// known.
func (d *decoder) context() (*context, error) {
	if d.ctx != nil {
		return d.ctx, nil
	}
	c := &context{tool: findings.Tool{Name: defaultToolName, Vendor: toolVendor}}
	if ds := d.hdr.descriptor; ds != nil {
		if ds.Name != "" {
			c.tool.Name = ds.Name
		}
		if ds.Version != notProvided {
			c.tool.Version = ds.Version
		}
	}
	if s := d.hdr.source; s != nil && len(s.Target) > 0 {
		switch s.Target[0] {
		case '"':
			if err := json.Unmarshal(s.Target, &c.target); err != nil {
				return nil, d.invalid("source.target", -1, "%v", err)
			}
		case '{':
			var t imageTarget
			if err := json.Unmarshal(s.Target, &t); err != nil {
				return nil, d.invalid("source.target", -1, "%v", err)
			}
			if s.Type == "image" || t.UserInput != "" || t.ImageID != "" {
				c.image = firstNonEmpty(append(append([]string{t.UserInput}, t.RepoDigests...), t.ImageID)...)
				if t.ImageID != c.image {
					c.imageID = t.ImageID
				}
			} else {
				c.target = t.Path
			}
		}
	}
	d.ctx = c
	return c, nil
}

// osTypes are the artifact types of operating-system packages.
var osTypes = map[string]bool{
	"apk": true, "deb": true, "rpm": true, "alpm": true, "portage": true,
	"linux-kernel": true, "linux-kernel-module": true,
}

// emit converts one match and hands it to the emitter.
func (d *decoder) emit(m *match, ignored bool, path string, start int64) error {
	v, a := m.Vulnerability, m.Artifact
	if v == nil || v.ID == "" {
		return d.invalid(path+".vulnerability", start, "match without a vulnerability id")
	}
	if a == nil {
		return d.invalid(path+".artifact", start, "match without an artifact")
	}
	c, err := d.context()
	if err != nil {
		return err
	}
	kind := findings.KindSCA
	if osTypes[a.Type] {
		kind = findings.KindContainer
	}
	f := findings.Finding{
		Kind:        kind,
		Tool:        c.tool,
		RuleID:      v.ID,
		Title:       v.ID + " in " + strings.TrimSpace(a.Name+" "+a.Version),
		Description: v.Description,
		Properties:  map[string]any{},
	}
	f.VulnerabilityIDs = []string{v.ID}
	for _, r := range m.RelatedVulnerabilities {
		if r != nil {
			f.VulnerabilityIDs = append(f.VulnerabilityIDs, r.ID)
		}
	}
	f.References = refs(v)
	for _, adv := range v.Advisories {
		f.VulnerabilityIDs = append(f.VulnerabilityIDs, adv.ID)
		f.References = append(f.References, adv.Link)
	}

	// The related vulnerabilities (the CVE behind a GHSA, say) fill in what
	// the primary record lacks.
	f.CVSS = cvssOf(v)
	related := cvssOfRelated(m.RelatedVulnerabilities)
	if len(f.CVSS) == 0 {
		f.CVSS = related
	}
	for _, r := range m.RelatedVulnerabilities {
		if r == nil {
			continue
		}
		if f.Description == "" {
			f.Description = r.Description
		}
		if len(f.References) == 0 {
			f.References = refs(r)
		}
	}
	d.severity(&f, v, m.RelatedVulnerabilities, related)

	p := &findings.Package{
		Name:      a.Name,
		Version:   a.Version,
		Ecosystem: a.Type,
		PURL:      a.PURL,
	}
	if v.Fix != nil {
		p.FixedVersions = v.Fix.Versions
		if v.Fix.State != "" {
			f.Properties["fix_state"] = v.Fix.State
		}
	}
	if v.FixedInVersion != "" {
		p.FixedVersions = append(p.FixedVersions, v.FixedInVersion)
	}
	for _, l := range a.Locations {
		p.Paths = append(p.Paths, l.Path)
	}
	for _, l := range a.Licenses {
		p.Licenses = append(p.Licenses, string(l))
	}
	f.Package = p

	f.Location.Image = c.image
	f.Location.Target = c.target
	if len(a.Locations) > 0 {
		f.Location.Path = a.Locations[0].Path
		f.Location.Layer = a.Locations[0].LayerID
	}
	if c.imageID != "" {
		f.Properties["image_id"] = c.imageID
	}
	if v.Namespace != "" {
		f.Properties["namespace"] = v.Namespace
	}
	if len(m.MatchDetails) > 0 {
		md := make([]any, 0, len(m.MatchDetails))
		for _, x := range m.MatchDetails {
			e := map[string]any{}
			if x.Type != "" {
				e["type"] = x.Type
			}
			if x.Matcher != "" {
				e["matcher"] = x.Matcher
			}
			md = append(md, e)
		}
		f.Properties["match_details"] = md
	}
	if e := epssOf(v, m.RelatedVulnerabilities); len(e) > 0 {
		f.Properties["epss"] = e
	}
	if k := kevOf(v); len(k) > 0 {
		f.Properties["kev"] = k
	}
	if v.Risk != nil {
		f.Properties["risk"] = *v.Risk
	}
	var ups []any
	for _, u := range a.Upstreams {
		if u.Name != "" {
			ups = append(ups, strings.TrimSpace(u.Name+" "+u.Version))
		}
	}
	if len(ups) > 0 {
		f.Properties["upstreams"] = ups
	}
	if ignored {
		suppress(&f, m.AppliedIgnoreRules)
	}
	return d.em.Finding(f)
}

// refs is a record's advisory URL and links.
func refs(v *vulnerability) []string {
	out := append([]string{v.DataSource}, v.URLs...)
	return append(out, v.Links...)
}

// cvssOf lists a record's CVSS assessments: the cvss array, or the cvssV2
// and cvssV3 objects of old Grype. An assessment without a source is
// credited to the record's namespace.
func cvssOf(v *vulnerability) []findings.CVSS {
	var out []findings.CVSS
	for _, c := range v.CVSS {
		if c == nil || (c.Vector == "" && c.Metrics.BaseScore == nil) {
			continue
		}
		version := c.Version
		if pv := versionOf(c.Vector); pv != "" {
			version = pv
		}
		if version == "2" || version == "3" || version == "4" {
			version += ".0"
		}
		out = append(out, findings.CVSS{Version: version, Vector: c.Vector, Score: c.Metrics.BaseScore, Source: firstNonEmpty(c.Source, v.Namespace)})
	}
	if len(out) > 0 {
		return out
	}
	for i, c := range []*oldCVSS{v.CVSSV2, v.CVSSV3} {
		if c == nil || (c.Vector == "" && c.BaseScore == nil) {
			continue
		}
		version := "2.0"
		if i == 1 {
			version = versionOf(c.Vector)
		}
		out = append(out, findings.CVSS{Version: version, Vector: c.Vector, Score: c.BaseScore, Source: v.Namespace})
	}
	return out
}

func cvssOfRelated(rs []*vulnerability) []findings.CVSS {
	var out []findings.CVSS
	for _, r := range rs {
		if r != nil {
			out = append(out, cvssOf(r)...)
		}
	}
	return out
}

// versionOf reads the version from a "CVSS:x.y/" vector prefix.
func versionOf(vector string) string {
	if rest, ok := strings.CutPrefix(vector, "CVSS:"); ok {
		if i := strings.IndexByte(rest, '/'); i > 0 {
			return rest[:i]
		}
	}
	return ""
}

// severity sets f's severity from, in order: the match's severity word,
// its CVSS v3/v4 base score, a related vulnerability's severity word, a
// related CVSS v3/v4 base score. "Unknown" and a missing severity are not
// words.
func (d *decoder) severity(f *findings.Finding, v *vulnerability, related []*vulnerability, relatedCVSS []findings.CVSS) {
	if s, ok := findings.ParseSeverity(v.Severity); ok {
		f.Severity, f.SeveritySource = s, "grype:severity"
		return
	}
	if fromScore(f, cvssOf(v)) {
		return
	}
	for _, r := range related {
		if r == nil {
			continue
		}
		if s, ok := findings.ParseSeverity(r.Severity); ok {
			f.Severity, f.SeveritySource = s, "grype:relatedVulnerabilities.severity"
			return
		}
	}
	if !fromScore(f, relatedCVSS) {
		f.Severity = findings.SeverityUnknown
	}
}

// fromScore sets the severity from the first CVSS v3 or v4 base score,
// preferring v3.x and v4.0 assessments in list order.
func fromScore(f *findings.Finding, cs []findings.CVSS) bool {
	for _, c := range cs {
		if c.Score == nil || !(strings.HasPrefix(c.Version, "3") || strings.HasPrefix(c.Version, "4")) {
			continue
		}
		if s, ok := findings.SeverityFromScore(*c.Score); ok {
			f.Severity = s
			f.SeveritySource = "cvss:" + c.Version
			if c.Source != "" {
				f.SeveritySource += ":" + c.Source
			}
			return true
		}
	}
	return false
}

// epssOf keeps the EPSS entries of the match, or of its related
// vulnerabilities when the match has none.
func epssOf(v *vulnerability, related []*vulnerability) []any {
	list := v.EPSS
	if len(list) == 0 {
		for _, r := range related {
			if r != nil {
				list = append(list, r.EPSS...)
			}
		}
	}
	var out []any
	for _, e := range list {
		if e == nil {
			continue
		}
		m := map[string]any{}
		if e.CVE != "" {
			m["cve"] = e.CVE
		}
		// A probability or percentile outside [0, 1] is not one: it is
		// dropped, and the entry keeps what else it says.
		if e.EPSS != nil && probability(*e.EPSS) {
			m["epss"] = *e.EPSS
		}
		if e.Percentile != nil && probability(*e.Percentile) {
			m["percentile"] = *e.Percentile
		}
		if e.Date != "" {
			m["date"] = e.Date
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// probability reports whether p is in [0, 1] (NaN is not).
func probability(p float64) bool { return p >= 0 && p <= 1 }

// kevOf keeps the CISA KEV entries Grype attached to the match.
func kevOf(v *vulnerability) []any {
	var out []any
	for _, k := range v.KnownExploited {
		if k == nil {
			continue
		}
		m := map[string]any{}
		for key, val := range map[string]string{"cve": k.CVE, "known_ransomware_campaign_use": k.KnownRansomwareCampaignUse, "date_added": k.DateAdded, "due_date": k.DueDate} {
			if val != "" {
				m[key] = val
			}
		}
		out = append(out, m)
	}
	return out
}

// vexStatuses are the vex-status values of Grype ignore rules.
var vexStatuses = map[string]findings.VEXStatus{
	"not_affected":        findings.VEXNotAffected,
	"affected":            findings.VEXAffected,
	"fixed":               findings.VEXFixed,
	"under_investigation": findings.VEXUnderInvestigation,
}

// suppress records why an ignored match was ignored: a VEX analysis when
// a VEX document's status did it, else an external suppression per rule.
func suppress(f *findings.Finding, rules []*ignoreRule) {
	for _, r := range rules {
		if r == nil {
			continue
		}
		if st, ok := vexStatuses[r.VEXStatus]; ok && f.VEX == nil {
			f.VEX = &findings.VEXAnalysis{Status: st, Justification: r.VEXJustification}
			continue
		}
		f.Suppressions = append(f.Suppressions, findings.Suppression{Kind: "external", Justification: describeRule(r)})
	}
	if f.VEX == nil && len(f.Suppressions) == 0 {
		f.Suppressions = []findings.Suppression{{Kind: "external", Justification: "Grype ignore rule"}}
	}
}

// describeRule is a rule's reason, else a summary of what it matches.
func describeRule(r *ignoreRule) string {
	if r.Reason != "" {
		return r.Reason
	}
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("vulnerability", r.Vulnerability)
	add("namespace", r.Namespace)
	add("fix-state", r.FixState)
	add("vex-status", r.VEXStatus)
	add("match-type", r.MatchType)
	if p := r.Package; p != nil {
		add("package", strings.TrimSpace(p.Name+" "+p.Version))
		add("type", p.Type)
		add("location", p.Location)
	}
	if len(parts) == 0 {
		return "Grype ignore rule"
	}
	return "Grype ignore rule: " + strings.Join(parts, ", ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
