package suppress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/internal/docguard"
)

// Default limits of [ParseRules].
const (
	// DefaultMaxBytes is the largest rule file [ParseRules] reads when
	// [Options.MaxBytes] is zero. Hand-written rule files are a few
	// kilobytes; exported triage of a large estate stays well below this.
	DefaultMaxBytes = 16 << 20
	// DefaultMaxRules is the most rules [ParseRules] accepts when
	// [Options.MaxRules] is zero.
	DefaultMaxRules = 100_000
)

// RulesVersion is the rule file format version this package reads and
// writes.
const RulesVersion = 1

// Options configures [ParseRules]. The zero value is valid. It is a plain
// value, safe to share.
type Options struct {
	// Name names the input in errors and in [Rule.File], usually its
	// path.
	Name string
	// MaxBytes bounds the input; zero means [DefaultMaxBytes].
	MaxBytes int64
	// MaxRules bounds the number of rules; zero means [DefaultMaxRules].
	MaxRules int
	// RequireAuthor rejects rules without an author.
	RequireAuthor bool
	// RequireExpiry rejects accepted_risk rules without an expiry, so that
	// every risk acceptance comes up for review.
	RequireExpiry bool
}

// ruleFields lists the keys a rule may have, in the order of the schema.
var ruleFields = []string{
	"id", "rule_ids", "paths", "purls", "cwes", "vulnerability_ids", "tools",
	"scope", "status", "justification", "author", "created", "expires",
}

// ParseRules reads a rule file, YAML or JSON (JSON is read as the YAML
// it also is), and returns its rules as a [RuleSet] in file order. The
// schema is in the package documentation. Unknown keys, duplicate keys,
// YAML aliases, a second document and values of the wrong kind are errors,
// so that a typo never widens or silently disables a rule.
//
// Errors are [*RuleError]s with the file name, line and column and the
// field's path, wrapping [ErrSyntax], [ErrInvalid] or [ErrLimit]; every
// problem found is reported, joined with [errors.Join]. An empty input is
// an empty set.
func ParseRules(r io.Reader, opts Options) (s *RuleSet, err error) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	maxRules := opts.MaxRules
	if maxRules <= 0 {
		maxRules = DefaultMaxRules
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("suppress: reading %s: %w", nameOr(opts.Name), err)
	}
	if int64(len(data)) > maxBytes {
		return nil, &RuleError{File: opts.Name, Err: fmt.Errorf("%w: input larger than %d bytes", ErrLimit, maxBytes)}
	}
	p := &ruleParser{file: opts.Name, opts: opts, maxRules: maxRules, pos: map[string][2]int{}}
	root, err := p.decode(data)
	if err != nil {
		return nil, err
	}
	rules, fields := p.document(root)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	set, err := newRuleSet(rules, fields)
	if err != nil {
		// Point each validation error at the value it is about.
		for _, e := range flatten(err) {
			var re *RuleError
			if errors.As(e, &re) {
				if pos, ok := p.position(re.Field); ok {
					re.Line, re.Column = pos[0], pos[1]
				}
			}
		}
		return nil, err
	}
	return set, nil
}

// position returns the line and column of the value at field or, when
// that value is absent, of the nearest enclosing one: a missing field is
// reported at its rule.
func (p *ruleParser) position(field string) ([2]int, bool) {
	for field != "" {
		if pos, ok := p.pos[field]; ok {
			return pos, true
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return [2]int{}, false
}

// flatten lists the errors joined in err, depth first.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func nameOr(name string) string {
	if name == "" {
		return "input"
	}
	return name
}

// ruleParser walks the YAML node tree of a rule file.
type ruleParser struct {
	file     string
	opts     Options
	maxRules int
	errs     []error
	pos      map[string][2]int // field path → line and column of its value
}

// yamlLine finds the line number in a go-yaml error message.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// decode parses data into a node tree; it returns nil for an empty
// document.
func (p *ruleParser) decode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// The YAML parser is third-party code: whatever it does on hostile
		// input, ParseRules returns an error rather than panicking.
		if v := recover(); v != nil {
			root, err = nil, &RuleError{File: p.file, Err: fmt.Errorf("%w: %v", ErrSyntax, v)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, p.syntax(err, data)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &RuleError{File: p.file, Line: extra.Line, Column: extra.Column, Err: fmt.Errorf("%w: more than one YAML document", ErrSyntax)}
	} else if !errors.Is(err, io.EOF) {
		return nil, p.syntax(err, data)
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

func (p *ruleParser) syntax(err error, data []byte) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 0, 0
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		if m[0] == 0 {
			// The line goes in the error's prefix; do not repeat it.
			msg = strings.TrimPrefix(msg[m[1]:], ": ")
		}
	} else {
		// yaml.v3 does not say where for these: find the place.
		line, col = locate(data, msg)
	}
	return &RuleError{File: p.file, Line: line, Column: col, Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
}

// yamlMaxDepth is the nesting at which yaml.v3 gives up.
const yamlMaxDepth = 10000

// locate finds what a YAML error without a line is about: the first byte
// that is not UTF-8, or where the input nests deeper than yaml.v3 accepts.
// It returns 0, 0 when it finds neither.
func locate(data []byte, msg string) (line, col int) {
	switch {
	case strings.Contains(msg, "UTF-8"):
		line, col, _ = docguard.InvalidUTF8(data)
	case strings.HasPrefix(msg, "exceeded max depth"):
		line, col, _ = docguard.Nesting(data, yamlMaxDepth)
	}
	return line, col
}

func (p *ruleParser) fail(n *yaml.Node, field, rule, format string, args ...any) {
	e := &RuleError{File: p.file, Field: field, Rule: rule, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

// isNull reports whether n is an explicit YAML null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// mapping checks that n is a mapping without duplicate or unknown keys and
// returns its key nodes and value nodes in order.
func (p *ruleParser) mapping(n *yaml.Node, field, rule string, known []string) (keys, vals []*yaml.Node, ok bool) {
	if n.Kind == yaml.AliasNode {
		p.fail(n, field, rule, "YAML aliases are not supported")
		return nil, nil, false
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, field, rule, "want a mapping, found %s", kindName(n))
		return nil, nil, false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.fail(k, field, rule, "keys must be strings, found %s", kindName(k))
			continue
		}
		name := k.Value
		sub := joinField(field, name)
		if seen[name] {
			p.fail(k, sub, rule, "duplicate key %q", name)
			continue
		}
		seen[name] = true
		if !contains(known, name) {
			p.fail(k, sub, rule, "unknown key %q (want one of %s)", name, strings.Join(known, ", "))
			continue
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return keys, vals, true
}

func joinField(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a scalar"
	}
	return "a document"
}

// document reads the top-level mapping: version and rules.
func (p *ruleParser) document(root *yaml.Node) ([]Rule, []string) {
	if root == nil || isNull(root) {
		return nil, nil
	}
	keys, vals, ok := p.mapping(root, "", "", []string{"version", "rules"})
	if !ok {
		return nil, nil
	}
	var rules []Rule
	var fields []string
	for i, k := range keys {
		v := vals[i]
		switch k.Value {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Value != strconv.Itoa(RulesVersion) {
				p.fail(v, "version", "", "unsupported version %q (want %d)", v.Value, RulesVersion)
			}
		case "rules":
			if isNull(v) {
				continue
			}
			if v.Kind != yaml.SequenceNode {
				p.fail(v, "rules", "", "want a list of rules, found %s", kindName(v))
				continue
			}
			if len(v.Content) > p.maxRules {
				p.errs = append(p.errs, &RuleError{File: p.file, Line: v.Line, Column: v.Column, Field: "rules",
					Err: fmt.Errorf("%w: more than %d rules", ErrLimit, p.maxRules)})
				continue
			}
			for j, rn := range v.Content {
				field := "rules[" + strconv.Itoa(j) + "]"
				if r, ok := p.rule(rn, field); ok {
					rules = append(rules, r)
					fields = append(fields, field)
				}
			}
		}
	}
	return rules, fields
}

// rule reads one rule mapping.
func (p *ruleParser) rule(n *yaml.Node, field string) (Rule, bool) {
	r := Rule{File: p.file, Line: n.Line}
	p.pos[field] = [2]int{n.Line, n.Column}
	// Find the id first so that every error can name the rule.
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode {
				r.ID = n.Content[i+1].Value
			}
		}
	}
	before := len(p.errs)
	keys, vals, ok := p.mapping(n, field, r.ID, ruleFields)
	if !ok {
		return Rule{}, false
	}
	var expiresNode *yaml.Node
	for i, k := range keys {
		v, sub := vals[i], joinField(field, k.Value)
		p.pos[sub] = [2]int{v.Line, v.Column}
		if isNull(v) {
			continue
		}
		switch k.Value {
		case "id":
			r.ID, _ = p.scalar(v, sub, r.ID)
		case "rule_ids":
			r.RuleIDs = p.list(v, sub, r.ID)
		case "paths":
			r.Paths = p.list(v, sub, r.ID)
		case "purls":
			r.PURLs = p.list(v, sub, r.ID)
		case "cwes":
			r.CWEs = p.list(v, sub, r.ID)
		case "vulnerability_ids":
			r.VulnerabilityIDs = p.list(v, sub, r.ID)
		case "tools":
			r.Tools = p.list(v, sub, r.ID)
		case "scope":
			r.Scope, _ = p.scalar(v, sub, r.ID)
		case "status":
			s, _ := p.scalar(v, sub, r.ID)
			r.Status = Status(s)
		case "justification":
			r.Justification, _ = p.scalar(v, sub, r.ID)
		case "author":
			r.Author, _ = p.scalar(v, sub, r.ID)
		case "created":
			r.Created = p.time(v, sub, r.ID)
		case "expires":
			r.Expires = p.time(v, sub, r.ID)
			expiresNode = v
		}
	}
	if p.opts.RequireAuthor && strings.TrimSpace(r.Author) == "" {
		p.fail(n, joinField(field, "author"), r.ID, "missing author")
	}
	if p.opts.RequireExpiry && r.Status == StatusAcceptedRisk && r.Expires.IsZero() && expiresNode == nil {
		p.fail(n, joinField(field, "expires"), r.ID, "an accepted_risk rule needs an expiry")
	}
	return r, len(p.errs) == before
}

// scalar reads a string value.
func (p *ruleParser) scalar(n *yaml.Node, field, rule string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		if n.Kind == yaml.AliasNode {
			p.fail(n, field, rule, "YAML aliases are not supported")
		} else {
			p.fail(n, field, rule, "want a string, found %s", kindName(n))
		}
		return "", false
	}
	return n.Value, true
}

// list reads a list of strings; a single string is a list of one.
func (p *ruleParser) list(n *yaml.Node, field, rule string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		if n.Kind == yaml.AliasNode {
			p.fail(n, field, rule, "YAML aliases are not supported")
		} else {
			p.fail(n, field, rule, "want a list of strings, found %s", kindName(n))
		}
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, e := range n.Content {
		sub := field + "[" + strconv.Itoa(i) + "]"
		p.pos[sub] = [2]int{e.Line, e.Column}
		if isNull(e) {
			p.fail(e, sub, rule, "null in a list")
			continue
		}
		if v, ok := p.scalar(e, sub, rule); ok {
			out = append(out, v)
		}
	}
	return out
}

// time reads an RFC 3339 time or a date (00:00:00 UTC that day).
func (p *ruleParser) time(n *yaml.Node, field, rule string) time.Time {
	s, ok := p.scalar(n, field, rule)
	if !ok {
		return time.Time{}
	}
	t, err := parseTime(strings.TrimSpace(s))
	if err != nil {
		p.fail(n, field, rule, "%q is not an RFC 3339 time or a date (2006-01-02)", s)
		return time.Time{}
	}
	return t
}

// WriteJSON writes the set as a rule file in JSON, which [ParseRules]
// reads back into an equal set: {"version": 1, "rules": [...]}, rules in
// set order, two-space indented, with a final newline. Times are written
// in RFC 3339 with their offset; zero times and empty fields are left out.
func (s *RuleSet) WriteJSON(w io.Writer) error {
	doc := struct {
		Version int    `json:"version"`
		Rules   []Rule `json:"rules"`
	}{Version: RulesVersion, Rules: s.Rules()}
	if doc.Rules == nil {
		doc.Rules = []Rule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
