package depcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// text is a JSON scalar read as text (Dependency-Check writes scores as
// numbers or strings, flags as strings or booleans). An object or array is
// a type error.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case 'n':
		*t = ""
	case '{':
		return &json.UnmarshalTypeError{Value: "object", Type: reflect.TypeFor[string]()}
	case '[':
		return &json.UnmarshalTypeError{Value: "array", Type: reflect.TypeFor[string]()}
	default:
		*t = text(b)
	}
	return nil
}

func (t text) trim() string { return strings.TrimSpace(string(t)) }

type jsonID struct {
	ID         text `json:"id"`
	Confidence text `json:"confidence"`
	URL        text `json:"url"`
}

type jsonRelated struct {
	IsVirtual  text      `json:"isVirtual"`
	FileName   text      `json:"fileName"`
	FilePath   text      `json:"filePath"`
	PackageIDs []*jsonID `json:"packageIds"`
}

type jsonCVSS2 struct {
	Score                 text `json:"score"`
	AccessVector          text `json:"accessVector"`
	AccessComplexity      text `json:"accessComplexity"`
	Authenticationr       text `json:"authenticationr"`
	AuthenticationrQuirk  text `json:"authenticationr>"`
	Authentication        text `json:"authentication"`
	ConfidentialImpact    text `json:"confidentialImpact"`
	ConfidentialityImpact text `json:"confidentialityImpact"`
	IntegrityImpact       text `json:"integrityImpact"`
	AvailabilityImpact    text `json:"availabilityImpact"`
	Severity              text `json:"severity"`
	Version               text `json:"version"`
}

type jsonCVSS3 struct {
	BaseScore             text `json:"baseScore"`
	AttackVector          text `json:"attackVector"`
	AttackComplexity      text `json:"attackComplexity"`
	PrivilegesRequired    text `json:"privilegesRequired"`
	UserInteraction       text `json:"userInteraction"`
	Scope                 text `json:"scope"`
	ConfidentialityImpact text `json:"confidentialityImpact"`
	IntegrityImpact       text `json:"integrityImpact"`
	AvailabilityImpact    text `json:"availabilityImpact"`
	BaseSeverity          text `json:"baseSeverity"`
	BaseSeverityQuirk     text `json:"baseSeverity>"`
	Version               text `json:"version"`
}

type jsonCVSS4 struct {
	Source       text `json:"source"`
	Version      text `json:"version"`
	VectorString text `json:"vectorString"`
	BaseScore    text `json:"baseScore"`
	BaseSeverity text `json:"baseSeverity"`
}

type jsonSoftware struct {
	Software *struct {
		ID                     text `json:"id"`
		VulnerabilityIDMatched text `json:"vulnerabilityIdMatched"`
		VersionStartIncluding  text `json:"versionStartIncluding"`
		VersionStartExcluding  text `json:"versionStartExcluding"`
		VersionEndIncluding    text `json:"versionEndIncluding"`
		VersionEndExcluding    text `json:"versionEndExcluding"`
	} `json:"software"`
}

type jsonVuln struct {
	Source      text       `json:"source"`
	Name        text       `json:"name"`
	Severity    text       `json:"severity"`
	Unscored    text       `json:"unscored"`
	CVSSv2      *jsonCVSS2 `json:"cvssv2"`
	CVSSv3      *jsonCVSS3 `json:"cvssv3"`
	CVSSv4      *jsonCVSS4 `json:"cvssv4"`
	CWEs        []text     `json:"cwes"`
	Description text       `json:"description"`
	Notes       text       `json:"notes"`
	References  []*struct {
		Source text `json:"source"`
		URL    text `json:"url"`
		Name   text `json:"name"`
	} `json:"references"`
	VulnerableSoftware []*jsonSoftware `json:"vulnerableSoftware"`
	KnownExploited     *struct {
		DateAdded text `json:"DateAdded"`
	} `json:"knownExploitedVulnerability"`
}

type jsonDependency struct {
	IsVirtual                 text           `json:"isVirtual"`
	FileName                  text           `json:"fileName"`
	FilePath                  text           `json:"filePath"`
	SHA1                      text           `json:"sha1"`
	SHA256                    text           `json:"sha256"`
	License                   text           `json:"license"`
	ProjectReferences         []text         `json:"projectReferences"`
	RelatedDependencies       []*jsonRelated `json:"relatedDependencies"`
	Packages                  []*jsonID      `json:"packages"`
	VulnerabilityIDs          []*jsonID      `json:"vulnerabilityIds"`
	Vulnerabilities           []*jsonVuln    `json:"vulnerabilities"`
	SuppressedVulnerabilities []*jsonVuln    `json:"suppressedVulnerabilities"`
}

type jsonDecoder struct {
	g    *jsonstream.Reader
	dec  *json.Decoder
	em   *findings.Emitter
	file string
	rep  report
}

func decodeJSON(r io.Reader, opts findings.DecodeOptions, em *findings.Emitter) error {
	g := jsonstream.NewReader(r, opts.Limits)
	d := &jsonDecoder{g: g, dec: json.NewDecoder(g), em: em, file: opts.Name}
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, "")
	}
	if tok != json.Delim('{') {
		return d.errorf(d.offset(), "", findings.ErrInvalid, "a Dependency-Check JSON report is an object, not %s", jsonstream.Describe(tok))
	}
	known := false
	for d.dec.More() {
		key, err := d.key("")
		if err != nil {
			return err
		}
		switch key {
		case "reportSchema":
			known = true
			if err := d.skip(key); err != nil {
				return err
			}
		case "scanInfo":
			known = true
			var si *struct {
				EngineVersion text `json:"engineVersion"`
			}
			if err := d.decode(&si, key); err != nil {
				return err
			}
			if si != nil {
				d.rep.engineVersion = si.EngineVersion.trim()
			}
		case "projectInfo":
			var pi *struct {
				Name text `json:"name"`
			}
			if err := d.decode(&pi, key); err != nil {
				return err
			}
			if pi != nil {
				d.rep.project = pi.Name.trim()
			}
		case "dependencies":
			known = true
			if err := d.dependencies(); err != nil {
				return err
			}
		default:
			if err := d.skip(key); err != nil {
				return err
			}
		}
	}
	if _, err := d.dec.Token(); err != nil { // '}'
		return d.fail(err, "")
	}
	if !known {
		return d.errorf(0, "", findings.ErrUnsupportedFormat, "not a Dependency-Check report: no reportSchema, scanInfo or dependencies")
	}
	if _, err := d.dec.Token(); err != io.EOF {
		if err != nil {
			return d.fail(err, "")
		}
		return d.errorf(d.offset(), "", findings.ErrSyntax, "data after the report object")
	}
	return nil
}

// dependencies reads the "dependencies" array, one dependency at a time.
func (d *jsonDecoder) dependencies() error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, "dependencies")
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return d.errorf(d.offset(), "dependencies", findings.ErrInvalid, "dependencies is an array, not %s", jsonstream.Describe(tok))
	}
	for i := 0; d.dec.More(); i++ {
		path := fmt.Sprintf("dependencies[%d]", i)
		start := d.offset()
		var jd *jsonDependency
		if err := d.decode(&jd, path); err != nil {
			return err
		}
		if jd == nil {
			return d.errorf(start, path, findings.ErrInvalid, "dependency is null")
		}
		dep, iv := dependencyFromJSON(jd)
		if iv == nil {
			if err := emitDependency(d.em, d.rep, dep); err != nil {
				if !asInvalid(err, &iv) {
					return err
				}
			}
		}
		if iv != nil {
			return d.errorf(start, path+"."+iv.field, findings.ErrInvalid, "%s", iv.msg)
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, "dependencies")
	}
	return nil
}

func dependencyFromJSON(j *jsonDependency) (*dependency, *invalid) {
	d := &dependency{
		fileName: j.FileName.trim(),
		filePath: j.FilePath.trim(),
		sha1:     j.SHA1.trim(),
		sha256:   j.SHA256.trim(),
		virtual:  isTrue(string(j.IsVirtual)),
		license:  j.License.trim(),
	}
	for _, r := range j.ProjectReferences {
		if t := r.trim(); t != "" {
			d.projectRefs = append(d.projectRefs, t)
		}
	}
	for i, r := range j.RelatedDependencies {
		if r == nil {
			return nil, &invalid{fmt.Sprintf("relatedDependencies[%d]", i), "related dependency is null"}
		}
		rel := related{fileName: r.FileName.trim(), filePath: r.FilePath.trim()}
		for _, id := range r.PackageIDs {
			if id != nil && id.ID.trim() != "" {
				rel.purls = append(rel.purls, id.ID.trim())
			}
		}
		d.related = append(d.related, rel)
	}
	for _, id := range j.Packages {
		if id != nil && id.ID.trim() != "" {
			d.packages = append(d.packages, id.ID.trim())
		}
	}
	for _, id := range j.VulnerabilityIDs {
		if id != nil && id.ID.trim() != "" {
			d.cpes = append(d.cpes, id.ID.trim())
		}
	}
	for _, list := range []struct {
		name       string
		vulns      []*jsonVuln
		suppressed bool
	}{{"vulnerabilities", j.Vulnerabilities, false}, {"suppressedVulnerabilities", j.SuppressedVulnerabilities, true}} {
		for i, jv := range list.vulns {
			if jv == nil {
				return nil, &invalid{fmt.Sprintf("%s[%d]", list.name, i), "vulnerability is null"}
			}
			v := vulnFromJSON(jv, list.suppressed)
			v.path = fmt.Sprintf("%s[%d]", list.name, i)
			d.vulns = append(d.vulns, v)
		}
	}
	return d, nil
}

func vulnFromJSON(j *jsonVuln, suppressed bool) vuln {
	v := vuln{
		suppressed:  suppressed,
		source:      j.Source.trim(),
		name:        j.Name.trim(),
		severity:    j.Severity.trim(),
		unscored:    isTrue(string(j.Unscored)),
		description: j.Description.trim(),
		notes:       j.Notes.trim(),
	}
	if c := j.CVSSv2; c != nil {
		v.v2 = &cvss2{
			score: c.Score.trim(), av: c.AccessVector.trim(), ac: c.AccessComplexity.trim(),
			au: first(c.Authenticationr.trim(), c.AuthenticationrQuirk.trim(), c.Authentication.trim()),
			c:  first(c.ConfidentialImpact.trim(), c.ConfidentialityImpact.trim()),
			i:  c.IntegrityImpact.trim(), a: c.AvailabilityImpact.trim(),
			severity: c.Severity.trim(), version: c.Version.trim(),
		}
	}
	if c := j.CVSSv3; c != nil {
		v.v3 = &cvss3{
			score: c.BaseScore.trim(), av: c.AttackVector.trim(), ac: c.AttackComplexity.trim(),
			pr: c.PrivilegesRequired.trim(), ui: c.UserInteraction.trim(), s: c.Scope.trim(),
			c: c.ConfidentialityImpact.trim(), i: c.IntegrityImpact.trim(), a: c.AvailabilityImpact.trim(),
			severity: first(c.BaseSeverity.trim(), c.BaseSeverityQuirk.trim()), version: c.Version.trim(),
		}
	}
	if c := j.CVSSv4; c != nil {
		v.v4 = &cvss4{score: c.BaseScore.trim(), vector: c.VectorString.trim(), severity: c.BaseSeverity.trim(),
			version: c.Version.trim(), source: c.Source.trim()}
	}
	for _, c := range j.CWEs {
		if t := c.trim(); t != "" {
			v.cwes = append(v.cwes, t)
		}
	}
	for _, r := range j.References {
		if r != nil && r.URL.trim() != "" {
			v.refs = append(v.refs, r.URL.trim())
		}
	}
	for _, s := range j.VulnerableSoftware {
		if s == nil || s.Software == nil {
			continue
		}
		v.softwareCount++
		sw := s.Software
		if v.matched == nil && isTrue(string(sw.VulnerabilityIDMatched)) {
			v.matched = &software{
				id:        sw.ID.trim(),
				startIncl: sw.VersionStartIncluding.trim(), startExcl: sw.VersionStartExcluding.trim(),
				endIncl: sw.VersionEndIncluding.trim(), endExcl: sw.VersionEndExcluding.trim(),
			}
		}
	}
	if j.KnownExploited != nil {
		v.knownExploited = true
		v.kevDateAdded = j.KnownExploited.DateAdded.trim()
	}
	return v
}

// decode decodes one value into v, converting errors.
func (d *jsonDecoder) decode(v any, path string) error {
	start := d.dec.InputOffset()
	if err := d.dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Offset == 0 {
			te.Offset = start
		}
		return d.fail(err, path)
	}
	return nil
}

// key reads an object key.
func (d *jsonDecoder) key(path string) (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", d.fail(err, path)
	}
	k, ok := tok.(string)
	if !ok {
		return "", d.errorf(d.offset(), path, findings.ErrSyntax, "object key expected")
	}
	return k, nil
}

// skip consumes one value of any type.
func (d *jsonDecoder) skip(path string) error {
	if err := jsonstream.SkipValue(d.dec); err != nil {
		return d.fail(err, path)
	}
	return nil
}

func (d *jsonDecoder) offset() int64 { return d.dec.InputOffset() + d.g.BOMLen() }

func (d *jsonDecoder) fail(err error, path string) error {
	return jsonstream.Error(err, d.g, d.dec, d.file, Format, path)
}

func (d *jsonDecoder) errorf(offset int64, path string, sentinel error, format string, args ...any) error {
	return &findings.DecodeError{File: d.file, Format: Format, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}
