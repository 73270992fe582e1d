package hostile_test

// Hostile XML against every XML decoder: findings/zap, findings/depcheck,
// findings/cyclonedx (XML, and its JSON for VEX/VDR documents) and
// inventory/cyclonedx (XML), each run through its public entry point with a
// file name. Limits are the defaults (MaxDepth 512, MaxStringBytes 16 MiB,
// MaxDocumentBytes 1 GiB) unless a row says otherwise. Every row must end
// within xmlTime (10 s, generous for -race on 2 cores; xmlSlowTime, 30 s,
// for the rows that read 16 MiB) and allocate less than its bound (doubled
// under -race: see xmlrace_test.go), measured by hostile.Run; a
// hostile.Counter shows how much of the input was read.
//
//	input                                        limit                    what happens (time: 10 s; 30 s for rows reading 16 MiB)
//	entity bomb (billion laughs, 10^9 "lol")     no entity is expanded    ErrSyntax "invalid character entity &lol9;", < 16 MiB allocated
//	external entity (XXE) on a real local file   no file is read          ErrSyntax in text or attribute; the file's content is in no result, no error
//	DOCTYPE naming an external DTD               no file is read          decodes; the file's content is in no result
//	1,000,000 nested elements (record, root)     MaxDepth 512             ErrLimit at the 513th start tag, < 1 MiB read
//	500 MB text node, 500 MB attribute           MaxStringBytes 16 MiB    ErrLimit at the first byte beyond; ≤ 16 MiB + 1 MiB read,
//	                                                                        < 4 × 16 MiB + 4 MiB allocated (encoding/xml's buffer, by
//	                                                                        doubling; all allocation bounds double under -race)
//	500 MB of quotes in text, of '>' in an       MaxStringBytes 1 MiB     ErrLimit at the first byte beyond; ≤ 2 MiB + 128 KiB read,
//	  attribute; 500 MB CDATA, comment, PI,                                 < 8 MiB allocated (a smaller limit keeps the test quick; it
//	  DOCTYPE                                                               bounds them as the default bounds the rows above)
//	a tag of 500 MB of attributes                MaxTagMarkupBytes 64 KiB ErrLimit at the tag, < 1 MiB read
//	a record of 100,000 empty elements           RecordBudget: 4 ×        ZAP, Dependency-Check: ErrLimit (MaxRecordBytes); CycloneDX holds
//	  (MaxStringBytes 1 MiB)                       MaxStringBytes + 1 MiB    the document whole (MaxDocumentBytes) and decodes it
//	500 MB document, MaxDocumentBytes 1 MiB      MaxDocumentBytes         ErrLimit, ≤ 1 MiB + 64 KiB read
//	invalid UTF-8, NUL in text or attribute      -                        ErrSyntax at the byte
//	huge numbers (1e400, -1, 11, NaN, 30 digits) riskcode, confidence,    ErrInvalid naming the field; a CVSS score that underflows
//	  where numbers are read                       CVSS scores              (1e-400) reads as 0
//	a single-valued element given twice          -                        ZAP, Dependency-Check: ErrInvalid naming it;
//	                                                                        CycloneDX (XML and JSON): the last wins, as in encoding/xml
//	CycloneDX JSON: 1,000,000 deep, 500 MB       MaxDepth, MaxStringBytes ErrLimit, ≤ 16 MiB + 1 MiB read; invalid UTF-8 becomes U+FFFD;
//	  string, invalid UTF-8, duplicate key,                                 the last duplicate key wins; scores as in XML, NaN is
//	  huge scores                                                           ErrSyntax (not JSON)

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	fcdx "github.com/aspmkit/aspm/findings/cyclonedx"
	"github.com/aspmkit/aspm/findings/depcheck"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/findings/zap"
	"github.com/aspmkit/aspm/internal/hostile"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/internal/xmlstream"
	"github.com/aspmkit/aspm/inventory"
	invcdx "github.com/aspmkit/aspm/inventory/cyclonedx"
)

const (
	xmlTime = 10 * time.Second
	// xmlSlowTime bounds the rows that must read 16 MiB (the default
	// MaxStringBytes) through encoding/xml before the limit: about 5 s
	// under -race on a busy machine.
	xmlSlowTime = 30 * time.Second
	xmlMiB      = 1 << 20
	xmlHuge     = 500 << 20 // "500 MB"
	// xmlStringRead bounds what a decoder reads of a construct over
	// MaxStringBytes: the limit plus buffers.
	xmlStringRead = limits.MaxStringBytes + xmlMiB
	// xmlStringAlloc bounds what it allocates meanwhile: encoding/xml
	// grows its buffer by doubling, to 32 MiB for a 16 MiB text, and the
	// steps before sum to as much again (twice that under -race).
	xmlStringAlloc = (4*limits.MaxStringBytes + 4*xmlMiB) * xmlRaceFactor
	// xmlSmallAlloc bounds what a decoder allocates on a small input or
	// one it refuses early.
	xmlSmallAlloc = 16 * xmlMiB
	// The rows for the other constructs run with MaxStringBytes at 1 MiB,
	// which bounds them the same way, sixteen times faster.
	xmlSmallRead        = 2*xmlMiB + 128<<10
	xmlSmallStringAlloc = 8 * xmlMiB * xmlRaceFactor
)

var xmlSmallString = findings.Limits{MaxStringBytes: xmlMiB}

// xmlRepeat returns s repeated until total bytes (rounded down to whole
// copies of s), made as it is read, in large units so that reading is fast.
func xmlRepeat(s string, total int64) io.Reader {
	unit := strings.Repeat(s, max(1, (64<<10)/len(s)))
	n := total / int64(len(unit))
	rest := (total - n*int64(len(unit))) / int64(len(s))
	return hostile.Concat(hostile.Repeat(unit, n), strings.Repeat(s, int(rest)))
}

// xmlParts are the places of a document where a hostile part goes. A nil
// part takes the target's harmless default.
type xmlParts struct {
	prolog any               // between the XML declaration and the root element
	text   any               // the text of a field the decoder keeps
	attr   any               // the value of an attribute the decoder reads
	inner  any               // more content of a record element
	nums   map[string]string // the text of number fields, by field name
	dup    bool              // give the element whose value matters twice
}

func (p xmlParts) or(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

func (p xmlParts) num(field, def string) string {
	if v, ok := p.nums[field]; ok {
		return v
	}
	return def
}

// xmlOut is what a decoder produced.
type xmlOut struct {
	Findings []findings.Finding      `json:"findings,omitempty"`
	VEX      []findings.VEXStatement `json:"vex,omitempty"`
	Assets   []inventory.Asset       `json:"assets,omitempty"`
}

func (o xmlOut) String() string {
	b, err := json.Marshal(o)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// xmlTarget is one decoder, run as a user runs it.
type xmlTarget struct {
	name string
	file string
	root string
	doc  func(p xmlParts) io.Reader
	run  func(r io.Reader, file string, l findings.Limits) (xmlOut, error)
	// The target's sentinels for limits, syntax and invalid documents.
	errLimit, errSyntax, errInvalid error
	// numbers lists the number fields the decoder reads.
	numbers []string
	// holdsWhole: the decoder must hold the document whole before it
	// interprets it (CycloneDX), so a record of many elements is only
	// bounded by MaxDocumentBytes.
	holdsWhole bool
	// dupWins is the value expected when the element of xmlParts.dup is
	// given twice and the last wins; "" when the decoder rejects it.
	dupWins string
	// dupOf returns the value of that element in out.
	dupOf func(out xmlOut) string
	// dupField is the path suffix of the ErrInvalid of a rejected
	// duplicate.
	dupField string
}

// xmlFindingsRun runs a findings decoder.
func xmlFindingsRun(decode findings.DecodeFunc) func(io.Reader, string, findings.Limits) (xmlOut, error) {
	return func(r io.Reader, file string, l findings.Limits) (xmlOut, error) {
		var out xmlOut
		err := decode(r, findings.DecodeOptions{Name: file, Limits: l}, findings.Handler{
			Finding: func(f findings.Finding) error { out.Findings = append(out.Findings, f); return nil },
			VEX:     func(v findings.VEXStatement) error { out.VEX = append(out.VEX, v); return nil },
		})
		return out, err
	}
}

func xmlTargets() []xmlTarget {
	firstFinding := func(get func(findings.Finding) string) func(xmlOut) string {
		return func(o xmlOut) string {
			if len(o.Findings) == 0 {
				return ""
			}
			return get(o.Findings[0])
		}
	}
	return []xmlTarget{
		{
			name: "zap", file: "zap-report.xml", root: "OWASPZAPReport",
			doc: func(p xmlParts) io.Reader {
				dup := ""
				if p.dup {
					dup = `<riskcode>0</riskcode>`
				}
				return hostile.Concat(`<?xml version="1.0"?>`, p.or(p.prolog, "\n"),
					`<OWASPZAPReport version="2.14.0"><site name="`, p.or(p.attr, "http://h"), `" host="h" port="80" ssl="false">`,
					`<alerts><alertitem><pluginid>10020</pluginid><alert>Missing Anti-clickjacking Header</alert>`,
					`<riskcode>`, p.num("riskcode", "2"), `</riskcode>`, dup,
					`<confidence>`, p.num("confidence", "2"), `</confidence><desc>`, p.or(p.text, "ok"), `</desc>`, p.or(p.inner, ""),
					`<instances><instance><uri>http://h/</uri><method>GET</method></instance></instances>`,
					`</alertitem></alerts></site></OWASPZAPReport>`)
			},
			run:      xmlFindingsRun(zap.Decode),
			errLimit: findings.ErrLimit, errSyntax: findings.ErrSyntax, errInvalid: findings.ErrInvalid,
			numbers:  []string{"riskcode", "confidence"},
			dupField: ".riskcode",
		},
		{
			name: "dependency-check", file: "dependency-check-report.xml", root: "analysis",
			doc: func(p xmlParts) io.Reader {
				dup := ""
				if p.dup {
					dup = `<name>CVE-2021-45046</name>`
				}
				return hostile.Concat(`<?xml version="1.0"?>`, p.or(p.prolog, "\n"),
					`<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.4.0.xsd">`,
					`<scanInfo><engineVersion>9.0.9</engineVersion></scanInfo><projectInfo><name>shop</name></projectInfo>`,
					`<dependencies><dependency isVirtual="false"><fileName>log4j-core-2.14.1.jar</fileName><filePath>lib/log4j-core-2.14.1.jar</filePath>`,
					p.or(p.inner, ""),
					`<vulnerabilities><vulnerability source="`, p.or(p.attr, "NVD"), `"><name>CVE-2021-44228</name>`, dup,
					`<severity>CRITICAL</severity><cvssV2><score>`, p.num("cvssV2.score", "9.3"), `</score><severity>HIGH</severity></cvssV2>`,
					`<cvssV3><baseScore>`, p.num("cvssV3.baseScore", "10.0"), `</baseScore><baseSeverity>CRITICAL</baseSeverity></cvssV3>`,
					`<description>`, p.or(p.text, "ok"), `</description></vulnerability></vulnerabilities>`,
					`</dependency></dependencies></analysis>`)
			},
			run:      xmlFindingsRun(depcheck.Decode),
			errLimit: findings.ErrLimit, errSyntax: findings.ErrSyntax, errInvalid: findings.ErrInvalid,
			numbers:  []string{"cvssV2.score", "cvssV3.baseScore"},
			dupField: ".name",
		},
		{
			name: "cyclonedx-vdr-xml", file: "vdr.cdx.xml", root: "bom",
			doc: func(p xmlParts) io.Reader {
				dup := ""
				if p.dup {
					dup = `<id>CVE-2021-45046</id>`
				}
				return hostile.Concat(`<?xml version="1.0"?>`, p.or(p.prolog, "\n"),
					`<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">`,
					`<components><component type="library" bom-ref="pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1">`,
					`<name>log4j-core</name><version>2.14.1</version><purl>pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1</purl></component></components>`,
					`<vulnerabilities><vulnerability bom-ref="`, p.or(p.attr, "v1"), `"><id>CVE-2021-44228</id>`, dup,
					`<source><name>NVD</name></source><ratings><rating><score>`, p.num("score", "10.0"), `</score>`,
					`<severity>critical</severity><method>CVSSv31</method></rating></ratings>`,
					`<description>`, p.or(p.text, "ok"), `</description>`, p.or(p.inner, ""),
					`<affects><target><ref>pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1</ref></target></affects>`,
					`</vulnerability></vulnerabilities></bom>`)
			},
			run:      xmlFindingsRun(fcdx.Decode),
			errLimit: findings.ErrLimit, errSyntax: findings.ErrSyntax, errInvalid: findings.ErrInvalid,
			numbers:    []string{"score"},
			holdsWhole: true,
			dupWins:    "CVE-2021-45046",
			dupOf:      firstFinding(func(f findings.Finding) string { return f.RuleID }),
		},
		{
			name: "inventory-cyclonedx-xml", file: "sbom.cdx.xml", root: "bom",
			doc: func(p xmlParts) io.Reader {
				dup := ""
				if p.dup {
					dup = `<purl>pkg:npm/right-pad@1.0.0</purl>`
				}
				return hostile.Concat(`<?xml version="1.0"?>`, p.or(p.prolog, "\n"),
					`<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>`,
					`<component type="library" bom-ref="`, p.or(p.attr, "c1"), `"><name>`, p.or(p.text, "left-pad"), `</name>`,
					`<version>1.0.0</version><purl>pkg:npm/left-pad@1.0.0</purl>`, dup, p.or(p.inner, ""),
					`</component></components></bom>`)
			},
			run: func(r io.Reader, file string, l findings.Limits) (xmlOut, error) {
				g := inventory.New()
				_, err := invcdx.Read(r, g, invcdx.Options{Name: file, Limits: l})
				return xmlOut{Assets: g.Assets()}, err
			},
			errLimit: invcdx.ErrLimit, errSyntax: invcdx.ErrSyntax, errInvalid: invcdx.ErrInvalid,
			holdsWhole: true,
			dupWins:    "pkg:npm/right-pad@1.0.0",
			dupOf: func(o xmlOut) string {
				if len(o.Assets) == 0 {
					return ""
				}
				return o.Assets[0].PURL
			},
		},
	}
}

// xmlWant is the outcome a row expects: an error wrapping the target's
// limit ("limit", with the LimitError's name), syntax or invalid sentinel,
// or success ("ok").
type xmlWant struct {
	kind  string
	limit string
}

var (
	xmlOK      = xmlWant{kind: "ok"}
	xmlSyntax  = xmlWant{kind: "syntax"}
	xmlInvalid = xmlWant{kind: "invalid"}
)

func xmlLimit(name string) xmlWant { return xmlWant{kind: "limit", limit: name} }

// xmlCheck checks err against want for target tg: the sentinel, and a
// message that names the file and a place.
func xmlCheck(t *testing.T, tg xmlTarget, file string, want xmlWant, err error) {
	t.Helper()
	if want.kind == "ok" {
		assert.NoError(t, err)
		return
	}
	require.Error(t, err)
	switch want.kind {
	case "limit":
		assert.ErrorIs(t, err, tg.errLimit)
		var le *findings.LimitError
		if assert.ErrorAs(t, err, &le) {
			assert.Equal(t, want.limit, le.Limit, "%v", err)
		}
	case "syntax":
		assert.ErrorIs(t, err, tg.errSyntax)
	case "invalid":
		assert.ErrorIs(t, err, tg.errInvalid)
	}
	msg := err.Error()
	assert.Contains(t, msg, file, "the error names the file")
	assert.Less(t, len(msg), 4096, "the error message stays short")
	var de *findings.DecodeError
	var ie *invcdx.Error
	switch {
	case errors.As(err, &de):
		assert.True(t, de.Offset >= 0 || de.Path != "", "the error names a place: %v", err)
	case errors.As(err, &ie):
		assert.True(t, ie.Offset >= 0 || ie.Path != "", "the error names a place: %v", err)
	default:
		t.Errorf("error %T is neither a *findings.DecodeError nor a *cyclonedx.Error: %v", err, err)
	}
}

// xmlCase is one hostile input.
type xmlCase struct {
	name  string
	parts func(tg xmlTarget) xmlParts
	want  func(tg xmlTarget) xmlWant
	// limits replace the defaults when set.
	limits findings.Limits
	// maxRead bounds the bytes read; 0 leaves them unchecked.
	maxRead int64
	// maxAlloc bounds the bytes allocated; 0 means xmlSmallAlloc.
	maxAlloc uint64
	// check, when set, checks the result further.
	check func(t *testing.T, tg xmlTarget, out xmlOut, err error)
	// slow marks the rows bounded by xmlSlowTime.
	slow bool
}

func xmlAlways(w xmlWant) func(xmlTarget) xmlWant { return func(xmlTarget) xmlWant { return w } }

// xmlSecret makes a local file whose content must never surface, and
// returns its path and content.
func xmlSecret(t *testing.T) (string, string) {
	t.Helper()
	secret := "aspm-xxe-secret-4f1c9e27"
	path := filepath.Join(t.TempDir(), "secret.txt")
	require.NoError(t, os.WriteFile(path, []byte(secret+"\n"), 0o600))
	return path, secret
}

// xmlPrologOf returns the DOCTYPE of a document the hostile generators
// make, which ends at "]>".
func xmlPrologOf(doc string) string {
	start := strings.Index(doc, "<!DOCTYPE")
	end := strings.Index(doc, "]>")
	return "\n" + doc[start:end+2] + "\n"
}

func xmlCases(t *testing.T) []xmlCase {
	secretPath, secret := xmlSecret(t)
	noSecret := func(t *testing.T, _ xmlTarget, out xmlOut, err error) {
		t.Helper()
		assert.NotContains(t, out.String(), secret, "the external file's content is in a result")
		if err != nil {
			assert.NotContains(t, err.Error(), secret, "the external file's content is in the error")
		}
	}
	bomb := xmlPrologOf(hostile.XMLEntityBomb("r", 9))
	xxe := xmlPrologOf(hostile.XMLExternalEntity("r", secretPath))
	deep := func() io.Reader { return hostile.Concat(xmlRepeat("<x>", 3*1_000_000), xmlRepeat("</x>", 4*1_000_000)) }
	return []xmlCase{
		{name: "entity bomb in text", parts: func(xmlTarget) xmlParts { return xmlParts{prolog: bomb, text: "&lol9;"} },
			want: xmlAlways(xmlSyntax), check: func(t *testing.T, _ xmlTarget, _ xmlOut, err error) {
				assert.ErrorContains(t, err, "lol9")
			}},
		{name: "entity bomb in an attribute", parts: func(xmlTarget) xmlParts { return xmlParts{prolog: bomb, attr: "&lol9;"} },
			want: xmlAlways(xmlSyntax)},
		{name: "external entity in text", parts: func(xmlTarget) xmlParts { return xmlParts{prolog: xxe, text: "&xxe;"} },
			want: xmlAlways(xmlSyntax), check: noSecret},
		{name: "external entity in an attribute", parts: func(xmlTarget) xmlParts { return xmlParts{prolog: xxe, attr: "&xxe;"} },
			want: xmlAlways(xmlSyntax), check: noSecret},
		{name: "external DTD", parts: func(tg xmlTarget) xmlParts {
			return xmlParts{prolog: "\n<!DOCTYPE " + tg.root + ` SYSTEM "file://` + secretPath + `">` + "\n"}
		}, want: xmlAlways(xmlOK), check: noSecret},
		{name: "1,000,000 deep in a record", parts: func(xmlTarget) xmlParts { return xmlParts{inner: deep()} },
			want: xmlAlways(xmlLimit("MaxDepth")), maxRead: xmlMiB},
		{name: "1,000,000 deep document", parts: nil, // the whole document is hostile.DeepXML
			want: xmlAlways(xmlLimit("MaxDepth")), maxRead: xmlMiB},
		{name: "500 MB text node", parts: func(xmlTarget) xmlParts { return xmlParts{text: xmlRepeat("A", xmlHuge)} },
			want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlStringRead, maxAlloc: xmlStringAlloc, slow: true},
		{name: "500 MB text node of quotes", limits: xmlSmallString, parts: func(xmlTarget) xmlParts { return xmlParts{text: xmlRepeat(`"'`, xmlHuge)} },
			want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlSmallRead, maxAlloc: xmlSmallStringAlloc},
		{name: "500 MB CDATA section of '<'", limits: xmlSmallString, parts: func(xmlTarget) xmlParts {
			return xmlParts{text: hostile.Concat("<![CDATA[", xmlRepeat("<]", xmlHuge), "]]>")}
		}, want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlSmallRead, maxAlloc: xmlSmallStringAlloc},
		{name: "500 MB comment of '<>'", limits: xmlSmallString, parts: func(xmlTarget) xmlParts {
			return xmlParts{inner: hostile.Concat("<!--", xmlRepeat("<>", xmlHuge), "-->")}
		}, want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlSmallRead, maxAlloc: xmlSmallStringAlloc},
		{name: "500 MB processing instruction", limits: xmlSmallString, parts: func(xmlTarget) xmlParts {
			return xmlParts{prolog: hostile.Concat("<?pi ", xmlRepeat("x>", xmlHuge), "?>")}
		}, want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlSmallRead, maxAlloc: xmlSmallStringAlloc},
		{name: "500 MB DOCTYPE", limits: xmlSmallString, parts: func(xmlTarget) xmlParts {
			return xmlParts{prolog: hostile.Concat("<!DOCTYPE r [", xmlRepeat(`<!ENTITY a "x">`, xmlHuge), "]>")}
		}, want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlSmallRead, maxAlloc: xmlSmallStringAlloc},
		{name: "500 MB attribute", parts: func(xmlTarget) xmlParts { return xmlParts{attr: xmlRepeat("A", xmlHuge)} },
			want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlStringRead, maxAlloc: xmlStringAlloc, slow: true},
		{name: "500 MB attribute of '>'", limits: xmlSmallString, parts: func(xmlTarget) xmlParts { return xmlParts{attr: xmlRepeat(">", xmlHuge)} },
			want: xmlAlways(xmlLimit("MaxStringBytes")), maxRead: xmlSmallRead, maxAlloc: xmlSmallStringAlloc},
		{name: "a tag of 500 MB of attributes", parts: func(xmlTarget) xmlParts {
			return xmlParts{inner: hostile.Concat("<x", xmlRepeat(` a=""`, xmlHuge), "/>")}
		}, want: xmlAlways(xmlLimit("MaxTagMarkupBytes")), maxRead: xmlMiB},
		// With MaxStringBytes at 1 MiB, ZAP and Dependency-Check stop a
		// record at its budget of 5 MiB (about 33,000 empty elements);
		// CycloneDX holds the document whole and reads them all (at some
		// 110 bytes allocated, all short-lived, per input byte).
		{name: "a record of 100,000 empty elements", limits: xmlSmallString, parts: func(tg xmlTarget) xmlParts {
			return xmlParts{inner: xmlRepeat("<x/>", 4*100_000)}
		}, want: func(tg xmlTarget) xmlWant {
			if tg.holdsWhole {
				return xmlOK
			}
			return xmlLimit("MaxRecordBytes")
		}, maxAlloc: 128 * xmlMiB},
		{name: "500 MB document over a MaxDocumentBytes of 1 MiB", limits: findings.Limits{MaxDocumentBytes: xmlMiB},
			parts: func(xmlTarget) xmlParts { return xmlParts{inner: xmlRepeat(" ", xmlHuge)} },
			want:  xmlAlways(xmlLimit("MaxDocumentBytes")), maxRead: xmlMiB + 128<<10},
		{name: "invalid UTF-8 in text", parts: func(xmlTarget) xmlParts { return xmlParts{text: hostile.InvalidUTF8} },
			want: xmlAlways(xmlSyntax)},
		{name: "invalid UTF-8 in an attribute", parts: func(xmlTarget) xmlParts { return xmlParts{attr: hostile.InvalidUTF8} },
			want: xmlAlways(xmlSyntax)},
		{name: "NUL in text", parts: func(xmlTarget) xmlParts { return xmlParts{text: "a\x00b"} },
			want: xmlAlways(xmlSyntax)},
		{name: "NUL in an attribute", parts: func(xmlTarget) xmlParts { return xmlParts{attr: "a\x00b"} },
			want: xmlAlways(xmlSyntax)},
		{name: "a single-valued element twice", parts: func(xmlTarget) xmlParts { return xmlParts{dup: true} },
			want: func(tg xmlTarget) xmlWant {
				if tg.dupWins != "" {
					return xmlOK
				}
				return xmlInvalid
			}, check: func(t *testing.T, tg xmlTarget, out xmlOut, err error) {
				if tg.dupWins != "" {
					assert.Equal(t, tg.dupWins, tg.dupOf(out), "the last element wins")
					return
				}
				var de *findings.DecodeError
				if assert.ErrorAs(t, err, &de) {
					assert.True(t, strings.HasSuffix(de.Path, tg.dupField), "path %q names the element", de.Path)
				}
			}},
	}
}

// TestXMLHostile runs every hostile case against every XML decoder.
func TestXMLHostile(t *testing.T) {
	for _, tg := range xmlTargets() {
		for _, tc := range xmlCases(t) {
			t.Run(tg.name+"/"+tc.name, func(t *testing.T) {
				var doc io.Reader
				if tc.parts == nil {
					doc = hostile.DeepXML(tg.root, 1_000_000)
				} else {
					doc = tg.doc(tc.parts(tg))
				}
				limit := xmlTime
				if tc.slow {
					limit = xmlSlowTime
				}
				xmlRunCase(t, tg, tc.want(tg), doc, tc.limits, tc.maxRead, tc.maxAlloc, limit, tc.check)
			})
		}
	}
}

// xmlRunCase decodes doc with tg and checks the outcome and its cost.
func xmlRunCase(t *testing.T, tg xmlTarget, want xmlWant, doc io.Reader, l findings.Limits, maxRead int64, maxAlloc uint64,
	maxTime time.Duration, check func(*testing.T, xmlTarget, xmlOut, error)) {
	t.Helper()
	c := &hostile.Counter{R: doc}
	var (
		out xmlOut
		err error
	)
	cost := hostile.Run(func() { out, err = tg.run(c, tg.file, l) })
	t.Logf("%s: read %d bytes; %.300v", cost, c.N, err)
	xmlCheck(t, tg, tg.file, want, err)
	if check != nil {
		check(t, tg, out, err)
	}
	if want.kind != "ok" {
		assert.Empty(t, out.Findings, "no finding before the error")
	}
	assert.Less(t, cost.Elapsed, maxTime)
	if maxAlloc == 0 {
		maxAlloc = xmlSmallAlloc
	}
	assert.Less(t, cost.Alloc, maxAlloc, "allocated")
	if maxRead > 0 {
		assert.LessOrEqual(t, c.N, maxRead, "bytes read")
	}
}

// TestXMLHostileNumbers puts numbers no field can hold where each decoder
// reads a number: ZAP's riskcode and confidence are codes (any other text
// is ErrInvalid); CVSS scores must be decimal numbers from 0 to 10, and one
// too small for float64 reads as 0.
func TestXMLHostileNumbers(t *testing.T) {
	values := []string{"1e400", "-1e400", "123456789012345678901234567890", "-9223372036854775809",
		"NaN", "Inf", "-1", "11", "1e-400", "0x1p-2", strings.Repeat("9", 1<<20)}
	for _, tg := range xmlTargets() {
		for _, field := range tg.numbers {
			for _, v := range values {
				name := v
				if len(name) > 40 {
					name = fmt.Sprintf("%d nines", len(v))
				}
				t.Run(tg.name+"/"+field+"="+name, func(t *testing.T) {
					want := xmlInvalid
					isScore := field != "riskcode" && field != "confidence"
					if isScore && v == "1e-400" {
						want = xmlOK
					}
					doc := tg.doc(xmlParts{nums: map[string]string{field: v}})
					xmlRunCase(t, tg, want, doc, findings.Limits{}, 0, 12*uint64(len(v))*xmlRaceFactor+xmlSmallAlloc, xmlTime,
						func(t *testing.T, tg xmlTarget, out xmlOut, err error) {
							if want.kind == "ok" {
								require.NotEmpty(t, out.Findings)
								require.NotEmpty(t, out.Findings[0].CVSS)
								found := false
								for _, c := range out.Findings[0].CVSS {
									if c.Score != nil && *c.Score == 0 {
										found = true
									}
								}
								assert.True(t, found, "the score reads as 0: %+v", out.Findings[0].CVSS)
								return
							}
							var de *findings.DecodeError
							if assert.ErrorAs(t, err, &de) {
								assert.Contains(t, de.Path, field[strings.LastIndexByte(field, '.')+1:], "the path names the field")
							}
						})
				})
			}
		}
	}
}

// TestXMLHostileDetect runs the worst inputs through findings/detect, as
// the CLI does: the decoder's errors come through unchanged.
func TestXMLHostileDetect(t *testing.T) {
	secretPath, secret := xmlSecret(t)
	for _, tg := range xmlTargets()[:3] {
		cases := []struct {
			name  string
			doc   io.Reader
			want  error
			limit string
		}{
			{"entity bomb", tg.doc(xmlParts{prolog: xmlPrologOf(hostile.XMLEntityBomb("r", 9)), text: "&lol9;"}), findings.ErrSyntax, ""},
			{"external entity", tg.doc(xmlParts{prolog: xmlPrologOf(hostile.XMLExternalEntity("r", secretPath)), text: "&xxe;"}), findings.ErrSyntax, ""},
			{"1,000,000 deep", tg.doc(xmlParts{inner: hostile.Concat(xmlRepeat("<x>", 3_000_000), xmlRepeat("</x>", 4_000_000))}), findings.ErrLimit, "MaxDepth"},
			{"500 MB text node", tg.doc(xmlParts{text: xmlRepeat("A", xmlHuge)}), findings.ErrLimit, "MaxStringBytes"},
		}
		// MaxStringBytes is 1 MiB here, to keep the test quick: the table
		// of TestXMLHostile holds the default.
		for _, tc := range cases {
			t.Run(tg.name+"/"+tc.name, func(t *testing.T) {
				c := &hostile.Counter{R: tc.doc}
				var format string
				var err error
				var got []findings.Finding
				cost := hostile.Run(func() {
					format, err = detect.Decode(c, detect.Options{DecodeOptions: findings.DecodeOptions{Name: tg.file, Limits: xmlSmallString}},
						findings.Handler{Finding: func(f findings.Finding) error { got = append(got, f); return nil }})
				})
				t.Logf("%s: %s, read %d bytes; %.300v", format, cost, c.N, err)
				assert.ErrorIs(t, err, tc.want)
				if tc.limit != "" {
					var le *findings.LimitError
					require.ErrorAs(t, err, &le)
					assert.Equal(t, tc.limit, le.Limit)
					assert.LessOrEqual(t, c.N, int64(xmlSmallRead))
				}
				assert.ErrorContains(t, err, tg.file)
				assert.NotContains(t, err.Error(), secret)
				assert.Empty(t, got)
				assert.Less(t, cost.Elapsed, xmlTime)
				assert.Less(t, cost.Alloc, uint64(xmlSmallStringAlloc+xmlSmallAlloc))
			})
		}
	}
}

// TestXMLCycloneDXJSONHostile covers the JSON syntax of CycloneDX VEX and VDR
// documents, which findings/cyclonedx reads whole (MaxDocumentBytes)
// through a JSON guard.
func TestXMLCycloneDXJSONHostile(t *testing.T) {
	tg := xmlTargets()[2] // findings/cyclonedx: its run and sentinels
	tg.file = "vex.cdx.json"
	doc := func(desc any, extra any, score string, dup bool) io.Reader {
		d := ""
		if dup {
			d = `"id":"CVE-2021-45046",`
		}
		return hostile.Concat(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,`,
			`"components":[{"type":"library","bom-ref":"c1","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],`,
			`"vulnerabilities":[{"bom-ref":"v1","id":"CVE-2021-44228",`, d,
			`"ratings":[{"score":`, score, `,"severity":"critical","method":"CVSSv31"}],"description":`, desc, extra,
			`,"affects":[{"ref":"c1"}],"analysis":{"state":"exploitable"}}]}`)
	}
	okDesc := `"ok"`
	cases := []struct {
		name     string
		doc      io.Reader
		want     xmlWant
		maxRead  int64
		maxAlloc uint64
		check    func(t *testing.T, tg xmlTarget, out xmlOut, err error)
	}{
		{name: "1,000,000 deep", doc: doc(okDesc, hostile.Concat(`,"x":`, hostile.DeepJSONArray(1_000_000)), "9.8", false),
			want: xmlLimit("MaxDepth"), maxRead: xmlMiB},
		{name: "1,000,000 deep objects", doc: doc(okDesc, hostile.Concat(`,"x":`, hostile.DeepJSONObject(1_000_000)), "9.8", false),
			want: xmlLimit("MaxDepth"), maxRead: xmlMiB},
		{name: "500 MB description", doc: doc(hostile.Concat(`"`, xmlRepeat("A", xmlHuge), `"`), "", "9.8", false),
			want: xmlLimit("MaxStringBytes"), maxRead: xmlStringRead, maxAlloc: xmlStringAlloc},
		{name: "invalid UTF-8 in the description", doc: doc(`"`+hostile.InvalidUTF8+`"`, "", "9.8", false), want: xmlOK,
			check: func(t *testing.T, _ xmlTarget, out xmlOut, _ error) {
				require.NotEmpty(t, out.Findings)
				assert.Contains(t, out.Findings[0].Description, "\uFFFD", "invalid UTF-8 becomes U+FFFD, as in encoding/json")
			}},
		{name: "duplicate id", doc: doc(okDesc, "", "9.8", true), want: xmlOK,
			check: func(t *testing.T, tg xmlTarget, out xmlOut, _ error) {
				assert.Equal(t, "CVE-2021-45046", tg.dupOf(out), "the last key wins, as in encoding/json")
			}},
		{name: "score 1e400", doc: doc(okDesc, "", "1e400", false), want: xmlInvalid},
		{name: "score -1", doc: doc(okDesc, "", "-1", false), want: xmlInvalid},
		{name: "score 11", doc: doc(okDesc, "", "11", false), want: xmlInvalid},
		{name: "score of 30 digits", doc: doc(okDesc, "", "123456789012345678901234567890", false), want: xmlInvalid},
		{name: "score NaN", doc: doc(okDesc, "", "NaN", false), want: xmlSyntax},
		{name: "score 1e-400", doc: doc(okDesc, "", "1e-400", false), want: xmlOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			limit := xmlTime
			if tc.maxAlloc == xmlStringAlloc {
				limit = xmlSlowTime // a 16 MiB string is read
			}
			xmlRunCase(t, tg, tc.want, tc.doc, findings.Limits{}, tc.maxRead, tc.maxAlloc, limit, tc.check)
		})
	}
}

// TestXMLGuardCountsRawBytes pins the limit that the guard of
// internal/xmlstream states for a tag's markup, which the table above
// relies on.
func TestXMLGuardCountsRawBytes(t *testing.T) {
	assert.Equal(t, 64<<10, xmlstream.MaxTagMarkupBytes)
	assert.Equal(t, int64(4*limits.MaxStringBytes+1<<20), xmlstream.RecordBudget(limits.MaxStringBytes))
}
