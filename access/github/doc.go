// Package github imports who can do what in a GitHub organization into an
// [access.Model]: members, owners, outside collaborators, teams, and the
// roles they hold on repositories, read from JSON in the shapes the GitHub
// REST API returns.
//
// [Read] takes an [io.Reader] and [Options]; [ReadFile] reads a file;
// [Detect] sniffs whether bytes look like input this package reads.
//
// # Input
//
// Read accepts two forms, told apart by their first character.
//
// A JSON array is a recording of REST exchanges in the nock format that
// octokit/fixtures uses: objects {"scope", "method", "path", "status",
// "response", ...}. Only successful (2xx) GET exchanges are read, each by
// its path (query included; a GitHub Enterprise Server "/api/v3" prefix is
// dropped); writes (PUT, PATCH, DELETE) are not replayed, so every list a
// recording shows adds to the model. The paths read are:
//
//	GET /orgs/{org}                                 the organization
//	GET /orgs/{org}/members                         members (?role=admin: owners;
//	                                                ?filter=2fa_disabled: members without 2FA)
//	GET /orgs/{org}/outside_collaborators           outside collaborators (?filter=2fa_disabled too)
//	GET /orgs/{org}/teams                           teams
//	GET /orgs/{org}/teams/{team_slug}/members       a team's members
//	GET /orgs/{org}/teams/{team_slug}/repos         a team's repositories, with "permissions"/"role_name"
//	GET /orgs/{org}/credential-authorizations       SAML SSO credential authorizations
//	GET /repos/{owner}/{repo}/collaborators         collaborators, with "permissions"/"role_name"
//	                                                (?affiliation=outside: outside collaborators)
//	GET /repos/{owner}/{repo}/teams                 teams with access, with "permission(s)"
//	GET /repos/{owner}/{repo}                       checked, binds nobody ("permissions" are the caller's)
//
// Other paths are skipped.
//
// A JSON object is an export: the responses of those calls assembled into
// one document, as a script of `gh api --paginate` calls produces it. Every
// key is optional, but at least one must be present; lists of the
// organization need "organization" for its login:
//
//	{
//	  "organization":          <GET /orgs/{org}>,
//	  "members":               [<GET /orgs/{org}/members items>],
//	  "admins":                [<GET /orgs/{org}/members?role=admin items>],
//	  "members_2fa_disabled":  [<GET /orgs/{org}/members?filter=2fa_disabled items>],
//	  "outside_collaborators": [<GET /orgs/{org}/outside_collaborators items>],
//	  "outside_collaborators_2fa_disabled":
//	                           [<GET /orgs/{org}/outside_collaborators?filter=2fa_disabled items>],
//	  "teams": [<GET /orgs/{org}/teams item> + {
//	      "members":      [<GET /orgs/{org}/teams/{team_slug}/members items>],
//	      "repositories": [<GET /orgs/{org}/teams/{team_slug}/repos items>]
//	  }],
//	  "repositories": [<GET /repos/{owner}/{repo}> + {
//	      "collaborators":         [<GET /repos/{owner}/{repo}/collaborators items>],
//	      "outside_collaborators": [<... collaborators?affiliation=outside items>],
//	      "teams":                 [<GET /repos/{owner}/{repo}/teams items>]
//	  }],
//	  "credential_authorizations": [<GET /orgs/{org}/credential-authorizations items>]
//	}
//
// Fields the importer does not use are ignored, so whole API responses can
// be stored as they come.
//
// # Model
//
// Users become principals "github:user:<login>" (Human yes, no for type
// "Bot"); outside collaborators are External. When a 2fa_disabled list is
// present, the users it lists have MFA no and the other members (or
// outside collaborators) of that list's kind MFA yes; without it MFA is
// unknown. Users with a SAML credential authorization have SSO yes and
// LastActive from its last use. Teams become group principals
// "github:team:<org>/<slug>"; members list the team in MemberOf, and a
// child team lists its parent.
//
// The organization becomes the account "github:org:<login>", with
// MFARequired from two_factor_requirement_enabled and its other settings
// (default_repository_permission, members_can_create_repositories, ...)
// as attributes.
//
// Every model holds the built-in roles of [BuiltinRoles]: repository roles
// [RoleRepoPull], [RoleRepoTriage], [RoleRepoPush], [RoleRepoMaintain] and
// [RoleRepoAdmin], whose actions are "repo:pull" ... "repo:admin" (each
// role holds the actions of the weaker ones), and organization roles
// [RoleOrgMember] ("org:member") and [RoleOrgAdmin] (the owner: "org:admin"
// and every repository action). A custom repository role named in
// role_name becomes the role "github:role:repo/<org>/<name>" with the
// actions of the base role its permissions object shows.
//
// Bindings grant those roles: owners [RoleOrgAdmin] and other members
// [RoleOrgMember] with Scope{Kind: "org", Name: <org>}; collaborators and
// teams the role of their role_name ("write" is push, "read" pull) or, when
// it is absent, of the highest true flag of their permissions object
// {admin, maintain, push, triage, pull}, with Scope{Kind: "repo", Name:
// "<owner>/<repo>"}. Binding IDs are
// "github:binding:<scope name>:<role>:<principal>".
//
// # Errors and limits
//
// Bad input gives a [*access.ParseError] with the file, line and JSON
// pointer of the problem, wrapping [access.ErrSyntax] (invalid JSON, a
// field of the wrong type, a user without a login, a grant without a
// role), [access.ErrUnsupported] (not GitHub data: YAML, Terraform, another
// JSON format) or [access.ErrLimit] (input over [Options.MaxBytes],
// [DefaultMaxBytes] by default). Read never returns part of a model with
// an error.
//
// # Hostile input
//
// The input is held to limits while it is read: at most
// [Options.MaxBytes]; no string longer than limits.MaxStringBytes (16 MiB)
// and no nesting deeper than limits.MaxDepth (512), each [access.ErrLimit]
// with the line, column and byte, the read stopped there (a 500 MB string
// costs about 16 MiB read). Invalid UTF-8 in a string becomes U+FFFD, as
// encoding/json does, and the value is then checked like any other (a
// login or e-mail address with U+FFFD is not one).
// A key given twice in an object read is [access.ErrSyntax] naming its
// pointer (for objects decoded whole, keys are compared without regard to
// case, as encoding/json matches them).
package github
