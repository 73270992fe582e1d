package access_test

import (
	"fmt"

	"github.com/aspmkit/aspm/access"
)

// A service account that may create pods in a namespace where another
// service account is cluster-admin can become it: Analyze shows the path.
func ExampleAnalyze() {
	m := &access.Model{
		Principals: []access.Principal{
			{ID: "kubernetes:service_account:ci/runner", System: access.SystemKubernetes, Kind: access.KindServiceAccount, Name: "ci/runner"},
			{ID: "kubernetes:service_account:ci/deployer", System: access.SystemKubernetes, Kind: access.KindServiceAccount, Name: "ci/deployer"},
		},
		Roles: []access.Role{
			{ID: "kubernetes:role:clusterrole/pod-maker", System: access.SystemKubernetes, Name: "pod-maker", Kind: "ClusterRole",
				Permissions: []access.Permission{{Effect: access.Allow, Actions: []string{"create"}, Resources: []string{"/pods"}}}},
		},
		Bindings: []access.Binding{
			{ID: "runner", Principal: "kubernetes:service_account:ci/runner", Role: "kubernetes:role:clusterrole/pod-maker",
				Scope: access.Scope{Kind: "namespace", Name: "ci"}},
			{ID: "deployer", Principal: "kubernetes:service_account:ci/deployer", Role: "kubernetes:role:clusterrole/cluster-admin",
				Scope: access.Scope{Kind: "cluster"}},
		},
	}
	found, err := access.Analyze(m, access.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range found {
		fmt.Println(f.RuleID, f.Severity, f.Title)
	}
	// Output:
	// ACCESS-ADMIN critical service_account ci/deployer is an administrator: bound to ClusterRole cluster-admin (cluster scope)
	// ACCESS-ESCALATION critical service_account ci/runner can escalate to service_account ci/deployer, an administrator in 1 step(s), first by create-pods
}

func ExampleMatch() {
	fmt.Println(access.Match("s3:Get*", "s3:GetObject"), access.MatchFold("iam:attach*", "iam:AttachUserPolicy"), access.Match("/pods", "/pods/exec"))
	// Output: true true false
}
