package github

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
)

// The IDs of the built-in roles.
const (
	RoleRepoAdmin    = "github:role:repo/admin"
	RoleRepoMaintain = "github:role:repo/maintain"
	RoleRepoPush     = "github:role:repo/push"
	RoleRepoTriage   = "github:role:repo/triage"
	RoleRepoPull     = "github:role:repo/pull"
	RoleOrgAdmin     = "github:role:org/admin"
	RoleOrgMember    = "github:role:org/member"
)

// repoLevels are the base repository roles, strongest first; each grants
// its own action and those of every role after it.
var repoLevels = []string{"admin", "maintain", "push", "triage", "pull"}

// repoActions returns the actions of the base repository role level.
func repoActions(level string) []string {
	i := slices.Index(repoLevels, level)
	if i < 0 {
		return nil
	}
	out := make([]string, 0, len(repoLevels)-i)
	for _, l := range repoLevels[i:] {
		out = append(out, "repo:"+l)
	}
	return out
}

// BuiltinRoles returns GitHub's base repository roles (pull, triage,
// push, maintain, admin, with IDs [RoleRepoPull] ... [RoleRepoAdmin]) and
// organization roles ([RoleOrgMember], [RoleOrgAdmin] for owners), as
// [Read] adds them to every model. Their permissions list actions only:
// they apply to the scope of the binding that grants them. Each call
// returns new values, so it is safe for concurrent use.
func BuiltinRoles() []access.Role {
	var out []access.Role
	for _, l := range repoLevels {
		out = append(out, access.Role{
			ID: "github:role:repo/" + l, System: access.SystemGitHub, Name: l, Kind: "RepositoryRole",
			Builtin:     true,
			Permissions: []access.Permission{{Effect: access.Allow, Actions: repoActions(l)}},
		})
	}
	out = append(out,
		access.Role{
			ID: RoleOrgAdmin, System: access.SystemGitHub, Name: "org/admin", Kind: "OrganizationRole", Builtin: true,
			Permissions: []access.Permission{{Effect: access.Allow,
				Actions: append([]string{"org:admin", "org:member"}, repoActions("admin")...)}},
		},
		access.Role{
			ID: RoleOrgMember, System: access.SystemGitHub, Name: "org/member", Kind: "OrganizationRole", Builtin: true,
			Permissions: []access.Permission{{Effect: access.Allow, Actions: []string{"org:member"}}},
		})
	return out
}

// builder collects the objects read from one input.
type builder struct {
	d          *jsondoc.Doc
	principals map[string]*access.Principal
	roles      map[string]*access.Role
	bindings   map[string]*access.Binding
	accounts   map[string]*access.Account
	orgs       map[string]*orgState
}

// orgState is what the lists of one organization said about its users.
type orgState struct {
	members          map[string]access.Source // login → where listed
	admins           map[string]access.Source
	mfaOff           map[string]bool
	mfaListed        bool
	outside          map[string]bool
	outsideMFAOff    map[string]bool
	outsideMFAListed bool
	saml             bool
}

func newBuilder(d *jsondoc.Doc) *builder {
	b := &builder{d: d,
		principals: map[string]*access.Principal{},
		roles:      map[string]*access.Role{},
		bindings:   map[string]*access.Binding{},
		accounts:   map[string]*access.Account{},
		orgs:       map[string]*orgState{},
	}
	for _, r := range BuiltinRoles() {
		r.Source = access.Source{File: d.File}
		b.roles[r.ID] = &r
	}
	return b
}

func (b *builder) org(login string) *orgState {
	o := b.orgs[login]
	if o == nil {
		o = &orgState{members: map[string]access.Source{}, admins: map[string]access.Source{},
			mfaOff: map[string]bool{}, outside: map[string]bool{}, outsideMFAOff: map[string]bool{}}
		b.orgs[login] = o
	}
	return o
}

// validName reports whether s can be a GitHub login, team slug or
// repository name: letters, digits, ".", "_", "-", and the brackets of
// app logins ("dependabot[bot]").
func validName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '_' || c == '-' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

// splitFullName splits "owner/name".
func splitFullName(s string) (owner, name string, ok bool) {
	owner, name, ok = strings.Cut(s, "/")
	return owner, name, ok && validName(owner) && validName(name)
}

// account adds the organization o, read at n.
func (b *builder) account(o organization, n jsondoc.Node) error {
	if !validName(o.Login) {
		return b.d.Errorf(n, "organization: login %q is missing or not a GitHub login", o.Login)
	}
	a := access.Account{ID: "github:org:" + o.Login, System: access.SystemGitHub, Name: o.Login,
		Attributes: map[string]string{}, Source: b.d.Source(n)}
	if o.TwoFactorRequirementEnabled != nil {
		a.MFARequired = access.TriOf(*o.TwoFactorRequirementEnabled)
	}
	if o.ID != nil {
		a.Attributes["id"] = strconv.FormatInt(*o.ID, 10)
	}
	if o.DefaultRepositoryPermission != "" {
		a.Attributes["default_repository_permission"] = o.DefaultRepositoryPermission
	}
	for k, v := range map[string]*bool{
		"members_can_create_repositories":          o.MembersCanCreateRepositories,
		"members_can_create_public_repositories":   o.MembersCanCreatePublicRepositories,
		"members_can_create_private_repositories":  o.MembersCanCreatePrivateRepositories,
		"members_can_create_internal_repositories": o.MembersCanCreateInternalRepositories,
		"members_can_fork_private_repositories":    o.MembersCanForkPrivateRepositories,
		"web_commit_signoff_required":              o.WebCommitSignoffRequired,
	} {
		if v != nil {
			a.Attributes[k] = strconv.FormatBool(*v)
		}
	}
	if o.Plan != nil && o.Plan.Name != "" {
		a.Attributes["plan"] = o.Plan.Name
	}
	if len(a.Attributes) == 0 {
		a.Attributes = nil
	}
	if old, ok := b.accounts[a.ID]; ok {
		// A second GET of the organization: keep the first, fill gaps.
		if old.MFARequired == access.Unknown {
			old.MFARequired = a.MFARequired
		}
		for k, v := range a.Attributes {
			if _, ok := old.Attributes[k]; !ok {
				if old.Attributes == nil {
					old.Attributes = map[string]string{}
				}
				old.Attributes[k] = v
			}
		}
		return nil
	}
	b.accounts[a.ID] = &a
	b.org(o.Login)
	return nil
}

// user adds (or finds) the principal of the user object at n.
func (b *builder) user(n jsondoc.Node) (*access.Principal, user, error) {
	var u user
	if err := b.d.Decode(n, &u); err != nil {
		return nil, u, err
	}
	if !validName(u.Login) {
		at := n
		at.Ptr += "/login"
		return nil, u, b.d.Errorf(at, "user: login %q is missing or not a GitHub login", u.Login)
	}
	id := "github:user:" + u.Login
	p := b.principals[id]
	if p == nil {
		p = &access.Principal{ID: id, System: access.SystemGitHub, Kind: access.KindUser, Name: u.Login,
			Human: access.Yes, Source: b.d.Source(n)}
		b.principals[id] = p
	}
	if u.Type == "Bot" {
		p.Human = access.No
	}
	setAttr(p, "type", u.Type)
	setAttr(p, "node_id", u.NodeID)
	if u.ID != nil {
		setAttr(p, "id", strconv.FormatInt(*u.ID, 10))
	}
	if u.SiteAdmin {
		setAttr(p, "site_admin", "true")
	}
	return p, u, nil
}

// setAttr sets an attribute of p unless it is set already or v is empty.
func setAttr(p *access.Principal, k, v string) {
	if v == "" {
		return
	}
	if p.Attributes == nil {
		p.Attributes = map[string]string{}
	}
	if _, ok := p.Attributes[k]; !ok {
		p.Attributes[k] = v
	}
}

// The organization lists a user can be read from.
type list int

const (
	listMembers list = iota
	listAdmins
	listMFADisabled
	listOutside
	listOutsideMFADisabled
)

// listed adds the users of the array n, an organization list.
func (b *builder) listed(org string, n jsondoc.Node, l list) error {
	items, err := b.d.Elems(n)
	if err != nil {
		return err
	}
	o := b.org(org)
	switch l {
	case listMFADisabled:
		o.mfaListed = true
	case listOutsideMFADisabled:
		o.outsideMFAListed = true
	}
	for _, it := range items {
		p, _, err := b.user(it)
		if err != nil {
			return err
		}
		login := p.Name
		switch l {
		case listMembers:
			if _, ok := o.members[login]; !ok {
				o.members[login] = b.d.Source(it)
			}
		case listAdmins:
			if _, ok := o.admins[login]; !ok {
				o.admins[login] = b.d.Source(it)
			}
		case listMFADisabled:
			o.mfaOff[login] = true
		case listOutside:
			o.outside[login] = true
			p.External = true
		case listOutsideMFADisabled:
			o.outsideMFAOff[login] = true
			o.outside[login] = true
			p.External = true
		}
	}
	return nil
}

// team adds (or completes) the principal of the team object at n of
// organization org.
func (b *builder) team(org string, n jsondoc.Node) (*access.Principal, team, error) {
	var t team
	if err := b.d.Decode(n, &t); err != nil {
		return nil, t, err
	}
	if !validName(t.Slug) {
		at := n
		at.Ptr += "/slug"
		return nil, t, b.d.Errorf(at, "team: slug %q is missing or not a team slug", t.Slug)
	}
	p := b.teamRef(org, t.Slug, n)
	if t.ID != nil {
		setAttr(p, "id", strconv.FormatInt(*t.ID, 10))
	}
	setAttr(p, "node_id", t.NodeID)
	setAttr(p, "name", t.Name)
	setAttr(p, "privacy", t.Privacy)
	if t.Parent != nil && t.Parent.Slug != "" {
		if !validName(t.Parent.Slug) {
			at := n
			at.Ptr += "/parent/slug"
			return nil, t, b.d.Errorf(at, "team: parent slug %q is not a team slug", t.Parent.Slug)
		}
		p.MemberOf = addOnce(p.MemberOf, teamID(org, t.Parent.Slug))
	}
	return p, t, nil
}

func teamID(org, slug string) string { return "github:team:" + org + "/" + slug }

// teamRef returns the principal of team org/slug, adding it when new.
func (b *builder) teamRef(org, slug string, n jsondoc.Node) *access.Principal {
	id := teamID(org, slug)
	p := b.principals[id]
	if p == nil {
		p = &access.Principal{ID: id, System: access.SystemGitHub, Kind: access.KindGroup,
			Name: org + "/" + slug, Source: b.d.Source(n)}
		b.principals[id] = p
	}
	return p
}

func addOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// teamMembers adds the users of the array n as members of team org/slug.
func (b *builder) teamMembers(org, slug string, n jsondoc.Node, teamAt jsondoc.Node) error {
	items, err := b.d.Elems(n)
	if err != nil {
		return err
	}
	tid := b.teamRef(org, slug, teamAt).ID
	for _, it := range items {
		p, _, err := b.user(it)
		if err != nil {
			return err
		}
		p.MemberOf = addOnce(p.MemberOf, tid)
	}
	return nil
}

// teamRepos binds team org/slug to the repositories of the array n.
func (b *builder) teamRepos(org, slug string, n jsondoc.Node, teamAt jsondoc.Node) error {
	items, err := b.d.Elems(n)
	if err != nil {
		return err
	}
	tid := b.teamRef(org, slug, teamAt).ID
	for _, it := range items {
		var r repository
		if err := b.d.Decode(it, &r); err != nil {
			return err
		}
		full, err := b.fullName(r, it)
		if err != nil {
			return err
		}
		if err := b.grant(tid, full, r.RoleName, r.Permissions, "", it); err != nil {
			return err
		}
	}
	return nil
}

// fullName returns "owner/name" of repository r read at n.
func (b *builder) fullName(r repository, n jsondoc.Node) (string, error) {
	full := r.FullName
	if full == "" && r.Owner != nil && r.Name != "" {
		full = r.Owner.Login + "/" + r.Name
	}
	if _, _, ok := splitFullName(full); !ok {
		at := n
		at.Ptr += "/full_name"
		return "", b.d.Errorf(at, "repository: full_name %q is missing or not \"owner/name\"", full)
	}
	return full, nil
}

// collaborators binds the users of the array n to repository full.
// outside marks them as outside collaborators (affiliation=outside).
func (b *builder) collaborators(full string, n jsondoc.Node, outside bool) error {
	items, err := b.d.Elems(n)
	if err != nil {
		return err
	}
	owner, _, _ := splitFullName(full)
	for _, it := range items {
		p, u, err := b.user(it)
		if err != nil {
			return err
		}
		if outside {
			p.External = true
			b.org(owner).outside[p.Name] = true
		}
		if err := b.grant(p.ID, full, u.RoleName, u.Permissions, "", it); err != nil {
			return err
		}
	}
	return nil
}

// repoTeams binds the teams of the array n (GET /repos/{o}/{r}/teams) to
// repository full.
func (b *builder) repoTeams(full string, n jsondoc.Node) error {
	items, err := b.d.Elems(n)
	if err != nil {
		return err
	}
	owner, _, _ := splitFullName(full)
	for _, it := range items {
		p, t, err := b.team(owner, it)
		if err != nil {
			return err
		}
		if err := b.grant(p.ID, full, "", t.Permissions, t.Permission, it); err != nil {
			return err
		}
	}
	return nil
}

// grant binds principal pid to the repository role that roleName,
// perms or (last) permission name, on repository full.
func (b *builder) grant(pid, full, roleName string, perms *permissions, permission string, n jsondoc.Node) error {
	owner, _, _ := splitFullName(full)
	rid, ok := b.repoRole(owner, roleName, perms, permission, n)
	if !ok {
		if perms != nil {
			return nil // a permissions object granting nothing: no access
		}
		return b.d.Errorf(n, "no role_name or permissions: cannot tell the role granted on %s", full)
	}
	b.bind(pid, rid, access.Scope{Kind: "repo", Name: full}, n)
	return nil
}

// baseLevel maps a role or permission name to a base role level.
func baseLevel(name string) string {
	switch name {
	case "admin":
		return "admin"
	case "maintain":
		return "maintain"
	case "write", "push":
		return "push"
	case "triage":
		return "triage"
	case "read", "pull":
		return "pull"
	}
	return ""
}

// highest is the strongest level perms grant, or "".
func (p *permissions) highest() string {
	switch {
	case p == nil:
		return ""
	case p.Admin:
		return "admin"
	case p.Maintain:
		return "maintain"
	case p.Push:
		return "push"
	case p.Triage:
		return "triage"
	case p.Pull:
		return "pull"
	}
	return ""
}

// repoRole returns the ID of the role a grant names: roleName when set
// (a custom repository role becomes a role of its own, with the
// permissions of the base level perms shows), else the highest level of
// perms, else permission.
func (b *builder) repoRole(owner, roleName string, perms *permissions, permission string, n jsondoc.Node) (string, bool) {
	if roleName != "" {
		if l := baseLevel(roleName); l != "" {
			return "github:role:repo/" + l, true
		}
		id := "github:role:repo/" + owner + "/" + roleName
		if _, ok := b.roles[id]; !ok {
			r := &access.Role{ID: id, System: access.SystemGitHub, Name: roleName, Kind: "CustomRepositoryRole",
				Scope: access.Scope{Kind: "org", Name: owner}, Permissions: []access.Permission{}, Source: b.d.Source(n)}
			if l := perms.highest(); l != "" {
				r.Permissions = []access.Permission{{Effect: access.Allow, Actions: repoActions(l)}}
			}
			b.roles[id] = r
		}
		return id, true
	}
	if l := perms.highest(); l != "" {
		return "github:role:repo/" + l, true
	}
	if l := baseLevel(permission); l != "" {
		return "github:role:repo/" + l, true
	}
	return "", false
}

// bind adds a binding of principal pid to role rid within scope.
func (b *builder) bind(pid, rid string, scope access.Scope, n jsondoc.Node) {
	b.bindSource(pid, rid, scope, b.d.Source(n))
}

func (b *builder) bindSource(pid, rid string, scope access.Scope, src access.Source) {
	id := "github:binding:" + scope.Name + ":" + strings.TrimPrefix(rid, "github:role:") + ":" +
		strings.TrimPrefix(pid, "github:")
	if _, ok := b.bindings[id]; ok {
		return
	}
	b.bindings[id] = &access.Binding{ID: id, Principal: pid, Role: rid, Scope: scope, Source: src}
}

// credentials reads the array n of credential authorizations of org.
func (b *builder) credentials(org string, n jsondoc.Node) error {
	items, err := b.d.Elems(n)
	if err != nil {
		return err
	}
	b.org(org).saml = true
	for _, it := range items {
		var c credentialAuthorization
		if err := b.d.Decode(it, &c); err != nil {
			return err
		}
		if !validName(c.Login) {
			at := it
			at.Ptr += "/login"
			return b.d.Errorf(at, "credential authorization: login %q is missing or not a GitHub login", c.Login)
		}
		id := "github:user:" + c.Login
		p := b.principals[id]
		if p == nil {
			p = &access.Principal{ID: id, System: access.SystemGitHub, Kind: access.KindUser, Name: c.Login,
				Human: access.Yes, Source: b.d.Source(it)}
			b.principals[id] = p
		}
		p.SSO = access.Yes
		for _, t := range []*time.Time{c.CredentialAccessedAt, c.CredentialAuthorizedAt} {
			if t != nil && t.After(p.LastActive) {
				p.LastActive = t.UTC()
			}
		}
	}
	return nil
}

// model finishes the organization facts (org role bindings, MFA) and
// returns the sorted model.
func (b *builder) model() *access.Model {
	for _, org := range sortedKeys(b.orgs) {
		o := b.orgs[org]
		scope := access.Scope{Kind: "org", Name: org}
		for _, login := range sortedKeys(o.admins) {
			b.bindSource("github:user:"+login, RoleOrgAdmin, scope, o.admins[login])
		}
		for _, login := range sortedKeys(o.members) {
			if _, ok := o.admins[login]; !ok {
				b.bindSource("github:user:"+login, RoleOrgMember, scope, o.members[login])
			}
		}
		if o.mfaListed {
			for _, set := range []map[string]access.Source{o.members, o.admins} {
				for login := range set {
					b.setMFA(login, access.Yes)
				}
			}
		}
		if o.outsideMFAListed {
			for login := range o.outside {
				b.setMFA(login, access.Yes)
			}
		}
		for login := range o.mfaOff {
			b.setMFA(login, access.No)
		}
		for login := range o.outsideMFAOff {
			b.setMFA(login, access.No)
		}
		if a := b.accounts["github:org:"+org]; a != nil && o.saml {
			if a.Attributes == nil {
				a.Attributes = map[string]string{}
			}
			a.Attributes["saml_sso"] = "enabled"
		}
	}
	m := &access.Model{
		Principals: make([]access.Principal, 0, len(b.principals)),
		Roles:      make([]access.Role, 0, len(b.roles)),
		Bindings:   make([]access.Binding, 0, len(b.bindings)),
	}
	for _, p := range b.principals {
		slices.Sort(p.MemberOf)
		m.Principals = append(m.Principals, *p)
	}
	for _, r := range b.roles {
		m.Roles = append(m.Roles, *r)
	}
	for _, x := range b.bindings {
		m.Bindings = append(m.Bindings, *x)
	}
	for _, a := range b.accounts {
		m.Accounts = append(m.Accounts, *a)
	}
	m.Sort()
	return m
}

// setMFA sets the MFA of user login; No wins over Yes (a user listed
// without 2FA by any organization lacks it).
func (b *builder) setMFA(login string, v access.Tri) {
	p := b.principals["github:user:"+login]
	if p == nil || p.MFA == access.No {
		return
	}
	p.MFA = v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
