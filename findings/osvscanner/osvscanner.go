package osvscanner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/google/osv-scanner/pkg/models"
	"github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "osv-scanner"

// toolName is the name OSV-Scanner gives itself (in its SARIF output too).
const toolName = "osv-scanner"

// vulnerability is an OSV record as OSV-Scanner embeds it. It reuses the
// OSV-Scanner model but keeps the dates as the strings the tool wrote (the
// model parses them into time.Time, which would reject a record only for
// an unusual date spelling and lose the original text).
type vulnerability struct {
	models.Vulnerability
	Modified  string `json:"modified"`
	Published string `json:"published"`
	Withdrawn string `json:"withdrawn"`
}

// packageVulns is models.PackageVulns with the vulnerability type above.
type packageVulns struct {
	Package           models.PackageInfo `json:"package"`
	DepGroups         []string           `json:"dependency_groups"`
	Vulnerabilities   []vulnerability    `json:"vulnerabilities"`
	Groups            []models.GroupInfo `json:"groups"`
	Licenses          []models.License   `json:"licenses"`
	LicenseViolations []models.License   `json:"license_violations"`
}

// Decode reads one OSV-Scanner JSON document (the output of
// `osv-scanner --format json`) from r and hands each finding to h, in
// document order: one per vulnerability of each package, and one per
// package with license violations. OSV-Scanner output carries no VEX
// statements. See the package documentation for the mapping.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	g := jsonstream.NewReader(r, opts.Limits)
	d := &decoder{
		opts:  opts,
		em:    findings.NewEmitter(h, opts, Format),
		g:     g,
		dec:   json.NewDecoder(g),
		max:   opts.Limits.WithDefaults().MaxDocumentBytes,
		start: -1,
	}
	// Numbers stay json.Number: a huge number is not an error of this
	// format, and Token would otherwise fail converting it to float64.
	d.dec.UseNumber()
	err := d.document()
	var he handlerError
	if errors.As(err, &he) {
		return he.err
	}
	return err
}

type decoder struct {
	opts findings.DecodeOptions
	em   *findings.Emitter
	g    *jsonstream.Reader
	dec  *json.Decoder
	max  int64
	// start is the input offset where the current Decode call began, or -1.
	start int64
}

// handlerError marks an error returned by the handler, which Decode returns
// unchanged.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// fail converts a decoding error at path into a *findings.DecodeError.
func (d *decoder) fail(err error, path string) error {
	var he handlerError
	if errors.As(err, &he) {
		return he.err
	}
	out := jsonstream.Error(err, d.g, d.dec, d.opts.Name, Format, path)
	var de *findings.DecodeError
	if errors.As(out, &de) && !errors.As(err, new(*findings.DecodeError)) {
		jsonstream.ExactOffset(err, de, d.dec, d.g.BOMLen(), d.start)
	}
	d.start = -1
	return out
}

// decode decodes the next value into v, remembering where it began.
func (d *decoder) decode(v any) error {
	d.start = jsonstream.ValueStart(d.dec)
	err := d.dec.Decode(v)
	if err == nil {
		d.start = -1
	}
	return err
}

// duplicate reports a key read a second time in its object, located just
// after it.
func (d *decoder) duplicate(path, key string) error {
	return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.dec.InputOffset() + d.g.BOMLen(), Path: path,
		Err: jsonstream.DuplicateKey(key)}
}

// invalid reports a well-formed document that is not OSV-Scanner output.
func (d *decoder) invalid(path, format string, args ...any) error {
	return &findings.DecodeError{
		File: d.opts.Name, Format: Format, Offset: d.dec.InputOffset() + d.g.BOMLen(), Path: path,
		Err: fmt.Errorf("%w: %s", findings.ErrInvalid, fmt.Sprintf(format, args...)),
	}
}

func (d *decoder) document() error {
	tok, err := d.dec.Token()
	if err == io.EOF {
		return &findings.DecodeError{
			File: d.opts.Name, Format: Format, Offset: d.g.Offset(),
			Err: fmt.Errorf("%w: empty input (OSV-Scanner writes an empty file only when the scan failed or found no package sources)", findings.ErrSyntax),
		}
	}
	if err != nil {
		return d.fail(err, "")
	}
	if tok != json.Delim('{') {
		return d.invalid("", "expected an OSV-Scanner results object, found %s", jsonstream.Describe(tok))
	}
	sawResults := false
	for d.dec.More() {
		key, err := d.key("")
		if err != nil {
			return err
		}
		if key == "results" {
			if sawResults {
				return d.duplicate("results", key)
			}
			sawResults = true
			if err := d.results(); err != nil {
				return err
			}
			continue
		}
		if err := jsonstream.SkipValue(d.dec); err != nil {
			return d.fail(err, key)
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing '}'
		return d.fail(err, "")
	}
	if !sawResults {
		return d.invalid("", `no "results" member: not an OSV-Scanner results document`)
	}
	if _, err := d.dec.Token(); err != io.EOF {
		if err == nil {
			return &findings.DecodeError{
				File: d.opts.Name, Format: Format, Offset: d.dec.InputOffset() + d.g.BOMLen(),
				Err: fmt.Errorf("%w: data after the end of the document", findings.ErrSyntax),
			}
		}
		return d.fail(err, "")
	}
	return nil
}

// key reads an object key.
func (d *decoder) key(path string) (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", d.fail(err, path)
	}
	k, ok := tok.(string)
	if !ok {
		return "", d.invalid(path, "expected an object key, found %s", jsonstream.Describe(tok))
	}
	return k, nil
}

func (d *decoder) results() error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, "results")
	}
	if tok == nil { // "results": null — a nil slice marshalled by Go
		return nil
	}
	if tok != json.Delim('[') {
		return d.invalid("results", "expected an array, found %s", jsonstream.Describe(tok))
	}
	for i := 0; d.dec.More(); i++ {
		if err := d.result(fmt.Sprintf("results[%d]", i)); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, "results")
	}
	return nil
}

// pending is a package read before its result's source, kept until the
// source is known.
type pending struct {
	path string
	pkg  packageVulns
}

// result reads one results[] entry: a source and its packages. OSV-Scanner
// writes the source first, so each package is emitted as soon as it is
// read; packages that come before the source are held (bounded by
// MaxDocumentBytes) until the source is read.
func (d *decoder) result(path string) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, path)
	}
	if tok != json.Delim('{') {
		return d.invalid(path, "expected a result object, found %s", jsonstream.Describe(tok))
	}
	var (
		src       models.SourceInfo
		sawSource bool
		held      []pending
		heldFrom  int64 = -1
		keys      jsonstream.Keys
	)
	for d.dec.More() {
		key, err := d.key(path)
		if err != nil {
			return err
		}
		if (key == "source" || key == "packages") && keys.Seen(key) {
			return d.duplicate(path+"."+key, key)
		}
		switch key {
		case "source":
			if err := d.decode(&src); err != nil {
				return d.fail(err, path+".source")
			}
			sawSource = true
			for _, p := range held {
				if err := d.pkg(src, p.pkg, p.path); err != nil {
					return err
				}
			}
			held = nil
		case "packages":
			tok, err := d.dec.Token()
			if err != nil {
				return d.fail(err, path+".packages")
			}
			if tok == nil {
				continue
			}
			if tok != json.Delim('[') {
				return d.invalid(path+".packages", "expected an array, found %s", jsonstream.Describe(tok))
			}
			for j := 0; d.dec.More(); j++ {
				ppath := fmt.Sprintf("%s.packages[%d]", path, j)
				if !sawSource && heldFrom < 0 {
					heldFrom = d.dec.InputOffset()
				}
				var pv packageVulns
				if err := d.decode(&pv); err != nil {
					return d.fail(err, ppath)
				}
				if sawSource {
					if err := d.pkg(src, pv, ppath); err != nil {
						return err
					}
					continue
				}
				if d.dec.InputOffset()-heldFrom > d.max {
					return &findings.DecodeError{
						File: d.opts.Name, Format: Format, Offset: d.dec.InputOffset() + d.g.BOMLen(), Path: ppath,
						Err: &findings.LimitError{Limit: "MaxDocumentBytes", Max: d.max},
					}
				}
				held = append(held, pending{path: ppath, pkg: pv})
			}
			if _, err := d.dec.Token(); err != nil {
				return d.fail(err, path+".packages")
			}
		default:
			if err := jsonstream.SkipValue(d.dec); err != nil {
				return d.fail(err, path+"."+key)
			}
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, path)
	}
	for _, p := range held { // no source at all
		if err := d.pkg(src, p.pkg, p.path); err != nil {
			return err
		}
	}
	return nil
}

// pkg emits the findings of one package.
func (d *decoder) pkg(src models.SourceInfo, pv packageVulns, path string) error {
	for i := range pv.Vulnerabilities {
		v := &pv.Vulnerabilities[i]
		if v.ID == "" {
			return d.invalid(fmt.Sprintf("%s.vulnerabilities[%d]", path, i), `vulnerability without an "id"`)
		}
		if err := d.em.Finding(vulnFinding(src, &pv, v)); err != nil {
			return handlerError{err}
		}
	}
	if len(pv.LicenseViolations) > 0 {
		if err := d.em.Finding(licenseFinding(src, &pv)); err != nil {
			return handlerError{err}
		}
	}
	return nil
}

func vulnFinding(src models.SourceInfo, pv *packageVulns, v *vulnerability) findings.Finding {
	p := pv.Package
	f := findings.Finding{
		Kind:        kindOf(p.Ecosystem),
		Tool:        findings.Tool{Name: toolName},
		RuleID:      v.ID,
		Title:       v.Summary,
		Description: v.Details,
		Published:   v.Published,
		Modified:    v.Modified,
		Location:    location(src, p),
		Properties:  map[string]any{},
	}
	if f.Title == "" {
		f.Title = v.ID
	}
	f.VulnerabilityIDs = append([]string{v.ID}, v.Aliases...)
	group := groupOf(pv.Groups, v.ID)
	if group != nil {
		f.VulnerabilityIDs = append(f.VulnerabilityIDs, group.IDs...)
		f.VulnerabilityIDs = append(f.VulnerabilityIDs, group.Aliases...)
	}

	matching := matchingAffected(v.Affected, p)
	f.CVSS = cvssList(v, matching)
	f.Severity, f.SeveritySource = severity(v, group)
	if group != nil && group.MaxSeverity != "" {
		f.Properties["max_severity"] = group.MaxSeverity
	}

	f.CWEs = append(f.CWEs, stringList(v.DatabaseSpecific["cwe_ids"])...)
	for _, a := range matching {
		if cwes, ok := a.DatabaseSpecific["cwes"].([]any); ok {
			for _, c := range cwes {
				if m, ok := c.(map[string]any); ok {
					if id, ok := m["cweId"].(string); ok {
						f.CWEs = append(f.CWEs, id)
					}
				}
			}
		}
		if info, ok := a.DatabaseSpecific["informational"].(string); ok && info != "" {
			f.Properties["informational"] = info
		}
	}

	f.Package = packageOf(p, pv.DepGroups)
	for _, a := range matching {
		for _, r := range a.Ranges {
			// A named package is fixed in a version of its ecosystem; a
			// commit-only package (a git source) in a commit.
			if (r.Type == models.RangeGit) != (p.Name == "") {
				continue
			}
			for _, e := range r.Events {
				if e.Fixed != "" {
					f.Package.FixedVersions = append(f.Package.FixedVersions, e.Fixed)
				}
			}
		}
	}

	for _, ref := range v.References {
		f.References = append(f.References, ref.URL)
	}
	if u, ok := v.DatabaseSpecific["url"].(string); ok {
		f.References = append(f.References, u)
	}

	if group != nil {
		if a, ok := group.ExperimentalAnalysis[v.ID]; ok {
			if a.Called {
				f.Reachability = findings.Reachable
			} else {
				f.Reachability = findings.Unreachable
			}
			if a.Unimportant {
				f.Properties["unimportant"] = true
			}
		}
	}
	if v.Withdrawn != "" {
		f.Properties["withdrawn"] = v.Withdrawn
	}
	commonProperties(f.Properties, src, pv)
	return f
}

// licenseFinding reports a package whose licenses break the allowlist given
// with --experimental-licenses.
func licenseFinding(src models.SourceInfo, pv *packageVulns) findings.Finding {
	p := pv.Package
	violations := make([]string, 0, len(pv.LicenseViolations))
	for _, l := range pv.LicenseViolations {
		violations = append(violations, string(l))
	}
	name := p.Name
	if name == "" {
		name = p.Commit
	}
	f := findings.Finding{
		Kind:       findings.KindLicense,
		Tool:       findings.Tool{Name: toolName},
		RuleID:     "license-violation",
		Title:      "License violation in " + name + ": " + strings.Join(violations, ", "),
		Package:    packageOf(p, pv.DepGroups),
		Location:   location(src, p),
		Properties: map[string]any{"license_violations": violations},
	}
	for _, l := range pv.Licenses {
		f.Package.Licenses = append(f.Package.Licenses, string(l))
	}
	commonProperties(f.Properties, src, pv)
	return f
}

func commonProperties(props map[string]any, src models.SourceInfo, pv *packageVulns) {
	if src.Type != "" {
		props["source_type"] = src.Type
	}
	if len(pv.DepGroups) > 0 {
		props["dependency_groups"] = pv.DepGroups
	}
	if pv.Package.Commit != "" {
		props["commit"] = pv.Package.Commit
	}
	if o := pv.Package.ImageOrigin; o != nil && o.OriginCommand != "" {
		props["origin_command"] = o.OriginCommand
	}
	if o := pv.Package.ImageOrigin; o != nil && o.InBaseImage {
		props["in_base_image"] = true
	}
}

// location places the finding in the scanned file (a lock file, an SBOM, a
// directory for git sources) or, for container sources, in the image.
func location(src models.SourceInfo, p models.PackageInfo) findings.Location {
	var loc findings.Location
	switch strings.ToLower(src.Type) {
	case "docker", "image", "oci-image", "docker-image":
		loc.Image = src.Path
	default:
		loc.Path = src.Path
	}
	if p.ImageOrigin != nil {
		loc.Layer = p.ImageOrigin.LayerID
	}
	return loc
}

// groupOf returns the group holding id, or nil.
func groupOf(groups []models.GroupInfo, id string) *models.GroupInfo {
	for i := range groups {
		for _, gid := range groups[i].IDs {
			if gid == id {
				return &groups[i]
			}
		}
	}
	return nil
}

// severity picks the severity by the precedence documented in the package
// doc: the advisory database's own word, an Ubuntu priority, then
// OSV-Scanner's group max_severity score.
func severity(v *vulnerability, group *models.GroupInfo) (findings.Severity, string) {
	if word, ok := v.DatabaseSpecific["severity"].(string); ok {
		if s, ok := findings.ParseSeverity(word); ok {
			return s, "osv:database_specific.severity"
		}
	}
	for _, sv := range v.Severity {
		if strings.EqualFold(string(sv.Type), "Ubuntu") {
			if s, ok := findings.ParseSeverity(sv.Score); ok {
				return s, "osv:severity.Ubuntu"
			}
		}
	}
	if group != nil && group.MaxSeverity != "" {
		if score, err := strconv.ParseFloat(strings.TrimSpace(group.MaxSeverity), 64); err == nil {
			if s, ok := findings.SeverityFromScore(score); ok {
				return s, "osv-scanner:max_severity"
			}
		}
	}
	return findings.SeverityUnknown, ""
}

// cvssList collects the CVSS vectors of the record and of its affected
// entries for this package. OSV gives vectors only, so Score stays nil.
func cvssList(v *vulnerability, matching []*models.Affected) []findings.CVSS {
	var out []findings.CVSS
	seen := map[string]bool{}
	add := func(list []models.Severity) {
		for _, sv := range list {
			version := ""
			switch sv.Type {
			case models.SeverityCVSSV2:
				version = "2.0"
			case models.SeverityCVSSV3, models.SeverityCVSSV4:
				version = cvssVersion(sv.Score)
			default:
				continue
			}
			if sv.Score == "" || seen[sv.Score] {
				continue
			}
			seen[sv.Score] = true
			out = append(out, findings.CVSS{Version: version, Vector: sv.Score, Source: sourceOf(v.ID)})
		}
	}
	add(v.Severity)
	for _, a := range matching {
		add(a.Severity)
	}
	return out
}

// cvssVersion reads the version from a "CVSS:3.1/..." vector prefix.
func cvssVersion(vector string) string {
	rest, ok := strings.CutPrefix(vector, "CVSS:")
	if !ok {
		return ""
	}
	version, _, _ := strings.Cut(rest, "/")
	switch version {
	case "3.0", "3.1", "4.0":
		return version
	}
	return ""
}

// sourceOf names the database that published an OSV record by the prefix
// of its ID: "ghsa", "go", "pysec", "rustsec", "cve"...
func sourceOf(id string) string {
	prefix, _, ok := strings.Cut(id, "-")
	if !ok {
		return ""
	}
	return strings.ToLower(prefix)
}

// matchingAffected returns the affected entries of the record that name the
// package; for a commit-only package, the entries without a package (git
// ranges).
func matchingAffected(affected []models.Affected, p models.PackageInfo) []*models.Affected {
	var out []*models.Affected
	for i := range affected {
		a := &affected[i]
		if p.Name == "" {
			if a.Package.Name == "" && p.Commit != "" {
				out = append(out, a)
			}
			continue
		}
		if !strings.EqualFold(ecosystemBase(string(a.Package.Ecosystem)), ecosystemBase(p.Ecosystem)) {
			continue
		}
		if a.Package.Name == p.Name || normalizeName(p.Ecosystem, a.Package.Name) == normalizeName(p.Ecosystem, p.Name) {
			out = append(out, a)
		}
	}
	return out
}

// ecosystemBase drops a release suffix: "Debian:11" → "Debian".
func ecosystemBase(eco string) string {
	base, _, _ := strings.Cut(eco, ":")
	return strings.TrimSpace(base)
}

// normalizeName folds a package name for comparison: PEP 503 for PyPI,
// nothing for Go and Maven (case-sensitive), lower case elsewhere.
func normalizeName(eco, name string) string {
	switch ecosystemBase(eco) {
	case "Go", "Maven":
		return name
	case "PyPI":
		var b strings.Builder
		sep := false
		for _, c := range strings.ToLower(name) {
			if c == '-' || c == '_' || c == '.' {
				sep = true
				continue
			}
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteRune(c)
		}
		return b.String()
	}
	return strings.ToLower(name)
}

// osEcosystems are the OSV ecosystems of operating-system distributions:
// their packages are container findings.
var osEcosystems = map[string]bool{
	"alpine": true, "almalinux": true, "azure linux": true, "chainguard": true, "debian": true,
	"mageia": true, "mariner": true, "openeuler": true, "opensuse": true, "photon os": true,
	"red hat": true, "rocky linux": true, "suse": true, "ubuntu": true, "wolfi": true,
}

func kindOf(eco string) findings.Kind {
	if osEcosystems[strings.ToLower(ecosystemBase(eco))] {
		return findings.KindContainer
	}
	return findings.KindSCA
}

func packageOf(p models.PackageInfo, depGroups []string) *findings.Package {
	pkg := &findings.Package{
		Name:      p.Name,
		Version:   p.Version,
		Ecosystem: p.Ecosystem,
		PURL:      purlOf(p),
	}
	if pkg.Version == "" {
		pkg.Version = p.Commit
	}
	if len(depGroups) == 1 {
		switch depGroups[0] {
		case "dev":
			pkg.Scope = findings.ScopeDev
		case "test":
			pkg.Scope = findings.ScopeTest
		case "optional":
			pkg.Scope = findings.ScopeOptional
		}
	}
	return pkg
}

// purlOf builds the package URL for the ecosystems whose purl type is
// unambiguous; "" otherwise.
func purlOf(p models.PackageInfo) string {
	if p.Name == "" {
		return ""
	}
	var typ, ns, name string
	normalize := true
	switch ecosystemBase(p.Ecosystem) {
	case string(models.EcosystemNPM):
		typ = packageurl.TypeNPM
		if strings.HasPrefix(p.Name, "@") {
			ns, name, _ = strings.Cut(p.Name, "/")
		} else {
			name = p.Name
		}
	case string(models.EcosystemPyPI):
		typ, name = packageurl.TypePyPi, p.Name
	case string(models.EcosystemGo):
		// Go module paths are case-sensitive: packageurl-go's Normalize
		// would lower-case them, so the purl is built as is.
		typ, normalize = packageurl.TypeGolang, false
		if i := strings.LastIndex(p.Name, "/"); i >= 0 {
			ns, name = p.Name[:i], p.Name[i+1:]
		} else {
			name = p.Name
		}
	case string(models.EcosystemMaven):
		typ = packageurl.TypeMaven
		var ok bool
		if ns, name, ok = strings.Cut(p.Name, ":"); !ok {
			return ""
		}
	case string(models.EcosystemCratesIO):
		typ, name = packageurl.TypeCargo, p.Name
	case string(models.EcosystemRubyGems):
		typ, name = packageurl.TypeGem, p.Name
	case string(models.EcosystemNuGet):
		typ, name = packageurl.TypeNuget, p.Name
	case string(models.EcosystemPackagist):
		typ = packageurl.TypeComposer
		var ok bool
		if ns, name, ok = strings.Cut(p.Name, "/"); !ok {
			return ""
		}
	case string(models.EcosystemDebian):
		typ, ns, name = packageurl.TypeDebian, "debian", p.Name
	case "Ubuntu":
		typ, ns, name = packageurl.TypeDebian, "ubuntu", p.Name
	case string(models.EcosystemAlpine):
		typ, ns, name = packageurl.TypeApk, "alpine", p.Name
	default:
		return ""
	}
	if name == "" {
		return ""
	}
	u := packageurl.NewPackageURL(typ, ns, name, p.Version, nil, "")
	if normalize {
		if err := u.Normalize(); err != nil {
			return ""
		}
	}
	return u.ToString()
}

// stringList returns the strings of a JSON array value.
func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
