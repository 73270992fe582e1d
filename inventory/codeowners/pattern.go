package codeowners

import (
	"path"
	"strings"
	"unicode/utf8"
)

// A pattern is compiled into path segments. A pattern without a slash
// before its end matches at any depth (it gets a leading "**"); a pattern
// matches a path when it matches the whole path, or a leading run of its
// directories (then everything inside them matches), except that a
// pattern whose last segment is a lone "*" matches the directory's direct
// entries only, as GitHub documents for "docs/*".

type segment struct {
	any  bool   // "**": zero or more segments
	glob []item // otherwise
}

type item struct {
	kind byte // 'c' a literal rune, '*' any run, '?' one rune
	r    rune
}

type matcher struct {
	segs     []segment
	all      bool // matches every path
	dirOnly  bool // trailing slash: matches what is inside a directory only
	prefixOK bool // may match a leading run of directories
}

// compile turns a pattern (escapes included) into a matcher.
func compile(p string) matcher {
	var m matcher
	// A trailing unescaped slash.
	for strings.HasSuffix(p, "/") && !escapedAt(p, len(p)-1) {
		p = p[:len(p)-1]
		m.dirOnly = true
	}
	anchored := strings.HasPrefix(p, "/")
	p = strings.TrimLeft(p, "/")
	if p == "" || p == "**" {
		// "/" is the root directory, "**" everything.
		m.all = true
		return m
	}
	parts := strings.Split(p, "/")
	if len(parts) > 1 {
		anchored = true
	}
	var segs []segment
	if !anchored {
		segs = append(segs, segment{any: true})
	}
	for _, s := range parts {
		if s == "" {
			continue // "a//b"
		}
		if s == "**" {
			if len(segs) > 0 && segs[len(segs)-1].any {
				continue
			}
			segs = append(segs, segment{any: true})
			continue
		}
		segs = append(segs, segment{glob: parseGlob(s)})
	}
	// A trailing "**" matches everything inside: the directory before it,
	// as a directory.
	if n := len(segs); n > 1 && segs[n-1].any {
		segs = segs[:n-1]
		m.dirOnly = true
	}
	if len(segs) == 1 && segs[0].any {
		m.all = true
		return m
	}
	m.segs = segs
	last := segs[len(segs)-1].glob
	m.prefixOK = m.dirOnly || !(len(last) == 1 && last[0].kind == '*')
	return m
}

// escapedAt reports whether the byte at i is escaped by an odd number of
// backslashes.
func escapedAt(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func parseGlob(s string) []item {
	out := make([]item, 0, len(s)) // at most one item a byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' && i+size < len(s):
			i += size
			r, size = utf8.DecodeRuneInString(s[i:])
			out = append(out, item{kind: 'c', r: r})
		case r == '*':
			if len(out) == 0 || out[len(out)-1].kind != '*' {
				out = append(out, item{kind: '*'})
			}
		case r == '?':
			out = append(out, item{kind: '?'})
		default:
			out = append(out, item{kind: 'c', r: r})
		}
		i += size
	}
	return out
}

// matchGlob matches one path segment against a glob, with the classic
// linear backtracking on the last star.
func matchGlob(g []item, s string) bool {
	gi, si := 0, 0
	starG, starS := -1, 0
	for si < len(s) {
		if gi < len(g) {
			switch it := g[gi]; it.kind {
			case '*':
				starG, starS = gi, si
				gi++
				continue
			case '?':
				_, size := utf8.DecodeRuneInString(s[si:])
				gi++
				si += size
				continue
			default:
				r, size := utf8.DecodeRuneInString(s[si:])
				if r == it.r {
					gi++
					si += size
					continue
				}
			}
		}
		if starG < 0 {
			return false
		}
		// Let the last star take one more rune.
		_, size := utf8.DecodeRuneInString(s[starS:])
		starS += size
		gi, si = starG+1, starS
	}
	for gi < len(g) && g[gi].kind == '*' {
		gi++
	}
	return gi == len(g)
}

// match reports whether the matcher matches a path split into segments;
// dir says the path names a directory.
func (m *matcher) match(path []string, dir bool, buf *[]bool) bool {
	if m.all {
		return true
	}
	n, k := len(path), len(m.segs)
	// reach[i*(n+1)+j]: the first i segments of the pattern match the
	// first j of the path.
	size := (k + 1) * (n + 1)
	if cap(*buf) < size {
		*buf = make([]bool, size)
	}
	reach := (*buf)[:size]
	clear(reach)
	reach[0] = true
	for i := 0; i <= k; i++ {
		for j := 0; j <= n; j++ {
			if !reach[i*(n+1)+j] || i == k {
				continue
			}
			s := m.segs[i]
			if s.any {
				reach[(i+1)*(n+1)+j] = true // zero segments
				if j < n {
					reach[i*(n+1)+j+1] = true // one more
				}
				continue
			}
			if j < n && matchGlob(s.glob, path[j]) {
				reach[(i+1)*(n+1)+j+1] = true
			}
		}
	}
	for j := 1; j <= n; j++ {
		if !reach[k*(n+1)+j] {
			continue
		}
		if j == n {
			if !m.dirOnly || dir {
				return true
			}
		} else if m.prefixOK {
			return true
		}
	}
	return false
}

// splitPath cleans a repository-relative path and splits it; dir reports
// a trailing slash.
func splitPath(p string) (segs []string, dir bool) {
	dir = strings.HasSuffix(p, "/")
	// Clean resolves "." and "..", never above the root.
	p = path.Clean("/" + p)
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs, dir
}
