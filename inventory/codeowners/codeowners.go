package codeowners

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/inventory"
)

// DefaultMaxBytes is the size limit of a CODEOWNERS file when
// [Options.MaxBytes] is 0: GitHub's, which ignores larger files.
const DefaultMaxBytes = 3 << 20

// Options control [Parse]. Options is valid at its zero value; it is a
// plain value, safe to share between goroutines.
type Options struct {
	// Name names the input in errors and in the Sources of the assets
	// [Apply] adds.
	Name string
	// MaxBytes bounds the size of the input; 0 means [DefaultMaxBytes].
	MaxBytes int64
}

// Rule is one pattern line of a CODEOWNERS file. It is a plain value, safe
// to share between goroutines.
type Rule struct {
	// Pattern is the pattern as written, escapes included.
	Pattern string
	// Owners are the owners the line names, in order; in a GitLab
	// section, a line that names none takes the section's default owners.
	// Empty means that the paths the pattern matches have no owner.
	Owners []string
	// Line is the rule's 1-based line.
	Line int
	// Section is the name of the GitLab section the rule belongs to, as
	// its first header writes it; empty before the first header.
	Section string
	// Optional reports a rule of an optional GitLab section ("^[Name]").
	Optional bool

	m       matcher
	section int // index in Rules.sections; -1 before the first header
}

// Section is a GitLab section header: "[Name]", "^[Name]" (optional),
// "[Name][2]" (approvals required), followed by default owners. It is a
// plain value, safe to share between goroutines.
type Section struct {
	// Name is the section's name as the header writes it. GitLab compares
	// names case-insensitively: two headers of one name open one section.
	Name string
	// Optional reports a "^" before the header.
	Optional bool
	// Approvals is the number in "[Name][N]"; 0 when not given.
	Approvals int
	// Owners are the default owners the header names.
	Owners []string
	// Line is the header's 1-based line.
	Line int
}

// Rules are the rules of a CODEOWNERS file. Rules are immutable once
// parsed: any number of goroutines may use them at once.
type Rules struct {
	name     string
	rules    []Rule
	sections []Section // distinct sections, in order of first appearance
}

// Rules returns the rules in file order.
func (rs *Rules) Rules() []Rule {
	out := slices.Clone(rs.rules)
	for i := range out {
		out[i].Owners = slices.Clone(out[i].Owners)
	}
	return out
}

// Sections returns the GitLab sections in order of first appearance (a
// section whose header appears twice is listed once, as first written).
func (rs *Rules) Sections() []Section {
	out := slices.Clone(rs.sections)
	for i := range out {
		out[i].Owners = slices.Clone(out[i].Owners)
	}
	return out
}

var (
	sectionRE = regexp.MustCompile(`^(\^)?\[([^\]]*)\](?:\[([0-9]+)\])?(?:[ \t]+(.*))?$`)
	nameRE    = regexp.MustCompile(`^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$`)
)

// Parse reads a CODEOWNERS file in GitHub's or GitLab's syntax: comments
// ("#"), pattern lines ("pattern owner..."), and GitLab section headers.
// A problem gives an [*Error] naming the line.
func Parse(r io.Reader, opts Options) (*Rules, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("codeowners: %s: %w", opts.Name, err)
	}
	if int64(len(data)) > max {
		return nil, &Error{File: opts.Name, Err: fmt.Errorf("%w: input larger than %d bytes", ErrLimit, max)}
	}
	text := strings.TrimPrefix(string(data), "\xEF\xBB\xBF")
	rs := &Rules{name: opts.Name}
	fail := func(line, col int, sentinel error, format string, args ...any) error {
		return &Error{File: opts.Name, Line: line, Column: col, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
	}
	current := -1         // index of the current section
	var defaults []string // the current header's default owners
	byName := map[string]int{}
	for n, line := range strings.Split(text, "\n") {
		n++
		line = strings.TrimSuffix(line, "\r")
		body := strings.TrimLeft(line, " \t")
		indent := len(line) - len(body)
		if body == "" || body[0] == '#' {
			continue
		}
		if body[0] == '[' || strings.HasPrefix(body, "^[") {
			if !strings.Contains(body, "]") {
				return nil, fail(n, indent+1, ErrSyntax, "unclosed section header")
			}
			if m := sectionRE.FindStringSubmatch(body); m != nil {
				s := Section{Name: strings.TrimSpace(m[2]), Optional: m[1] == "^", Line: n}
				if s.Name == "" {
					return nil, fail(n, indent+1, ErrInvalid, "empty section name")
				}
				if m[3] != "" {
					if s.Approvals, err = strconv.Atoi(m[3]); err != nil {
						return nil, fail(n, indent+1, ErrInvalid, "approvals %q: %v", m[3], err)
					}
				}
				toks, err := tokenize(m[4])
				if err != nil {
					return nil, fail(n, indent+len(body)-len(m[4])+1+err.col, ErrSyntax, "%s", err.msg)
				}
				if s.Owners, err = owners(toks); err != nil {
					return nil, fail(n, indent+len(body)-len(m[4])+1+err.col, ErrInvalid, "%s", err.msg)
				}
				key := strings.ToLower(s.Name)
				i, seen := byName[key]
				if !seen {
					i = len(rs.sections)
					byName[key] = i
					rs.sections = append(rs.sections, s)
				}
				current, defaults = i, s.Owners
				continue
			}
		}
		toks, terr := tokenize(body)
		if terr != nil {
			return nil, fail(n, indent+1+terr.col, ErrSyntax, "%s", terr.msg)
		}
		pat := toks[0]
		if strings.HasPrefix(pat.text, "!") {
			return nil, fail(n, indent+1, ErrUnsupported, "negated pattern %q: CODEOWNERS has no negation", pat.text)
		}
		own, oerr := owners(toks[1:])
		if oerr != nil {
			return nil, fail(n, indent+1+oerr.col, ErrInvalid, "%s", oerr.msg)
		}
		rule := Rule{Pattern: pat.text, Owners: own, Line: n, m: compile(pat.text), section: current}
		if current >= 0 {
			rule.Section = rs.sections[current].Name
			rule.Optional = rs.sections[current].Optional
			if len(rule.Owners) == 0 {
				rule.Owners = slices.Clone(defaults)
			}
		}
		rs.rules = append(rs.rules, rule)
	}
	return rs, nil
}

type token struct {
	text string
	col  int // 0-based byte offset in the tokenized string
}

type tokenError struct {
	msg string
	col int
}

// tokenize splits a line at unescaped blanks.
func tokenize(s string) ([]token, *tokenError) {
	var out []token
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			if i+1 == len(s) {
				return nil, &tokenError{"a backslash ends the line", i}
			}
			if start < 0 {
				start = i
			}
			i++
			continue
		}
		if c == ' ' || c == '\t' {
			if start >= 0 {
				out = append(out, token{s[start:i], start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, token{s[start:], start})
	}
	return out, nil
}

// owners checks the owner tokens, up to a comment.
func owners(toks []token) ([]string, *tokenError) {
	var out []string
	for _, t := range toks {
		if strings.HasPrefix(t.text, "#") {
			break
		}
		if !validOwner(t.text) {
			return nil, &tokenError{fmt.Sprintf("owner %q is not @user, @org/team, @@role or an e-mail address", t.text), t.col}
		}
		out = append(out, t.text)
	}
	return out, nil
}

func validOwner(s string) bool {
	switch {
	case strings.HasPrefix(s, "@@"):
		return nameRE.MatchString(s[2:])
	case strings.HasPrefix(s, "@"):
		return nameRE.MatchString(s[1:])
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(local+domain, `@\"<>()[],;:`)
}

// Owners returns the owners of a file or directory (a path relative to
// the repository's root, with "/" separators; a trailing "/" names a
// directory; "." and ".." are resolved), nil when no rule matches.
//
// In a GitHub file the last matching rule wins: its owners, or nil when
// it names none. In a file with GitLab sections, each section's last
// matching rule contributes its owners (or the section's defaults), in
// the order of the sections, without repeats; the rules before the first
// header form a section of their own.
func (rs *Rules) Owners(path string) []string {
	return rs.owners(path, nil)
}

// Match returns the last rule that matches a path: the rule whose owners
// GitHub applies.
func (rs *Rules) Match(path string) (Rule, bool) {
	segs, dir := splitPath(path)
	if len(segs) == 0 {
		return Rule{}, false
	}
	var buf []bool
	for i := len(rs.rules) - 1; i >= 0; i-- {
		if rs.rules[i].m.match(segs, dir, &buf) {
			r := rs.rules[i]
			r.Owners = slices.Clone(r.Owners)
			return r, true
		}
	}
	return Rule{}, false
}

// owners implements Owners, for the rules filter accepts (all when nil).
func (rs *Rules) owners(path string, filter func(*Rule) bool) []string {
	if rs == nil {
		return nil
	}
	segs, dir := splitPath(path)
	if len(segs) == 0 {
		return nil
	}
	var buf []bool
	if len(rs.sections) == 0 {
		for i := len(rs.rules) - 1; i >= 0; i-- {
			r := &rs.rules[i]
			if (filter == nil || filter(r)) && r.m.match(segs, dir, &buf) {
				if len(r.Owners) == 0 {
					return nil
				}
				return slices.Clone(r.Owners)
			}
		}
		return nil
	}
	// One match per section, the rules before the first header being
	// section -1.
	found := make([]*Rule, len(rs.sections)+1)
	for i := len(rs.rules) - 1; i >= 0; i-- {
		r := &rs.rules[i]
		if found[r.section+1] != nil || (filter != nil && !filter(r)) {
			continue
		}
		if r.m.match(segs, dir, &buf) {
			found[r.section+1] = r
		}
	}
	var out []string
	for _, r := range found {
		if r == nil {
			continue
		}
		for _, o := range r.Owners {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// catchAll reports a rule that matches every path: "*", "**", "/**",
// "**/*", "/".
func catchAll(r *Rule) bool {
	m := &r.m
	if m.all {
		return true
	}
	return !m.dirOnly && len(m.segs) == 2 && m.segs[0].any && !m.prefixOK
}

// DefaultOwners returns the owners of the repository as a whole: those of
// the last catch-all rule ("*", "**", "/**", "**/*" or "/"), or in a file
// with GitLab sections, of each section's last catch-all rule, as
// [Rules.Owners] combines them. It returns nil when there is no such rule
// or it names no owner.
func (rs *Rules) DefaultOwners() []string {
	return rs.owners("*", catchAll)
}

// Apply links the repository repoID of g to the owners of the repository
// as a whole ([Rules.DefaultOwners]) with owned_by edges, and returns the
// IDs of the owner assets, sorted. The repository's Owner field is left as
// it is.
//
// Each owner becomes a team ("@org/team") or a person ("@user", an e-mail
// address). Apply reuses an asset g already holds for it: a team or person
// whose "github" property (as package catalog sets it) is the handle
// without "@", or a person whose "email" property is the address, both
// compared case-insensitively; else the asset "team:org/team",
// "person:user" or "person:address" (lowercased), which it adds when
// missing, with a "codeowners" property holding the handle as written.
// GitLab roles ("@@developer") are not assets and are skipped. Assets
// Apply adds or reuses get the file's name in their Sources.
//
// Apply modifies g: calls that share a graph must not run at the same
// time. It fails, changing nothing, when repoID is not a repository of g
// (the error wraps [inventory.ErrNotFound] or [inventory.ErrInvalidAsset]).
func Apply(g *inventory.Graph, repoID string, rules *Rules) ([]string, error) {
	repo, ok := g.Asset(repoID)
	if !ok {
		return nil, fmt.Errorf("codeowners: %w: %s", inventory.ErrNotFound, repoID)
	}
	if repo.Kind != inventory.KindRepository {
		return nil, fmt.Errorf("codeowners: %w: %s is a %s, not a repository", inventory.ErrInvalidAsset, repoID, repo.Kind)
	}
	owners := rules.DefaultOwners()
	if len(owners) == 0 {
		return nil, nil
	}
	// Owners the graph knows by handle or e-mail address.
	known := map[string]string{}
	remember := func(key, id string) {
		if key == "" {
			return
		}
		key = strings.ToLower(key)
		if old, ok := known[key]; !ok || id < old {
			known[key] = id
		}
	}
	for a := range g.All() {
		switch a.Kind {
		case inventory.KindTeam:
			remember("team "+strings.TrimPrefix(a.Properties["github"], "@"), a.ID)
		case inventory.KindPerson:
			remember("person "+strings.TrimPrefix(a.Properties["github"], "@"), a.ID)
			remember("email "+a.Properties["email"], a.ID)
		}
	}
	var ids []string
	for _, o := range owners {
		var a inventory.Asset
		var key string
		switch {
		case strings.HasPrefix(o, "@@"):
			continue
		case strings.HasPrefix(o, "@") && strings.Contains(o, "/"):
			a.Kind, key = inventory.KindTeam, "team "+o[1:]
			a.Name = o[1:]
		case strings.HasPrefix(o, "@"):
			a.Kind, key = inventory.KindPerson, "person "+o[1:]
			a.Name = o[1:]
		default:
			a.Kind, key = inventory.KindPerson, "email "+o
			a.Name = o
			a.Properties = map[string]string{"email": o}
		}
		if id, ok := known[strings.ToLower(key)]; ok {
			a = inventory.Asset{ID: id, Kind: a.Kind}
		} else {
			a.ID = inventory.ID(a.Kind, strings.ToLower(a.Name))
			if a.Properties == nil {
				a.Properties = map[string]string{}
			}
			a.Properties["codeowners"] = o
		}
		if rules.name != "" {
			a.Sources = []string{rules.name}
		}
		id, err := g.Add(a)
		if err != nil {
			return ids, fmt.Errorf("codeowners: owner %s: %w", o, err)
		}
		if err := g.Link(inventory.Edge{From: repoID, To: id, Type: inventory.OwnedBy}); err != nil {
			return ids, fmt.Errorf("codeowners: owner %s: %w", o, err)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
