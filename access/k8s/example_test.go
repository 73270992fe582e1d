package k8s_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/access/k8s"
)

func ExampleRead() {
	manifests := `apiVersion: v1
kind: ServiceAccount
metadata:
  name: superadmin
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cluster-admin
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
- nonResourceURLs: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: superadmin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: superadmin
  namespace: kube-system
- kind: Group
  name: ops
`
	m, err := k8s.Read(strings.NewReader(manifests), k8s.Options{File: "rbac.yaml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range m.Principals {
		fmt.Printf("%s defined=%q\n", p.ID, p.Attributes["defined"])
	}
	for _, r := range m.Roles {
		for _, p := range r.Permissions {
			fmt.Println(r.ID, p.Actions, p.Resources, "builtin:", r.Builtin)
		}
	}
	for _, b := range m.Bindings {
		fmt.Println(b.ID, b.Principal, "->", b.Role, b.Scope, b.Source.Line, b.Source.Path)
	}
	// Output:
	// kubernetes:group:ops defined=""
	// kubernetes:service_account:kube-system/superadmin defined="true"
	// kubernetes:role:clusterrole/cluster-admin [*] [*/*] builtin: true
	// kubernetes:role:clusterrole/cluster-admin [*] [nonresource:*] builtin: true
	// kubernetes:binding:clusterrolebinding/superadmin#0 kubernetes:service_account:kube-system/superadmin -> kubernetes:role:clusterrole/cluster-admin cluster 27 #3 subjects[0]
	// kubernetes:binding:clusterrolebinding/superadmin#1 kubernetes:group:ops -> kubernetes:role:clusterrole/cluster-admin cluster 30 #3 subjects[1]
}

func ExampleReadAll() {
	manifests := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: view
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.authorization.k8s.io/aggregate-to-view: "true"
rules: null
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-viewer
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
- apiGroups: ["example.com"]
  resources: ["widgets"]
  verbs: ["get", "list"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
`
	m, st, err := k8s.ReadAll(strings.NewReader(manifests), k8s.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("aggregated:", st.Aggregated)
	fmt.Println("skipped:", st.SkippedKinds())
	for _, r := range m.Roles {
		fmt.Println(r.ID, r.Permissions[0].Actions, r.Permissions[0].Resources)
	}
	// Output:
	// aggregated: [kubernetes:role:clusterrole/view]
	// skipped: [Deployment]
	// kubernetes:role:clusterrole/view [get list] [example.com/widgets]
	// kubernetes:role:clusterrole/widgets-viewer [get list] [example.com/widgets]
}

func ExampleDetect() {
	fmt.Println(k8s.Detect([]byte("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n")))
	fmt.Println(k8s.Detect([]byte(`{"Version": "2012-10-17", "Statement": []}`)))
	// Output:
	// true
	// false
}
