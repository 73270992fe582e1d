package main

import (
	"github.com/aspmkit/aspm/access"
)

// The actions routes require.
const (
	actionRead   = "portal:read"
	actionTriage = "portal:triage"
	actionUpload = "portal:upload"
)

// The roles a users file may name.
const (
	roleViewer  = "viewer"
	roleTriager = "triager"
	roleAdmin   = "admin"
)

var roleNames = []string{roleViewer, roleTriager, roleAdmin}

// portalSystem is the access.System the portal's roles belong to.
const portalSystem access.System = "aspm-portal"

// roles are the portal's roles as access roles: each grants its actions on
// every resource of the portal.
var roles = map[string]access.Role{
	roleViewer: {ID: "portal-role:viewer", System: portalSystem, Name: roleViewer, Builtin: true,
		Permissions: []access.Permission{allow(actionRead)}},
	roleTriager: {ID: "portal-role:triager", System: portalSystem, Name: roleTriager, Builtin: true,
		Permissions: []access.Permission{allow(actionRead, actionTriage)}},
	roleAdmin: {ID: "portal-role:admin", System: portalSystem, Name: roleAdmin, Builtin: true,
		Permissions: []access.Permission{allow("portal:*")}},
}

func allow(actions ...string) access.Permission {
	return access.Permission{Effect: access.Allow, Actions: actions, Resources: []string{"*"}}
}

// authorized reports whether role may do action on resource: some allow
// statement of the role matches and no deny statement does (deny wins, as
// in every system access models).
func authorized(role, action, resource string) bool {
	r, ok := roles[role]
	if !ok {
		return false
	}
	allowed := false
	for _, p := range r.Permissions {
		if !permits(p, action, resource) {
			continue
		}
		if p.Effect == access.Deny {
			return false
		}
		if p.Effect == access.Allow {
			allowed = true
		}
	}
	return allowed
}

// permits reports whether p's actions and resources cover action on
// resource.
func permits(p access.Permission, action, resource string) bool {
	if !matchAny(p.Actions, action) || matchAny(p.NotActions, action) {
		return false
	}
	if len(p.Resources) > 0 && !matchAny(p.Resources, resource) {
		return false
	}
	return !matchAny(p.NotResources, resource)
}

// matchAny reports whether s matches one of the access patterns.
func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if access.Match(p, s) {
			return true
		}
	}
	return false
}
