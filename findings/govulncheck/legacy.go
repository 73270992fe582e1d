package govulncheck

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// The pre-1.0 result (golang.org/x/vuln/vulncheck.Result, written by
// `govulncheck -json` in 2022): the call graph, import graph and module
// graph, and Vulns that point into them by node ID.

type legacyPos struct {
	Filename string `json:"Filename"`
	Offset   int    `json:"Offset"`
	Line     int    `json:"Line"`
	Column   int    `json:"Column"`
}

type legacyCallSite struct {
	Parent   int        `json:"Parent"`
	Name     string     `json:"Name"`
	RecvType string     `json:"RecvType"`
	Pos      *legacyPos `json:"Pos"`
}

type legacyFunc struct {
	ID        int              `json:"ID"`
	Name      string           `json:"Name"`
	RecvType  string           `json:"RecvType"`
	PkgPath   string           `json:"PkgPath"`
	Pos       *legacyPos       `json:"Pos"`
	CallSites []legacyCallSite `json:"CallSites"`
}

type legacyCalls struct {
	Functions map[int]legacyFunc `json:"Functions"`
	Entries   []int              `json:"Entries"`
}

type legacyVuln struct {
	OSV         *osvEntry `json:"OSV"`
	Symbol      string    `json:"Symbol"`
	PkgPath     string    `json:"PkgPath"`
	ModPath     string    `json:"ModPath"`
	CallSink    int       `json:"CallSink"`
	ImportSink  int       `json:"ImportSink"`
	RequireSink int       `json:"RequireSink"`

	id string // OSV.ID, kept after OSV is dropped
}

type legacyModule struct {
	Path    string        `json:"Path"`
	Version string        `json:"Version"`
	Replace *legacyModule `json:"Replace"`
}

// legacy reads a pre-1.0 result whose opening brace and first key have
// been read. The document is read whole (bounded by MaxDocumentBytes):
// Vulns refer to the call graph, which may come before or after them.
func (d *decoder) legacy(key string) error {
	var (
		calls    legacyCalls
		modules  []legacyModule
		vulns    []legacyVuln
		sawVulns bool
		ok       = true
		err      error
	)
	for ok {
		switch key {
		case "Calls":
			if err := d.decode(&calls); err != nil {
				return d.fail(err, "Calls")
			}
		case "Modules":
			if err := d.decode(&modules); err != nil {
				return d.fail(err, "Modules")
			}
		case "Vulns":
			sawVulns = true
			if vulns, err = d.legacyVulns(); err != nil {
				return err
			}
		default:
			if err := jsonstream.SkipValue(d.dec); err != nil {
				return d.fail(err, key)
			}
		}
		if key, ok, err = d.key(""); err != nil {
			return err
		}
	}
	if err := d.end(); err != nil {
		return err
	}
	if !sawVulns {
		return &findings.DecodeError{
			File: d.opts.Name, Format: Format, Offset: -1,
			Err: fmt.Errorf(`%w: a pre-1.0 govulncheck result without "Vulns"`, findings.ErrInvalid),
		}
	}
	return d.emitLegacy(calls, modules, vulns)
}

// legacyVulns reads the Vulns array, keeping an advisory per OSV id and
// each entry without its OSV record.
func (d *decoder) legacyVulns() ([]legacyVuln, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, d.fail(err, "Vulns")
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, d.invalid("Vulns", "expected an array, found %s", jsonstream.Describe(tok))
	}
	var out []legacyVuln
	for i := 0; d.dec.More(); i++ {
		path := fmt.Sprintf("Vulns[%d]", i)
		var v legacyVuln
		if err := d.decode(&v); err != nil {
			return nil, d.fail(err, path)
		}
		if v.OSV == nil || v.OSV.ID == "" {
			return nil, d.invalid(path, "vulnerability without an OSV record id")
		}
		if v.ModPath == "" {
			return nil, d.invalid(path, "vulnerability without a ModPath")
		}
		if _, seen := d.osvs[v.OSV.ID]; !seen {
			d.osvs[v.OSV.ID] = newAdvisory(v.OSV)
		}
		v.id, v.OSV = v.OSV.ID, nil // the record itself is kept once, in d.osvs
		out = append(out, v)
	}
	if _, err := d.dec.Token(); err != nil {
		return nil, d.fail(err, "Vulns")
	}
	return out, nil
}

func (d *decoder) emitLegacy(calls legacyCalls, modules []legacyModule, vulns []legacyVuln) error {
	version := map[string]string{}
	mainModule := ""
	for _, m := range modules {
		version[m.Path] = m.Version
		if m.Version == "" && m.Replace == nil && mainModule == "" && m.Path != "stdlib" {
			mainModule = m.Path
		}
	}
	type legacyGroup struct {
		osv, module string
		entries     []legacyVuln
	}
	var groups []*legacyGroup
	idx := map[[2]string]int{}
	for _, v := range vulns {
		k := [2]string{v.id, v.ModPath}
		i, ok := idx[k]
		if !ok {
			i = len(groups)
			idx[k] = i
			groups = append(groups, &legacyGroup{osv: v.id, module: v.ModPath})
		}
		groups[i].entries = append(groups[i].entries, v)
	}
	tool := findings.Tool{Name: defaultToolName}
	for _, gr := range groups {
		f := d.base(tool, gr.osv, gr.module, version[gr.module])
		var symbols, packages []string
		called := false
		for _, e := range gr.entries {
			if e.CallSink != 0 {
				called = true
				symbols = appendNew(symbols, e.PkgPath+"."+e.Symbol)
			}
			if e.ImportSink != 0 && e.PkgPath != "" {
				packages = appendNew(packages, e.PkgPath)
			}
		}
		switch {
		case called:
			f.Reachability = findings.Reachable
		case len(calls.Functions) > 0:
			f.Reachability = findings.Unreachable
		default:
			f.Reachability = findings.ReachabilityUnknown
		}
		if a := d.osvs[gr.osv]; a != nil {
			f.Package.FixedVersions = a.fixed[gr.module]
		}
		f.Location = legacyLocation(calls, gr.entries, mainModule)
		if len(symbols) > 0 {
			f.Properties["symbols"] = symbols
		}
		if len(packages) > 0 {
			f.Properties["packages"] = packages
		}
		if err := d.em.Finding(f); err != nil {
			return handlerError{err}
		}
	}
	return nil
}

// legacyLocation picks the call of a vulnerable function from the main
// module when there is one (the exit point from the user's code), else the
// first call site with a position; its caller is the logical location.
func legacyLocation(calls legacyCalls, entries []legacyVuln, mainModule string) findings.Location {
	var first *findings.Location
	for _, e := range entries {
		if e.CallSink == 0 {
			continue
		}
		sink, ok := calls.Functions[e.CallSink]
		if !ok {
			continue
		}
		for _, cs := range sink.CallSites {
			if cs.Pos == nil || cs.Pos.Filename == "" {
				continue
			}
			loc := findings.Location{Path: cs.Pos.Filename}
			if cs.Pos.Line > 0 {
				loc.Region = &findings.Region{StartLine: cs.Pos.Line, StartColumn: max(cs.Pos.Column, 0)}
			}
			parent, ok := calls.Functions[cs.Parent]
			if ok {
				loc.LogicalLocation = legacyQualified(parent)
			}
			if ok && mainModule != "" && (parent.PkgPath == mainModule || strings.HasPrefix(parent.PkgPath, mainModule+"/")) {
				return loc
			}
			if first == nil {
				first = &loc
			}
		}
	}
	if first != nil {
		return *first
	}
	return findings.Location{}
}

// legacyQualified spells a call-graph function: "pkg.Func",
// "pkg.Recv.Method" or "(*pkg.Recv).Method" (RecvType is package
// qualified in this format).
func legacyQualified(fn legacyFunc) string {
	if fn.RecvType == "" {
		if fn.PkgPath == "" {
			return fn.Name
		}
		return fn.PkgPath + "." + fn.Name
	}
	if strings.HasPrefix(fn.RecvType, "*") {
		return "(" + fn.RecvType + ")." + fn.Name
	}
	return fn.RecvType + "." + fn.Name
}
