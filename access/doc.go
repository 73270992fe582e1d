// Package access models who can do what — principals, roles, permissions
// and bindings of Kubernetes RBAC, AWS IAM, GitHub organizations, GCP and
// Azure — and finds where that is more than needed.
//
// # Model
//
// A [Model] holds [Principal]s (users, groups, service accounts, roles
// others assume, federated identities), [Role]s (named sets of
// [Permission]s: allow or deny, actions and resources with wildcards,
// NotActions and NotResources, conditions kept as written), [Binding]s
// that grant a role to a principal within a [Scope], organization-level
// [Account] settings (MFA or SSO required), and optional [Usage] data
// ([ReadUsage]). Importers fill it: package access/k8s reads Kubernetes
// RBAC manifests, access/awsiam IAM policies and account
// authorization-details exports, access/github organization data in the
// shapes of GitHub's REST API, access/gcp Cloud Asset Inventory exports,
// access/azure role definitions and assignments; access/load recognizes
// them all by content. Several models merge with [Model.Merge].
//
// Permissions match with [Match] and [MatchFold]: "*" matches any run of
// characters, "?" one character.
//
// # Analyzers
//
// [Analyze] runs the least-privilege analyzers ([Analyzers]) and returns
// ordinary [findings.Finding]s of kind access, tool [ToolName], so they
// flow through correlate, risk, compliance and report like any other
// finding. Each has its rule ID:
//
//   - [RuleAdmin]: a grant of every action on every resource (cluster-admin
//     and its equivalents, AdministratorAccess, roles/owner, Owner,
//     GitHub admin); critical for workload identities, broad groups and
//     outside identities. A deny-all elsewhere takes it back.
//   - [RuleWildcard]: wildcard actions ("s3:*", verbs "*") or wildcard
//     resources with write actions.
//   - [RuleBroadGrant]: rights granted to everyone, every authenticated
//     user or every service account.
//   - [RuleEscalation]: the shortest privilege-escalation path to an
//     administrator, shown step by step (see below).
//   - [RuleUnused]: grants whose actions the usage data shows unused for
//     [Options.UnusedAfter].
//   - [RuleStale]: accounts not active for [Options.StaleAfter].
//   - [RuleNoMFA], [RuleMFANotEnforced], [RuleLocalAccount]: people
//     without a second factor, organizations that do not require one,
//     local accounts where single sign-on is required.
//   - [RuleExternalAdmin]: outside collaborators and identities of other
//     domains with administrator rights.
//   - [RuleToxicPair]: separation-of-duties conflicts ([ToxicPair],
//     [DefaultToxicPairs]).
//   - [RuleDangling]: bindings to roles or subjects that do not exist.
//     Roles every cluster or account defines (cluster-admin, system:
//     roles, AdministratorAccess) are known without being read.
//
// A finding names the file and line of what it is about, its logical
// location the principal or role, and a fingerprint keeps its identity
// across runs. Conditions on the permissions behind a finding are
// reported (Properties "conditions", confidence medium), never ignored.
//
// # Escalation paths
//
// A principal can become another when what it may do lets it act with the
// other's rights. Kubernetes: impersonate users, groups or service
// accounts; create pods (or workloads) in a namespace, mint service
// account tokens, read secrets or exec into pods there, which runs as its
// service accounts; escalate or bind on roles together with writing role
// bindings, which grants cluster-admin. AWS: attach, put or publish a new
// version of a policy of one's own, join a group, rewrite a role's trust;
// create access keys or login profiles of other users; pass a role to a
// service that runs code (EC2, Lambda, Glue, CloudFormation, Data
// Pipeline, ECS, SageMaker, CodeBuild) when the role trusts that service;
// take over running compute (update a function's code, SSM, EC2 Instance
// Connect); assume roles, with trust by name or by account. GCP: set IAM
// policy, act as or mint tokens for service accounts. Azure: write role
// assignments or definitions. One breadth-first search backwards from the
// administrators finds every principal's shortest path; steps that reach
// many principals at once ("any service account of namespace ci") go
// through one virtual node, so the search stays linear in the model's
// size. AWS paths stay within an account.
//
// What the search cannot see: which function or instance runs under which
// AWS role (taking over running compute is assumed to reach every role the
// service may assume), permission boundaries and service control
// policies, resource-based policies other than trust policies, and the
// rights of built-in roles an input binds without defining (other than the
// administrator roles).
//
// # Usage documents
//
// [ReadUsage] reads a document of at most [MaxUsageBytes], held while it
// is read to limits.MaxStringBytes (16 MiB) a string and limits.MaxDepth
// (512) the nesting: beyond them, a [*ParseError] wrapping [ErrLimit] with
// the line, column and byte. A key given twice keeps its last value and
// invalid UTF-8 becomes U+FFFD, as with encoding/json; a time that is not
// an RFC 3339 string (1e400) is [ErrSyntax].
//
// This package does not import OPA: adaptive access decisions, which run
// Rego, live in package access/decide.
package access
