package suppress

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatchPath(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		// Literals and directories.
		{"src/main.go", "src/main.go", true},
		{"src/main.go", "src/main.go.bak", false},
		{"src", "src/a/b.go", true},
		{"src/legacy", "src/legacy/old.go", true},
		{"src/legacy", "src/legacyx/old.go", false},
		{"vendor/", "vendor/a.go", true},
		{"vendor/", "vendor", false},
		{"vendor", "vendor", true},
		{"vendor/", "lib/vendor/x/y.go", true},
		// "*" and "?" stay within a segment.
		{"src/*.go", "src/main.go", true},
		{"src/*.go", "src/a/main.go", false},
		{"*.min.js", "web/static/app.min.js", true},
		{"*.min.js", "app.min.js", true},
		{"*.min.js", "app.js", false},
		{"file?.txt", "file1.txt", true},
		{"file?.txt", "file12.txt", false},
		{"file?.txt", "file/.txt", false},
		{"?", "é", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*", "anything/at/all", true},
		// "**" spans segments, none included.
		{"**/test/**", "test/a.go", true},
		{"**/test/**", "pkg/test/a.go", true},
		{"**/test/**", "pkg/tests/a.go", false},
		{"src/**/gen/*.go", "src/gen/x.go", true},
		{"src/**/gen/*.go", "src/a/b/gen/x.go", true},
		{"src/**/gen/*.go", "src/a/b/gen/sub/x.go", false},
		{"src/**/gen/*.go", "src/gen/x.go/inner", true}, // a directory named x.go
		{"src/**/gen/*.pb.go", "src/a/gen/x.go", false},
		{"**", "a/b/c", true},
		{"a/**", "a", true},
		{"a**b", "aXXb", true},
		{"a**b", "aX/Xb", false},
		{"**/*_test.go", "x_test.go", true},
		{"**/*_test.go", "pkg/y/x_test.go", true},
		// Anchoring: a slash at the start or middle anchors.
		{"/src/*.go", "src/a.go", true},
		{"/src/*.go", "/src/a.go", true},
		{"/src/*.go", "lib/src/a.go", false},
		{"src/*.go", "lib/src/a.go", false},
		{"main.go", "cmd/tool/main.go", true},
		{"/main.go", "cmd/tool/main.go", false},
		{"./docs", "docs/readme.md", true},
		{"./docs", "x/docs/readme.md", false},
		// Path normalization.
		{"src/a.go", "./src/a.go", true},
		{"src/a.go", "src//a.go", true},
		{"src/a.go", `src\a.go`, true},
		{`src\*.go`, "src/a.go", true},
		{"src/my file.go", "file:///src/my%20file.go", true},
		{"**/src/a.go", "file:///build/checkout/src/a.go", true},
		{"src/a.go", "file://host/src/a.go", true},
		// Case-sensitive.
		{"SRC/a.go", "src/a.go", false},
		// Empty pattern and empty path.
		{"", "a", false},
		{"/", "a", false},
		{"a", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.path, func(t *testing.T) {
			assert.Equal(t, tt.want, MatchPath(tt.pattern, tt.path))
		})
	}
}

// TestMatchPathPathological checks that patterns built to make naive
// backtracking explode finish quickly.
func TestMatchPathPathological(t *testing.T) {
	pattern := strings.Repeat("**/a*", 30) + "/b"
	path := strings.Repeat("a/", 200) + "c"
	assert.False(t, MatchPath(pattern, path))
	seg := strings.Repeat("*a", 40) + "b"
	assert.False(t, MatchPath(seg, strings.Repeat("a", 5000)))
}

func FuzzMatchPath(f *testing.F) {
	for _, s := range [][2]string{
		{"**/test/**", "pkg/test/a.go"},
		{"/src/*.go", "src/a.go"},
		{"a*b?c", "axxbyc"},
		{"vendor/", "vendor/x"},
		{"", ""},
		{"***/**a**", "file:///x/%zz/y"},
		{"\xff*?", "\xfe\xff/x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		got := MatchPath(pattern, path)
		// A pattern without wildcards matches the path it spells.
		if pattern != "" && !strings.ContainsAny(pattern, "*?\\") && !strings.HasSuffix(pattern, "/") &&
			!strings.HasPrefix(strings.ToLower(pattern), "file:") && len(splitSegments(pattern)) > 0 {
			if !MatchPath(pattern, pattern) {
				t.Fatalf("literal %q does not match itself", pattern)
			}
		}
		// "**" matches every path with at least one segment.
		if len(pathSegments(path)) > 0 && !MatchPath("**", path) {
			t.Fatalf("** does not match %q", path)
		}
		_ = got
	})
}
