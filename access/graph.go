package access

import (
	"slices"
	"strings"
)

// index is a Model prepared for analysis: lookups by ID, each principal's
// grants (its bindings and those of the groups it belongs to), and the
// roles classified.
type index struct {
	m          *Model
	principals map[string]*Principal
	roles      map[string]*Role
	direct     map[string][]*Binding // bindings by principal ID
	members    map[string][]string   // group ID -> member principal IDs
	byKind     map[kindKey][]string  // principals by system and kind, sorted
	accounts   map[System][]*Account
	admin      map[string]bool // role ID -> admin-equivalent
	grants     map[string][]grant
	trustedBy  map[string][]string // principal ID or name -> roles whose trust names it
}

type kindKey struct {
	system System
	kind   PrincipalKind
}

// grant is one role a principal holds, directly or through a group.
type grant struct {
	binding *Binding
	role    *Role // nil when the binding names a role the model lacks
	via     string
}

func newIndex(m *Model) *index {
	x := &index{
		m:          m,
		principals: make(map[string]*Principal, len(m.Principals)),
		roles:      make(map[string]*Role, len(m.Roles)),
		direct:     map[string][]*Binding{},
		members:    map[string][]string{},
		byKind:     map[kindKey][]string{},
		accounts:   map[System][]*Account{},
		admin:      make(map[string]bool, len(m.Roles)),
		grants:     make(map[string][]grant, len(m.Principals)),
		trustedBy:  map[string][]string{},
	}
	for i := range m.Principals {
		p := &m.Principals[i]
		x.principals[p.ID] = p
		k := kindKey{p.System, p.Kind}
		x.byKind[k] = append(x.byKind[k], p.ID)
		for _, g := range p.MemberOf {
			x.members[g] = append(x.members[g], p.ID)
		}
		for _, t := range p.AssumableBy {
			if t != "*" && !strings.HasSuffix(t, ":root") && len(t) != 12 {
				x.trustedBy[t] = append(x.trustedBy[t], p.ID)
			}
		}
	}
	for k := range x.byKind {
		slices.Sort(x.byKind[k])
	}
	for i := range m.Roles {
		r := &m.Roles[i]
		x.roles[r.ID] = r
		x.admin[r.ID] = isAdminRole(r)
	}
	for i := range m.Bindings {
		b := &m.Bindings[i]
		x.direct[b.Principal] = append(x.direct[b.Principal], b)
		if _, ok := x.roles[b.Role]; !ok {
			if r := builtinRole(b.Role); r != nil {
				x.roles[r.ID] = r
				x.admin[r.ID] = isAdminRole(r)
			}
		}
	}
	for i := range m.Accounts {
		a := &m.Accounts[i]
		x.accounts[a.System] = append(x.accounts[a.System], a)
	}
	return x
}

// grantsOf returns the grants of principal id: its own bindings, then
// those of its groups (transitively, each group once), in a stable order.
func (x *index) grantsOf(id string) []grant {
	if g, ok := x.grants[id]; ok {
		return g
	}
	var out []grant
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		via := ""
		if cur != id {
			via = cur
		}
		for _, b := range x.direct[cur] {
			out = append(out, grant{binding: b, role: x.roles[b.Role], via: via})
		}
		if p := x.principals[cur]; p != nil {
			for _, g := range p.MemberOf {
				if !seen[g] {
					seen[g] = true
					queue = append(queue, g)
				}
			}
		}
	}
	x.grants[id] = out
	return out
}

// Actions and resources that mean "everything".
func fullWildcard(s string) bool {
	return s == "*" || s == "*:*" || s == "*/*" || s == "*/*/*"
}

// isAdminRole reports whether r grants every action on every resource it
// can reach: an allowed "*" action on "*" resources (or on its scope,
// for roles without resources) that no deny in the role takes back, or a
// role the system defines as its administrator.
func isAdminRole(r *Role) bool {
	if adminRoleNames[r.System][r.Name] {
		return true
	}
	admin := false
	for _, p := range r.Permissions {
		if p.Effect == Deny && slices.ContainsFunc(p.Actions, fullWildcard) && (len(p.Resources) == 0 || slices.ContainsFunc(p.Resources, fullWildcard)) {
			return false
		}
		if p.Effect != Allow || len(p.NotActions) > 0 || len(p.NotResources) > 0 || len(p.ResourceNames) > 0 {
			continue
		}
		if !slices.ContainsFunc(p.Actions, fullWildcard) {
			continue
		}
		// Azure's resources are the scopes a role may be assigned at: a
		// role with every action is an administrator of its scope.
		if len(p.Resources) == 0 || slices.ContainsFunc(p.Resources, fullWildcard) || r.System == SystemAzure {
			admin = true
		}
	}
	return admin
}

// adminRoleNames are roles each system defines as all-powerful within
// their scope, whose permissions an importer may not list.
var adminRoleNames = map[System]map[string]bool{
	SystemKubernetes: {"cluster-admin": true},
	SystemAWS:        {"AdministratorAccess": true},
	SystemGitHub:     {"admin": true, "org/admin": true, "owner": true},
	SystemGCP:        {"roles/owner": true},
	SystemAzure:      {"Owner": true},
}

// allows reports whether the permissions of role r allow action on
// resource (patterns in the permissions, plain strings here), with no
// deny of r matching; fold compares without case (AWS). An empty
// resource matches any resource pattern.
func allows(r *Role, action, resource string, fold bool) (bool, *Permission) {
	var hit *Permission
	for i := range r.Permissions {
		p := &r.Permissions[i]
		if !permMatches(p, action, resource, fold) {
			continue
		}
		if p.Effect == Deny {
			return false, nil
		}
		if hit == nil {
			hit = p
		}
	}
	return hit != nil, hit
}

// With NotActions alone (AWS's NotAction) a permission matches every
// action but those; with Actions and NotActions (Azure), the actions
// matched minus those.
func permMatches(p *Permission, action, resource string, fold bool) bool {
	if len(p.NotActions) > 0 && MatchAny(p.NotActions, action, fold) {
		return false
	}
	if len(p.Actions) > 0 && !MatchAny(p.Actions, action, fold) {
		return false
	}
	if len(p.Actions) == 0 && len(p.NotActions) == 0 {
		return false
	}
	if resource == "" {
		return true
	}
	switch {
	case len(p.NotResources) > 0:
		return !MatchAny(p.NotResources, resource, fold)
	case len(p.Resources) == 0:
		return true
	default:
		return MatchAny(p.Resources, resource, fold)
	}
}

// foldFor reports whether a system compares actions without case.
func foldFor(s System) bool { return s == SystemAWS || s == SystemAzure }

// readOnlyAction reports whether an action only reads, by its verb.
func readOnlyAction(s System, action string) bool {
	if s == SystemKubernetes {
		return action == "get" || action == "list" || action == "watch"
	}
	verb := action
	if i := strings.LastIndexAny(action, ":./"); i >= 0 {
		verb = action[i+1:]
	}
	verb = strings.ToLower(verb)
	for _, p := range []string{"get", "list", "describe", "view", "read", "pull", "search", "lookup", "batchget", "query", "scan", "simulate", "generatecredentialreport", "generateservicelastaccesseddetails"} {
		if strings.HasPrefix(verb, p) {
			return true
		}
	}
	return false
}

// broadPrincipal reports whether p stands for many identities at once:
// every authenticated user, anyone at all, every service account.
func broadPrincipal(p *Principal, extra []string) bool {
	if slices.Contains(extra, p.ID) || slices.Contains(extra, p.Name) {
		return true
	}
	switch p.System {
	case SystemKubernetes:
		return p.Kind == KindGroup && (p.Name == "system:authenticated" || p.Name == "system:unauthenticated" ||
			p.Name == "system:serviceaccounts" || strings.HasPrefix(p.Name, "system:serviceaccounts:"))
	case SystemGCP:
		return p.Name == "allUsers" || p.Name == "allAuthenticatedUsers"
	case SystemAWS:
		return p.Name == "*"
	}
	return false
}

// builtinRole returns the role a system defines under id when an input
// binds it without defining it (a ClusterRoleBinding to cluster-admin,
// an attachment of AdministratorAccess): the administrator roles with
// their permissions, the other well-known roles as stubs without
// permissions (they exist, so a binding to them is not dangling, but what
// they grant is not known here). nil for any other id.
func builtinRole(id string) *Role {
	if name, ok := strings.CutPrefix(id, "kubernetes:role:clusterrole/"); ok {
		r := &Role{ID: id, System: SystemKubernetes, Name: name, Kind: "ClusterRole", Builtin: true}
		switch {
		case name == "cluster-admin":
			r.Permissions = []Permission{
				{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*/*"}},
				{Effect: Allow, Actions: []string{"*"}, Resources: []string{"nonresource:*"}},
			}
			return r
		case name == "admin" || name == "edit" || name == "view" || strings.HasPrefix(name, "system:"):
			return r
		}
		return nil
	}
	if name, ok := strings.CutPrefix(id, "aws:policy:"); ok && name == "AdministratorAccess" {
		return &Role{ID: id, System: SystemAWS, Name: name, Kind: "ManagedPolicy", Builtin: true,
			Permissions: []Permission{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}
	}
	return nil
}
