package compliance

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ControlsPackage is the package under which every control lives: a
// control is a Rego package data.aspm.controls.<name>.
const ControlsPackage = "data.aspm.controls"

// Control is one entry of the control catalog, read from the METADATA
// annotation of its Rego package. A Control is a plain value, safe for
// concurrent use.
type Control struct {
	// ID is the control's stable id from custom.id, like "ASPM-VM-01".
	ID string `json:"id"`
	// Title and Description come from the annotation's title and
	// description.
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Severity is custom.severity: critical, high, medium, low or info;
	// empty when the annotation gives none.
	Severity string `json:"severity,omitempty"`
	// Gate says whether a failure of this control fails the gate: the
	// annotation's custom.gate unless [Options.Gate] overrides it.
	Gate bool `json:"gate"`
	// Mappings are the framework requirements the control supports, from
	// custom.frameworks, sorted by framework and requirement.
	Mappings []Mapping `json:"mappings"`
	// Package is the Rego package that decides the control, like
	// "data.aspm.controls.vm_sla".
	Package string `json:"package"`
	// File and Row locate the package annotation.
	File string `json:"file,omitempty"`
	Row  int    `json:"row,omitempty"`

	// rules present in the package: "applicable", "violations", "evidence".
	hasApplicable, hasEvidence bool
	ref                        ast.Ref
}

// Mapping ties a control to one requirement of a framework. It is a plain
// value, safe for concurrent use.
type Mapping struct {
	// Framework is the framework's short name, like "pci-dss-4".
	Framework string `json:"framework"`
	// Requirement is the requirement's id in that framework, like "6.3.3".
	Requirement string `json:"requirement"`
}

var severities = []string{"critical", "high", "medium", "low", "info"}

// controlRules are the rule names a control package may define that the
// engine reads.
const (
	ruleApplicable = "applicable"
	ruleViolations = "violations"
	ruleEvidence   = "evidence"
)

// catalog reads the controls of compiled modules: every package under
// data.aspm.controls with a package-scope METADATA annotation carrying
// custom.id. Problems come back as [*PolicyError] values.
func catalog(modules map[string]*ast.Module, fs *frameworkSet) ([]Control, []error) {
	type pkgInfo struct {
		ref     ast.Ref
		rules   map[string]bool
		files   []string
		annots  []*ast.Annotations
		annFile []string
	}
	prefix := ast.MustParseRef(ControlsPackage)
	pkgs := map[string]*pkgInfo{}
	names := make([]string, 0, len(modules))
	for n := range modules {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		m := modules[name]
		path := m.Package.Path
		if len(path) <= len(prefix) || !path.HasPrefix(prefix) {
			continue
		}
		key := path.String()
		p := pkgs[key]
		if p == nil {
			p = &pkgInfo{ref: path.Copy(), rules: map[string]bool{}}
			pkgs[key] = p
		}
		p.files = append(p.files, name)
		for _, r := range m.Rules {
			if v, ok := r.Head.Ref()[0].Value.(ast.Var); ok {
				p.rules[string(v)] = true
			}
		}
		for _, a := range m.Annotations {
			if a.Scope == "package" || a.Scope == "subpackages" {
				p.annots = append(p.annots, a)
				p.annFile = append(p.annFile, name)
			}
		}
	}
	keys := make([]string, 0, len(pkgs))
	for k := range pkgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var (
		out  []Control
		errs []error
		ids  = map[string]string{}
	)
	for _, key := range keys {
		p := pkgs[key]
		var withID []int
		for i, a := range p.annots {
			if a.Scope == "package" && a.Custom != nil && a.Custom["id"] != nil {
				withID = append(withID, i)
			}
		}
		switch {
		case len(withID) == 0 && p.rules[ruleViolations]:
			errs = append(errs, &PolicyError{File: p.files[0], Package: key, Field: "custom.id",
				Message: "the package defines violations but no METADATA annotation with custom.id; annotate it (scope package) to make it a control"})
			continue
		case len(withID) == 0:
			continue // a library package
		case len(withID) > 1:
			a := p.annots[withID[1]]
			errs = append(errs, &PolicyError{File: p.annFile[withID[1]], Row: a.Location.Row, Col: a.Location.Col, Package: key,
				Field: "custom.id", Message: "a second package annotation with custom.id for the same package"})
			continue
		}
		a := p.annots[withID[0]]
		c, err := controlFromAnnotation(a, p.annFile[withID[0]], key, fs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !p.rules[ruleViolations] {
			errs = append(errs, &PolicyError{File: c.File, Row: c.Row, Package: key, Control: c.ID, Field: ruleViolations,
				Message: "a control package must define a violations rule (a set of {\"msg\": ..., \"evidence\": [...]})"})
			continue
		}
		if prev, dup := ids[c.ID]; dup {
			errs = append(errs, &PolicyError{File: c.File, Row: c.Row, Package: key, Control: c.ID, Field: "custom.id",
				Message: "control id already used by " + prev})
			continue
		}
		ids[c.ID] = key
		c.ref = p.ref
		c.hasApplicable = p.rules[ruleApplicable]
		c.hasEvidence = p.rules[ruleEvidence]
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Control) int { return naturalCompare(a.ID, b.ID) })
	return out, errs
}

// controlFromAnnotation validates one control annotation.
func controlFromAnnotation(a *ast.Annotations, file, pkg string, fs *frameworkSet) (Control, error) {
	c := Control{Title: strings.TrimSpace(a.Title), Description: strings.TrimSpace(a.Description), Package: pkg, File: file, Mappings: []Mapping{}}
	if a.Location != nil {
		c.Row = a.Location.Row
		if a.Location.File != "" {
			c.File = a.Location.File
		}
	}
	bad := func(field, format string, args ...any) error {
		return &PolicyError{File: c.File, Row: c.Row, Package: pkg, Control: c.ID, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	id, ok := a.Custom["id"].(string)
	if !ok || !validID(id) {
		return Control{}, bad("custom.id", "the id must be a string of letters, digits, '.', '_' and '-', starting with a letter (got %v)", a.Custom["id"])
	}
	c.ID = id
	if c.Title == "" {
		return Control{}, bad("title", "a control needs a title")
	}
	if g, present := a.Custom["gate"]; present {
		b, ok := g.(bool)
		if !ok {
			return Control{}, bad("custom.gate", "gate must be true or false (got %v)", g)
		}
		c.Gate = b
	}
	if s, present := a.Custom["severity"]; present {
		str, ok := s.(string)
		if !ok || !slices.Contains(severities, str) {
			return Control{}, bad("custom.severity", "severity must be one of %s (got %v)", strings.Join(severities, ", "), s)
		}
		c.Severity = str
	}
	if f, present := a.Custom["frameworks"]; present {
		m, ok := f.(map[string]any)
		if !ok {
			return Control{}, bad("custom.frameworks", "frameworks must map framework names to lists of requirement ids")
		}
		for name, v := range m {
			field := "custom.frameworks." + name
			fw, known := fs.byName[name]
			if !known {
				return Control{}, bad(field, "unknown framework %q (known: %s)", name, fs.names())
			}
			var reqs []any
			switch v := v.(type) {
			case []any:
				reqs = v
			case string:
				reqs = []any{v}
			default:
				return Control{}, bad(field, "requirements must be a list of strings (got %v)", v)
			}
			for _, r := range reqs {
				s, ok := r.(string)
				s = strings.TrimSpace(s)
				if !ok || s == "" {
					return Control{}, bad(field, "requirement %v is not a string: quote it (\"6.3\" rather than 6.3)", r)
				}
				if re := fs.patterns[name]; re != nil && !re.MatchString(s) {
					return Control{}, bad(field, "%q is not a %s requirement id (expected %s)", s, fw.Title, fw.RequirementPattern)
				}
				mp := Mapping{Framework: name, Requirement: s}
				if !slices.Contains(c.Mappings, mp) {
					c.Mappings = append(c.Mappings, mp)
				}
			}
		}
		sortMappings(c.Mappings)
	}
	return c, nil
}

func sortMappings(m []Mapping) {
	slices.SortFunc(m, func(a, b Mapping) int {
		return cmp.Or(strings.Compare(a.Framework, b.Framework), naturalCompare(a.Requirement, b.Requirement))
	})
}

func validID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case (r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') && i > 0:
		default:
			return false
		}
	}
	return true
}
