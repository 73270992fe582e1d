package sarif

import (
	"crypto/sha1" //nolint:gosec // UUID version 5 is defined with SHA-1 (RFC 9562 §5.5).
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/aspmkit/aspm/report"
)

// plainLine is s on one line, without control characters, trimmed.
func plainLine(s string) string { return strings.TrimSpace(report.Plain(s, 0)) }

// cleanText keeps the lines of s but removes control characters, ANSI
// escapes and bidirectional overrides from each, and trailing spaces.
func cleanText(s string) string { return report.PlainLines(s) }

// cutRunes cuts s to at most n runes, ending it with "…" when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for k < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return s[:i] + "…"
}

// escapeMessage escapes the brackets of a plain text message (and a
// backslash before one), so that SARIF viewers do not read attacker
// text as an embedded link (SARIF §3.11.5, §3.11.6).
func escapeMessage(s string) string {
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '[', ']':
			b.WriteByte('\\')
		case '\\':
			if i+1 < len(s) && (s[i+1] == '[' || s[i+1] == ']') {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// safeURI returns s when it is an absolute http or https URL with a host,
// with every byte that may not appear in a URI percent-encoded; else "".
func safeURI(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		return ""
	}
	return escapeURI(s)
}

// escapeURI percent-encodes the bytes of s outside RFC 3986's unreserved
// and reserved sets, and a % that does not start an escape.
func escapeURI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriByte(c) || (c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
			b.WriteByte(c)
			continue
		}
		const hexDigits = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func uriByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// artifactURI turns a finding's path into a SARIF artifact URI: relative
// to the repository root when it is (or is under root), slash-separated,
// cleaned, percent-encoded; an absolute path becomes a file URI and a URL
// stays a URL.
func artifactURI(p, root string) string {
	p = plainLine(p)
	if p == "" {
		return ""
	}
	if i := strings.Index(p, "://"); i > 0 && isScheme(p[:i]) {
		if !strings.EqualFold(p[:i], "file") {
			return escapeURI(p)
		}
		u, err := url.Parse(p)
		if err != nil || u.Path == "" {
			return escapeURI(p)
		}
		p = u.Path
	}
	p = strings.ReplaceAll(p, "\\", "/")
	if root = strings.TrimSuffix(strings.ReplaceAll(strings.TrimSpace(root), "\\", "/"), "/"); root != "" {
		if strings.HasPrefix(p, root+"/") {
			p = p[len(root)+1:]
		}
	}
	drive := len(p) >= 2 && p[1] == ':' && isLetter(p[0]) && (len(p) == 2 || p[2] == '/')
	abs := strings.HasPrefix(p, "/") || drive
	p = path.Clean(p)
	escaped := (&url.URL{Path: p}).EscapedPath()
	switch {
	case drive:
		return "file:///" + escaped
	case abs:
		return "file://" + escaped
	}
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ":") {
		// "a:b/c" would read as a URI with scheme "a".
		return "./" + escaped
	}
	return escaped
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isScheme(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// fingerprint is the "aspm/v1" partial fingerprint of a finding ID.
func fingerprint(id string) string {
	sum := sha256.Sum256([]byte("aspm/v1\x00" + id))
	return hex.EncodeToString(sum[:16])
}

// namespaceURL is the RFC 9562 name space ID for URLs, the namespace of
// the name-based UUIDs written.
var namespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// uuid5 returns the version 5 (name-based) UUID of name: the same name
// always gives the same UUID.
func uuid5(name string) string {
	h := sha1.New() //nolint:gosec // required by the UUID version.
	h.Write(namespaceURL[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

var (
	cveID  = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	ghsaID = regexp.MustCompile(`^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$`)
)

func isCVE(s string) bool  { return cveID.MatchString(s) }
func isGHSA(s string) bool { return ghsaID.MatchString(s) }
