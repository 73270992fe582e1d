package sarif

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aspmkit/aspm/findings"
)

func TestArtifactURI(t *testing.T) {
	for _, tc := range []struct{ path, root, want string }{
		{"src/main.go", "", "src/main.go"},
		{"./src/../pkg/a.go", "", "pkg/a.go"},
		{`src\win\a.go`, "", "src/win/a.go"},
		{"/builds/acme/shop/cmd/main.go", "/builds/acme/shop", "cmd/main.go"},
		{"/builds/acme/shop/cmd/main.go", "/builds/acme/shop/", "cmd/main.go"},
		{"/builds/acme/shopping/a.go", "/builds/acme/shop", "file:///builds/acme/shopping/a.go"},
		{"/etc/passwd", "", "file:///etc/passwd"},
		{`C:\src\a.go`, "", "file:///C:/src/a.go"},
		{"file:///builds/acme/shop/a b.go", "/builds/acme/shop", "a%20b.go"},
		{"https://example.com/x?y=<z>", "", "https://example.com/x?y=%3Cz%3E"},
		{"src/<b>|x.go", "", "src/%3Cb%3E%7Cx.go"},
		{"a:b/c.go", "", "./a:b/c.go"},
		{"dir/ünï.go", "", "dir/%C3%BCn%C3%AF.go"},
		{"\x1b[31mred.go", "", "red.go"},
		{"", "", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			assert.Equal(t, tc.want, artifactURI(tc.path, tc.root))
		})
	}
}

func TestSafeURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://example.com/a?b=<c>", "https://example.com/a?b=%3Cc%3E"},
		{"http://example.com/100%25", "http://example.com/100%25"},
		{"https://example.com/a b", "https://example.com/a%20b"},
		{"javascript:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"//example.com/x", ""},
		{"https:///nohost", ""},
		{"HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, safeURI(tc.in))
		})
	}
}

func TestEscapeMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"[x](javascript:y)", `\[x\](javascript:y)`},
		{`a\[b`, `a\\\[b`},
		{`back\slash`, `back\slash`},
	} {
		assert.Equal(t, tc.want, escapeMessage(tc.in), tc.in)
	}
}

func TestCleanText(t *testing.T) {
	assert.Equal(t, "line1\nline2 red evil", cleanText("line1\r\nline2 \x1b[31mred\x1b[0m \u202eevil\u202c"))
	assert.Equal(t, "a\n\nb", cleanText("\n a\r\rb \n"))
	assert.Equal(t, "abc…", cutRunes("abcdef", 4))
	assert.Equal(t, "abcd", cutRunes("abcd", 4))
}

func TestLevelAndBaseline(t *testing.T) {
	for sev, want := range map[findings.Severity]string{
		findings.SeverityCritical: "error", findings.SeverityHigh: "error", findings.SeverityMedium: "warning",
		findings.SeverityLow: "note", findings.SeverityInfo: "note", findings.SeverityUnknown: "warning", "bogus": "warning",
	} {
		assert.Equal(t, want, levelOfRank(sev.Rank()), sev)
	}
	for state, want := range map[string]string{"new": "new", "reopened": "new", "unchanged": "unchanged", "updated": "updated", "fixed": "absent", "": "", "weird": ""} {
		assert.Equal(t, want, baselineState(state), state)
	}
}

func TestRegion(t *testing.T) {
	for _, tc := range []struct {
		in   *findings.Region
		want *region
	}{
		{nil, nil},
		{&findings.Region{StartColumn: 3}, nil},
		{&findings.Region{StartLine: 3, StartColumn: 2, EndLine: 3, EndColumn: 9}, &region{3, 2, 3, 9}},
		{&findings.Region{StartLine: 5, EndLine: 2, EndColumn: 1}, &region{StartLine: 5, EndColumn: 1}},
		{&findings.Region{StartLine: 5, StartColumn: 9, EndLine: 5, EndColumn: 2}, &region{StartLine: 5, StartColumn: 9, EndLine: 5}},
		{&findings.Region{StartLine: -1}, nil},
	} {
		assert.Equal(t, tc.want, regionOf(tc.in))
	}
}

func TestUUID5(t *testing.T) {
	// RFC 9562 has no URL-namespace vector; Python's uuid.uuid5(NAMESPACE_URL, "https://example.com") gives this one.
	assert.Equal(t, "4fd35a71-71ef-5a55-a9d9-aa75c889a6d0", uuid5("https://example.com"))
	assert.Equal(t, uuid5("x"), uuid5("x"))
}
