package awsiam_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/awsiam"
)

func TestURLEncodedExport(t *testing.T) {
	m, err := awsiam.ReadFile("testdata/authz-urlencoded.json")
	require.NoError(t, err)
	require.NoError(t, m.Validate())

	alice := principal(m, "aws:user:alice")
	require.NotNil(t, alice)
	assert.Equal(t, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), alice.LastActive, "PasswordLastUsed")
	assert.Equal(t, "arn:aws:iam::123456789012:policy/boundary", alice.Attributes["permissions_boundary"])
	assert.Equal(t, "platform", alice.Attributes["tag:team"])
	assert.Equal(t, []string{"aws:group:devs"}, alice.MemberOf)

	deploy := principal(m, "aws:role:deploy")
	require.NotNil(t, deploy)
	assert.Equal(t, []string{
		"arn:aws:iam::123456789012:root", // bare account ID, normalized
		"arn:aws:iam::210987654321:user/ci",
		"federated:arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
		"service:lambda.amazonaws.com",
	}, deploy.AssumableBy, "sts:TagSession and Deny statements grant no assumption")
	assert.Equal(t, "deploy-a,deploy-b", deploy.Attributes["instance_profiles"])
	assert.Equal(t, "eu-west-1", deploy.Attributes["last_used_region"])
	p, err := awsiam.ParsePolicy([]byte(deploy.Attributes["assume_role_policy"]), awsiam.Options{})
	require.NoError(t, err, "the trust policy attribute parses")
	assert.Equal(t, json.RawMessage(`{"StringEquals":{"sts:ExternalId":"a+b"}}`), p.Statements[0].Conditions,
		"%2B decodes to +, not to a space")

	inl := role(m, awsiam.InlinePolicyID(access.KindGroup, "devs", "read-bucket"))
	require.NotNil(t, inl)
	assert.Equal(t, []access.Permission{{Effect: access.Allow, Actions: []string{"s3:GetObject"},
		Resources: []string{"arn:aws:s3:::bucket/*"}}}, inl.Permissions)

	pol := role(m, awsiam.ManagedPolicyID("deploy"))
	require.NotNil(t, pol)
	assert.False(t, pol.Builtin)
	assert.Equal(t, []string{"iam:PassRole"}, pol.Permissions[0].Actions, "the default version, v2")
	assert.Equal(t, []string{"aws:role:deploy"}, boundTo(m, pol.ID))
	assert.Equal(t, []string{"aws:user:alice"}, boundTo(m, awsiam.ManagedPolicyID("ReadOnlyAccess")))
}

func TestTrustPolicyStatements(t *testing.T) {
	data, err := os.ReadFile("testdata/trust-policy.json")
	require.NoError(t, err)
	p, err := awsiam.ParsePolicy(data, awsiam.Options{File: "trust-policy.json"})
	require.NoError(t, err)
	require.Len(t, p.Statements, 4)
	assert.Equal(t, []string{"*"}, p.Statements[2].Principals)
	assert.Equal(t, []string{"*"}, p.Statements[3].Principals, `{"AWS": "*"}`)
	assert.Equal(t, 4, p.Statements[0].Line)

	// Read keeps the statements of a trust policy read as a bare document.
	m, err := awsiam.Read(bytes.NewReader(data), awsiam.Options{File: "trust-policy.json"})
	require.NoError(t, err)
	require.Len(t, m.Roles, 1)
	assert.Equal(t, "aws:role:policy/trust-policy", m.Roles[0].ID)
	assert.Len(t, m.Roles[0].Permissions, 4)
}

func TestNotPrincipalAndNames(t *testing.T) {
	doc := `{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::1:user/b","arn:aws:iam::1:user/a"],"CanonicalUser":"c1","Weird":"w"},"Action":"s3:*","Resource":"*"}]}`
	p, err := awsiam.ParsePolicy([]byte(doc), awsiam.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:iam::1:user/a", "arn:aws:iam::1:user/b", "canonical:c1", "weird:w"}, p.Statements[0].NotPrincipals)

	m, err := awsiam.Read(strings.NewReader(doc), awsiam.Options{File: "dir/x.policy.json", Name: "custom"})
	require.NoError(t, err)
	assert.Equal(t, "aws:role:policy/custom", m.Roles[0].ID)
	m, err = awsiam.Read(strings.NewReader(doc), awsiam.Options{File: "dir/x.policy.json"})
	require.NoError(t, err)
	assert.Equal(t, "aws:role:policy/x.policy", m.Roles[0].ID)
	m, err = awsiam.Read(strings.NewReader(doc), awsiam.Options{})
	require.NoError(t, err)
	assert.Equal(t, "aws:role:policy/policy", m.Roles[0].ID)
}

func TestErrors(t *testing.T) {
	policy := func(stmts string) string { return `{"Version":"2012-10-17","Statement":[` + stmts + `]}` }
	ok := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	user := func(fields string) string {
		return `{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::123456789012:user/a"},` + "\n" + `{` + fields + `}]}`
	}
	tests := []struct {
		name    string
		in      string
		want    error
		line    int
		path    string
		message string
	}{
		{"empty", "  \n", access.ErrSyntax, 0, "", "empty input"},
		{"key twice", policy(ok + ",\n" + `{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}`), access.ErrSyntax, 2, "/Statement/1/Effect", "duplicate key"},
		{"key twice in a large object", `{"Version":"2012-10-17",` + strings.Repeat(`"a":1,`, 20) + `"Statement":[]}`, access.ErrSyntax, 1, "/a", "duplicate key"},
		{"key twice in an embedded document", `{"name":"n","arn":"arn:aws:iam::aws:policy/n","document":"{\"Statement\":[],\"Statement\":[]}"}`,
			access.ErrSyntax, 1, "/document", "gives the key /Statement twice"},
		{"string over the limit", `{"Statement":"` + strings.Repeat("a", 16<<20+1) + `"}`, access.ErrLimit, 1, "", "MaxStringBytes"},
		{"invalid JSON", "{\n\"Statement\": [,]}", access.ErrSyntax, 2, "", "invalid JSON"},
		{"truncated", `{"Statement": [`, access.ErrSyntax, 1, "", "invalid JSON"},
		{"top-level array", `[{"Statement":[]}]`, access.ErrUnsupported, 1, "", "array"},
		{"unknown object", `{"kind":"ClusterRole"}`, access.ErrUnsupported, 1, "", "not an IAM policy"},
		{"yaml", "kind: ClusterRole\n", access.ErrUnsupported, 0, "", "not JSON"},
		{"terraform", "# c\nresource \"aws_iam_policy\" \"p\" {\n}\n", access.ErrUnsupported, 0, "", "Terraform HCL"},
		{"action and notaction", policy(ok + ",\n" + `{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}`),
			access.ErrSyntax, 2, "/Statement/1", "both Action and NotAction"},
		{"neither action", policy(ok + "," + ok + ",\n" + `{"Effect":"Allow","Resource":"*"}`),
			access.ErrSyntax, 2, "/Statement/2", "neither Action nor NotAction"},
		{"lower-case key is not Action", policy(`{"Effect":"Allow","action":"*","Resource":"*"}`),
			access.ErrSyntax, 1, "/Statement/0", "neither Action nor NotAction"},
		{"resource and notresource", policy(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"a"}`),
			access.ErrSyntax, 1, "/Statement/0", "both Resource and NotResource"},
		{"principal and notprincipal", policy(`{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}`),
			access.ErrSyntax, 1, "/Statement/0", "both Principal and NotPrincipal"},
		{"bad effect", policy(`{"Effect":"allow","Action":"*"}`), access.ErrSyntax, 1, "/Statement/0/Effect", `"allow"`},
		{"no effect", policy(`{"Action":"*"}`), access.ErrSyntax, 1, "/Statement/0/Effect", "no Effect"},
		{"action number", policy(`{"Effect":"Allow","Action":["s3:*",7]}`), access.ErrSyntax, 1, "/Statement/0/Action/1", "a number"},
		{"condition list", policy(`{"Effect":"Allow","Action":"*","Condition":[]}`), access.ErrSyntax, 1, "/Statement/0/Condition", "want an object"},
		{"principal string", policy(`{"Effect":"Allow","Action":"*","Principal":"bob"}`), access.ErrSyntax, 1, "/Statement/0/Principal", `"bob"`},
		{"statement string", policy(`"x"`), access.ErrSyntax, 1, "/Statement/0", "a string"},
		{"statement number", `{"Statement":1}`, access.ErrSyntax, 1, "/Statement", "a number"},
		{"dataset without document", `{"name":"X","arn":"arn:aws:iam::aws:policy/X","document":null}`,
			access.ErrSyntax, 1, "/document", "null"},
		{"dataset without name", `{"arn":"arn:aws:iam::aws:policy/X","document":{"Statement":[]}}`,
			access.ErrSyntax, 1, "/name", "missing"},
		{"user without name", user(`"Arn":"x"`), access.ErrSyntax, 2, "/UserDetailList/1/UserName", "missing"},
		{"duplicate user", user(`"UserName":"a"`), access.ErrSyntax, 2, "/UserDetailList/1/UserName", "duplicate user"},
		{"bad date", user(`"UserName":"b","CreateDate":"yesterday"`), access.ErrSyntax, 2, "/UserDetailList/1/CreateDate", "not a date"},
		{"group list of numbers", user(`"UserName":"b","GroupList":[1]`), access.ErrSyntax, 2, "/UserDetailList/1/GroupList/0", "a number"},
		{"list not array", `{"UserDetailList":{}}`, access.ErrSyntax, 1, "/UserDetailList", "want an array"},
		{"attached twice", user(`"UserName":"b","AttachedManagedPolicies":[{"PolicyName":"P"},{"PolicyName":"P"}]`),
			access.ErrSyntax, 2, "/UserDetailList/1/AttachedManagedPolicies/1", "attached twice"},
		{"attached nameless", user(`"UserName":"b","AttachedManagedPolicies":[{}]`),
			access.ErrSyntax, 2, "/UserDetailList/1/AttachedManagedPolicies/0", "neither PolicyName nor PolicyArn"},
		{"inline bad statement", user(`"UserName":"b","UserPolicyList":[{"PolicyName":"i","PolicyDocument":{"Statement":{"Effect":"Deny"}}}]`),
			access.ErrSyntax, 2, "/UserDetailList/1/UserPolicyList/0/PolicyDocument/Statement", "neither Action"},
		{"inline bad encoded", user(`"UserName":"b","UserPolicyList":[{"PolicyName":"i","PolicyDocument":"%7B%ZZ"}]`),
			access.ErrSyntax, 2, "/UserDetailList/1/UserPolicyList/0/PolicyDocument", "URL-encoded"},
		{"inline duplicate", user(`"UserName":"b","UserPolicyList":[{"PolicyName":"i","PolicyDocument":{"Statement":[]}},{"PolicyName":"i","PolicyDocument":{"Statement":[]}}]`),
			access.ErrSyntax, 2, "/UserDetailList/1/UserPolicyList/1", "duplicate inline policy"},
		{"role trust encoded bad statement", `{"RoleDetailList":[{"RoleName":"r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D"}]}`,
			access.ErrSyntax, 1, "/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0", "neither Action"},
		{"role last used string", `{"RoleDetailList":[{"RoleName":"r","RoleLastUsed":"never"}]}`,
			access.ErrSyntax, 1, "/RoleDetailList/0/RoleLastUsed", "want an object"},
		{"no default version", `{"Policies":[{"PolicyName":"p","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":false,"Document":{"Statement":[]}}]}]}`,
			access.ErrSyntax, 1, "/Policies/0/PolicyVersionList", "no default version"},
		{"duplicate policy", `{"Policies":[{"PolicyName":"p","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","Document":{"Statement":[]}}]},` +
			`{"PolicyName":"p","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","Document":{"Statement":[]}}]}]}`,
			access.ErrSyntax, 1, "/Policies/1", "duplicate managed policy"},
		{"deep", `{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"A":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}}]}`,
			access.ErrLimit, 1, "", "deeper than 512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awsiam.Read(strings.NewReader(tt.in), awsiam.Options{File: "in.json"})
			assert.Nil(t, m)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, "in.json", pe.File)
			assert.Equal(t, tt.line, pe.Line, "line")
			assert.Equal(t, tt.path, pe.Path, "path")
			assert.Contains(t, pe.Message, tt.message)
			assert.True(t, strings.HasPrefix(err.Error(), "access: in.json:"), err.Error())
		})
	}
}

func TestMaxBytes(t *testing.T) {
	doc := `{"Statement":[]}`
	n := int64(len(doc))
	_, err := awsiam.Read(strings.NewReader(doc), awsiam.Options{MaxBytes: n})
	require.NoError(t, err, "N bytes")
	_, err = awsiam.Read(strings.NewReader(doc+" "), awsiam.Options{MaxBytes: n, File: "big.json"})
	assert.ErrorIs(t, err, access.ErrLimit, "N+1 bytes")
	var pe *access.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "big.json", pe.File)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestReadErrors(t *testing.T) {
	_, err := awsiam.Read(failingReader{}, awsiam.Options{File: "pipe"})
	assert.ErrorIs(t, err, io.ErrClosedPipe)
	_, err = awsiam.ReadFile("testdata/does-not-exist.json")
	assert.ErrorIs(t, err, os.ErrNotExist)
	var pe *access.ParseError
	assert.False(t, errors.As(err, &pe))
}

func TestBOMAndEmptyStatement(t *testing.T) {
	m, err := awsiam.Read(strings.NewReader("\xEF\xBB\xBF{\"Statement\":[]}"), awsiam.Options{Name: "empty"})
	require.NoError(t, err)
	assert.Empty(t, m.Roles[0].Permissions)
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		in   string
		want awsiam.Format
	}{
		{`{"Version":"2012-10-17","Statement":[]}`, awsiam.FormatPolicy},
		{"\xEF\xBB\xBF  {\"Statement\": {\"Effect\": \"Allow\"", awsiam.FormatPolicy},
		{`{"arn":"x","document":{"Statement":[]},"name":"n"}`, awsiam.FormatDataset},
		{`{"UserDetailList":[{"Statement":1}]`, awsiam.FormatAuthorizationDetails},
		{`{"a":{"Statement":[]}}`, ""},
		{`[{"Statement":[]}]`, ""},
		{`resource "aws_iam_policy" "p" {}`, ""},
		{``, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, awsiam.DetectFormat([]byte(tt.in)), tt.in)
		assert.Equal(t, tt.want != "", awsiam.Detect([]byte(tt.in)), tt.in)
	}
}

func TestDeterministic(t *testing.T) {
	data, err := os.ReadFile("testdata/authz-urlencoded.json")
	require.NoError(t, err)
	var first []byte
	for range 3 {
		m, err := awsiam.Read(bytes.NewReader(data), awsiam.Options{File: "a.json"})
		require.NoError(t, err)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		if first == nil {
			first = out
		}
		assert.Equal(t, string(first), string(out))
	}
}

func TestAmbiguousPolicyNames(t *testing.T) {
	doc := `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","AttachedManagedPolicies":[
	 {"PolicyName":"Admin","PolicyArn":"arn:aws:iam::aws:policy/Admin"},
	 {"PolicyName":"Admin","PolicyArn":"arn:aws:iam::123456789012:policy/Admin"}]}],
	 "Policies":[{"PolicyName":"Admin","Arn":"arn:aws:iam::123456789012:policy/Admin","DefaultVersionId":"v1",
	 "PolicyVersionList":[{"VersionId":"v1","Document":{"Statement":[]}}]}]}`
	m, err := awsiam.Read(strings.NewReader(doc), awsiam.Options{})
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	assert.Equal(t, "aws:policy:arn:aws:iam::123456789012:policy/Admin", m.Roles[0].ID)
	var roles []string
	for _, b := range m.Bindings {
		roles = append(roles, b.Role)
	}
	assert.Equal(t, []string{"aws:policy:arn:aws:iam::123456789012:policy/Admin", "aws:policy:arn:aws:iam::aws:policy/Admin"}, roles)
}
