package k8s_test

import (
	"bytes"
	"errors"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/k8s"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

const corpusDir = "access/kubernetes-rbac"

// role returns the role with the given ID, failing the test when absent.
func role(t *testing.T, m *access.Model, id string) access.Role {
	t.Helper()
	i := slices.IndexFunc(m.Roles, func(r access.Role) bool { return r.ID == id })
	require.GreaterOrEqual(t, i, 0, "role %s not in the model", id)
	return m.Roles[i]
}

func principal(t *testing.T, m *access.Model, id string) access.Principal {
	t.Helper()
	i := slices.IndexFunc(m.Principals, func(p access.Principal) bool { return p.ID == id })
	require.GreaterOrEqual(t, i, 0, "principal %s not in the model", id)
	return m.Principals[i]
}

// bound reports whether the model binds principal to role.
func bound(m *access.Model, principal, role string) bool {
	return slices.ContainsFunc(m.Bindings, func(b access.Binding) bool { return b.Principal == principal && b.Role == role })
}

// allows reports whether a rule of r without resourceNames grants verb on
// resource.
func allows(r access.Role, verb, resource string) bool {
	return slices.ContainsFunc(r.Permissions, func(p access.Permission) bool {
		return p.Effect == access.Allow && len(p.ResourceNames) == 0 &&
			access.MatchAny(p.Actions, verb, false) && access.MatchAny(p.Resources, resource, false)
	})
}

// allowsNamed reports whether a rule of r limited to resourceNames grants
// verb on the named resource.
func allowsNamed(r access.Role, verb, resource, name string) bool {
	return slices.ContainsFunc(r.Permissions, func(p access.Permission) bool {
		return p.Effect == access.Allow && slices.Contains(p.ResourceNames, name) &&
			access.MatchAny(p.Actions, verb, false) && access.MatchAny(p.Resources, resource, false)
	})
}

// hasWildcard reports whether a rule of r has "*" in a verb or resource.
func hasWildcard(r access.Role) bool {
	return slices.ContainsFunc(r.Permissions, func(p access.Permission) bool {
		return slices.ContainsFunc(append(slices.Clone(p.Actions), p.Resources...), func(s string) bool { return strings.Contains(s, "*") })
	})
}

var (
	clusterAdmin = access.Permission{Effect: access.Allow, Actions: []string{"*"}, Resources: []string{"*/*"}}
	nonResource  = access.Permission{Effect: access.Allow, Actions: []string{"*"}, Resources: []string{"nonresource:*"}}
)

type corpusCase struct {
	file                        string
	principals, roles, bindings int
	imported, skipped           map[string]int
	check                       func(t *testing.T, m *access.Model, st k8s.Stats)
}

var corpusCases = []corpusCase{
	{
		file: "argo-cd/argocd-application-controller-clusterrole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("argocd-application-controller"))
			assert.Equal(t, []access.Permission{clusterAdmin, nonResource}, r.Permissions, "cluster-admin-equivalent")
			assert.False(t, r.Builtin)
			assert.Equal(t, "ClusterRole", r.Kind)
			assert.True(t, r.Scope.IsZero())
			assert.Equal(t, access.Source{File: "argocd-application-controller-clusterrole.yaml", Line: 1, Path: "#1"}, r.Source)
		},
	},
	{
		file: "argo-cd/argocd-application-controller-clusterrolebinding.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"ClusterRoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			sa := k8s.ServiceAccountID("argocd", "argocd-application-controller")
			assert.Equal(t, access.Binding{
				ID: "kubernetes:binding:clusterrolebinding/argocd-application-controller#0", Principal: sa,
				Role: k8s.ClusterRoleID("argocd-application-controller"), Scope: access.Scope{Kind: "cluster"},
				Source: access.Source{File: "argocd-application-controller-clusterrolebinding.yaml", Line: 14, Path: "#1 subjects[0]"},
			}, m.Bindings[0])
			p := principal(t, m, sa)
			assert.Equal(t, access.KindServiceAccount, p.Kind)
			assert.Equal(t, "argocd/argocd-application-controller", p.Name)
			assert.Equal(t, access.No, p.Human)
			assert.Equal(t, "false", p.Attributes["defined"], "only referenced")
		},
	},
	{
		file: "argo-cd/argocd-server-clusterrole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("argocd-server"))
			require.Len(t, r.Permissions, 4)
			assert.Equal(t, []string{"delete", "get", "patch"}, r.Permissions[0].Actions, "inline comments are not part of verbs")
			assert.Equal(t, []string{"*/*"}, r.Permissions[0].Resources)
			assert.True(t, allows(r, "get", "/secrets"), "wildcard resources cover secrets")
			assert.False(t, allows(r, "create", "/pods"))
			assert.Equal(t, []string{"/pods", "/pods/log"}, r.Permissions[2].Resources)
			assert.Equal(t, []string{"argoproj.io/applications", "argoproj.io/applicationsets"}, r.Permissions[3].Resources)
		},
	},
	{
		file: "cluster-autoscaler/cluster-autoscaler-autodiscover.yaml", principals: 1, roles: 2, bindings: 2,
		imported: map[string]int{"ServiceAccount": 1, "ClusterRole": 1, "Role": 1, "ClusterRoleBinding": 1, "RoleBinding": 1},
		skipped:  map[string]int{"Deployment": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			cr := role(t, m, k8s.ClusterRoleID("cluster-autoscaler"))
			assert.True(t, allows(cr, "update", "/nodes"))
			assert.True(t, allowsNamed(cr, "update", "/endpoints", "cluster-autoscaler"))
			assert.False(t, allows(cr, "update", "/endpoints"), "update on endpoints is limited by resourceNames")
			assert.Contains(t, cr.Permissions, access.Permission{Effect: access.Allow, Actions: []string{"get", "list", "watch", "patch"},
				Resources: []string{"batch/jobs", "extensions/jobs"}}, "apiGroups x resources")
			r := role(t, m, k8s.RoleID("kube-system", "cluster-autoscaler"))
			assert.Equal(t, access.Scope{Kind: "namespace", Name: "kube-system"}, r.Scope)
			assert.Equal(t, []string{"cluster-autoscaler-status", "cluster-autoscaler-priority-expander"}, r.Permissions[1].ResourceNames)
			sa := k8s.ServiceAccountID("kube-system", "cluster-autoscaler")
			assert.Equal(t, "true", principal(t, m, sa).Attributes["defined"])
			assert.True(t, bound(m, sa, cr.ID))
			assert.True(t, bound(m, sa, r.ID))
		},
	},
	{
		file: "external-dns/external-dns-clusterrole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("external-dns"))
			assert.False(t, hasWildcard(r), "least privilege")
			assert.True(t, allows(r, "list", "/nodes"))
			assert.False(t, allows(r, "get", "/secrets"))
			assert.Equal(t, []string{"/endpoints", "/pods", "/services"}, r.Permissions[0].Resources, "single-quoted empty group is the core group")
		},
	},
	{
		file: "ingress-nginx/deploy-cloud.yaml", principals: 2, roles: 4, bindings: 4,
		imported: map[string]int{"ServiceAccount": 2, "Role": 2, "ClusterRole": 2, "RoleBinding": 2, "ClusterRoleBinding": 2},
		skipped: map[string]int{"Namespace": 1, "ConfigMap": 1, "Service": 2, "Deployment": 1, "Job": 2,
			"IngressClass": 1, "ValidatingWebhookConfiguration": 1},
		check: func(t *testing.T, m *access.Model, st k8s.Stats) {
			assert.Equal(t, 19, st.Documents)
			assert.Equal(t, 19, st.Objects)
			cr := role(t, m, k8s.ClusterRoleID("ingress-nginx"))
			assert.True(t, allows(cr, "list", "/secrets"))
			assert.True(t, allows(cr, "watch", "/secrets"))
			assert.False(t, allows(cr, "get", "/secrets"))
			adm := role(t, m, k8s.RoleID("ingress-nginx", "ingress-nginx-admission"))
			assert.True(t, allows(adm, "get", "/secrets"))
			assert.True(t, allows(adm, "create", "/secrets"))
			wh := role(t, m, k8s.ClusterRoleID("ingress-nginx-admission"))
			assert.True(t, allows(wh, "update", "admissionregistration.k8s.io/validatingwebhookconfigurations"))
			for _, p := range m.Principals {
				assert.Equal(t, "true", p.Attributes["defined"], p.ID)
			}
		},
	},
	{
		file: "kube-prometheus/blackboxExporter-clusterRole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("blackbox-exporter"))
			assert.False(t, hasWildcard(r))
			assert.True(t, allows(r, "create", "authentication.k8s.io/tokenreviews"))
			assert.True(t, allows(r, "create", "authorization.k8s.io/subjectaccessreviews"))
		},
	},
	{
		file: "kube-prometheus/kubeStateMetrics-clusterRole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("kube-state-metrics"))
			assert.True(t, allows(r, "list", "/secrets"))
			assert.True(t, allows(r, "watch", "/secrets"))
			assert.False(t, allows(r, "get", "/secrets"))
		},
	},
	{
		file: "kube-prometheus/kubeStateMetrics-clusterRoleBinding.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"ClusterRoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.True(t, bound(m, k8s.ServiceAccountID("monitoring", "kube-state-metrics"), k8s.ClusterRoleID("kube-state-metrics")))
		},
	},
	{
		file: "kube-prometheus/nodeExporter-clusterRole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("node-exporter"))
			assert.False(t, hasWildcard(r))
			assert.Len(t, r.Permissions, 2)
		},
	},
	{
		file: "kube-prometheus/prometheus-clusterRole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("prometheus-k8s"))
			assert.Equal(t, []string{"nonresource:/metrics", "nonresource:/metrics/slis"}, r.Permissions[1].Resources)
			assert.True(t, allows(r, "get", "/nodes/metrics"))
		},
	},
	{
		file: "kube-prometheus/prometheus-roleBindingSpecificNamespaces.yaml", principals: 1, bindings: 3,
		imported: map[string]int{"RoleBinding": 3},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			sa := k8s.ServiceAccountID("monitoring", "prometheus-k8s")
			for i, ns := range []string{"default", "kube-system", "monitoring"} {
				b := m.Bindings[i]
				assert.Equal(t, "kubernetes:binding:rolebinding/"+ns+"/prometheus-k8s#0", b.ID)
				assert.Equal(t, sa, b.Principal)
				assert.Equal(t, k8s.RoleID(ns, "prometheus-k8s"), b.Role)
				assert.Equal(t, access.Scope{Kind: "namespace", Name: ns}, b.Scope)
				assert.True(t, strings.HasPrefix(b.Source.Path, "#1 items["), b.Source.Path)
			}
		},
	},
	{
		file: "kube-prometheus/prometheus-roleSpecificNamespaces.yaml", roles: 3,
		imported: map[string]int{"Role": 3},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			for _, ns := range []string{"default", "kube-system", "monitoring"} {
				r := role(t, m, k8s.RoleID(ns, "prometheus-k8s"))
				assert.Equal(t, access.Scope{Kind: "namespace", Name: ns}, r.Scope)
				assert.Len(t, r.Permissions, 4)
				assert.True(t, allows(r, "list", "discovery.k8s.io/endpointslices"))
			}
			assert.Equal(t, access.Source{File: "prometheus-roleSpecificNamespaces.yaml", Line: 3, Path: "#1 items[0]"},
				role(t, m, k8s.RoleID("default", "prometheus-k8s")).Source)
		},
	},
	{
		file: "kube-prometheus/prometheusAdapter-clusterRoleAggregatedMetricsReader.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, st k8s.Stats) {
			id := k8s.ClusterRoleID("system:aggregated-metrics-reader")
			assert.True(t, role(t, m, id).Builtin)
			for _, l := range []string{"admin", "edit", "view"} {
				assert.Equal(t, "true", st.RoleLabels[id]["rbac.authorization.k8s.io/aggregate-to-"+l])
			}
		},
	},
	{
		file: "kube-prometheus/prometheusAdapter-clusterRoleBindingDelegator.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"ClusterRoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.Equal(t, "kubernetes:binding:clusterrolebinding/resource-metrics:system:auth-delegator#0", m.Bindings[0].ID)
			assert.True(t, bound(m, k8s.ServiceAccountID("monitoring", "prometheus-adapter"), k8s.ClusterRoleID("system:auth-delegator")))
		},
	},
	{
		file: "kube-prometheus/prometheusAdapter-roleBindingAuthReader.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"RoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.Equal(t, access.Binding{
				ID:        "kubernetes:binding:rolebinding/kube-system/resource-metrics-auth-reader#0",
				Principal: k8s.ServiceAccountID("monitoring", "prometheus-adapter"),
				Role:      k8s.RoleID("kube-system", "extension-apiserver-authentication-reader"),
				Scope:     access.Scope{Kind: "namespace", Name: "kube-system"},
				Source:    access.Source{File: "prometheusAdapter-roleBindingAuthReader.yaml", Line: 16, Path: "#1 subjects[0]"},
			}, m.Bindings[0])
		},
	},
	{
		file: "kube-prometheus/prometheusOperator-clusterRole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("prometheus-operator"))
			assert.True(t, allows(r, "delete", "/secrets"))
			assert.True(t, allows(r, "create", "/configmaps"))
			assert.True(t, allows(r, "patch", "apps/statefulsets"))
			assert.True(t, allows(r, "update", "monitoring.coreos.com/prometheuses"))
		},
	},
	{
		file: "kube-prometheus/prometheusOperator-clusterRoleBinding.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"ClusterRoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.True(t, bound(m, k8s.ServiceAccountID("monitoring", "prometheus-operator"), k8s.ClusterRoleID("prometheus-operator")))
		},
	},
	{
		file: "kube-prometheus/prometheusOperator-serviceAccount.yaml", principals: 1,
		imported: map[string]int{"ServiceAccount": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			p := principal(t, m, k8s.ServiceAccountID("monitoring", "prometheus-operator"))
			assert.Equal(t, map[string]string{"namespace": "monitoring", "defined": "true", "automount_token": "false"}, p.Attributes)
			assert.Equal(t, access.SystemKubernetes, p.System)
		},
	},
	{
		file: "kube-state-metrics/autosharding-role.yaml", roles: 1,
		imported: map[string]int{"Role": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.RoleID("kube-system", "kube-state-metrics"))
			assert.True(t, allowsNamed(r, "get", "apps/statefulsets", "kube-state-metrics"))
			assert.False(t, allows(r, "get", "apps/statefulsets"))
			assert.True(t, allows(r, "get", "/pods"))
		},
	},
	{
		file: "kube-state-metrics/cluster-role-binding.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"ClusterRoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.True(t, bound(m, k8s.ServiceAccountID("kube-system", "kube-state-metrics"), k8s.ClusterRoleID("kube-state-metrics")))
		},
	},
	{
		file: "kube-state-metrics/cluster-role.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			r := role(t, m, k8s.ClusterRoleID("kube-state-metrics"))
			assert.True(t, allows(r, "list", "/secrets"))
			assert.True(t, allows(r, "watch", "/secrets"))
		},
	},
	{
		file: "kube-state-metrics/service-account.yaml", principals: 1,
		imported: map[string]int{"ServiceAccount": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			p := principal(t, m, k8s.ServiceAccountID("kube-system", "kube-state-metrics"))
			assert.Equal(t, "false", p.Attributes["automount_token"])
		},
	},
	{
		file: "kubernetes-bootstrappolicy/cluster-role-bindings.yaml", principals: 6, bindings: 8,
		imported: map[string]int{"ClusterRoleBinding": 6},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.True(t, bound(m, k8s.GroupID("system:masters"), k8s.ClusterRoleID("cluster-admin")))
			for _, r := range []string{"system:basic-user", "system:discovery"} {
				assert.True(t, bound(m, k8s.GroupID("system:unauthenticated"), k8s.ClusterRoleID(r)), r)
				assert.True(t, bound(m, k8s.GroupID("system:authenticated"), k8s.ClusterRoleID(r)), r)
			}
			u := principal(t, m, k8s.UserID("system:kube-controller-manager"))
			assert.Equal(t, access.KindUser, u.Kind)
			assert.Equal(t, access.No, u.Human, "system: users are not people")
			assert.Equal(t, []string{k8s.GroupID("system:authenticated")}, u.MemberOf, "implicit group")
			g := principal(t, m, k8s.GroupID("system:unauthenticated"))
			assert.Equal(t, access.KindGroup, g.Kind)
			assert.Equal(t, access.Unknown, g.Human)
		},
	},
	{
		file: "kubernetes-bootstrappolicy/cluster-roles.yaml", roles: 31,
		imported: map[string]int{"ClusterRole": 31},
		check: func(t *testing.T, m *access.Model, st k8s.Stats) {
			for _, r := range m.Roles {
				assert.True(t, r.Builtin, r.ID)
			}
			ca := role(t, m, k8s.ClusterRoleID("cluster-admin"))
			assert.Equal(t, []access.Permission{clusterAdmin, nonResource}, ca.Permissions)
			assert.Equal(t, []string{k8s.ClusterRoleID("admin"), k8s.ClusterRoleID("edit"), k8s.ClusterRoleID("view")}, st.Aggregated)
			assert.Equal(t, "true", st.RoleLabels[k8s.ClusterRoleID("edit")]["rbac.authorization.k8s.io/aggregate-to-admin"])
			assert.Equal(t, "true", st.RoleLabels[k8s.ClusterRoleID("view")]["rbac.authorization.k8s.io/aggregate-to-edit"])

			toEdit := role(t, m, k8s.ClusterRoleID("system:aggregate-to-edit"))
			assert.True(t, allows(toEdit, "get", "/secrets"))
			assert.True(t, allows(toEdit, "impersonate", "/serviceaccounts"))
			assert.True(t, allows(toEdit, "create", "/serviceaccounts/token"))
			assert.True(t, allows(toEdit, "create", "/pods/exec"))
			assert.True(t, allows(toEdit, "create", "/pods/attach"))
			toAdmin := role(t, m, k8s.ClusterRoleID("system:aggregate-to-admin"))
			assert.True(t, allows(toAdmin, "create", "rbac.authorization.k8s.io/roles"))
			assert.True(t, allows(toAdmin, "update", "rbac.authorization.k8s.io/rolebindings"))

			// Aggregation: view < edit < admin, each from rules: null.
			view, edit, admin := role(t, m, k8s.ClusterRoleID("view")), role(t, m, k8s.ClusterRoleID("edit")), role(t, m, k8s.ClusterRoleID("admin"))
			assert.NotEmpty(t, view.Permissions)
			assert.True(t, allows(view, "list", "/pods"))
			assert.False(t, allows(view, "get", "/secrets"), "view does not read secrets")
			assert.True(t, allows(edit, "get", "/secrets"))
			assert.True(t, allows(edit, "impersonate", "/serviceaccounts"))
			assert.True(t, allows(edit, "list", "/pods"), "edit aggregates view")
			assert.False(t, allows(edit, "create", "rbac.authorization.k8s.io/roles"))
			assert.True(t, allows(admin, "create", "rbac.authorization.k8s.io/roles"))
			assert.True(t, allows(admin, "impersonate", "/serviceaccounts"), "admin aggregates edit")
			assert.True(t, allows(admin, "list", "/pods"), "admin aggregates view through edit")
			for _, p := range view.Permissions {
				assert.Contains(t, edit.Permissions, p)
				assert.Contains(t, admin.Permissions, p)
			}

			kcm := role(t, m, k8s.ClusterRoleID("system:kube-controller-manager"))
			assert.True(t, allows(kcm, "list", "*/*"))
			assert.True(t, allows(kcm, "watch", "apps/anything"))
			assert.True(t, allows(kcm, "get", "/secrets"))
			assert.True(t, allows(kcm, "create", "/secrets"))
			kubelet := role(t, m, k8s.ClusterRoleID("system:kubelet-api-admin"))
			assert.True(t, slices.ContainsFunc(kubelet.Permissions, func(p access.Permission) bool {
				return slices.Equal(p.Actions, []string{"*"}) && slices.Contains(p.Resources, "/nodes/proxy")
			}), "nodes/proxy with verb *")
			node := role(t, m, k8s.ClusterRoleID("system:node"))
			assert.True(t, allows(node, "get", "/secrets"))
			assert.True(t, allows(node, "get", "/configmaps"))
		},
	},
	{
		file: "kubernetes-bootstrappolicy/namespace-roles.yaml", roles: 7,
		imported: map[string]int{"Role": 7},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			var readSecrets []string
			for _, r := range m.Roles {
				assert.Contains(t, []string{"kube-system", "kube-public"}, r.Scope.Name, r.ID)
				assert.Equal(t, "namespace", r.Scope.Kind)
				if allows(r, "get", "/secrets") {
					readSecrets = append(readSecrets, r.ID)
				}
			}
			assert.Equal(t, []string{
				k8s.RoleID("kube-system", "system:controller:bootstrap-signer"),
				k8s.RoleID("kube-system", "system:controller:token-cleaner"),
			}, readSecrets)
			signer := role(t, m, k8s.RoleID("kube-public", "system:controller:bootstrap-signer"))
			assert.True(t, allowsNamed(signer, "update", "/configmaps", "cluster-info"))
			assert.False(t, allows(signer, "update", "/configmaps"), "update is limited by resourceNames")
			assert.Equal(t, []string{"/events", "events.k8s.io/events"}, signer.Permissions[2].Resources)
		},
	},
	{
		file: "kubernetes-goat/insecure-rbac-setup.yaml", principals: 1, bindings: 1,
		imported: map[string]int{"ServiceAccount": 1, "ClusterRoleBinding": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			sa := principal(t, m, k8s.ServiceAccountID("kube-system", "superadmin"))
			assert.Equal(t, "true", sa.Attributes["defined"])
			assert.Equal(t, access.Source{File: "insecure-rbac-setup.yaml", Line: 1, Path: "#1"}, sa.Source)
			assert.True(t, bound(m, sa.ID, k8s.ClusterRoleID("cluster-admin")))
			assert.Equal(t, access.Source{File: "insecure-rbac-setup.yaml", Line: 16, Path: "#2 subjects[0]"}, m.Bindings[0].Source)
		},
	},
	{
		file: "kubernetes-goat/pwnchart-clusterrole.yaml", roles: 1,
		imported: map[string]int{"ClusterRole": 1},
		check: func(t *testing.T, m *access.Model, _ k8s.Stats) {
			assert.Equal(t, []access.Permission{clusterAdmin}, role(t, m, k8s.ClusterRoleID("all-your-base")).Permissions)
		},
	},
}

// templates are corpus files the importer must reject.
var templates = []string{"kubernetes-goat/pwnchart-clusterrolebinding.helm-template.yaml"}

func TestReadCorpus(t *testing.T) {
	for _, tc := range corpusCases {
		t.Run(tc.file, func(t *testing.T) {
			data := testcorpus.Read(t, path.Join(corpusDir, tc.file))
			require.True(t, k8s.Detect(data))
			m, st, err := k8s.ReadAll(bytes.NewReader(data), k8s.Options{File: path.Base(tc.file)})
			require.NoError(t, err)
			require.NoError(t, m.Validate())
			assert.Len(t, m.Principals, tc.principals, "principals")
			assert.Len(t, m.Roles, tc.roles, "roles")
			assert.Len(t, m.Bindings, tc.bindings, "bindings")
			assert.Equal(t, tc.imported, st.Imported)
			skipped := tc.skipped
			if skipped == nil {
				skipped = map[string]int{}
			}
			assert.Equal(t, skipped, st.Skipped)
			assert.Empty(t, st.Replaced)
			for _, p := range m.Principals {
				assert.Equal(t, access.SystemKubernetes, p.System)
				assert.NotZero(t, p.Source.Line, p.ID)
			}
			for _, r := range m.Roles {
				assert.Equal(t, access.SystemKubernetes, r.System)
				assert.NotNil(t, r.Permissions, r.ID)
				assert.NotZero(t, r.Source.Line, r.ID)
			}
			tc.check(t, m, st)
		})
	}
}

// TestCorpusCovered makes sure every file of the corpus directory has a
// case above.
func TestCorpusCovered(t *testing.T) {
	dir := testcorpus.Path(t, corpusDir)
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var have []string
	for _, tc := range corpusCases {
		have = append(have, tc.file)
	}
	have = append(have, templates...)
	for _, f := range files {
		rel, err := filepath.Rel(dir, f)
		require.NoError(t, err)
		assert.Contains(t, have, filepath.ToSlash(rel))
	}
	assert.Len(t, have, len(files))
}

func TestReadCorpusTemplate(t *testing.T) {
	for _, f := range templates {
		t.Run(f, func(t *testing.T) {
			data := testcorpus.Read(t, path.Join(corpusDir, f))
			assert.True(t, k8s.Detect(data), "looks like RBAC, so Read explains why it cannot read it")
			m, err := k8s.Read(bytes.NewReader(data), k8s.Options{File: "chart.yaml"})
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, access.ErrUnsupported)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "chart.yaml", pe.File)
			assert.Contains(t, []int{11, 12}, pe.Line)
			assert.Contains(t, pe.Message, "Helm template")
		})
	}
}

// TestReadFilesCorpus reads the whole directory as one stream, as a
// cluster's manifests would be read.
func TestReadFilesCorpus(t *testing.T) {
	dir := testcorpus.Path(t, corpusDir)
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	require.NoError(t, err)
	files = slices.DeleteFunc(files, func(f string) bool { return strings.Contains(f, "helm-template") })
	require.Len(t, files, len(corpusCases))
	m, st, err := k8s.ReadFiles(files...)
	require.NoError(t, err)
	require.NoError(t, m.Validate())

	// Two projects ship a ClusterRole and a ClusterRoleBinding named
	// kube-state-metrics; the later file wins.
	assert.Equal(t, []string{
		"kubernetes:binding:clusterrolebinding/kube-state-metrics",
		k8s.ClusterRoleID("kube-state-metrics"),
	}, st.Replaced)
	assert.Equal(t, filepath.Join(dir, "kube-state-metrics", "cluster-role.yaml"), role(t, m, k8s.ClusterRoleID("kube-state-metrics")).Source.File)

	// The metrics reader of kube-prometheus aggregates into admin, edit
	// and view of the bootstrap policy.
	for _, r := range []string{"admin", "edit", "view"} {
		assert.True(t, allows(role(t, m, k8s.ClusterRoleID(r)), "list", "metrics.k8s.io/pods"), r)
	}

	// Service accounts defined in one file and bound in another.
	ksm := principal(t, m, k8s.ServiceAccountID("kube-system", "kube-state-metrics"))
	assert.Equal(t, "true", ksm.Attributes["defined"])
	assert.Equal(t, filepath.Join(dir, "kube-state-metrics", "service-account.yaml"), ksm.Source.File)
	argo := principal(t, m, k8s.ServiceAccountID("argocd", "argocd-application-controller"))
	assert.Equal(t, "false", argo.Attributes["defined"])
	assert.True(t, bound(m, argo.ID, k8s.ClusterRoleID("argocd-application-controller")))
	assert.Equal(t, []access.Permission{clusterAdmin, nonResource}, role(t, m, k8s.ClusterRoleID("argocd-application-controller")).Permissions)
	superadmin := principal(t, m, k8s.ServiceAccountID("kube-system", "superadmin"))
	assert.True(t, bound(m, superadmin.ID, k8s.ClusterRoleID("cluster-admin")))
	assert.Equal(t, []string{k8s.GroupID("system:authenticated")}, superadmin.MemberOf,
		"the bootstrap bindings name system:authenticated, which every service account is in")
}

// TestOtherCorpusKinds checks that the files of other importers are
// neither detected nor read.
func TestOtherCorpusKinds(t *testing.T) {
	root := testcorpus.Path(t, "access")
	files, err := filepath.Glob(filepath.Join(root, "*", "*", "*"))
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		if strings.HasPrefix(filepath.ToSlash(rel), "kubernetes-rbac/") {
			continue
		}
		n++
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			data := testcorpus.Read(t, path.Join("access", filepath.ToSlash(rel)))
			assert.False(t, k8s.Detect(data))
			_, err := k8s.Read(bytes.NewReader(data), k8s.Options{File: "x"})
			require.Error(t, err)
			assert.ErrorIs(t, err, access.ErrUnsupported)
			var pe *access.ParseError
			assert.True(t, errors.As(err, &pe))
			assert.Contains(t, pe.Message, "not a Kubernetes object")
		})
	}
	assert.Positive(t, n)
}
