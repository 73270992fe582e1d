package awsiam

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/access"
)

// ID prefixes of the objects an authorization-details export yields.
const (
	policyPrefix  = "aws:policy:"
	bindingPrefix = "aws:binding:"
	accountPrefix = "aws:account:"
)

// PrincipalID returns the ID of the principal of kind ("user", "group"
// or "role") named name in a model [Read] returns: "aws:user:alice",
// "aws:group:admin", "aws:role:deploy".
func PrincipalID(kind access.PrincipalKind, name string) string {
	return "aws:" + string(kind) + ":" + name
}

// ManagedPolicyID returns the role ID [Read] gives the managed policy
// named name: "aws:policy:<name>". (When one export holds two managed
// policies of the same name, an AWS managed and a customer managed one,
// both are named by ARN instead: "aws:policy:<arn>".)
func ManagedPolicyID(name string) string { return policyPrefix + name }

// InlinePolicyID returns the role ID [Read] gives the inline policy named
// name of the principal of kind ("user", "group", "role") named owner:
// "aws:policy:inline/<kind>/<owner>/<name>".
func InlinePolicyID(kind access.PrincipalKind, owner, name string) string {
	return policyPrefix + "inline/" + string(kind) + "/" + owner + "/" + name
}

// builder collects the objects of one export and rejects duplicates.
type builder struct {
	m          access.Model
	principals map[string]string // ID -> path where first seen
	roles      map[string]string
	bindings   map[string]string
	accounts   map[string]bool
	ambiguous  map[string]bool // managed policy names with more than one ARN
}

func (b *builder) account(arn string, src access.Source) string {
	acct := accountOf(arn)
	if acct == "" || acct == "aws" || b.accounts[acct] {
		return acct
	}
	b.accounts[acct] = true
	b.m.Accounts = append(b.m.Accounts, access.Account{
		ID: accountPrefix + acct, System: access.SystemAWS, Name: acct, Source: src,
	})
	return acct
}

func (b *builder) managedID(name, arn string) string {
	if b.ambiguous[name] && arn != "" {
		return policyPrefix + arn
	}
	return policyPrefix + name
}

// authorizationDetails reads a get-account-authorization-details export.
func (d *decoder) authorizationDetails(root *node) (*access.Model, error) {
	b := &builder{
		m:          access.Model{Principals: []access.Principal{}, Roles: []access.Role{}, Bindings: []access.Binding{}},
		principals: map[string]string{},
		roles:      map[string]string{},
		bindings:   map[string]string{},
		accounts:   map[string]bool{},
	}
	lists := map[string][]*node{}
	for _, key := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} {
		l, err := d.list(root, key, "")
		if err != nil {
			return nil, err
		}
		for i, e := range l {
			if err := d.object(e, ptr(ptr("", key), i), "list element"); err != nil {
				return nil, err
			}
		}
		lists[key] = l
	}
	b.ambiguous = ambiguousNames(lists)

	for i, n := range lists["Policies"] {
		if err := d.managedPolicy(b, n, ptr("/Policies", i)); err != nil {
			return nil, err
		}
	}
	for i, n := range lists["GroupDetailList"] {
		if err := d.group(b, n, ptr("/GroupDetailList", i)); err != nil {
			return nil, err
		}
	}
	for i, n := range lists["UserDetailList"] {
		if err := d.user(b, n, ptr("/UserDetailList", i)); err != nil {
			return nil, err
		}
	}
	for i, n := range lists["RoleDetailList"] {
		if err := d.role(b, n, ptr("/RoleDetailList", i)); err != nil {
			return nil, err
		}
	}
	return &b.m, nil
}

// ambiguousNames finds managed policy names that stand for more than one
// ARN in the export's policy list and attachments.
func ambiguousNames(lists map[string][]*node) map[string]bool {
	arns := map[string]map[string]bool{}
	add := func(name, arn *node) {
		if name == nil || arn == nil || name.kind != 's' || arn.kind != 's' {
			return
		}
		if arns[name.str] == nil {
			arns[name.str] = map[string]bool{}
		}
		arns[name.str][arn.str] = true
	}
	for _, p := range lists["Policies"] {
		add(p.get("PolicyName"), p.get("Arn"))
	}
	for _, key := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList"} {
		for _, e := range lists[key] {
			if a := e.get("AttachedManagedPolicies"); a != nil && a.kind == 'a' {
				for _, x := range a.elems {
					add(x.get("PolicyName"), x.get("PolicyArn"))
				}
			}
		}
	}
	out := map[string]bool{}
	for name, set := range arns {
		if len(set) > 1 {
			out[name] = true
		}
	}
	return out
}

func (d *decoder) managedPolicy(b *builder, n *node, path string) error {
	name, err := d.required(n, "PolicyName", path)
	if err != nil {
		return err
	}
	arn, err := d.str(n, "Arn", path)
	if err != nil {
		return err
	}
	defID, err := d.str(n, "DefaultVersionId", path)
	if err != nil {
		return err
	}
	versions, err := d.list(n, "PolicyVersionList", path)
	if err != nil {
		return err
	}
	// The default version is the one flagged IsDefaultVersion, or else
	// the one whose VersionId is DefaultVersionId.
	var doc *node
	var docPath string
	for i, v := range versions {
		vpath := ptr(ptr(path, "PolicyVersionList"), i)
		if err := d.object(v, vpath, "policy version"); err != nil {
			return err
		}
		isDef := v.get("IsDefaultVersion")
		if !isDef.isNull() && isDef.kind != 'b' {
			return d.errorf(isDef, ptr(vpath, "IsDefaultVersion"), "IsDefaultVersion is %s, want a boolean", kindName(isDef.kind))
		}
		vid, err := d.str(v, "VersionId", vpath)
		if err != nil {
			return err
		}
		if (isDef != nil && isDef.str == "true") || (doc == nil && defID != "" && vid == defID) {
			doc, docPath = v.get("Document"), ptr(vpath, "Document")
		}
	}
	if doc == nil {
		return d.errorf(n, ptr(path, "PolicyVersionList"), "managed policy %q has no default version in PolicyVersionList", name)
	}
	p, err := d.policy(doc, docPath)
	if err != nil {
		return err
	}
	src := d.source(n, path)
	b.account(arn, src)
	id := b.managedID(name, arn)
	if first, dup := b.roles[id]; dup {
		return d.errorf(n, path, "duplicate managed policy %q (first at %s)", name, first)
	}
	b.roles[id] = path
	b.m.Roles = append(b.m.Roles, access.Role{
		ID:          id,
		System:      access.SystemAWS,
		Name:        name,
		Kind:        "ManagedPolicy",
		Builtin:     isAWSManaged(arn),
		Permissions: p.Permissions(),
		Source:      src,
	})
	return nil
}

// owner is the principal whose policies are being read.
type owner struct {
	kind    access.PrincipalKind
	name    string
	id      string
	account string
	path    string
}

// common reads the fields users, groups and roles share and registers
// the principal's account; the caller fills in the rest.
func (d *decoder) common(b *builder, n *node, path string, kind access.PrincipalKind, nameKey, idKey string) (*access.Principal, *owner, error) {
	name, err := d.required(n, nameKey, path)
	if err != nil {
		return nil, nil, err
	}
	p := &access.Principal{
		ID:         PrincipalID(kind, name),
		System:     access.SystemAWS,
		Kind:       kind,
		Attributes: map[string]string{},
		Source:     d.source(n, path),
	}
	if first, dup := b.principals[p.ID]; dup {
		return nil, nil, d.errorf(n, ptr(path, nameKey), "duplicate %s name %q (first at %s)", kind, name, first)
	}
	b.principals[p.ID] = path
	arn, err := d.str(n, "Arn", path)
	if err != nil {
		return nil, nil, err
	}
	p.Name = arn
	if arn == "" {
		p.Name = name
	} else {
		p.Attributes["arn"] = arn
	}
	for _, f := range [...][2]string{{idKey, "id"}, {"Path", "path"}} {
		key, attr := f[0], f[1]
		v, err := d.str(n, key, path)
		if err != nil {
			return nil, nil, err
		}
		if v != "" {
			p.Attributes[attr] = v
		}
	}
	if p.Created, err = d.time(n, "CreateDate", path); err != nil {
		return nil, nil, err
	}
	if err := d.boundary(n, path, p); err != nil {
		return nil, nil, err
	}
	if err := d.tags(n, path, p); err != nil {
		return nil, nil, err
	}
	o := &owner{kind: kind, name: name, id: p.ID, account: b.account(arn, p.Source), path: path}
	return p, o, nil
}

func (d *decoder) group(b *builder, n *node, path string) error {
	p, o, err := d.common(b, n, path, access.KindGroup, "GroupName", "GroupId")
	if err != nil {
		return err
	}
	if err := d.policies(b, n, o, "GroupPolicyList"); err != nil {
		return err
	}
	b.finish(p)
	return nil
}

func (d *decoder) user(b *builder, n *node, path string) error {
	p, o, err := d.common(b, n, path, access.KindUser, "UserName", "UserId")
	if err != nil {
		return err
	}
	p.Human = access.Yes
	if p.LastActive, err = d.time(n, "PasswordLastUsed", path); err != nil {
		return err
	}
	groups, _, err := d.strings(n.get("GroupList"), ptr(path, "GroupList"), "GroupList")
	if err != nil {
		return err
	}
	for _, g := range groups {
		p.MemberOf = append(p.MemberOf, PrincipalID(access.KindGroup, g))
	}
	if err := d.policies(b, n, o, "UserPolicyList"); err != nil {
		return err
	}
	b.finish(p)
	return nil
}

func (d *decoder) role(b *builder, n *node, path string) error {
	p, o, err := d.common(b, n, path, access.KindRole, "RoleName", "RoleId")
	if err != nil {
		return err
	}
	p.Human = access.No
	if lu := n.get("RoleLastUsed"); !lu.isNull() {
		lpath := ptr(path, "RoleLastUsed")
		if err := d.object(lu, lpath, "RoleLastUsed"); err != nil {
			return err
		}
		if p.LastActive, err = d.time(lu, "LastUsedDate", lpath); err != nil {
			return err
		}
		region, err := d.str(lu, "Region", lpath)
		if err != nil {
			return err
		}
		if region != "" {
			p.Attributes["last_used_region"] = region
		}
	}
	if trust := n.get("AssumeRolePolicyDocument"); !trust.isNull() {
		tpath := ptr(path, "AssumeRolePolicyDocument")
		tp, err := d.policy(trust, tpath)
		if err != nil {
			return err
		}
		p.AssumableBy = assumableBy(tp)
		if trust.kind == 'o' {
			p.Attributes["assume_role_policy"] = string(d.compact(trust))
		} else {
			text, err := d.embeddedText(trust, tpath) // parsed above: cannot fail
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			_ = json.Compact(&buf, text)
			p.Attributes["assume_role_policy"] = buf.String()
		}
	}
	profiles, err := d.list(n, "InstanceProfileList", path)
	if err != nil {
		return err
	}
	var names []string
	for i, ip := range profiles {
		ipath := ptr(ptr(path, "InstanceProfileList"), i)
		if err := d.object(ip, ipath, "instance profile"); err != nil {
			return err
		}
		name, err := d.str(ip, "InstanceProfileName", ipath)
		if err != nil {
			return err
		}
		names = append(names, name)
	}
	if len(names) > 0 {
		slices.Sort(names)
		p.Attributes["instance_profiles"] = strings.Join(names, ",")
	}
	if err := d.policies(b, n, o, "RolePolicyList"); err != nil {
		return err
	}
	b.finish(p)
	return nil
}

// finish adds p to the model.
func (b *builder) finish(p *access.Principal) {
	if len(p.Attributes) == 0 {
		p.Attributes = nil
	}
	b.m.Principals = append(b.m.Principals, *p)
}

// assumeActions are the actions that let a principal become a role.
var assumeActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}

// assumableBy lists the principals of the Allow statements of a trust
// policy that grant an sts:AssumeRole* action: "*" for a statement with
// NotPrincipal (everyone but the listed principals).
func assumableBy(p *Policy) []string {
	var out []string
	for _, s := range p.Statements {
		if s.Effect != access.Allow {
			continue
		}
		grants := false
		for _, a := range assumeActions {
			if len(s.NotActions) > 0 && !access.MatchAny(s.NotActions, a, true) ||
				len(s.Actions) > 0 && access.MatchAny(s.Actions, a, true) {
				grants = true
			}
		}
		if !grants {
			continue
		}
		out = append(out, s.Principals...)
		if len(s.NotPrincipals) > 0 {
			out = append(out, "*")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// policies reads the owner's inline policies under key and its
// AttachedManagedPolicies, adding roles and bindings.
func (d *decoder) policies(b *builder, n *node, o *owner, key string) error {
	scope := access.Scope{Kind: "account", Name: o.account}
	inl, err := d.list(n, key, o.path)
	if err != nil {
		return err
	}
	for i, e := range inl {
		ipath := ptr(ptr(o.path, key), i)
		if err := d.object(e, ipath, "inline policy"); err != nil {
			return err
		}
		name, err := d.required(e, "PolicyName", ipath)
		if err != nil {
			return err
		}
		pol, err := d.policy(e.get("PolicyDocument"), ptr(ipath, "PolicyDocument"))
		if err != nil {
			return err
		}
		id := InlinePolicyID(o.kind, o.name, name)
		if first, dup := b.roles[id]; dup {
			return d.errorf(e, ipath, "duplicate inline policy %q of %s %q (first at %s)", name, o.kind, o.name, first)
		}
		b.roles[id] = ipath
		src := d.source(e, ipath)
		b.m.Roles = append(b.m.Roles, access.Role{
			ID:          id,
			System:      access.SystemAWS,
			Name:        name,
			Kind:        "InlinePolicy",
			Permissions: pol.Permissions(),
			Source:      src,
		})
		if err := b.bind(d, e, bindingPrefix+string(o.kind)+"/"+o.name+"/inline/"+name, o.id, id, scope, src); err != nil {
			return err
		}
	}
	att, err := d.list(n, "AttachedManagedPolicies", o.path)
	if err != nil {
		return err
	}
	for i, e := range att {
		apath := ptr(ptr(o.path, "AttachedManagedPolicies"), i)
		if err := d.object(e, apath, "attached policy"); err != nil {
			return err
		}
		arn, err := d.str(e, "PolicyArn", apath)
		if err != nil {
			return err
		}
		name, err := d.str(e, "PolicyName", apath)
		if err != nil {
			return err
		}
		if name == "" {
			name = arnName(arn)
		}
		if name == "" {
			return d.errorf(e, apath, "attached policy has neither PolicyName nor PolicyArn")
		}
		id := b.managedID(name, arn)
		bid := bindingPrefix + string(o.kind) + "/" + o.name + "/managed/" + strings.TrimPrefix(id, policyPrefix)
		if err := b.bind(d, e, bid, o.id, id, scope, d.source(e, apath)); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) bind(d *decoder, n *node, id, principal, role string, scope access.Scope, src access.Source) error {
	if first, dup := b.bindings[id]; dup {
		return d.errorf(n, src.Path, "policy attached twice (first at %s)", first)
	}
	b.bindings[id] = src.Path
	b.m.Bindings = append(b.m.Bindings, access.Binding{ID: id, Principal: principal, Role: role, Scope: scope, Source: src})
	return nil
}

// boundary keeps a permissions boundary's ARN as an attribute.
func (d *decoder) boundary(n *node, path string, p *access.Principal) error {
	pb := n.get("PermissionsBoundary")
	if pb.isNull() {
		return nil
	}
	bpath := ptr(path, "PermissionsBoundary")
	if err := d.object(pb, bpath, "PermissionsBoundary"); err != nil {
		return err
	}
	arn, err := d.str(pb, "PermissionsBoundaryArn", bpath)
	if err != nil {
		return err
	}
	if arn != "" {
		p.Attributes["permissions_boundary"] = arn
	}
	return nil
}

// tags keeps tags as "tag:<Key>" attributes.
func (d *decoder) tags(n *node, path string, p *access.Principal) error {
	tags, err := d.list(n, "Tags", path)
	if err != nil {
		return err
	}
	for i, t := range tags {
		tpath := ptr(ptr(path, "Tags"), i)
		if err := d.object(t, tpath, "tag"); err != nil {
			return err
		}
		k, err := d.required(t, "Key", tpath)
		if err != nil {
			return err
		}
		v, err := d.str(t, "Value", tpath)
		if err != nil {
			return err
		}
		p.Attributes["tag:"+k] = v
	}
	return nil
}

// timeLayouts are the date forms exports use: the AWS CLI's ISO 8601
// and the str() of a Python datetime that boto3-based tools write.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// time reads obj[key] as a date, in UTC; zero when absent.
func (d *decoder) time(obj *node, key, path string) (time.Time, error) {
	s, err := d.str(obj, key, path)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, d.errorf(obj.get(key), ptr(path, key), "%s %q is not a date", key, s)
}

// arnParts splits an ARN into its six fields; nil when s is not an ARN.
func arnParts(s string) []string {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return nil
	}
	return p
}

func accountOf(arn string) string {
	if p := arnParts(arn); p != nil {
		return p[4]
	}
	return ""
}

// arnName is the last path element of an ARN's resource.
func arnName(arn string) string {
	p := arnParts(arn)
	if p == nil {
		return ""
	}
	return p[5][strings.LastIndexByte(p[5], '/')+1:]
}

// isAWSManaged reports whether arn names an AWS managed policy
// ("arn:aws:iam::aws:policy/...", in any partition).
func isAWSManaged(arn string) bool {
	p := arnParts(arn)
	return p != nil && p[2] == "iam" && p[4] == "aws" && strings.HasPrefix(p[5], "policy/")
}
