package sarif

import (
	"errors"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	packageurl "github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
)

// Severity sources, in the order they are consulted.
const (
	sourceSecuritySeverity = "sarif:security-severity"
	sourceLevel            = "sarif:level"
	sourceDefaultConfig    = "sarif:defaultConfiguration.level"
	sourceDefaultLevel     = "sarif:default-level"
)

// maxPropertyBytes bounds the string values copied into Finding.Properties.
const maxPropertyBytes = 512

// finding builds the Finding of one result. On a result of the wrong shape
// it returns an error and the field (relative to the result) at fault.
func (rs *runState) finding(res *result) (findings.Finding, string, error) {
	rule := rs.lookupRule(res)
	ri := rs.info(rule)
	f := findings.Finding{
		Kind:          ri.kind,
		Tool:          rs.tool,
		RuleID:        res.RuleID,
		Confidence:    ri.confidence,
		BaselineState: res.BaselineState,
	}
	if f.RuleID == "" && res.Rule != nil {
		f.RuleID = str(res.Rule.ID)
	}
	if f.RuleID == "" {
		f.RuleID = ri.id
	}
	props := res.Properties

	// Title and description.
	msg := rs.messageText(&res.Message, ri)
	title := oneLine(msg)
	switch {
	case title != "":
		f.Title = title
	case ri.shortDesc != "":
		f.Title = oneLine(ri.shortDesc)
	case ri.name != "":
		f.Title = ri.name
	default:
		f.Title = f.RuleID
	}
	f.Description = ri.description
	if f.Description == "" && title != "" && ri.shortDesc != "" && oneLine(ri.shortDesc) != title {
		f.Description = ri.shortDesc
	}

	// Severity: security-severity, then the level chain of SARIF §3.27.10.
	failing := res.Kind == "" || res.Kind == "fail"
	score, hasScore := securitySeverity(props)
	if !hasScore {
		score, hasScore = ri.score, ri.hasScore
	}
	switch {
	case failing && hasScore:
		f.Severity, _ = findings.SeverityFromScore(score)
		f.SeveritySource = sourceSecuritySeverity
	case res.Level != "" && knownLevel(res.Level):
		f.Severity, _ = findings.ParseSeverity(res.Level)
		f.SeveritySource = sourceLevel
	case failing && ri.level != "" && knownLevel(ri.level):
		f.Severity, _ = findings.ParseSeverity(ri.level)
		f.SeveritySource = sourceDefaultConfig
	case failing:
		f.Severity, f.SeveritySource = findings.SeverityMedium, sourceDefaultLevel // "warning"
	default:
		f.Severity, f.SeveritySource = findings.SeverityInfo, sourceDefaultLevel // "none"
	}
	if c := confidence(props, "confidence", "issue_confidence", "Confidence"); c != "" {
		f.Confidence = c
	}

	// Identifiers.
	f.CWEs = slices.Clone(ri.cwes)
	if f.RuleID != ri.id {
		f.VulnerabilityIDs = appendVulnIDs(nil, f.RuleID)
	}
	f.VulnerabilityIDs = append(f.VulnerabilityIDs, ri.vulnIDs...) // the rule's id first
	if len(props) > 0 {
		f.CWEs = cwesFromProps(f.CWEs, props)
		f.VulnerabilityIDs = vulnIDsFromProps(f.VulnerabilityIDs, props)
		if cv := cvssFromProps(props); len(cv) > 0 {
			f.CVSS = cv
		}
	}
	if f.CVSS == nil && len(ri.cvss) > 0 {
		f.CVSS = make([]findings.CVSS, len(ri.cvss))
		copy(f.CVSS, ri.cvss)
	}
	for _, t := range res.Taxa {
		if t == nil {
			continue
		}
		if c, ok := rs.taxonCWE(t.ID, t.Index, t.ToolComponent); ok {
			f.CWEs = append(f.CWEs, c)
		}
	}
	if ri.helpURI != "" {
		f.References = []string{ri.helpURI}
	}

	// Locations.
	var snippet string
	if n := len(res.Locations) - 1 + len(res.RelatedLocations); n > 0 {
		f.RelatedLocations = make([]findings.Location, 0, n)
	}
	for i := range res.Locations {
		loc, text := rs.location(&res.Locations[i])
		if i == 0 {
			f.Location, snippet = loc, text
			continue
		}
		if !loc.IsZero() {
			f.RelatedLocations = append(f.RelatedLocations, loc)
		}
	}
	if len(res.Locations) == 0 && res.AnalysisTarget != nil {
		f.Location.Path, f.Location.URIBaseID = rs.resolve(res.AnalysisTarget)
	}
	if w := res.WebRequest; w != nil {
		f.Location.URL, f.Location.Method = w.Target, w.Method
	}
	for i := range res.RelatedLocations {
		if loc, _ := rs.location(&res.RelatedLocations[i]); !loc.IsZero() {
			f.RelatedLocations = append(f.RelatedLocations, loc)
		}
	}

	// Fingerprints: both maps, keys as given; fingerprints win a shared
	// key, and the partial fingerprint is kept as "partial:<key>".
	if n := len(res.Fingerprints) + len(res.PartialFingerprints); n > 0 {
		f.Fingerprints = make(map[string]string, n)
		for k, v := range res.Fingerprints {
			f.Fingerprints[k] = string(v)
		}
		for k, v := range res.PartialFingerprints {
			if _, dup := res.Fingerprints[k]; dup {
				k = "partial:" + k
			}
			f.Fingerprints[k] = string(v)
		}
	}

	// Suppressions.
	for i, s := range res.Suppressions {
		if s == nil {
			return f, "suppressions[" + strconv.Itoa(i) + "]", errors.New("a suppression must be an object, not null")
		}
		sup, field, err := suppression(s)
		if err != nil {
			return f, "suppressions[" + strconv.Itoa(i) + "]." + field, err
		}
		f.Suppressions = append(f.Suppressions, sup)
	}

	// Secrets: the matched secret is hashed and dropped (gitleaks v7 puts it
	// in the "offender" property, gitleaks v8 in the region's snippet).
	secret := ""
	if f.Kind == findings.KindSecret {
		for _, k := range secretKeys {
			if s, ok := props[k].(string); ok && s != "" {
				secret = s
				break
			}
		}
		if secret == "" {
			secret = snippet
		}
		if secret == snippet {
			f.Location.SnippetHash = ""
		}
		f.SecretHash = findings.HashSecret(secret)
		if secret != "" {
			f.Title = strings.ReplaceAll(f.Title, secret, "[REDACTED]")
			f.Description = strings.ReplaceAll(f.Description, secret, "[REDACTED]")
		}
	}

	// Packages, for dependency and container findings.
	if f.Kind == findings.KindSCA || f.Kind == findings.KindContainer {
		f.Package = rs.pkg(res, ri, msg, props)
		if len(f.VulnerabilityIDs) == 0 || !hasCVEOrGHSA(f.VulnerabilityIDs) {
			f.VulnerabilityIDs = append(f.VulnerabilityIDs, ri.descIDs...)
		}
	}

	// Properties: the result's property bag, small values only.
	f.Properties = properties(props, secret)
	if res.Kind != "" && res.Kind != "fail" {
		if f.Properties == nil {
			f.Properties = make(map[string]any, 1)
		}
		f.Properties["sarif.kind"] = res.Kind
	}
	return f, "", nil
}

var secretKeys = [...]string{"offender", "secret", "Secret", "match", "Match"}

func knownLevel(l string) bool {
	switch l {
	case "none", "note", "warning", "error":
		return true
	}
	return false
}

func hasCVEOrGHSA(ids []string) bool {
	for _, id := range ids {
		if strings.HasPrefix(id, "CVE-") || strings.HasPrefix(id, "GHSA-") {
			return true
		}
	}
	return false
}

// oneLine returns s on one line: runs of white space, line breaks
// included, become one space.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n\t") && !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// messageText renders a result message (§3.11): its text (else markdown),
// or the rule's (else the driver's global) message string named by its id,
// with {n} placeholders replaced by the arguments.
func (rs *runState) messageText(m *message, ri *ruleInfo) string {
	t := m.Text
	if t == "" {
		t = m.Markdown
	}
	if t == "" && m.ID != "" {
		if s, ok := ri.messages[m.ID]; ok {
			t = mmsText(&s)
		} else if rs.driver != nil {
			if s, ok := rs.driver.GlobalMessageStrings[m.ID]; ok {
				t = mmsText(&s)
			}
		}
	}
	if len(m.Arguments) == 0 || !strings.Contains(t, "{") {
		return t
	}
	return formatMessage(t, m.Arguments)
}

// formatMessage substitutes {n} placeholders; "{{" and "}}" are literal
// braces.
func formatMessage(t string, args []string) string {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if (c == '{' || c == '}') && i+1 < len(t) && t[i+1] == c {
			b.WriteByte(c)
			i++
			continue
		}
		if c == '{' {
			j := i + 1
			for j < len(t) && t[j] >= '0' && t[j] <= '9' {
				j++
			}
			if j > i+1 && j < len(t) && t[j] == '}' {
				if n, err := strconv.Atoi(t[i+1 : j]); err == nil && n < len(args) {
					b.WriteString(args[n])
					i = j
					continue
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// location converts a SARIF location; text is its snippet (the region's,
// else the context region's).
func (rs *runState) location(l *location) (findings.Location, string) {
	var loc findings.Location
	p := &l.PhysicalLocation
	loc.Path, loc.URIBaseID = rs.resolve(&p.ArtifactLocation)
	loc.Region = toRegion(&p.Region)
	text := p.Region.Snippet.Text
	if text == "" {
		text = p.ContextRegion.Snippet.Text
	}
	loc.SnippetHash = findings.HashSnippet(text)
	for i := range l.LogicalLocations {
		ll := &l.LogicalLocations[i]
		var run *logicalLocation
		if ll.Index != nil && *ll.Index >= 0 && *ll.Index < len(rs.logical) {
			run = rs.logical[*ll.Index]
		}
		switch {
		case ll.FullyQualifiedName != "":
			loc.LogicalLocation = ll.FullyQualifiedName
		case run != nil && run.FullyQualifiedName != "":
			loc.LogicalLocation = run.FullyQualifiedName
		case ll.Name != "":
			loc.LogicalLocation = ll.Name
		case run != nil:
			loc.LogicalLocation = run.Name
		}
		if loc.LogicalLocation != "" {
			break
		}
	}
	return loc, text
}

// resolve returns an artifact location's URI, resolved against
// originalUriBaseIds when the document defines its uriBaseId, and the
// uriBaseId. A location that gives only an index takes the URI of that
// entry of run.artifacts.
func (rs *runState) resolve(a *artifactLocation) (string, string) {
	uri, base := a.URI, a.URIBaseID
	if uri == "" && a.Index != nil && *a.Index >= 0 && *a.Index < len(rs.artifacts) {
		if e := rs.artifacts[*a.Index]; e != nil {
			uri = e.URI
			if base == "" {
				base = e.URIBaseID
			}
		}
	}
	if base == "" || isAbsoluteURI(uri) {
		return uri, base
	}
	if p := rs.baseURI(base); p != "" {
		return joinURI(p, uri), base
	}
	return uri, base
}

func toRegion(r *region) *findings.Region {
	out := findings.Region{
		StartLine:   max(r.StartLine, 0),
		StartColumn: max(r.StartColumn, 0),
		EndLine:     max(r.EndLine, 0),
		EndColumn:   max(r.EndColumn, 0),
	}
	if out == (findings.Region{}) {
		return nil
	}
	return &out
}

// suppression converts a SARIF suppression (§3.35); kind is required.
func suppression(s *gosarif.Suppression) (findings.Suppression, string, error) {
	var out findings.Suppression
	switch k := str(s.Kind); k {
	case "inSource":
		out.Kind = "in_source"
	case "external":
		out.Kind = "external"
	case "":
		return out, "kind", errors.New("a suppression must have a kind")
	default:
		return out, "kind", errors.New("unknown suppression kind " + strconv.Quote(k))
	}
	switch st := str(s.Status); st {
	case "", "accepted":
		out.Status = st
	case "underReview":
		out.Status = "under_review"
	case "rejected":
		out.Status = "rejected"
	default:
		return out, "status", errors.New("unknown suppression status " + strconv.Quote(st))
	}
	out.Justification = str(s.Justification)
	return out, "", nil
}

// grypeMessage is the template of Grype's result messages.
var grypeMessage = regexp.MustCompile(`vulnerability in (\S+) package: (.+), version (\S+) was found at: (.+)`)

// pkg gathers the package a dependency finding is about, from what the
// document says: a package URL (result or rule properties, or a logical
// location that is one, as dependency-check and Dependency-Track write),
// Black Duck's component properties, Trivy's message lines ("Package:",
// "Installed Version:", "Fixed Version:"), Grype's message and help.
func (rs *runState) pkg(res *result, ri *ruleInfo, msg string, props map[string]any) *findings.Package {
	var p findings.Package
	purl := purlFromProps(props)
	if purl == "" {
		purl = ri.purl
	}
	if purl == "" {
		for _, l := range res.Locations {
			for _, ll := range l.LogicalLocations {
				if validPURL(ll.FullyQualifiedName) {
					purl = ll.FullyQualifiedName
					break
				}
			}
			if purl != "" {
				break
			}
		}
	}
	if purl != "" {
		if u, err := packageurl.FromString(purl); err == nil {
			p.PURL = purl
			p.Name = u.Name
			switch {
			case u.Namespace == "":
			case u.Type == "maven":
				p.Name = u.Namespace + ":" + u.Name
			case u.Type == "npm", u.Type == "golang", u.Type == "composer", u.Type == "github", u.Type == "swift":
				p.Name = u.Namespace + "/" + u.Name
			}
			p.Version = u.Version
			p.Ecosystem = u.Type
		}
	}
	if s, ok := props["component"].(string); ok && p.Name == "" {
		p.Name = s
	}
	if s, ok := props["componentVersion"].(string); ok && p.Version == "" {
		p.Version = s
	}
	if s, ok := props["componentOrigin"].(string); ok && p.Ecosystem == "" {
		p.Ecosystem = s
	}
	fields := templateFields(msg)
	if p.Name == "" {
		p.Name = fields["Package"]
	}
	if p.Version == "" {
		p.Version = fields["Installed Version"]
	}
	fixed := fields["Fixed Version"]
	if rs.family == "grype" {
		if m := grypeMessage.FindStringSubmatch(msg); m != nil {
			if p.Name == "" {
				p.Name, p.Version = m[2], m[3]
			}
			if p.Ecosystem == "" {
				p.Ecosystem = m[1]
			}
			p.Paths = []string{strings.TrimSpace(m[4])}
		}
		h := templateFields(ri.help)
		if p.Name == "" {
			p.Name, p.Version = h["Package"], h["Version"]
		}
		if p.Ecosystem == "" {
			p.Ecosystem = h["Type"]
		}
		if fixed == "" {
			fixed = h["Fix Version"]
		}
	}
	for _, v := range strings.Split(fixed, ",") {
		if v = strings.TrimSpace(v); v != "" {
			p.FixedVersions = append(p.FixedVersions, v)
		}
	}
	if p.Name == "" && p.PURL == "" {
		return nil
	}
	return &p
}

// templateFields reads "Key: value" lines of the message templates of
// Trivy and Grype.
func templateFields(s string) map[string]string {
	if !strings.Contains(s, ": ") || !strings.Contains(s, "\n") {
		return nil
	}
	var m map[string]string
	for line := range strings.Lines(s) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch k {
		case "Package", "Installed Version", "Version", "Fixed Version", "Fix Version", "Type":
			if m == nil {
				m = make(map[string]string, 4)
			}
			if _, dup := m[k]; !dup {
				m[k] = strings.TrimSpace(v)
			}
		}
	}
	return m
}

// properties copies the small values of a result's property bag: strings
// (not empty) up to maxPropertyBytes, numbers, booleans and short arrays of strings.
// Properties the decoder consumed (security-severity, CWEs, package URLs)
// and any that held the secret are left out.
func properties(props map[string]any, secret string) map[string]any {
	if len(props) == 0 {
		return nil
	}
	var out map[string]any
	for k, v := range props {
		switch strings.ToLower(k) {
		case "security-severity", "cwe", "cwes", "purl", "purls":
			continue
		}
		switch v := v.(type) {
		case string:
			if v == "" || len(v) > maxPropertyBytes || (secret != "" && strings.Contains(v, secret)) {
				continue
			}
		case float64, bool:
		case []any:
			if len(v) > 32 || !smallStrings(v, secret) {
				continue
			}
		default:
			continue
		}
		if out == nil {
			out = make(map[string]any, len(props))
		}
		out[k] = v
	}
	return out
}

func smallStrings(a []any, secret string) bool {
	for _, e := range a {
		s, ok := e.(string)
		if !ok || len(s) > maxPropertyBytes || (secret != "" && strings.Contains(s, secret)) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
