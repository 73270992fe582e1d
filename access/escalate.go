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
	case SystemAzure:
		return x.azureEdges(p)
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

// awsCompute maps the actions that start code under a role passed to
// them (iam:PassRole) to the service principal the role must trust.
var awsCompute = []struct{ action, service string }{
	{"ec2:RunInstances", "ec2.amazonaws.com"},
	{"lambda:CreateFunction", "lambda.amazonaws.com"},
	{"glue:CreateDevEndpoint", "glue.amazonaws.com"},
	{"glue:CreateJob", "glue.amazonaws.com"},
	{"cloudformation:CreateStack", "cloudformation.amazonaws.com"},
	{"datapipeline:CreatePipeline", "datapipeline.amazonaws.com"},
	{"ecs:RunTask", "ecs-tasks.amazonaws.com"},
	{"sagemaker:CreateNotebookInstance", "sagemaker.amazonaws.com"},
	{"sagemaker:CreateTrainingJob", "sagemaker.amazonaws.com"},
	{"sagemaker:CreateProcessingJob", "sagemaker.amazonaws.com"},
	{"codebuild:CreateProject", "codebuild.amazonaws.com"},
}

// awsHijack maps actions that run code in, or open a session on, compute
// that already runs under some role to the service principal such roles
// trust: whoever may do them acts as every role of that service (which
// function or instance runs under which role is not in an IAM export).
var awsHijack = []struct{ action, service string }{
	{"lambda:UpdateFunctionCode", "lambda.amazonaws.com"},
	{"glue:UpdateDevEndpoint", "glue.amazonaws.com"},
	{"cloudformation:UpdateStack", "cloudformation.amazonaws.com"},
	{"ssm:SendCommand", "ec2.amazonaws.com"},
	{"ssm:StartSession", "ec2.amazonaws.com"},
	{"ec2-instance-connect:SendSSHPublicKey", "ec2.amazonaws.com"},
	{"sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker.amazonaws.com"},
}

func (x *index) awsEdges(p *Principal) []step {
	var out []step
	seen := map[string]bool{}
	add := func(g grant, to, technique string, perm *Permission) {
		if to == p.ID || seen[to+"\x00"+technique] {
			return
		}
		seen[to+"\x00"+technique] = true
		st := step{From: p.ID, To: to, Technique: technique, Conditional: perm != nil && len(perm.Conditions) > 0}
		if g.binding != nil {
			st.Binding = g.binding.ID
		}
		if g.role != nil {
			st.Role = g.role.ID
		}
		out = append(out, st)
	}
	grants := x.grantsOf(p.ID)
	account := awsAccount(p.Name)
	// An allow counts unless an unconditional deny of any of the
	// principal's policies matches.
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
	// patterns returns the resource patterns of the allows that grant
	// action, for virtual nodes over the resources they match.
	type allowed struct {
		g       grant
		perm    *Permission
		pattern string
	}
	patterns := func(action string) []allowed {
		if denied(action, "*") {
			return nil
		}
		var res []allowed
		for _, g := range grants {
			if g.role == nil {
				continue
			}
			for i := range g.role.Permissions {
				perm := &g.role.Permissions[i]
				if perm.Effect != Allow || len(perm.NotResources) > 0 || !permMatches(perm, action, "", true) {
					continue
				}
				for _, r := range resourcesOr(perm, "*") {
					res = append(res, allowed{g, perm, r})
				}
			}
		}
		return res
	}

	// Rewriting one's own permissions.
	var self []struct{ action, resource string }
	if p.Kind == KindUser {
		self = append(self, struct{ action, resource string }{"iam:AttachUserPolicy", p.Name},
			struct{ action, resource string }{"iam:PutUserPolicy", p.Name})
	}
	for _, gid := range p.MemberOf {
		if gp := x.principals[gid]; gp != nil {
			self = append(self, struct{ action, resource string }{"iam:AttachGroupPolicy", gp.Name},
				struct{ action, resource string }{"iam:PutGroupPolicy", gp.Name})
		}
	}
	if p.Kind == KindGroup {
		self = append(self, struct{ action, resource string }{"iam:AttachGroupPolicy", p.Name},
			struct{ action, resource string }{"iam:PutGroupPolicy", p.Name})
	}
	if p.Kind == KindRole {
		self = append(self, struct{ action, resource string }{"iam:AttachRolePolicy", p.Name},
			struct{ action, resource string }{"iam:PutRolePolicy", p.Name})
	}
	// A new default version of a customer managed policy attached to the
	// principal (or its groups).
	for _, g := range grants {
		if g.role != nil && g.role.Kind == "ManagedPolicy" && !g.role.Builtin && account != "" {
			arn := "arn:aws:iam::" + account + ":policy/" + g.role.Name
			self = append(self, struct{ action, resource string }{"iam:CreatePolicyVersion", arn},
				struct{ action, resource string }{"iam:SetDefaultPolicyVersion", arn})
		}
	}
	for _, sa := range self {
		if g, perm, ok := can(sa.action, sa.resource); ok {
			add(g, adminNode, sa.action, perm)
		}
	}
	// Joining a group, signing in as other users, passing roles to
	// compute, taking over running compute, assuming roles: through
	// virtual nodes per resource pattern, within the principal's account.
	for _, a := range patterns("iam:AddUserToGroup") {
		if p.Kind == KindUser {
			add(a.g, "~aws-group:"+account+"|"+a.pattern, "iam:AddUserToGroup", a.perm)
		}
	}
	for _, action := range []string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"} {
		for _, a := range patterns(action) {
			add(a.g, "~aws-user:"+account+"|"+a.pattern, action, a.perm)
		}
	}
	for _, c := range awsCompute {
		if _, _, ok := can(c.action, ""); !ok {
			continue
		}
		for _, a := range patterns("iam:PassRole") {
			add(a.g, "~aws-role:"+account+"|"+c.service+"|"+a.pattern, "iam:PassRole+"+c.action, a.perm)
		}
	}
	// Taking over compute needs the action on every resource ("*"): a
	// grant narrowed to some functions or clusters reaches only their
	// roles, which the export does not tell.
	for _, h := range awsHijack {
		if g, perm, ok := can(h.action, "*"); ok {
			add(g, "~aws-role:"+account+"|"+h.service+"|*", h.action, perm)
		}
	}
	for _, a := range patterns("sts:AssumeRole") {
		add(a.g, "~aws-assume:"+account+"|"+a.pattern, "sts:AssumeRole", a.perm)
	}
	// Rewriting a role's trust policy to name oneself, then assuming it.
	if _, _, ok := can("sts:AssumeRole", ""); ok {
		for _, a := range patterns("iam:UpdateAssumeRolePolicy") {
			add(a.g, "~aws-role:"+account+"||"+a.pattern, "iam:UpdateAssumeRolePolicy+sts:AssumeRole", a.perm)
		}
	}
	// A role whose trust policy names the principal itself: in one
	// account, that alone lets it assume the role.
	for _, q := range x.trustedBy[p.Name] {
		r := x.principals[q]
		if awsAccount(r.Name) == account {
			add(grant{}, q, "sts:AssumeRole (trusted by name)", nil)
		} else if g, perm, ok := can("sts:AssumeRole", r.Name); ok {
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
	case "~aws-user", "~aws-group":
		account, pattern, _ := strings.Cut(arg, "|")
		kind := KindUser
		if v == "~aws-group:"+arg {
			kind = KindGroup
		}
		for _, q := range x.byKind[kindKey{SystemAWS, kind}] {
			if name := x.principals[q].Name; awsAccount(name) == account && MatchFold(pattern, name) {
				out = append(out, q)
			}
		}
	case "~aws-role":
		// account|service|pattern: roles of the account matching pattern
		// whose trust policy admits the service ("" for any role).
		parts := strings.SplitN(arg, "|", 3)
		if len(parts) != 3 {
			return nil
		}
		for _, q := range x.byKind[kindKey{SystemAWS, KindRole}] {
			r := x.principals[q]
			if awsAccount(r.Name) != parts[0] || !MatchFold(parts[2], r.Name) {
				continue
			}
			if parts[1] != "" && len(r.AssumableBy) > 0 && !slices.Contains(r.AssumableBy, "service:"+parts[1]) {
				continue
			}
			out = append(out, q)
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

// --- Azure --------------------------------------------------------------

// azureEdges: whoever may write role assignments (User Access
// Administrator, Role Based Access Control Administrator, a custom role
// with Microsoft.Authorization/*) can assign itself Owner.
func (x *index) azureEdges(p *Principal) []step {
	var out []step
	for _, g := range x.grantsOf(p.ID) {
		if g.role == nil {
			continue
		}
		for _, a := range []string{"Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleDefinitions/write"} {
			if ok, perm := allows(g.role, a, "", true); ok {
				out = append(out, step{From: p.ID, To: adminNode, Technique: a, Binding: g.binding.ID, Role: g.role.ID,
					Conditional: perm != nil && len(perm.Conditions) > 0})
				break
			}
		}
	}
	return out
}
