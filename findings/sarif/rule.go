package sarif

import (
	"regexp"
	"strconv"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	packageurl "github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/limits"
)

// ruleInfo is what a finding takes from its rule, computed once per rule.
type ruleInfo struct {
	id          string
	shortDesc   string
	name        string
	description string // fullDescription, else help
	help        string // help text, for the grype template
	helpURI     string
	level       string // defaultConfiguration.level
	score       float64
	hasScore    bool // score holds a usable security-severity
	cwes        []string
	vulnIDs     []string
	descIDs     []string // ids in the rule's descriptions, for SCA rules
	confidence  string
	cvss        []findings.CVSS
	purl        string
	kind        findings.Kind
	messages    map[string]gosarif.MultiformatMessageString
}

func (rs *runState) newRuleInfo(r *gosarif.ReportingDescriptor) *ruleInfo {
	// Every result of the rule gets its texts: bound them once here, as
	// Normalize would for each finding, so that the findings share them.
	ri := &ruleInfo{
		id:          str(r.ID),
		name:        findings.Truncate(str(r.Name), limits.MaxTitleBytes),
		helpURI:     str(r.HelpURI),
		messages:    r.MessageStrings,
		description: findings.Truncate(mmsText(r.FullDescription), limits.MaxDescriptionBytes),
		shortDesc:   findings.Truncate(mmsText(r.ShortDescription), limits.MaxDescriptionBytes),
		help:        findings.Truncate(mmsText(r.Help), limits.MaxDescriptionBytes),
	}
	if ri.description == "" {
		ri.description = ri.help
	}
	if c := r.DefaultConfiguration; c != nil {
		ri.level = c.Level
	}
	var props map[string]any
	var tags []string
	if r.Properties != nil {
		props, tags = r.Properties.Properties, r.Properties.Tags
	}
	ri.score, ri.hasScore = securitySeverity(props)
	ri.cwes = cwesFromTags(nil, tags)
	ri.cwes = cwesFromProps(ri.cwes, props)
	for _, rel := range r.Relationships {
		if rel != nil && rel.Target != nil {
			t := rel.Target
			var idx *int
			if t.ID == nil {
				idx = &t.Index
			}
			var comp *componentRef
			if tc := t.ToolComponent; tc != nil {
				comp = &componentRef{Name: tc.Name, GUID: tc.GuID, Index: &tc.Index}
			}
			if c, ok := rs.taxonCWE(t.ID, idx, comp); ok {
				ri.cwes = append(ri.cwes, c)
			}
		}
	}
	ri.vulnIDs = appendVulnIDs(nil, ri.id)
	ri.vulnIDs = appendVulnIDs(ri.vulnIDs, ri.name)
	ri.vulnIDs = vulnIDsFromProps(ri.vulnIDs, props)
	ri.descIDs = appendVulnIDs(appendVulnIDs(nil, ri.shortDesc), ri.description)
	ri.confidence = confidence(props, "precision", "confidence")
	ri.cvss = cvssFromProps(props)
	ri.purl = purlFromProps(props)
	ri.kind = rs.ruleKind(ri, tags)
	return ri
}

func mmsText(m *gosarif.MultiformatMessageString) string {
	if m == nil {
		return ""
	}
	if t := str(m.Text); t != "" {
		return t
	}
	return str(m.Markdown)
}

// taxonCWE resolves a reference to a taxon (a rule relationship's target
// or a result's taxa entry). It yields a CWE when the taxonomy is named
// "CWE" (directly, or through run.taxonomies by index or guid) or when the
// taxon id itself reads "CWE-n".
func (rs *runState) taxonCWE(id *string, index *int, comp *componentRef) (string, bool) {
	var tax *gosarif.ToolComponent
	name := ""
	if comp != nil {
		name = str(comp.Name)
		for _, t := range rs.taxonomies {
			if t == nil {
				continue
			}
			if (comp.GUID != nil && t.GuID != nil && strings.EqualFold(*comp.GUID, *t.GuID)) ||
				(comp.Name != nil && t.Name != nil && *comp.Name == *t.Name) {
				tax = t
				break
			}
		}
		if tax == nil && comp.Name == nil && comp.GUID == nil && comp.Index != nil && *comp.Index >= 0 && *comp.Index < len(rs.taxonomies) {
			tax = rs.taxonomies[*comp.Index]
		}
		if tax != nil && name == "" {
			name = str(tax.Name)
		}
	}
	taxon := str(id)
	if taxon == "" && index != nil && tax != nil && *index >= 0 && *index < len(tax.Taxa) {
		if t := tax.Taxa[*index]; t != nil {
			taxon = str(t.ID)
			if taxon == "" {
				taxon = str(t.Name)
			}
		}
	}
	if taxon == "" {
		return "", false
	}
	if strings.EqualFold(name, "CWE") || strings.HasPrefix(strings.ToUpper(taxon), "CWE") {
		return findings.NormalizeCWE(taxon)
	}
	return "", false
}

// securitySeverity reads the "security-severity" property (GitHub's
// convention): a score from 0 to 10, as a string or a number.
func securitySeverity(props map[string]any) (float64, bool) {
	v, ok := props["security-severity"]
	if !ok {
		return 0, false
	}
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if _, ok := findings.SeverityFromScore(f); !ok {
		return 0, false
	}
	return f, true
}

// cwesFromTags keeps the tags that name a CWE ("external/cwe/cwe-079",
// "CWE-79", "cwe:79").
func cwesFromTags(out []string, tags []string) []string {
	for _, t := range tags {
		if len(t) >= 4 && strings.Contains(strings.ToLower(t), "cwe") {
			if c, ok := findings.NormalizeCWE(t); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// cwesFromProps reads the properties tools use for CWEs: "cwe" or "cwes"
// (any case), as a string, a number, an array of those, or objects with a
// "cweId" or "id" (Dependency-Track).
func cwesFromProps(out []string, props map[string]any) []string {
	for k, v := range props {
		switch strings.ToLower(k) {
		case "cwe", "cwes", "cwe_id", "cweid", "cwe_ids", "cweids":
			out = appendCWE(out, v, 0)
		case "tags":
			if a, ok := v.([]any); ok {
				for _, e := range a {
					if s, ok := e.(string); ok {
						out = cwesFromTags(out, []string{s})
					}
				}
			}
		}
	}
	return out
}

func appendCWE(out []string, v any, depth int) []string {
	switch v := v.(type) {
	case string:
		for _, part := range strings.Split(v, ",") {
			if c, ok := findings.NormalizeCWE(part); ok {
				out = append(out, c)
			}
		}
	case float64:
		if v > 0 && v < 1e7 && v == float64(int(v)) {
			out = append(out, "CWE-"+strconv.Itoa(int(v)))
		}
	case []any:
		if depth < 2 {
			for _, e := range v {
				out = appendCWE(out, e, depth+1)
			}
		}
	case map[string]any:
		if depth < 2 {
			if id, ok := v["cweId"]; ok {
				out = appendCWE(out, id, depth+1)
			} else if id, ok := v["id"]; ok {
				out = appendCWE(out, id, depth+1)
			}
		}
	}
	return out
}

// vulnIDPattern matches the vulnerability identifiers scanners put in rule
// ids and properties.
var vulnIDPattern = regexp.MustCompile(`\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3}|GO-\d{4}-\d{4,}|BDSA-\d{4}-\d{4,}|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d{4,}|SNYK-[A-Z0-9]+(?:-[A-Z0-9]+)*-\d+|OSV-\d{4}-\d+)\b`)

// appendVulnIDs appends the vulnerability ids found in s.
func appendVulnIDs(out []string, s string) []string {
	if len(s) < 8 || !strings.ContainsAny(s, "-") {
		return out
	}
	return append(out, vulnIDPattern.FindAllString(s, 8)...)
}

// vulnIDsFromProps scans string properties (and arrays of strings) for ids.
func vulnIDsFromProps(out []string, props map[string]any) []string {
	for _, k := range sortedKeys(props) {
		switch v := props[k].(type) {
		case string:
			out = appendVulnIDs(out, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = appendVulnIDs(out, s)
				}
			}
		}
	}
	return out
}

// confidence returns the first of the named string properties, lowercased.
func confidence(props map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := props[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.ToLower(strings.TrimSpace(s))
		}
	}
	return ""
}

// cvssFromProps reads the CVSS properties of Trivy (cvssv3_vector,
// cvssv3_baseScore, cvssv2_vector, cvssv2_score), dependency-check
// (cvssv3_baseScore, cvssv3_version, cvssv2_score) and Dependency-Track
// (cvssV3BaseScore).
func cvssFromProps(props map[string]any) []findings.CVSS {
	if len(props) == 0 {
		return nil
	}
	var out []findings.CVSS
	if c, ok := cvssEntry(props, "cvssv3_vector", "cvssv3_baseScore", "cvssv3_version", ""); ok {
		out = append(out, c)
	} else if c, ok := cvssEntry(props, "", "cvssV3BaseScore", "", ""); ok {
		out = append(out, c)
	}
	if c, ok := cvssEntry(props, "cvssv2_vector", "cvssv2_score", "cvssv2_version", "2.0"); ok {
		out = append(out, c)
	}
	return out
}

func cvssEntry(props map[string]any, vectorKey, scoreKey, versionKey, version string) (findings.CVSS, bool) {
	var c findings.CVSS
	if s, ok := props[vectorKey].(string); ok {
		c.Vector = strings.TrimSpace(s)
	}
	if f, ok := number(props[scoreKey]); ok && f >= 0 && f <= 10 {
		c.Score = &f
	}
	if c.Vector == "" && c.Score == nil {
		return c, false
	}
	switch {
	case strings.HasPrefix(c.Vector, "CVSS:"):
		if i := strings.IndexByte(c.Vector, '/'); i > 5 {
			c.Version = c.Vector[5:i]
		}
	case version != "":
		c.Version = version
	default:
		if s, ok := props[versionKey].(string); ok {
			c.Version = strings.TrimSpace(s)
		}
	}
	return c, true
}

// number reads a JSON number or a numeric string.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

// purlFromProps returns the first valid package URL of a "purl" or "purls"
// property (Grype puts "purls" on its rules).
func purlFromProps(props map[string]any) string {
	for _, k := range [...]string{"purl", "purls", "packageUrl", "package_url"} {
		switch v := props[k].(type) {
		case string:
			if validPURL(v) {
				return v
			}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok && validPURL(s) {
					return s
				}
			}
		}
	}
	return ""
}

func validPURL(s string) bool {
	if !strings.HasPrefix(s, "pkg:") {
		return false
	}
	_, err := packageurl.FromString(s)
	return err == nil
}

// runKind classifies a run by its tool's name and, for tools it does not
// know, by its rules: a run whose every rule is named by a vulnerability id
// is SCA. family names tools whose rules refine the kind.
func runKind(tool string, driver *gosarif.ToolComponent) (findings.Kind, string) {
	n := strings.ToLower(tool)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(n, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("trivy"):
		return findings.KindSCA, "trivy"
	case has("grype"):
		return findings.KindSCA, "grype"
	case has("gitleaks", "trufflehog", "detect-secrets", "ggshield", "gitguardian", "secretlint", "secret"):
		return findings.KindSecret, ""
	case has("checkov", "kics", "tfsec", "terrascan", "cfn_nag", "cfn-nag", "cfn-lint", "kube-linter", "kubesec", "kube-score", "hadolint", "snyk iac"):
		return findings.KindIaC, ""
	case has("snyk container"):
		return findings.KindContainer, ""
	case has("dependency-check", "dependency check", "dependency-track", "snyk open source", "osv-scanner", "govulncheck",
		"black duck", "blackduck", "retire.js", "retirejs", "npm audit", "pip-audit", "bundler-audit", "nancy"):
		return findings.KindSCA, ""
	case has("zap", "burp", "nuclei", "arachni", "nikto", "wapiti", "acunetix", "netsparker", "invicti"):
		return findings.KindDAST, ""
	}
	if driver != nil && len(driver.Rules) > 0 {
		for _, r := range driver.Rules {
			if r == nil || len(appendVulnIDs(nil, str(r.ID))) == 0 {
				return findings.KindSAST, ""
			}
		}
		return findings.KindSCA, ""
	}
	return findings.KindSAST, ""
}

// ruleKind refines the run's kind for one rule: Trivy names its rules by
// class (OsPackageVulnerability, LanguageSpecificPackageVulnerability,
// Misconfiguration, Secret), Grype by matcher (Dpkg, Rpm, Apk and Portage
// matchers find OS packages), and a package URL of an OS package type
// makes an SCA rule a container one.
func (rs *runState) ruleKind(ri *ruleInfo, tags []string) findings.Kind {
	k := rs.kind
	switch rs.family {
	case "trivy":
		switch ri.name {
		case "OsPackageVulnerability":
			return findings.KindContainer
		case "LanguageSpecificPackageVulnerability":
			return findings.KindSCA
		case "Misconfiguration":
			return findings.KindIaC
		case "Secret":
			return findings.KindSecret
		}
		for _, t := range tags {
			switch strings.ToLower(t) {
			case "misconfiguration":
				return findings.KindIaC
			case "secret":
				return findings.KindSecret
			}
		}
	case "grype":
		for _, p := range [...]string{"Dpkg", "Rpm", "Apk", "Portage"} {
			if strings.HasPrefix(ri.name, p) {
				return findings.KindContainer
			}
		}
	}
	if k == findings.KindSCA && osPURL(ri.purl) {
		return findings.KindContainer
	}
	return k
}

func osPURL(p string) bool {
	for _, t := range [...]string{"pkg:deb/", "pkg:rpm/", "pkg:apk/", "pkg:alpm/"} {
		if strings.HasPrefix(p, t) {
			return true
		}
	}
	return false
}
