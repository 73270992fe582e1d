package npmaudit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "npm-audit"

// toolName names the scanner; npm's report does not name itself.
const toolName = "npm audit"

// severitySource is the SeveritySource of a severity npm gave as a word.
const severitySource = "npm-audit:severity"

// cvssData is the cvss object of an advisory.
type cvssData struct {
	Score        float64 `json:"score"`
	VectorString string  `json:"vectorString"`
}

// advisory is one entry of a version 1 report's "advisories".
type advisory struct {
	ID                 *int64          `json:"id"`
	Title              string          `json:"title"`
	ModuleName         string          `json:"module_name"`
	CVEs               []string        `json:"cves"`
	VulnerableVersions string          `json:"vulnerable_versions"`
	PatchedVersions    string          `json:"patched_versions"`
	Overview           string          `json:"overview"`
	Recommendation     string          `json:"recommendation"`
	References         string          `json:"references"`
	Severity           string          `json:"severity"`
	CWE                json.RawMessage `json:"cwe"`
	URL                string          `json:"url"`
	Created            string          `json:"created"`
	Updated            string          `json:"updated"`
	GitHubAdvisoryID   string          `json:"github_advisory_id"`
	CVSS               *cvssData       `json:"cvss"`
	Findings           []advisoryHit   `json:"findings"`
}

// advisoryHit is one installed version an advisory affects (an entry of a
// version 1 advisory's "findings").
type advisoryHit struct {
	Version  string   `json:"version"`
	Paths    []string `json:"paths"`
	Dev      *bool    `json:"dev"`
	Optional *bool    `json:"optional"`
	Bundled  *bool    `json:"bundled"`
}

// vulnerability is one entry of a version 2 report's "vulnerabilities".
type vulnerability struct {
	Name         string            `json:"name"`
	Severity     string            `json:"severity"`
	IsDirect     *bool             `json:"isDirect"`
	Via          []json.RawMessage `json:"via"`
	Effects      []string          `json:"effects"`
	Range        string            `json:"range"`
	Nodes        []string          `json:"nodes"`
	FixAvailable json.RawMessage   `json:"fixAvailable"`
}

// via is an advisory object in a version 2 entry's "via". Early npm 7
// releases wrote id and vulnerable_versions instead of source and range.
type via struct {
	Source             *int64          `json:"source"`
	ID                 *int64          `json:"id"`
	Name               string          `json:"name"`
	Dependency         string          `json:"dependency"`
	Title              string          `json:"title"`
	URL                string          `json:"url"`
	Severity           string          `json:"severity"`
	CWE                json.RawMessage `json:"cwe"`
	CVSS               *cvssData       `json:"cvss"`
	Range              string          `json:"range"`
	VulnerableVersions string          `json:"vulnerable_versions"`
}

// fixTarget is the object form of a version 2 fixAvailable.
type fixTarget struct {
	Name          string `json:"name"`
	Version       string `json:"version"`
	IsSemVerMajor bool   `json:"isSemVerMajor"`
}

// npmError is the "error" object npm writes when the audit failed.
type npmError struct {
	Code    string `json:"code"`
	Summary string `json:"summary"`
	Detail  string `json:"detail"`
}

// decoder holds the state of one Decode call.
type decoder struct {
	g    *jsonstream.Reader
	dec  *json.Decoder
	em   *findings.Emitter
	name string
}

// Decode reads one `npm audit --json` report (version 1 or 2) from r and
// hands each package × advisory, as a finding of kind sca, to h in document
// order. It returns nil when the whole report was read. A report of a failed
// audit (npm's "error" object) is a [*findings.DecodeError] wrapping
// [findings.ErrInvalid] that quotes npm's error code and summary; other bad
// input is a [*findings.DecodeError] too. An error returned by h is returned
// unchanged. Decode keeps no state between calls; concurrent
// calls on different readers are safe.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	g := jsonstream.NewReader(r, opts.Limits)
	d := &decoder{g: g, dec: json.NewDecoder(g), em: findings.NewEmitter(h, opts, Format), name: opts.Name}
	return d.document()
}

func (d *decoder) fail(err error, path string) error {
	return jsonstream.Error(err, d.g, d.dec, d.name, Format, path)
}

func (d *decoder) errorf(sentinel error, offset int64, path, format string, args ...any) error {
	return &findings.DecodeError{File: d.name, Format: Format, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// duplicate reports a key that occurs a second time in its object (npm
// itself, like JavaScript, would keep only the last), located just after
// it.
func (d *decoder) duplicate(path, key string) error {
	return &findings.DecodeError{File: d.name, Format: Format, Offset: d.offset(), Path: path, Err: jsonstream.DuplicateKey(key)}
}

// offset is the input offset (BOM included) of the decoder's position.
func (d *decoder) offset() int64 { return d.dec.InputOffset() + d.g.BOMLen() }

// value reads the next value whole and returns it with its input offset.
func (d *decoder) value(path string) (json.RawMessage, int64, error) {
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return nil, 0, d.fail(err, path)
	}
	return raw, d.dec.InputOffset() - int64(len(raw)), nil
}

// unmarshal decodes a value read by [decoder.value] at start into v,
// reporting type errors at their place in the input.
func (d *decoder) unmarshal(raw json.RawMessage, start int64, v any, path string) error {
	if err := json.Unmarshal(raw, v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			typ.Offset += start
		}
		return d.fail(err, path)
	}
	return nil
}

func (d *decoder) document() error {
	tok, err := d.dec.Token()
	if errors.Is(err, io.EOF) {
		return d.errorf(findings.ErrSyntax, d.g.Offset(), "", "empty input")
	}
	if err != nil {
		return d.fail(err, "")
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		at := d.offset()
		if ok {
			at-- // point at the delimiter
		}
		return d.errorf(findings.ErrInvalid, at, "", "expected an npm audit report object, found %s", describe(tok))
	}
	seen := false
	var keys jsonstream.Keys
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.fail(err, "")
		}
		key, _ := tok.(string) // encoding/json only returns string keys here
		switch key {
		case "auditReportVersion", "advisories", "vulnerabilities", "error":
			if keys.Seen(key) {
				return d.duplicate(key, key)
			}
		}
		switch key {
		case "auditReportVersion":
			if err := d.reportVersion(); err != nil {
				return err
			}
		case "advisories":
			seen = true
			if err := d.advisories(); err != nil {
				return err
			}
		case "vulnerabilities":
			seen = true
			if err := d.vulnerabilities(); err != nil {
				return err
			}
		case "error":
			if err := d.npmError(); err != nil {
				return err
			}
		default:
			if err := d.skip(key); err != nil {
				return err
			}
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing '}'
		return d.fail(err, "")
	}
	end := d.offset()
	tok, err = d.dec.Token()
	switch {
	case errors.Is(err, io.EOF):
	case err != nil:
		return d.fail(err, "")
	default:
		return d.errorf(findings.ErrSyntax, d.offset(), "", "unexpected %s after the report", describe(tok))
	}
	if !seen {
		return d.errorf(findings.ErrInvalid, end, "", `not an npm audit report: no "advisories", "vulnerabilities" or "error"`)
	}
	return nil
}

// reportVersion checks auditReportVersion: only 2 is known.
func (d *decoder) reportVersion() error {
	raw, start, err := d.value("auditReportVersion")
	if err != nil {
		return err
	}
	start += d.g.BOMLen()
	n, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return d.errorf(findings.ErrInvalid, start, "auditReportVersion", "auditReportVersion is %s, not a number", raw)
	}
	if n != 2 {
		return d.errorf(findings.ErrUnsupportedFormat, start, "auditReportVersion", "npm audit report version %s", raw)
	}
	return nil
}

// npmError reads the "error" value: an error for a failed audit, nil for a
// null error.
func (d *decoder) npmError() error {
	raw, start, err := d.value("error")
	if err != nil {
		return err
	}
	at := start + d.g.BOMLen()
	switch {
	case bytes.Equal(raw, []byte("null")):
		return nil
	case len(raw) > 0 && raw[0] == '"':
		var msg string
		if err := json.Unmarshal(raw, &msg); err != nil {
			return d.fail(err, "error")
		}
		return d.errorf(findings.ErrInvalid, at, "error", "npm audit failed: %s", oneLine(msg))
	}
	var e npmError
	if err := d.unmarshal(raw, start, &e, "error"); err != nil {
		return err
	}
	code := first(strings.TrimSpace(e.Code), "unknown error code")
	summary := oneLine(first(e.Summary, e.Detail))
	if summary == "" {
		return d.errorf(findings.ErrInvalid, at, "error", "npm audit failed: %s", code)
	}
	return d.errorf(findings.ErrInvalid, at, "error", "npm audit failed: %s: %s", code, summary)
}

// openObject reads the '{' (or null, reported as false) that starts a map of
// records.
func (d *decoder) openObject(path string) (bool, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return false, d.fail(err, path)
	}
	if tok == nil {
		return false, nil
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		at := d.offset()
		if ok {
			at--
		}
		return false, d.errorf(findings.ErrInvalid, at, path, "expected an object, found %s", describe(tok))
	}
	return true, nil
}

// advisories streams a version 1 "advisories" object.
func (d *decoder) advisories() error {
	open, err := d.openObject("advisories")
	if err != nil || !open {
		return err
	}
	var keys jsonstream.Keys
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.fail(err, "advisories")
		}
		key, _ := tok.(string)
		path := "advisories" + member(key)
		if keys.Seen(key) {
			return d.duplicate(path, key)
		}
		raw, start, err := d.value(path)
		if err != nil {
			return err
		}
		if bytes.Equal(raw, []byte("null")) {
			return d.errorf(findings.ErrInvalid, start+d.g.BOMLen(), path, "advisory is null")
		}
		var a advisory
		if err := d.unmarshal(raw, start, &a, path); err != nil {
			return err
		}
		if err := d.emitAdvisory(&a, key, start, path); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, "advisories")
	}
	return nil
}

func (d *decoder) emitAdvisory(a *advisory, key string, start int64, path string) error {
	at := start + d.g.BOMLen()
	if strings.TrimSpace(a.ModuleName) == "" {
		return d.errorf(findings.ErrInvalid, at, path, "advisory has no module_name")
	}
	cwes, err := parseCWEs(a.CWE)
	if err != nil {
		return d.errorf(findings.ErrInvalid, at, path+".cwe", "%s", err.Error())
	}
	id := int64(-1)
	if a.ID != nil {
		id = *a.ID
	} else if n, err := strconv.ParseInt(key, 10, 64); err == nil {
		id = n
	}
	ghsa := first(ghsaID(a.GitHubAdvisoryID), ghsaID(a.URL))
	ids := append([]string{ghsa}, a.CVEs...)

	base := findings.Finding{
		Kind:             findings.KindSCA,
		Tool:             findings.Tool{Name: toolName},
		Title:            strings.TrimSpace(a.Title),
		Description:      strings.TrimSpace(a.Overview),
		VulnerabilityIDs: ids,
		CWEs:             cwes,
		References:       append([]string{strings.TrimSpace(a.URL)}, extractURLs(a.References)...),
		Published:        strings.TrimSpace(a.Created),
		Modified:         strings.TrimSpace(a.Updated),
	}
	base.RuleID = ruleID(ids, id)
	if base.Title == "" {
		base.Title = base.RuleID
	}
	base.CVSS = cvssList(a.CVSS, ghsa != "")
	base.Severity, base.SeveritySource = severity(a.Severity, base.CVSS)

	hits := a.Findings
	if len(hits) == 0 {
		hits = []advisoryHit{{}}
	}
	for _, hit := range hits {
		f := base
		f.VulnerabilityIDs = clone(base.VulnerabilityIDs)
		f.CWEs = clone(base.CWEs)
		f.References = clone(base.References)
		f.CVSS = clone(base.CVSS)
		pkg := &findings.Package{
			Name:      strings.TrimSpace(a.ModuleName),
			Version:   strings.TrimSpace(hit.Version),
			Ecosystem: "npm",
			Paths:     clone(hit.Paths),
		}
		pkg.PURL = purl(pkg.Name, pkg.Version)
		if p := strings.TrimSpace(a.PatchedVersions); p != "" && p != "<0.0.0" {
			pkg.FixedVersions = []string{p}
		}
		switch {
		case hit.Dev != nil && *hit.Dev:
			pkg.Scope = findings.ScopeDev
		case hit.Optional != nil && *hit.Optional:
			pkg.Scope = findings.ScopeOptional
		case hit.Dev != nil || hit.Optional != nil:
			pkg.Scope = findings.ScopeRuntime
		}
		pkg.Relationship = relationship(pkg.Name, hit.Paths)
		f.Package = pkg

		props := map[string]any{}
		if id >= 0 {
			props["advisory_id"] = id
		}
		setString(props, "vulnerable_versions", a.VulnerableVersions)
		setString(props, "recommendation", a.Recommendation)
		if hit.Bundled != nil && *hit.Bundled {
			props["bundled"] = true
		}
		f.Properties = props
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	return nil
}

// vulnerabilities streams a version 2 "vulnerabilities" object.
func (d *decoder) vulnerabilities() error {
	open, err := d.openObject("vulnerabilities")
	if err != nil || !open {
		return err
	}
	var keys jsonstream.Keys
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.fail(err, "vulnerabilities")
		}
		key, _ := tok.(string)
		path := "vulnerabilities" + member(key)
		if keys.Seen(key) {
			return d.duplicate(path, key)
		}
		raw, start, err := d.value(path)
		if err != nil {
			return err
		}
		if bytes.Equal(raw, []byte("null")) {
			return d.errorf(findings.ErrInvalid, start+d.g.BOMLen(), path, "vulnerability is null")
		}
		var v vulnerability
		if err := d.unmarshal(raw, start, &v, path); err != nil {
			return err
		}
		if err := d.emitVulnerability(&v, key, start, path); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, "vulnerabilities")
	}
	return nil
}

func (d *decoder) emitVulnerability(v *vulnerability, key string, start int64, path string) error {
	at := start + d.g.BOMLen()
	name := first(strings.TrimSpace(v.Name), strings.TrimSpace(key))
	if name == "" {
		return d.errorf(findings.ErrInvalid, at, path, "vulnerability has no name")
	}

	// Split "via" into advisory objects and names of vulnerable dependencies.
	var advisories []via
	var positions []int // index in "via" of each advisory
	var refs []string
	for i, raw := range v.Via {
		vpath := path + ".via[" + strconv.Itoa(i) + "]"
		switch {
		case len(raw) > 0 && raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return d.fail(err, vpath)
			}
			refs = append(refs, s)
		case len(raw) > 0 && raw[0] == '{':
			var a via
			if err := json.Unmarshal(raw, &a); err != nil {
				// The offset of the element inside the entry is not
				// tracked: report the entry's.
				var typ *json.UnmarshalTypeError
				if errors.As(err, &typ) {
					typ.Offset = start
				}
				return d.fail(err, vpath)
			}
			advisories = append(advisories, a)
			positions = append(positions, i)
		default:
			return d.errorf(findings.ErrInvalid, at, vpath, "via entry is %s, not an advisory object or a package name", kindOf(raw))
		}
	}

	fix, fixProp, err := fixAvailable(v.FixAvailable, name)
	if err != nil {
		return d.errorf(findings.ErrInvalid, at, path+".fixAvailable", "%s", err.Error())
	}

	for i, a := range advisories {
		vpath := path + ".via[" + strconv.Itoa(positions[i]) + "]"
		cwes, err := parseCWEs(a.CWE)
		if err != nil {
			return d.errorf(findings.ErrInvalid, at, vpath+".cwe", "%s", err.Error())
		}
		id := int64(-1)
		if a.Source != nil {
			id = *a.Source
		} else if a.ID != nil {
			id = *a.ID
		}
		ghsa := ghsaID(a.URL)
		f := findings.Finding{
			Kind:             findings.KindSCA,
			Tool:             findings.Tool{Name: toolName},
			Title:            strings.TrimSpace(a.Title),
			VulnerabilityIDs: []string{ghsa},
			CWEs:             cwes,
			References:       []string{strings.TrimSpace(a.URL)},
			CVSS:             cvssList(a.CVSS, ghsa != ""),
		}
		f.RuleID = ruleID(f.VulnerabilityIDs, id)
		if f.Title == "" {
			f.Title = f.RuleID
		}
		f.Severity, f.SeveritySource = severity(a.Severity, f.CVSS)
		pkg := &findings.Package{
			Name:      name,
			Ecosystem: "npm",
			PURL:      purl(name, ""),
			Paths:     clone(v.Nodes),
		}
		if fix != "" {
			pkg.FixedVersions = []string{fix}
		}
		if v.IsDirect != nil {
			pkg.Relationship = findings.RelationshipTransitive
			if *v.IsDirect {
				pkg.Relationship = findings.RelationshipDirect
			}
		}
		f.Package = pkg

		props := map[string]any{}
		if id >= 0 {
			props["advisory_id"] = id
		}
		setString(props, "vulnerable_versions", first(a.Range, a.VulnerableVersions))
		setString(props, "affected_range", v.Range)
		if adv := strings.TrimSpace(a.Name); adv != "" && adv != name {
			props["advisory_package"] = adv
		}
		if len(refs) > 0 {
			props["via"] = clone(refs)
		}
		if len(v.Effects) > 0 {
			props["effects"] = clone(v.Effects)
		}
		if fixProp != nil {
			props["fix_available"] = fixProp
		}
		f.Properties = props
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	return nil
}

// fixAvailable reads a version 2 fixAvailable: true, false, or the package
// and version npm would install. It returns the fixed version of the
// package itself, when the fix installs another version of it, and the
// value to keep in Properties.
func fixAvailable(raw json.RawMessage, name string) (string, any, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0, bytes.Equal(raw, []byte("null")):
		return "", nil, nil
	case bytes.Equal(raw, []byte("true")):
		return "", true, nil
	case bytes.Equal(raw, []byte("false")):
		return "", false, nil
	case raw[0] == '{':
		var t fixTarget
		if err := json.Unmarshal(raw, &t); err != nil {
			return "", nil, fmt.Errorf("fixAvailable: %v", err)
		}
		prop := map[string]any{"name": t.Name, "version": t.Version, "is_semver_major": t.IsSemVerMajor}
		if strings.TrimSpace(t.Name) == name {
			return strings.TrimSpace(t.Version), prop, nil
		}
		return "", prop, nil
	}
	return "", nil, fmt.Errorf("fixAvailable is %s, not a boolean or an object", kindOf(raw))
}

// skip reads past a value the decoder does not use, token by token so that
// a large one is not held whole.
func (d *decoder) skip(path string) error {
	if err := jsonstream.SkipValue(d.dec); err != nil {
		return d.fail(err, path)
	}
	return nil
}

// parseCWEs reads an advisory's cwe: null, a string ("CWE-79", or a JSON
// array inside a string, as some registries return), or an array of
// strings. Normalization drops entries without a number ("CWE-").
func parseCWEs(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0, bytes.Equal(raw, []byte("null")):
		return nil, nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		s = strings.TrimSpace(s)
		if strings.HasPrefix(s, "[") {
			var list []string
			if json.Unmarshal([]byte(s), &list) == nil {
				return list, nil
			}
		}
		return []string{s}, nil
	case raw[0] == '[':
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, errors.New("cwe array holds a value that is not a string")
		}
		return list, nil
	}
	return nil, fmt.Errorf("cwe is %s, not a string or an array", kindOf(raw))
}

// cvssList turns an advisory's cvss object into a CVSS entry. npm writes
// {"score": 0, "vectorString": null} when there is no assessment.
func cvssList(c *cvssData, github bool) []findings.CVSS {
	if c == nil {
		return nil
	}
	vector := strings.TrimSpace(c.VectorString)
	if vector == "" && c.Score == 0 {
		return nil
	}
	out := findings.CVSS{Vector: vector, Version: cvssVersion(vector), Source: "npm"}
	if github {
		out.Source = "ghsa"
	}
	if c.Score > 0 || vector != "" {
		score := c.Score
		out.Score = &score
	}
	return []findings.CVSS{out}
}

// cvssVersion reads the version from a vector's "CVSS:x.y/" prefix; a vector
// without it is CVSS 2.0 when it has the 2.0 authentication metric.
func cvssVersion(vector string) string {
	if rest, ok := strings.CutPrefix(vector, "CVSS:"); ok {
		v, _, _ := strings.Cut(rest, "/")
		switch v {
		case "3.0", "3.1", "4.0":
			return v
		}
		return ""
	}
	if strings.Contains(vector, "Au:") {
		return "2.0"
	}
	return ""
}

// severity maps npm's severity word, falling back to the CVSS score.
func severity(word string, cvss []findings.CVSS) (findings.Severity, string) {
	if s, ok := findings.ParseSeverity(word); ok {
		return s, severitySource
	}
	for _, c := range cvss {
		if c.Score == nil || *c.Score <= 0 {
			continue
		}
		if s, ok := findings.SeverityFromScore(*c.Score); ok {
			src := "cvss"
			if c.Version != "" {
				src += ":" + c.Version
			}
			return s, src
		}
	}
	return findings.SeverityUnknown, ""
}

var ghsaPattern = regexp.MustCompile(`(?i)GHSA(-[23456789cfghjmpqrvwx]{4}){3}`)

// ghsaID returns the GitHub advisory ID in s (an ID or an advisory URL), in
// GitHub's spelling, or "".
func ghsaID(s string) string {
	m := ghsaPattern.FindString(s)
	if m == "" {
		return ""
	}
	return "GHSA" + strings.ToLower(m[4:])
}

// ruleID is the primary vulnerability ID, else npm's advisory number.
func ruleID(ids []string, advisoryID int64) string {
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			return id
		}
	}
	if advisoryID >= 0 {
		return strconv.FormatInt(advisoryID, 10)
	}
	return ""
}

// relationship derives direct or transitive from version 1 dependency paths
// ("a>b>c"): a path of the package alone means the project depends on it
// directly.
func relationship(name string, paths []string) findings.Relationship {
	if len(paths) == 0 {
		return ""
	}
	for _, p := range paths {
		if !strings.Contains(p, ">") && strings.TrimSpace(p) == name {
			return findings.RelationshipDirect
		}
	}
	return findings.RelationshipTransitive
}

// purl builds pkg:npm/[namespace/]name[@version] for an npm package name,
// which may be scoped ("@scope/name").
func purl(name, version string) string {
	if name == "" {
		return ""
	}
	namespace := ""
	if strings.HasPrefix(name, "@") {
		if ns, n, ok := strings.Cut(name, "/"); ok && n != "" {
			namespace, name = ns, n
		}
	}
	return packageurl.NewPackageURL(packageurl.TypeNPM, namespace, name, version, nil, "").ToString()
}

// extractURLs returns the http(s) URLs in a version 1 references text,
// which is Markdown ("[Issue](https://...)", "- https://...").
func extractURLs(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "http")
		if i < 0 {
			return out
		}
		text = text[i:]
		if !strings.HasPrefix(text, "http://") && !strings.HasPrefix(text, "https://") {
			text = text[len("http"):]
			continue
		}
		end := strings.IndexAny(text, " \t\r\n)]>\"'<")
		if end < 0 {
			end = len(text)
		}
		u := strings.TrimRight(text[:end], ".,;")
		if len(u) > len("https://") {
			out = append(out, u)
		}
		text = text[end:]
	}
}

func setString(props map[string]any, key, value string) {
	if value = strings.TrimSpace(value); value != "" {
		props[key] = value
	}
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func clone[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append([]T(nil), s...)
}

// oneLine joins the lines of a message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// member spells a JSON path step for an object member.
func member(key string) string {
	if key != "" && !strings.ContainsAny(key, ".[]\"' ") {
		return "." + key
	}
	return "[" + strconv.Quote(key) + "]"
}

// kindOf names the JSON type of a raw value.
func kindOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// describe names a JSON token's type for error messages.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return "'" + t.String() + "'"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a value"
}
