package codeowners_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
	"github.com/aspmkit/aspm/inventory/codeowners"
)

var fixtures = filepath.Join("..", "..", "testdata", "inventory")

func parse(t testing.TB, text string) *codeowners.Rules {
	t.Helper()
	rs, err := codeowners.Parse(strings.NewReader(text), codeowners.Options{Name: "CODEOWNERS"})
	require.NoError(t, err)
	return rs
}

func parseFile(t testing.TB, name string) *codeowners.Rules {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, "codeowners", name))
	require.NoError(t, err)
	defer f.Close()
	rs, err := codeowners.Parse(f, codeowners.Options{Name: name})
	require.NoError(t, err)
	return rs
}

// TestPatterns checks the matching of one pattern against paths: GitHub's
// documented examples first, then gitignore's rules.
func TestPatterns(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{"*", []string{"a", "a/b/c.go", ".github/x", "dir/"}, nil},
		{"*.js", []string{"app.js", "src/app.js", "src/x.js/y", ".js"}, []string{"app.jsx", "js", "src/app.js.map"}},
		{"/build/logs/", []string{"build/logs/a", "build/logs/a/b", "build/logs/"}, []string{"build/logs", "x/build/logs/a", "build/logsx/a"}},
		{"docs/*", []string{"docs/getting-started.md", "docs/sub/"}, []string{"docs/build-app/troubleshooting.md", "a/docs/x", "docs"}},
		{"apps/", []string{"apps/x", "a/apps/x", "a/b/apps/c/d"}, []string{"apps", "myapps/x", "apps.go"}},
		{"/docs/", []string{"docs/a", "docs/a/b"}, []string{"x/docs/a", "docs"}},
		{"**/logs", []string{"logs", "logs/a", "build/logs/a", "deeply/nested/logs/x"}, []string{"catalogs/x", "logsx"}},
		{"/apps/github", []string{"apps/github", "apps/github/x"}, []string{"apps/githubx", "x/apps/github"}},
		{"docs", []string{"docs", "docs/a", "a/docs", "a/docs/b"}, []string{"docsx", "adocs/b"}},
		{"/README.md", []string{"README.md", "/README.md", "./README.md", "docs/../README.md", "../README.md"}, []string{"a/README.md", "readme.md", "a/./README.md"}},
		{"README.md", []string{"README.md", "a/b/README.md"}, []string{"README.mdx"}},
		{"src/**/test", []string{"src/test", "src/test/x", "src/a/b/test/x"}, []string{"src/atest", "x/src/test"}},
		{"src/**", []string{"src/a", "src/a/b"}, []string{"src", "srcx/a"}},
		{"a/**/c", []string{"a/c", "a/b/c", "a/b/d/c", "a/c/x"}, []string{"a/cx", "b/a/c"}},
		{"**", []string{"a", "a/b"}, nil},
		{"/", []string{"a", "a/b"}, nil},
		{"**/*", []string{"a", "a/b"}, nil},
		{"/*", []string{"a", "b.go"}, []string{"a/b"}},
		{"a?c", []string{"abc", "x/aéc"}, []string{"a/c", "ac", "abbc"}},
		{`foo\ bar`, []string{"foo bar", "x/foo bar"}, []string{"foo", `foo\ bar`}},
		{`\#hash`, []string{"#hash"}, []string{"hash"}},
		{`\*.md`, []string{"*.md"}, []string{"a.md"}},
		{"*.[ch]", []string{"x.[ch]"}, []string{"x.c", "x.h"}},
		{"a/*/c", []string{"a/b/c", "a/b/c/d"}, []string{"a/b/d/c", "a/c"}},
		{"*/b", []string{"x/b", "x/b/c"}, []string{"y/x/b", "b"}},
		{"docs/*.md", []string{"docs/a.md", "docs/x.md/y"}, []string{"docs/sub/a.md", "a/docs/a.md"}},
		{"/docs/*/", []string{"docs/a/b", "docs/a/"}, []string{"docs/a"}},
		{"docs/*/**", []string{"docs/a/b", "docs/a/b/c"}, []string{"docs/a"}},
		{"a//b", []string{"a/b"}, []string{"b"}},
		{"**/**/x", []string{"x", "a/b/x"}, []string{"xa"}},
		{"a*b*c", []string{"abc", "aXbYc", "abbbcc"}, []string{"acb", "ab"}},
		{"*a*a*a*a*a*a*a*b", []string{"aaaaaaab"}, []string{strings.Repeat("a", 60)}},
		{"日本/*.go", []string{"日本/x.go"}, []string{"日/x.go"}},
	}
	for _, tt := range tests {
		rs := parse(t, tt.pattern+" @o\n")
		for _, p := range tt.match {
			assert.Equal(t, []string{"@o"}, rs.Owners(p), "%q should match %q", tt.pattern, p)
		}
		for _, p := range tt.nomatch {
			assert.Nil(t, rs.Owners(p), "%q should not match %q", tt.pattern, p)
		}
	}
	rs := parse(t, "* @o\n")
	for _, p := range []string{"", "/", ".", "./"} {
		assert.Nil(t, rs.Owners(p), "%q names no file", p)
	}
}

func TestGitHub(t *testing.T) {
	rs := parseFile(t, "github-CODEOWNERS")
	tests := []struct {
		path string
		want []string
	}{
		{"README.md", []string{"@acme/payments"}},
		{"cmd/checkout/main.go", []string{"@acme/payments"}},
		{".github/workflows/ci.yml", []string{"@acme/platform"}},
		{"deploy/k8s/deployment.yaml", []string{"@acme/platform", "@clindqvist"}},
		{"Dockerfile", []string{"@acme/platform"}},
		{"build/worker/Dockerfile", []string{"@acme/platform"}},
		{"infra/main.tf", []string{"@acme/platform"}},
		{"internal/payments/stripe.go", []string{"@acme/payments", "@acme/appsec"}},
		{"internal/payments/stripe_test.go", []string{"@acme/payments"}},
		{"internal/payments/refund/refund_test.go", []string{"@acme/payments"}},
		{"docs/index.md", []string{"@acme/payments", "alice@acme.example"}},
		{"docs/guides/setup.md", []string{"@acme/payments"}}, // docs/* is not recursive
		{"docs/api/openapi.yaml", []string{"@bokafor"}},
		{"internal/gen/api.pb.go", nil},
		{"scripts/release notes.md", []string{"@alice-moreau"}},
		{"#legacy/old.go", []string{"@acme/platform"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, rs.Owners(tt.path), tt.path)
	}
	r, ok := rs.Match("internal/gen/api.pb.go")
	require.True(t, ok)
	assert.Equal(t, "/internal/gen/", r.Pattern)
	assert.Equal(t, 22, r.Line)
	assert.Empty(t, r.Owners)
	assert.Empty(t, rs.Sections())
	assert.Len(t, rs.Rules(), 12)
	assert.Equal(t, []string{"@acme/payments"}, rs.DefaultOwners())
}

func TestGitLab(t *testing.T) {
	rs := parseFile(t, "gitlab-CODEOWNERS")
	tests := []struct {
		path string
		want []string
	}{
		{"main.go", []string{"@acme/platform"}},
		{"config/routes.yaml", []string{"@acme/platform", "@acme/platform/gateway"}},
		{"config/plugins.lua", []string{"@acme/platform", "@clindqvist"}},
		{"config/tls/cert.pem", []string{"@acme/platform", "@acme/platform/gateway", "@acme/appsec", "dave@acme.example"}},
		{"plugins/auth/jwt.lua", []string{"@acme/platform", "@clindqvist", "@acme/appsec"}},
		{"docs/setup.md", []string{"@acme/platform", "@acme/platform/docs"}},
		{"README.md", []string{"@acme/platform", "@@maintainer"}},
		// The second "[gateway CONFIG]" header reopens the section without
		// default owners: its last match names none.
		{"config/local/dev.yaml", []string{"@acme/platform"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, rs.Owners(tt.path), tt.path)
	}
	assert.Equal(t, []codeowners.Section{
		{Name: "Gateway config", Owners: []string{"@acme/platform/gateway"}, Line: 4},
		{Name: "Security", Optional: true, Approvals: 2, Owners: []string{"@acme/appsec"}, Line: 8},
		{Name: "Documentation", Line: 12},
	}, rs.Sections())
	rules := rs.Rules()
	require.Len(t, rules, 8)
	assert.Equal(t, codeowners.Rule{Pattern: "/plugins/auth/", Owners: []string{"@acme/appsec"}, Line: 9,
		Section: "Security", Optional: true}, withoutMatcher(rules[3]))
	assert.Equal(t, "Gateway config", rules[7].Section)
	assert.Equal(t, []string{"@acme/platform"}, rs.DefaultOwners())
}

// withoutMatcher copies the exported fields of a rule.
func withoutMatcher(r codeowners.Rule) codeowners.Rule {
	return codeowners.Rule{Pattern: r.Pattern, Owners: r.Owners, Line: r.Line, Section: r.Section, Optional: r.Optional}
}

func TestSemantics(t *testing.T) {
	rs := parse(t, "\xEF\xBB\xBF* @a\r\n  *.go @b # Go code\n/vendor/\n\t# indented comment\n/vendor/keep/ @c\n")
	assert.Equal(t, []string{"@a"}, rs.Owners("README"))
	assert.Equal(t, []string{"@b"}, rs.Owners("cmd/main.go"), "the last match wins; comments end the owners")
	assert.Nil(t, rs.Owners("vendor/x.go"), "a later rule without owners unowns")
	assert.Equal(t, []string{"@c"}, rs.Owners("vendor/keep/x.go"))

	// Owners are copies.
	o := rs.Owners("README")
	o[0] = "@changed"
	assert.Equal(t, []string{"@a"}, rs.Owners("README"))

	rs = parse(t, "# only comments\n\n")
	assert.Nil(t, rs.Owners("x"))
	assert.Nil(t, rs.DefaultOwners())
	_, ok := rs.Match("x")
	assert.False(t, ok)

	// Sections: defaults, case-insensitive names, the rules before the
	// first header.
	rs = parse(t, "*.md @writers\n[Docs] @docs\ndocs/\n[DOCS]\ndocs/api/ @api\n^[Opt]\n*.md\n")
	assert.Equal(t, []string{"@writers", "@docs"}, rs.Owners("docs/a.md"))
	assert.Equal(t, []string{"@writers", "@api"}, rs.Owners("docs/api/a.md"))
	assert.Nil(t, rs.Owners("x.go"))
	var nilRules *codeowners.Rules
	assert.Nil(t, nilRules.Owners("x"))
}

func TestOwnerSyntax(t *testing.T) {
	good := []string{"@user", "@org/team", "@group/sub/team", "@@developer", "@user.name", "@u_1-2",
		"alice@example.com", "a.b+c@x"}
	bad := []string{"@", "@org/", "@/team", "@a//b", "@a b", "user", "a@b@c", "<a@b>", "@@", "a@", "@x!"}
	for _, o := range good {
		_, err := codeowners.Parse(strings.NewReader("* "+strings.ReplaceAll(o, " ", `\ `)+"\n"), codeowners.Options{})
		assert.NoError(t, err, o)
	}
	for _, o := range bad {
		_, err := codeowners.Parse(strings.NewReader("* "+strings.ReplaceAll(o, " ", `\ `)+"\n"), codeowners.Options{})
		assert.ErrorIs(t, err, codeowners.ErrInvalid, o)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		want      error
		line, col int
		msg       string
	}{
		{"bad owner", "*.go @a bad\n", codeowners.ErrInvalid, 1, 9, `owner "bad"`},
		{"bad owner after indent", "\n  *.go\t@a  x@\n", codeowners.ErrInvalid, 2, 12, `owner "x@"`},
		{"negation", "* @a\n!*.go @b\n", codeowners.ErrUnsupported, 2, 1, "negated pattern"},
		{"unclosed section", "[Docs @a\n", codeowners.ErrSyntax, 1, 1, "unclosed section header"},
		{"empty section", " [ ] @a\n", codeowners.ErrInvalid, 1, 2, "empty section name"},
		{"bad section owner", "[Docs] @a nobody\n", codeowners.ErrInvalid, 1, 11, `owner "nobody"`},
		{"section backslash", "[Docs] @a \\\n", codeowners.ErrSyntax, 1, 11, "backslash"},
		{"trailing backslash", "docs\\\n", codeowners.ErrSyntax, 1, 5, "backslash ends the line"},
		{"approvals overflow", "[S][99999999999999999999] @a\n", codeowners.ErrInvalid, 1, 1, "approvals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codeowners.Parse(strings.NewReader(tt.text), codeowners.Options{Name: "CODEOWNERS"})
			require.Error(t, err)
			var ce *codeowners.Error
			require.True(t, errors.As(err, &ce), "%T: %v", err, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, "CODEOWNERS", ce.File)
			assert.Equal(t, tt.line, ce.Line, "%v", err)
			assert.Equal(t, tt.col, ce.Column, "%v", err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	_, err := codeowners.Parse(strings.NewReader("*.go @a bad\n"), codeowners.Options{Name: "CODEOWNERS"})
	assert.EqualError(t, err, `codeowners: CODEOWNERS: line 1, column 9: invalid file: owner "bad" is not @user, @org/team, @@role or an e-mail address`)
	assert.Equal(t, "codeowners: unknown error", (&codeowners.Error{}).Error())

	// A pattern that looks like a section header but is not one.
	rs := parse(t, "[abc]/file @a\n")
	assert.Equal(t, []string{"@a"}, rs.Owners("[abc]/file"))
}

func TestLimit(t *testing.T) {
	text := "* @a\n"
	_, err := codeowners.Parse(strings.NewReader(text), codeowners.Options{MaxBytes: int64(len(text))})
	assert.NoError(t, err, "at the limit")
	_, err = codeowners.Parse(strings.NewReader(text), codeowners.Options{MaxBytes: int64(len(text)) - 1})
	assert.ErrorIs(t, err, codeowners.ErrLimit, "one byte over")
	big := strings.Repeat("# padding\n", codeowners.DefaultMaxBytes/10+1)
	_, err = codeowners.Parse(strings.NewReader(big), codeowners.Options{})
	assert.ErrorIs(t, err, codeowners.ErrLimit, "GitHub's limit by default")
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	_, err := codeowners.Parse(failReader{}, codeowners.Options{Name: "x"})
	assert.EqualError(t, err, "codeowners: x: disk on fire")
}

func TestApply(t *testing.T) {
	g := inventory.New()
	repo, err := g.Add(inventory.Asset{Kind: inventory.KindRepository, URL: "https://github.com/acme/checkout"})
	require.NoError(t, err)
	_, err = g.Add(inventory.Asset{Kind: inventory.KindTeam, Name: "payments", Properties: map[string]string{"github": "acme/payments"}})
	require.NoError(t, err)
	_, err = g.Add(inventory.Asset{Kind: inventory.KindPerson, Name: "alice", Properties: map[string]string{"email": "Alice@Acme.example"}})
	require.NoError(t, err)

	rs, err := codeowners.Parse(strings.NewReader("* @ACME/Payments @octocat alice@acme.example @@maintainer Bob@Acme.example\n/docs/ @acme/docs\n"),
		codeowners.Options{Name: ".github/CODEOWNERS"})
	require.NoError(t, err)
	ids, err := codeowners.Apply(g, repo, rs)
	require.NoError(t, err)
	assert.Equal(t, []string{"person:alice", "person:bob@acme.example", "person:octocat", "team:payments"}, ids)
	for _, id := range ids {
		assert.Contains(t, g.Edges(), inventory.Edge{From: repo, To: id, Type: inventory.OwnedBy})
		a, _ := g.Asset(id)
		assert.Equal(t, []string{".github/CODEOWNERS"}, a.Sources, id)
	}
	_, ok := g.Asset("team:acme/docs")
	assert.False(t, ok, "only the repository's default owners")
	a, _ := g.Asset("person:octocat")
	assert.Equal(t, inventory.Asset{ID: "person:octocat", Kind: inventory.KindPerson, Name: "octocat",
		Properties: map[string]string{"codeowners": "@octocat"}, Sources: []string{".github/CODEOWNERS"}}, a)
	a, _ = g.Asset("person:bob@acme.example")
	assert.Equal(t, map[string]string{"codeowners": "Bob@Acme.example", "email": "Bob@Acme.example"}, a.Properties)
	owner, _, ok, err := g.Owner(repo)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "person:alice", owner, "the smallest owner ID")

	// Applying twice changes nothing.
	before := g.Edges()
	_, err = codeowners.Apply(g, repo, rs)
	require.NoError(t, err)
	assert.Equal(t, before, g.Edges())
	assert.Equal(t, 5, g.Len())

	// No catch-all rule: no owners.
	ids, err = codeowners.Apply(g, repo, parse(t, "/docs/ @acme/docs\n"))
	assert.NoError(t, err)
	assert.Nil(t, ids)

	_, err = codeowners.Apply(g, "repository:github.com/acme/none", rs)
	assert.ErrorIs(t, err, inventory.ErrNotFound)
	_, err = codeowners.Apply(g, "team:payments", rs)
	assert.ErrorIs(t, err, inventory.ErrInvalidAsset)
}

// TestApplyCatalog applies the fixtures to the repositories of the acme
// catalog: the GitHub teams and people of the catalog own them.
func TestApplyCatalog(t *testing.T) {
	f, err := os.Open(filepath.Join(fixtures, "catalog", "acme.yaml"))
	require.NoError(t, err)
	defer f.Close()
	g := inventory.New()
	_, err = catalog.Read(f, g, catalog.Options{Name: "acme.yaml"})
	require.NoError(t, err)
	n := g.Len()

	ids, err := codeowners.Apply(g, "repository:github.com/acme/checkout", parseFile(t, "github-CODEOWNERS"))
	require.NoError(t, err)
	assert.Equal(t, []string{"team:payments"}, ids)
	ids, err = codeowners.Apply(g, "repository:gitlab.com/acme/platform/edge-gateway", parseFile(t, "gitlab-CODEOWNERS"))
	require.NoError(t, err)
	assert.Equal(t, []string{"team:platform"}, ids)
	assert.Equal(t, n, g.Len(), "no new asset: the catalog declares the owners")
	a, _ := g.Asset("team:platform")
	assert.Equal(t, []string{"acme.yaml", "gitlab-CODEOWNERS"}, a.Sources)
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"github-CODEOWNERS", "gitlab-CODEOWNERS"} {
		b, err := os.ReadFile(filepath.Join(fixtures, "codeowners", name))
		require.NoError(f, err)
		f.Add(b, "internal/payments/x_test.go")
	}
	f.Add([]byte("a/**/b/**/c*d?e\\ f @x\n[S][2] @y\n^[T]\n"), "a/b/c/dXe f")
	f.Add([]byte("* @a\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		rs, err := codeowners.Parse(bytes.NewReader(data), codeowners.Options{Name: "f"})
		if err != nil {
			var ce *codeowners.Error
			if !errors.As(err, &ce) || ce.Line <= 0 {
				t.Fatalf("not an *Error with a line: %T %v", err, err)
			}
			return
		}
		for _, p := range []string{path, "a", "a/b/c.go", path + "/x"} {
			owners := rs.Owners(p)
			if r, ok := rs.Match(p); ok && len(rs.Sections()) == 0 && len(r.Owners) > 0 {
				if len(owners) != len(r.Owners) {
					t.Fatalf("Owners %v, Match %v", owners, r.Owners)
				}
			}
		}
		rs.DefaultOwners()
	})
}

func BenchmarkOwners(b *testing.B) {
	rs := parseFile(b, "github-CODEOWNERS")
	paths := []string{"README.md", "internal/payments/refund/refund_test.go", "docs/api/openapi.yaml",
		"deploy/k8s/deployment.yaml", "cmd/checkout/main.go", "internal/gen/api.pb.go"}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range paths {
			rs.Owners(p)
		}
	}
}

func BenchmarkOwnersLarge(b *testing.B) {
	// 1,000 rules, as in a large monorepo.
	var sb strings.Builder
	sb.WriteString("* @org/core\n")
	for i := range 1000 {
		sb.WriteString("/services/svc")
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteString("/**/internal/*.go @org/team\n")
	}
	rs := parse(b, sb.String())
	b.ReportAllocs()
	for b.Loop() {
		rs.Owners("services/other/pkg/internal/x.go")
	}
}

// TestDocExample parses the example of the package documentation.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(l, "//\t"); ok {
			lines = append(lines, rest)
		}
	}
	require.Len(t, lines, 8)
	rs := parse(t, strings.Join(lines, "\n"))
	assert.Equal(t, []string{"@acme/payments"}, rs.Owners("main.go"))
	assert.Equal(t, []string{"@acme/platform", "@carol"}, rs.Owners("deploy/app.yaml"))
	assert.Nil(t, rs.Owners("internal/gen/x.go"))
	assert.Equal(t, []string{"@acme/payments", "@acme/appsec"}, rs.Owners("internal/auth/jwt.go"))
	assert.Equal(t, []codeowners.Section{
		{Name: "Security", Approvals: 2, Owners: []string{"@acme/appsec"}, Line: 6},
		{Name: "Docs", Optional: true, Line: 8},
	}, rs.Sections())
}
