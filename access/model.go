package access

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// System names the platform an identity or permission belongs to.
type System string

// The systems aspm imports.
const (
	SystemKubernetes System = "kubernetes"
	SystemAWS        System = "aws"
	SystemGitHub     System = "github"
	SystemGCP        System = "gcp"
	SystemAzure      System = "azure"
)

// PrincipalKind is the kind of identity a [Principal] is.
type PrincipalKind string

// The principal kinds.
const (
	// KindUser is a person's account (an IAM user, a GitHub member, a
	// Kubernetes user name).
	KindUser PrincipalKind = "user"
	// KindGroup is a set of principals that bindings can name (an IAM
	// group, a Kubernetes group, a GitHub team).
	KindGroup PrincipalKind = "group"
	// KindServiceAccount is a workload identity (a Kubernetes
	// ServiceAccount, a GCP service account).
	KindServiceAccount PrincipalKind = "service_account"
	// KindRole is an identity others assume (an AWS IAM role).
	KindRole PrincipalKind = "role"
	// KindFederated is an identity of another system trusted by this one
	// (a SAML or OIDC provider, another cloud account, allUsers).
	KindFederated PrincipalKind = "federated"
)

// Tri is a yes/no attribute that may be unknown.
type Tri string

// The values of a [Tri].
const (
	Unknown Tri = ""
	Yes     Tri = "yes"
	No      Tri = "no"
)

// TriOf is Yes for true and No for false.
func TriOf(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// Principal is an identity: who or what acts. Principals of one [Model]
// are keyed by ID, which should be unique across systems: importers use
// "<system>:<kind>:<name>" ("kubernetes:service_account:kube-system/default",
// "aws:user:alice", "github:user:octocat").
type Principal struct {
	ID     string        `json:"id"`
	System System        `json:"system"`
	Kind   PrincipalKind `json:"kind"`
	// Name is the principal's name as the system spells it (an ARN, a
	// login, "namespace/name").
	Name string `json:"name"`
	// MFA says whether the principal signs in with a second factor.
	MFA Tri `json:"mfa,omitempty"`
	// SSO says whether the account is managed by single sign-on (Yes) or
	// is a local account of the system (No).
	SSO Tri `json:"sso,omitempty"`
	// External marks an identity from outside the organization: an
	// outside collaborator, a member of another domain or account.
	External bool `json:"external,omitempty"`
	// Human says whether a person uses the principal (Yes for users, No
	// for service accounts and roles); Unknown when the system does not
	// tell.
	Human Tri `json:"human,omitempty"`
	// Created and LastActive are when the account was made and last used
	// (signed in, called an API); zero when unknown.
	Created    time.Time `json:"created,omitzero"`
	LastActive time.Time `json:"last_active,omitzero"`
	// MemberOf lists the IDs of the groups the principal is a member of.
	MemberOf []string `json:"member_of,omitempty"`
	// AssumableBy lists who may act as this principal: principal IDs, or
	// patterns of the system (an AWS role's trust policy principals, "*"
	// for anyone). Empty for a principal nobody else can become.
	AssumableBy []string `json:"assumable_by,omitempty"`
	// Attributes keeps other facts the importer read, as strings.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Source is where the principal was read.
	Source Source `json:"source"`
}

// Effect is whether a [Permission] grants or denies.
type Effect string

// The effects.
const (
	Allow Effect = "allow"
	Deny  Effect = "deny"
)

// Permission is a statement of what may (or may not) be done: actions on
// resources. Patterns use "*" for any run of characters and "?" for one
// character (see [Match]).
//
// Each system writes actions and resources its own way:
//
//   - Kubernetes: an action is a verb ("get", "create", "impersonate",
//     "*"); a resource is "<apiGroup>/<resource>[/<subresource>]" with
//     the core group empty ("/secrets", "apps/deployments", "/pods/exec",
//     "*/*"); a non-resource URL is "nonresource:<path>". ResourceNames
//     narrows the rule to named objects.
//   - AWS: an action is "service:Action" ("iam:PassRole", "s3:*", "*"),
//     matched without regard to case; a resource is an ARN pattern.
//     NotActions and NotResources keep IAM's NotAction and NotResource.
//   - GitHub: an action is a repository or organization capability
//     ("repo:admin", "repo:push", "org:admin"); a resource is
//     "<org>/<repo>" or "<org>".
//   - GCP and Azure: an action is a permission ("storage.buckets.get",
//     "Microsoft.Authorization/*/write"); a resource a resource name.
type Permission struct {
	Effect        Effect   `json:"effect"`
	Actions       []string `json:"actions,omitempty"`
	NotActions    []string `json:"not_actions,omitempty"`
	Resources     []string `json:"resources,omitempty"`
	NotResources  []string `json:"not_resources,omitempty"`
	ResourceNames []string `json:"resource_names,omitempty"`
	// Conditions keeps the conditions the statement carries, as written
	// (an IAM Condition block); analyzers report them instead of ignoring
	// them.
	Conditions json.RawMessage `json:"conditions,omitempty"`
}

// Role is a named set of permissions that bindings grant: a Kubernetes
// Role or ClusterRole, an IAM policy, a GitHub repository role, a GCP or
// Azure role definition.
type Role struct {
	ID     string `json:"id"`
	System System `json:"system"`
	Name   string `json:"name"`
	// Kind is the system's own name for it ("ClusterRole", "Role",
	// "ManagedPolicy", "InlinePolicy", "RepositoryRole").
	Kind string `json:"kind,omitempty"`
	// Scope limits where the role's permissions apply (a Kubernetes Role
	// lives in a namespace); the zero Scope means wherever it is bound.
	Scope Scope `json:"scope,omitzero"`
	// Builtin marks roles the system ships (AWS managed policies,
	// Kubernetes system: roles, GitHub's base roles).
	Builtin     bool         `json:"builtin,omitempty"`
	Permissions []Permission `json:"permissions"`
	// Source is where the role was read.
	Source Source `json:"source"`
}

// Scope is where a binding applies.
type Scope struct {
	// Kind is "cluster", "namespace", "account", "org", "repo", "project",
	// "resource"; empty for everywhere the role reaches.
	Kind string `json:"kind,omitempty"`
	// Name names the namespace, account, organization, repository or
	// resource.
	Name string `json:"name,omitempty"`
}

// IsZero reports whether s is the zero Scope.
func (s Scope) IsZero() bool { return s == Scope{} }

// String is "kind:name", "kind", or "" for the zero Scope.
func (s Scope) String() string {
	switch {
	case s.Name != "":
		return s.Kind + ":" + s.Name
	default:
		return s.Kind
	}
}

// Binding grants a role to a principal within a scope.
type Binding struct {
	ID        string `json:"id"`
	Principal string `json:"principal"`
	Role      string `json:"role"`
	Scope     Scope  `json:"scope,omitzero"`
	// Source is where the binding was read.
	Source Source `json:"source"`
}

// Account is an organization-level container of principals (an AWS
// account, a GitHub organization, a Kubernetes cluster) with the
// settings that apply to all of them.
type Account struct {
	ID     string `json:"id"`
	System System `json:"system"`
	Name   string `json:"name"`
	// MFARequired says whether the account enforces a second factor for
	// every member.
	MFARequired Tri `json:"mfa_required,omitempty"`
	// SSORequired says whether members must sign in through single
	// sign-on.
	SSORequired Tri `json:"sso_required,omitempty"`
	// Attributes keeps other settings the importer read.
	Attributes map[string]string `json:"attributes,omitempty"`
	Source     Source            `json:"source"`
}

// Usage records that a principal used an action, for unused-permission
// analysis: an access advisor's last-accessed data, a CloudTrail summary,
// an audit log.
type Usage struct {
	Principal string `json:"principal"`
	// Action is the action used, written like [Permission] actions; a
	// pattern ("s3:*") records use of some action it matches.
	Action   string    `json:"action"`
	Resource string    `json:"resource,omitempty"`
	LastUsed time.Time `json:"last_used"`
}

// Source says where an imported object was read.
type Source struct {
	// File is the file name the importer was given.
	File string `json:"file,omitempty"`
	// Line is the 1-based line of the object in the file, when known.
	Line int `json:"line,omitempty"`
	// Path locates the object within the document (a JSON pointer, a
	// document index "#3").
	Path string `json:"path,omitempty"`
}

// Model is what an importer read: principals, roles, bindings, accounts and
// usage. Build one with the importers (package access/k8s, access/awsiam,
// access/github, ...) or by hand, and merge several with [Model.Merge].
//
// A Model is a plain value: safe for concurrent reads, not for concurrent
// writes.
type Model struct {
	Principals []Principal `json:"principals"`
	Roles      []Role      `json:"roles"`
	Bindings   []Binding   `json:"bindings"`
	Accounts   []Account   `json:"accounts,omitempty"`
	Usage      []Usage     `json:"usage,omitempty"`
	// UsageSince is when usage recording began; zero when the Model has
	// no usage data (unused-permission analysis then does not run).
	UsageSince time.Time `json:"usage_since,omitzero"`
}

// ErrModel is wrapped by [Model.Validate]'s errors.
var ErrModel = errors.New("access: invalid model")

// Merge appends other's objects to m. Objects with an ID already in m are
// merged field by field: non-empty values of other fill empty ones of m,
// lists are unioned. Usage is appended; UsageSince keeps the later start
// (usage before it was not recorded everywhere).
func (m *Model) Merge(other *Model) {
	if other == nil {
		return
	}
	pi := indexOf(m.Principals, func(p Principal) string { return p.ID })
	for _, p := range other.Principals {
		if i, ok := pi[p.ID]; ok {
			mergePrincipal(&m.Principals[i], p)
			continue
		}
		pi[p.ID] = len(m.Principals)
		m.Principals = append(m.Principals, p)
	}
	ri := indexOf(m.Roles, func(r Role) string { return r.ID })
	for _, r := range other.Roles {
		if i, ok := ri[r.ID]; ok {
			if len(m.Roles[i].Permissions) == 0 {
				m.Roles[i].Permissions = r.Permissions
			}
			continue
		}
		ri[r.ID] = len(m.Roles)
		m.Roles = append(m.Roles, r)
	}
	bi := indexOf(m.Bindings, func(b Binding) string { return b.ID })
	for _, b := range other.Bindings {
		if _, ok := bi[b.ID]; ok {
			continue
		}
		bi[b.ID] = len(m.Bindings)
		m.Bindings = append(m.Bindings, b)
	}
	ai := indexOf(m.Accounts, func(a Account) string { return a.ID })
	for _, a := range other.Accounts {
		if i, ok := ai[a.ID]; ok {
			if m.Accounts[i].MFARequired == Unknown {
				m.Accounts[i].MFARequired = a.MFARequired
			}
			if m.Accounts[i].SSORequired == Unknown {
				m.Accounts[i].SSORequired = a.SSORequired
			}
			continue
		}
		ai[a.ID] = len(m.Accounts)
		m.Accounts = append(m.Accounts, a)
	}
	m.Usage = append(m.Usage, other.Usage...)
	if other.UsageSince.After(m.UsageSince) {
		m.UsageSince = other.UsageSince
	}
}

func indexOf[T any](list []T, id func(T) string) map[string]int {
	out := make(map[string]int, len(list))
	for i, x := range list {
		out[id(x)] = i
	}
	return out
}

func mergePrincipal(dst *Principal, src Principal) {
	if dst.Name == "" {
		dst.Name = src.Name
	}
	if dst.MFA == Unknown {
		dst.MFA = src.MFA
	}
	if dst.SSO == Unknown {
		dst.SSO = src.SSO
	}
	if dst.Human == Unknown {
		dst.Human = src.Human
	}
	dst.External = dst.External || src.External
	if dst.Created.IsZero() {
		dst.Created = src.Created
	}
	if src.LastActive.After(dst.LastActive) {
		dst.LastActive = src.LastActive
	}
	dst.MemberOf = union(dst.MemberOf, src.MemberOf)
	dst.AssumableBy = union(dst.AssumableBy, src.AssumableBy)
	for k, v := range src.Attributes {
		if dst.Attributes == nil {
			dst.Attributes = map[string]string{}
		}
		if _, ok := dst.Attributes[k]; !ok {
			dst.Attributes[k] = v
		}
	}
	if dst.Source == (Source{}) {
		dst.Source = src.Source
	}
}

func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

// Sort orders every list of m by ID (usage by principal, action, resource),
// so that a Model encodes the same way whatever order it was read in.
func (m *Model) Sort() {
	slices.SortFunc(m.Principals, func(a, b Principal) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(m.Roles, func(a, b Role) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(m.Bindings, func(a, b Binding) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(m.Accounts, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(m.Usage, func(a, b Usage) int {
		return cmp.Or(strings.Compare(a.Principal, b.Principal), strings.Compare(a.Action, b.Action),
			strings.Compare(a.Resource, b.Resource), a.LastUsed.Compare(b.LastUsed))
	})
}

// Validate checks what analyzers rely on: IDs present and unique per
// list, effects known. Bindings to principals or roles the model lacks
// are not errors (the dangling-binding analyzer reports them).
func (m *Model) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range m.Principals {
		switch {
		case p.ID == "":
			errs = append(errs, fmt.Errorf("%w: principals[%d]: empty id", ErrModel, i))
		case seen[p.ID]:
			errs = append(errs, fmt.Errorf("%w: principals[%d]: duplicate id %q", ErrModel, i, p.ID))
		}
		seen[p.ID] = true
	}
	seen = map[string]bool{}
	for i, r := range m.Roles {
		switch {
		case r.ID == "":
			errs = append(errs, fmt.Errorf("%w: roles[%d]: empty id", ErrModel, i))
		case seen[r.ID]:
			errs = append(errs, fmt.Errorf("%w: roles[%d]: duplicate id %q", ErrModel, i, r.ID))
		}
		seen[r.ID] = true
		for j, p := range r.Permissions {
			if p.Effect != Allow && p.Effect != Deny {
				errs = append(errs, fmt.Errorf("%w: roles[%d] (%s): permissions[%d]: effect %q", ErrModel, i, r.ID, j, p.Effect))
			}
		}
	}
	seen = map[string]bool{}
	for i, b := range m.Bindings {
		switch {
		case b.ID == "":
			errs = append(errs, fmt.Errorf("%w: bindings[%d]: empty id", ErrModel, i))
		case seen[b.ID]:
			errs = append(errs, fmt.Errorf("%w: bindings[%d]: duplicate id %q", ErrModel, i, b.ID))
		}
		seen[b.ID] = true
	}
	return errors.Join(errs...)
}
