package compliance

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNaturalCompare(t *testing.T) {
	sorted := []string{"", "6.3.1", "6.3.3", "6.4.1", "11.3.1", "11.3.2", "A.5.9", "A.8.8", "A.8.25", "CC6.1", "CC7.1", "CC8.1",
		"PO.3.2", "PW.4.4", "V1.14.3", "V2.9.1", "V2.10.4", "V14.2.1", "a", "a01", "a1", "a2", "b"}
	for i := range sorted {
		for j := range sorted {
			got := naturalCompare(sorted[i], sorted[j])
			switch {
			case i < j:
				assert.Negative(t, got, "%q < %q", sorted[i], sorted[j])
			case i > j:
				assert.Positive(t, got, "%q > %q", sorted[i], sorted[j])
			default:
				assert.Zero(t, got)
			}
		}
	}
	shuffled := slices.Clone(sorted)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, naturalCompare)
	assert.Equal(t, sorted, shuffled)
}

func TestRequirementPatterns(t *testing.T) {
	fs, err := builtinFrameworks()
	require.NoError(t, err)
	tests := map[string]struct{ good, bad []string }{
		FrameworkASVS:     {[]string{"V14.2.1", "V2.10.4", "V1.14.3"}, []string{"14.2.1", "V14.2", "v14.2.1"}},
		FrameworkSSDF:     {[]string{"PO.3.2", "PS.3.2", "PW.4.4", "RV.1.1", "RV.2"}, []string{"PX.1.1", "RV", "rv.1.1"}},
		FrameworkPCIDSS4:  {[]string{"6.2.4", "6.3.3", "11.3.1", "12.3.4", "6.4"}, []string{"13.1", "6", "Req 6.3.3", "0.1"}},
		FrameworkSOC2:     {[]string{"CC7.1", "CC8.1", "A1.2", "PI1.1", "C1.1", "P4.1"}, []string{"CC7", "CC 7.1", "X1.1"}},
		FrameworkISO27001: {[]string{"A.8.8", "A.8.25", "A.5.15"}, []string{"8.8", "A.9.1", "A.8"}},
	}
	for name, tc := range tests {
		re := fs.patterns[name]
		require.NotNil(t, re, name)
		for _, g := range tc.good {
			assert.True(t, re.MatchString(g), "%s: %s", name, g)
		}
		for _, b := range tc.bad {
			assert.False(t, re.MatchString(b), "%s: %s", name, b)
		}
	}
}

func TestValidNames(t *testing.T) {
	for _, s := range []string{"asvs", "pci-dss-4", "iso27001", "a.b_c"} {
		assert.True(t, validName(s), s)
	}
	for _, s := range []string{"", "-x", "Upper", "with space", string(make([]byte, 65))} {
		assert.False(t, validName(s), s)
	}
	for _, s := range []string{"ASPM-VM-01", "x", "a.b_c-1"} {
		assert.True(t, validID(s), s)
	}
	for _, s := range []string{"", "1ABC", "-x", "a b", "a/b", "é"} {
		assert.False(t, validID(s), s)
	}
}

func TestUUID5(t *testing.T) {
	dns := uuid{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	// RFC 9562, appendix A.4.
	assert.Equal(t, "2ed6657d-e927-568b-95e1-2665a8aea6a2", uuid5(dns, "www.example.com").String())
	assert.Equal(t, "aa2a8526-a282-5a30-b788-d850e959a68e", oscalUUIDNamespace.String())
}
