package csaf_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/csaf"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, name string, data []byte, l findings.Limits) ([]findings.VEXStatement, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return csaf.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: name, Limits: l}, h)
	})
	assert.Empty(t, fs, "CSAF documents have no findings")
	return vs, err
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"csaf/secvisogram/go-vex_csaf_vex.json",         // Secvisogram: nested branches, impact threats, an undefined product ID
		"csaf/secobserve/csaf_product_branches.json",    // SecObserve: relationships to purls, ids[] without cve
		"csaf/redhat-sdengine/rhsa-2003_315.json",       // Red Hat advisory: RPM purls through relationships, impact for all
		"csaf/secobserve/csaf_given_vulnerability.json", // two statuses of one vulnerability
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			vs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{Findings: []findings.Finding{}, VEX: vs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", path.Base(rel)), append(got, '\n'))
		})
	}
}

// TestCorpusTable decodes every row of testdata/corpus/csaf.tsv and checks
// the counts and errors the independent count script recorded.
func TestCorpusTable(t *testing.T) {
	dir := testcorpus.Dir(t)
	f, err := os.Open(filepath.Join("..", "..", "testdata", "corpus", "csaf.tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 6, sc.Text())
		rows++
		t.Run(cols[0], func(t *testing.T) {
			assert.Equal(t, csaf.Format, cols[1])
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(cols[0])))
			require.NoError(t, err)
			vs, err := decode(t, cols[0], data, findings.Limits{})
			require.Equal(t, "-", cols[5])
			require.NoError(t, err)
			assert.Equal(t, "0", cols[2])
			assert.Equal(t, "-", cols[4])
			assert.Equal(t, cols[3], strconv.Itoa(len(vs)))
			for i, s := range vs {
				assert.Equal(t, findings.Source{File: cols[0], Format: csaf.Format, Record: i}, s.Source)
				assert.NotEmpty(t, s.VulnerabilityID)
				assert.NotEmpty(t, s.Products)
				assert.NotEmpty(t, s.Document)
			}
		})
	}
	require.NoError(t, sc.Err())
	files, err := filepath.Glob(filepath.Join(dir, "csaf", "*", "*"))
	require.NoError(t, err)
	assert.Equal(t, len(files), rows, "one row per corpus file")
}

// TestRedHatLarge reads the 1.2 MB Red Hat VEX document: 737 relationship
// products per vulnerability, none with a purl, so they stay product IDs.
func TestRedHatLarge(t *testing.T) {
	const rel = "csaf/redhat-sdengine/rhsa-2020_1358.json"
	data := testcorpus.Read(t, rel)
	vs, err := decode(t, rel, data, findings.Limits{})
	require.NoError(t, err)
	require.Len(t, vs, 2)
	for i, id := range []string{"CVE-2020-1711", "CVE-2020-7039"} {
		s := vs[i]
		assert.Equal(t, id, s.VulnerabilityID)
		assert.Equal(t, findings.VEXFixed, s.Status)
		assert.Empty(t, s.State)
		assert.Equal(t, "Important", s.ImpactStatement)
		assert.Empty(t, s.ActionStatement, "remediations apply to affected products only")
		assert.Len(t, s.Products, 737)
		assert.Contains(t, s.Products, "AppStream-8.1.0.Z.MAIN.EUS:SLOF-0:20171214-6.gitfa98132.module+el8.1.0+4066+0f1aadab.noarch")
		assert.Equal(t, "RHSA-2020:1358", s.Document)
		assert.Equal(t, "Red Hat Product Security", s.Author)
		require.Len(t, s.Aliases, 1)
		assert.True(t, strings.HasPrefix(s.Aliases[0], "https://bugzilla.redhat.com/"))
	}

	// The document is read whole: a MaxDocumentBytes below its size fails.
	_, err = decode(t, rel, data, findings.Limits{MaxDocumentBytes: 1 << 20})
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "MaxDocumentBytes", le.Limit)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(1<<20), de.Offset)
}

// doc wraps vulnerabilities and a product tree in a minimal CSAF document.
func doc(tree, vulns string) string {
	return `{"document":{"csaf_version":"2.0","category":"csaf_vex","publisher":{"name":"P"},
		"tracking":{"id":"T-1","current_release_date":"2024-01-02T03:04:05Z"}},
		"product_tree":` + tree + `,"vulnerabilities":` + vulns + `}`
}

// tree defines products that cover every way of identifying one.
const tree = `{
	"branches":[{"category":"vendor","name":"v","branches":[
		{"category":"product_version","name":"1","product":{"name":"a 1","product_id":"A","product_identification_helper":{"purl":"pkg:npm/a@1","cpe":"cpe:2.3:a:v:a:1"}}},
		{"category":"product_version","name":"2","product":{"name":"b 2","product_id":"B","product_identification_helper":{"cpe":"cpe:2.3:a:v:b:2"}}},
		{"category":"product_name","name":"c","branches":[{"category":"product_version","name":"3","product":{"name":"c 3","product_id":"C"}}]}
	]}],
	"full_product_names":[
		{"name":"d","product_id":"D","product_identification_helper":{"purls":["pkg:pypi/d@4","pkg:pypi/d@4?x=y"]}},
		{"name":"a again","product_id":"A","product_identification_helper":{"purl":"pkg:npm/other@9"}}
	],
	"relationships":[
		{"category":"default_component_of","full_product_name":{"name":"A as a component of C","product_id":"C:A"},"product_reference":"A","relates_to_product_reference":"C"},
		{"category":"default_component_of","full_product_name":{"name":"B in C","product_id":"C:B"},"product_reference":"B","relates_to_product_reference":"C"},
		{"category":"default_component_of","full_product_name":{"name":"own","product_id":"C:B2","product_identification_helper":{"purl":"pkg:npm/own@1"}},"product_reference":"B","relates_to_product_reference":"C"},
		{"category":"default_component_of","full_product_name":{"name":"nested","product_id":"D:C:A"},"product_reference":"C:A","relates_to_product_reference":"D"},
		{"category":"default_component_of","full_product_name":{"name":"loop 1","product_id":"L1"},"product_reference":"L2","relates_to_product_reference":"C"},
		{"category":"default_component_of","full_product_name":{"name":"loop 2","product_id":"L2"},"product_reference":"L1","relates_to_product_reference":"C"}
	],
	"product_groups":[{"group_id":"G","product_ids":["B","C"]}]
}`

func TestDecode(t *testing.T) {
	meta := func(s findings.VEXStatement) findings.VEXStatement {
		s.Timestamp, s.Document, s.Author = "2024-01-02T03:04:05Z", "T-1", "P"
		return s
	}
	st := func(id string, products []string, status findings.VEXStatus, state, just, impact, action string) findings.VEXStatement {
		return meta(findings.VEXStatement{VulnerabilityID: id, Aliases: []string{"GHSA-1"}, Products: products,
			VEXAnalysis: findings.VEXAnalysis{Status: status, State: state, Justification: just, ImpactStatement: impact, ActionStatement: action}})
	}
	tests := []struct {
		name  string
		vulns string
		want  []findings.VEXStatement
	}{
		{
			name:  "product identification",
			vulns: `[{"cve":"CVE-1","product_status":{"fixed":["A","B","C","D","C:A","C:B","C:B2","D:C:A","L1","X","A",""]}}]`,
			want: []findings.VEXStatement{meta(findings.VEXStatement{
				VulnerabilityID: "CVE-1",
				Products:        []string{"pkg:npm/a@1", "cpe:2.3:a:v:b:2", "C", "pkg:pypi/d@4", "pkg:npm/own@1", "L1", "X"},
				VEXAnalysis:     findings.VEXAnalysis{Status: findings.VEXFixed},
			})},
		},
		{
			name: "grouping by flag, impact and action, statuses in schema order",
			vulns: `[{"cve":"CVE-2","ids":[{"system_name":"GHSA","text":"GHSA-1"},{"system_name":"x","text":"CVE-2"}],
				"product_status":{
					"known_not_affected":["A","B","C","D"],
					"known_affected":["A","B","C:A"],
					"first_fixed":["D"],
					"recommended":["A"],
					"under_investigation":["X"]},
				"flags":[{"label":"vulnerable_code_not_present","group_ids":["G"]},{"label":"component_not_present","product_ids":["A","B"]}],
				"threats":[{"category":"impact","details":"removed","product_ids":["C","A"]},{"category":"exploit_status","details":"none","product_ids":["D"]},
					{"category":"impact","details":"also","product_ids":["A"]}],
				"remediations":[{"category":"vendor_fix","details":"upgrade","url":"https://fix","product_ids":["A","D"]},
					{"category":"workaround","details":"disable","group_ids":["G"]}]}]`,
			want: []findings.VEXStatement{
				st("CVE-2", []string{"pkg:pypi/d@4"}, findings.VEXFixed, "first_fixed", "", "", ""),
				// C:A resolves to A's purl, but no flag, threat or remediation names the ID C:A.
				st("CVE-2", []string{"pkg:npm/a@1"}, findings.VEXAffected, "known_affected", "", "", ""),
				st("CVE-2", []string{"pkg:npm/a@1"}, findings.VEXAffected, "known_affected", "component_not_present", "removed\nalso", "vendor_fix: upgrade (https://fix)"),
				st("CVE-2", []string{"cpe:2.3:a:v:b:2"}, findings.VEXAffected, "known_affected", "vulnerable_code_not_present", "", "workaround: disable"),
				// Remediations go to affected products only.
				st("CVE-2", []string{"pkg:pypi/d@4"}, findings.VEXNotAffected, "known_not_affected", "", "", ""),
				st("CVE-2", []string{"pkg:npm/a@1"}, findings.VEXNotAffected, "known_not_affected", "component_not_present", "removed\nalso", ""),
				st("CVE-2", []string{"cpe:2.3:a:v:b:2"}, findings.VEXNotAffected, "known_not_affected", "vulnerable_code_not_present", "", ""),
				st("CVE-2", []string{"C"}, findings.VEXNotAffected, "known_not_affected", "vulnerable_code_not_present", "removed", ""),
				st("CVE-2", []string{"X"}, findings.VEXUnderInvestigation, "", "", "", ""),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := decode(t, "x.json", []byte(doc(tree, tt.vulns)), findings.Limits{})
			require.NoError(t, err)
			for i := range tt.want {
				tt.want[i].Source = findings.Source{File: "x.json", Format: csaf.Format, Record: i}
			}
			assert.Equal(t, tt.want, vs)
		})
	}
}

// TestGroupOrder checks the order of the groups of one status: sorted by
// flag label, then impact, then action; the group without a flag first.
func TestGroupOrder(t *testing.T) {
	vulns := `[{"ids":[{"system_name":"s","text":"V-1"}],"product_status":{"known_not_affected":["P1","P2","P3","P4"]},
		"flags":[{"label":"zz","product_ids":["P1"]},{"label":"aa","product_ids":["P2"]}],
		"threats":[{"category":"impact","details":"b","product_ids":["P3"]},{"category":"impact","details":"a","product_ids":["P4"]}]}]`
	vs, err := decode(t, "x.json", []byte(doc(`{}`, vulns)), findings.Limits{})
	require.NoError(t, err)
	var got []string
	for _, s := range vs {
		assert.Equal(t, "V-1", s.VulnerabilityID)
		assert.Empty(t, s.Aliases)
		got = append(got, strings.Join(s.Products, ",")+"/"+s.Justification+"/"+s.ImpactStatement)
	}
	assert.Equal(t, []string{"P4//a", "P3//b", "P2/aa/", "P1/zz/"}, got)
}

func TestNoVulnerabilities(t *testing.T) {
	for _, in := range []string{
		`{"document":{"csaf_version":"2.0","category":"csaf_base"}}`,
		`{"document":{"csaf_version":"2.1"},"vulnerabilities":[{"title":"no status"}]}`,
		`{"document":{"csaf_version":"2.0"},"vulnerabilities":null,"product_tree":null}`,
		`{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"recommended":["A"],"fixed":[]}}]}`,
	} {
		vs, err := decode(t, "x.json", []byte(in), findings.Limits{})
		require.NoError(t, err, in)
		assert.Empty(t, vs, in)
	}
}

func TestErrors(t *testing.T) {
	ok := `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"fixed":["A"]}}]}`
	tests := []struct {
		name   string
		in     string
		want   error
		offset int64 // -2: do not check
		path   string
	}{
		{"empty", ``, findings.ErrSyntax, 0, ""},
		{"white space", "\n\n", findings.ErrSyntax, 2, ""},
		{"truncated", ok[:60], findings.ErrSyntax, 60, ""},
		{"invalid JSON", strings.Replace(ok, `"fixed":`, `"fixed"`, 1), findings.ErrSyntax, -2, ""},
		{"trailing data", ok + ` {}`, findings.ErrSyntax, -2, ""},
		{"null", `null`, findings.ErrUnsupportedFormat, 0, ""},
		{"array", `[1]`, findings.ErrUnsupportedFormat, 0, ""},
		{"no document", `{"vulnerabilities":[]}`, findings.ErrUnsupportedFormat, -1, "document"},
		{"document not an object", `{"document":"x"}`, findings.ErrUnsupportedFormat, -1, "document"},
		{"no csaf_version", `{"document":{"category":"csaf_vex"}}`, findings.ErrUnsupportedFormat, -1, "document.csaf_version"},
		{"CSAF 1.2", `{"document":{"csaf_version":"1.2"}}`, findings.ErrUnsupportedFormat, -1, "document.csaf_version"},
		{"csaf_version a number", `{"document":{"csaf_version":2.0}}`, findings.ErrInvalid, -1, "document.csaf_version"},
		{"vulnerabilities an object", `{"document":{"csaf_version":"2.0"},"vulnerabilities":{}}`, findings.ErrInvalid, 54, "vulnerabilities"},
		{"product ID a number", `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"fixed":[7]}}]}`, findings.ErrInvalid, 97, "vulnerabilities.product_status"},
		{"unknown status", `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"exploitable":["A"]}}]}`, findings.ErrInvalid, -1, "vulnerabilities[0]"},
		{"no vulnerability ID", `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1"},{"title":"t","product_status":{"fixed":["A"]}}]}`, findings.ErrInvalid, -1, "vulnerabilities[1]"},
		{"branches an object", `{"document":{"csaf_version":"2.0"},"product_tree":{"branches":{}}}`, findings.ErrInvalid, -2, "product_tree.branches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := decode(t, "bad.json", []byte(tt.in), findings.Limits{})
			require.Error(t, err)
			assert.Empty(t, vs, "an invalid document emits nothing")
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, "bad.json", de.File)
			assert.Equal(t, csaf.Format, de.Format)
			assert.Equal(t, tt.path, de.Path)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, de.Offset, "offset")
			}
		})
	}
}

func TestBOM(t *testing.T) {
	in := `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"fixed":["A"]}}]}`
	vs, err := decode(t, "bom.json", append([]byte{0xEF, 0xBB, 0xBF}, in...), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, []string{"A"}, vs[0].Products)

	bad := `{"document":{"csaf_version":"2.0"},"vulnerabilities":{}}`
	_, err = decode(t, "bom.json", append([]byte{0xEF, 0xBB, 0xBF}, bad...), findings.Limits{})
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(3+54), de.Offset)
}

func TestLimits(t *testing.T) {
	t.Run("depth", func(t *testing.T) {
		const max = 10
		prefix := `{"document":{"csaf_version":"2.0"},"x":`
		nest := func(arrays int) string {
			return prefix + strings.Repeat("[", arrays) + strings.Repeat("]", arrays) + `}`
		}
		_, err := decode(t, "d.json", []byte(nest(max-1)), findings.Limits{MaxDepth: max})
		require.NoError(t, err, "depth N passes")
		_, err = decode(t, "d.json", []byte(nest(max)), findings.Limits{MaxDepth: max})
		var le *findings.LimitError
		require.ErrorAs(t, err, &le, "depth N+1 fails")
		assert.Equal(t, "MaxDepth", le.Limit)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, int64(len(prefix)+max-1), de.Offset)
	})
	t.Run("nested branches", func(t *testing.T) {
		// Branches nest as deep as MaxDepth allows; each level is two
		// JSON levels (an array and an object).
		const levels = 100
		tree := strings.Repeat(`{"branches":[`, levels) + `{"product":{"product_id":"P","product_identification_helper":{"purl":"pkg:x/p"}}}` + strings.Repeat(`]}`, levels)
		in := `{"document":{"csaf_version":"2.0"},"product_tree":` + tree + `,"vulnerabilities":[{"cve":"C","product_status":{"fixed":["P"]}}]}`
		vs, err := decode(t, "b.json", []byte(in), findings.Limits{})
		require.NoError(t, err)
		require.Len(t, vs, 1)
		assert.Equal(t, []string{"pkg:x/p"}, vs[0].Products)
	})
	t.Run("string", func(t *testing.T) {
		const max = 16 // "vulnerabilities", the longest key, has 15 bytes
		prefix := `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"`
		in := func(n int) string {
			return prefix + strings.Repeat("C", n) + `"}]}`
		}
		_, err := decode(t, "s.json", []byte(in(max)), findings.Limits{MaxStringBytes: max})
		require.NoError(t, err)
		_, err = decode(t, "s.json", []byte(in(max+1)), findings.Limits{MaxStringBytes: max})
		var le *findings.LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "MaxStringBytes", le.Limit)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, int64(len(prefix)+max), de.Offset)
	})
	t.Run("document", func(t *testing.T) {
		in := []byte(`{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"fixed":["A"]}}]}`)
		vs, err := decode(t, "b.json", in, findings.Limits{MaxDocumentBytes: int64(len(in))})
		require.NoError(t, err)
		assert.Len(t, vs, 1)
		_, err = decode(t, "b.json", in, findings.Limits{MaxDocumentBytes: int64(len(in) - 1)})
		var le *findings.LimitError
		require.ErrorAs(t, err, &le)
		assert.ErrorIs(t, err, findings.ErrLimit)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, int64(len(in)-1), de.Offset)
	})
}

func TestHandlerError(t *testing.T) {
	in := `{"document":{"csaf_version":"2.0"},"vulnerabilities":[{"cve":"CVE-1","product_status":{"fixed":["A"],"known_affected":["B"]}}]}`
	stop := errors.New("stop")
	n := 0
	err := csaf.Decode(strings.NewReader(in), findings.DecodeOptions{}, findings.Handler{VEX: func(findings.VEXStatement) error {
		n++
		return stop
	}})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, n)
	require.NoError(t, csaf.Decode(strings.NewReader(in), findings.DecodeOptions{}, findings.Handler{}))
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(``))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"document":{"csaf_version":"2.0"}}`))
	f.Add([]byte(doc(tree, `[{"cve":"CVE-2","ids":[{"text":"GHSA-1"}],"product_status":{"known_not_affected":["A","B","C","D"],"known_affected":["C:A","L1"]},
		"flags":[{"label":"x","group_ids":["G"]}],"threats":[{"category":"impact","details":"d"}],"remediations":[{"category":"vendor_fix","details":"u","product_ids":["C:A"]}]}]`)))
	for _, file := range testcorpus.Glob("csaf/*/*") {
		if fi, err := os.Stat(file); err != nil || fi.Size() > 100<<10 {
			continue // keep the fuzzer fast: the 1.2 MB Red Hat file is tested above
		}
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, vs, err := findings.Collect(func(h findings.Handler) error {
			return csaf.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: "fuzz", Limits: findings.Limits{MaxDepth: 64}}, h)
		})
		if len(fs) != 0 {
			t.Fatalf("CSAF emitted %d findings", len(fs))
		}
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *findings.DecodeError: %T %v", err, err)
			}
			if len(vs) != 0 {
				t.Fatalf("an invalid document emitted %d statements", len(vs))
			}
			return
		}
		for _, s := range vs {
			if s.VulnerabilityID == "" || len(s.Products) == 0 {
				t.Fatalf("incomplete statement %+v", s)
			}
			switch s.Status {
			case findings.VEXNotAffected, findings.VEXAffected, findings.VEXFixed, findings.VEXUnderInvestigation:
			default:
				t.Fatalf("invalid status %q", s.Status)
			}
		}
	})
}
