package access

import (
	"strings"
	"unicode/utf8"
)

// Match reports whether s matches pattern, where "*" matches any run of
// characters (including none and including "/" and ":") and "?" matches
// one character; every other character matches itself. It runs in time
// proportional to len(pattern)*len(s) at worst, without recursion.
func Match(pattern, s string) bool {
	return match(pattern, s, false)
}

// MatchFold is [Match] with letters compared without regard to case, as
// AWS compares actions.
func MatchFold(pattern, s string) bool {
	return match(pattern, s, true)
}

func match(p, s string, fold bool) bool {
	if p == "*" {
		return true
	}
	if !strings.ContainsAny(p, "*?") {
		if fold {
			return strings.EqualFold(p, s)
		}
		return p == s
	}
	// Two cursors; on a mismatch, backtrack to the last star and let it
	// swallow one more character of s.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				star, mark = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			default:
				pr, pn := utf8.DecodeRuneInString(p[pi:])
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if pr == sr || fold && foldEq(pr, sr) {
					pi += pn
					si += sn
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star+1, mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func foldEq(a, b rune) bool {
	return strings.EqualFold(string(a), string(b))
}

// MatchAny reports whether s matches one of patterns.
func MatchAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if match(p, s, fold) {
			return true
		}
	}
	return false
}
