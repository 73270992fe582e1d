package suppress

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// stmt builds a statement for tests.
func stmt(id string, status findings.VEXStatus, products ...string) findings.VEXStatement {
	return findings.VEXStatement{VulnerabilityID: id, Products: products, VEXAnalysis: findings.VEXAnalysis{Status: status}}
}

// sca builds a dependency finding for tests.
func sca(purl string, ids ...string) findings.Finding {
	return findings.Finding{Kind: findings.KindSCA, VulnerabilityIDs: ids, Package: &findings.Package{PURL: purl}}
}

func TestVEXMatch(t *testing.T) {
	const nginx = "pkg:oci/nginx@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"
	const nginxRef = "nginx@sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"
	withAlias := stmt("CVE-2021-44228", findings.VEXNotAffected, "pkg:maven/org.apache.logging.log4j/log4j-core")
	withAlias.Aliases = []string{"GHSA-jfh8-c2jp-5v3q"}
	nested := stmt("CVE-2024-0001", findings.VEXNotAffected, "pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0")
	nested.Subcomponents = []string{"pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0"}
	subsOnly := stmt("CVE-2024-0002", findings.VEXNotAffected)
	subsOnly.Subcomponents = []string{"pkg:npm/minimist"}

	tests := []struct {
		name     string
		stmt     findings.VEXStatement
		finding  findings.Finding
		subjects []string
		want     bool
	}{
		{"purl without version, any version", stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash"), sca("pkg:npm/lodash@4.17.20", "CVE-1"), nil, true},
		{"purl with version, same", stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash@4.17.20"), sca("pkg:npm/lodash@4.17.20", "CVE-1"), nil, true},
		{"purl with version, other", stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash@4.17.20"), sca("pkg:npm/lodash@4.17.21", "CVE-1"), nil, false},
		{"other vulnerability", stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash"), sca("pkg:npm/lodash@1", "CVE-2"), nil, false},
		{"vulnerability ID ignores case", stmt("cve-2021-1", findings.VEXNotAffected, "pkg:npm/lodash"), sca("pkg:npm/lodash@1", "CVE-2021-1"), nil, true},
		{"finding alias equals statement ID", stmt("CVE-2021-44228", findings.VEXNotAffected, "pkg:maven/org.apache.logging.log4j/log4j-core"),
			sca("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"), nil, true},
		{"GHSA finding meets CVE statement by alias", withAlias, sca("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "GHSA-jfh8-c2jp-5v3q"), nil, true},
		{"CVE finding meets CVE statement with alias", withAlias, sca("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "CVE-2021-44228"), nil, true},
		{"no shared ID, no alias", stmt("CVE-2021-44228", findings.VEXNotAffected), sca("pkg:maven/a/b@1", "GHSA-jfh8-c2jp-5v3q"), nil, false},
		{"golang case kept", stmt("CVE-1", findings.VEXNotAffected, "pkg:golang/github.com/Sirupsen/logrus"), sca("pkg:golang/github.com/sirupsen/logrus@v1.9.0", "CVE-1"), nil, false},
		{"golang same case", stmt("CVE-1", findings.VEXNotAffected, "pkg:golang/github.com/sirupsen/logrus"), sca("pkg:golang/github.com/sirupsen/logrus@v1.9.0", "CVE-1"), nil, true},
		{"qualifiers subset", stmt("CVE-1", findings.VEXNotAffected, "pkg:deb/debian/curl?distro=debian-12"), sca("pkg:deb/debian/curl@7.88.1?arch=amd64&distro=debian-12", "CVE-1"), nil, true},
		{"qualifier missing", stmt("CVE-1", findings.VEXNotAffected, "pkg:deb/debian/curl?distro=debian-12"), sca("pkg:deb/debian/curl@7.88.1?arch=amd64", "CVE-1"), nil, false},
		{"no products applies everywhere", stmt("CVE-1", findings.VEXNotAffected), sca("pkg:npm/anything@1", "CVE-1"), nil, true},
		{"finding without package and purl product", stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash"), findings.Finding{VulnerabilityIDs: []string{"CVE-1"}}, nil, false},
		{"name@version literal", stmt("CVE-1", findings.VEXNotAffected, "libde265-0@1.0.11-1"),
			findings.Finding{VulnerabilityIDs: []string{"CVE-1"}, Package: &findings.Package{Name: "libde265-0", Version: "1.0.11-1"}}, nil, true},
		{"CSAF product ID via subject", stmt("CVE-1", findings.VEXNotAffected, "ABC:CSAFPID-0002"), sca("pkg:npm/x@1", "CVE-1"), []string{"ABC:CSAFPID-0002"}, true},
		{"CSAF product ID, no subject", stmt("CVE-1", findings.VEXNotAffected, "ABC:CSAFPID-0002"), sca("pkg:npm/x@1", "CVE-1"), nil, false},
		{"unparsable purl is literal", stmt("CVE-1", findings.VEXNotAffected, "pkg:maven/@1.3.4"), sca("pkg:maven/a/b@1.3.4", "CVE-1"), nil, false},
		{"image product, finding image", stmt("CVE-1", findings.VEXNotAffected, nginx),
			findings.Finding{VulnerabilityIDs: []string{"CVE-1"}, Location: findings.Location{Image: "docker.io/library/nginx:1.25@sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"}}, nil, true},
		{"image product, subject", stmt("CVE-1", findings.VEXNotAffected, nginx), sca("pkg:deb/debian/libde265-0@1.0.11-1", "CVE-1"), []string{nginxRef}, true},
		{"image product, subject purl", stmt("CVE-1", findings.VEXNotAffected, "pkg:oci/nginx"), sca("pkg:deb/debian/libde265-0@1.0.11-1", "CVE-1"), []string{nginx}, true},
		{"image product, other image", stmt("CVE-1", findings.VEXNotAffected, nginx), sca("pkg:deb/debian/libde265-0@1.0.11-1", "CVE-1"), []string{"nginx:1.25"}, false},
		{"image literal", stmt("CVE-1", findings.VEXNotAffected, "registry.k8s.io/kube-apiserver:v1.26.0"),
			findings.Finding{VulnerabilityIDs: []string{"CVE-1"}, Location: findings.Location{Image: "registry.k8s.io/kube-apiserver:v1.26.0"}}, nil, true},
		{"target literal", stmt("CVE-1", findings.VEXNotAffected, "product-ABC"),
			findings.Finding{VulnerabilityIDs: []string{"CVE-1"}, Location: findings.Location{Target: "product-ABC"}}, nil, true},
		{"BOM-Link by bom-ref purl", stmt("CVE-2020-25649", findings.VEXNotAffected, "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"),
			sca("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar", "CVE-2020-25649"), nil, true},
		{"BOM-Link percent-encoded", stmt("CVE-1", findings.VEXNotAffected, "urn:cdx:abc/1#pkg%3Anpm%2Flodash%404.17.20"), sca("pkg:npm/lodash@4.17.20", "CVE-1"), nil, true},
		{"BOM-Link by bom-ref literal", stmt("CVE-1", findings.VEXNotAffected, "urn:cdx:abc/1#my-app"), sca("pkg:npm/lodash@1", "CVE-1"), []string{"my-app"}, true},
		{"subcomponent in product", nested, sca("pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0", "CVE-2024-0001"), []string{"pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0"}, true},
		{"subcomponent, product unknown", nested, sca("pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0", "CVE-2024-0001"), nil, false},
		{"subcomponent, other package", nested, sca("pkg:golang/github.com/aquasecurity/go-other@v4.0.0", "CVE-2024-0001"), []string{"pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0"}, false},
		{"product itself is not its subcomponent", nested, sca("pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0", "CVE-2024-0001"), []string{"pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0"}, false},
		{"subcomponents without products", subsOnly, sca("pkg:npm/minimist@1.2.5", "CVE-2024-0002"), nil, true},
		{"subcomponents without products, other", subsOnly, sca("pkg:npm/lodash@1", "CVE-2024-0002"), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := NewVEXIndex([]findings.VEXStatement{tt.stmt})
			require.NoError(t, err)
			got, ok := ix.Match(tt.finding, tt.subjects...)
			assert.Equal(t, tt.want, ok)
			if tt.want {
				assert.Equal(t, tt.stmt.VulnerabilityID, got.VulnerabilityID)
			}
		})
	}
}

func TestVEXMatchPrecedence(t *testing.T) {
	at := func(s findings.VEXStatement, ts, doc string) findings.VEXStatement {
		s.Timestamp, s.Document = ts, doc
		return s
	}
	f := sca("pkg:npm/lodash@4.17.20", "CVE-1")
	tests := []struct {
		name  string
		stmts []findings.VEXStatement
		want  string // Document of the winner
	}{
		{"latest timestamp wins", []findings.VEXStatement{
			at(stmt("CVE-1", findings.VEXNotAffected), "2024-01-02T00:00:00Z", "new"),
			at(stmt("CVE-1", findings.VEXAffected), "2024-01-01T00:00:00Z", "old"),
		}, "new"},
		{"offsets compared as instants", []findings.VEXStatement{
			at(stmt("CVE-1", findings.VEXNotAffected), "2024-01-01T10:00:00+02:00", "a"), // 08:00Z
			at(stmt("CVE-1", findings.VEXAffected), "2024-01-01T09:00:00Z", "b"),
		}, "b"},
		{"timestamp beats none", []findings.VEXStatement{
			at(stmt("CVE-1", findings.VEXNotAffected), "2020-01-01", "dated"),
			at(stmt("CVE-1", findings.VEXAffected), "", "undated"),
		}, "dated"},
		{"tie: later in input wins", []findings.VEXStatement{
			at(stmt("CVE-1", findings.VEXAffected), "2024-01-01T00:00:00Z", "first"),
			at(stmt("CVE-1", findings.VEXNotAffected), "2024-01-01T00:00:00Z", "second"),
		}, "second"},
		{"no timestamps: later in input wins", []findings.VEXStatement{
			at(stmt("CVE-1", findings.VEXAffected), "", "first"),
			at(stmt("CVE-1", findings.VEXNotAffected), "", "second"),
		}, "second"},
		{"newer statement for another product does not count", []findings.VEXStatement{
			at(stmt("CVE-1", findings.VEXNotAffected, "pkg:npm/lodash"), "2024-01-01T00:00:00Z", "ours"),
			at(stmt("CVE-1", findings.VEXAffected, "pkg:npm/other"), "2025-01-01T00:00:00Z", "theirs"),
		}, "ours"},
		{"statement reached by two IDs", []findings.VEXStatement{
			at(findings.VEXStatement{VulnerabilityID: "CVE-1", Aliases: []string{"GHSA-1"}, VEXAnalysis: findings.VEXAnalysis{Status: findings.VEXFixed}}, "2024-01-03T00:00:00Z", "both"),
			at(stmt("GHSA-1", findings.VEXAffected), "2024-01-02T00:00:00Z", "ghsa"),
		}, "both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := NewVEXIndex(tt.stmts)
			require.NoError(t, err)
			g := f
			g.VulnerabilityIDs = []string{"CVE-1", "GHSA-1"}
			got, ok := ix.Match(g)
			require.True(t, ok)
			assert.Equal(t, tt.want, got.Document)
		})
	}
}

func TestNewVEXIndexErrors(t *testing.T) {
	stmts := []findings.VEXStatement{
		stmt("CVE-1", findings.VEXNotAffected),
		stmt("", findings.VEXNotAffected),
		stmt("CVE-3", "maybe"),
		{VulnerabilityID: "CVE-4", Timestamp: "yesterday", VEXAnalysis: findings.VEXAnalysis{Status: findings.VEXFixed}, Source: findings.Source{File: "vex.json", Record: 3}},
		stmt("CVE-5", findings.VEXUnderInvestigation),
	}
	ix, err := NewVEXIndex(stmts)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidStatement)
	require.NotNil(t, ix)
	assert.Equal(t, 2, ix.Len())
	var errs []*StatementError
	for _, e := range flatten(err) {
		var se *StatementError
		require.True(t, errors.As(e, &se))
		errs = append(errs, se)
	}
	require.Len(t, errs, 3)
	assert.Equal(t, []int{1, 2, 3}, []int{errs[0].Index, errs[1].Index, errs[2].Index})
	assert.Equal(t, `suppress: statement 3 (vex.json record 3) "CVE-4": invalid VEX statement: timestamp "yesterday" is not an RFC 3339 time or a date`, errs[2].Error())
	_, ok := ix.Match(sca("pkg:npm/x@1", "CVE-5"))
	assert.True(t, ok, "valid statements after a bad one are indexed")

	var nilIx *VEXIndex
	assert.Equal(t, 0, nilIx.Len())
	_, ok = nilIx.Match(sca("pkg:npm/x@1", "CVE-5"))
	assert.False(t, ok)
}

func TestVEXApply(t *testing.T) {
	tests := []struct {
		name        string
		status      findings.VEXStatus
		embedded    *findings.VEXAnalysis
		wantApplied bool
		wantStatus  findings.VEXStatus
		wantSupp    bool
	}{
		{"sets analysis", findings.VEXNotAffected, nil, true, findings.VEXNotAffected, true},
		{"fixed suppresses", findings.VEXFixed, nil, true, findings.VEXFixed, true},
		{"affected does not suppress", findings.VEXAffected, nil, true, findings.VEXAffected, false},
		{"replaces in_triage", findings.VEXNotAffected, &findings.VEXAnalysis{Status: findings.VEXUnderInvestigation, State: "in_triage"}, true, findings.VEXNotAffected, true},
		{"affected replaces embedded not_affected", findings.VEXAffected, &findings.VEXAnalysis{Status: findings.VEXNotAffected}, true, findings.VEXAffected, false},
		{"under_investigation keeps conclusive", findings.VEXUnderInvestigation, &findings.VEXAnalysis{Status: findings.VEXNotAffected}, false, findings.VEXNotAffected, true},
		{"under_investigation keeps affected", findings.VEXUnderInvestigation, &findings.VEXAnalysis{Status: findings.VEXAffected}, false, findings.VEXAffected, false},
		{"under_investigation replaces under_investigation", findings.VEXUnderInvestigation, &findings.VEXAnalysis{Status: findings.VEXUnderInvestigation, State: "in_triage"}, true, findings.VEXUnderInvestigation, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stmt("CVE-1", tt.status, "pkg:npm/lodash")
			s.Justification = "vulnerable_code_not_present"
			s.Response = []string{"will_not_fix"}
			ix, err := NewVEXIndex([]findings.VEXStatement{s})
			require.NoError(t, err)
			f := sca("pkg:npm/lodash@1", "CVE-1")
			f.VEX = tt.embedded
			out := ix.Apply(&f)
			assert.True(t, out.Matched)
			assert.Equal(t, tt.wantApplied, out.Applied)
			assert.Equal(t, tt.wantSupp, out.Suppressed)
			require.NotNil(t, f.VEX)
			assert.Equal(t, tt.wantStatus, f.VEX.Status)
			assert.Equal(t, tt.wantSupp, f.Suppressed())
			if out.Applied {
				// The finding's analysis is a copy.
				f.VEX.Response[0] = "changed"
				again, _ := ix.Match(sca("pkg:npm/lodash@1", "CVE-1"))
				assert.Equal(t, "will_not_fix", again.Response[0])
			}
		})
	}

	ix, err := NewVEXIndex(nil)
	require.NoError(t, err)
	f := sca("pkg:npm/lodash@1", "CVE-1")
	f.VEX = &findings.VEXAnalysis{Status: findings.VEXFixed}
	out := ix.Apply(&f)
	assert.Equal(t, VEXOutcome{Suppressed: true}, out, "no statement: embedded analysis stands")
}

func TestVEXIndexConcurrent(t *testing.T) {
	var stmts []findings.VEXStatement
	for i := range 50 {
		stmts = append(stmts, stmt("CVE-"+itoa(i), findings.VEXNotAffected, "pkg:npm/p"+itoa(i)))
	}
	ix, err := NewVEXIndex(stmts)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				n := (i + g) % 50
				f := sca("pkg:npm/p"+itoa(n)+"@1", "CVE-"+itoa(n))
				out := ix.Apply(&f)
				assert.True(t, out.Suppressed)
			}
		}()
	}
	wg.Wait()
}

// FuzzVEXMatch feeds arbitrary product, subcomponent, purl, image and
// subject strings through the identifier parsers and the matcher, which
// must never panic.
func FuzzVEXMatch(f *testing.F) {
	f.Add("pkg:oci/nginx@sha256%3Aabc?repository_url=docker.io/library/nginx&tag=1", "", "pkg:deb/debian/x@1", "nginx:1@sha256:abc", "nginx@sha256:abc")
	f.Add("urn:cdx:x/1#pkg%3Anpm%2Fa%401", "pkg:npm/b", "pkg:npm/a@1", "", "app")
	f.Add("pkg:golang/github.com/A/B", "pkg:golang/x/%zz", "pkg:golang/github.com/A/B@v1#sub", "localhost:5000/a/b:c", "pkg:")
	f.Add("ABC:CSAFPID-1", "", "", "a//b", "\xff@\xfe:")
	f.Fuzz(func(t *testing.T, prod, sub, purl, image, subject string) {
		s := stmt("CVE-1", findings.VEXNotAffected, prod)
		if sub != "" {
			s.Subcomponents = []string{sub}
		}
		ix, err := NewVEXIndex([]findings.VEXStatement{s})
		if err != nil {
			t.Fatal(err)
		}
		fd := sca(purl, "CVE-1")
		fd.Location.Image = image
		out := ix.Apply(&fd, subject)
		if out.Matched != (fd.VEX != nil) {
			t.Fatalf("matched %v but VEX %v", out.Matched, fd.VEX)
		}
		// A purl always covers itself.
		if p, ok := parsePURL(purl); ok && !p.covers(p) {
			t.Fatalf("%q does not cover itself", purl)
		}
	})
}
