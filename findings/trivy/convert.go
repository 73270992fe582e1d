package trivy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/package-url/packageurl-go"
)

// Tool metadata of every finding.
const (
	toolName   = "Trivy"
	toolVendor = "Aqua Security"
)

// scope is what the findings of one Result share.
type scope struct {
	d     *decoder
	res   *result
	k8s   *resource
	path  string
	start int64
	image string
	pkgs  map[string]*pkg // Packages by UID and by ID
}

// emitResult converts and emits the findings of one Result.
func (d *decoder) emitResult(res *result, k8s *resource, path string, start int64) error {
	sc := &scope{d: d, res: res, k8s: k8s, path: path, start: start}
	sc.image = sc.imageRef()
	for _, p := range res.Packages {
		if p == nil {
			continue
		}
		if sc.pkgs == nil {
			sc.pkgs = make(map[string]*pkg)
		}
		if p.Identifier.UID != "" {
			sc.pkgs["uid:"+p.Identifier.UID] = p
		}
		if p.ID != "" {
			sc.pkgs["id:"+p.ID] = p
		}
	}
	for i, v := range res.Vulnerabilities {
		p := fmt.Sprintf("%s.Vulnerabilities[%d]", path, i)
		f, err := sc.vulnerability(v, p)
		if err != nil {
			return err
		}
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	for i, m := range res.Misconfigurations {
		p := fmt.Sprintf("%s.Misconfigurations[%d]", path, i)
		if m != nil && strings.EqualFold(m.Status, "PASS") {
			continue // a check that passed is not a finding
		}
		f, err := sc.misconfiguration(m, p)
		if err != nil {
			return err
		}
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	for i, s := range res.Secrets {
		f, err := sc.secret(s, fmt.Sprintf("%s.Secrets[%d]", path, i))
		if err != nil {
			return err
		}
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	for i, l := range res.Licenses {
		f, err := sc.license(l, fmt.Sprintf("%s.Licenses[%d]", path, i))
		if err != nil {
			return err
		}
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	for i, m := range res.ModifiedFindings {
		f, err := sc.modified(m, fmt.Sprintf("%s.ExperimentalModifiedFindings[%d]", path, i))
		if err != nil {
			return err
		}
		if err := d.em.Finding(f); err != nil {
			return err
		}
	}
	return nil
}

func (sc *scope) invalid(path, format string, args ...any) error {
	return sc.d.invalid(path, sc.start, format, args...)
}

// base returns a finding with what every finding of the result shares:
// tool, kind-independent location and Kubernetes context.
func (sc *scope) base(kind findings.Kind) findings.Finding {
	f := findings.Finding{
		Kind: kind,
		Tool: findings.Tool{Name: toolName, Version: sc.d.hdr.toolVersion, Vendor: toolVendor},
	}
	f.Location.Image = sc.image
	f.Location.Target = sc.res.Target
	props := map[string]any{}
	if sc.image != "" {
		if m := sc.meta(); m != nil && m.ImageID != "" && m.ImageID != sc.image {
			props["image_id"] = m.ImageID
		}
	}
	if sc.k8s != nil {
		k := map[string]any{}
		for key, v := range map[string]string{"cluster": sc.d.hdr.cluster, "namespace": sc.k8s.Namespace, "kind": sc.k8s.Kind, "name": sc.k8s.Name} {
			if v != "" {
				k[key] = v
			}
		}
		if len(k) > 0 {
			props["kubernetes"] = k
		}
	}
	f.Properties = props
	return f
}

// finish drops a Target that repeats Path or Image.
func finish(f *findings.Finding) {
	if t := f.Location.Target; t != "" && (t == f.Location.Path || t == f.Location.Image) {
		f.Location.Target = ""
	}
}

// meta is the image metadata that applies to the result.
func (sc *scope) meta() *metadata {
	if sc.k8s != nil {
		return sc.k8s.Metadata
	}
	return sc.d.hdr.meta
}

// imageRef names the container image the result belongs to: the artifact
// name of an image report, else a repo digest, tag or image ID from its
// metadata; in a Kubernetes report, the image of an OS-package result is its
// Target without the " (os version)" suffix Trivy appends.
func (sc *scope) imageRef() string {
	fromMeta := func(m *metadata) string {
		if m == nil {
			return ""
		}
		for _, s := range [][]string{m.RepoDigests, m.RepoTags} {
			for _, v := range s {
				if v != "" {
					return v
				}
			}
		}
		return m.ImageID
	}
	if sc.k8s != nil {
		if ref := fromMeta(sc.k8s.Metadata); ref != "" {
			return ref
		}
		if sc.res.Class == "os-pkgs" {
			return stripOS(sc.res.Target)
		}
		return ""
	}
	h := sc.d.hdr
	if h.artifactType == "container_image" || (h.artifactType == "" && h.meta != nil && h.meta.ImageID != "") {
		if h.artifactName != "" {
			return h.artifactName
		}
		return fromMeta(h.meta)
	}
	return ""
}

// stripOS removes the " (family version)" suffix of an OS-package target.
func stripOS(target string) string {
	if strings.HasSuffix(target, ")") {
		if i := strings.LastIndex(target, " ("); i > 0 {
			return target[:i]
		}
	}
	return target
}

// isFile reports whether the result's Target is a file path: config,
// secret and license-file results name a file (outside Kubernetes reports,
// where the target is Kind/Name); language-package results name their lock
// file, except the aggregated targets Trivy names after the language.
func (sc *scope) isFile() bool {
	if sc.k8s != nil || sc.res.Target == "" {
		return false
	}
	switch sc.res.Class {
	case "config", "secret", "license-file":
		return true
	case "lang-pkgs":
		return !aggregateTargets[sc.res.Target]
	case "":
		return !osFamilies[sc.res.Type] && sc.res.Type != "" && !aggregateTargets[sc.res.Target]
	}
	return false
}

// aggregateTargets are the Targets Trivy gives results that gather the
// packages of one language found across an image.
var aggregateTargets = map[string]bool{
	"Python": true, "Conda": true, "Ruby": true, "Node.js": true, "Java": true, "Kubernetes": true,
}

// osFamilies are the Result Types that name an operating system.
var osFamilies = map[string]bool{
	"alma": true, "alpine": true, "amazon": true, "azurelinux": true, "bottlerocket": true,
	"cbl-mariner": true, "centos": true, "chainguard": true, "coreos": true, "debian": true,
	"echo": true, "fedora": true, "minimos": true, "opensuse": true, "opensuse-leap": true,
	"opensuse-tumbleweed": true, "opensuse.leap": true, "opensuse.tumbleweed": true,
	"oracle": true, "photon": true, "redhat": true, "rocky": true, "sles": true, "slem": true,
	"suse linux enterprise server": true, "suse linux enterprise micro": true, "ubuntu": true,
	"wolfi": true,
}

// layerOf fills the layer of l into f: the diff ID, else the digest.
func layerOf(f *findings.Finding, l *layer) {
	if l == nil {
		return
	}
	switch {
	case l.DiffID != "":
		f.Location.Layer = l.DiffID
		if l.Digest != "" {
			f.Properties["layer_digest"] = l.Digest
		}
	case l.Digest != "":
		f.Location.Layer = l.Digest
	}
}

// severity maps a Trivy severity word.
func severity(f *findings.Finding, word, source string) {
	if s, ok := findings.ParseSeverity(word); ok {
		f.Severity = s
		f.SeveritySource = source
		return
	}
	f.Severity = findings.SeverityUnknown
}

func (sc *scope) vulnerability(v *vulnerability, path string) (findings.Finding, error) {
	if v == nil {
		return findings.Finding{}, sc.invalid(path, "null vulnerability")
	}
	if v.VulnerabilityID == "" {
		return findings.Finding{}, sc.invalid(path, "vulnerability without VulnerabilityID")
	}
	kind := findings.KindSCA
	if sc.res.Class == "os-pkgs" || (sc.res.Class == "" && osFamilies[sc.res.Type]) {
		kind = findings.KindContainer
	}
	f := sc.base(kind)
	f.RuleID = v.VulnerabilityID
	f.VulnerabilityIDs = append([]string{v.VulnerabilityID}, v.VendorIDs...)
	f.Title = v.Title
	if f.Title == "" {
		f.Title = v.VulnerabilityID + " in " + v.PkgName
		if v.InstalledVersion != "" {
			f.Title += " " + v.InstalledVersion
		}
	}
	f.Description = v.Description
	f.CWEs = v.CweIDs
	f.CVSS = cvssList(v.CVSS)
	src := "trivy:Severity"
	if v.SeveritySource != "" {
		src += ":" + v.SeveritySource
	}
	severity(&f, v.Severity, src)
	if f.Severity == findings.SeverityUnknown {
		severityFromCVSS(&f, v.SeveritySource)
	}
	f.References = append([]string{v.PrimaryURL}, v.References...)
	f.Published = v.PublishedDate
	f.Modified = v.LastModifiedDate
	if v.Fingerprint != "" {
		f.Fingerprints = map[string]string{"trivy": v.Fingerprint}
	}

	p := &findings.Package{
		Name:      v.PkgName,
		Version:   v.InstalledVersion,
		Ecosystem: sc.res.Type,
	}
	if v.FixedVersion != "" {
		p.FixedVersions = strings.Split(v.FixedVersion, ", ")
	}
	var joined *pkg
	if v.PkgIdentifier != nil {
		p.PURL = v.PkgIdentifier.PURL
		if v.PkgIdentifier.UID != "" {
			joined = sc.pkgs["uid:"+v.PkgIdentifier.UID]
		}
	}
	if joined == nil && v.PkgID != "" {
		joined = sc.pkgs["id:"+v.PkgID]
	}
	if v.PkgPath != "" {
		p.Paths = []string{v.PkgPath}
	}
	if joined != nil {
		if p.PURL == "" {
			p.PURL = joined.Identifier.PURL
		}
		if len(p.Paths) == 0 && joined.FilePath != "" {
			p.Paths = []string{joined.FilePath}
		}
		switch {
		case joined.Relationship == "direct":
			p.Relationship = findings.RelationshipDirect
		case joined.Relationship == "indirect" || joined.Indirect:
			p.Relationship = findings.RelationshipTransitive
		}
		if joined.Dev {
			p.Scope = findings.ScopeDev
		}
		p.Licenses = joined.Licenses
	}
	if p.PURL == "" {
		p.PURL = buildPURL(sc.res.Type, v.PkgName, v.InstalledVersion)
	}
	f.Package = p

	if sc.isFile() {
		f.Location.Path = sc.res.Target
	}
	layerOf(&f, v.Layer)
	if v.Status != "" {
		f.Properties["status"] = v.Status
	}
	if v.DataSource != nil && v.DataSource.ID != "" {
		f.Properties["data_source"] = v.DataSource.ID
	}
	if len(v.VendorSeverity) > 0 {
		vs := make(map[string]any, len(v.VendorSeverity))
		for k, n := range v.VendorSeverity {
			vs[k] = n
		}
		f.Properties["vendor_severity"] = vs
	}
	finish(&f)
	return f, nil
}

// cvssList turns Trivy's CVSS map into entries, sources in name order and
// each source's v2, v3 and v4 assessments in that order.
func cvssList(m map[string]cvssEntry) []findings.CVSS {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []findings.CVSS
	for _, k := range keys {
		e := m[k]
		add := func(vector string, score *float64, version string) {
			if vector == "" && score == nil {
				return
			}
			if v := versionOf(vector); v != "" {
				version = v
			}
			out = append(out, findings.CVSS{Version: version, Vector: vector, Score: score, Source: k})
		}
		add(e.V2Vector, e.V2Score, "2.0")
		add(e.V3Vector, e.V3Score, "")
		add(e.V40Vector, e.V40Score, "4.0")
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

// severityFromCVSS derives the severity from a CVSS v3 or v4 base score
// when Trivy's own severity is UNKNOWN: the score of the severity source
// when it has one, else the first source in name order that has one.
func severityFromCVSS(f *findings.Finding, preferred string) {
	var pick *findings.CVSS
	for i := range f.CVSS {
		c := &f.CVSS[i]
		if c.Score == nil || !(strings.HasPrefix(c.Version, "3") || strings.HasPrefix(c.Version, "4")) {
			continue
		}
		if pick == nil || (c.Source == preferred && pick.Source != preferred) {
			pick = c
		}
	}
	if pick == nil {
		return
	}
	if s, ok := findings.SeverityFromScore(*pick.Score); ok {
		f.Severity = s
		f.SeveritySource = "cvss:" + pick.Version + ":" + pick.Source
	}
}

// purlTypes maps the Result Types whose packages have an unambiguous
// package URL to the purl type.
var purlTypes = map[string]string{
	"npm": packageurl.TypeNPM, "yarn": packageurl.TypeNPM, "pnpm": packageurl.TypeNPM, "node-pkg": packageurl.TypeNPM, "bun": packageurl.TypeNPM,
	"gomod": packageurl.TypeGolang, "gobinary": packageurl.TypeGolang,
	"cargo": packageurl.TypeCargo, "rustbinary": packageurl.TypeCargo,
	"pip": packageurl.TypePyPi, "pipenv": packageurl.TypePyPi, "poetry": packageurl.TypePyPi, "uv": packageurl.TypePyPi, "python-pkg": packageurl.TypePyPi,
	"bundler": packageurl.TypeGem, "gemspec": packageurl.TypeGem,
	"composer": packageurl.TypeComposer, "composer-vendor": packageurl.TypeComposer,
	"nuget": packageurl.TypeNuget, "dotnet-core": packageurl.TypeNuget, "packages-props": packageurl.TypeNuget,
	"jar": packageurl.TypeMaven, "pom": packageurl.TypeMaven, "gradle": packageurl.TypeMaven, "sbt": packageurl.TypeMaven,
}

// buildPURL builds a package URL for a language package when Trivy gave
// none (older reports); OS packages get none, since their purl needs the
// distribution and architecture.
func buildPURL(resultType, name, version string) string {
	typ, ok := purlTypes[resultType]
	if !ok || name == "" || version == "" {
		return ""
	}
	namespace := ""
	switch typ {
	case packageurl.TypeNPM, packageurl.TypeGolang, packageurl.TypeComposer:
		if i := strings.LastIndexByte(name, '/'); i > 0 {
			namespace, name = name[:i], name[i+1:]
		}
		if typ == packageurl.TypeNPM && namespace != "" && !strings.HasPrefix(namespace, "@") {
			return ""
		}
	case packageurl.TypeMaven:
		group, artifact, ok := strings.Cut(name, ":")
		if !ok || group == "" || artifact == "" || strings.Contains(artifact, ":") {
			return ""
		}
		namespace, name = group, artifact
	case packageurl.TypePyPi:
		name = strings.ReplaceAll(strings.ToLower(name), "_", "-")
	}
	return packageurl.NewPackageURL(typ, namespace, name, version, nil, "").ToString()
}

// snippetHash hashes the lines Trivy marked as the cause (all lines when
// none is marked).
func snippetHash(c code) string {
	var b strings.Builder
	cause := slices.ContainsFunc(c.Lines, func(l codeLine) bool { return l.IsCause })
	for _, l := range c.Lines {
		if cause && !l.IsCause {
			continue
		}
		b.WriteString(l.Content)
		b.WriteByte('\n')
	}
	return findings.HashSnippet(b.String())
}

func region(start, end int) *findings.Region {
	if start <= 0 && end <= 0 {
		return nil
	}
	return &findings.Region{StartLine: max(start, 0), EndLine: max(end, 0)}
}

// k8sName is "namespace/Kind/Name" of the result's Kubernetes resource.
func (sc *scope) k8sName() string {
	if sc.k8s == nil {
		return ""
	}
	var parts []string
	for _, s := range []string{sc.k8s.Namespace, sc.k8s.Kind, sc.k8s.Name} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

func (sc *scope) misconfiguration(m *misconfiguration, path string) (findings.Finding, error) {
	if m == nil {
		return findings.Finding{}, sc.invalid(path, "null misconfiguration")
	}
	if m.ID == "" && m.AVDID == "" {
		return findings.Finding{}, sc.invalid(path, "misconfiguration without ID")
	}
	f := sc.base(findings.KindIaC)
	f.RuleID = m.ID
	if f.RuleID == "" {
		f.RuleID = m.AVDID
	}
	f.Title = firstNonEmpty(m.Title, m.Message, f.RuleID)
	f.Description = m.Description
	severity(&f, m.Severity, "trivy:Severity")
	f.References = append([]string{m.PrimaryURL}, m.References...)
	cm := m.CauseMetadata
	if sc.isFile() {
		f.Location.Path = sc.res.Target
	}
	f.Location.Region = region(cm.StartLine, cm.EndLine)
	f.Location.SnippetHash = snippetHash(cm.Code)
	f.Location.LogicalLocation = firstNonEmpty(cm.Resource, sc.k8sName())
	layerOf(&f, m.Layer)
	for _, o := range cm.Occurrences {
		f.RelatedLocations = append(f.RelatedLocations, findings.Location{
			Path:            o.Filename,
			Region:          region(o.Location.StartLine, o.Location.EndLine),
			LogicalLocation: o.Resource,
		})
	}
	if strings.EqualFold(m.Status, "EXCEPTION") {
		f.Suppressions = []findings.Suppression{{Kind: "external", Justification: "Trivy policy exception"}}
	}
	for k, v := range map[string]string{
		"avd_id": m.AVDID, "message": m.Message, "resolution": m.Resolution, "provider": cm.Provider,
		"service": cm.Service, "check_type": m.Type, "rego_namespace": m.Namespace, "status": m.Status,
	} {
		if v != "" {
			f.Properties[k] = v
		}
	}
	finish(&f)
	return f, nil
}

func (sc *scope) secret(s *secret, path string) (findings.Finding, error) {
	if s == nil {
		return findings.Finding{}, sc.invalid(path, "null secret")
	}
	if s.RuleID == "" {
		return findings.Finding{}, sc.invalid(path, "secret without RuleID")
	}
	f := sc.base(findings.KindSecret)
	f.RuleID = s.RuleID
	f.Title = firstNonEmpty(s.Title, s.RuleID)
	severity(&f, s.Severity, "trivy:Severity")
	if sc.isFile() {
		f.Location.Path = sc.res.Target
	}
	f.Location.Region = region(s.StartLine, s.EndLine)
	// Trivy masks the secret in its code lines; the hash is of the masked
	// cause lines and holds nothing of the secret.
	f.Location.SnippetHash = snippetHash(s.Code)
	layerOf(&f, s.Layer)
	if s.Category != "" {
		f.Properties["category"] = s.Category
	}
	finish(&f)
	return f, nil
}

func (sc *scope) license(l *license, path string) (findings.Finding, error) {
	if l == nil {
		return findings.Finding{}, sc.invalid(path, "null license")
	}
	if l.Name == "" {
		return findings.Finding{}, sc.invalid(path, "license without Name")
	}
	f := sc.base(findings.KindLicense)
	f.RuleID = l.Name
	f.Title = "License " + l.Name
	if l.Category != "" {
		f.Title += " (" + l.Category + ")"
	}
	if where := firstNonEmpty(l.PkgName, l.FilePath); where != "" {
		f.Title += ": " + where
	}
	severity(&f, l.Severity, "trivy:Severity")
	if l.PkgName != "" {
		f.Package = &findings.Package{Name: l.PkgName, Licenses: []string{l.Name}}
	}
	f.Location.Path = l.FilePath
	layerOf(&f, l.Layer)
	f.References = []string{l.Link}
	if l.Category != "" {
		f.Properties["category"] = l.Category
	}
	if l.Confidence != nil {
		f.Properties["confidence"] = *l.Confidence
	}
	finish(&f)
	return f, nil
}

// vexStatuses are the ModifiedFinding statuses that come from a VEX
// document.
var vexStatuses = map[string]findings.VEXStatus{
	"not_affected":        findings.VEXNotAffected,
	"affected":            findings.VEXAffected,
	"fixed":               findings.VEXFixed,
	"under_investigation": findings.VEXUnderInvestigation,
}

// modified converts an ExperimentalModifiedFindings entry: the record it
// holds, with a suppression (ignore files) or a VEX analysis (VEX
// documents).
func (sc *scope) modified(m *modifiedFinding, path string) (findings.Finding, error) {
	if m == nil {
		return findings.Finding{}, sc.invalid(path, "null modified finding")
	}
	if len(m.Finding) == 0 || string(m.Finding) == "null" {
		return findings.Finding{}, sc.invalid(path, "modified finding without Finding")
	}
	fp := path + ".Finding"
	var (
		f   findings.Finding
		err error
	)
	decode := func(v any) error {
		if err := json.Unmarshal(m.Finding, v); err != nil {
			return sc.invalid(fp, "%v", err)
		}
		return nil
	}
	switch m.Type {
	case "vulnerability":
		var v vulnerability
		if err = decode(&v); err == nil {
			f, err = sc.vulnerability(&v, fp)
		}
	case "misconfiguration":
		var v misconfiguration
		if err = decode(&v); err == nil {
			f, err = sc.misconfiguration(&v, fp)
		}
	case "secret":
		var v secret
		if err = decode(&v); err == nil {
			f, err = sc.secret(&v, fp)
		}
	case "license":
		var v license
		if err = decode(&v); err == nil {
			f, err = sc.license(&v, fp)
		}
	default:
		return findings.Finding{}, sc.invalid(path, "unknown modified finding Type %q", m.Type)
	}
	if err != nil {
		return findings.Finding{}, err
	}
	if st, ok := vexStatuses[m.Status]; ok {
		f.VEX = &findings.VEXAnalysis{Status: st, Justification: m.Statement}
	} else {
		f.Suppressions = []findings.Suppression{{Kind: "external", Justification: m.Statement}}
	}
	if m.Status != "" {
		f.Properties["modified_status"] = m.Status
	}
	if m.Source != "" {
		f.Properties["modified_source"] = m.Source
	}
	return f, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
