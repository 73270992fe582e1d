package depcheck

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/xmlstream"
)

const rootElement = "analysis"

func decodeXML(r io.Reader, opts findings.DecodeOptions, em *findings.Emitter) error {
	s := xmlstream.New(r, opts, Format)
	root, err := s.Root()
	if err != nil {
		return err
	}
	ns := strings.ToLower(root.Name.Space)
	if root.Name.Local != rootElement || (ns != "" && !strings.Contains(ns, "dependency-check") && !strings.Contains(ns, "dependencycheck")) {
		return s.Errorf(s.TokenOffset(), "", findings.ErrUnsupportedFormat, "root element <%s> in namespace %s is not a Dependency-Check <analysis>", clipName(root.Name.Local), quote(root.Name.Space))
	}
	var rep report
	for {
		tok, err := s.Token(rootElement)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path := rootElement + "." + t.Name.Local
			switch t.Name.Local {
			case "scanInfo":
				n, err := s.Element(t, path, nil)
				if err != nil {
					return err
				}
				rep.engineVersion = n.Get("engineVersion")
			case "projectInfo":
				n, err := s.Element(t, path, nil)
				if err != nil {
					return err
				}
				rep.project = n.Get("name")
			case "dependencies":
				if err := decodeDependenciesXML(s, em, rep, path); err != nil {
					return err
				}
			default:
				if err := s.Skip(path); err != nil {
					return err
				}
			}
		case xml.EndElement:
			return s.End()
		}
	}
}

// decodeDependenciesXML reads the rest of <dependencies>, one <dependency>
// at a time.
func decodeDependenciesXML(s *xmlstream.Stream, em *findings.Emitter, rep report, path string) error {
	i := 0
	for {
		tok, err := s.Token(path)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "dependency" {
				if err := s.Skip(path + "." + t.Name.Local); err != nil {
					return err
				}
				continue
			}
			dpath := fmt.Sprintf("%s.dependency[%d]", path, i)
			i++
			start := s.TokenOffset()
			// Evidence is not used; it is measured and dropped like any
			// text, but its elements are small.
			n, err := s.Element(t, dpath, nil)
			if err != nil {
				return err
			}
			d, err := dependencyFromXML(n)
			if err == nil {
				err = emitDependency(em, rep, d)
			}
			if err != nil {
				var iv *invalid
				if errors.As(err, &iv) {
					return s.Errorf(start, dpath+"."+iv.field, findings.ErrInvalid, "%s", iv.msg)
				}
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// Single-valued elements of a <dependency>, of a vulnerability and of its
// CVSS elements: a record that repeats one is [findings.ErrInvalid] rather
// than silently read with one of its values.
var (
	dependencyFields = []string{"fileName", "filePath", "md5", "sha1", "sha256", "license",
		"projectReferences", "identifiers", "vulnerabilities", "relatedDependencies"}
	vulnFields = []string{"name", "severity", "description", "notes", "cvssV2", "cvssV3", "cvssV4", "cvssScore",
		"cwes", "references", "vulnerableSoftware", "knownExploitedVulnerability"}
	cvssFields = []string{"score", "baseScore", "vectorString", "version", "severity", "baseSeverity", "source",
		"accessVector", "accessComplexity", "authentication", "authenticationr", "confidentialImpact",
		"confidentialityImpact", "integrityImpact", "availabilityImpact", "attackVector", "attackComplexity",
		"privilegesRequired", "userInteraction", "scope"}
)

// repeatedField returns the path of the first single-valued element that
// dependency n repeats, or "".
func repeatedField(n *xmlstream.Node) string {
	if name := n.Repeated(dependencyFields...); name != "" {
		return name
	}
	seen := map[string]int{}
	for _, v := range n.Child("vulnerabilities").Elems() {
		i := seen[v.Name]
		seen[v.Name]++
		if v.Name != "vulnerability" && v.Name != "suppressedVulnerability" {
			continue
		}
		path := fmt.Sprintf("vulnerabilities.%s[%d].", v.Name, i)
		if name := v.Repeated(vulnFields...); name != "" {
			return path + name
		}
		for _, c := range []string{"cvssV2", "cvssV3", "cvssV4"} {
			if name := v.Child(c).Repeated(cvssFields...); name != "" {
				return path + c + "." + name
			}
		}
	}
	return ""
}

func dependencyFromXML(n *xmlstream.Node) (*dependency, error) {
	if path := repeatedField(n); path != "" {
		name := path[strings.LastIndexByte(path, '.')+1:]
		return nil, &invalid{path, fmt.Sprintf("<%s> given more than once", name)}
	}
	d := &dependency{
		fileName: n.Get("fileName"),
		filePath: n.Get("filePath"),
		sha1:     n.Get("sha1"),
		sha256:   n.Get("sha256"),
		virtual:  isTrue(n.Attr("isVirtual")),
		license:  n.Get("license"),
	}
	for _, r := range n.Child("projectReferences").All("projectReference") {
		if t := strings.TrimSpace(r.Text); t != "" {
			d.projectRefs = append(d.projectRefs, t)
		}
	}
	for _, r := range n.Child("relatedDependencies").All("relatedDependency") {
		rel := related{fileName: r.Get("fileName"), filePath: r.Get("filePath")}
		identifiersFromXML(r.Child("identifiers"), &rel.purls, nil, nil)
		d.related = append(d.related, rel)
	}
	identifiersFromXML(n.Child("identifiers"), &d.packages, &d.maven, &d.cpes)
	seen := map[string]int{}
	for _, v := range n.Child("vulnerabilities").Elems() {
		if v.Name != "vulnerability" && v.Name != "suppressedVulnerability" {
			continue
		}
		vu := vulnFromXML(v, v.Name == "suppressedVulnerability")
		vu.path = fmt.Sprintf("vulnerabilities.%s[%d]", v.Name, seen[v.Name])
		seen[v.Name]++
		d.vulns = append(d.vulns, vu)
	}
	return d, nil
}

// identifiersFromXML collects package ids (schema 2+), and maven and cpe
// identifiers (schema 1.x) from an <identifiers> element, descending into
// nested <identifiers>.
func identifiersFromXML(n *xmlstream.Node, purls, maven, cpes *[]string) {
	if n == nil {
		return
	}
	for _, c := range n.Elems() {
		switch c.Name {
		case "package":
			if id := c.Get("id"); id != "" {
				*purls = append(*purls, id)
			}
		case "vulnerabilityIds":
			if id := c.Get("id"); id != "" && cpes != nil {
				*cpes = append(*cpes, id)
			}
		case "identifier":
			name := c.Get("name")
			switch strings.ToLower(c.Attr("type")) {
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

func vulnFromXML(n *xmlstream.Node, suppressed bool) vuln {
	v := vuln{
		suppressed:  suppressed,
		source:      n.Attr("source"),
		name:        n.Get("name"),
		severity:    n.Get("severity"),
		description: n.Get("description"),
		notes:       n.Get("notes"),
	}
	if sev := n.Child("severity"); sev != nil {
		v.unscored = isTrue(sev.Attr("unscored"))
	}
	if c := n.Child("cvssV2"); c != nil {
		v.v2 = &cvss2{
			score: c.Get("score"), av: c.Get("accessVector"), ac: c.Get("accessComplexity"),
			au: first(c.Get("authenticationr"), c.Get("authentication")),
			c:  first(c.Get("confidentialImpact"), c.Get("confidentialityImpact")),
			i:  c.Get("integrityImpact"), a: c.Get("availabilityImpact"),
			severity: c.Get("severity"), version: c.Get("version"),
		}
	} else if n.Has("cvssScore") {
		// Schema 1.x: CVSS v2 metrics on the vulnerability itself.
		v.v2 = &cvss2{
			score: n.Get("cvssScore"), av: n.Get("cvssAccessVector"), ac: n.Get("cvssAccessComplexity"),
			au: first(n.Get("cvssAuthenticationr"), n.Get("cvssAuthentication")),
			c:  first(n.Get("cvssConfidentialImpact"), n.Get("cvssConfidentialityImpact")),
			i:  n.Get("cvssIntegrityImpact"), a: n.Get("cvssAvailabilityImpact"),
		}
	}
	if c := n.Child("cvssV3"); c != nil {
		v.v3 = &cvss3{
			score: c.Get("baseScore"), av: c.Get("attackVector"), ac: c.Get("attackComplexity"),
			pr: c.Get("privilegesRequired"), ui: c.Get("userInteraction"), s: c.Get("scope"),
			c: c.Get("confidentialityImpact"), i: c.Get("integrityImpact"), a: c.Get("availabilityImpact"),
			severity: c.Get("baseSeverity"), version: c.Get("version"),
		}
	}
	if c := n.Child("cvssV4"); c != nil {
		v.v4 = &cvss4{score: c.Get("baseScore"), vector: c.Get("vectorString"), severity: c.Get("baseSeverity"),
			version: c.Get("version"), source: c.Get("source")}
	}
	if c := n.Get("cwe"); c != "" {
		v.cwes = append(v.cwes, c)
	}
	for _, c := range n.Child("cwes").All("cwe") {
		if t := strings.TrimSpace(c.Text); t != "" {
			v.cwes = append(v.cwes, t)
		}
	}
	for _, r := range n.Child("references").All("reference") {
		if u := r.Get("url"); u != "" {
			v.refs = append(v.refs, u)
		}
	}
	for _, sw := range n.Child("vulnerableSoftware").All("software") {
		v.softwareCount++
		if v.matched == nil && (isTrue(sw.Attr("vulnerabilityIdMatched")) || isTrue(sw.Attr("matched"))) {
			v.matched = &software{
				id:        strings.TrimSpace(sw.Text),
				startIncl: sw.Attr("versionStartIncluding"), startExcl: sw.Attr("versionStartExcluding"),
				endIncl: sw.Attr("versionEndIncluding"), endExcl: sw.Attr("versionEndExcluding"),
			}
		}
	}
	if k := n.Child("knownExploitedVulnerability"); k != nil {
		v.knownExploited = true
		v.kevDateAdded = k.Get("dateAdded")
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

// clipName cuts an element name for an error message: a name may be as long
// as MaxTagMarkupBytes.
func clipName(s string) string {
	if len(s) > maxQuoted {
		return s[:maxQuoted] + "..."
	}
	return s
}
