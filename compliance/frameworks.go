package compliance

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Framework describes a compliance framework whose requirements controls
// map to. A Framework is a plain value, safe for concurrent use.
type Framework struct {
	// Name is the short name used in control annotations and on the
	// command line, like "pci-dss-4".
	Name string `json:"name"`
	// Title is the framework's display name.
	Title string `json:"title"`
	// Version is the framework version the mappings cite.
	Version string `json:"version"`
	// RequirementPattern, when not empty, is a regular expression (RE2,
	// anchored by the engine) every requirement id mapped to this framework
	// must match, to catch typos in annotations.
	RequirementPattern string `json:"-"`
}

// Framework short names of the built-in catalog.
const (
	FrameworkASVS     = "asvs"
	FrameworkSSDF     = "ssdf"
	FrameworkPCIDSS4  = "pci-dss-4"
	FrameworkSOC2     = "soc2"
	FrameworkISO27001 = "iso27001"
)

var knownFrameworks = []Framework{
	{
		Name:               FrameworkASVS,
		Title:              "OWASP Application Security Verification Standard",
		Version:            "4.0.3",
		RequirementPattern: `V[0-9]+\.[0-9]+\.[0-9]+`,
	},
	{
		Name:               FrameworkISO27001,
		Title:              "ISO/IEC 27001:2022 Annex A",
		Version:            "2022",
		RequirementPattern: `A\.[5-8]\.[0-9]+`,
	},
	{
		Name:               FrameworkPCIDSS4,
		Title:              "Payment Card Industry Data Security Standard",
		Version:            "4.0",
		RequirementPattern: `(1[0-2]|[1-9])(\.[0-9]+){1,3}`,
	},
	{
		Name:               FrameworkSOC2,
		Title:              "SOC 2 Trust Services Criteria",
		Version:            "2017 (revised 2022)",
		RequirementPattern: `(CC|A|C|PI|P)[0-9]+\.[0-9]+`,
	},
	{
		Name:               FrameworkSSDF,
		Title:              "NIST SP 800-218 Secure Software Development Framework",
		Version:            "1.1",
		RequirementPattern: `(PO|PS|PW|RV)\.[0-9]+(\.[0-9]+)?`,
	},
}

// Frameworks returns the frameworks aspm knows, sorted by name: asvs,
// iso27001, pci-dss-4, soc2, ssdf. [Options.Frameworks] adds others.
func Frameworks() []Framework { return slices.Clone(knownFrameworks) }

// frameworkSet indexes frameworks by name with compiled patterns.
type frameworkSet struct {
	byName   map[string]Framework
	patterns map[string]*regexp.Regexp
}

var builtinFrameworks = sync.OnceValues(func() (*frameworkSet, error) { return newFrameworkSet(nil) })

func newFrameworkSet(extra []Framework) (*frameworkSet, error) {
	fs := &frameworkSet{byName: map[string]Framework{}, patterns: map[string]*regexp.Regexp{}}
	for i, f := range append(slices.Clone(knownFrameworks), extra...) {
		if !validName(f.Name) {
			return nil, fmt.Errorf("%w: framework name %q: use lower-case letters, digits, '.', '_' and '-'", ErrFramework, f.Name)
		}
		if _, dup := fs.byName[f.Name]; dup && i >= len(knownFrameworks) {
			return nil, fmt.Errorf("%w: framework %q is defined twice", ErrFramework, f.Name)
		}
		if f.Title == "" {
			f.Title = f.Name
		}
		fs.byName[f.Name] = f
		if f.RequirementPattern != "" {
			re, err := regexp.Compile(`\A(?:` + f.RequirementPattern + `)\z`)
			if err != nil {
				return nil, fmt.Errorf("%w: framework %q: requirement pattern: %v", ErrFramework, f.Name, err)
			}
			fs.patterns[f.Name] = re
		}
	}
	return fs, nil
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '-' || r == '_' || r == '.') && i > 0:
		default:
			return false
		}
	}
	return true
}

func (fs *frameworkSet) names() string {
	names := make([]string, 0, len(fs.byName))
	for n := range fs.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// FrameworkResult sums up the controls mapped to one framework. It is a
// plain value: safe to read concurrently.
type FrameworkResult struct {
	// Name, Title and Version identify the framework.
	Name    string `json:"name"`
	Title   string `json:"title"`
	Version string `json:"version"`
	// Requirements counts the distinct requirements the controls map to.
	Requirements int `json:"requirements"`
	// Covered counts the requirements with at least one control that was
	// applicable (status pass, fail or error).
	Covered int `json:"covered"`
	// Passed counts covered requirements whose applicable controls all
	// passed.
	Passed int `json:"passed"`
	// Failed counts covered requirements with a failing or erroring control.
	Failed int `json:"failed"`
	// PassRate is Passed/Covered rounded to four decimals; 0 when nothing
	// is covered.
	PassRate float64 `json:"pass_rate"`
	// Results are the requirements, in natural order of their ids (6.3.3
	// before 11.3.1).
	Results []RequirementResult `json:"results"`
}

// RequirementResult is the status of one framework requirement, derived
// from the controls mapped to it: fail when one fails, else error when one
// errs, else pass when one passes, else not_applicable. It is a plain
// value: safe to read concurrently.
type RequirementResult struct {
	// ID is the requirement's id in its framework, like "6.3.3".
	ID string `json:"id"`
	// Status is the requirement's derived status.
	Status Status `json:"status"`
	// Controls are the ids of the controls mapped to it, sorted.
	Controls []string `json:"controls"`
}

// frameworkResults aggregates results per framework, for every framework
// at least one control maps to, sorted by name.
func frameworkResults(results []Result, fs *frameworkSet) []FrameworkResult {
	type req struct {
		controls []string
		statuses []Status
	}
	per := map[string]map[string]*req{}
	for _, r := range results {
		for _, m := range r.Mappings {
			reqs := per[m.Framework]
			if reqs == nil {
				reqs = map[string]*req{}
				per[m.Framework] = reqs
			}
			rq := reqs[m.Requirement]
			if rq == nil {
				rq = &req{}
				reqs[m.Requirement] = rq
			}
			if !slices.Contains(rq.controls, r.ID) {
				rq.controls = append(rq.controls, r.ID)
				rq.statuses = append(rq.statuses, r.Status)
			}
		}
	}
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]FrameworkResult, 0, len(names))
	for _, name := range names {
		f := fs.byName[name]
		fr := FrameworkResult{Name: name, Title: f.Title, Version: f.Version, Results: []RequirementResult{}}
		if fr.Title == "" {
			fr.Title = name
		}
		for id, rq := range per[name] {
			st := requirementStatus(rq.statuses)
			controls := slices.Clone(rq.controls)
			slices.Sort(controls)
			fr.Results = append(fr.Results, RequirementResult{ID: id, Status: st, Controls: controls})
			fr.Requirements++
			switch st {
			case StatusPass:
				fr.Covered++
				fr.Passed++
			case StatusFail, StatusError:
				fr.Covered++
				fr.Failed++
			}
		}
		slices.SortFunc(fr.Results, func(a, b RequirementResult) int { return naturalCompare(a.ID, b.ID) })
		if fr.Covered > 0 {
			fr.PassRate = math.Round(float64(fr.Passed)/float64(fr.Covered)*10000) / 10000
		}
		out = append(out, fr)
	}
	return out
}

func requirementStatus(st []Status) Status {
	switch {
	case slices.Contains(st, StatusFail):
		return StatusFail
	case slices.Contains(st, StatusError):
		return StatusError
	case slices.Contains(st, StatusPass):
		return StatusPass
	default:
		return StatusNotApplicable
	}
}

// naturalCompare orders strings with their digit runs compared as numbers:
// "6.3.3" < "11.3.1", "V2.10.4" > "V2.9.1". Ties fall back to plain order.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
		i++
		j++
	}
	if c := cmp.Compare(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
