package cyclonedx

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
)

// knownScanners are names (lower case, matched as substrings) of tools that
// write vulnerabilities into CycloneDX documents. When metadata.tools lists
// several tools, the first one whose name matches is the finding's tool.
var knownScanners = []string{
	"grype", "trivy", "jake", "osv-scanner", "dependency-track", "snyk", "secobserve",
	"oss index", "ossindex", "depscan", "dependency-check", "xray", "sonatype", "nancy",
	"mend", "whitesource", "blackduck", "black duck",
}

// osPurlTypes are the purl types of operating-system packages: a finding
// about one of them has kind container.
var osPurlTypes = map[string]bool{"deb": true, "apk": true, "rpm": true}

// cvssMethods maps CycloneDX scoring methods to CVSS versions.
var cvssMethods = map[string]string{"CVSSv2": "2.0", "CVSSv3": "3.0", "CVSSv31": "3.1", "CVSSv4": "4.0"}

// emit hands doc's findings and VEX statements to em, in document order.
func emit(doc *document, em *findings.Emitter, e *errCtx) error {
	vexOnly := isVEXOnly(doc)
	for _, v := range doc.vulns {
		va, err := vexOf(v)
		if err != nil {
			return e.err(-1, v.path+".analysis.state", err)
		}
		if !vexOnly {
			targets := v.affects
			if len(targets) == 0 {
				targets = []affect{{}}
			}
			for _, a := range targets {
				if err := em.Finding(doc.finding(v, a, va)); err != nil {
					return err
				}
			}
		}
		if va != nil {
			if err := em.VEX(doc.statement(v, va)); err != nil {
				return err
			}
		}
	}
	return nil
}

// isVEXOnly reports whether doc is a VEX document: it has
// vulnerabilities, every one carries an analysis with a state, and the BOM
// has no components of its own.
func isVEXOnly(doc *document) bool {
	if len(doc.vulns) == 0 || doc.hasComponents {
		return false
	}
	for _, v := range doc.vulns {
		if v.analysis == nil || v.analysis.state == "" {
			return false
		}
	}
	return true
}

// vexOf maps v's analysis; nil when v has none or it has no state.
func vexOf(v *vuln) (*findings.VEXAnalysis, error) {
	a := v.analysis
	if a == nil || a.state == "" {
		return nil, nil
	}
	st, ok := findings.VEXStatusFromCycloneDX(a.state)
	if !ok {
		return nil, fmt.Errorf("%w: unknown analysis state %s", findings.ErrInvalid, quote(a.state))
	}
	va := &findings.VEXAnalysis{
		Status:          st,
		Justification:   a.justification,
		ImpactStatement: a.detail,
		Response:        append([]string(nil), a.responses...),
	}
	if string(st) != a.state {
		va.State = a.state
	}
	return va, nil
}

// resolve finds the component an affects entry points at: the enclosing
// component for the extension, a bom-ref anywhere in the BOM, or a
// BOM-Link (urn:cdx:serial/version#bom-ref) into this same BOM.
func (doc *document) resolve(a affect) *component {
	if a.comp != nil {
		return a.comp
	}
	if a.ref == "" {
		return nil
	}
	if c, ok := doc.index[a.ref]; ok {
		return c
	}
	if rest, ok := strings.CutPrefix(a.ref, "urn:cdx:"); ok {
		serialVer, frag, ok := strings.Cut(rest, "#")
		serial, _, _ := strings.Cut(serialVer, "/")
		if !ok || serial == "" || serial != strings.TrimPrefix(doc.serial, "urn:uuid:") {
			return nil
		}
		if f, err := url.PathUnescape(frag); err == nil {
			frag = f
		}
		return doc.index[frag]
	}
	return nil
}

func (doc *document) finding(v *vuln, a affect, va *findings.VEXAnalysis) findings.Finding {
	c := doc.resolve(a)
	pkg := packageOf(c, a.ref)
	f := findings.Finding{
		Kind:             findings.KindSCA,
		Tool:             pickTool(v.tools, doc.tools),
		RuleID:           v.id,
		Description:      v.description,
		CVSS:             cvssOf(v.ratings),
		VulnerabilityIDs: append([]string{v.id}, v.aliases...),
		CWEs:             append([]string(nil), v.cwes...),
		Package:          pkg,
		Published:        v.published,
		Modified:         v.updated,
		Properties:       map[string]any{},
	}
	if pkg != nil && osPurlTypes[strings.ToLower(pkg.Ecosystem)] {
		f.Kind = findings.KindContainer
	}
	if v.detail != "" && v.detail != v.description {
		if f.Description != "" {
			f.Description += "\n\n"
		}
		f.Description += v.detail
	}
	f.Title = title(v, pkg)
	f.Severity, f.SeveritySource = severityOf(v)
	if f.Published == "" {
		f.Published = v.created
	} else if v.created != "" {
		f.Properties["cyclonedx:created"] = v.created
	}
	if s := doc.subject; s != nil && s.name != "" {
		if s.typ == "container" {
			f.Location.Image = s.name
		} else {
			f.Location.Target = s.name
		}
	}
	if va != nil {
		cp := *va
		cp.Response = append([]string(nil), va.Response...)
		f.VEX = &cp
	}
	f.References = append(f.References, v.sourceURL)
	f.References = append(f.References, v.advisories...)
	f.References = append(f.References, v.aliasURLs...)

	p := f.Properties
	setProp(p, "cyclonedx:bom_ref", v.bomRef)
	setProp(p, "cyclonedx:ref", a.ref)
	setProp(p, "cyclonedx:source", v.sourceName)
	setProp(p, "cyclonedx:recommendation", v.recommendation)
	setProp(p, "cyclonedx:workaround", v.workaround)
	setProp(p, "cyclonedx:rejected", v.reject)
	if c != nil && c.purl == "" && c.group != "" {
		setProp(p, "cyclonedx:group", c.group)
	}
	if len(a.versions) > 0 {
		vs := make([]any, 0, len(a.versions))
		for _, av := range a.versions {
			m := map[string]any{}
			setProp(m, "version", av.version)
			setProp(m, "range", av.rng)
			setProp(m, "status", av.status)
			vs = append(vs, m)
		}
		p["cyclonedx:affected_versions"] = vs
	}
	if other := otherRatings(v.ratings); len(other) > 0 {
		p["cyclonedx:other_ratings"] = other
	}
	if an := v.analysis; an != nil {
		setProp(p, "cyclonedx:analysis_first_issued", an.firstIssued)
		setProp(p, "cyclonedx:analysis_last_updated", an.lastUpdated)
		if an.state == "" {
			// An analysis without a state gives no VEX status; keep what it says.
			m := map[string]any{}
			setProp(m, "justification", an.justification)
			setProp(m, "detail", an.detail)
			if len(an.responses) > 0 {
				rs := make([]any, len(an.responses))
				for i, r := range an.responses {
					rs[i] = r
				}
				m["response"] = rs
			}
			if len(m) > 0 {
				p["cyclonedx:analysis"] = m
			}
		}
	}
	for _, pr := range v.properties {
		if pr.name == "" {
			continue
		}
		switch old := p[pr.name].(type) {
		case nil:
			p[pr.name] = pr.value
		case string:
			p[pr.name] = []any{old, pr.value}
		case []any:
			p[pr.name] = append(old, pr.value)
		}
	}
	return f
}

func (doc *document) statement(v *vuln, va *findings.VEXAnalysis) findings.VEXStatement {
	s := findings.VEXStatement{
		VulnerabilityID: v.id,
		Aliases:         append([]string(nil), v.aliases...),
		VEXAnalysis:     *va,
		Document:        doc.serial,
		Author:          doc.author,
	}
	s.Response = append([]string(nil), va.Response...)
	seen := map[string]bool{}
	for _, a := range v.affects {
		p := a.ref
		if c := doc.resolve(a); c != nil && c.purl != "" {
			p = c.purl
		}
		if p != "" && !seen[p] {
			seen[p] = true
			s.Products = append(s.Products, p)
		}
	}
	switch {
	case v.analysis.lastUpdated != "":
		s.Timestamp = v.analysis.lastUpdated
	case v.analysis.firstIssued != "":
		s.Timestamp = v.analysis.firstIssued
	default:
		s.Timestamp = doc.timestamp
	}
	return s
}

// packageOf builds the package from the resolved component, or from the
// affects ref itself when it is a package URL nobody declared.
func packageOf(c *component, ref string) *findings.Package {
	purl := ""
	if c != nil {
		purl = c.purl
	} else if strings.HasPrefix(ref, "pkg:") {
		purl = ref
	}
	if c == nil && purl == "" {
		return nil
	}
	p := &findings.Package{PURL: purl}
	if c != nil {
		p.Name, p.Version = c.name, c.version
		p.Licenses = append([]string(nil), c.licenses...)
		switch c.scope {
		case "required":
			p.Scope = findings.ScopeRuntime
		case "optional":
			p.Scope = findings.ScopeOptional
		}
	}
	if purl != "" {
		if pu, err := packageurl.FromString(purl); err == nil {
			p.Ecosystem = pu.Type
			p.Name = purlName(pu)
			if p.Version == "" {
				p.Version = pu.Version
			}
		}
	}
	return p
}

// purlName spells a purl's name as its ecosystem does: "group:artifact"
// for Maven, "namespace/name" for npm, Go, Composer and the like, and the
// bare name for OS packages, whose namespace is the distribution.
func purlName(pu packageurl.PackageURL) string {
	if pu.Namespace == "" {
		return pu.Name
	}
	switch pu.Type {
	case "maven":
		return pu.Namespace + ":" + pu.Name
	case "deb", "rpm", "apk", "alpm":
		return pu.Name
	}
	return pu.Namespace + "/" + pu.Name
}

func title(v *vuln, pkg *findings.Package) string {
	t := v.id
	if t == "" {
		t = v.bomRef
	}
	if t == "" {
		t = "vulnerability"
	}
	if pkg != nil && pkg.Name != "" {
		t += " in " + pkg.Name
		if pkg.Version != "" {
			t += " " + pkg.Version
		}
	}
	return t
}

// pickTool returns the vulnerability's own tool if it names one, else the
// document's: the first tool whose name matches a known scanner, else the
// first tool. It returns the zero Tool when the document names none.
func pickTool(lists ...[]findings.Tool) findings.Tool {
	for _, tools := range lists {
		for _, t := range tools {
			n := strings.ToLower(t.Name)
			for _, k := range knownScanners {
				if strings.Contains(n, k) {
					return t
				}
			}
		}
		if len(tools) > 0 {
			return tools[0]
		}
	}
	return findings.Tool{}
}

// explicitSeverity maps a rating's own severity word; "unknown" and
// unrecognized words are not explicit.
func explicitSeverity(r rating) (findings.Severity, bool) {
	return findings.ParseSeverity(r.severity)
}

// severityOf chooses the finding's severity from the ratings, by this
// precedence: (1) the explicit severity of a rating whose source is the
// vulnerability's own source; (2) the first explicit severity in document
// order; (3) the score of the rating with the newest CVSS version (4.0,
// 3.1, 3.0, 2.0; ties in document order), in CVSS v3 bands; (4) unknown.
func severityOf(v *vuln) (findings.Severity, string) {
	src := func(prefix string, r rating) string {
		if r.sourceName != "" {
			return prefix + ":" + strings.ToLower(r.sourceName)
		}
		return prefix
	}
	if v.sourceName != "" {
		for _, r := range v.ratings {
			if strings.EqualFold(strings.TrimSpace(r.sourceName), strings.TrimSpace(v.sourceName)) {
				if s, ok := explicitSeverity(r); ok {
					return s, src("cyclonedx:severity", r)
				}
			}
		}
	}
	for _, r := range v.ratings {
		if s, ok := explicitSeverity(r); ok {
			return s, src("cyclonedx:severity", r)
		}
	}
	best, bestVer := -1, ""
	for i, r := range v.ratings {
		ver := cvssVersion(r)
		if ver == "" || r.score == nil {
			continue
		}
		if best < 0 || ver > bestVer {
			best, bestVer = i, ver
		}
	}
	if best >= 0 {
		if s, ok := findings.SeverityFromScore(*v.ratings[best].score); ok {
			return s, src("cvss:"+bestVer, v.ratings[best])
		}
	}
	return findings.SeverityUnknown, ""
}

// cvssVersion is the CVSS version of a rating: from its vector's prefix
// ("CVSS:3.1/...") or else its method; "" when it is not a CVSS rating.
func cvssVersion(r rating) string {
	if rest, ok := strings.CutPrefix(r.vector, "CVSS:"); ok {
		if ver, _, ok := strings.Cut(rest, "/"); ok && (ver == "3.0" || ver == "3.1" || ver == "4.0") {
			return ver
		}
	}
	return cvssMethods[r.method]
}

func cvssOf(rs []rating) []findings.CVSS {
	var out []findings.CVSS
	for _, r := range rs {
		ver := cvssVersion(r)
		if ver == "" || (r.score == nil && r.vector == "") {
			continue
		}
		c := findings.CVSS{Version: ver, Vector: r.vector, Source: r.sourceName}
		if r.score != nil {
			s := *r.score
			c.Score = &s
		}
		out = append(out, c)
	}
	return out
}

// otherRatings keeps the ratings that are not CVSS entries (severity-only
// vendor ratings, OWASP, EPSS as "other"...).
func otherRatings(rs []rating) []any {
	var out []any
	for _, r := range rs {
		if ver := cvssVersion(r); ver != "" && (r.score != nil || r.vector != "") {
			continue
		}
		m := map[string]any{}
		setProp(m, "source", r.sourceName)
		setProp(m, "method", r.method)
		setProp(m, "severity", r.severity)
		setProp(m, "vector", r.vector)
		setProp(m, "justification", r.justification)
		if r.score != nil {
			m["score"] = *r.score
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out
}

func setProp(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}
