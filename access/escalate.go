package access

import (
	"slices"
	"strings"
)

// Privilege escalation. A principal can become another when what it may
// do lets it act with the other's rights: impersonate it, run a workload
// under its identity, read its credentials, or pass or assume its role. It
// can become an administrator outright when it may rewrite its own
// permissions (grant itself a role, edit a policy attached to it). The
// analyzer searches these steps for the shortest way from every principal
// that is not an administrator to one that is.

// adminNode is the virtual target "administrator of the system", reached
// by steps that rewrite one's own permissions.
const adminNode = "(administrator)"

// step is one move of an escalation path.
type step struct {
	From, To string
	// Technique names the move ("impersonate", "create-pod",
	// "iam:PassRole+ec2:RunInstances").
	Technique string
	// Via names the binding and role that allow it.
	Binding, Role string
	// Conditional is set when the permission carries conditions.
	Conditional bool
}

// escalationEdges returns the steps principal id can take.
func (x *index) escalationEdges(id string) []step {
	p := x.principals[id]
	if p == nil {
		return nil
	}
	switch p.System {
	case SystemKubernetes:
		return x.k8sEdges(p)
	case SystemAWS:
		return x.awsEdges(p)
	case SystemGCP:
		return x.gcpEdges(p)
	}
	return nil
}

// --- Kubernetes ---------------------------------------------------------

// k8sWorkloads are the resources whose creation runs a pod under a
// service account of the namespace.
var k8sWorkloads = []string{"/pods", "apps/deployments", "apps/daemonsets", "apps/statefulsets", "apps/replicasets",
	"batch/jobs", "batch/cronjobs", "/replicationcontrollers"}

func (x *index) k8sEdges(p *Principal) []step {
	var out []step
	for _, g := range x.grantsOf(p.ID) {
		if g.role == nil {
			continue
		}
		ns := "" // all namespaces
		if g.binding.Scope.Kind == "namespace" {
			ns = g.binding.Scope.Name
		}
		if g.role.Scope.Kind == "namespace" && ns == "" {
			ns = g.role.Scope.Name
		}
		add := func(to, technique string, perm *Permission) {
			if to == p.ID {
				return
			}
			out = append(out, step{From: p.ID, To: to, Technique: technique, Binding: g.binding.ID, Role: g.role.ID,
				Conditional: perm != nil && len(perm.Conditions) > 0})
		}
		can := func(verb, resource string) (bool, *Permission) { return allows(g.role, verb, resource, false) }
		// Rewriting RBAC: escalate or bind on roles, with the right to
		// write bindings, grants any role; at cluster scope, cluster-admin.
		// (At namespace scope it grants the namespace's roles only, which
		// this search does not follow.)
		if ns == "" {
			if technique, perm, ok := rbacRewrite(can); ok {
				add(adminNode, technique, perm)
			}
		}
		// Impersonation.
		for _, target := range []struct {
			resource string
			kind     PrincipalKind
		}{{"/users", KindUser}, {"/groups", KindGroup}, {"/serviceaccounts", KindServiceAccount}} {
			ok, perm := can("impersonate", target.resource)
			if !ok {
				continue
			}
			if len(perm.ResourceNames) == 0 {
				to := "~k8s-" + string(target.kind) + ":*"
				if target.kind == KindServiceAccount {
					to = k8sSANode(ns)
				}
				add(to, "impersonate-"+string(target.kind), perm)
				continue
			}
			for _, q := range x.byKind[kindKey{SystemKubernetes, target.kind}] {
				if target.kind == KindServiceAccount && !inNamespace(x.principals[q], ns) {
					continue
				}
				if slices.Contains(perm.ResourceNames, k8sObjectName(x.principals[q])) {
					add(q, "impersonate-"+string(target.kind), perm)
				}
			}
		}
		// Running as another service account of the namespace: create a
		// workload, mint a token, read token secrets, exec into pods.
		var techs []technique
		for _, w := range k8sWorkloads {
			if ok, perm := can("create", w); ok {
				techs = append(techs, technique{"create-" + w[strings.LastIndexByte(w, '/')+1:], perm})
				break
			}
		}
		if ok, perm := can("create", "/serviceaccounts/token"); ok {
			techs = append(techs, technique{"create-token", perm})
		}
		for _, verb := range []string{"get", "list"} {
			if ok, perm := can(verb, "/secrets"); ok && len(perm.ResourceNames) == 0 {
				techs = append(techs, technique{"read-secrets", perm})
				break
			}
		}
		if ok, perm := can("create", "/pods/exec"); ok {
			techs = append(techs, technique{"pods-exec", perm})
		}
		if ok, perm := can("create", "/nodes/proxy"); ok && ns == "" {
			techs = append(techs, technique{"nodes-proxy", perm})
		} else if ok, perm := can("get", "/nodes/proxy"); ok && ns == "" {
			techs = append(techs, technique{"nodes-proxy", perm})
		}
		for _, t := range techs {
			add(k8sSANode(ns), t.name, t.perm)
		}
	}
	return out
}

// technique is a way to act as another principal, and the permission
// that allows it.
type technique struct {
	name string
	perm *Permission
}

// rbacRewrite finds escalate or bind on roles together with the right to
// write role bindings.
func rbacRewrite(can func(verb, resource string) (bool, *Permission)) (string, *Permission, bool) {
	for _, rr := range []string{"rbac.authorization.k8s.io/clusterroles", "rbac.authorization.k8s.io/roles"} {
		okE, pe := can("escalate", rr)
		okB, pb := can("bind", rr)
		if !okE && !okB {
			continue
		}
		name := "bind"
		if okE {
			name = "escalate"
		}
		for _, rb := range []string{"rbac.authorization.k8s.io/clusterrolebindings", "rbac.authorization.k8s.io/rolebindings"} {
			for _, verb := range []string{"create", "update", "patch"} {
				if ok, pw := can(verb, rb); ok {
					return "rbac-" + name + "+" + verb + "-" + rb[strings.LastIndexByte(rb, '/')+1:], cmpPerm(pe, pb, pw), true
				}
			}
		}
	}
	return "", nil, false
}

func cmpPerm(ps ...*Permission) *Permission {
	for _, p := range ps {
		if p != nil && len(p.Conditions) > 0 {
			return p
		}
	}
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

// k8sSANode is the virtual node "any service account of namespace ns"
// ("" for every namespace).
func k8sSANode(ns string) string {
	if ns == "" {
		return "~k8s-service_account:*"
	}
	return "~k8s-service_account:" + ns
}

// inNamespace reports whether service account p is in namespace ns ("" for
// any).
func inNamespace(p *Principal, ns string) bool {
	if ns == "" {
		return true
	}
	return strings.HasPrefix(p.Name, ns+"/")
}

// k8sObjectName is a principal's name as resourceNames spell it (the
// service account's name without its namespace).
func k8sObjectName(p *Principal) string {
	if i := strings.IndexByte(p.Name, '/'); i >= 0 && p.Kind == KindServiceAccount {
		return p.Name[i+1:]
	}
	return p.Name
}

// --- AWS ----------------------------------------------------------------

// awsSelfEscalation are actions that let a principal rewrite its own
// permissions (attach or write a policy, publish a new policy version,
// join a group, rewrite a role's trust).
var awsSelfEscalation = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
	"iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy",
	"iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy",
}

// awsCredentialActions let a principal sign in as another user.
var awsCredentialActions = []string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"}

// awsCompute are the services that run code under a role passed to them.
var awsCompute = []string{"ec2:RunInstances", "lambda:CreateFunction", "glue:CreateDevEndpoint",
	"cloudformation:CreateStack", "datapipeline:CreatePipeline", "ecs:RunTask", "sagemaker:CreateNotebookInstance",
	"codebuild:CreateProject"}

func (x *index) awsEdges(p *Principal) []step {
	var out []step
	seen := map[string]bool{}
	add := func(g grant, to, technique string, perm *Permission) {
		if to == p.ID || seen[to+"\x00"+technique] {
			return
		}
		seen[to+"\x00"+technique] = true
		out = append(out, step{From: p.ID, To: to, Technique: technique, Binding: g.binding.ID, Role: g.role.ID,
			Conditional: perm != nil && len(perm.Conditions) > 0})
	}
	grants := x.grantsOf(p.ID)
	// The allow must not be denied by any of the principal's policies.
	denied := func(action, resource string) bool {
		for _, g := range grants {
			if g.role == nil {
				continue
			}
			for i := range g.role.Permissions {
				q := &g.role.Permissions[i]
				if q.Effect == Deny && len(q.Conditions) == 0 && permMatches(q, action, resource, true) {
					return true
				}
			}
		}
		return false
	}
	can := func(action, resource string) (grant, *Permission, bool) {
		if denied(action, resource) {
			return grant{}, nil, false
		}
		for _, g := range grants {
			if g.role == nil {
				continue
			}
			if ok, perm := allows(g.role, action, resource, true); ok {
				return g, perm, true
			}
		}
		return grant{}, nil, false
	}
	for _, a := range awsSelfEscalation {
		if g, perm, ok := can(a, p.Name); ok {
			add(g, adminNode, a, perm)
		}
	}
	// Signing in as other users: one virtual node per resource pattern.
	for _, g := range grants {
		if g.role == nil {
			continue
		}
		for i := range g.role.Permissions {
			perm := &g.role.Permissions[i]
			if perm.Effect != Allow || len(perm.NotResources) > 0 {
				continue
			}
			for _, a := range awsCredentialActions {
				if !permMatches(perm, a, "", true) || denied(a, "*") {
					continue
				}
				for _, res := range resourcesOr(perm, "*") {
					add(g, "~aws-user:"+res, a, perm)
				}
			}
		}
	}
	var compute string
	for _, c := range awsCompute {
		if _, _, ok := can(c, ""); ok {
			compute = c
			break
		}
	}
	for _, g := range grants {
		if g.role == nil {
			continue
		}
		for i := range g.role.Permissions {
			perm := &g.role.Permissions[i]
			if perm.Effect != Allow || len(perm.NotResources) > 0 {
				continue
			}
			if compute != "" && permMatches(perm, "iam:PassRole", "", true) && !denied("iam:PassRole", "*") {
				for _, res := range resourcesOr(perm, "*") {
					add(g, "~aws-role:"+res, "iam:PassRole+"+compute, perm)
				}
			}
			if permMatches(perm, "sts:AssumeRole", "", true) && !denied("sts:AssumeRole", "*") {
				// Roles that trust the whole account (or anyone) through one
				// virtual node per pattern and account; roles that name the
				// principal itself directly.
				for _, res := range resourcesOr(perm, "*") {
					add(g, "~aws-assume:"+awsAccount(p.Name)+"|"+res, "sts:AssumeRole", perm)
				}
			}
		}
	}
	for _, q := range x.trustedBy[p.Name] {
		if g, perm, ok := can("sts:AssumeRole", x.principals[q].Name); ok {
			add(g, q, "sts:AssumeRole", perm)
		}
	}
	return out
}

// resourcesOr is the permission's resource patterns, or def when it
// lists none.
func resourcesOr(p *Permission, def string) []string {
	if len(p.Resources) == 0 {
		return []string{def}
	}
	return p.Resources
}

// virtualTargets returns the principals a virtual node stands for.
func (x *index) virtualTargets(v string) []string {
	kind, arg, _ := strings.Cut(v, ":")
	var out []string
	switch kind {
	case "~k8s-service_account":
		for _, q := range x.byKind[kindKey{SystemKubernetes, KindServiceAccount}] {
			if arg == "*" || inNamespace(x.principals[q], arg) {
				out = append(out, q)
			}
		}
	case "~k8s-user":
		out = x.byKind[kindKey{SystemKubernetes, KindUser}]
	case "~k8s-group":
		out = x.byKind[kindKey{SystemKubernetes, KindGroup}]
	case "~aws-user":
		for _, q := range x.byKind[kindKey{SystemAWS, KindUser}] {
			if MatchFold(arg, x.principals[q].Name) {
				out = append(out, q)
			}
		}
	case "~aws-role":
		for _, q := range x.byKind[kindKey{SystemAWS, KindRole}] {
			if MatchFold(arg, x.principals[q].Name) {
				out = append(out, q)
			}
		}
	case "~aws-assume":
		account, pattern, _ := strings.Cut(arg, "|")
		for _, q := range x.byKind[kindKey{SystemAWS, KindRole}] {
			r := x.principals[q]
			if MatchFold(pattern, r.Name) && trustsAccount(r, account) {
				out = append(out, q)
			}
		}
	case "~gcp-service_account":
		out = x.byKind[kindKey{SystemGCP, KindServiceAccount}]
	}
	return out
}

// trustsAccount reports whether role's trust policy admits every
// principal of account (its root, its ID, or anyone).
func trustsAccount(role *Principal, account string) bool {
	for _, a := range role.AssumableBy {
		if a == "*" || (account != "" && (a == account || a == "arn:aws:iam::"+account+":root")) {
			return true
		}
	}
	return false
}

// awsAccount is the account ID field of an ARN.
func awsAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// --- GCP ----------------------------------------------------------------

func (x *index) gcpEdges(p *Principal) []step {
	var out []step
	for _, g := range x.grantsOf(p.ID) {
		if g.role == nil {
			continue
		}
		add := func(to, technique string, perm *Permission) {
			if to != p.ID {
				out = append(out, step{From: p.ID, To: to, Technique: technique, Binding: g.binding.ID, Role: g.role.ID,
					Conditional: perm != nil && len(perm.Conditions) > 0})
			}
		}
		for _, a := range []string{"resourcemanager.projects.setIamPolicy", "resourcemanager.organizations.setIamPolicy", "iam.roles.update"} {
			if ok, perm := allows(g.role, a, "", false); ok {
				add(adminNode, a, perm)
				break
			}
		}
		for _, a := range []string{"iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.signJwt", "iam.serviceAccounts.actAs", "iam.serviceAccountKeys.create"} {
			if ok, perm := allows(g.role, a, "", false); ok {
				add("~gcp-service_account:*", a, perm)
				break
			}
		}
	}
	return out
}
