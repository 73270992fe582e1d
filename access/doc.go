// Package access models who can do what — principals, roles, permissions
// and bindings of Kubernetes RBAC, AWS IAM, GitHub organizations and other
// systems — and finds where that is more than needed.
//
// # Model
//
// A [Model] holds [Principal]s (users, groups, service accounts, roles
// others assume, federated identities), [Role]s (named sets of
// [Permission]s), [Binding]s that grant a role to a principal within a
// [Scope], organization-level [Account] settings, and optional [Usage]
// data. Importers fill it: package access/k8s reads Kubernetes RBAC
// manifests, access/awsiam IAM policies and account
// authorization-details exports, access/github organization data in the
// shapes of GitHub's REST API. Several models merge with [Model.Merge].
//
// Permissions match with [Match] and [MatchFold]: "*" matches any run of
// characters, "?" one character.
//
// This package does not import OPA: adaptive access decisions, which run
// Rego, live in package access/decide.
package access
