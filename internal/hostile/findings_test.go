package hostile_test

// Hostile input against the JSON findings decoders (SARIF, Trivy, Grype,
// OSV-Scanner, gitleaks, npm audit, govulncheck, OpenVEX, CSAF), each run
// twice: through findings/detect.Decode, which must pick the format from
// the hostile file's head, and through the package's own Decode. The XML
// formats (ZAP, Dependency-Check, CycloneDX) are tested in xml_test.go.
//
// Every case runs under hostile.Run without t.Parallel and is held to
// these bounds (default findings.Limits: MaxDepth 512, MaxStringBytes
// 16 MiB, MaxDocumentBytes 1 GiB):
//
//	input                                      limit                 what happens
//	JSON array/object nested 1,000,000 deep    MaxDepth 512          ErrLimit (MaxDepth) at the byte of depth 513;
//	  (a property, a skipped member, a                               < 10 s, < 32 MiB allocated, < 1 MiB read
//	  record, results before the tool)
//	500 MB string (a message, a title,         MaxStringBytes 16 MiB ErrLimit (MaxStringBytes) at the first byte beyond;
//	  a property value, an object key)         (and 1 MiB, set in    < 10 s, < 4 x the limit + 8 MiB allocated
//	                                           Limits, to test every (encoding/json's buffer doubles past the limit),
//	                                           place cheaply)        reading stops within 128 KiB of that byte
//	number out of range in an integer field    -                     ErrInvalid naming the field (1e400, -1e400,
//	  (line, column, index, count, ID)                               2^100, -2^63-1, 1e-400); NaN: ErrSyntax
//	number out of range in a float field       -                     +-1e400: ErrInvalid naming the field; NaN:
//	  (CVSS score, EPSS, entropy, risk)                              ErrSyntax; a finite value outside its domain
//	                                                                 (CVSS 0-10, EPSS 0-1) is dropped (Normalize,
//	                                                                 Grype), never used for a severity
//	number in a field a decoder does not read  -                     accepted (CSAF scores, npm metadata counts,
//	                                                                 OSV database_specific)
//	invalid UTF-8 in a string                  -                     accepted: each bad byte becomes U+FFFD, as
//	                                                                 encoding/json does; every string handed out
//	                                                                 is valid UTF-8
//	raw control byte in a string               -                     ErrSyntax at that byte
//	duplicate key where a decoder walks tokens -                     ErrInvalid "duplicate key" at the second one
//	  (SARIF log and run, Trivy, Grype,                              (the doc.go of each decoder lists the keys)
//	  OSV-Scanner, npm audit, OpenVEX)
//	duplicate key inside a record decoded      -                     the last wins, as in encoding/json
//	  whole (a SARIF result, a Trivy result,
//	  a leak, a CSAF document, a govulncheck message)
//	SARIF URI: ../, absolute, file://, %2e%2e, -                     kept as data in Location.Path, verbatim (a
//	  backslashes, NUL, uriBaseId tricks                             uriBaseId resolved by string concatenation only);
//	                                                                 Location.LocalPath refuses all of them
//
// Nothing in aspm opens, stats or joins Location.Path to a directory:
// correlate (identity keys, clusters, asset links), suppression globs,
// the report renderers, compliance's posture and the examples treat it as
// a string; the files aspm opens are the ones its
// user names.

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/csaf"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/findings/gitleaks"
	"github.com/aspmkit/aspm/findings/govulncheck"
	"github.com/aspmkit/aspm/findings/grype"
	"github.com/aspmkit/aspm/findings/npmaudit"
	"github.com/aspmkit/aspm/findings/openvex"
	"github.com/aspmkit/aspm/findings/osvscanner"
	"github.com/aspmkit/aspm/findings/sarif"
	"github.com/aspmkit/aspm/findings/trivy"
	"github.com/aspmkit/aspm/internal/hostile"
	"github.com/aspmkit/aspm/internal/limits"
)

// Bounds of every case (see the table above).
const (
	findingsDeep       = 1_000_000
	findingsLong       = 500 << 20
	findingsMaxTime    = 10 * time.Second
	findingsDeepAlloc  = 32 << 20
	findingsSmallAlloc = 32 << 20
	findingsDeepRead   = 1 << 20
)

// findingsLongString is hostile.LongJSONString(findingsLong), made in
// 64 KiB steps instead of byte by byte: the same bytes, read faster.
func findingsLongString() io.Reader {
	const unit = 64 << 10
	return hostile.Concat(`"`, hostile.Repeat(strings.Repeat("A", unit), findingsLong/unit), `"`)
}

// findingsFill returns tmpl with its one "<>" replaced by part (a string, a
// []byte or an io.Reader).
func findingsFill(tmpl string, part any) io.Reader {
	before, after, ok := strings.Cut(tmpl, "<>")
	if !ok || strings.Contains(after, "<>") {
		panic("findingsFill: template needs exactly one <>: " + tmpl)
	}
	return hostile.Concat(before, part, after)
}

func findingsFillString(tmpl, part string) string {
	b, _ := io.ReadAll(findingsFill(tmpl, part))
	return string(b)
}

// findingsFormat is one decoder and the places of its documents where a
// hostile part goes.
type findingsFormat struct {
	name   string
	decode findings.DecodeFunc
	// values are documents with one "<>" where a JSON value sits that the
	// decoder reads or skips, named by place.
	values map[string]string
	// text is a document whose "<>" is the content of a JSON string that
	// the decoder copies to what got returns.
	text string
	got  func(fs []findings.Finding, vs []findings.VEXStatement) string
	// strings are more documents whose "<>" is the content of a JSON
	// string (a key or a value) that the decoder reads, named by place.
	strings map[string]string
}

const (
	findingsSARIFHead = `{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[`
	findingsTrivyHead = `{"SchemaVersion":2,"ArtifactName":"img","ArtifactType":"container_image","Results":[{"Target":"package-lock.json","Class":"lang-pkgs","Type":"npm","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH",`
	findingsGrypeHead = `{"descriptor":{"name":"grype","version":"0.80.0"},"source":{"type":"directory","target":"."},"matches":[{"artifact":{"name":"a","version":"1","type":"npm"},"matchDetails":[{"type":"exact-direct-match","matcher":"javascript-matcher"}],"vulnerability":{"id":"CVE-2024-1","severity":"High",`
	findingsOSVHead   = `{"results":[{"source":{"path":"/app/package-lock.json","type":"lockfile"},"packages":[{"package":{"name":"a","version":"1","ecosystem":"npm"},"vulnerabilities":[{"id":"GHSA-1111-2222-3333",`
	findingsNPMHead   = `{"auditReportVersion":2,"vulnerabilities":{"debug":{"name":"debug","severity":"low","isDirect":true,"range":"<1","nodes":["node_modules/debug"],"fixAvailable":true,"via":[{"source":1,"name":"debug","dependency":"debug","range":"<1","url":"https://github.com/advisories/GHSA-1111-2222-3333","severity":"low",`
	findingsGoConfig  = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.1.0","scan_level":"symbol"}}` + "\n"
	findingsGoOSV     = `{"osv":{"id":"GO-2024-0001","summary":"s","aliases":["CVE-2024-1"]}}` + "\n"
	findingsGoFinding = `{"finding":{"osv":"GO-2024-0001","fixed_version":"v1.2.0","trace":[{"module":"example.com/m","version":"v1.1.0","package":"example.com/m/p","function":"F"}]}}` + "\n"
	findingsVEXHead   = `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/1","author":"A","timestamp":"2024-01-01T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-2024-1"},"products":[{"@id":"pkg:npm/a@1"}],"status":"not_affected","justification":"component_not_present",`
	findingsCSAFHead  = `{"document":{"category":"csaf_vex","csaf_version":"2.0","publisher":{"category":"vendor","name":"P","namespace":"https://example.com"},"title":"t","tracking":{"id":"T-1","current_release_date":"2024-01-01T00:00:00Z","initial_release_date":"2024-01-01T00:00:00Z","status":"final","version":"1","revision_history":[]}},"product_tree":{"full_product_names":[{"product_id":"P1","name":"p","product_identification_helper":{"purl":"pkg:npm/a@1"}}]},"vulnerabilities":[{"cve":"CVE-2024-1","product_status":{"known_affected":["P1"]},`
)

func findingsTitle(fs []findings.Finding, _ []findings.VEXStatement) string {
	if len(fs) == 0 {
		return ""
	}
	return fs[0].Title
}

func findingsImpact(_ []findings.Finding, vs []findings.VEXStatement) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0].ImpactStatement
}

var findingsFormats = []findingsFormat{
	{
		name: sarif.Format, decode: sarif.Decode,
		values: map[string]string{
			"result property":    findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"properties":{"x":<>}}]}]}`,
			"rule property":      findingsSARIFHead + `{"tool":{"driver":{"name":"S","rules":[{"id":"R","properties":{"x":<>}}]}},"results":[]}]}`,
			"skipped run member": findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"invocations":<>,"results":[]}]}`,
			"results before tool": findingsSARIFHead +
				`{"results":[{"ruleId":"R","message":{"text":"m"},"properties":{"x":<>}}],"tool":{"driver":{"name":"S"}}}]}`,
		},
		text: findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"<>"}}]}]}`,
		got:  findingsTitle,
		strings: map[string]string{
			"fingerprint value":   findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"fingerprints":{"k":"<>"}}]}]}`,
			"fingerprint key":     findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"partialFingerprints":{"<>":"v"}}]}]}`,
			"property key":        findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"properties":{"<>":"v"}}]}]}`,
			"property value":      findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"properties":{"tags":["<>"],"k":"v"}}]}]}`,
			"uri":                 findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"<>"}}}]}]}]}`,
			"ruleId":              findingsSARIFHead + `{"tool":{"driver":{"name":"S","rules":[{"id":"R"}]}},"results":[{"ruleId":"<>","message":{"text":"m"}}]}]}`,
			"tool name":           findingsSARIFHead + `{"tool":{"driver":{"name":"<>"}},"results":[{"ruleId":"R","message":{"text":"m"}}]}]}`,
			"rule description":    findingsSARIFHead + `{"tool":{"driver":{"name":"S","rules":[{"id":"R","fullDescription":{"text":"<>"}}]}},"results":[{"ruleId":"R","message":{"text":"m"}}]}]}`,
			"results before tool": findingsSARIFHead + `{"results":[{"ruleId":"R","message":{"text":"m"},"fingerprints":{"k":"<>"}}],"tool":{"driver":{"name":"S"}}}]}`,
			"secret snippet":      findingsSARIFHead + `{"tool":{"driver":{"name":"gitleaks"}},"results":[{"ruleId":"R","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":1,"snippet":{"text":"<>"}}}}]}]}]}`,
		},
	},
	{
		name: trivy.Format, decode: trivy.Decode,
		values: map[string]string{
			"vulnerability member": findingsTrivyHead + `"X":<>}]}]}`,
			"skipped top member":   `{"SchemaVersion":2,"ArtifactName":"img","X":<>,"Results":[]}`,
		},
		text: findingsTrivyHead + `"Title":"<>"}]}]}`,
		got:  findingsTitle,
		strings: map[string]string{
			"package name":  strings.Replace(findingsTrivyHead, `"PkgName":"p"`, `"PkgName":"<>"`, 1) + `"Title":"t"}]}]}`,
			"artifact name": strings.Replace(findingsTrivyHead, `"ArtifactName":"img"`, `"ArtifactName":"<>"`, 1) + `"Title":"t"}]}]}`,
		},
	},
	{
		name: grype.Format, decode: grype.Decode,
		values: map[string]string{
			"vulnerability member": findingsGrypeHead + `"x":<>}}]}`,
			"skipped top member":   `{"descriptor":{"name":"grype","version":"0.80.0"},"matches":[],"x":<>}`,
		},
		text: findingsGrypeHead + `"description":"<>"}}]}`,
		strings: map[string]string{
			"artifact name": strings.Replace(findingsGrypeHead, `"name":"a"`, `"name":"<>"`, 1) + `"description":"d"}}]}`,
			"epss cve":      findingsGrypeHead + `"epss":[{"cve":"<>","epss":0.5,"percentile":0.5,"date":"2024-01-01"}]}}]}`,
		},
		got: func(fs []findings.Finding, _ []findings.VEXStatement) string {
			if len(fs) == 0 {
				return ""
			}
			return fs[0].Description
		},
	},
	{
		name: osvscanner.Format, decode: osvscanner.Decode,
		values: map[string]string{
			"database_specific":  findingsOSVHead + `"summary":"s","database_specific":{"x":<>}}]}]}]}`,
			"skipped top member": `{"results":[{"source":{"path":"p","type":"lockfile"},"packages":[]}],"x":<>}`,
		},
		text: findingsOSVHead + `"summary":"<>"}]}]}]}`,
		strings: map[string]string{
			"package name": strings.Replace(findingsOSVHead, `"name":"a"`, `"name":"<>"`, 1) + `"summary":"s"}]}]}]}`,
			"source path":  strings.Replace(findingsOSVHead, `"/app/package-lock.json"`, `"<>"`, 1) + `"summary":"s"}]}]}]}`,
		},
		got: findingsTitle,
	},
	{
		name: gitleaks.Format, decode: gitleaks.Decode,
		values: map[string]string{
			"leak member": `[{"RuleID":"generic-api-key","File":"a.go","Description":"d","StartLine":1,"Secret":"s3cr3t","X":<>}]`,
		},
		text: `[{"RuleID":"generic-api-key","File":"a.go","StartLine":1,"Secret":"s3cr3t","Description":"<>"}]`,
		strings: map[string]string{
			"file":   `[{"RuleID":"generic-api-key","File":"<>","Description":"d","Secret":"s3cr3t"}]`,
			"secret": `[{"RuleID":"generic-api-key","File":"a.go","Description":"d","Secret":"<>"}]`,
			"tags":   `[{"RuleID":"generic-api-key","File":"a.go","Description":"d","Secret":"s","Tags":["<>"]}]`,
		},
		got: findingsTitle,
	},
	{
		name: npmaudit.Format, decode: npmaudit.Decode,
		values: map[string]string{
			"via member":         findingsNPMHead + `"title":"t","x":<>}]}}}`,
			"skipped top member": `{"auditReportVersion":2,"vulnerabilities":{},"metadata":<>}`,
		},
		text: findingsNPMHead + `"title":"<>"}]}}}`,
		strings: map[string]string{
			"package key": `{"auditReportVersion":2,"vulnerabilities":{"<>":{"name":"x","severity":"low","via":[{"source":1,"name":"x","title":"t","severity":"low"}]}}}`,
		},
		got: findingsTitle,
	},
	{
		name: govulncheck.Format, decode: govulncheck.Decode,
		values: map[string]string{
			"osv member":        findingsGoConfig + `{"osv":{"id":"GO-2024-0001","summary":"s","x":<>}}` + "\n" + findingsGoFinding,
			"skipped message":   findingsGoConfig + `{"progress":<>}` + "\n" + findingsGoOSV + findingsGoFinding,
			"array of messages": `[` + strings.TrimSpace(findingsGoConfig) + `,{"SBOM":<>}]`,
		},
		text: findingsGoConfig + `{"osv":{"id":"GO-2024-0001","summary":"<>"}}` + "\n" + findingsGoFinding,
		strings: map[string]string{
			"module": findingsGoConfig + findingsGoOSV + `{"finding":{"osv":"GO-2024-0001","trace":[{"module":"<>","version":"v1.1.0","package":"p","function":"F"}]}}`,
		},
		got: findingsTitle,
	},
	{
		name: openvex.Format, decode: openvex.Decode,
		values: map[string]string{
			"statement member":   findingsVEXHead + `"x":<>}]}`,
			"skipped top member": `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"d","x":<>,"statements":[]}`,
		},
		text: findingsVEXHead + `"impact_statement":"<>"}]}`,
		strings: map[string]string{
			"product": strings.Replace(findingsVEXHead, `"pkg:npm/a@1"`, `"<>"`, 1) + `"impact_statement":"i"}]}`,
			"author":  strings.Replace(findingsVEXHead, `"author":"A"`, `"author":"<>"`, 1) + `"impact_statement":"i"}]}`,
		},
		got: findingsImpact,
	},
	{
		name: csaf.Format, decode: csaf.Decode,
		values: map[string]string{
			"vulnerability member": findingsCSAFHead + `"x":<>}]}`,
			"document member":      `{"document":{"category":"csaf_vex","csaf_version":"2.0","x":<>}}`,
		},
		text: findingsCSAFHead + `"threats":[{"category":"impact","details":"<>","product_ids":["P1"]}]}]}`,
		strings: map[string]string{
			"purl":       strings.Replace(findingsCSAFHead, `"pkg:npm/a@1"`, `"<>"`, 1) + `"flags":[]}]}`,
			"product id": strings.Replace(findingsCSAFHead, `"known_affected":["P1"]`, `"known_affected":["<>"]`, 1) + `"flags":[]}]}`,
		},
		got: findingsImpact,
	},
}

// findingsRun decodes r through detect.Decode (via "detect") or the
// format's own Decode (via "package"), collecting what it emits.
func findingsRun(t *testing.T, f findingsFormat, via string, r io.Reader, name string) ([]findings.Finding, []findings.VEXStatement, error) {
	t.Helper()
	return findingsRunLimits(t, f, via, r, name, findings.Limits{})
}

// findingsRunLimits is findingsRun with limits.
func findingsRunLimits(t *testing.T, f findingsFormat, via string, r io.Reader, name string, lim findings.Limits) ([]findings.Finding, []findings.VEXStatement, error) {
	t.Helper()
	var fs []findings.Finding
	var vs []findings.VEXStatement
	h := findings.Handler{
		Finding: func(x findings.Finding) error { fs = append(fs, x); return nil },
		VEX:     func(x findings.VEXStatement) error { vs = append(vs, x); return nil },
	}
	opts := findings.DecodeOptions{Name: name, Limits: lim}
	var err error
	switch via {
	case "detect":
		var format string
		format, err = detect.Decode(r, detect.Options{DecodeOptions: opts}, h)
		assert.Equal(t, f.name, format, "detect chose the decoder under test (%v)", err)
	case "package":
		err = f.decode(r, opts, h)
	default:
		t.Fatalf("no way %q", via)
	}
	return fs, vs, err
}

var findingsVia = []string{"detect", "package"}

// findingsWantError checks that err is a DecodeError of the named file
// wrapping sentinel, that locates the problem (a byte offset or a path)
// and says so in its message.
func findingsWantError(t *testing.T, err error, sentinel error, file string) *findings.DecodeError {
	t.Helper()
	require.Error(t, err)
	var de *findings.DecodeError
	require.ErrorAs(t, err, &de, "%v", err)
	assert.ErrorIs(t, err, sentinel, "%v", err)
	assert.Equal(t, file, de.File)
	msg := err.Error()
	assert.Contains(t, msg, file)
	assert.True(t, de.Offset >= 0 || de.Path != "", "a place: %v", err)
	if de.Offset >= 0 {
		assert.Contains(t, msg, fmt.Sprintf("byte %d", de.Offset))
	}
	if de.Path != "" {
		assert.Contains(t, msg, de.Path)
	}
	return de
}

// findingsWantLimit checks a LimitError of the named limit.
func findingsWantLimit(t *testing.T, err error, limit, file string) *findings.DecodeError {
	t.Helper()
	de := findingsWantError(t, err, findings.ErrLimit, file)
	var le *findings.LimitError
	if assert.ErrorAs(t, err, &le) {
		assert.Equal(t, limit, le.Limit, "%v", err)
	}
	assert.GreaterOrEqual(t, de.Offset, int64(0), "a limit error names its byte: %v", err)
	return de
}

// findingsBounded runs f under hostile.Run and checks its cost.
func findingsBounded(t *testing.T, maxAlloc uint64, f func()) {
	t.Helper()
	cost := hostile.Run(f)
	t.Logf("cost: %v", cost)
	assert.Less(t, cost.Elapsed, findingsMaxTime, "time: %v", cost)
	assert.Less(t, cost.Alloc, maxAlloc, "allocation: %v", cost)
}

// TestFindingsDeepNesting feeds every decoder JSON nested 1,000,000 deep
// at every place of its documents.
func TestFindingsDeepNesting(t *testing.T) {
	for _, f := range findingsFormats {
		for _, place := range slices.Sorted(maps.Keys(f.values)) {
			tmpl := f.values[place]
			for _, shape := range []string{"array", "object"} {
				for _, via := range findingsVia {
					t.Run(f.name+"/"+place+"/"+shape+"/"+via, func(t *testing.T) {
						deep := hostile.DeepJSONArray(findingsDeep)
						if shape == "object" {
							deep = hostile.DeepJSONObject(findingsDeep)
						}
						c := &hostile.Counter{R: findingsFill(tmpl, deep)}
						name := "deep-" + f.name + ".json"
						var err error
						findingsBounded(t, findingsDeepAlloc, func() {
							_, _, err = findingsRun(t, f, via, c, name)
						})
						findingsWantLimit(t, err, "MaxDepth", name)
						assert.Less(t, c.N, int64(findingsDeepRead), "read %d bytes", c.N)
					})
				}
			}
		}
	}
}

// TestFindingsLongString feeds every decoder a 500 MB string. With the
// default limits (16 MiB) it is the text a decoder copies to a finding,
// read through detect.Decode; with MaxStringBytes set to 1 MiB (the same
// code at a sixteenth of the cost) it is also the text read through the
// package's Decode, every value a decoder reads or skips (through Decode)
// and an object key there (through detect).
func TestFindingsLongString(t *testing.T) {
	type place struct{ name, tmpl string }
	for _, f := range findingsFormats {
		text := strings.Replace(f.text, `"<>"`, "<>", 1)
		t.Run(f.name+"/text/default limit/detect", func(t *testing.T) {
			findingsLongCase(t, f, "detect", text, false, findings.Limits{})
		})
		places := []place{{"text", text}}
		for _, p := range slices.Sorted(maps.Keys(f.values)) {
			places = append(places, place{p, f.values[p]})
		}
		for _, p := range places {
			for _, key := range []bool{false, true} {
				if key && p.name == "text" {
					continue
				}
				// A value through the package's Decode, a key through
				// detect: each place is reached both ways.
				what, via := "value", "package"
				if key {
					what, via = "key", "detect"
				}
				t.Run(f.name+"/"+p.name+"/"+what+"/1 MiB limit/"+via, func(t *testing.T) {
					findingsLongCase(t, f, via, p.tmpl, key, findings.Limits{MaxStringBytes: 1 << 20})
				})
			}
		}
	}
}

// findingsLongCase decodes tmpl with a 500 MB string (or an object with a
// 500 MB key) at its "<>" and checks the error and the cost against lim.
func findingsLongCase(t *testing.T, f findingsFormat, via, tmpl string, key bool, lim findings.Limits) {
	max := int64(lim.WithDefaults().MaxStringBytes)
	if lim.MaxStringBytes == 0 {
		require.Equal(t, int64(limits.MaxStringBytes), max)
	}
	part := findingsLongString()
	if key {
		part = hostile.Concat("{", part, ":1}")
	}
	c := &hostile.Counter{R: findingsFill(tmpl, part)}
	name := "long-" + f.name + ".json"
	var err error
	findingsBounded(t, uint64(4*max+8<<20), func() {
		_, _, err = findingsRunLimits(t, f, via, c, name, lim)
	})
	de := findingsWantLimit(t, err, "MaxStringBytes", name)
	var le *findings.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, max, le.Max)
	// The decoder stops within 64 KiB of the violation, detect's buffer
	// adding at most 64 KiB more.
	assert.LessOrEqual(t, c.N, de.Offset+128<<10, "read %d bytes", c.N)
	assert.Greater(t, de.Offset, max, "the offset is past the limit")
}

// TestFindingsInvalidUTF8 checks that invalid UTF-8 inside a string is
// replaced by U+FFFD, as encoding/json does, that a lone surrogate escape
// is too, that every string handed out is valid UTF-8, and that a raw
// control byte is a syntax error at its offset.
func TestFindingsInvalidUTF8(t *testing.T) {
	for _, f := range findingsFormats {
		for _, via := range findingsVia {
			t.Run(f.name+"/"+via, func(t *testing.T) {
				name := "utf8-" + f.name + ".json"
				for _, text := range []string{hostile.InvalidUTF8, `bad\ud800text`} {
					var fs []findings.Finding
					var vs []findings.VEXStatement
					var err error
					findingsBounded(t, findingsSmallAlloc, func() {
						fs, vs, err = findingsRun(t, f, via, strings.NewReader(findingsFillString(f.text, text)), name)
					})
					require.NoError(t, err)
					got := f.got(fs, vs)
					assert.True(t, utf8.ValidString(got), "%q", got)
					assert.Contains(t, got, "\uFFFD")
					assert.True(t, strings.HasPrefix(got, "bad\uFFFD"), "%q", got)
					findingsAllValidUTF8(t, fs, vs)
				}
				for _, place := range slices.Sorted(maps.Keys(f.strings)) {
					fs, vs, err := findingsRun(t, f, via, strings.NewReader(findingsFillString(f.strings[place], hostile.InvalidUTF8)), name)
					require.NoError(t, err, place)
					require.NotEmpty(t, append(fs, make([]findings.Finding, len(vs))...), place)
					findingsAllValidUTF8(t, fs, vs)
				}
				doc := findingsFillString(f.text, "ctl\x01")
				_, _, err := findingsRun(t, f, via, strings.NewReader(doc), name)
				de := findingsWantError(t, err, findings.ErrSyntax, name)
				assert.Equal(t, int64(strings.Index(doc, "\x01")), de.Offset, "%v", err)
			})
		}
	}
}

// findingsAllValidUTF8 walks every string of what was emitted.
func findingsAllValidUTF8(t *testing.T, fs []findings.Finding, vs []findings.VEXStatement) {
	t.Helper()
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.String:
			assert.True(t, utf8.ValidString(v.String()), "%s = %q", path, v.String())
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			iter := v.MapRange()
			for iter.Next() {
				walk(iter.Key(), path+"{key}")
				walk(iter.Value(), path+"."+fmt.Sprint(iter.Key()))
			}
		}
	}
	walk(reflect.ValueOf(fs), "findings")
	walk(reflect.ValueOf(vs), "vex")
}

// findingsNumberCase is a document with a number at "<>".
type findingsNumberCase struct {
	format, field, tmpl string
	// kind: "int" (every hostile number is an error; -1 and 11 decode),
	// "float" (1e400 and -1e400 are errors, the others decode), "string"
	// (a number where a string belongs: every one is an error),
	// "ignored" (a field the decoder does not read: every valid number
	// decodes), "text" (the number sits inside a JSON string: everything
	// decodes).
	kind string
	// errField is what an error message names; field when empty.
	errField string
	// check, when set, checks what a number that decoded gave.
	check func(t *testing.T, n string, fs []findings.Finding, vs []findings.VEXStatement)
}

const findingsVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

var findingsNumbers = []findingsNumberCase{
	{format: sarif.Format, field: "startLine", kind: "int",
		tmpl: findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":<>}}}]}]}]}`},
	{format: sarif.Format, field: "ruleIndex", kind: "int",
		tmpl: findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","ruleIndex":<>,"message":{"text":"m"}}]}]}`},
	{format: sarif.Format, field: "security-severity", kind: "float", errField: "properties",
		tmpl:  findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","level":"note","message":{"text":"m"},"properties":{"security-severity":<>}}]}]}`,
		check: findingsSeverityFromLevel},
	{format: sarif.Format, field: "security-severity", kind: "text",
		tmpl:  findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","level":"note","message":{"text":"m"},"properties":{"security-severity":"<>"}}]}]}`,
		check: findingsSeverityFromLevel},
	{format: trivy.Format, field: "V3Score", kind: "float",
		tmpl: findingsTrivyHead + `"CVSS":{"nvd":{"V3Vector":"` + findingsVector + `","V3Score":<>}}}]}]}`,
		check: func(t *testing.T, n string, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			require.Len(t, fs[0].CVSS, 1)
			assert.Equal(t, findingsVector, fs[0].CVSS[0].Vector, "the vector stays")
			assert.Equal(t, findings.SeverityHigh, fs[0].Severity, "Trivy's word, not the score")
		}},
	{format: trivy.Format, field: "StartLine", kind: "int",
		tmpl: `{"SchemaVersion":2,"ArtifactName":".","Results":[{"Target":"main.tf","Class":"config","Type":"terraform","Misconfigurations":[{"ID":"AVD-1","Status":"FAIL","Severity":"LOW","CauseMetadata":{"StartLine":<>}}]}]}`},
	{format: trivy.Format, field: "SchemaVersion", kind: "int", tmpl: `{"SchemaVersion":<>,"Results":[]}`},
	{format: grype.Format, field: "baseScore", kind: "float",
		tmpl: findingsGrypeHead + `"cvss":[{"source":"nvd","type":"Primary","version":"3.1","vector":"` + findingsVector + `","metrics":{"baseScore":<>}}]}}]}`,
		check: func(t *testing.T, n string, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			require.Len(t, fs[0].CVSS, 1)
			assert.Equal(t, findingsVector, fs[0].CVSS[0].Vector, "the vector stays")
			assert.Equal(t, findings.SeverityHigh, fs[0].Severity, "Grype's word, not the score")
		}},
	{format: grype.Format, field: "epss", kind: "float",
		tmpl:  findingsGrypeHead + `"epss":[{"cve":"CVE-2024-1","epss":<>,"percentile":0.5,"date":"2024-01-01"}]}}]}`,
		check: findingsEPSSInRange},
	{format: grype.Format, field: "percentile", kind: "float",
		tmpl:  findingsGrypeHead + `"epss":[{"cve":"CVE-2024-1","epss":0.5,"percentile":<>,"date":"2024-01-01"}]}}]}`,
		check: findingsEPSSInRange},
	{format: grype.Format, field: "risk", kind: "float", tmpl: findingsGrypeHead + `"risk":<>}}]}`},
	{format: osvscanner.Format, field: "max_severity", kind: "text",
		tmpl: findingsOSVHead + `"summary":"s"}],"groups":[{"ids":["GHSA-1111-2222-3333"],"max_severity":"<>"}]}]}]}`,
		check: func(t *testing.T, n string, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			if n == "1e-400" { // 0, a valid score
				assert.Equal(t, findings.SeverityInfo, fs[0].Severity)
				return
			}
			assert.Equal(t, findings.SeverityUnknown, fs[0].Severity, "no severity from an out-of-range score")
		}},
	{format: osvscanner.Format, field: "max_severity", kind: "string",
		tmpl: findingsOSVHead + `"summary":"s"}],"groups":[{"ids":["GHSA-1111-2222-3333"],"max_severity":<>}]}]}]}`},
	{format: osvscanner.Format, field: "database_specific", kind: "ignored",
		tmpl: findingsOSVHead + `"summary":"s","database_specific":{"n":<>}}]}]}]}`},
	{format: gitleaks.Format, field: "StartLine", kind: "int",
		tmpl: `[{"RuleID":"generic-api-key","File":"a.go","Description":"d","Secret":"s3cr3t","StartLine":<>}]`},
	{format: gitleaks.Format, field: "Entropy", kind: "float",
		tmpl: `[{"RuleID":"generic-api-key","File":"a.go","Description":"d","Secret":"s3cr3t","Entropy":<>}]`},
	{format: npmaudit.Format, field: "score", kind: "float",
		tmpl: findingsNPMHead + `"title":"t","cvss":{"score":<>,"vectorString":"` + findingsVector + `"}}]}}}`,
		check: func(t *testing.T, n string, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			assert.Equal(t, findings.SeverityLow, fs[0].Severity, "npm's word, not the score")
		}},
	{format: npmaudit.Format, field: "source", kind: "int", tmpl: strings.Replace(findingsNPMHead, `"source":1`, `"source":<>`, 1) + `"title":"t"}]}}}`},
	{format: npmaudit.Format, field: "id", kind: "int",
		tmpl: `{"actions":[],"advisories":{"1":{"id":<>,"module_name":"p","severity":"low","title":"t","findings":[{"version":"1.0.0","paths":["p"]}]}},"muted":[],"metadata":{}}`},
	{format: npmaudit.Format, field: "metadata counts", kind: "ignored",
		tmpl: `{"auditReportVersion":2,"vulnerabilities":{},"metadata":{"vulnerabilities":{"total":<>}}}`},
	{format: govulncheck.Format, field: "line", kind: "int",
		tmpl: findingsGoConfig + findingsGoOSV + `{"finding":{"osv":"GO-2024-0001","trace":[{"module":"example.com/m","version":"v1.1.0","package":"example.com/m/p","function":"F","position":{"filename":"f.go","line":<>}}]}}`},
	{format: govulncheck.Format, field: "column", kind: "int",
		tmpl: `[` + strings.TrimSpace(findingsGoConfig) + `,{"finding":{"osv":"GO-2024-0001","trace":[{"module":"example.com/m","version":"v1.1.0","package":"example.com/m/p","function":"F","position":{"filename":"f.go","line":1,"column":<>}}]}}]`},
	{format: openvex.Format, field: "version", kind: "ignored", tmpl: strings.Replace(findingsVEXHead, `"version":1`, `"version":<>`, 1) + `"impact_statement":"i"}]}`},
	{format: csaf.Format, field: "baseScore", kind: "ignored",
		tmpl: findingsCSAFHead + `"scores":[{"products":["P1"],"cvss_v3":{"version":"3.1","vectorString":"` + findingsVector + `","baseScore":<>,"baseSeverity":"CRITICAL"}}]}]}`},
}

func findingsSeverityFromLevel(t *testing.T, n string, fs []findings.Finding, _ []findings.VEXStatement) {
	require.Len(t, fs, 1)
	if n == "1e-400" { // 0, a valid score
		assert.Equal(t, findings.SeverityInfo, fs[0].Severity)
		return
	}
	assert.Equal(t, findings.SeverityLow, fs[0].Severity, "the level, not the out-of-range score")
	assert.Equal(t, "sarif:level", fs[0].SeveritySource)
}

func findingsEPSSInRange(t *testing.T, n string, fs []findings.Finding, _ []findings.VEXStatement) {
	require.Len(t, fs, 1)
	list, _ := fs[0].Properties["epss"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		for _, k := range []string{"epss", "percentile"} {
			if v, ok := m[k]; ok {
				p, isNum := v.(float64)
				assert.True(t, isNum && p >= 0 && p <= 1, "%s %v kept", k, v)
			}
		}
	}
}

// findingsSane checks the numbers every decoded item may hold.
func findingsSane(t *testing.T, fs []findings.Finding) {
	t.Helper()
	for _, f := range fs {
		assert.True(t, f.Severity.Valid(), "severity %q", f.Severity)
		for _, c := range f.CVSS {
			if c.Score != nil {
				s := *c.Score
				assert.True(t, s >= 0 && s <= 10 && !math.IsNaN(s), "CVSS score %v kept", s)
			}
		}
		for _, l := range append([]findings.Location{f.Location}, f.RelatedLocations...) {
			if r := l.Region; r != nil {
				assert.True(t, r.StartLine >= 0 && r.EndLine >= 0 && r.StartColumn >= 0 && r.EndColumn >= 0, "region %+v", *r)
			}
		}
	}
}

// TestFindingsNumbersOutOfRange puts each of hostile.HugeNumbers, and
// numbers just out of their domain, where a decoder reads a number.
func TestFindingsNumbersOutOfRange(t *testing.T) {
	byName := map[string]findingsFormat{}
	for _, f := range findingsFormats {
		byName[f.name] = f
	}
	numbers := append(append([]string(nil), hostile.HugeNumbers...), "-1", "11", "1.5e308")
	for _, nc := range findingsNumbers {
		f := byName[nc.format]
		for _, via := range findingsVia {
			t.Run(nc.format+"/"+nc.field+"/"+nc.kind+"/"+via, func(t *testing.T) {
				for _, n := range numbers {
					doc := findingsFillString(nc.tmpl, n)
					name := "num-" + nc.format + ".json"
					var fs []findings.Finding
					var vs []findings.VEXStatement
					var err error
					findingsBounded(t, findingsSmallAlloc, func() {
						fs, vs, err = findingsRun(t, f, via, strings.NewReader(doc), name)
					})
					wantErr := findingsNumberFails(nc.kind, n)
					switch {
					case wantErr == findings.ErrSyntax:
						de := findingsWantError(t, err, findings.ErrSyntax, name)
						assert.Equal(t, int64(strings.Index(doc, "NaN")), de.Offset, "%v", err)
					case wantErr != nil:
						findingsWantError(t, err, wantErr, name)
						assert.Contains(t, err.Error(), cmp.Or(nc.errField, nc.field), "%s: the message names the field", n)
					default:
						require.NoError(t, err, "%s", n)
						findingsSane(t, fs)
						if nc.check != nil {
							nc.check(t, n, fs, vs)
						}
					}
				}
			})
		}
	}
}

// findingsNumberFails returns the sentinel a number of the kind must fail
// with, or nil.
func findingsNumberFails(kind, n string) error {
	if kind == "text" {
		return nil
	}
	if n == "NaN" {
		return findings.ErrSyntax
	}
	switch kind {
	case "string":
		return findings.ErrInvalid
	case "int":
		switch n {
		case "-1", "11":
			return nil
		}
		return findings.ErrInvalid
	case "float":
		if n == "1e400" || n == "-1e400" {
			return findings.ErrInvalid
		}
	}
	return nil
}

// findingsDupCase is a document with a duplicate key.
type findingsDupCase struct {
	format, name, doc string
	// key and path, for a rejected duplicate: the error names path, and
	// its offset is just after the second occurrence of "key".
	key, path string
	// check, for a duplicate whose last occurrence wins.
	check func(t *testing.T, fs []findings.Finding, vs []findings.VEXStatement)
}

func findingsRuleIDs(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

var findingsDups = []findingsDupCase{
	{format: sarif.Format, name: "log runs", key: "runs", path: "runs",
		doc: findingsSARIFHead + `],"runs":[{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"}}]}]}`},
	{format: sarif.Format, name: "log version", key: "version", path: "version",
		doc: `{"version":"2.1.0","$schema":"x","version":"2.0.0","runs":[]}`},
	{format: sarif.Format, name: "run results", key: "results", path: "runs[0].results",
		doc: findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"A","message":{"text":"m"}}],"results":[{"ruleId":"B","message":{"text":"m"}}]}]}`},
	{format: sarif.Format, name: "run tool", key: "tool", path: "runs[0].tool",
		doc: findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[],"tool":{"driver":{"name":"T"}}}]}`},
	{format: sarif.Format, name: "run originalUriBaseIds", key: "originalUriBaseIds", path: "runs[0].originalUriBaseIds",
		doc: findingsSARIFHead + `{"originalUriBaseIds":{"A":{"uri":"file:///a/"}},"tool":{"driver":{"name":"S"}},"originalUriBaseIds":{},"results":[]}]}`},
	{format: sarif.Format, name: "result ruleId (last wins)",
		doc: findingsSARIFHead + `{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"A","ruleId":"B","message":{"text":"m"}}]}]}`,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			assert.Equal(t, []string{"B"}, findingsRuleIDs(fs))
		}},
	{format: trivy.Format, name: "Results", key: "Results", path: "Results",
		doc: `{"SchemaVersion":2,"ArtifactName":"img","Results":[],"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"p","Severity":"LOW"}]}]}`},
	{format: trivy.Format, name: "SchemaVersion", key: "SchemaVersion", path: "SchemaVersion",
		doc: `{"SchemaVersion":2,"ArtifactName":"img","SchemaVersion":3,"Results":[]}`},
	{format: trivy.Format, name: "result Vulnerabilities (last wins)",
		doc: findingsTrivyHead + `"Title":"t"}],"Vulnerabilities":[{"VulnerabilityID":"CVE-2024-2","PkgName":"p","Severity":"LOW"}]}]}`,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			assert.Equal(t, []string{"CVE-2024-2"}, findingsRuleIDs(fs))
		}},
	{format: grype.Format, name: "matches", key: "matches", path: "matches",
		doc: findingsGrypeHead + `"description":"d"}}],"matches":[]}`},
	{format: grype.Format, name: "source", key: "source", path: "source",
		doc: `{"descriptor":{"name":"grype"},"source":{"type":"directory","target":"."},"matches":[],"source":{"type":"image","target":{}}}`},
	{format: grype.Format, name: "vulnerability id (last wins)",
		doc: findingsGrypeHead + `"id":"CVE-2024-9"}}]}`,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			assert.Equal(t, []string{"CVE-2024-9"}, findingsRuleIDs(fs))
		}},
	{format: osvscanner.Format, name: "results", key: "results", path: "results",
		doc: `{"results":[],"results":[{"source":{"path":"p","type":"lockfile"},"packages":[]}]}`},
	{format: osvscanner.Format, name: "result packages", key: "packages", path: "results[0].packages",
		doc: `{"results":[{"source":{"path":"p","type":"lockfile"},"packages":[],"packages":[]}]}`},
	{format: osvscanner.Format, name: "result source", key: "source", path: "results[0].source",
		doc: `{"results":[{"source":{"path":"p","type":"lockfile"},"packages":[],"source":{"path":"q","type":"lockfile"}}]}`},
	{format: osvscanner.Format, name: "vulnerability id (last wins)",
		doc: findingsOSVHead + `"summary":"s","id":"GHSA-9999-9999-9999"}]}]}]}`,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			assert.Equal(t, []string{"GHSA-9999-9999-9999"}, findingsRuleIDs(fs))
		}},
	{format: gitleaks.Format, name: "Secret and RuleID (last wins)",
		doc: `[{"RuleID":"a","File":"f","Description":"d","Secret":"first","RuleID":"b","Secret":"second"}]`,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			assert.Equal(t, "b", fs[0].RuleID)
			assert.Equal(t, findings.HashSecret("second"), fs[0].SecretHash)
		}},
	{format: npmaudit.Format, name: "vulnerabilities", key: "vulnerabilities", path: "vulnerabilities",
		doc: findingsNPMHead + `"title":"t"}]}},"vulnerabilities":{}}`},
	{format: npmaudit.Format, name: "vulnerabilities record", key: "debug", path: `vulnerabilities.debug`,
		doc: findingsNPMHead + `"title":"t"}]},"debug":{"name":"dbg","severity":"high","via":["x"]}}}`},
	{format: npmaudit.Format, name: "advisories record", key: "1", path: `advisories.1`,
		doc: `{"actions":[],"advisories":{"1":{"module_name":"p","severity":"low","title":"a","findings":[{"version":"1","paths":["p"]}]},"1":{"module_name":"q","severity":"low","title":"b"}},"muted":[],"metadata":{}}`},
	{format: npmaudit.Format, name: "via title (last wins)",
		doc: findingsNPMHead + `"title":"t","title":"last"}]}}}`,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			assert.Equal(t, "last", fs[0].Title)
		}},
	{format: govulncheck.Format, name: "osv record of one id (last wins)",
		doc: findingsGoConfig + `{"osv":{"id":"GO-2024-0001","summary":"first"},"osv":{"id":"GO-2024-0001","summary":"last"}}` + "\n" + findingsGoFinding,
		check: func(t *testing.T, fs []findings.Finding, _ []findings.VEXStatement) {
			require.Len(t, fs, 1)
			assert.Equal(t, "last", fs[0].Title)
		}},
	{format: openvex.Format, name: "statements", key: "statements", path: "statements",
		doc: findingsVEXHead + `"impact_statement":"i"}],"statements":[]}`},
	{format: openvex.Format, name: "@context", key: "@context", path: "@context",
		doc: `{"@context":"https://openvex.dev/ns/v0.2.0","@context":"https://example.com","statements":[]}`},
	{format: openvex.Format, name: "statement status (last wins)",
		doc: findingsVEXHead + `"status":"affected","impact_statement":"i"}]}`,
		check: func(t *testing.T, _ []findings.Finding, vs []findings.VEXStatement) {
			require.Len(t, vs, 1)
			assert.Equal(t, findings.VEXStatus("affected"), vs[0].Status)
		}},
	{format: csaf.Format, name: "cve (last wins)",
		doc: findingsCSAFHead + `"cve":"CVE-2024-9"}]}`,
		check: func(t *testing.T, _ []findings.Finding, vs []findings.VEXStatement) {
			require.Len(t, vs, 1)
			assert.Equal(t, "CVE-2024-9", vs[0].VulnerabilityID)
		}},
}

// TestFindingsDuplicateKeys checks what each decoder does with a key that
// occurs twice: rejected where the decoder walks the object token by
// token, the last one kept where it decodes the object whole.
func TestFindingsDuplicateKeys(t *testing.T) {
	byName := map[string]findingsFormat{}
	for _, f := range findingsFormats {
		byName[f.name] = f
	}
	for _, dc := range findingsDups {
		for _, via := range findingsVia {
			t.Run(dc.format+"/"+dc.name+"/"+via, func(t *testing.T) {
				name := "dup-" + dc.format + ".json"
				var fs []findings.Finding
				var vs []findings.VEXStatement
				var err error
				findingsBounded(t, findingsSmallAlloc, func() {
					fs, vs, err = findingsRun(t, byName[dc.format], via, strings.NewReader(dc.doc), name)
				})
				if dc.check != nil {
					require.NoError(t, err)
					dc.check(t, fs, vs)
					return
				}
				de := findingsWantError(t, err, findings.ErrInvalid, name)
				assert.Contains(t, err.Error(), "duplicate key")
				assert.Equal(t, dc.path, de.Path)
				q := `"` + dc.key + `"`
				assert.Equal(t, int64(strings.LastIndex(dc.doc, q)+len(q)), de.Offset, "%v", err)
				assert.LessOrEqual(t, len(fs), 1, "only what streamed by before the duplicate")
			})
		}
	}
}

// TestFindingsSARIFURIs checks what becomes of SARIF artifact URIs that
// try to leave the scanned directory: the finding keeps each as data,
// verbatim (a uriBaseId is resolved by concatenation only, through at most
// 16 bases and only when the result is at most 4 KiB), and
// Location.LocalPath refuses every one that is not inside the directory.
func TestFindingsSARIFURIs(t *testing.T) {
	long := strings.Repeat("d/", 3<<10)
	tests := []struct {
		name, uri, base, bases string // bases: the originalUriBaseIds object
		path, baseID, local    string
	}{
		{name: "relative", uri: "src/a.go", path: "src/a.go", local: "src/a.go"},
		{name: "dot segments inside", uri: "src/./x/../a.go", path: "src/./x/../a.go", local: "src/a.go"},
		{name: "parent traversal", uri: "../../../etc/passwd", path: "../../../etc/passwd"},
		{name: "traversal after a directory", uri: "src/../../etc/passwd", path: "src/../../etc/passwd"},
		{name: "absolute path", uri: "/etc/passwd", path: "/etc/passwd"},
		{name: "file URI", uri: "file:///etc/passwd", path: "file:///etc/passwd"},
		{name: "file URI with host", uri: "file://server/share/x", path: "file://server/share/x"},
		{name: "https URI", uri: "https://example.com/a.go", path: "https://example.com/a.go"},
		{name: "javascript URI", uri: "javascript:alert(1)", path: "javascript:alert(1)"},
		{name: "percent-encoded dots", uri: "%2e%2e/%2e%2e/etc/passwd", path: "%2e%2e/%2e%2e/etc/passwd"},
		{name: "percent-encoded slash", uri: "..%2f..%2fetc%2fpasswd", path: "..%2f..%2fetc%2fpasswd"},
		{name: "percent-encoded space", uri: "src/a%20b.go", path: "src/a%20b.go", local: "src/a b.go"},
		{name: "backslashes", uri: `..\..\windows\win.ini`, path: `..\..\windows\win.ini`},
		{name: "drive letter", uri: `C:\Windows\win.ini`, path: `C:\Windows\win.ini`},
		{name: "UNC path", uri: `\\server\share\x`, path: `\\server\share\x`},
		{name: "NUL byte", uri: `src/a\u0000.go`, path: "src/a\x00.go"},
		{name: "percent-encoded NUL", uri: "src/a%00.go", path: "src/a%00.go"},
		{name: "escape sequence", uri: `src/\u001b[31ma.go`, path: "src/\x1b[31ma.go"},
		{name: "base to /etc", uri: "passwd", base: "SRC", bases: `{"SRC":{"uri":"file:///etc/"}}`,
			path: "file:///etc/passwd", baseID: "SRC"},
		{name: "base of ../", uri: "etc/passwd", base: "SRC", bases: `{"SRC":{"uri":"../../"}}`,
			path: "../../etc/passwd", baseID: "SRC"},
		{name: "base without slash", uri: "x.go", base: "SRC", bases: `{"SRC":{"uri":"file:///src"}}`,
			path: "file:///src/x.go", baseID: "SRC"},
		{name: "traversal out of a base", uri: "../../etc/passwd", base: "SRC", bases: `{"SRC":{"uri":"file:///src/"}}`,
			path: "file:///src/../../etc/passwd", baseID: "SRC"},
		{name: "absolute URI ignores its base", uri: "file:///etc/passwd", base: "SRC", bases: `{"SRC":{"uri":"file:///src/"}}`,
			path: "file:///etc/passwd", baseID: "SRC"},
		{name: "chain of bases", uri: "a.go", base: "A", bases: `{"A":{"uri":"a/","uriBaseId":"B"},"B":{"uri":"file:///b/"}}`,
			path: "file:///b/a/a.go", baseID: "A"},
		{name: "cycle of bases", uri: "a.go", base: "A", bases: `{"A":{"uri":"a/","uriBaseId":"B"},"B":{"uri":"b/","uriBaseId":"A"}}`,
			path: "a.go", baseID: "A", local: "a.go"},
		{name: "base naming itself", uri: "a.go", base: "A", bases: `{"A":{"uri":"a/","uriBaseId":"A"}}`,
			path: "a.go", baseID: "A", local: "a.go"},
		{name: "undefined base", uri: "src/a.go", base: "%SRCROOT%", path: "src/a.go", baseID: "%SRCROOT%", local: "src/a.go"},
		{name: "base longer than 4 KiB", uri: "a.go", base: "L", bases: `{"L":{"uri":"file:///` + long + `"}}`,
			path: "a.go", baseID: "L", local: "a.go"},
		{name: "chain longer than 4 KiB", uri: "a.go", base: "A",
			bases: `{"A":{"uri":"` + long + `","uriBaseId":"B"},"B":{"uri":"file:///` + long + `"}}`,
			path:  "a.go", baseID: "A", local: "a.go"},
	}
	f := findingsFormats[0]
	require.Equal(t, sarif.Format, f.name)
	for _, tt := range tests {
		for _, via := range findingsVia {
			t.Run(tt.name+"/"+via, func(t *testing.T) {
				loc := `{"uri":"` + strings.ReplaceAll(tt.uri, `\`, `\\`) + `"`
				if tt.base != "" {
					loc += `,"uriBaseId":"` + tt.base + `"`
				}
				loc += "}"
				loc = strings.ReplaceAll(loc, `\\u00`, `\u00`) // keep the JSON escapes of the table
				run := `{"tool":{"driver":{"name":"S"}},`
				if tt.bases != "" {
					run += `"originalUriBaseIds":` + tt.bases + ","
				}
				doc := findingsSARIFHead + run + `"results":[{"ruleId":"R","message":{"text":"m"},` +
					`"locations":[{"physicalLocation":{"artifactLocation":` + loc + `}}],` +
					`"relatedLocations":[{"physicalLocation":{"artifactLocation":` + loc + `}}]}]}]}`
				fs, _, err := findingsRun(t, f, via, strings.NewReader(doc), "uri.sarif")
				require.NoError(t, err)
				require.Len(t, fs, 1)
				for _, l := range []findings.Location{fs[0].Location, fs[0].RelatedLocations[0]} {
					assert.Equal(t, tt.path, l.Path)
					assert.Equal(t, tt.baseID, l.URIBaseID)
					local, ok := l.LocalPath()
					assert.Equal(t, tt.local != "", ok, "LocalPath of %q", l.Path)
					assert.Equal(t, tt.local, local)
				}
			})
		}
	}
}

// TestFindingsRuleTextIsNotMultiplied decodes a small report whose one
// rule has a 15 MiB description and 2,000 results: every finding carries
// the rule's texts, so without Normalize's bounds each would hold (and
// each ID would hash) the whole 15 MiB, 30 GB in all.
func TestFindingsRuleTextIsNotMultiplied(t *testing.T) {
	const results = 2000
	var b strings.Builder
	for i := range results {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"ruleId":"R1","message":{"text":"m%d"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"f%d.go"}}}]}`, i, i)
	}
	doc := hostile.Concat(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"R1","shortDescription":{"text":"`,
		hostile.Repeat("T", 15<<20), `"},"fullDescription":{"text":"`, hostile.Repeat("D", 15<<20),
		`"}}]}},"results":[`, b.String(), `]}]}`)
	var fs []findings.Finding
	findingsBounded(t, 512<<20, func() {
		var err error
		fs, _, err = findingsRun(t, findingsFormat{name: "sarif", decode: sarif.Decode}, "detect", doc, "big-rule.sarif")
		require.NoError(t, err)
	})
	require.Len(t, fs, results)
	for _, f := range fs {
		require.LessOrEqual(t, len(f.Title), 8<<10)
		require.LessOrEqual(t, len(f.Description), 64<<10)
		require.True(t, strings.HasSuffix(f.Description, findings.TruncatedMark))
	}
}
