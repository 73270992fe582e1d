package suppress

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// globstar is the segment pattern that matches any number of segments.
const globstar = "**"

// pathPattern is a compiled path glob; see [MatchPath] for the syntax.
type pathPattern struct {
	segs []string
}

// errEmptyPattern is returned for a pattern with no segment.
var errEmptyPattern = errors.New("empty path pattern")

// compilePath compiles a path glob. See [MatchPath] for the syntax.
func compilePath(pattern string) (pathPattern, error) {
	p := strings.ReplaceAll(pattern, "\\", "/")
	anchored := strings.HasPrefix(p, "/") || strings.HasPrefix(p, "./")
	dirOnly := strings.HasSuffix(p, "/")
	raw := splitSegments(p)
	if len(raw) == 0 {
		return pathPattern{}, errEmptyPattern
	}
	// A slash at the start or in the middle anchors the pattern at the
	// root; without one it matches at any depth, like .gitignore.
	if !anchored && len(raw) > 1 {
		anchored = true
	}
	segs := make([]string, 0, len(raw)+3)
	if !anchored {
		segs = append(segs, globstar)
	}
	for _, s := range raw {
		if strings.Contains(s, globstar) && s != globstar {
			// "a**b" is "a*b": "**" spans segments only on its own.
			for strings.Contains(s, globstar) {
				s = strings.ReplaceAll(s, globstar, "*")
			}
		}
		segs = append(segs, s)
	}
	// A pattern that names a directory covers everything below it; with a
	// trailing slash it covers only what is below (at least one segment).
	if dirOnly {
		segs = append(segs, "*", globstar)
	} else {
		segs = append(segs, globstar)
	}
	// Collapse runs of "**".
	out := segs[:0]
	for _, s := range segs {
		if s == globstar && len(out) > 0 && out[len(out)-1] == globstar {
			continue
		}
		out = append(out, s)
	}
	return pathPattern{segs: out}, nil
}

// splitSegments splits a slash-separated path into its segments, leaving
// out empty and "." segments.
func splitSegments(p string) []string {
	var segs []string
	for p != "" {
		var seg string
		seg, p, _ = strings.Cut(p, "/")
		if seg != "" && seg != "." {
			segs = append(segs, seg)
		}
	}
	return segs
}

// pathSegments normalizes a finding's path for matching: a "file:" URI
// loses its scheme and is percent-decoded, backslashes become slashes, and
// the path is split into segments without empty or "." ones (so a leading
// "/" or "./" does not matter).
func pathSegments(p string) []string {
	if len(p) >= 5 && strings.EqualFold(p[:5], "file:") {
		p = p[5:]
		if strings.HasPrefix(p, "//") {
			// file://host/path: drop the (usually empty) host.
			p = p[2:]
			if i := strings.IndexByte(p, '/'); i >= 0 {
				p = p[i:]
			} else {
				p = ""
			}
		}
		if d, err := url.PathUnescape(p); err == nil {
			p = d
		}
	}
	return splitSegments(strings.ReplaceAll(p, "\\", "/"))
}

// match reports whether the pattern matches a path split by
// [pathSegments].
func (g pathPattern) match(path []string) bool {
	pat := g.segs
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(path) {
		if pi < len(pat) && pat[pi] == globstar {
			starP, starS = pi, si
			pi++
			continue
		}
		if pi < len(pat) && matchSegment(pat[pi], path[si]) {
			pi++
			si++
			continue
		}
		if starP >= 0 {
			starS++
			pi, si = starP+1, starS
			continue
		}
		return false
	}
	for pi < len(pat) && pat[pi] == globstar {
		pi++
	}
	return pi == len(pat)
}

// matchSegment matches one path segment against one segment pattern of
// literal characters, "*" (any run of characters) and "?" (one
// character). It runs in time proportional to len(p)·len(s) at worst.
func matchSegment(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '*':
				starP, starS = pi, si
				pi++
				continue
			case c == '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			case c == s[si]:
				pi++
				si++
				continue
			}
		}
		if starP >= 0 {
			_, n := utf8.DecodeRuneInString(s[starS:])
			starS += n
			pi, si = starP+1, starS
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// MatchPath reports whether a path glob of an ignore rule matches path.
//
// Patterns are made of segments separated by "/" (a backslash counts as a
// separator too; there is no escape character and no character class):
//
//   - "*" matches any run of characters within one segment, "?" exactly
//     one character (not "/");
//   - "**" as a whole segment matches any number of segments, none
//     included ("a**b" inside a segment is the same as "a*b");
//   - a pattern with a "/" at its start or in its middle is anchored: it is
//     matched from the start of the path ("/src/*.go", "src/**/gen");
//   - a pattern without one matches at any depth ("*.min.js",
//     "testdata" are "**/*.min.js", "**/testdata");
//   - a pattern that matches a directory matches everything below it
//     ("vendor" matches "vendor/a/b.go"); with a trailing "/" it matches
//     only what is below it, not a file of that name.
//
// Paths are compared segment by segment, case-sensitively, after
// normalization: a "file:" URI loses its scheme and is percent-decoded,
// backslashes become slashes, and empty and "." segments are dropped, so
// "/src/a.go", "./src/a.go" and "src/a.go" are the same path. An empty
// pattern matches nothing.
func MatchPath(pattern, path string) bool {
	g, err := compilePath(pattern)
	if err != nil {
		return false
	}
	return g.match(pathSegments(path))
}
