package depcheck

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "dependency-check"

const (
	toolName   = "Dependency-Check"
	toolVendor = "OWASP"
	sniffBytes = 64 << 10
)

// Decode reads one OWASP Dependency-Check report (XML, any schema version
// from 1.x to 4.x, or JSON) from r and hands each finding to h, in document
// order: one finding per vulnerability (or suppressed vulnerability) of
// each dependency. It returns nil only when the whole document was read;
// bad input gives a *findings.DecodeError, and an error returned by h is
// returned unchanged.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: 0, Err: err}
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	em := findings.NewEmitter(h, opts, Format)
	switch {
	case len(t) == 0 && len(head) < sniffBytes:
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: int64(len(head)),
			Err: fmt.Errorf("%w: empty input", findings.ErrSyntax)}
	case len(t) == 0:
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: int64(len(head)),
			Err: fmt.Errorf("%w: no document in the first %d bytes", findings.ErrSyntax, sniffBytes)}
	case t[0] == '<':
		return decodeXML(br, opts, em)
	default:
		return decodeJSON(br, opts, em)
	}
}

// report is what the document says about the scan.
type report struct {
	engineVersion string
	project       string
}

// dependency is one <dependency> or dependencies[] entry.
type dependency struct {
	fileName, filePath, sha1, sha256 string
	virtual                          bool
	license                          string
	projectRefs                      []string
	related                          []related
	packages                         []string // purls, in document order
	maven                            []string // schema 1.x "group:artifact:version" identifiers
	cpes                             []string
	vulns                            []vuln
}

type related struct {
	fileName, filePath string
	purls              []string
}

// vuln is one vulnerability or suppressed vulnerability.
type vuln struct {
	path           string // location in the dependency, for errors
	suppressed     bool
	source, name   string
	severity       string
	unscored       bool
	v2             *cvss2
	v3             *cvss3
	v4             *cvss4
	cwes           []string
	description    string
	notes          string
	refs           []string
	matched        *software
	softwareCount  int
	knownExploited bool
	kevDateAdded   string
}

type cvss2 struct {
	score, av, ac, au, c, i, a, severity, version string
}

type cvss3 struct {
	score, av, ac, pr, ui, s, c, i, a, severity, version string
}

type cvss4 struct {
	score, vector, severity, version, source string
}

// software is the vulnerable-software entry the vulnerability was matched
// on.
type software struct {
	id                                     string
	startIncl, startExcl, endIncl, endExcl string
}

// invalid describes a field with a value outside the format.
type invalid struct {
	field, msg string
}

func (e *invalid) Error() string { return e.msg }

// emitDependency hands the findings of one dependency to em.
func emitDependency(em *findings.Emitter, rep report, d *dependency) error {
	pkg, props := dependencyPackage(rep, d)
	for i := range d.vulns {
		f, err := vulnFinding(rep, d, pkg, props, &d.vulns[i])
		if err != nil {
			var iv *invalid
			if asInvalid(err, &iv) {
				iv.field = d.vulns[i].path + "." + iv.field
			}
			return err
		}
		if err := em.Finding(f); err != nil {
			return err
		}
	}
	return nil
}

func asInvalid(err error, iv **invalid) bool {
	v, ok := err.(*invalid)
	if ok {
		*iv = v
	}
	return ok
}

// dependencyPackage builds the package and the properties every finding of
// d shares.
func dependencyPackage(rep report, d *dependency) (*findings.Package, map[string]any) {
	pkg := &findings.Package{}
	if d.filePath != "" {
		pkg.Paths = []string{d.filePath}
	}
	if d.license != "" {
		pkg.Licenses = []string{d.license}
	}
	for _, p := range d.packages {
		if fillFromPURL(pkg, p) {
			break
		}
	}
	if pkg.PURL == "" {
		for _, m := range d.maven {
			parts := strings.Split(m, ":")
			if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
				continue
			}
			pkg.Name = parts[0] + ":" + parts[1]
			pkg.Version = parts[2]
			pkg.Ecosystem = packageurl.TypeMaven
			pkg.PURL = packageurl.NewPackageURL(packageurl.TypeMaven, parts[0], parts[1], parts[2], nil, "").ToString()
			break
		}
	}
	props := map[string]any{}
	setStr(props, "file_name", d.fileName)
	setStr(props, "sha1", d.sha1)
	setStr(props, "sha256", d.sha256)
	setStr(props, "project", rep.project)
	if d.virtual {
		props["virtual"] = true
	}
	if len(d.packages) > 1 {
		props["purls"] = d.packages
	}
	if len(d.cpes) > 0 {
		props["cpes"] = d.cpes
	}
	if len(d.projectRefs) > 0 {
		props["project_references"] = d.projectRefs
	}
	if len(d.related) > 0 {
		names := make([]string, 0, len(d.related))
		var purls []string
		for _, r := range d.related {
			n := r.fileName
			if n == "" {
				n = r.filePath
			}
			if n != "" {
				names = append(names, n)
			}
			purls = append(purls, r.purls...)
		}
		if len(names) > 0 {
			props["related_dependencies"] = names
		}
		if len(purls) > 0 {
			props["related_purls"] = purls
		}
	}
	return pkg, props
}

// fillFromPURL fills pkg from the tool's purl; false when p is not a purl.
func fillFromPURL(pkg *findings.Package, p string) bool {
	u, err := packageurl.FromString(p)
	if err != nil {
		return false
	}
	pkg.PURL = p
	pkg.Ecosystem = u.Type
	pkg.Version = u.Version
	switch {
	case u.Namespace == "":
		pkg.Name = u.Name
	case u.Type == packageurl.TypeMaven:
		pkg.Name = u.Namespace + ":" + u.Name
	default:
		pkg.Name = u.Namespace + "/" + u.Name
	}
	return true
}

// vulnFinding builds the finding of one vulnerability of d.
func vulnFinding(rep report, d *dependency, pkg *findings.Package, shared map[string]any, v *vuln) (findings.Finding, error) {
	if v.name == "" {
		return findings.Finding{}, &invalid{"name", "vulnerability has no name"}
	}
	p := *pkg
	p.Paths = append([]string(nil), pkg.Paths...)
	p.Licenses = append([]string(nil), pkg.Licenses...)
	f := findings.Finding{
		Kind:        findings.KindSCA,
		Tool:        findings.Tool{Name: toolName, Version: rep.engineVersion, Vendor: toolVendor},
		RuleID:      v.name,
		Title:       v.name,
		Description: strings.TrimSpace(v.description),
		Severity:    findings.SeverityUnknown,
		CWEs:        append([]string(nil), v.cwes...),
		Package:     &p,
		Location:    findings.Location{Path: d.filePath},
		References:  append([]string(nil), v.refs...),
	}
	if on := d.fileName; on != "" {
		f.Title += " in " + on
	} else if p.Name != "" {
		f.Title += " in " + p.Name
	}
	if isVulnID(v.name) {
		f.VulnerabilityIDs = []string{v.name}
	}
	if v.suppressed {
		f.Suppressions = []findings.Suppression{{Kind: "external", Justification: strings.TrimSpace(v.notes)}}
	}
	cvssSource := strings.ToLower(v.source)
	if err := addCVSS(&f, v, cvssSource); err != nil {
		return f, err
	}
	setSeverity(&f, v)
	props := make(map[string]any, len(shared)+8)
	for k, val := range shared {
		props[k] = val
	}
	setStr(props, "source", v.source)
	if v.unscored {
		props["unscored"] = true
	}
	if !v.suppressed {
		setStr(props, "notes", v.notes)
	}
	if v.knownExploited {
		props["known_exploited"] = true
		setStr(props, "kev_date_added", v.kevDateAdded)
	}
	if m := v.matched; m != nil {
		setStr(props, "matched_software", m.id)
		setStr(props, "version_start_including", m.startIncl)
		setStr(props, "version_start_excluding", m.startExcl)
		setStr(props, "version_end_including", m.endIncl)
		setStr(props, "version_end_excluding", m.endExcl)
	}
	if v.softwareCount > 0 {
		props["vulnerable_software_count"] = v.softwareCount
	}
	f.Properties = props
	return f, nil
}

// setSeverity uses the tool's severity word, else the most recent CVSS
// assessment.
func setSeverity(f *findings.Finding, v *vuln) {
	if s, ok := findings.ParseSeverity(v.severity); ok {
		f.Severity, f.SeveritySource = s, "dependency-check:severity"
		return
	}
	// f.CVSS holds v4, v3, v2 in that order, each when present.
	idx := 0
	for _, fam := range []struct {
		present bool
		version string
	}{{v.v4 != nil, "4.0"}, {v.v3 != nil, "3"}} {
		if !fam.present {
			continue
		}
		c := f.CVSS[idx]
		idx++
		if c.Score == nil {
			continue
		}
		if s, ok := findings.SeverityFromScore(*c.Score); ok {
			version := c.Version
			if version == "" {
				version = fam.version
			}
			src := "cvss:" + version
			if c.Source != "" {
				src += ":" + c.Source
			}
			f.Severity, f.SeveritySource = s, src
			return
		}
	}
	if v.v2 != nil {
		if s, ok := findings.ParseSeverity(v.v2.severity); ok {
			f.Severity, f.SeveritySource = s, "dependency-check:cvssV2.severity"
			return
		}
		for _, c := range f.CVSS {
			if c.Version == "2.0" && c.Score != nil {
				// CVSS v2 bands: 7.0+ high, 4.0+ medium, below low.
				switch sc := *c.Score; {
				case sc >= 7:
					f.Severity = findings.SeverityHigh
				case sc >= 4:
					f.Severity = findings.SeverityMedium
				default:
					f.Severity = findings.SeverityLow
				}
				f.SeveritySource = "cvss:2.0"
				return
			}
		}
	}
}

// addCVSS appends the vulnerability's CVSS v4, v3 and v2 assessments.
func addCVSS(f *findings.Finding, v *vuln, source string) error {
	if c := v.v4; c != nil {
		score, err := parseScore(c.score, "cvssV4.baseScore")
		if err != nil {
			return err
		}
		src := strings.ToLower(c.source)
		if src == "" {
			src = source
		}
		version := c.version
		if version == "" && strings.HasPrefix(c.vector, "CVSS:4.0/") {
			version = "4.0"
		}
		f.CVSS = append(f.CVSS, findings.CVSS{Version: version, Vector: c.vector, Score: score, Source: src})
	}
	if c := v.v3; c != nil {
		score, err := parseScore(c.score, "cvssV3.baseScore")
		if err != nil {
			return err
		}
		vec := vector3(c)
		version := ""
		switch c.version {
		case "3.0", "3.1":
			version = c.version
			if vec != "" {
				vec = "CVSS:" + version + "/" + vec
			}
		}
		f.CVSS = append(f.CVSS, findings.CVSS{Version: version, Vector: vec, Score: score, Source: source})
	}
	if c := v.v2; c != nil {
		score, err := parseScore(c.score, "cvssV2.score")
		if err != nil {
			return err
		}
		f.CVSS = append(f.CVSS, findings.CVSS{Version: "2.0", Vector: vector2(c), Score: score, Source: source})
	}
	return nil
}

// parseScore parses a CVSS score: a decimal number from 0 to 10. Only
// digits, '.', exponents and signs are accepted, so that the "NaN", "Inf"
// and hexadecimal forms strconv.ParseFloat takes are rejected; a number
// too small for float64 (1e-400) reads as 0.
func parseScore(s, field string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	decimal := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			decimal = false
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if !decimal || err != nil || !(x >= 0 && x <= 10) {
		return nil, &invalid{field, fmt.Sprintf("score %s is not a number from 0 to 10", quote(s))}
	}
	x += 0 // -0 reads as 0
	return &x, nil
}

// metric abbreviates a CVSS metric value written as a word ("NETWORK") or
// already abbreviated ("N"); "" when it is not one of allowed.
func metric(value string, words map[string]string) string {
	v := strings.ToUpper(strings.TrimSpace(value))
	if a, ok := words[v]; ok {
		return a
	}
	for _, a := range words {
		if v == a {
			return a
		}
	}
	return ""
}

var (
	avWords   = map[string]string{"NETWORK": "N", "ADJACENT_NETWORK": "A", "ADJACENT": "A", "LOCAL": "L", "PHYSICAL": "P"}
	av2Words  = map[string]string{"NETWORK": "N", "ADJACENT_NETWORK": "A", "ADJACENT": "A", "LOCAL": "L"}
	ac2Words  = map[string]string{"LOW": "L", "MEDIUM": "M", "HIGH": "H"}
	au2Words  = map[string]string{"NONE": "N", "SINGLE": "S", "SINGLE_INSTANCE": "S", "MULTIPLE": "M", "MULTIPLE_INSTANCES": "M"}
	imp2Words = map[string]string{"NONE": "N", "PARTIAL": "P", "COMPLETE": "C"}
	ac3Words  = map[string]string{"LOW": "L", "HIGH": "H"}
	lnhWords  = map[string]string{"NONE": "N", "LOW": "L", "HIGH": "H"}
	uiWords   = map[string]string{"NONE": "N", "REQUIRED": "R"}
	sWords    = map[string]string{"UNCHANGED": "U", "CHANGED": "C"}
)

// vector2 builds a CVSS v2 base vector from the metrics, or "" when one is
// missing or unknown.
func vector2(c *cvss2) string {
	parts := []struct{ key, val string }{
		{"AV", metric(c.av, av2Words)}, {"AC", metric(c.ac, ac2Words)}, {"Au", metric(c.au, au2Words)},
		{"C", metric(c.c, imp2Words)}, {"I", metric(c.i, imp2Words)}, {"A", metric(c.a, imp2Words)},
	}
	return join(parts)
}

// vector3 builds a CVSS v3 base vector (without the "CVSS:3.x/" prefix)
// from the metrics, or "" when one is missing or unknown.
func vector3(c *cvss3) string {
	parts := []struct{ key, val string }{
		{"AV", metric(c.av, avWords)}, {"AC", metric(c.ac, ac3Words)}, {"PR", metric(c.pr, lnhWords)},
		{"UI", metric(c.ui, uiWords)}, {"S", metric(c.s, sWords)},
		{"C", metric(c.c, lnhWords)}, {"I", metric(c.i, lnhWords)}, {"A", metric(c.a, lnhWords)},
	}
	return join(parts)
}

func join(parts []struct{ key, val string }) string {
	var b strings.Builder
	for i, p := range parts {
		if p.val == "" {
			return ""
		}
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p.key + ":" + p.val)
	}
	return b.String()
}

func setStr(m map[string]any, k, v string) {
	if v = strings.TrimSpace(v); v != "" {
		m[k] = v
	}
}

// isVulnID reports whether a vulnerability name is an identifier worth
// correlating on: one word that is not a bare number (NPM advisory numbers
// mean nothing outside Dependency-Check's NPM source) and not a weakness
// name such as OSS Index's "CWE-400: Uncontrolled Resource Consumption".
func isVulnID(name string) bool {
	if name == "" || strings.ContainsAny(name, " \t\r\n") || strings.HasPrefix(strings.ToUpper(name), "CWE-") {
		return false
	}
	_, err := strconv.ParseUint(name, 10, 64)
	return err != nil
}

// isTrue reports whether an attribute or JSON value says true.
func isTrue(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }

// maxQuoted bounds how much of a bad value an error message repeats: a
// value may be as long as MaxStringBytes.
const maxQuoted = 64

// quote quotes at most maxQuoted bytes of s for an error message, marking
// a cut with "...".
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
