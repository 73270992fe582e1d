package cveid

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want Key
	}{
		{"CVE-2021-44228", true, Key{Number: 44228, Year: 2021, Digits: 5}},
		{"cve-2021-01234", true, Key{Number: 1234, Year: 2021, Digits: 5}},
		{"CVE-2021-1234", true, Key{Number: 1234, Year: 2021, Digits: 4}},
		{"CVE-2021-123", false, Key{}},
		{"CVE-20x1-1234", false, Key{}},
		{"GHSA-xxxx-yyyy", false, Key{}},
		{"CVE-2021-" + strings.Repeat("9", 20), false, Key{}},
	} {
		k, ok := Parse(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, k, tc.in)
	}
	a, _ := Parse("CVE-2021-9999")
	b, _ := Parse("CVE-2021-10000")
	c, _ := Parse("CVE-2022-0001")
	assert.Negative(t, Compare(a, b), "numeric, not lexical")
	assert.Negative(t, Compare(b, c))
	assert.Equal(t, "CVE-2021-1234", Canonical("cve-2021-1234"))
}

func FuzzParse(f *testing.F) {
	f.Add("CVE-2021-44228")
	f.Add("cve-1999-0001")
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := Parse(s)
		if !ok {
			return
		}
		if again, _ := Parse(Canonical(s)); again != k {
			t.Fatalf("%q: canonical form parses differently", s)
		}
	})
}
