package markdown

import (
	"net/url"
	"strings"

	"github.com/aspmkit/aspm/report"
)

// Escape makes attacker-controlled text safe to place anywhere in a line
// of GitHub-flavored Markdown, a table cell included: it renders as the
// text it is, and creates no markup, link, mention or reference.
//
// It first makes s one line of plain text with [report.Plain] (no control
// characters, ANSI escapes, bidirectional overrides or newlines) and
// trims blanks, then:
//
//   - & < > become the entities &amp; &lt; &gt;, so no HTML tag or
//     entity survives;
//   - \ ` * _ { } [ ] ( ) # + - = ! | ~ $ get a backslash, so no
//     emphasis, code span, link, image, table cell boundary, math,
//     heading or list starts, and a '.' after a digit gets one, so no
//     ordered list starts;
//   - @ and # are followed by a zero-width space (U+200B), so GitHub
//     links no @mention, team or #123 reference.
func Escape(s string) string { return escape(s, 0) }

// escape is Escape with the text cut to max runes (0: no limit).
func escape(s string, max int) string {
	s = strings.TrimSpace(report.Plain(s, max))
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	prevDigit := false
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '@':
			b.WriteString("@\u200b")
		case '#':
			b.WriteString("\\#\u200b")
		case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '+', '-', '=', '!', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '.':
			if prevDigit {
				b.WriteByte('\\')
			}
			b.WriteByte('.')
		default:
			b.WriteRune(r)
		}
		prevDigit = r >= '0' && r <= '9'
	}
	return b.String()
}

// maxURL is the longest reference shown as a link; a longer one is shown
// as text.
const maxURL = 2048

// link renders a reference: an http or https URL as a link whose text is
// its host, anything else as escaped text.
func link(raw string) string {
	if dest, host, ok := safeURL(raw); ok {
		return "[" + escape(host, 60) + "](" + dest + ")"
	}
	return escape(raw, 80)
}

// safeURL returns raw as a link destination that cannot leave the
// parentheses of a Markdown link or a table cell, and its host, when raw
// is an absolute http or https URL.
func safeURL(raw string) (dest, host string, ok bool) {
	if len(raw) > maxURL {
		return "", "", false
	}
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return "", "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", false
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~:/?#@!$&'*+,;=%", c) >= 0:
			b.WriteByte(c)
		default: // ( ) < > [ ] \ | " ` space, controls, non-ASCII
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String(), u.Hostname(), true
}
