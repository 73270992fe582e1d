package report

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plain makes attacker-controlled text safe to print on a terminal or in
// a one-line field: it removes ANSI escape sequences and other control
// characters (a tab, CR or LF becomes a space) and invalid UTF-8, and
// cuts the result to max runes (0 means no limit), ending it with "…"
// when cut.
func Plain(s string, max int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			i++
			continue
		case r == 0x1b: // ESC: skip a CSI or OSC sequence, or the next character
			i += size + escapeLen(s[i+size:])
			continue
		case r == 0x9b: // 8-bit CSI
			i += size + csiLen(s[i+size:])
			continue
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069'):
			// C0/C1 controls, line separators, bidirectional overrides.
			i += size
			continue
		}
		if max > 0 && n == max {
			b.WriteString("…")
			return b.String()
		}
		b.WriteRune(r)
		n++
		i += size
	}
	return b.String()
}

// escapeLen is the length of the rest of an escape sequence after ESC.
func escapeLen(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '[':
		return 1 + csiLen(s[1:])
	case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ST
		for i := 1; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// csiLen is the length of a CSI sequence's parameters and final byte.
func csiLen(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
	}
	return len(s)
}

// PlainLines is [Plain] for multi-line text: it keeps the line breaks
// (CR LF and CR become LF), cleans each line, drops trailing spaces, and
// trims blank lines at both ends.
func PlainLines(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(Plain(l, 0), " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n ")
}
