package awsiam_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/access/awsiam"
)

func ExampleRead() {
	const policy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"},
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}
  ]
}`
	m, err := awsiam.Read(strings.NewReader(policy), awsiam.Options{File: "policies/poweruser.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := m.Roles[0]
	fmt.Println(r.ID, r.Kind)
	for _, p := range r.Permissions {
		fmt.Println(p.Effect, p.Actions, p.NotActions, p.Resources)
		if p.Conditions != nil {
			fmt.Println("  when", string(p.Conditions))
		}
	}
	// Output:
	// aws:role:policy/poweruser Policy
	// allow [] [iam:* organizations:*] [*]
	// deny [*] [] [*]
	//   when {"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}
}

func ExampleRead_authorizationDetails() {
	const export = `{
  "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
    "GroupList": ["admins"], "AttachedManagedPolicies": []}],
  "GroupDetailList": [{"GroupName": "admins", "Arn": "arn:aws:iam::123456789012:group/admins",
    "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
      "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
  "RoleDetailList": [{"RoleName": "ci", "Arn": "arn:aws:iam::123456789012:role/ci",
    "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
      "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]
}`
	m, err := awsiam.Read(strings.NewReader(export), awsiam.Options{File: "authz.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range m.Principals {
		fmt.Println(p.ID, p.MemberOf, p.AssumableBy)
	}
	for _, b := range m.Bindings {
		fmt.Println(b.Principal, "->", b.Role, "in", b.Scope)
	}
	// Output:
	// aws:group:admins [] []
	// aws:role:ci [] [service:codebuild.amazonaws.com]
	// aws:user:alice [aws:group:admins] []
	// aws:group:admins -> aws:policy:AdministratorAccess in account:123456789012
}

func ExampleParsePolicy() {
	_, err := awsiam.ParsePolicy([]byte(`{"Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Resource": "*"}
]}`), awsiam.Options{File: "bucket.json"})
	fmt.Println(err)
	// Output:
	// access: bucket.json:3: /Statement/1: statement has neither Action nor NotAction
}
