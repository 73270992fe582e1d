package github

import "time"

// The GitHub REST API shapes this package reads, limited to the fields it
// uses. Unknown fields are ignored, so full API responses decode.

// user is a "simple-user" (GET /orgs/{org}/members items), with the
// "permissions" and "role_name" of GET /repos/{owner}/{repo}/collaborators
// items.
type user struct {
	Login       string       `json:"login"`
	ID          *int64       `json:"id"`
	NodeID      string       `json:"node_id"`
	Type        string       `json:"type"`
	SiteAdmin   bool         `json:"site_admin"`
	Permissions *permissions `json:"permissions"`
	RoleName    string       `json:"role_name"`
}

// permissions is a repository permissions object.
type permissions struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

// organization is GET /orgs/{org}. The settings are pointers: GitHub
// leaves them out for callers who are not owners.
type organization struct {
	Login                                string `json:"login"`
	ID                                   *int64 `json:"id"`
	TwoFactorRequirementEnabled          *bool  `json:"two_factor_requirement_enabled"`
	DefaultRepositoryPermission          string `json:"default_repository_permission"`
	MembersCanCreateRepositories         *bool  `json:"members_can_create_repositories"`
	MembersCanCreatePublicRepositories   *bool  `json:"members_can_create_public_repositories"`
	MembersCanCreatePrivateRepositories  *bool  `json:"members_can_create_private_repositories"`
	MembersCanCreateInternalRepositories *bool  `json:"members_can_create_internal_repositories"`
	MembersCanForkPrivateRepositories    *bool  `json:"members_can_fork_private_repositories"`
	WebCommitSignoffRequired             *bool  `json:"web_commit_signoff_required"`
	Plan                                 *struct {
		Name string `json:"name"`
	} `json:"plan"`
}

// team is a GET /orgs/{org}/teams item, or a GET /repos/{owner}/{repo}/teams
// item (which adds the team's "permissions" on that repository).
type team struct {
	ID          *int64       `json:"id"`
	NodeID      string       `json:"node_id"`
	Name        string       `json:"name"`
	Slug        string       `json:"slug"`
	Privacy     string       `json:"privacy"`
	Permission  string       `json:"permission"`
	Permissions *permissions `json:"permissions"`
	Parent      *struct {
		Slug string `json:"slug"`
	} `json:"parent"`
}

// repository is GET /repos/{owner}/{repo}, or a "minimal-repository" of
// GET /orgs/{org}/teams/{team_slug}/repos with the team's "permissions"
// and "role_name".
type repository struct {
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Owner    *struct {
		Login string `json:"login"`
	} `json:"owner"`
	Private     *bool        `json:"private"`
	Visibility  string       `json:"visibility"`
	Archived    *bool        `json:"archived"`
	Permissions *permissions `json:"permissions"`
	RoleName    string       `json:"role_name"`
}

// credentialAuthorization is a GET /orgs/{org}/credential-authorizations
// item: a credential a member authorized for SAML single sign-on.
type credentialAuthorization struct {
	Login                  string     `json:"login"`
	CredentialType         string     `json:"credential_type"`
	CredentialAuthorizedAt *time.Time `json:"credential_authorized_at"`
	CredentialAccessedAt   *time.Time `json:"credential_accessed_at"`
}
