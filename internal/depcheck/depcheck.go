// Package depcheck keeps heavy dependencies out of the packages that must
// stay light. Its test lists the real dependency graph with `go list` and
// fails when a light package (findings, risk, inventory, the access
// analyzers) reaches OPA or a database driver, or when findings reaches
// another top-level aspm package.
package depcheck

import (
	"fmt"
	"sort"
	"strings"
)

// Module is aspm's module path.
const Module = "github.com/aspmkit/aspm"

// Rule forbids packages under a root (the root and its subpackages, minus
// exceptions) from depending, directly or not, on any package whose import
// path has one of the forbidden prefixes.
type Rule struct {
	// Root is a package import path; the rule covers it and everything
	// below it.
	Root string
	// Except lists subtrees of Root the rule does not cover (for example
	// access/decide, which runs on the OPA sandbox by design).
	Except []string
	// Forbidden lists import path prefixes that must not be reached.
	Forbidden []string
	// Why explains the rule in failure messages.
	Why string
}

// Heavy lists what light packages must never pull in: the OPA engine and
// database drivers (and database/sql itself, whose presence means one).
var Heavy = []string{
	"github.com/open-policy-agent/opa",
	"database/sql",
	"modernc.org/sqlite",
	"github.com/mattn/go-sqlite3",
	"github.com/glebarez/sqlite",
	"github.com/ncruces/go-sqlite3",
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"gorm.io",
}

// Rules are aspm's import rules from DESIGN.md.
var Rules = []Rule{
	{Root: Module + "/findings", Forbidden: append(append([]string{}, Heavy...),
		Module+"/inventory", Module+"/risk", Module+"/correlate", Module+"/compliance",
		Module+"/access", Module+"/report", Module+"/examples"),
		Why: "findings is the bottom of the graph: no OPA, no database, no other top-level aspm package"},
	{Root: Module + "/risk", Forbidden: append(append([]string{}, Heavy...), Module+"/correlate", Module+"/report", Module+"/compliance"),
		Why: "vendors import risk alone: nothing heavy, no correlate or report"},
	{Root: Module + "/inventory", Forbidden: Heavy, Why: "inventory stays light: no OPA, no database"},
	{Root: Module + "/correlate", Except: []string{Module + "/correlate/sqlite", Module + "/correlate/postgres", Module + "/correlate/stores"},
		Forbidden: append(append([]string{}, Heavy...), Module+"/report", Module+"/compliance"),
		Why:       "importing correlate pulls in no database driver: stores live in their own subpackages"},
	{Root: Module + "/access", Except: []string{Module + "/access/decide"}, Forbidden: Heavy,
		Why: "the access analyzers stay light; only access/decide may use the OPA sandbox"},
	{Root: Module + "/report", Except: []string{Module + "/report/posture"},
		Forbidden: append(append([]string{}, Heavy...), Module+"/compliance"),
		Why:       "rendering findings pulls in no OPA: only report/posture reads compliance postures"},
}

// Package is what the check needs to know of one package: its import path
// and the import paths of all its dependencies (transitive).
type Package struct {
	ImportPath string
	Deps       []string
}

// Violations applies rules to pkgs and describes every forbidden
// dependency, sorted.
func Violations(rules []Rule, pkgs []Package) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !under(p.ImportPath, r.Root) || exempt(p.ImportPath, r.Except) {
				continue
			}
			for _, d := range p.Deps {
				for _, f := range r.Forbidden {
					if under(d, f) {
						out = append(out, fmt.Sprintf("%s imports %s (%s)", p.ImportPath, d, r.Why))
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func exempt(path string, except []string) bool {
	for _, e := range except {
		if under(path, e) {
			return true
		}
	}
	return false
}

// under reports whether path is root or below it.
func under(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+"/")
}
