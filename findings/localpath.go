package findings

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// LocalPath returns l.Path as a clean, slash-separated path relative to
// the scanned directory, and true, when it is one; otherwise "" and false.
//
// [Location.Path] is data: the file path or URI exactly as the tool wrote
// it, which a hostile or careless report can make anything ("../../etc",
// "/etc/passwd", "file:///etc/passwd", "C:\Windows", "%2e%2e/x", a NUL
// byte). Nothing in aspm opens, stats or joins it to a directory. A
// program that reads the file a finding names should use LocalPath and
// join the result to the scanned directory, or better open it through an
// [os.Root] of that directory, which also refuses symbolic links that
// leave it.
//
// LocalPath decodes percent-escapes first (a SARIF path is a URI
// reference, so "%2e%2e" is ".."; an invalid escape refuses the path) and
// takes backslashes as separators. It refuses a path that is empty, not
// valid UTF-8, holds a NUL or another control character, is absolute (a
// leading slash or backslash), has a ':' in its first element (a URI
// scheme such as "file:" or "https:", or a Windows drive such as "C:"),
// climbs out of the directory with "..", or names the directory itself;
// on Windows, also a reserved name such as "NUL" (see [filepath.IsLocal]).
// "src/./a/../b.go" gives "src/b.go".
func (l Location) LocalPath() (string, bool) {
	p := l.Path
	if strings.Contains(p, "%") {
		d, err := url.PathUnescape(p)
		if err != nil {
			return "", false
		}
		p = d
	}
	if p == "" || !utf8.ValidString(p) {
		return "", false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return "", false
		}
	}
	p = strings.ReplaceAll(p, `\`, "/")
	if strings.HasPrefix(p, "/") {
		return "", false
	}
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ":") {
		return "", false
	}
	p = path.Clean(p)
	if p == "." || p == ".." || strings.HasPrefix(p, "../") || !filepath.IsLocal(filepath.FromSlash(p)) {
		return "", false
	}
	return p, true
}
