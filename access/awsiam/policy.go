package awsiam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/access"
)

// Policy is an IAM policy document: an identity policy, a trust policy
// (a role's AssumeRolePolicyDocument) or a resource policy. Fields keep
// what the document says, as written, except that Principal and
// NotPrincipal are normalized (see [Statement]).
//
// A Policy is a plain value: safe for concurrent reads, not for
// concurrent writes.
type Policy struct {
	// Version is the policy language version ("2012-10-17"), or "".
	Version string `json:"version,omitempty"`
	// ID is the document's optional Id element.
	ID string `json:"id,omitempty"`
	// Statements are the document's statements in order; a document
	// whose Statement is a single object has one.
	Statements []Statement `json:"statements"`
}

// Statement is one statement of a [Policy].
//
// Principals and NotPrincipals (the Principal and NotPrincipal elements
// of trust and resource policies) are normalized to one string per
// principal:
//
//   - "*" for Principal "*" or {"AWS": "*"};
//   - an AWS principal as written (an ARN), except that a bare 12-digit
//     account ID becomes "arn:aws:iam::<id>:root", as IAM stores it;
//   - "service:<name>" for a Service principal ("service:ec2.amazonaws.com");
//   - "federated:<provider>" for a Federated principal (a SAML provider
//     ARN, "cognito-identity.amazonaws.com", an OIDC provider);
//   - "canonical:<id>" for a CanonicalUser principal;
//   - "<key>:<value>" with the key lower-cased for any other key.
//
// They are sorted and without duplicates.
//
// A Statement is a plain value: safe for concurrent reads, not for
// concurrent writes.
type Statement struct {
	// Sid is the statement's optional identifier.
	Sid string `json:"sid,omitempty"`
	// Effect is access.Allow or access.Deny.
	Effect access.Effect `json:"effect"`
	// Exactly one of Actions and NotActions is set (it may be an empty
	// list when the document says []).
	Actions    []string `json:"actions,omitempty"`
	NotActions []string `json:"not_actions,omitempty"`
	// At most one of Resources and NotResources is set; trust policies
	// have neither.
	Resources    []string `json:"resources,omitempty"`
	NotResources []string `json:"not_resources,omitempty"`
	// At most one of Principals and NotPrincipals is set; identity
	// policies have neither.
	Principals    []string `json:"principals,omitempty"`
	NotPrincipals []string `json:"not_principals,omitempty"`
	// Conditions is the Condition block, compacted; nil when absent.
	Conditions json.RawMessage `json:"conditions,omitempty"`
	// Line is the 1-based line of the statement in the input, when known.
	Line int `json:"line,omitempty"`
}

// Permission returns the statement as an [access.Permission]. Principals
// have no place there and are left out.
func (s Statement) Permission() access.Permission {
	return access.Permission{
		Effect:       s.Effect,
		Actions:      slices.Clone(s.Actions),
		NotActions:   slices.Clone(s.NotActions),
		Resources:    slices.Clone(s.Resources),
		NotResources: slices.Clone(s.NotResources),
		Conditions:   slices.Clone(s.Conditions),
	}
}

// Permissions returns one [access.Permission] per statement, in order.
func (p *Policy) Permissions() []access.Permission {
	out := make([]access.Permission, 0, len(p.Statements))
	for _, s := range p.Statements {
		out = append(out, s.Permission())
	}
	return out
}

// ParsePolicy parses one IAM policy document: a JSON object with a
// Statement, or a JSON string holding one (URL-encoded or not), as the
// IAM API returns them. opts.File names the input in errors, and
// opts.MaxBytes bounds it. Errors are [*access.ParseError]s naming the
// line and JSON pointer ("/Statement/2") of the problem.
func ParsePolicy(data []byte, opts Options) (*Policy, error) {
	d, root, err := parse(data, opts)
	if err != nil {
		return nil, err
	}
	return d.policy(root, "")
}

// decoder turns nodes into model objects and errors into
// [*access.ParseError]s with a file, line and path.
type decoder struct {
	file  string
	data  []byte
	lines *lines
	// line, when non-zero, is the line of every node: the nodes come from
	// a JSON document embedded in a string at that line.
	line int
}

func (d *decoder) lineOf(n *node) int {
	if d.line > 0 {
		return d.line
	}
	if n == nil || d.lines == nil {
		return 0
	}
	return d.lines.line(n.off)
}

func (d *decoder) source(n *node, path string) access.Source {
	return access.Source{File: d.file, Line: d.lineOf(n), Path: path}
}

// errorf reports a problem at n (or, when n is nil, at its parent).
func (d *decoder) errorf(n *node, path, format string, args ...any) error {
	return &access.ParseError{File: d.file, Line: d.lineOf(n), Path: path, Message: fmt.Sprintf(format, args...)}
}

// str returns obj[key] as a string: "" when absent or null.
func (d *decoder) str(obj *node, key, path string) (string, error) {
	v := obj.get(key)
	if v.isNull() {
		return "", nil
	}
	if v.kind != 's' {
		return "", d.errorf(v, ptr(path, key), "%s is %s, want a string", key, kindName(v.kind))
	}
	return v.str, nil
}

// required is [decoder.str] for a field that must be a non-empty string.
func (d *decoder) required(obj *node, key, path string) (string, error) {
	s, err := d.str(obj, key, path)
	if err == nil && s == "" {
		err = d.errorf(obj, ptr(path, key), "%s is missing or empty", key)
	}
	return s, err
}

// list returns obj[key] as a list of nodes: nil when absent or null.
func (d *decoder) list(obj *node, key, path string) ([]*node, error) {
	v := obj.get(key)
	if v.isNull() {
		return nil, nil
	}
	if v.kind != 'a' {
		return nil, d.errorf(v, ptr(path, key), "%s is %s, want an array", key, kindName(v.kind))
	}
	return v.elems, nil
}

// object checks that n is an object.
func (d *decoder) object(n *node, path, what string) error {
	if n == nil || n.kind != 'o' {
		k := byte('z')
		if n != nil {
			k = n.kind
		}
		return d.errorf(n, path, "%s is %s, want an object", what, kindName(k))
	}
	return nil
}

// strings reads a string or a list of strings (IAM's Action, Resource, a
// principal's value). present is false when the value is absent or null.
func (d *decoder) strings(v *node, path, what string) (list []string, present bool, err error) {
	if v.isNull() {
		return nil, false, nil
	}
	switch v.kind {
	case 's':
		return []string{v.str}, true, nil
	case 'a':
		list = make([]string, 0, len(v.elems))
		for i, e := range v.elems {
			if e.kind != 's' {
				return nil, true, d.errorf(e, ptr(path, i), "%s element is %s, want a string", what, kindName(e.kind))
			}
			list = append(list, e.str)
		}
		return list, true, nil
	}
	return nil, true, d.errorf(v, path, "%s is %s, want a string or an array of strings", what, kindName(v.kind))
}

// policy reads a policy document at n: an object, or a string holding
// one (URL-encoded, as the IAM API returns documents, or plain JSON).
func (d *decoder) policy(n *node, path string) (*Policy, error) {
	if n != nil && n.kind == 's' {
		return d.embedded(n, path)
	}
	if err := d.object(n, path, "policy document"); err != nil {
		return nil, err
	}
	p := &Policy{}
	var err error
	if p.Version, err = d.str(n, "Version", path); err != nil {
		return nil, err
	}
	if p.ID, err = d.str(n, "Id", path); err != nil {
		return nil, err
	}
	st := n.get("Statement")
	spath := ptr(path, "Statement")
	switch {
	case st == nil:
		return nil, d.errorf(n, spath, "policy document has no Statement")
	case st.kind == 'o':
		s, err := d.statement(st, spath)
		if err != nil {
			return nil, err
		}
		p.Statements = []Statement{s}
	case st.kind == 'a':
		p.Statements = make([]Statement, 0, len(st.elems))
		for i, e := range st.elems {
			s, err := d.statement(e, ptr(spath, i))
			if err != nil {
				return nil, err
			}
			p.Statements = append(p.Statements, s)
		}
	default:
		return nil, d.errorf(st, spath, "Statement is %s, want an object or an array", kindName(st.kind))
	}
	return p, nil
}

// embeddedText returns the JSON text of a policy document held in a
// JSON string, URL-decoded when it is not plain JSON.
func (d *decoder) embeddedText(n *node, path string) ([]byte, error) {
	text := strings.TrimSpace(n.str)
	if !strings.HasPrefix(text, "{") {
		u, err := url.PathUnescape(text)
		if err != nil {
			return nil, d.errorf(n, path, "policy document is a string that is neither JSON nor URL-encoded JSON: %v", err)
		}
		text = strings.TrimSpace(u)
	}
	data := []byte(text)
	if !json.Valid(data) {
		return nil, d.errorf(n, path, "policy document is a string that does not hold valid JSON")
	}
	return data, nil
}

// embedded parses a policy document held in a JSON string.
func (d *decoder) embedded(n *node, path string) (*Policy, error) {
	data, err := d.embeddedText(n, path)
	if err != nil {
		return nil, err
	}
	root, depthAt, dup := parseTree(data, maxDepth)
	if depthAt >= 0 {
		return nil, &access.ParseError{File: d.file, Line: d.lineOf(n), Path: path,
			Message: fmt.Sprintf("policy document nests deeper than %d levels", maxDepth), Err: access.ErrLimit}
	}
	if dup {
		_, p := duplicate(root, "")
		return nil, &access.ParseError{File: d.file, Line: d.lineOf(n), Path: path,
			Message: fmt.Sprintf("policy document gives the key %s twice", p), Err: access.ErrSyntax}
	}
	inner := &decoder{file: d.file, data: data, line: d.lineOf(n)}
	return inner.policy(root, path)
}

func (d *decoder) statement(n *node, path string) (Statement, error) {
	var s Statement
	if err := d.object(n, path, "statement"); err != nil {
		return s, err
	}
	s.Line = d.lineOf(n)
	var err error
	if s.Sid, err = d.str(n, "Sid", path); err != nil {
		return s, err
	}
	effect, err := d.str(n, "Effect", path)
	if err != nil {
		return s, err
	}
	switch effect {
	case "Allow":
		s.Effect = access.Allow
	case "Deny":
		s.Effect = access.Deny
	case "":
		return s, d.errorf(n, ptr(path, "Effect"), "statement has no Effect")
	default:
		return s, d.errorf(n.get("Effect"), ptr(path, "Effect"), "Effect is %q, want \"Allow\" or \"Deny\"", effect)
	}

	var hasA, hasNA bool
	if s.Actions, hasA, err = d.strings(n.get("Action"), ptr(path, "Action"), "Action"); err != nil {
		return s, err
	}
	if s.NotActions, hasNA, err = d.strings(n.get("NotAction"), ptr(path, "NotAction"), "NotAction"); err != nil {
		return s, err
	}
	switch {
	case hasA && hasNA:
		return s, d.errorf(n, path, "statement has both Action and NotAction")
	case !hasA && !hasNA:
		return s, d.errorf(n, path, "statement has neither Action nor NotAction")
	}

	var hasR, hasNR bool
	if s.Resources, hasR, err = d.strings(n.get("Resource"), ptr(path, "Resource"), "Resource"); err != nil {
		return s, err
	}
	if s.NotResources, hasNR, err = d.strings(n.get("NotResource"), ptr(path, "NotResource"), "NotResource"); err != nil {
		return s, err
	}
	if hasR && hasNR {
		return s, d.errorf(n, path, "statement has both Resource and NotResource")
	}

	p, np := n.get("Principal"), n.get("NotPrincipal")
	if !p.isNull() && !np.isNull() {
		return s, d.errorf(n, path, "statement has both Principal and NotPrincipal")
	}
	if s.Principals, err = d.principals(p, ptr(path, "Principal"), "Principal"); err != nil {
		return s, err
	}
	if s.NotPrincipals, err = d.principals(np, ptr(path, "NotPrincipal"), "NotPrincipal"); err != nil {
		return s, err
	}

	if c := n.get("Condition"); !c.isNull() {
		if c.kind != 'o' {
			return s, d.errorf(c, ptr(path, "Condition"), "Condition is %s, want an object", kindName(c.kind))
		}
		s.Conditions = d.compact(c)
	}
	return s, nil
}

// compact returns the JSON text of n as written, without insignificant
// space.
func (d *decoder) compact(n *node) json.RawMessage {
	var b bytes.Buffer
	_ = json.Compact(&b, d.data[n.off:n.end]) // the input is valid JSON
	return json.RawMessage(b.Bytes())
}

// principals reads and normalizes a Principal or NotPrincipal element.
func (d *decoder) principals(v *node, path, what string) ([]string, error) {
	if v.isNull() {
		return nil, nil
	}
	var out []string
	switch v.kind {
	case 's':
		if v.str != "*" {
			return nil, d.errorf(v, path, "%s is the string %q, want \"*\" or an object", what, v.str)
		}
		return []string{"*"}, nil
	case 'o':
		for i, key := range v.keys {
			vals, _, err := d.strings(v.vals[i], ptr(path, key), what+"."+key)
			if err != nil {
				return nil, err
			}
			for _, x := range vals {
				out = append(out, normalizePrincipal(key, x))
			}
		}
	default:
		return nil, d.errorf(v, path, "%s is %s, want \"*\" or an object", what, kindName(v.kind))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func normalizePrincipal(key, v string) string {
	switch key {
	case "AWS":
		if v == "*" {
			return "*"
		}
		if isAccountID(v) {
			return "arn:aws:iam::" + v + ":root"
		}
		return v
	case "Service":
		return "service:" + v
	case "Federated":
		return "federated:" + v
	case "CanonicalUser":
		return "canonical:" + v
	}
	return strings.ToLower(key) + ":" + v
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
