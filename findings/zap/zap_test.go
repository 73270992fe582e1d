package zap_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/zap"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, in string, opts findings.DecodeOptions) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return zap.Decode(strings.NewReader(in), opts, h)
	})
	require.Empty(t, vs, "ZAP reports carry no VEX statements")
	return fs, err
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"zap/zap/zap-xml-plus-format.xml",
		"zap/zap/0_zap_sample.xml",
		"zap/zap/zap_2.16.1_with_req_resp.xml",
		"zap/zap/owasp_zap.json",
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			in := testcorpus.Read(t, rel)
			fs, vs, err := findings.Collect(func(h findings.Handler) error {
				return zap.Decode(bytes.NewReader(in), findings.DecodeOptions{Name: rel}, h)
			})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{fs, vs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", path.Base(rel)+".json"), append(got, '\n'))
		})
	}
}

// TestCorpus decodes every ZAP file of the corpus; the counts were checked
// against testdata/corpus/count_zap.sh.
func TestCorpus(t *testing.T) {
	want := map[string]int{
		"zap/zap/0_zap_sample.xml":             12,
		"zap/zap/dvwa_baseline_dojo.xml":       124,
		"zap/zap/empty_2.9.0.xml":              0,
		"zap/zap/juicy2.xml":                   86,
		"zap/zap/owasp_zap.json":               27,
		"zap/zap/some_2.9.0.xml":               17,
		"zap/zap/zap-results-first-scan.xml":   130,
		"zap/zap/zap-xml-plus-format.xml":      1,
		"zap/zap/zap_2.16.1_with_req_resp.xml": 13,
	}
	dir := testcorpus.Dir(t)
	files, err := filepath.Glob(filepath.Join(dir, "zap", "*", "*"))
	require.NoError(t, err)
	require.Len(t, files, len(want), "a ZAP corpus file was added or removed")
	for _, file := range files {
		rel := filepath.ToSlash(strings.TrimPrefix(file, dir+string(filepath.Separator)))
		t.Run(rel, func(t *testing.T) {
			in, err := os.ReadFile(file)
			require.NoError(t, err)
			fs, err := decode(t, string(in), findings.DecodeOptions{Name: rel})
			require.NoError(t, err)
			assert.Len(t, fs, want[rel])
			for _, f := range fs {
				assert.Equal(t, findings.KindDAST, f.Kind)
				assert.True(t, f.Severity.Valid())
				assert.NotEmpty(t, f.ID)
				assert.NotEmpty(t, f.RuleID)
				assert.Equal(t, "ZAP", f.Tool.Name)
				assert.NotEmpty(t, f.Location.URL)
				for k := range f.Properties {
					assert.NotContains(t, []string{"requestheader", "requestbody", "responseheader", "responsebody"}, k)
				}
			}
		})
	}
}

const xmlHead = `<?xml version="1.0"?><OWASPZAPReport programName="ZAP" version="2.14.0" generated="now"><site name="https://example.com" host="example.com" port="443" ssl="true"><alerts>`
const xmlTail = `</alerts></site></OWASPZAPReport>`

func xmlDoc(items ...string) string { return xmlHead + strings.Join(items, "") + xmlTail }

func TestFields(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, fs []findings.Finding)
	}{
		{
			name: "risk and confidence codes",
			in: xmlDoc(
				`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>0</riskcode><confidence>1</confidence><instances><instance><uri>u</uri></instance></instances></alertitem>`,
				`<alertitem><pluginid>2</pluginid><alert>B</alert><riskcode>1</riskcode><confidence>2</confidence><instances><instance><uri>u</uri></instance></instances></alertitem>`,
				`<alertitem><pluginid>3</pluginid><alert>C</alert><riskcode>2</riskcode><confidence>3</confidence><instances><instance><uri>u</uri></instance></instances></alertitem>`,
				`<alertitem><pluginid>4</pluginid><alert>D</alert><riskcode>3</riskcode><confidence>4</confidence><instances><instance><uri>u</uri></instance></instances></alertitem>`,
				`<alertitem><pluginid>5</pluginid><alert>E</alert><riskdesc>Medium (Low)</riskdesc><confidencedesc>Low</confidencedesc><instances><instance><uri>u</uri></instance></instances></alertitem>`,
				`<alertitem><pluginid>6</pluginid><alert>F</alert><instances><instance><uri>u</uri></instance></instances></alertitem>`,
			),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 6)
				sev := []findings.Severity{findings.SeverityInfo, findings.SeverityLow, findings.SeverityMedium, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityUnknown}
				src := []string{"zap:riskcode", "zap:riskcode", "zap:riskcode", "zap:riskcode", "zap:riskdesc", ""}
				conf := []string{"low", "medium", "high", "confirmed", "low", ""}
				for i, f := range fs {
					assert.Equal(t, sev[i], f.Severity, i)
					assert.Equal(t, src[i], f.SeveritySource, i)
					assert.Equal(t, conf[i], f.Confidence, i)
					assert.False(t, f.Suppressed())
				}
			},
		},
		{
			name: "false positive is suppressed",
			in:   xmlDoc(`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>2</riskcode><confidence>0</confidence><instances><instance><uri>u</uri></instance></instances></alertitem>`),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 1)
				assert.Equal(t, "false_positive", fs[0].Confidence)
				assert.True(t, fs[0].Suppressed())
				assert.Equal(t, "external", fs[0].Suppressions[0].Kind)
			},
		},
		{
			name: "paragraphs, references, cwe, wasc, tags",
			in: xmlDoc(`<alertitem><pluginid>10020</pluginid><alertRef>10020-1</alertRef><alert>Title</alert><name>Other name</name><riskcode>1</riskcode>` +
				`<desc>&lt;p&gt;First line with &lt;script&gt; quoted.&lt;/p&gt;&lt;p&gt;&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;</desc>` +
				`<solution>&lt;p&gt;Fix it.&lt;/p&gt;</solution><otherinfo>plain</otherinfo>` +
				`<reference>&lt;p&gt;https://a.example/x&lt;/p&gt;&lt;p&gt;http://b.example/y (old)&lt;/p&gt;</reference>` +
				`<cweid>-1</cweid><wascid>0</wascid><sourceid>3</sourceid><count>7</count>` +
				`<tags><tag><tag>CWE-79</tag><link>https://cwe.mitre.org/data/definitions/79.html</link></tag><tag><tag>OWASP_2021_A03</tag><link/></tag></tags>` +
				`<instances><instance><uri>https://example.com/?q=1</uri><method>GET</method><param>q</param><attack>&lt;x&gt;</attack><evidence>  line1
   line2 </evidence></instance></instances></alertitem>`),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 1)
				f := fs[0]
				assert.Equal(t, "10020", f.RuleID)
				assert.Equal(t, "Title", f.Title)
				assert.Equal(t, "First line with <script> quoted.\n\nSecond.", f.Description)
				assert.Equal(t, []string{"https://a.example/x", "http://b.example/y"}, f.References)
				assert.Equal(t, []string{"CWE-79"}, f.CWEs, "cweid -1 is none; the CWE tag counts")
				assert.Equal(t, findings.Location{URL: "https://example.com/?q=1", Method: "GET", Parameter: "q",
					Target: "https://example.com", SnippetHash: findings.HashSnippet("line1\nline2")}, f.Location)
				assert.Equal(t, map[string]any{
					"alert_ref": "10020-1", "name": "Other name", "sourceid": "3", "count": 7,
					"solution": "Fix it.", "otherinfo": "plain", "attack": "<x>", "evidence": "line1\n   line2",
					"tags": map[string]any{"CWE-79": "https://cwe.mitre.org/data/definitions/79.html", "OWASP_2021_A03": ""},
				}, f.Properties)
			},
		},
		{
			name: "old report with the uri on the alert, and an alert without any",
			in: xmlDoc(
				`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>1</riskcode><uri>http://old/</uri><param>p</param><evidence>e</evidence><otherinfo>o</otherinfo></alertitem>`,
				`<alertitem><pluginid>2</pluginid><alert>B</alert><riskcode>1</riskcode><count>3</count></alertitem>`,
			),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 2)
				assert.Equal(t, "http://old/", fs[0].Location.URL)
				assert.Equal(t, "p", fs[0].Location.Parameter)
				assert.Equal(t, "o", fs[0].Properties["otherinfo"])
				assert.Empty(t, fs[1].Location.URL)
				assert.Equal(t, "https://example.com", fs[1].Location.Target)
				assert.Equal(t, 3, fs[1].Properties["count"])
			},
		},
		{
			name: "request and response are measured, long evidence is hashed only",
			in: xmlDoc(`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>1</riskcode><instances><instance><uri>u</uri>` +
				`<evidence>` + strings.Repeat("e", 2000) + `</evidence>` +
				`<requestheader>GET / HTTP/1.1&#13;&#10;Authorization: Bearer secret</requestheader><requestbody/>` +
				`<responseheader>HTTP/1.1 200 OK</responseheader><responsebody>body</responsebody></instance></instances></alertitem>`),
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 1)
				p := fs[0].Properties
				assert.Equal(t, 2000, p["evidence_bytes"])
				assert.NotContains(t, p, "evidence")
				assert.Equal(t, findings.HashSnippet(strings.Repeat("e", 2000)), fs[0].Location.SnippetHash)
				assert.Equal(t, 44, p["request_header_bytes"])
				assert.Equal(t, 0, p["request_body_bytes"])
				assert.Equal(t, 15, p["response_header_bytes"])
				assert.Equal(t, 4, p["response_body_bytes"])
				b, _ := json.Marshal(fs[0])
				assert.NotContains(t, string(b), "secret")
			},
		},
		{
			name: "json: site object, numbers, plus report",
			in: `{"@programName":"ZAP","@version":"2.15.0","site":{"@name":"http://h:8080","alerts":[` +
				`{"pluginid":10038,"alert":"CSP","riskcode":2,"confidence":"3","cweid":"693","wascid":"15","desc":"<p>d</p>",` +
				`"instances":[{"uri":"http://h:8080/","method":"GET","param":"","attack":"","evidence":"ev","otherinfo":"oi",` +
				`"request-header":"GET / HTTP/1.1","request-body":"","response-header":"HTTP/1.1 200","response-body":"xyz"}]},` +
				`{"pluginid":"1","alert":"Old","riskcode":"0","uri":"http://h:8080/old","evidence":"x"}]}}`,
			check: func(t *testing.T, fs []findings.Finding) {
				require.Len(t, fs, 2)
				f := fs[0]
				assert.Equal(t, "2.15.0", f.Tool.Version)
				assert.Equal(t, "10038", f.RuleID)
				assert.Equal(t, findings.SeverityMedium, f.Severity)
				assert.Equal(t, "high", f.Confidence)
				assert.Equal(t, []string{"CWE-693"}, f.CWEs)
				assert.Equal(t, "d", f.Description)
				assert.Equal(t, "http://h:8080", f.Location.Target)
				assert.Equal(t, map[string]any{"wascid": 15, "evidence": "ev", "otherinfo": "oi",
					"request_header_bytes": 14, "request_body_bytes": 0, "response_header_bytes": 12, "response_body_bytes": 3}, f.Properties)
				assert.Equal(t, "http://h:8080/old", fs[1].Location.URL)
				assert.Equal(t, findings.SeverityInfo, fs[1].Severity)
			},
		},
		{
			name: "json: empty report",
			in:   `{"@programName":"ZAP","@version":"2.15.0","@generated":"x","site":[]}`,
			check: func(t *testing.T, fs []findings.Finding) {
				assert.Empty(t, fs)
			},
		},
		{
			name: "byte order mark",
			in:   "\xEF\xBB\xBF" + xmlDoc(`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>1</riskcode></alertitem>`),
			check: func(t *testing.T, fs []findings.Finding) {
				assert.Len(t, fs, 1)
			},
		},
		{
			name: "json byte order mark",
			in:   "\xEF\xBB\xBF" + `{"@version":"1","site":[{"alerts":[{"pluginid":"1","alert":"A"}]}]}`,
			check: func(t *testing.T, fs []findings.Finding) {
				assert.Len(t, fs, 1)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decode(t, tt.in, findings.DecodeOptions{Name: "in"})
			require.NoError(t, err)
			for _, f := range fs {
				assert.Equal(t, "zap", f.Source.Format)
				assert.Equal(t, "in", f.Source.File)
			}
			tt.check(t, fs)
		})
	}
}

func TestErrors(t *testing.T) {
	item := `<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>%s</riskcode></alertitem>`
	tests := []struct {
		name     string
		in       string
		sentinel error
		offset   int64 // -2: do not check
		path     string
		emitted  int
	}{
		{"zero bytes", "", findings.ErrSyntax, 0, "", 0},
		{"white space", " \n\t", findings.ErrSyntax, 3, "", 0},
		{"prolog only", `<?xml version="1.0"?>`, findings.ErrSyntax, -2, "", 0},
		{"truncated xml", xmlHead + `<alertitem><pluginid>1`, findings.ErrSyntax, -2, "OWASPZAPReport.site[0].alerts.alertitem[0]", 0},
		{"mismatched tag", xmlHead + `<alertitem></alert>`, findings.ErrSyntax, -2, "", 0},
		{"text before root", `junk<OWASPZAPReport/>`, findings.ErrSyntax, -2, "", 0},
		{"element after root", `<OWASPZAPReport/><OWASPZAPReport/>`, findings.ErrSyntax, 17, "", 0},
		{"wrong root", `<analysis/>`, findings.ErrUnsupportedFormat, 0, "", 0},
		{"bad riskcode", xmlDoc(strings.Replace(item, "%s", "1", 1), strings.Replace(item, "%s", "7", 1)), findings.ErrInvalid, int64(len(xmlHead) + len(item) - 1), "OWASPZAPReport.site[0].alerts.alertitem[1].riskcode", 1},
		{"bad confidence", xmlDoc(`<alertitem><pluginid>1</pluginid><confidence>high</confidence></alertitem>`), findings.ErrInvalid, int64(len(xmlHead)), "OWASPZAPReport.site[0].alerts.alertitem[0].confidence", 0},
		{"bad cweid", xmlDoc(`<alertitem><pluginid>1</pluginid><cweid>x</cweid></alertitem>`), findings.ErrInvalid, int64(len(xmlHead)), "OWASPZAPReport.site[0].alerts.alertitem[0].cweid", 0},
		{"nameless alert", xmlDoc(`<alertitem><riskcode>1</riskcode></alertitem>`), findings.ErrInvalid, -2, "OWASPZAPReport.site[0].alerts.alertitem[0].pluginid", 0},
		{"undeclared encoding", `<?xml version="1.0" encoding="EBCDIC"?><OWASPZAPReport/>`, findings.ErrUnsupportedFormat, -2, "", 0},
		{"truncated json", `{"@version":"2","site":[{"alerts":[{"pluginid":"1"`, findings.ErrSyntax, -2, "site[0].alerts[0]", 0},
		{"invalid json", `{"@version":"2",}`, findings.ErrSyntax, -2, "", 0},
		{"null", `null`, findings.ErrInvalid, -2, "", 0},
		{"array", `[]`, findings.ErrInvalid, -2, "", 0},
		{"not zap json", `{"foo":1}`, findings.ErrUnsupportedFormat, 0, "", 0},
		{"alerts not an array", `{"site":[{"alerts":"x"}]}`, findings.ErrInvalid, -2, "site[0].alerts", 0},
		{"alert null", `{"site":[{"alerts":[null]}]}`, findings.ErrInvalid, -2, "site[0].alerts[0]", 0},
		{"riskcode object", `{"site":[{"alerts":[{"pluginid":"1","riskcode":{}}]}]}`, findings.ErrInvalid, -2, "site[0].alerts[0].riskcode", 0},
		{"instance null", `{"site":[{"alerts":[{"pluginid":"1","instances":[null]}]}]}`, findings.ErrInvalid, -2, "site[0].alerts[0].instances", 0},
		{"json bad riskcode", `{"site":[{"alerts":[{"pluginid":"1","riskcode":"9"}]}]}`, findings.ErrInvalid, -2, "site[0].alerts[0].riskcode", 0},
		{"trailing data", `{"site":[]} {}`, findings.ErrSyntax, -2, "", 0},
		{"text", `hello`, findings.ErrSyntax, -2, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decode(t, tt.in, findings.DecodeOptions{Name: "bad"})
			require.Error(t, err)
			var de *findings.DecodeError
			require.True(t, errors.As(err, &de), "%T %v", err, err)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, "bad", de.File)
			assert.Equal(t, zap.Format, de.Format)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, de.Offset, err.Error())
			}
			if tt.path != "" {
				assert.Equal(t, tt.path, de.Path)
			}
			assert.Len(t, fs, tt.emitted)
		})
	}
}

func TestLimits(t *testing.T) {
	const max = 16
	opts := findings.DecodeOptions{Name: "deep", Limits: findings.Limits{MaxDepth: max}}
	nestXML := func(depth int) string {
		return "<OWASPZAPReport>" + strings.Repeat("<a>", depth-1) + strings.Repeat("</a>", depth-1) + "</OWASPZAPReport>"
	}
	nestJSON := func(depth int) string {
		return `{"site":[],"x":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + "}"
	}
	t.Run("xml depth", func(t *testing.T) {
		_, err := decode(t, nestXML(max), opts)
		require.NoError(t, err)
		_, err = decode(t, nestXML(max+1), opts)
		assertLimit(t, err, "MaxDepth", max, int64(len("<OWASPZAPReport>")+3*(max-1)))
	})
	t.Run("json depth", func(t *testing.T) {
		_, err := decode(t, nestJSON(max), opts)
		require.NoError(t, err)
		_, err = decode(t, nestJSON(max+1), opts)
		assertLimit(t, err, "MaxDepth", max, int64(len(`{"site":[],"x":`)+max-1))
	})

	const maxStr = 64
	sopts := findings.DecodeOptions{Limits: findings.Limits{MaxStringBytes: maxStr}}
	xmlDesc := func(n int) (string, int) {
		pre := xmlHead + `<alertitem><pluginid>1</pluginid><desc>`
		return xmlDoc(`<alertitem><pluginid>1</pluginid><desc>` + strings.Repeat("d", n) + `</desc></alertitem>`), len(pre)
	}
	t.Run("xml string", func(t *testing.T) {
		in, _ := xmlDesc(maxStr)
		fs, err := decode(t, in, sopts)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		in, at := xmlDesc(maxStr + 1)
		_, err = decode(t, in, sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, int64(at+maxStr))
	})
	t.Run("xml string with entities", func(t *testing.T) {
		// Counted in input bytes: 16 "&lt;" are 64 bytes.
		in := xmlDoc(`<alertitem><pluginid>1</pluginid><desc>` + strings.Repeat("&lt;", 16) + `</desc></alertitem>`)
		_, err := decode(t, in, sopts)
		require.NoError(t, err)
		in = xmlDoc(`<alertitem><pluginid>1</pluginid><desc>` + strings.Repeat("&lt;", 16) + `x</desc></alertitem>`)
		_, err = decode(t, in, sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, -2)
	})
	t.Run("xml string with quotes", func(t *testing.T) {
		// Quotes split the raw-byte runs; the decoded text is checked too.
		in := xmlDoc(`<alertitem><pluginid>1</pluginid><desc>` + strings.Repeat(`"a`, maxStr/2) + `</desc></alertitem>`)
		_, err := decode(t, in, sopts)
		require.NoError(t, err)
		in = xmlDoc(`<alertitem><pluginid>1</pluginid><desc>` + strings.Repeat(`"a`, maxStr/2) + `b</desc></alertitem>`)
		_, err = decode(t, in, sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, -2)
	})
	t.Run("xml attribute", func(t *testing.T) {
		pre := `<OWASPZAPReport version="`
		_, err := decode(t, pre+strings.Repeat("1", maxStr)+`"/>`, sopts)
		require.NoError(t, err)
		_, err = decode(t, pre+strings.Repeat("1", maxStr+1)+`"/>`, sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, int64(len(pre)+maxStr))
	})
	t.Run("json string", func(t *testing.T) {
		pre := `{"site":[{"alerts":[{"pluginid":"1","desc":"`
		in := pre + strings.Repeat("d", maxStr) + `"}]}]}`
		_, err := decode(t, in, sopts)
		require.NoError(t, err)
		in = pre + strings.Repeat("d", maxStr+1) + `"}]}]}`
		_, err = decode(t, in, sopts)
		assertLimit(t, err, "MaxStringBytes", maxStr, int64(len(pre)+maxStr))
	})
	t.Run("xml document size", func(t *testing.T) {
		in := xmlDoc(`<alertitem><pluginid>1</pluginid></alertitem>`)
		dopts := findings.DecodeOptions{Limits: findings.Limits{MaxDocumentBytes: int64(len(in))}}
		_, err := decode(t, in, dopts)
		require.NoError(t, err)
		_, err = decode(t, in+"\n", dopts)
		assertLimit(t, err, "MaxDocumentBytes", int64(len(in)), int64(len(in)))
	})
}

func assertLimit(t *testing.T, err error, limit string, max, offset int64) {
	t.Helper()
	require.Error(t, err)
	var de *findings.DecodeError
	require.True(t, errors.As(err, &de), "%T %v", err, err)
	var le *findings.LimitError
	require.True(t, errors.As(err, &le), "%v", err)
	assert.ErrorIs(t, err, findings.ErrLimit)
	assert.Equal(t, limit, le.Limit)
	assert.Equal(t, max, le.Max)
	if offset != -2 {
		assert.Equal(t, offset, de.Offset, err.Error())
	}
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	for _, in := range []string{
		xmlDoc(`<alertitem><pluginid>1</pluginid><instances><instance><uri>a</uri></instance><instance><uri>b</uri></instance></instances></alertitem>`),
		`{"site":[{"alerts":[{"pluginid":"1","instances":[{"uri":"a"},{"uri":"b"}]}]}]}`,
	} {
		n := 0
		err := zap.Decode(strings.NewReader(in), findings.DecodeOptions{}, findings.Handler{Finding: func(findings.Finding) error {
			n++
			return stop
		}})
		assert.Same(t, stop, err)
		assert.Equal(t, 1, n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(xmlDoc(`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>2</riskcode><confidence>0</confidence><cweid>79</cweid><instances><instance><uri>u</uri><evidence>e</evidence></instance></instances></alertitem>`)))
	f.Add([]byte(xmlDoc(`<alertitem><pluginid>1</pluginid><uri>u</uri></alertitem>`)))
	f.Add([]byte(`{"@version":"2","site":[{"@name":"n","alerts":[{"pluginid":"1","riskcode":"3","instances":[{"uri":"u"}]}]}]}`))
	f.Add([]byte(`{"site":{"alerts":[{"pluginid":1,"uri":"u"}]}}`))
	f.Add([]byte(""))
	f.Add([]byte("null"))
	for _, file := range testcorpus.Glob("zap/*/*") {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := findings.DecodeOptions{Limits: findings.Limits{MaxDepth: 64, MaxStringBytes: 4096, MaxDocumentBytes: 1 << 20}}
		err := zap.Decode(bytes.NewReader(in), opts, findings.Handler{Finding: func(f findings.Finding) error {
			if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
				t.Fatalf("bad finding %+v", f)
			}
			return nil
		}})
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("not a DecodeError: %T %v", err, err)
			}
		}
	})
}

// TestHostileRegressions holds what the hostile-input suite
// (internal/hostile) found: a repeated field was read with its first
// value; quotes in a text node let it past MaxStringBytes into
// encoding/xml's buffer; a tag of many attributes and a record of many
// elements had no bound.
func TestHostileRegressions(t *testing.T) {
	small := findings.DecodeOptions{Name: "z.xml", Limits: findings.Limits{MaxStringBytes: 64}}
	tests := []struct {
		name  string
		in    string
		opts  findings.DecodeOptions
		want  error
		limit string
		path  string
	}{
		{name: "riskcode twice", in: xmlDoc(`<alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>3</riskcode><riskcode>0</riskcode></alertitem>`),
			opts: findings.DecodeOptions{Name: "z.xml"}, want: findings.ErrInvalid, path: "OWASPZAPReport.site[0].alerts.alertitem[0].riskcode"},
		{name: "uri twice in an instance", in: xmlDoc(`<alertitem><pluginid>1</pluginid><alert>A</alert><instances><instance><uri>a</uri><uri>b</uri></instance></instances></alertitem>`),
			opts: findings.DecodeOptions{Name: "z.xml"}, want: findings.ErrInvalid, path: "OWASPZAPReport.site[0].alerts.alertitem[0].instances.instance[0].uri"},
		{name: "text of quotes", in: xmlDoc(`<alertitem><pluginid>1</pluginid><desc>` + strings.Repeat(`"'`, 33) + `</desc></alertitem>`),
			opts: small, want: findings.ErrLimit, limit: "MaxStringBytes"},
		{name: "a tag of many attributes", in: xmlDoc(`<alertitem><x` + strings.Repeat(` a=""`, 14000) + `/></alertitem>`),
			opts: findings.DecodeOptions{Name: "z.xml"}, want: findings.ErrLimit, limit: "MaxTagMarkupBytes"},
		{name: "a record of many elements", in: xmlDoc(`<alertitem>` + strings.Repeat(`<x/>`, 10000) + `</alertitem>`),
			opts: small, want: findings.ErrLimit, limit: "MaxRecordBytes"},
		{name: "a riskcode of 1 MB", in: xmlDoc(`<alertitem><pluginid>1</pluginid><riskcode>` + strings.Repeat("9", 1<<20) + `</riskcode></alertitem>`),
			opts: findings.DecodeOptions{Name: "z.xml"}, want: findings.ErrInvalid, path: "OWASPZAPReport.site[0].alerts.alertitem[0].riskcode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, tt.in, tt.opts)
			require.ErrorIs(t, err, tt.want)
			assert.Less(t, len(err.Error()), 512, "short message")
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "z.xml", de.File)
			if tt.path != "" {
				assert.Equal(t, tt.path, de.Path)
			}
			if tt.limit != "" {
				var le *findings.LimitError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tt.limit, le.Limit)
			}
		})
	}
}
