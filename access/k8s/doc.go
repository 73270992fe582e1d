// Package k8s imports Kubernetes RBAC into an [access.Model]: who
// (users, groups, service accounts) is granted which verbs on which
// resources, by which Roles and ClusterRoles, through which bindings.
//
// [Read] takes a stream of manifests — YAML documents separated by "---",
// or JSON, as kubectl get -o yaml and install manifests give them —
// and returns the model; [ReadAll] also returns [Stats]; [ReadFile] and
// [ReadFiles] read files, the latter several as one stream. [Detect]
// sniffs whether input looks like RBAC manifests.
//
// # What is read
//
// Role, ClusterRole, RoleBinding and ClusterRoleBinding of
// rbac.authorization.k8s.io (v1, v1beta1, v1alpha1), ServiceAccount (v1),
// and lists of them: kind List, and typed lists (RoleList,
// RoleBindingList...) whose items may omit kind and apiVersion. Objects of
// other kinds (Deployment, Service, webhook configurations...) are skipped
// and counted in [Stats.Skipped]. Namespaced objects that name no
// namespace are in [Options.Namespace] ([DefaultNamespace] when empty). An
// object defined twice replaces the earlier definition, as kubectl apply
// does, and is listed in [Stats.Replaced].
//
// # The mapping
//
// A ServiceAccount becomes the principal [ServiceAccountID]
// ("kubernetes:service_account:<ns>/<name>", Human no, Attributes
// "namespace", "defined" = "true" and, when set, "automount_token").
// Every binding subject becomes a principal too, since Kubernetes users,
// groups and referenced service accounts exist without an object: User
// subjects are [UserID] (Human yes, unless the name starts with
// "system:"), Group subjects [GroupID], ServiceAccount subjects
// [ServiceAccountID] with Attributes "defined" = "false" when the input
// never defines that ServiceAccount. A ServiceAccount subject of a
// RoleBinding without a namespace is in the binding's namespace. A User
// subject named "system:serviceaccount:<ns>:<name>", the user name a
// service account authenticates as, is that service account.
//
// A ClusterRole becomes the role [ClusterRoleID]
// ("kubernetes:role:clusterrole/<name>", Kind "ClusterRole", zero Scope), a
// Role [RoleID] ("kubernetes:role:role/<ns>/<name>", Kind "Role", Scope
// namespace <ns>). Builtin marks the roles Kubernetes ships: names that
// start with "system:", and cluster-admin, admin, edit and view. Each rule
// becomes one [access.Permission] written as the access package fixes it:
// Actions are the verbs as written; Resources the cross product of
// apiGroups and resources, "<group>/<resource>" with the core group empty
// ("/secrets", "apps/deployments", "/pods/exec", "*/*"), and
// "nonresource:<path>" for nonResourceURLs; ResourceNames keeps
// resourceNames. Rules are checked as the API server checks them (verbs
// present, resources with apiGroups, no nonResourceURLs in a Role).
//
// Each subject of a binding becomes one [access.Binding] with ID
// "kubernetes:binding:clusterrolebinding/<name>#<i>" or
// "kubernetes:binding:rolebinding/<ns>/<name>#<i>", i the subject's index,
// and Scope cluster for a ClusterRoleBinding, namespace <ns> for a
// RoleBinding (which may reference a ClusterRole: its permissions then
// apply in that namespace only). A binding's Role is the ID of the role it
// references whether or not the input defines it; the dangling-binding
// analyzer reports those that are missing.
//
// # Implicit groups
//
// Kubernetes puts every authenticated principal in system:authenticated,
// every service account in system:serviceaccounts and
// system:serviceaccounts:<ns>, and anonymous requests (user
// system:anonymous) in system:unauthenticated. When a binding names one
// of those groups, the principals of the model that belong to it list it
// in MemberOf.
//
// # Aggregation
//
// A ClusterRole with an aggregationRule (admin, edit, view and the like;
// often with rules: null, which means no rules of its own) gets, besides
// its own rules, the rules of every ClusterRole of the same call whose
// labels match one of its clusterRoleSelectors (matchLabels and
// matchExpressions), and of the ClusterRoles those aggregate, up to the
// fixed point: admin aggregates edit, which aggregates view. Each rule is
// kept once. Aggregation runs over everything one call reads, so read the
// manifests of a cluster with one [ReadFiles] call, or concatenate them
// into one stream, rather than merging models read separately.
// [Stats.Aggregated] lists the aggregated roles and [Stats.RoleLabels] the
// labels aggregation selected on.
//
// # Source locations
//
// Every object's [access.Source] names the file, the line of the object
// (of the subject, for bindings and the principals subjects create) and
// its place in the stream: "#2" for the second document, "#1 items[3]" for
// an item of a list, "#4 subjects[0]" for a subject.
//
// # Errors and limits
//
// Bad input gives an [*access.ParseError] naming the file, the line and
// the document and field ("#2 rules[0].verbs"); a bad object fails the
// whole call, it is never dropped. It wraps [access.ErrSyntax] for invalid
// YAML and objects that break the RBAC schema, [access.ErrUnsupported] for
// input of another kind (documents that are not Kubernetes objects, RBAC
// versions this package does not know) and for unrendered Helm templates
// ("{{ .Values.name }}" where a name belongs), and [access.ErrLimit] for
// input beyond [Options.MaxBytes], [Options.MaxResources] or
// [MaxAggregationWork], or YAML aliases that expand too far.
//
// # Hostile input
//
// The input is held to limits while it is read: at most
// [Options.MaxBytes]; in YAML, no line longer than limits.MaxStringBytes
// (16 MiB); in JSON, no string longer than that and no nesting deeper than
// limits.MaxDepth (512). Each is [access.ErrLimit] at its line, the read
// stopped there. Beyond that:
//
//   - Aliases are followed with a budget of ten visits per node of the
//     document (plus 10,000), and resource strings are bounded by
//     [Options.MaxResources]: a billion laughs, or rules aliasing a list of
//     resources thousands of times, is [access.ErrLimit] (or a schema
//     error at the first alias, when lists are nested where the schema
//     has none). The work and memory follow the budget, so the size of
//     the document.
//   - YAML nested deeper than 10,000 and invalid UTF-8 are
//     [access.ErrSyntax] (or [access.ErrUnsupported] when nothing in the
//     input looks like Kubernetes) with their line.
//   - Empty documents are skipped: 100,000 "---" are an empty model.
//   - A field read given twice ("name" of a subject) is
//     [access.ErrSyntax], as for the API server: which one would count is
//     not for aspm to guess.
//
// The functions of this package keep no state between calls and may be
// called from several goroutines at once.
package k8s
