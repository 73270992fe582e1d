package depcheck

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

const rootElement = "analysis"

func decodeXML(r io.Reader, opts findings.DecodeOptions, em *findings.Emitter) error {
	s := newXMLStream(r, opts, Format)
	root, err := s.root()
	if err != nil {
		return err
	}
	ns := strings.ToLower(root.Name.Space)
	if root.Name.Local != rootElement || (ns != "" && !strings.Contains(ns, "dependency-check") && !strings.Contains(ns, "dependencycheck")) {
		return s.errorf(s.before, "", findings.ErrUnsupportedFormat, "root element <%s> in namespace %q is not a Dependency-Check <analysis>", root.Name.Local, root.Name.Space)
	}
	var rep report
	for {
		tok, err := s.token(rootElement)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path := rootElement + "." + t.Name.Local
			switch t.Name.Local {
			case "scanInfo":
				n, err := s.element(t, path, nil)
				if err != nil {
					return err
				}
				rep.engineVersion = n.get("engineVersion")
			case "projectInfo":
				n, err := s.element(t, path, nil)
				if err != nil {
					return err
				}
				rep.project = n.get("name")
			case "dependencies":
				if err := decodeDependenciesXML(s, em, rep, path); err != nil {
					return err
				}
			default:
				if err := s.skip(path); err != nil {
					return err
				}
			}
		case xml.EndElement:
			return s.end()
		}
	}
}

// decodeDependenciesXML reads the rest of <dependencies>, one <dependency>
// at a time.
func decodeDependenciesXML(s *xmlStream, em *findings.Emitter, rep report, path string) error {
	i := 0
	for {
		tok, err := s.token(path)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "dependency" {
				if err := s.skip(path + "." + t.Name.Local); err != nil {
					return err
				}
				continue
			}
			dpath := fmt.Sprintf("%s.dependency[%d]", path, i)
			i++
			start := s.before
			// Evidence is not used; it is measured and dropped like any
			// text, but its elements are small.
			n, err := s.element(t, dpath, nil)
			if err != nil {
				return err
			}
			if err := emitDependency(em, rep, dependencyFromXML(n)); err != nil {
				var iv *invalid
				if errors.As(err, &iv) {
					return s.errorf(start, dpath+"."+iv.field, findings.ErrInvalid, "%s", iv.msg)
				}
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func dependencyFromXML(n *node) *dependency {
	d := &dependency{
		fileName: n.get("fileName"),
		filePath: n.get("filePath"),
		sha1:     n.get("sha1"),
		sha256:   n.get("sha256"),
		virtual:  isTrue(n.attrValue("isVirtual")),
		license:  n.get("license"),
	}
	for _, r := range n.child("projectReferences").all("projectReference") {
		if t := strings.TrimSpace(r.text); t != "" {
			d.projectRefs = append(d.projectRefs, t)
		}
	}
	for _, r := range n.child("relatedDependencies").all("relatedDependency") {
		rel := related{fileName: r.get("fileName"), filePath: r.get("filePath")}
		identifiersFromXML(r.child("identifiers"), &rel.purls, nil, nil)
		d.related = append(d.related, rel)
	}
	identifiersFromXML(n.child("identifiers"), &d.packages, &d.maven, &d.cpes)
	seen := map[string]int{}
	for _, v := range n.child("vulnerabilities").elems() {
		if v.name != "vulnerability" && v.name != "suppressedVulnerability" {
			continue
		}
		vu := vulnFromXML(v, v.name == "suppressedVulnerability")
		vu.path = fmt.Sprintf("vulnerabilities.%s[%d]", v.name, seen[v.name])
		seen[v.name]++
		d.vulns = append(d.vulns, vu)
	}
	return d
}

// identifiersFromXML collects package ids (schema 2+), and maven and cpe
// identifiers (schema 1.x) from an <identifiers> element, descending into
// nested <identifiers>.
func identifiersFromXML(n *node, purls, maven, cpes *[]string) {
	if n == nil {
		return
	}
	for _, c := range n.children {
		switch c.name {
		case "package":
			if id := c.get("id"); id != "" {
				*purls = append(*purls, id)
			}
		case "vulnerabilityIds":
			if id := c.get("id"); id != "" && cpes != nil {
				*cpes = append(*cpes, id)
			}
		case "identifier":
			name := c.get("name")
			switch strings.ToLower(c.attrValue("type")) {
			case "maven":
				if maven != nil && name != "" {
					*maven = append(*maven, name)
				}
			case "cpe":
				if cpes != nil && name != "" {
					*cpes = append(*cpes, name)
				}
			}
		case "identifiers":
			identifiersFromXML(c, purls, maven, cpes)
		}
	}
}

func vulnFromXML(n *node, suppressed bool) vuln {
	v := vuln{
		suppressed:  suppressed,
		source:      n.attrValue("source"),
		name:        n.get("name"),
		severity:    n.get("severity"),
		description: n.get("description"),
		notes:       n.get("notes"),
	}
	if sev := n.child("severity"); sev != nil {
		v.unscored = isTrue(sev.attrValue("unscored"))
	}
	if c := n.child("cvssV2"); c != nil {
		v.v2 = &cvss2{
			score: c.get("score"), av: c.get("accessVector"), ac: c.get("accessComplexity"),
			au: first(c.get("authenticationr"), c.get("authentication")),
			c:  first(c.get("confidentialImpact"), c.get("confidentialityImpact")),
			i:  c.get("integrityImpact"), a: c.get("availabilityImpact"),
			severity: c.get("severity"), version: c.get("version"),
		}
	} else if n.has("cvssScore") {
		// Schema 1.x: CVSS v2 metrics on the vulnerability itself.
		v.v2 = &cvss2{
			score: n.get("cvssScore"), av: n.get("cvssAccessVector"), ac: n.get("cvssAccessComplexity"),
			au: first(n.get("cvssAuthenticationr"), n.get("cvssAuthentication")),
			c:  first(n.get("cvssConfidentialImpact"), n.get("cvssConfidentialityImpact")),
			i:  n.get("cvssIntegrityImpact"), a: n.get("cvssAvailabilityImpact"),
		}
	}
	if c := n.child("cvssV3"); c != nil {
		v.v3 = &cvss3{
			score: c.get("baseScore"), av: c.get("attackVector"), ac: c.get("attackComplexity"),
			pr: c.get("privilegesRequired"), ui: c.get("userInteraction"), s: c.get("scope"),
			c: c.get("confidentialityImpact"), i: c.get("integrityImpact"), a: c.get("availabilityImpact"),
			severity: c.get("baseSeverity"), version: c.get("version"),
		}
	}
	if c := n.child("cvssV4"); c != nil {
		v.v4 = &cvss4{score: c.get("baseScore"), vector: c.get("vectorString"), severity: c.get("baseSeverity"),
			version: c.get("version"), source: c.get("source")}
	}
	if c := n.get("cwe"); c != "" {
		v.cwes = append(v.cwes, c)
	}
	for _, c := range n.child("cwes").all("cwe") {
		if t := strings.TrimSpace(c.text); t != "" {
			v.cwes = append(v.cwes, t)
		}
	}
	for _, r := range n.child("references").all("reference") {
		if u := r.get("url"); u != "" {
			v.refs = append(v.refs, u)
		}
	}
	for _, sw := range n.child("vulnerableSoftware").all("software") {
		v.softwareCount++
		if v.matched == nil && (isTrue(sw.attrValue("vulnerabilityIdMatched")) || isTrue(sw.attrValue("matched"))) {
			v.matched = &software{
				id:        strings.TrimSpace(sw.text),
				startIncl: sw.attrValue("versionStartIncluding"), startExcl: sw.attrValue("versionStartExcluding"),
				endIncl: sw.attrValue("versionEndIncluding"), endExcl: sw.attrValue("versionEndExcluding"),
			}
		}
	}
	if k := n.child("knownExploitedVulnerability"); k != nil {
		v.knownExploited = true
		v.kevDateAdded = k.get("dateAdded")
	}
	return v
}

// first returns the first non-empty string.
func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
