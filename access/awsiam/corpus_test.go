package awsiam_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/awsiam"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// readCorpus reads a corpus file with Read and checks what every model
// must satisfy.
func readCorpus(t *testing.T, rel string) *access.Model {
	t.Helper()
	data := testcorpus.Read(t, rel)
	m, err := awsiam.Read(strings.NewReader(string(data)), awsiam.Options{File: filepath.Base(rel)})
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	require.True(t, awsiam.Detect(data), "Detect(%s)", rel)
	return m
}

func principal(m *access.Model, id string) *access.Principal {
	for i := range m.Principals {
		if m.Principals[i].ID == id {
			return &m.Principals[i]
		}
	}
	return nil
}

func role(m *access.Model, id string) *access.Role {
	for i := range m.Roles {
		if m.Roles[i].ID == id {
			return &m.Roles[i]
		}
	}
	return nil
}

// boundTo lists, sorted, the principals bound to role id.
func boundTo(m *access.Model, id string) []string {
	var out []string
	for _, b := range m.Bindings {
		if b.Role == id {
			out = append(out, b.Principal)
		}
	}
	slices.Sort(out)
	return out
}

func countKind(m *access.Model, k access.PrincipalKind) int {
	n := 0
	for _, p := range m.Principals {
		if p.Kind == k {
			n++
		}
	}
	return n
}

func countRoleKind(m *access.Model, kind string) int {
	n := 0
	for _, r := range m.Roles {
		if r.Kind == kind {
			n++
		}
	}
	return n
}

func TestAuthorizationDetailsCorpus(t *testing.T) {
	tests := []struct {
		file                                 string
		users, groups, roles, managed, inlin int
		accounts                             int
		check                                func(t *testing.T, m *access.Model)
	}{
		{
			file: "examples_files_example.json", users: 44, groups: 5, roles: 78, managed: 84, inlin: 39, accounts: 2,
			check: func(t *testing.T, m *access.Model) {
				unused := 0
				for _, p := range m.Principals {
					if p.Kind == access.KindRole && p.LastActive.IsZero() {
						unused++
					}
				}
				assert.Equal(t, 52, unused, "roles without RoleLastUsed.LastUsedDate")

				admin := awsiam.ManagedPolicyID("AdministratorAccess")
				// The README names obama, admin and the Organization and SSO
				// roles; the export also attaches it to two StackSet
				// execution roles.
				assert.Equal(t, []string{
					"aws:group:admin",
					"aws:role:AWS-QuickSetup-StackSet-Local-ExecutionRole",
					"aws:role:AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc",
					"aws:role:OrganizationAccountAccessRole",
					"aws:role:stacksets-exec-b5520cb2730c2f54b523d6375a319abb",
					"aws:user:obama",
				}, boundTo(m, admin))
				r := role(m, admin)
				require.NotNil(t, r)
				assert.True(t, r.Builtin)
				assert.Equal(t, []access.Permission{{Effect: access.Allow, Actions: []string{"*"}, Resources: []string{"*"}}}, r.Permissions)

				var members []string
				for _, p := range m.Principals {
					if slices.Contains(p.MemberOf, "aws:group:admin") {
						members = append(members, p.ID)
					}
				}
				assert.Equal(t, []string{"aws:user:obama", "aws:user:userwithlotsofpermissions"}, members)

				pu := role(m, awsiam.ManagedPolicyID("PowerUserAccess"))
				require.NotNil(t, pu)
				require.Len(t, pu.Permissions, 2)
				assert.Equal(t, []string{"iam:*", "organizations:*", "account:*"}, pu.Permissions[0].NotActions)
				assert.Empty(t, pu.Permissions[0].Actions)

				fn4 := role(m, awsiam.ManagedPolicyID("fn4-exploitableNotAction"))
				require.NotNil(t, fn4)
				assert.False(t, fn4.Builtin, "customer managed")
				assert.Equal(t, []string{"iam:Update*", "iam:Create*", "iam:Attach*"}, fn4.Permissions[0].NotActions)
				fn1 := role(m, awsiam.ManagedPolicyID("fn1-passrole-star"))
				require.NotNil(t, fn1)
				assert.Equal(t, []string{"iam:PassRole"}, fn1.Permissions[0].Actions)
				assert.Equal(t, []string{"*"}, fn1.Permissions[0].Resources)

				for i := 1; i <= 21; i++ {
					found := false
					for _, p := range m.Principals {
						if p.Kind == access.KindUser && strings.HasPrefix(p.ID, "aws:user:privesc"+strconv.Itoa(i)+"-") {
							found = true
						}
					}
					assert.True(t, found, "privesc%d user", i)
				}

				sso := principal(m, "aws:role:AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc")
				require.NotNil(t, sso)
				assert.Equal(t, []string{"federated:arn:aws:iam::200611803367:saml-provider/AWSSSO_b937d2dff24f2774_DO_NOT_DELETE"}, sso.AssumableBy)
				assert.Equal(t, "us-east-1", sso.Attributes["last_used_region"])
				assert.Equal(t, time.Date(2023, 3, 21, 9, 35, 50, 0, time.UTC), sso.LastActive)
				assert.Equal(t, access.No, sso.Human)
				assert.Contains(t, sso.Attributes["assume_role_policy"], `"SAML:aud"`)

				org := principal(m, "aws:role:OrganizationAccountAccessRole")
				require.NotNil(t, org)
				assert.Equal(t, []string{"arn:aws:iam::072528804237:root"}, org.AssumableBy)
				assert.True(t, org.LastActive.IsZero())

				obama := principal(m, "aws:user:obama")
				require.NotNil(t, obama)
				assert.Equal(t, access.Yes, obama.Human)
				assert.Equal(t, access.Unknown, obama.MFA, "the export has no MFA data")
				assert.Equal(t, "arn:aws:iam::012345678901:user/obama", obama.Name)
				assert.Equal(t, time.Date(2019, 12, 18, 19, 10, 8, 0, time.UTC), obama.Created)

				for _, b := range m.Bindings {
					if b.Principal == "aws:user:obama" {
						assert.Equal(t, access.Scope{Kind: "account", Name: "012345678901"}, b.Scope)
					}
				}
				assert.Equal(t, "aws:account:012345678901", m.Accounts[0].ID)
				assert.Equal(t, "aws:account:200611803367", m.Accounts[1].ID)
			},
		},
		{
			file: "test_files_example-authz-details.json", users: 3, groups: 2, roles: 3, managed: 32, inlin: 6, accounts: 1,
			check: func(t *testing.T, m *access.Model) {
				assert.Equal(t, []string{"aws:group:admin", "aws:user:obama"}, boundTo(m, awsiam.ManagedPolicyID("AdministratorAccess")))
				assert.Equal(t, []string{"aws:role:OverprivilegedEC2"}, boundTo(m, awsiam.ManagedPolicyID("InsecurePolicy")))
				ins := role(m, awsiam.ManagedPolicyID("InsecurePolicy"))
				require.NotNil(t, ins)
				var actions []string
				for _, p := range ins.Permissions {
					if slices.Contains(p.Resources, "*") {
						actions = append(actions, p.Actions...)
					}
				}
				assert.Subset(t, actions, []string{"s3:PutObject", "s3:PutObjectAcl"})
				ec2 := principal(m, "aws:role:OverprivilegedEC2")
				require.NotNil(t, ec2)
				assert.Equal(t, "2019-01-20", ec2.LastActive.Format(time.DateOnly))
				assert.Equal(t, []string{"service:ec2.amazonaws.com"}, ec2.AssumableBy)
				assert.True(t, principal(m, "aws:role:MyRole").LastActive.IsZero())
				assert.True(t, principal(m, "aws:role:MyOtherRole").LastActive.IsZero())
			},
		},
		{
			file: "test_files_example_authz_v2.json", users: 1, groups: 1, roles: 2, managed: 2, inlin: 2, accounts: 1,
			check: func(t *testing.T, m *access.Model) {
				assert.Equal(t, []string{"aws:group:GOAT"}, principal(m, "aws:user:BlakeBortles").MemberOf)
				// AdministratorAccess is not in the export's Policies: the
				// binding dangles, for the analyzer to report.
				assert.Equal(t, []string{"aws:group:GOAT"}, boundTo(m, awsiam.ManagedPolicyID("AdministratorAccess")))
				assert.Nil(t, role(m, awsiam.ManagedPolicyID("AdministratorAccess")))
				inl := role(m, awsiam.InlinePolicyID(access.KindRole, "GOAT", "SsmOnboardingInlinePolicy"))
				require.NotNil(t, inl)
				assert.Equal(t, "InlinePolicy", inl.Kind)
				assert.Equal(t, []string{"aws:role:GOAT"}, boundTo(m, inl.ID))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := readCorpus(t, "access/aws-iam/cloudsplaining/"+tt.file)
			assert.Equal(t, tt.users, countKind(m, access.KindUser), "users")
			assert.Equal(t, tt.groups, countKind(m, access.KindGroup), "groups")
			assert.Equal(t, tt.roles, countKind(m, access.KindRole), "roles")
			assert.Equal(t, tt.managed, countRoleKind(m, "ManagedPolicy"), "managed policies")
			assert.Equal(t, tt.inlin, countRoleKind(m, "InlinePolicy"), "inline policies")
			assert.Len(t, m.Accounts, tt.accounts)
			for _, p := range m.Principals {
				assert.Equal(t, access.SystemAWS, p.System)
				assert.Equal(t, tt.file, p.Source.File)
				assert.Positive(t, p.Source.Line, p.ID)
				assert.NotEmpty(t, p.Source.Path, p.ID)
			}
			for _, b := range m.Bindings {
				assert.Equal(t, "account", b.Scope.Kind, b.ID)
				assert.NotEmpty(t, b.Scope.Name, b.ID)
			}
			tt.check(t, m)
		})
	}
}

func TestBarePolicyCorpus(t *testing.T) {
	tests := []struct {
		file string
		want []access.Permission
	}{
		{"cloudgoat/iam_privesc_by_rollback_v1.json", []access.Permission{{Effect: access.Allow,
			Actions: []string{"iam:Get*", "iam:List*", "iam:SetDefaultPolicyVersion"}, Resources: []string{"*"}}}},
		{"cloudgoat/iam_privesc_by_rollback_v2.json", []access.Permission{{Effect: access.Deny,
			Actions: []string{"*"}, Resources: []string{"*"},
			Conditions: json.RawMessage(`{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`)}}},
		{"cloudgoat/iam_privesc_by_rollback_v3.json", []access.Permission{{Effect: access.Allow,
			Actions: []string{"*"}, Resources: []string{"*"}}}},
		{"cloudgoat/iam_privesc_by_rollback_v4.json", []access.Permission{{Effect: access.Allow,
			Actions: []string{"iam:Get*"}, Resources: []string{"*"},
			Conditions: json.RawMessage(`{"DateGreaterThan":{"aws:CurrentTime":"2017-07-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2017-12-31T23:59:59Z"}}`)}}},
		{"cloudgoat/iam_privesc_by_rollback_v5.json", []access.Permission{{Effect: access.Allow,
			Actions: []string{"s3:ListBucket", "s3:GetObject", "s3:ListAllMyBuckets"}, Resources: []string{"*"}}}},
		{"cloudsplaining/examples_policies_wildcards.json", []access.Permission{{Effect: access.Allow,
			Actions: []string{"ecr:*", "s3:*"}, Resources: []string{"*"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := readCorpus(t, "access/aws-iam/"+tt.file)
			assert.Empty(t, m.Principals)
			assert.Empty(t, m.Bindings)
			require.Len(t, m.Roles, 1)
			r := m.Roles[0]
			name := strings.TrimSuffix(filepath.Base(tt.file), ".json")
			assert.Equal(t, "aws:role:policy/"+name, r.ID)
			assert.Equal(t, name, r.Name)
			assert.Equal(t, "Policy", r.Kind)
			assert.False(t, r.Builtin)
			assert.Equal(t, tt.want, r.Permissions)
		})
	}

	m := readCorpus(t, "access/aws-iam/cloudsplaining/examples_policies_explicit-actions.json")
	require.Len(t, m.Roles[0].Permissions, 2)
	assert.Equal(t, []string{"arn:aws:iam::*:user/${aws:username}"}, m.Roles[0].Permissions[1].Resources)
}

// groundTruth is what an iam-dataset record says about its policy; the
// importer leaves it out of the model, and analyzer tests compare their
// results with it.
type groundTruth struct {
	Name                string `json:"name"`
	Privesc             bool   `json:"privesc"`
	CredentialsExposure bool   `json:"credentials_exposure"`
	ResourceExposure    bool   `json:"resource_exposure"`
	Deprecated          bool   `json:"deprecated"`
	EffectiveActions    []struct {
		Action          string `json:"action"`
		EffectiveAction string `json:"effective_action"`
		Privesc         bool   `json:"privesc"`
	} `json:"effective_actions"`
}

func readGroundTruth(t *testing.T, rel string) groundTruth {
	t.Helper()
	var g groundTruth
	require.NoError(t, json.Unmarshal(testcorpus.Read(t, rel), &g))
	return g
}

func TestDatasetCorpus(t *testing.T) {
	files := testcorpus.Glob("access/aws-iam/iam-dataset-managed/*.json")
	if len(files) == 0 {
		testcorpus.Path(t, "access/aws-iam/iam-dataset-managed") // skips or fails
	}
	require.Len(t, files, 22)
	var privesc, creds []string
	models := map[string]*access.Model{}
	for _, f := range files {
		rel := "access/aws-iam/iam-dataset-managed/" + filepath.Base(f)
		m := readCorpus(t, rel)
		require.Len(t, m.Roles, 1, rel)
		r := m.Roles[0]
		g := readGroundTruth(t, rel)
		assert.Equal(t, g.Name, r.Name)
		assert.Equal(t, awsiam.ManagedPolicyID(g.Name), r.ID)
		assert.Equal(t, "ManagedPolicy", r.Kind)
		assert.True(t, r.Builtin, r.Name)
		assert.NotEmpty(t, r.Permissions, r.Name)
		models[r.Name] = m
		if g.Privesc {
			privesc = append(privesc, g.Name)
		}
		if g.CredentialsExposure {
			creds = append(creds, g.Name)
		}
	}
	slices.Sort(privesc)
	assert.Equal(t, []string{"AWSCloudTrail_FullAccess", "AWSDataPipeline_FullAccess", "AWSLambda_FullAccess",
		"AWSOrganizationsFullAccess", "AmazonDynamoDBFullAccess", "AmazonEKSClusterPolicy", "DatabaseAdministrator",
		"IAMFullAccess", "NetworkAdministrator"}, privesc, "README: privesc=true")
	assert.Subset(t, creds, []string{"AmazonS3FullAccess", "IAMSelfManageServiceSpecificCredentials"})

	deny := models["AWSDenyAll"].Roles[0].Permissions
	assert.Equal(t, []access.Permission{{Effect: access.Deny, Actions: []string{"*"}, Resources: []string{"*"}}}, deny)

	iam := models["IAMFullAccess"].Roles[0].Permissions
	assert.True(t, slices.ContainsFunc(iam, func(p access.Permission) bool { return slices.Contains(p.Actions, "iam:*") }))

	// The README says "Deny with conditions"; the stored document is one
	// Deny statement of 89 actions without a Condition.
	q := models["AWSCompromisedKeyQuarantineV2"].Roles[0].Permissions
	require.Len(t, q, 1)
	assert.Equal(t, access.Deny, q[0].Effect)
	assert.Len(t, q[0].Actions, 89)
	assert.Nil(t, q[0].Conditions)

	pw := models["IAMUserChangePassword"].Roles[0].Permissions
	assert.True(t, slices.ContainsFunc(pw, func(p access.Permission) bool {
		return slices.ContainsFunc(p.Resources, func(r string) bool { return strings.Contains(r, "${aws:username}") })
	}))

	lambda := models["AWSLambda_FullAccess"].Roles[0].Permissions
	assert.True(t, slices.ContainsFunc(lambda, func(p access.Permission) bool {
		return slices.Contains(p.Actions, "iam:PassRole") && len(p.Conditions) > 0
	}), "PassRole with a Condition")
}

func TestOtherKindsRejected(t *testing.T) {
	tests := []struct {
		pattern string
		want    error
		msg     string
	}{
		{"access/aws-iam/iam-vulnerable-terraform/*.tf", access.ErrUnsupported, "Terraform HCL: render the policy to JSON first"},
		{"access/kubernetes-rbac/*/*.yaml", access.ErrUnsupported, "not JSON"},
		{"access/gcp-iam/*/*.json", access.ErrUnsupported, ""},
		{"access/azure-rbac/*/*.json", access.ErrUnsupported, "array"},
		{"access/github-org/*/*.json", access.ErrUnsupported, "array"},
		{"access/casbin/*/*", access.ErrUnsupported, ""},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			files := testcorpus.Glob(tt.pattern)
			if len(files) == 0 {
				testcorpus.Path(t, "access")
			}
			require.NotEmpty(t, files)
			for _, f := range files {
				m, err := awsiam.ReadFile(f)
				assert.Nil(t, m, f)
				var pe *access.ParseError
				require.ErrorAs(t, err, &pe, f)
				assert.ErrorIs(t, err, tt.want, f)
				assert.Equal(t, f, pe.File)
				assert.Contains(t, pe.Message, tt.msg, f)
				data, err := os.ReadFile(f)
				require.NoError(t, err)
				assert.False(t, awsiam.Detect(data), f)
			}
		})
	}
}
