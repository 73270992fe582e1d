// Package cveid parses CVE IDs into comparable keys without pointers, for
// the feeds of package risk (EPSS, KEV): maps keyed by them hold no strings
// for the garbage collector to scan, and they order numerically.
package cveid

import (
	"cmp"
	"strings"
)

// Key is a CVE ID packed into a comparable value. It is exact: Digits
// keeps leading zeros of the sequence number apart ("CVE-2021-01234" is
// not "CVE-2021-1234").
type Key struct {
	Number uint64
	Year   uint16
	Digits uint8
}

// Parse parses "CVE-YYYY-NNNN..." (4 to 19 sequence digits, any case).
func Parse(s string) (Key, bool) {
	if len(s) < 13 || len(s) > 28 ||
		s[0]|0x20 != 'c' || s[1]|0x20 != 'v' || s[2]|0x20 != 'e' || s[3] != '-' || s[8] != '-' {
		return Key{}, false
	}
	var k Key
	for i := 4; i < 8; i++ {
		c := s[i] - '0'
		if c > 9 {
			return Key{}, false
		}
		k.Year = k.Year*10 + uint16(c)
	}
	for i := 9; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return Key{}, false
		}
		k.Number = k.Number*10 + uint64(c)
	}
	k.Digits = uint8(len(s) - 9)
	return k, true
}

// Compare orders keys by year, then sequence number (a shorter one
// first).
func Compare(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Digits, b.Digits), cmp.Compare(a.Number, b.Number))
}

// Canonical upper-cases the prefix of an ID Parse accepted; the rest is
// digits and dashes. It allocates only when the prefix is not upper case
// already.
func Canonical(id string) string {
	if strings.HasPrefix(id, "CVE-") {
		return id
	}
	return "CVE-" + id[4:]
}
