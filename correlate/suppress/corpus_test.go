package suppress

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/csaf"
	"github.com/aspmkit/aspm/findings/cyclonedx"
	"github.com/aspmkit/aspm/findings/openvex"
	"github.com/aspmkit/aspm/findings/sarif"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// decodeCorpus decodes one corpus file with decode and returns what it
// emitted.
func decodeCorpus(t *testing.T, rel string, decode findings.DecodeFunc) ([]findings.Finding, []findings.VEXStatement) {
	t.Helper()
	data := testcorpus.Read(t, rel)
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return decode(bytes.NewReader(data), findings.DecodeOptions{Name: rel}, h)
	})
	require.NoError(t, err, rel)
	return fs, vs
}

func corpusIndex(t *testing.T, rel string, decode findings.DecodeFunc) *VEXIndex {
	t.Helper()
	_, vs := decodeCorpus(t, rel, decode)
	require.NotEmpty(t, vs, rel)
	ix, err := NewVEXIndex(vs)
	require.NoError(t, err, rel)
	return ix
}

// TestCorpusOpenVEXNginx applies vexctl's sample OpenVEX document to the
// three scans of the same nginx image that vexctl ships beside it. The
// document says CVE-2023-27103 (alias SNYK-DEBIAN12-LIBDE265-3361563) does
// not affect pkg:oci/nginx@sha256:13d22ec6…; the scans do not record the
// image reference in a form the findings keep, so the caller passes it as
// the subject, as it knows what it scanned.
func TestCorpusOpenVEXNginx(t *testing.T) {
	const image = "nginx@sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"
	ix := corpusIndex(t, "openvex/vexctl/sample-history.openvex.json", openvex.Decode)
	for _, tt := range []struct {
		rel  string
		want int // findings on CVE-2023-27103
	}{
		{"sarif/grype/nginx-grype.sarif.json", 1},
		{"sarif/trivy/nginx-trivy.sarif.json", 1},
		{"sarif/snyk-container/nginx-snyk.sarif.json", 1},
	} {
		t.Run(tt.rel, func(t *testing.T) {
			fs, _ := decodeCorpus(t, tt.rel, sarif.Decode)
			require.NotEmpty(t, fs)
			suppressed := 0
			for _, f := range fs {
				// Without the subject nothing ties a finding to the image.
				_, ok := ix.Match(f)
				assert.False(t, ok, f.RuleID)

				affected := slices.Contains(f.VulnerabilityIDs, "CVE-2023-27103") ||
					slices.Contains(f.VulnerabilityIDs, "SNYK-DEBIAN12-LIBDE265-3361563")
				out := ix.Apply(&f, image)
				assert.Equal(t, affected, out.Matched, f.RuleID)
				assert.Equal(t, affected, out.Suppressed, f.RuleID)
				assert.Equal(t, affected, f.Suppressed(), f.RuleID)
				if affected {
					suppressed++
					// Both statements are identical but for the
					// timestamp; the later one (record 1) wins.
					assert.Equal(t, 1, out.Statement.Source.Record)
					assert.Equal(t, "component_not_present", f.VEX.Justification)
				}
			}
			assert.Equal(t, tt.want, suppressed)

			// Another image (a digest that differs) is not covered.
			for _, f := range fs {
				_, ok := ix.Match(f, "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000")
				assert.False(t, ok)
			}
		})
	}
}

// TestCorpusCycloneDXCISACase1 applies the CISA use-case 1 VEX (product
// "product-ABC" not affected by Log4Shell) to Grype's CycloneDX scan of a
// Log4j application, whose analysis is the default in_triage.
func TestCorpusCycloneDXCISACase1(t *testing.T) {
	ix := corpusIndex(t, "cyclonedx/spec-example/cisa-case1-vex-not_affected.json", cyclonedx.Decode)
	fs, _ := decodeCorpus(t, "cyclonedx/grype/log4j.json", cyclonedx.Decode)
	n := 0
	for _, f := range fs {
		is44228 := slices.Contains(f.VulnerabilityIDs, "CVE-2021-44228")
		if is44228 {
			require.NotNil(t, f.VEX)
			assert.Equal(t, findings.VEXUnderInvestigation, f.VEX.Status)
			n++
		}
		out := ix.Apply(&f, "product-ABC")
		assert.Equal(t, is44228, out.Applied, f.RuleID)
		assert.Equal(t, is44228, out.Suppressed, f.RuleID)
		if is44228 {
			assert.Equal(t, findings.VEXNotAffected, f.VEX.Status)
			assert.Equal(t, "code_not_present", f.VEX.Justification)
		}
	}
	assert.Equal(t, 1, n)
}

// TestCorpusCycloneDXBOMLink applies the CycloneDX VEX example, whose
// product is a BOM-Link to jackson-databind in its companion BOM, to a
// finding for each component of that BOM.
func TestCorpusCycloneDXBOMLink(t *testing.T) {
	ix := corpusIndex(t, "cyclonedx/spec-example/vex.json", cyclonedx.Decode)
	var bom struct {
		Components []struct {
			PURL string `json:"purl"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(testcorpus.Read(t, "cyclonedx/spec-example/vex-companion.bom.json"), &bom))
	require.Len(t, bom.Components, 3)
	for _, c := range bom.Components {
		for _, id := range []string{"CVE-2020-25649", "SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302", "CVE-2020-25650"} {
			f := sca(c.PURL, id)
			want := id != "CVE-2020-25650" && c.PURL == "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"
			out := ix.Apply(&f)
			assert.Equal(t, want, out.Suppressed, "%s %s", c.PURL, id)
		}
	}
	// Another version of jackson-databind is not covered.
	f := sca("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.0?type=jar", "CVE-2020-25649")
	_, ok := ix.Match(f)
	assert.False(t, ok)
}

// TestCorpusOpenVEXHistory checks precedence on Trivy's OpenVEX test file:
// an affected statement with its own timestamp, then a not_affected one
// that inherits the later document timestamp.
func TestCorpusOpenVEXHistory(t *testing.T) {
	ix := corpusIndex(t, "openvex/unknown/openvex-multiple.json", openvex.Decode)
	f := sca("pkg:maven/org.springframework.boot/spring-boot@2.6.0", "CVE-2021-44228")
	st, ok := ix.Match(f)
	require.True(t, ok)
	assert.Equal(t, findings.VEXNotAffected, st.Status)
	assert.Equal(t, 1, st.Source.Record)
	_, ok = ix.Match(sca("pkg:maven/org.springframework.boot/spring-boot@2.6.1", "CVE-2021-44228"))
	assert.False(t, ok, "the product has a version")
}

// TestCorpusOpenVEXNested applies Trivy's nested OpenVEX test file: the
// statement covers go-transitive inside the go-direct1 application.
func TestCorpusOpenVEXNested(t *testing.T) {
	ix := corpusIndex(t, "openvex/unknown/openvex-nested.json", openvex.Decode)
	const app = "pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0"
	f := sca("pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0", "CVE-2024-0001")
	_, ok := ix.Match(f, app)
	assert.True(t, ok)
	_, ok = ix.Match(f)
	assert.False(t, ok, "the application is not known")
	_, ok = ix.Match(f, "pkg:golang/github.com/aquasecurity/go-direct2@v2.0.0")
	assert.False(t, ok, "another application")
}

// TestCorpusCSAF applies the go-vex CSAF example: CVE-2009-4487 is
// known_affected in product ABC:CSAFPID-0002.
func TestCorpusCSAF(t *testing.T) {
	ix := corpusIndex(t, "csaf/secvisogram/go-vex_csaf_vex.json", csaf.Decode)
	f := findings.Finding{VulnerabilityIDs: []string{"CVE-2009-4487"}}
	out := ix.Apply(&f, "ABC:CSAFPID-0002")
	assert.True(t, out.Matched)
	assert.False(t, out.Suppressed)
	assert.Equal(t, findings.VEXAffected, f.VEX.Status)
	assert.Equal(t, "known_affected", f.VEX.State)
}
