package hostile_test

// Hostile input against the access importers (Kubernetes RBAC, AWS IAM,
// GCP, Azure, GitHub, access/load, usage documents), access decision
// requests, compliance postures and policy directories and bundles, and
// ignore-rule files of correlate/suppress.
//
// The runner and the default bounds are those of inventory_test.go
// (invRun: 10 s, 48 MiB allocated unless a case says otherwise; this
// file's cases take about 5 s under -race on 2 busy cores):
//
//	input                               limit                              what happens
//	JSON nested 1,000,000 deep          limits.MaxDepth (512)              ErrLimit at the 513th bracket with file, line, column
//	                                                                       and byte; read stops within the first 64 KiB
//	JSON string of 500 MB               limits.MaxStringBytes (16 MiB)     ErrLimit while reading: < 20 MiB read, ~20 MiB
//	                                                                       allocated (postures: < 96 MiB)
//	decide request of 500 MB            decide.MaxRequestBytes (4 MiB)     ErrLimit after 4 MiB + 1 byte read
//	ignore rules of 500 MB              suppress.DefaultMaxBytes (16 MiB)  ErrLimit after 16 MiB + 1 byte read, < 96 MiB
//	RBAC alias bomb (10^9 nodes)        10 visits a node + 10,000          a schema error at the first alias; < 1 s
//	RBAC aliases expanding 4 x 10^8     the same budget                    ErrLimit "too many nodes", < 1 s, < 256 MiB
//	YAML flow nested 1,000,000 deep     yaml.v3's depth (10,000)           ErrSyntax with the document and line
//	100,000 empty YAML documents        none needed                        RBAC: an empty model; ignore rules: "more than one
//	                                                                       YAML document"; < 128 MiB
//	numbers out of range (1e400...)     the field's type                   ErrSyntax/ErrInvalid naming the field, or ignored
//	                                                                       where not read (a GCP iam_policy version)
//	invalid UTF-8                       -                                  JSON: U+FFFD, then checked (a login with U+FFFD is
//	                                                                       no login); YAML: ErrSyntax at the byte
//	duplicate keys                      -                                  rejected with their pointer where the importer walks
//	                                                                       keys (RBAC, IAM, GCP, Azure, GitHub, ignore rules);
//	                                                                       last wins, as documented, where a document decodes
//	                                                                       into structs (usage, decide requests, postures)
//	policy bundle: gzip bomb of 10 GiB  compliance.MaxBundleBytes (64 MiB) ErrPolicy after 64 MiB inflated; < 1 s, < 192 MiB
//	policy bundle: entry claiming 1 TiB compliance.MaxPolicyFileBytes      ErrPolicy before anything is allocated for it
//	policy bundle: 10 GiB of zeros      tar's end marker                   an empty bundle after 1 KiB inflated
//	policy directory: .rego of 500 MB   compliance.MaxPolicyFileBytes      ErrPolicy naming the file, from its size (or after
//	                                                                       16 MiB + 1 byte read when no size is known)
//	policy directory: link outside      os.Root                            ErrPolicy naming the link; nothing of its target read

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	accessawsiam "github.com/aspmkit/aspm/access/awsiam"
	accessazure "github.com/aspmkit/aspm/access/azure"
	"github.com/aspmkit/aspm/access/decide"
	accessgcp "github.com/aspmkit/aspm/access/gcp"
	accessgithub "github.com/aspmkit/aspm/access/github"
	accessk8s "github.com/aspmkit/aspm/access/k8s"
	accessload "github.com/aspmkit/aspm/access/load"
	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate/suppress"
	"github.com/aspmkit/aspm/internal/hostile"
	"github.com/aspmkit/aspm/internal/limits"
)

// accNamed gives a reader a Name, as an *os.File has: the readers that
// take no name (decide.DecodeRequest, compliance.ReadPosture) name the
// input by it.
type accNamed struct {
	io.Reader
	name string
}

func (n accNamed) Name() string { return n.name }

func accK8s(r io.Reader, file string) (any, error) {
	return accessk8s.Read(r, accessk8s.Options{File: file})
}

func accAWS(r io.Reader, file string) (any, error) {
	return accessawsiam.Read(r, accessawsiam.Options{File: file})
}

func accGCP(r io.Reader, file string) (any, error) {
	return accessgcp.Read(r, accessgcp.Options{File: file})
}

func accAzure(r io.Reader, file string) (any, error) {
	return accessazure.Read(r, accessazure.Options{File: file})
}

func accGitHub(r io.Reader, file string) (any, error) {
	return accessgithub.Read(r, accessgithub.Options{File: file})
}

func accLoad(r io.Reader, file string) (any, error) {
	m, _, err := accessload.Read(r, file)
	return m, err
}

func accUsage(r io.Reader, file string) (any, error) {
	m := &access.Model{}
	err := access.ReadUsage(r, file, m)
	return m, err
}

func accDecide(r io.Reader, file string) (any, error) {
	return decide.DecodeRequest(accNamed{r, file})
}

func accPosture(r io.Reader, file string) (any, error) {
	return compliance.ReadPosture(accNamed{r, file})
}

func accSuppress(r io.Reader, file string) (any, error) {
	return suppress.ParseRules(r, suppress.Options{Name: file})
}

// accPrincipals returns the names of the model's principals.
func accPrincipals(m any) []string {
	var names []string
	for _, p := range m.(*access.Model).Principals {
		names = append(names, p.Name)
	}
	return names
}

// accJSONCases are the JSON cases every JSON importer gets: head and tail
// surround a hole where a string value is read.
// where matches the place in the messages of the importer: ":1:" (file
// and line) for the access importers.
func accJSONCases(head, tail string, limit error, where string) []invCase {
	return []invCase{
		{name: "deep array", input: invDoc(invLit(head), invDeepArray, invLit(tail)),
			want: []error{limit}, place: where + `.*nesting deeper than 512|` + where + `.*MaxDepth`, maxRead: limits.SniffBytes},
		{name: "deep object", input: invDoc(invLit(head), invDeepObject, invLit(tail)),
			want: []error{limit}, place: where + `.*nesting deeper than 512|` + where + `.*MaxDepth`, maxRead: limits.SniffBytes},
		{name: "500 MB string", input: invDoc(invLit(head), invLongString, invLit(tail)),
			want: []error{limit}, place: where + `.*MaxStringBytes`, maxRead: invLongRead},
	}
}

const accInvalidUTF8 = "bad\uFFFDtext\uFFFD(\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDend"

func TestHostileRBAC(t *testing.T) {
	role := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n"
	binding := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\nsubjects:\n- kind: User\n  name: "
	cases := []invCase{
		{name: "YAML alias bomb", input: invStr(role + hostile.YAMLAliasBomb("rules", 9, 10)),
			want: []error{access.ErrSyntax, access.ErrLimit}, place: `:\d+: #1 rules\[0\]`},
		{name: "YAML aliases expanding to 4 x 10^8 resources", input: invStr(role +
			"res: &res " + invRepeatList("pods", 20_000) + "\nrule: &rule {apiGroups: [\"\"], resources: *res, verbs: [get]}\n" +
			"rules: " + invRepeatList("*rule", 20_000) + "\n"),
			want: []error{access.ErrLimit}, place: `:\d+: #1 rules\[\d+\]`, maxAlloc: 256 << 20},
		{name: "YAML deep", input: invDoc(invLit(role), func() any { return invDeepYAML("rules") }),
			want: []error{access.ErrSyntax}, place: `: #1: .*exceeded max depth`},
		{name: "YAML 500 MB subject", input: invDoc(invLit(binding), func() any { return invRepeat("A", invBig) }),
			want: []error{access.ErrLimit}, place: `:8: line longer than 16777216 bytes \(MaxStringBytes\) \(column 16777217, byte \d+\)`, maxRead: invLongRead},
		{name: "YAML 100,000 empty documents", input: func() io.Reader { return hostile.Repeat("---\n", 100_000) },
			check: func(t *testing.T, m any, _ error) { assert.Empty(t, m.(*access.Model).Principals) }, maxAlloc: invEmptyDocsAlloc},
		{name: "YAML duplicate key", input: invStr(binding + "alice\n  name: mallory\n"),
			want: []error{access.ErrSyntax}, place: `:9: #1 subjects\[0\]\.name: field "name" given twice \(first on line 8\)`},
		{name: "YAML invalid UTF-8", input: invStr(binding + hostile.InvalidUTF8 + "\n"),
			want: []error{access.ErrSyntax}, place: `:8: #1: invalid YAML: invalid leading UTF-8 octet`},
		{name: "JSON deep", input: invDoc(invLit(`{"apiVersion":"v1","kind":"List","items":`), invDeepArray, invLit(`}`)),
			want: []error{access.ErrLimit}, place: `:1: .*MaxDepth`},
		{name: "JSON 500 MB name", input: invDoc(invLit(`{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":`), invLongString, invLit(`}}`)),
			want: []error{access.ErrLimit}, place: `:1: .*MaxStringBytes`, maxRead: invLongRead},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.rbac.yaml", accK8s
	}
	invRun(t, cases)
}

func TestHostileAWSIAM(t *testing.T) {
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":`
	tail := `}]}`
	cases := append(accJSONCases(head, tail, access.ErrLimit, `:1: `),
		invCase{name: "Version 1e400", input: invStr(`{"Version":1e400,"Statement":[]}`),
			want: []error{access.ErrSyntax}, place: `:1: /Version`},
		invCase{name: "invalid UTF-8 action", input: invStr(head + `"s3:` + hostile.InvalidUTF8 + `"` + tail),
			check: func(t *testing.T, m any, _ error) {
				require.Len(t, m.(*access.Model).Roles, 1)
				perms := m.(*access.Model).Roles[0].Permissions
				require.Len(t, perms, 1)
				assert.Equal(t, []string{"s3:" + accInvalidUTF8}, perms[0].Actions)
			}},
		invCase{name: "duplicate Effect", input: invStr(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}`),
			want: []error{access.ErrSyntax}, place: `:1: /Statement/0/Effect: duplicate key`},
	)
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.iam.json", accAWS
	}
	invRun(t, cases)
}

func TestHostileGCP(t *testing.T) {
	head := `[{"name":"//cloudresourcemanager.googleapis.com/projects/p","asset_type":"cloudresourcemanager.googleapis.com/Project",` +
		`"iam_policy":{"bindings":[{"role":"roles/owner","members":[`
	tail := `]}]}}]`
	cases := append(accJSONCases(head, tail, access.ErrLimit, `:1: `),
		invCase{name: "version 1e400", input: invStr(head + `"user:a@example.com"]}],"version":1e400}}]`),
			check: func(t *testing.T, m any, _ error) { assert.Equal(t, []string{"a@example.com"}, accPrincipals(m)) }},
		invCase{name: "invalid UTF-8 member becomes U+FFFD, then no e-mail", input: invStr(head + `"user:` + hostile.InvalidUTF8 + `"` + tail),
			want: []error{access.ErrSyntax}, place: `:1: /0/iam_policy/bindings/0/members/0: member "user:` + regexp.QuoteMeta(accInvalidUTF8) + `": not an IAM member`},
		invCase{name: "duplicate members", input: invStr(head + `"user:a@example.com"],"members":["user:b@example.com"` + tail),
			want: []error{access.ErrSyntax}, place: `:1: /0/iam_policy/bindings/0/members: .*duplicate`},
	)
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.gcp.json", accGCP
	}
	invRun(t, cases)
}

func TestHostileAzure(t *testing.T) {
	head := `[{"id":"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/1","principalId":"p1","principalType":"User",` +
		`"roleDefinitionName":"Owner","roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",` +
		`"scope":"/subscriptions/s","principalName":`
	tail := `}]`
	cases := append(accJSONCases(head, tail, access.ErrLimit, `:1: `),
		invCase{name: "principalName 1e400", input: invStr(head + `1e400` + tail),
			want: []error{access.ErrSyntax}, place: `:1: /0/principalName`},
		invCase{name: "invalid UTF-8 principal", input: invStr(head + `"` + hostile.InvalidUTF8 + `"` + tail),
			check: func(t *testing.T, m any, _ error) { assert.Equal(t, []string{accInvalidUTF8}, accPrincipals(m)) }},
		invCase{name: "duplicate roleDefinitionName", input: invStr(head + `"alice","roleDefinitionName":"Reader"` + tail),
			want: []error{access.ErrSyntax}, place: `:1: /0/roleDefinitionName: .*duplicate`},
	)
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.azure.json", accAzure
	}
	invRun(t, cases)
}

func TestHostileGitHub(t *testing.T) {
	head := `{"organization":{"login":"acme"},"members":[{"login":"alice","type":"User"}],"admins":[{"type":"User","login":`
	tail := `}]}`
	cases := append(accJSONCases(head, tail, access.ErrLimit, `:1: `),
		invCase{name: "login 1e400", input: invStr(head + `1e400` + tail),
			want: []error{access.ErrSyntax}, place: `:1: /admins/0/login`},
		invCase{name: "invalid UTF-8 login becomes U+FFFD, then no login", input: invStr(head + `"` + hostile.InvalidUTF8 + `"` + tail),
			want: []error{access.ErrSyntax}, place: `:1: /admins/0/login: user: login "` + regexp.QuoteMeta(accInvalidUTF8) + `" is missing or not a GitHub login`},
		invCase{name: "duplicate admins", input: invStr(head + `"alice"}],"admins":[]}`),
			want: []error{access.ErrSyntax}, place: `:1: /admins: .*duplicate`},
	)
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.github.json", accGitHub
	}
	invRun(t, cases)
}

func TestHostileAccessLoad(t *testing.T) {
	cases := []invCase{
		{name: "500 MB of no format", input: func() io.Reader { return invRepeat("A", invBig) },
			want: []error{access.ErrLimit}, place: `:1: line longer`, maxRead: invLongRead},
		{name: "GitHub 500 MB login", input: invDoc(invLit(`{"organization":{"login":`), invLongString, invLit(`}}`)),
			want: []error{access.ErrLimit}, place: `:1: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "RBAC alias bomb", input: invStr("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n" +
			hostile.YAMLAliasBomb("rules", 9, 10)),
			want: []error{access.ErrSyntax, access.ErrLimit}, place: `:\d+: #1 rules\[0\]`},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.access", accLoad
	}
	invRun(t, cases)
}

func TestHostileUsage(t *testing.T) {
	head := `{"since":"2026-01-01T00:00:00Z","usage":[{"principal":"aws:user:a","last_used":"2026-02-01T00:00:00Z","action":`
	tail := `}]}`
	cases := append(accJSONCases(head, tail, access.ErrLimit, `:1: `),
		invCase{name: "last_used 1e400", input: invStr(`{"usage":[{"principal":"p","action":"a","last_used":1e400}]}`),
			want: []error{access.ErrSyntax}, place: `:1: usage document`},
		invCase{name: "invalid UTF-8 action becomes U+FFFD", input: invStr(head + `"` + hostile.InvalidUTF8 + `"` + tail),
			check: func(t *testing.T, m any, _ error) {
				require.Len(t, m.(*access.Model).Usage, 1)
				assert.Equal(t, accInvalidUTF8, m.(*access.Model).Usage[0].Action)
			}},
		invCase{name: "duplicate usage: the last wins", input: invStr(head + `"a"}],"usage":[{"principal":"aws:user:b","last_used":"2026-02-01T00:00:00Z","action":"b"` + tail),
			check: func(t *testing.T, m any, _ error) {
				require.Len(t, m.(*access.Model).Usage, 1)
				assert.Equal(t, "b", m.(*access.Model).Usage[0].Action)
			}},
	)
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.usage.json", accUsage
	}
	invRun(t, cases)
}

func TestHostileDecideRequest(t *testing.T) {
	head := `{"principal":{"id":"aws:user:alice"},"context":{"time":"2025-03-03T10:00:00Z"},"action":`
	tail := `}`
	cases := []invCase{
		{name: "deep array", input: invDoc(invLit(head), invDeepArray, invLit(tail)),
			want: []error{decide.ErrLimit}, place: `hostile.request.json: limit exceeded: byte 599: nesting deeper than 512`, maxRead: limits.SniffBytes},
		{name: "500 MB action", input: invDoc(invLit(head), invLongString, invLit(tail)),
			want: []error{decide.ErrLimit}, place: `hostile.request.json: limit exceeded: byte 4194304: request larger than 4194304 bytes`, maxRead: decide.MaxRequestBytes + 1},
		{name: "latitude 1e400", input: invStr(`{"principal":{"id":"a"},"action":"x","context":{"time":"2025-03-03T10:00:00Z","location":{"lat":1e400,"lon":0}}}`),
			want: []error{decide.ErrInvalid}, place: `byte \d+: context\.location\.lat`},
		{name: "invalid UTF-8 action becomes U+FFFD", input: invStr(head + `"` + hostile.InvalidUTF8 + `"` + tail),
			check: func(t *testing.T, req any, _ error) { assert.Equal(t, accInvalidUTF8, req.(decide.Request).Action) }},
		{name: "duplicate action: the last wins", input: invStr(head + `"read","action":"delete"` + tail),
			check: func(t *testing.T, req any, _ error) { assert.Equal(t, "delete", req.(decide.Request).Action) }},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.request.json", accDecide
	}
	invRun(t, cases)
}

func TestHostilePosture(t *testing.T) {
	head := `{"version":"aspm-posture/1","generated_at":"2025-06-01T00:00:00Z","edges":[],"findings":[],"coverage":[],"sboms":[],"access":[],` +
		`"assets":[{"id":"service:web","kind":"service","name":`
	tail := `}]}`
	cases := append(accJSONCases(head, tail, compliance.ErrPostureLimit, `line 1, column \d+: `),
		invCase{name: "generated_at 1e400", input: invStr(strings.Replace(head, `"2025-06-01T00:00:00Z"`, `1e400`, 1) + `"web"` + tail),
			want: []error{compliance.ErrPostureInvalid}, place: `line 1, column 44: generated_at: invalid posture: a number is not an RFC 3339 time`},
		invCase{name: "invalid UTF-8 name becomes U+FFFD", input: invStr(head + `"` + hostile.InvalidUTF8 + `"` + tail),
			check: func(t *testing.T, p any, _ error) {
				require.Len(t, p.(*compliance.Posture).Assets, 1)
				assert.Equal(t, accInvalidUTF8, p.(*compliance.Posture).Assets[0].Name)
			}},
		invCase{name: "duplicate assets: the last wins", input: invStr(head + `"web"}],"assets":[{"id":"service:api","kind":"service","name":"api"` + tail),
			check: func(t *testing.T, p any, _ error) {
				require.Len(t, p.(*compliance.Posture).Assets, 1)
				assert.Equal(t, "api", p.(*compliance.Posture).Assets[0].Name)
			}},
	)
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.posture.json", accPosture
		cases[i].maxAlloc = invWholeAlloc // jsonstream, then a growing buffer
	}
	invRun(t, cases)
}

func TestHostileIgnoreRules(t *testing.T) {
	head := "version: 1\nrules:\n  - id: r\n    status: false_positive\n    justification: j\n    paths: "
	cases := []invCase{
		{name: "YAML alias bomb", input: invStr("version: 1\n" + hostile.YAMLAliasBomb("rules", 9, 10)),
			want: []error{suppress.ErrInvalid}, place: `:2:1: a0: .*unknown key`},
		{name: "YAML deep", input: invDoc(invLit("version: 1\n"), func() any { return invDeepYAML("rules") }),
			want: []error{suppress.ErrSyntax}, place: `:2: syntax error: exceeded max depth`},
		{name: "YAML 500 MB path", input: invDoc(invLit(head), func() any { return invRepeat("A", invBig) }),
			want: []error{suppress.ErrLimit}, place: `limit exceeded: input larger than 16777216 bytes`, maxRead: suppress.DefaultMaxBytes + 1,
			maxAlloc: invWholeAlloc},
		{name: "YAML 100,000 empty documents", input: invDoc(invLit("version: 1\n"), func() any { return hostile.Repeat("---\n", 100_000) }),
			want: []error{suppress.ErrSyntax}, place: `:2:1: .*more than one YAML document`},
		{name: "YAML duplicate key", input: invStr(head + "[a]\n    paths: [b]\n"),
			want: []error{suppress.ErrInvalid}, place: `:7:5: rules\[0\]\.paths: .*duplicate key`},
		{name: "YAML invalid UTF-8", input: invStr(head + "[" + hostile.InvalidUTF8 + "]\n"),
			want: []error{suppress.ErrSyntax}, place: `:6:16: syntax error: invalid leading UTF-8 octet`},
		{name: "YAML version 1e400", input: invStr("version: 1e400\nrules: []\n"),
			want: []error{suppress.ErrInvalid}, place: `:1:10: version`},
		{name: "JSON deep", input: invDoc(invLit(`{"version":1,"rules":`), invDeepArray, invLit(`}`)),
			want: []error{suppress.ErrSyntax}, place: `:1:10021: syntax error: exceeded max depth`},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.rules.yaml", accSuppress
	}
	invRun(t, cases)
}

// accTarEntry returns a tar header for a regular file of size bytes.
func accTarEntry(name string, size int64) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
		panic(err) // a valid header
	}
	// Flush would fail: the content is missing. The header is written.
	return buf.Bytes()
}

// accGzip compresses b as one gzip member.
func accGzip(b io.Reader) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		panic(err) // the level is valid
	}
	if _, err := io.Copy(zw, b); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// accTarBomb returns a bundle of n entries of 8 MiB of zeros: one gzip
// member, compressed once and repeated (gzip allows many members), so
// that 1,280 entries inflate to 10 GiB from 10 MB.
func accTarBomb(n int) []byte {
	const size = 8 << 20
	member := accGzip(hostile.Concat(accTarEntry("data.json", size), invRepeat("\x00", size)))
	return bytes.Repeat(member, n)
}

// accFS is a file system of one file, big.rego, that streams n bytes and
// reports no size, as a network file system might.
type accFS struct{ n int64 }

func (a accFS) Open(name string) (fs.File, error) {
	switch name {
	case ".":
		return &accDir{}, nil
	case "big.rego":
		return &accFile{Reader: invRepeat("#", a.n)}, nil
	}
	return nil, fs.ErrNotExist
}

type accFile struct{ io.Reader }

func (f *accFile) Stat() (fs.FileInfo, error) { return accInfo{name: "big.rego"}, nil }
func (f *accFile) Close() error               { return nil }

type accDir struct{ done bool }

func (d *accDir) Stat() (fs.FileInfo, error) { return accInfo{name: ".", dir: true}, nil }
func (d *accDir) Read([]byte) (int, error)   { return 0, io.EOF }
func (d *accDir) Close() error               { return nil }
func (d *accDir) ReadDir(int) ([]fs.DirEntry, error) {
	if d.done {
		return nil, io.EOF
	}
	d.done = true
	return []fs.DirEntry{fs.FileInfoToDirEntry(accInfo{name: "big.rego"})}, nil
}

type accInfo struct {
	name string
	dir  bool
}

func (i accInfo) Name() string { return i.name }
func (i accInfo) Size() int64  { return 0 }
func (i accInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i accInfo) ModTime() time.Time { return time.Time{} }
func (i accInfo) IsDir() bool        { return i.dir }
func (i accInfo) Sys() any           { return nil }

func TestHostilePolicies(t *testing.T) {
	const secret = "SECRET-3f9a"
	dir := t.TempDir()
	write := func(rel string, data []byte) string {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	outside := write("outside/secret.rego", []byte("package secret\n# "+secret+"\n"))

	// A directory whose only module is a link out of it.
	linkDir := filepath.Join(dir, "linked")
	require.NoError(t, os.MkdirAll(linkDir, 0o755))
	require.NoError(t, os.Symlink(outside, filepath.Join(linkDir, "evil.rego")))
	// A bundle directory with the same link.
	linkBundle := filepath.Join(dir, "linkbundle")
	require.NoError(t, os.MkdirAll(linkBundle, 0o755))
	require.NoError(t, os.Symlink(outside, filepath.Join(linkBundle, "evil.rego")))
	// A directory with a sparse .rego of 500 MB.
	bigDir := filepath.Join(dir, "big")
	require.NoError(t, os.MkdirAll(bigDir, 0o755))
	big, err := os.Create(filepath.Join(bigDir, "big.rego"))
	require.NoError(t, err)
	require.NoError(t, big.Truncate(invBig))
	require.NoError(t, big.Close())

	bomb := write("bomb.tar.gz", accTarBomb(1280))
	huge := write("huge.tar.gz", accGzip(bytes.NewReader(accTarEntry("policy.rego", 1<<40))))
	// 10 GiB of zeros: 640 gzip members of 16 MiB, compressed once.
	zeros := write("zeros.tar.gz", bytes.Repeat(accGzip(invRepeat("\x00", 16<<20)), 640))

	tests := []struct {
		name   string
		opts   compliance.Options
		file   string // the error names it
		place  string // and this
		check  func(t *testing.T, e *compliance.Engine)
		maxMem uint64
	}{
		{name: "bundle: gzip bomb of 10 GiB in 8 MiB files", opts: compliance.Options{Bundles: []string{bomb}},
			file: "bomb.tar.gz", place: "bundle inflates to more than 67108864 bytes", maxMem: 3 * compliance.MaxBundleBytes},
		{name: "bundle: a file claiming 1 TiB", opts: compliance.Options{Bundles: []string{huge}},
			file: "huge.tar.gz", place: "policy.rego: 1099511627776 bytes, larger than 16777216"},
		{name: "bundle: 10 GiB of zeros is an empty tarball, read to its end marker", opts: compliance.Options{Bundles: []string{zeros}},
			check: func(t *testing.T, e *compliance.Engine) { assert.Empty(t, e.Controls()) }},
		{name: "directory: a .rego of 500 MB", opts: compliance.Options{Dirs: []string{bigDir}},
			file: "big.rego", place: "policy file of 524288000 bytes, larger than 16777216"},
		{name: "fs.FS: a .rego of 500 MB that claims no size", opts: compliance.Options{Policies: []fs.FS{accFS{n: invBig}}},
			file: "big.rego", place: "policy file larger than 16777216 bytes", maxMem: invWholeAlloc},
		{name: "directory: a link out of it", opts: compliance.Options{Dirs: []string{linkDir}},
			file: "evil.rego", place: "path escapes from parent"},
		{name: "bundle directory: a link", opts: compliance.Options{Bundles: []string{linkBundle}},
			file: "evil.rego", place: "a symbolic link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.DisableBuiltins = true
			var e *compliance.Engine
			var err error
			cost := hostile.Run(func() { e, err = compliance.New(context.Background(), tt.opts) })
			t.Logf("%s; err: %.300v", cost, err)
			assert.Less(t, cost.Elapsed, invMaxTime, "time")
			assert.Less(t, cost.Alloc, cmpOr(tt.maxMem, invMaxAlloc), "allocation")
			if tt.check != nil {
				require.NoError(t, err)
				tt.check(t, e)
				return
			}
			require.ErrorIs(t, err, compliance.ErrPolicy)
			assert.Contains(t, err.Error(), tt.file)
			assert.Contains(t, err.Error(), tt.place)
			assert.NotContains(t, err.Error(), secret, "nothing of the linked file")
		})
	}
}
