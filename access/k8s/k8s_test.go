package k8s_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/k8s"
)

func readString(t *testing.T, s string, opts k8s.Options) (*access.Model, k8s.Stats) {
	t.Helper()
	m, st, err := k8s.ReadAll(strings.NewReader(s), opts)
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	return m, st
}

func TestAggregation(t *testing.T) {
	m, st, err := k8s.ReadFiles(filepath.Join("testdata", "aggregation.yaml"))
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	assert.Equal(t, []string{
		k8s.ClusterRoleID("everything"), k8s.ClusterRoleID("monitoring"), k8s.ClusterRoleID("nothing"),
		k8s.ClusterRoleID("ring-a"), k8s.ClusterRoleID("ring-b"),
	}, st.Aggregated)

	podsGet := access.Permission{Effect: access.Allow, Actions: []string{"get"}, Resources: []string{"/pods"}}
	metrics := access.Permission{Effect: access.Allow, Actions: []string{"get", "list"}, Resources: []string{"metrics.k8s.io/pods", "metrics.k8s.io/nodes"}}
	secrets := access.Permission{Effect: access.Allow, Actions: []string{"get"}, Resources: []string{"/secrets"}}
	configmaps := access.Permission{Effect: access.Allow, Actions: []string{"list"}, Resources: []string{"/configmaps"}}

	tests := []struct {
		role string
		want []access.Permission
	}{
		{"monitoring", []access.Permission{podsGet, metrics}}, // In matches, DoesNotExist excludes old-metrics
		{"ring-a", []access.Permission{metrics, configmaps}},  // a cycle ends at the fixed point
		{"ring-b", []access.Permission{configmaps, metrics}},
		{"nothing", []access.Permission{}}, // a null selector selects nothing
		{"everything", []access.Permission{metrics, podsGet, secrets, configmaps}},
		{"old-metrics", []access.Permission{secrets}}, // not aggregated: unchanged
	}
	for _, tc := range tests {
		t.Run(tc.role, func(t *testing.T) {
			assert.Equal(t, tc.want, role(t, m, k8s.ClusterRoleID(tc.role)).Permissions)
		})
	}
	// Aggregated roles do not share slices with their sources.
	ev := role(t, m, k8s.ClusterRoleID("everything"))
	ev.Permissions[0].Actions[0] = "changed"
	assert.Equal(t, "get", role(t, m, k8s.ClusterRoleID("metrics")).Permissions[0].Actions[0])
}

func TestSubjects(t *testing.T) {
	m, _, err := k8s.ReadFiles(filepath.Join("testdata", "subjects.yaml"))
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	require.Len(t, m.Principals, 8)
	require.Len(t, m.Bindings, 8)

	builder := principal(t, m, k8s.ServiceAccountID("default", "builder"))
	assert.Equal(t, "true", builder.Attributes["defined"], "a List item without namespace is in the default namespace")
	assert.Equal(t, []string{k8s.GroupID("system:serviceaccounts"), k8s.GroupID("system:authenticated")}, builder.MemberOf)
	assert.True(t, bound(m, builder.ID, k8s.ClusterRoleID("edit")), "the user name of a service account is the service account")

	deployer := principal(t, m, k8s.ServiceAccountID("ci", "deployer"))
	assert.Equal(t, "false", deployer.Attributes["defined"])
	assert.Equal(t, "ci", deployer.Attributes["namespace"], "a RoleBinding's namespace is its subjects' default")
	assert.Equal(t, []string{k8s.GroupID("system:serviceaccounts"), k8s.GroupID("system:serviceaccounts:ci"), k8s.GroupID("system:authenticated")}, deployer.MemberOf)

	alice := principal(t, m, k8s.UserID("alice@example.com"))
	assert.Equal(t, access.Yes, alice.Human)
	assert.Equal(t, []string{k8s.GroupID("system:authenticated")}, alice.MemberOf)
	anon := principal(t, m, k8s.UserID("system:anonymous"))
	assert.Equal(t, access.No, anon.Human)
	assert.Equal(t, []string{k8s.GroupID("system:unauthenticated")}, anon.MemberOf)

	b := m.Bindings[slicesIndex(m.Bindings, "kubernetes:binding:rolebinding/ci/deployers#1")]
	assert.Equal(t, access.Binding{
		ID: "kubernetes:binding:rolebinding/ci/deployers#1", Principal: alice.ID, Role: k8s.ClusterRoleID("edit"),
		Scope:  access.Scope{Kind: "namespace", Name: "ci"},
		Source: access.Source{File: filepath.Join("testdata", "subjects.yaml"), Line: 21, Path: "#1 items[1].subjects[1]"},
	}, b)
	assert.True(t, bound(m, k8s.GroupID("system:unauthenticated"), k8s.ClusterRoleID("view")))
	local := m.Bindings[slicesIndex(m.Bindings, "kubernetes:binding:rolebinding/ci/local#0")]
	assert.Equal(t, k8s.RoleID("ci", "runner"), local.Role, "typed JSON list items without kind")
	assert.Equal(t, "#3 items[0].subjects[0]", local.Source.Path)
}

func slicesIndex(bs []access.Binding, id string) int {
	for i, b := range bs {
		if b.ID == id {
			return i
		}
	}
	return -1
}

func TestOptions(t *testing.T) {
	in := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: other}\n"
	m, _ := readString(t, in, k8s.Options{Namespace: "team"})
	assert.Equal(t, k8s.ServiceAccountID("team", "a"), m.Principals[0].ID)
	assert.Equal(t, k8s.RoleID("other", "r"), m.Roles[0].ID)
	assert.Equal(t, []access.Permission{}, m.Roles[0].Permissions, "no rules: no permissions, not null")
	assert.Equal(t, access.Source{Line: 1, Path: "#1"}, m.Principals[0].Source, "no file name")
}

func TestReplaced(t *testing.T) {
	in := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: a}, {kind: User, name: b}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: User, name: c}]
`
	m, st := readString(t, in, k8s.Options{})
	assert.Equal(t, []string{"kubernetes:binding:clusterrolebinding/b", k8s.ClusterRoleID("r")}, st.Replaced)
	require.Len(t, m.Roles, 1)
	assert.Equal(t, []string{"list"}, m.Roles[0].Permissions[0].Actions, "the last definition wins")
	require.Len(t, m.Bindings, 1)
	assert.Equal(t, k8s.UserID("c"), m.Bindings[0].Principal)
	assert.Len(t, m.Principals, 1, "subjects of a replaced binding are not principals")
}

func TestDeterministic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "aggregation.yaml"))
	require.NoError(t, err)
	var first []byte
	for i := range 10 {
		m, err := k8s.Read(bytes.NewReader(data), k8s.Options{File: "x.yaml"})
		require.NoError(t, err)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		if i == 0 {
			first = out
			continue
		}
		require.Equal(t, string(first), string(out))
	}
}

func TestInputForms(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		principals int
		roles      int
		bindings   int
	}{
		{"empty", "", 0, 0, 0},
		{"only separators and comments", "---\n# nothing\n---\n", 0, 0, 0},
		{"JSON", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"x"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}`, 0, 1, 0},
		{"BOM and CRLF", "\ufeffapiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: a\r\n", 1, 0, 0},
		{"merge key", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: x}\nrules:\n- &r {apiGroups: [''], resources: [pods], verbs: [get]}\n- <<: *r\n  verbs: [list]\n", 0, 1, 0},
		{"binding without subjects", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {kind: ClusterRole, name: y}\n", 0, 0, 0},
		{"other group with an RBAC kind name", "apiVersion: example.com/v1\nkind: Role\nmetadata: {name: x}\n", 0, 0, 0},
		{"nested lists", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n", 1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := readString(t, tc.in, k8s.Options{})
			assert.Len(t, m.Principals, tc.principals)
			assert.Len(t, m.Roles, tc.roles)
			assert.Len(t, m.Bindings, tc.bindings)
		})
	}
	m, _ := readString(t, tests[4].in, k8s.Options{})
	assert.Equal(t, []string{"list"}, m.Roles[0].Permissions[1].Actions)
	assert.Equal(t, []string{"/pods"}, m.Roles[0].Permissions[1].Resources, "merged from the anchor")
	_, st := readString(t, tests[6].in, k8s.Options{})
	assert.Equal(t, map[string]int{"Role.example.com": 1}, st.Skipped)
	assert.Equal(t, []string{"Role.example.com"}, st.SkippedKinds())
}

func TestErrors(t *testing.T) {
	const crb = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
	const cr = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
	const rb = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n"
	tests := []struct {
		name     string
		in       string
		sentinel error
		line     int
		path     string
		msg      string
	}{
		{"bad YAML", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [a\n", access.ErrSyntax, 3, "#1", "invalid YAML"},
		{"bad YAML in a later document", cr + "---\nkind: x\n  y: z\n", access.ErrSyntax, 6, "#2", "invalid YAML"},
		{"not YAML nor Kubernetes", "resource \"aws_iam_policy\" \"p\" {\n  name = \"x\"\n  a: b\n}\n", access.ErrUnsupported, 0, "#1", "not Kubernetes"},
		{"sequence document", "- a\n- b\n", access.ErrUnsupported, 1, "#1", "not a Kubernetes object: the document is a sequence"},
		{"no kind or apiVersion", "{\"Version\": \"2012-10-17\"}", access.ErrUnsupported, 1, "#1", "no kind or apiVersion"},
		{"no kind", "apiVersion: v1\nmetadata: {}\n", access.ErrSyntax, 1, "#1", "without kind"},
		{"no apiVersion", "kind: Role\n", access.ErrSyntax, 1, "#1", "Role without apiVersion"},
		{"unknown RBAC version", "apiVersion: rbac.authorization.k8s.io/v2\nkind: Role\nmetadata: {name: x}\n", access.ErrUnsupported, 1, "#1", `version "v2"`},
		{"no name", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {namespace: x}\n", access.ErrSyntax, 3, "#1 metadata", "without metadata.name"},
		{"no metadata", "apiVersion: v1\nkind: ServiceAccount\n", access.ErrSyntax, 1, "#1", "without metadata"},
		{"slash in name", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a/b}\n", access.ErrSyntax, 3, "#1 metadata.name", "not a Kubernetes name"},
		{"name of the wrong type", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: [a]}\n", access.ErrSyntax, 3, "#1 metadata.name", "expected a string"},
		{"automount not a bool", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nautomountServiceAccountToken: maybe\n", access.ErrSyntax, 4, "#1 automountServiceAccountToken", "true or false"},
		{"rules not a list", cr + "rules: {verbs: [get]}\n", access.ErrSyntax, 4, "#1 rules", "expected a sequence"},
		{"rule without verbs", cr + "rules:\n- apiGroups: ['']\n  resources: [pods]\n", access.ErrSyntax, 5, "#1 rules[0]", "without verbs"},
		{"null verb", cr + "rules:\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [~]\n", access.ErrSyntax, 7, "#1 rules[0].verbs[0]", "null"},
		{"resources without apiGroups", cr + "rules:\n- resources: [pods]\n  verbs: [get]\n", access.ErrSyntax, 5, "#1 rules[0]", "no apiGroups"},
		{"rule without resources", cr + "rules:\n- apiGroups: ['']\n  verbs: [get]\n", access.ErrSyntax, 5, "#1 rules[0]", "without resources"},
		{"mixed rule", cr + "rules:\n- apiGroups: ['']\n  resources: [pods]\n  nonResourceURLs: [/x]\n  verbs: [get]\n", access.ErrSyntax, 5, "#1 rules[0]", "mixes"},
		{"Role with nonResourceURLs", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- nonResourceURLs: [/x]\n  verbs: [get]\n", access.ErrSyntax, 5, "#1 rules[0]", "cannot grant nonResourceURLs"},
		{"null rule", cr + "rules:\n- ~\n", access.ErrSyntax, 5, "#1 rules[0]", "null rule"},
		{"bad selector operator", cr + "aggregationRule:\n  clusterRoleSelectors:\n  - matchExpressions:\n    - {key: a, operator: Near}\n", access.ErrSyntax, 7, "#1 aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator", `"Near"`},
		{"binding without roleRef", crb, access.ErrSyntax, 1, "#1", "without roleRef"},
		{"roleRef without name", crb + "roleRef: {kind: ClusterRole}\n", access.ErrSyntax, 4, "#1 roleRef", "without name"},
		{"ClusterRoleBinding to a Role", crb + "roleRef: {kind: Role, name: r}\n", access.ErrSyntax, 4, "#1 roleRef.kind", "cannot reference a Role"},
		{"roleRef of an unknown kind", crb + "roleRef: {kind: Policy, name: r}\n", access.ErrSyntax, 4, "#1 roleRef.kind", `"Policy"`},
		{"subject of an unknown kind", crb + "roleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: Robot, name: r2}]\n", access.ErrSyntax, 5, "#1 subjects[0].kind", `"Robot"`},
		{"subject without name", rb + "roleRef: {kind: Role, name: r}\nsubjects: [{kind: User}]\n", access.ErrSyntax, 5, "#1 subjects[0]", "without name"},
		{"service account subject without namespace", crb + "roleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: ServiceAccount, name: s}]\n", access.ErrSyntax, 5, "#1 subjects[0]", "without namespace"},
		{"list of the wrong item", "apiVersion: v1\nkind: List\nitems: [a]\n", access.ErrSyntax, 3, "#1 items[0]", "expected a Kubernetes object"},
		{"items not a list", "apiVersion: v1\nkind: List\nitems: {a: b}\n", access.ErrSyntax, 3, "#1 items", "expected a sequence"},
		{"template that parses", crb + "roleRef: {kind: ClusterRole, name: r}\nsubjects:\n- kind: ServiceAccount\n  namespace: {{ .Values.ns }}\n  name: x\n", access.ErrUnsupported, 7, "#1 subjects[0].namespace", "Helm template"},
		{"quoted template", cr + "rules:\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [\"{{ .Values.verb }}\"]\n", access.ErrUnsupported, 7, "#1 rules[0].verbs[0]", "Helm template"},
		{"template that does not parse", "{{- if .Values.rbac.create }}\n" + cr + "{{- end }}\n", access.ErrUnsupported, 0, "#1", "Helm template"},
		{"unresolvable alias", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: *a}\n", access.ErrSyntax, 0, "#1", "invalid YAML"},
		{"field twice", crb + "roleRef: {kind: ClusterRole, name: r}\nsubjects:\n- kind: User\n  name: alice\n  name: mallory\n", access.ErrSyntax, 8, "#1 subjects[0].name", `field "name" given twice (first on line 7)`},
		{"invalid UTF-8", crb + "roleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: User, name: a\xffb}]\n", access.ErrSyntax, 5, "#1", "invalid leading UTF-8 octet"},
		{"blocks nested too deep", strings.Repeat("- ", 10001) + "x\n", access.ErrUnsupported, 1, "#1", "exceeded max depth"},
		{"JSON nested too deep", `{"apiVersion":"v1","kind":"List","items":` + strings.Repeat("[", 600), access.ErrLimit, 1, "", "nesting deeper than 512 (MaxDepth) (column 553, byte 552)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := k8s.Read(strings.NewReader(tc.in), k8s.Options{File: "in.yaml"})
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, tc.sentinel)
			var pe *access.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "in.yaml", pe.File)
			if tc.line > 0 {
				assert.Equal(t, tc.line, pe.Line)
			}
			assert.Equal(t, tc.path, pe.Path)
			assert.Contains(t, pe.Message, tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "access: in.yaml:"), err.Error())
		})
	}
}

func TestLimits(t *testing.T) {
	sa := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n"
	t.Run("MaxBytes", func(t *testing.T) {
		_, err := k8s.Read(strings.NewReader(sa), k8s.Options{MaxBytes: int64(len(sa))})
		require.NoError(t, err, "at the limit")
		_, err = k8s.Read(strings.NewReader(sa), k8s.Options{MaxBytes: int64(len(sa) - 1)})
		assert.ErrorIs(t, err, access.ErrLimit, "one byte over")
	})
	t.Run("MaxResources", func(t *testing.T) {
		in := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n" +
			"- {apiGroups: [a, b, c], resources: [x, y], verbs: [get]}\n- {nonResourceURLs: [/z], verbs: [get]}\n"
		m, err := k8s.Read(strings.NewReader(in), k8s.Options{MaxResources: 7})
		require.NoError(t, err, "3x2+1 at the limit")
		assert.Len(t, m.Roles[0].Permissions[0].Resources, 6)
		_, err = k8s.Read(strings.NewReader(in), k8s.Options{MaxResources: 6})
		assert.ErrorIs(t, err, access.ErrLimit)
	})
	t.Run("alias expansion", func(t *testing.T) {
		// Lists of lists of aliases: 20^4 objects from a few hundred
		// bytes.
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: List\n")
		b.WriteString("x0: &a0 {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n")
		for i := 1; i < 4; i++ {
			fmt.Fprintf(&b, "x%d: &a%d {apiVersion: v1, kind: List, items: [%s]}\n", i, i, strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 19)+fmt.Sprintf("*a%d", i-1))
		}
		b.WriteString("items: [" + strings.Repeat("*a3, ", 19) + "*a3]\n")
		_, err := k8s.Read(strings.NewReader(b.String()), k8s.Options{})
		assert.ErrorIs(t, err, access.ErrLimit)
	})
	t.Run("aggregation of many roles", func(t *testing.T) {
		// 300 ClusterRoles, each aggregating all others: the work is
		// bounded and the result correct.
		var b strings.Builder
		for i := range 300 {
			fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r%d, labels: {all: \"yes\"}}\n"+
				"aggregationRule: {clusterRoleSelectors: [{matchLabels: {all: \"yes\"}}]}\n"+
				"rules: [{apiGroups: [''], resources: [r%d], verbs: [get]}]\n", i, i)
		}
		m, err := k8s.Read(strings.NewReader(b.String()), k8s.Options{})
		require.NoError(t, err)
		for _, r := range m.Roles {
			require.Len(t, r.Permissions, 300, r.ID)
		}
	})
}

func TestReadFileErrors(t *testing.T) {
	_, err := k8s.ReadFile(filepath.Join("testdata", "does-not-exist.yaml"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.True(t, strings.HasPrefix(err.Error(), "k8s: "))

	_, err = k8s.Read(iotestErrReader{}, k8s.Options{File: "x"})
	assert.ErrorIs(t, err, errRead)
}

var errRead = fmt.Errorf("read failed")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errRead }

var _ io.Reader = iotestErrReader{}

func TestDetect(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"apiVersion: v1\nkind: ServiceAccount\n", true},
		{"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding # comment\n", true},
		{"apiVersion: v1\nitems:\n- kind: Role\n  apiVersion: rbac.authorization.k8s.io/v1\nkind: List\n", true},
		{"apiVersion: rbac.authorization.k8s.io/v1\nkind: 'RoleBindingList'\n", true},
		{`{"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1"}`, true},
		{"apiVersion: apps/v1\nkind: Deployment\n", false},
		{"apiVersion: v1\nkind: RoleX\n", false},
		{"kind: Role\n", false},
		{`{"Version":"2012-10-17","Statement":[]}`, false},
		{"", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, k8s.Detect([]byte(tc.in)), tc.in)
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"aggregation.yaml", "subjects.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n"))
	f.Add([]byte("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems: [{metadata: {name: r}, rules: [{nonResourceURLs: ['*'], verbs: ['*']}]}]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("{{ .Values.x }}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, st, err := k8s.ReadAll(bytes.NewReader(data), k8s.Options{File: "fuzz", MaxResources: 1 << 16})
		if err != nil {
			var pe *access.ParseError
			if !assert.ErrorAs(t, err, &pe) {
				return
			}
			assert.Nil(t, m)
			return
		}
		require.NoError(t, m.Validate())
		for _, b := range m.Bindings {
			assert.NotEmpty(t, b.Principal)
			assert.NotEmpty(t, b.Role)
		}
		assert.GreaterOrEqual(t, st.Objects, 0)
	})
}

// syntheticCluster is a stream of n ServiceAccounts, n/10 ClusterRoles
// (one in ten of them aggregating) and n ClusterRoleBindings.
func syntheticCluster(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-%d\n  namespace: ns-%d\n", i, i%50)
	}
	for i := range n / 10 {
		fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: role-%d\n  labels:\n    aggregate-to: agg-%d\n", i, i%10)
		if i%10 == 0 {
			fmt.Fprintf(&b, "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      aggregate-to: agg-%d\n", (i/10)%10)
		}
		fmt.Fprintf(&b, "rules:\n- apiGroups: [\"\", apps]\n  resources: [pods, deployments, secrets]\n  verbs: [get, list, watch]\n"+
			"- apiGroups: [\"\"]\n  resources: [configmaps]\n  resourceNames: [cm-%d]\n  verbs: [update]\n", i)
	}
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb-%d\n"+
			"roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: role-%d\n"+
			"subjects:\n- kind: ServiceAccount\n  name: sa-%d\n  namespace: ns-%d\n", i, i%(n/10), i, i%50)
	}
	return b.Bytes()
}

func TestSynthetic(t *testing.T) {
	m, st, err := k8s.ReadAll(bytes.NewReader(syntheticCluster(1000)), k8s.Options{})
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	assert.Len(t, m.Principals, 1000)
	assert.Len(t, m.Roles, 100)
	assert.Len(t, m.Bindings, 1000)
	assert.Len(t, st.Aggregated, 10)
}

func BenchmarkRead(b *testing.B) {
	data := syntheticCluster(10000) // 10,000 SAs, 1,000 ClusterRoles, 10,000 bindings
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k8s.Read(bytes.NewReader(data), k8s.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetect(b *testing.B) {
	data := syntheticCluster(1000)
	b.SetBytes(int64(min(len(data), 64<<10)))
	for b.Loop() {
		k8s.Detect(data)
	}
}
