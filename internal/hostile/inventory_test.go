package hostile_test

// Hostile input against the inventory importers: SPDX (JSON, YAML,
// tag-value), CycloneDX JSON, catalogs (YAML, JSON), Kubernetes manifests,
// CODEOWNERS and inventory/load (which also reads aspm's graph JSON).
//
// Every case runs the importer's public Read (or Parse) on a reader with a
// file name, under hostile.Run, and holds it to these bounds, which hold
// under -race on 2 busy cores (this file's cases take about 5 s there):
// 10 s and 48 MiB (3 x limits.MaxStringBytes) unless stated.
//
//	input                               limit                              what happens
//	JSON nested 1,000,000 deep          limits.MaxDepth (512)              ErrLimit at the 513th bracket with line and column,
//	                                                                       read stops within the first 64 KiB; < 1 MiB allocated
//	JSON string of 500 MB               limits.MaxStringBytes (16 MiB)     ErrLimit while reading, with line and column: < 20 MiB
//	                                                                       read, ~20 MiB allocated (CycloneDX: < 96 MiB)
//	YAML or tag-value line of 500 MB    limits.MaxStringBytes a line       ErrLimit while reading, like the JSON string
//	CODEOWNERS of 500 MB                codeowners.DefaultMaxBytes (3 MiB) ErrLimit after 3 MiB + 1 byte read
//	YAML flow nested 1,000,000 deep     yaml.v3's depth (10,000)           ErrSyntax with the line (SPDX: ErrSyntax, yaml.v2's)
//	YAML alias bomb (10^9 nodes)        10 visits a node + 10,000          a schema error at the first alias (catalog, k8s), or
//	                                                                       ErrSyntax "excessive aliasing" (SPDX); < 1 s
//	YAML aliases expanding 4 x 10^8     the same budget                    ErrLimit "too many nodes", < 1 s, < 256 MiB (memory
//	  (k8s: Services x ports)                                              follows the budget, so the document's size)
//	100,000 empty YAML documents        none needed                        k8s, SPDX: nothing read, no error; catalog: "empty
//	                                                                       document"; a later document with content: an error
//	                                                                       at its line (SPDX: not silently dropped); < 128 MiB
//	numbers out of range (1e400...)     the field's type                   ErrInvalid with the place (SPDX, CycloneDX), or kept
//	                                                                       as the text written (catalog names, k8s ports)
//	invalid UTF-8                       -                                  JSON: U+FFFD, as encoding/json; YAML: ErrSyntax at the
//	                                                                       byte; tag-value and CODEOWNERS patterns: kept as is
//	duplicate keys                      -                                  catalog, k8s: ErrInvalid "given twice"; SPDX, CycloneDX,
//	                                                                       graph JSON: the last wins, as encoding/json (documented)
//	500 MB in no format (load)          limits.SniffBytes (64 KiB)         ErrUnknownFormat after 64 KiB read
//	2 MB glob matched (CODEOWNERS)      -                                  polynomial matching: < 1 s
//
// Allocation is measured process-wide, so none of these tests runs in
// parallel.

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/hostile"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
	"github.com/aspmkit/aspm/inventory/codeowners"
	invcdx "github.com/aspmkit/aspm/inventory/cyclonedx"
	invk8s "github.com/aspmkit/aspm/inventory/k8s"
	invload "github.com/aspmkit/aspm/inventory/load"
	"github.com/aspmkit/aspm/inventory/spdx"
)

// The bounds every case is held to unless it states its own.
const (
	invMaxTime = 10 * time.Second
	// invEmptyDocsAlloc bounds 100,000 empty YAML documents: yaml.v3
	// allocates about 650 bytes for each.
	invEmptyDocsAlloc = 128 << 20
	// invWholeAlloc bounds readers that read a 16 MiB string whole into
	// a growing buffer before they fail (up to 4 x under -race).
	invWholeAlloc = 6 * limits.MaxStringBytes
	invMaxAlloc   = 3 * limits.MaxStringBytes // 48 MiB
	invBig        = 500 << 20                 // the size of a hostile string
	invDeep       = 1_000_000                 // the depth of hostile nesting
)

// invCase is one hostile input for one importer.
type invCase struct {
	name  string
	file  string
	input func() io.Reader
	// read runs the importer as a user would; it returns what the
	// importer returned, for check.
	read func(r io.Reader, file string) (any, error)
	// want lists the sentinels of which the error must match one; nil
	// means the input is valid and check says what it gives.
	want []error
	// place matches the part of the message that locates the problem.
	place string
	// check inspects the result of a valid input, or anything more about
	// an error.
	check func(t *testing.T, got any, err error)
	// maxRead bounds the bytes read (0: not checked); maxAlloc and
	// maxTime override the defaults.
	maxRead  int64
	maxAlloc uint64
	maxTime  time.Duration
}

// invRun runs the cases, sequentially.
func invRun(t *testing.T, cases []invCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			counter := &hostile.Counter{R: c.input()}
			var got any
			var err error
			cost := hostile.Run(func() { got, err = c.read(counter, c.file) })
			t.Logf("%s; read %d bytes; err: %.300v", cost, counter.N, err)
			maxTime, maxAlloc := cmpOr(c.maxTime, invMaxTime), cmpOr(c.maxAlloc, invMaxAlloc)
			assert.Less(t, cost.Elapsed, maxTime, "time")
			assert.Less(t, cost.Alloc, maxAlloc, "allocation")
			if c.maxRead > 0 {
				assert.LessOrEqual(t, counter.N, c.maxRead, "bytes read")
			}
			if c.want == nil {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				matched := false
				for _, w := range c.want {
					matched = matched || errors.Is(err, w)
				}
				assert.True(t, matched, "%v matches none of %v", err, c.want)
				assert.Contains(t, err.Error(), c.file, "the message names the file")
				assert.Regexp(t, regexp.MustCompile(c.place), err.Error(), "the message names the place")
			}
			if c.check != nil {
				c.check(t, got, err)
			}
		})
	}
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// invStr returns a reader of s.
func invStr(s string) func() io.Reader {
	return func() io.Reader { return strings.NewReader(s) }
}

// invDoc returns a reader of the parts (see hostile.Concat), made anew
// for each run.
func invDoc(parts ...func() any) func() io.Reader {
	return func() io.Reader {
		ps := make([]any, len(parts))
		for i, p := range parts {
			ps[i] = p()
		}
		return hostile.Concat(ps...)
	}
}

func invLit(s string) func() any { return func() any { return s } }

// invDeepArray, invDeepObject and invDeepYAML are hostile's DeepJSONArray,
// DeepJSONObject and DeepYAML made with invRepeat.
func invDeepArray() any {
	return hostile.Concat(invRepeat("[", invDeep), "0", invRepeat("]", invDeep))
}

func invDeepObject() any {
	return hostile.Concat(invRepeat(`{"a":`, invDeep), "1", invRepeat("}", invDeep))
}

func invDeepYAML(key string) io.Reader {
	return hostile.Concat(key+": ", invRepeat("[", invDeep), "x", invRepeat("]", invDeep), "\n")
}
func invLongString() any { return hostile.Concat(`"`, invRepeat("A", invBig), `"`) }

// invLongRead is what reading up to a 16 MiB limit may cost in bytes:
// the limit and the importer's last read.
const invLongRead = limits.MaxStringBytes + 4<<20

// The importers, as a user calls them.

func invSPDX(r io.Reader, file string) (any, error) {
	g := inventory.New()
	_, err := spdx.Read(r, g, spdx.Options{Name: file})
	return g, err
}

func invCycloneDX(r io.Reader, file string) (any, error) {
	g := inventory.New()
	_, err := invcdx.Read(r, g, invcdx.Options{Name: file})
	return g, err
}

func invCatalog(r io.Reader, file string) (any, error) {
	g := inventory.New()
	_, err := catalog.Read(r, g, catalog.Options{Name: file})
	return g, err
}

func invK8s(r io.Reader, file string) (any, error) {
	g := inventory.New()
	_, err := invk8s.Read(r, g, invk8s.Options{Name: file})
	return g, err
}

func invCodeowners(r io.Reader, file string) (any, error) {
	return codeowners.Parse(r, codeowners.Options{Name: file})
}

func invLoad(r io.Reader, file string) (any, error) {
	g := inventory.New()
	_, err := invload.Read(r, g, invload.Options{Name: file})
	return g, err
}

// invAssetNames returns the names of the graph's assets of kind k.
func invAssetNames(g any, k inventory.Kind) []string {
	var names []string
	for _, a := range g.(*inventory.Graph).Assets() {
		if a.Kind == k {
			names = append(names, a.Name)
		}
	}
	return names
}

// The SPDX 2.3 JSON document the SPDX cases embed their input in: the
// hole is the value of packages[0].name.
const (
	invSPDXHead = `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"hostile",` +
		`"documentNamespace":"https://example.com/hostile","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: hostile"]},` +
		`"packages":[{"SPDXID":"SPDXRef-p","versionInfo":"1.0","downloadLocation":"NOASSERTION","name":`
	invSPDXTail = `}]}`
)

func TestHostileSPDX(t *testing.T) {
	file := "hostile.spdx.json"
	limit := []error{spdx.ErrLimit}
	cases := []invCase{
		{name: "JSON deep array", input: invDoc(invLit(invSPDXHead), invDeepArray, invLit(invSPDXTail)),
			want: limit, place: `line 1, byte \d+`},
		{name: "JSON deep object", input: invDoc(invLit(invSPDXHead), invDeepObject, invLit(invSPDXTail)),
			want: limit, place: `line 1, byte \d+`},
		{name: "JSON 500 MB name", input: invDoc(invLit(invSPDXHead), invLongString, invLit(invSPDXTail)),
			want: limit, place: `line 1, byte \d+`, maxRead: invLongRead},
		{name: "JSON name 1e400", input: invStr(invSPDXHead + `1e400` + invSPDXTail),
			want: []error{spdx.ErrInvalid}, place: `byte \d+`},
		{name: "JSON snippet offset out of range", input: invStr(invSPDXHead + `"p"}],` +
			`"snippets":[{"SPDXID":"SPDXRef-s","snippetFromFile":"SPDXRef-f","ranges":[{"startPointer":{"offset":1e400,"reference":"SPDXRef-f"},` +
			`"endPointer":{"offset":99999999999999999999999,"reference":"SPDXRef-f"}}],"licenseConcluded":"NOASSERTION","name":"s"}]}`),
			want: []error{spdx.ErrInvalid}, place: `byte \d+`},
		{name: "JSON invalid UTF-8 in a name becomes U+FFFD", input: invStr(invSPDXHead + `"` + hostile.InvalidUTF8 + `"` + invSPDXTail),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"bad\uFFFDtext\uFFFD(\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDend"}, invAssetNames(g, inventory.KindComponent))
			}},
		{name: "JSON duplicate packages: the last wins", input: invStr(invSPDXHead + `"first"}],` +
			`"packages":[{"SPDXID":"SPDXRef-q","versionInfo":"2.0","downloadLocation":"NOASSERTION","name":"second"}]}`),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"second"}, invAssetNames(g, inventory.KindComponent))
			}},
		{name: "YAML alias bomb", file: "hostile.spdx.yaml",
			input: invStr("spdxVersion: SPDX-2.3\ndataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nname: h\n" + hostile.YAMLAliasBomb("packages", 9, 10)),
			want:  []error{spdx.ErrSyntax}, place: `line 6: .*excessive aliasing`},
		{name: "YAML deep", file: "hostile.spdx.yaml",
			input: invDoc(invLit("spdxVersion: SPDX-2.3\n"), func() any { return invDeepYAML("packages") }),
			want:  []error{spdx.ErrSyntax}, place: `line 2: .*exceeded max depth`},
		{name: "YAML 500 MB scalar", file: "hostile.spdx.yaml",
			input: invDoc(invLit("spdxVersion: SPDX-2.3\nname: "), func() any { return invRepeat("A", invBig) }),
			want:  limit, place: `line 2, byte \d+`, maxRead: invLongRead},
		{name: "YAML 100,000 empty documents are one document", file: "hostile.spdx.yaml",
			input: invDoc(invLit("spdxVersion: SPDX-2.3\n"), func() any { return hostile.Repeat("---\n", 100_000) }),
			check: func(t *testing.T, g any, _ error) { assert.Zero(t, g.(*inventory.Graph).Len()) }},
		{name: "YAML second document", file: "hostile.spdx.yaml",
			input: invDoc(invLit("spdxVersion: SPDX-2.3\n"), func() any { return hostile.Repeat("---\n", 100_000) }, invLit("name: x\n")),
			want:  []error{spdx.ErrInvalid}, place: `line 100002: invalid document: a second YAML document`},
		{name: "tag-value 500 MB line", file: "hostile.spdx",
			input: invDoc(invLit("SPDXVersion: SPDX-2.3\nPackageName: "), func() any { return invRepeat("A", invBig) }),
			want:  limit, place: `line 2, byte \d+`, maxRead: invLongRead},
		{name: "tag-value invalid UTF-8 is kept as written", file: "hostile.spdx",
			input: invStr("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: h\n" +
				"DocumentNamespace: https://example.com/h\nCreator: Tool: h\nCreated: 2024-01-01T00:00:00Z\n\n" +
				"PackageName: " + hostile.InvalidUTF8 + "\nSPDXID: SPDXRef-p\nPackageVersion: 1.0\nPackageDownloadLocation: NOASSERTION\n"),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{hostile.InvalidUTF8}, invAssetNames(g, inventory.KindComponent))
			}},
	}
	for i := range cases {
		cases[i].file = cmpOr(cases[i].file, file)
		cases[i].read = invSPDX
	}
	invRun(t, cases)
}

// invRepeatList returns "[item, item, ...]", n items.
func invRepeatList(item string, n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+", ", n), ", ") + "]"
}

// The CycloneDX 1.6 JSON BOM the cases embed their input in: the hole is
// the value of components[0].name.
const (
	invCDXHead = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","version":"1.0","name":`
	invCDXTail = `}]}`
)

func TestHostileCycloneDXJSON(t *testing.T) {
	limit := []error{invcdx.ErrLimit}
	cases := []invCase{
		{name: "deep array", input: invDoc(invLit(invCDXHead), invDeepArray, invLit(invCDXTail)),
			want: limit, place: `line 1, column \d+: .*MaxDepth`},
		{name: "deep object", input: invDoc(invLit(invCDXHead), invDeepObject, invLit(invCDXTail)),
			want: limit, place: `line 1, column \d+: .*MaxDepth`},
		{name: "500 MB name", input: invDoc(invLit(invCDXHead), invLongString, invLit(invCDXTail)),
			want: limit, place: `line 1, column \d+: .*MaxStringBytes`, maxRead: invLongRead, maxAlloc: invWholeAlloc},
		{name: "occurrence line 1e400", input: invStr(invCDXHead + `"a","evidence":{"occurrences":[{"location":"a.go","line":1e400}]}` + invCDXTail),
			want: []error{invcdx.ErrInvalid}, place: `line 1, column 170: components\.evidence\.occurrences\.line`},
		{name: "occurrence line past int64", input: invStr(invCDXHead + `"a","evidence":{"occurrences":[{"location":"a.go","line":-9223372036854775809}]}` + invCDXTail),
			want: []error{invcdx.ErrInvalid}, place: `line 1, column 170: components\.evidence\.occurrences\.line`},
		{name: "invalid UTF-8 in a name becomes U+FFFD", input: invStr(invCDXHead + `"` + hostile.InvalidUTF8 + `"` + invCDXTail),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"bad\uFFFDtext\uFFFD(\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDend"}, invAssetNames(g, inventory.KindComponent))
			}},
		{name: "duplicate components: the last wins", input: invStr(invCDXHead + `"first"}],"components":[{"type":"library","version":"1.0","name":"second"` + invCDXTail),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"second"}, invAssetNames(g, inventory.KindComponent))
			}},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.cdx.json", invCycloneDX
	}
	invRun(t, cases)
}

const invCatalogHead = "apiVersion: aspm/v1\nkind: Catalog\n"

func TestHostileCatalog(t *testing.T) {
	limit := []error{catalog.ErrLimit}
	jsonHead := `{"apiVersion":"aspm/v1","kind":"Catalog","applications":[{"name":`
	cases := []invCase{
		{name: "YAML alias bomb", input: invStr(invCatalogHead + hostile.YAMLAliasBomb("applications", 9, 10)),
			want: []error{catalog.ErrInvalid}, place: `line 3, column 1: a0: .*unknown field`},
		{name: "YAML alias bomb where tags go", input: invStr(invCatalogHead + "people:\n  - name: p\n    title: &a0 lol\n    tags: &a1 " +
			invRepeatList("*a0", 10) + "\n  - name: q\n    tags: &a2 " + invRepeatList("*a1", 10) + "\n"),
			want: []error{catalog.ErrInvalid}, place: `line 6, column 11: people\[1\]\.tags\[0\]: .*expected a string, got a sequence`},
		{name: "YAML deep", input: invDoc(invLit(invCatalogHead), func() any { return invDeepYAML("applications") }),
			want: []error{catalog.ErrSyntax}, place: `line 3: syntax error: exceeded max depth`},
		{name: "YAML 500 MB scalar", input: invDoc(invLit(invCatalogHead+"applications:\n  - name: "), func() any { return invRepeat("A", invBig) }),
			want: limit, place: `line 4, column 16777217: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "YAML 100,000 empty documents", input: func() io.Reader { return hostile.Repeat("---\n", 100_000) },
			want: []error{catalog.ErrInvalid}, place: `hostile.catalog: .*empty document`, maxAlloc: invEmptyDocsAlloc},
		{name: "YAML a second document after empty ones", input: invDoc(invLit(invCatalogHead), func() any { return hostile.Repeat("---\n", 10_000) }, invLit("a: b\n")),
			want: []error{catalog.ErrInvalid}, place: `line 10003, column 1: .*single YAML document`},
		{name: "YAML duplicate key", input: invStr(invCatalogHead + "applications:\n  - name: a\n    owner: x\n    owner: y\n"),
			want: []error{catalog.ErrInvalid}, place: `line 6, column 5: applications\[0\]\.owner: .*given twice`},
		{name: "YAML invalid UTF-8", input: invStr(invCatalogHead + "applications:\n  - name: " + hostile.InvalidUTF8 + "\n"),
			want: []error{catalog.ErrSyntax}, place: `line 4, column 14: syntax error: invalid leading UTF-8 octet`},
		{name: "YAML number out of range as a name is text", input: invStr(invCatalogHead + "applications:\n  - name: 1e400\n"),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"1e400"}, invAssetNames(g, inventory.KindApplication))
			}},
		{name: "JSON deep", input: invDoc(invLit(jsonHead), invDeepArray, invLit(`}]}`)),
			want: limit, place: `line 1, column \d+: .*MaxDepth`},
		{name: "YAML flow sequence of a 500 MB plain scalar", input: invDoc(invLit("["), func() any { return invRepeat("A", invBig) }, invLit("]")),
			want: limit, place: `line 1, column 16777218: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "YAML 500 MB line after a flow value", input: invDoc(invLit("{}\n---\napplications: "), func() any { return invRepeat("A", invBig) }),
			want: limit, place: `line 3, column 16777217: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "JSON 500 MB name", input: invDoc(invLit(jsonHead), invLongString, invLit(`}]}`)),
			want: limit, place: `line 1, column \d+: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "JSON name 1e400 is text", input: invStr(jsonHead + `1e400}]}`),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"1e400"}, invAssetNames(g, inventory.KindApplication))
			}},
		{name: "JSON invalid UTF-8 becomes U+FFFD", input: invStr(jsonHead + `"` + hostile.InvalidUTF8 + `"}]}`),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"bad\uFFFDtext\uFFFD(\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDend"}, invAssetNames(g, inventory.KindApplication))
			}},
		{name: "JSON duplicate key", input: invStr(jsonHead + `"a","name":"b"}]}`),
			want: []error{catalog.ErrInvalid}, place: `line 1, column 70: applications\[0\]\.name: .*given twice`},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.catalog", invCatalog
	}
	invRun(t, cases)
}

// invK8sServices is a List of n aliases of one Service whose ports are m
// aliases of one port: n x m ports to visit from a document of n + m
// nodes.
func invK8sServices(n, m int) string {
	return "apiVersion: v1\nkind: List\nports: &p " + invRepeatList("*port", 0) + "\n" +
		"port: &port {port: 80}\nallports: &ports " + invRepeatList("*port", m) + "\n" +
		"svc: &svc {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: *ports}}\n" +
		"items: " + invRepeatList("*svc", n) + "\n"
}

func TestHostileK8sManifests(t *testing.T) {
	limit := []error{invk8s.ErrLimit}
	deploy := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: "
	cases := []invCase{
		{name: "YAML alias bomb", input: invStr("apiVersion: v1\nkind: List\n" + hostile.YAMLAliasBomb("items", 9, 10)),
			want: []error{invk8s.ErrInvalid, invk8s.ErrLimit}, place: `document 1, line \d+, column \d+: items\[0\]`},
		{name: "YAML aliases expanding to 4 x 10^8 ports", input: invStr(invK8sServices(20_000, 20_000)),
			want: limit, place: `document 1, line \d+, column \d+: items\[\d+\]\.spec\.ports\[\d+\](\.port)?: .*too many nodes`,
			maxAlloc: 256 << 20},
		{name: "YAML deep", input: invDoc(invLit("apiVersion: v1\nkind: List\n"), func() any { return invDeepYAML("items") }),
			want: []error{invk8s.ErrSyntax}, place: `document 1, line 3: syntax error: exceeded max depth`},
		{name: "YAML 500 MB image", input: invDoc(invLit(deploy), func() any { return invRepeat("A", invBig) }),
			want: limit, place: `line 10, column 16777217: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "YAML 100,000 empty documents", input: func() io.Reader { return hostile.Repeat("---\n", 100_000) },
			check: func(t *testing.T, g any, _ error) { assert.Zero(t, g.(*inventory.Graph).Len()) }, maxAlloc: invEmptyDocsAlloc},
		{name: "YAML 10,000 empty documents, then a bad one", input: invDoc(func() any { return hostile.Repeat("---\n", 10_000) }, invLit("kind: Pod\n")),
			want: []error{invk8s.ErrInvalid}, place: `document 10000, line 10001, column 1: .*without apiVersion`},
		{name: "YAML duplicate key", input: invStr(deploy + "nginx\n        image: evil\n"),
			want: []error{invk8s.ErrInvalid}, place: `line 11, column 9: spec\.template\.spec\.containers\[0\]\.image: .*given twice`},
		{name: "YAML invalid UTF-8", input: invStr(deploy + hostile.InvalidUTF8 + "\n"),
			want: []error{invk8s.ErrSyntax}, place: `document 1, line 10, column 19: syntax error: invalid leading UTF-8 octet`},
		{name: "YAML port 1e400 is text", input: invStr("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 1e400}]}\n"),
			check: func(t *testing.T, g any, _ error) {
				assets := g.(*inventory.Graph).Assets()
				require.Len(t, assets, 1)
				assert.Equal(t, "1e400/TCP", assets[0].Properties["k8s.ports"])
			}},
		{name: "JSON deep", input: invDoc(invLit(`{"apiVersion":"v1","kind":"List","items":`), invDeepArray, invLit(`}`)),
			want: limit, place: `line 1, column \d+: .*MaxDepth`},
		{name: "JSON 500 MB name", input: invDoc(invLit(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":`), invLongString, invLit(`}}`)),
			want: limit, place: `line 1, column \d+: .*MaxStringBytes`, maxRead: invLongRead},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.k8s.yaml", invK8s
	}
	invRun(t, cases)
}

func TestHostileCodeowners(t *testing.T) {
	cases := []invCase{
		{name: "500 MB line", input: func() io.Reader { return hostile.Concat("* ", invRepeat("A", invBig)) },
			want: []error{codeowners.ErrLimit}, place: `hostile/CODEOWNERS: limit exceeded: input larger than 3145728 bytes`,
			maxRead: codeowners.DefaultMaxBytes + 1},
		{name: "invalid UTF-8 owner", input: invStr("*.go @" + hostile.InvalidUTF8 + "\n"),
			want: []error{codeowners.ErrInvalid}, place: `line 1, column 6: .*owner`},
		{name: "invalid UTF-8 pattern is kept as written", input: invStr(hostile.InvalidUTF8 + " @alice\n"),
			check: func(t *testing.T, got any, _ error) {
				rules := got.(*codeowners.Rules)
				require.Len(t, rules.Rules(), 1)
				assert.Equal(t, hostile.InvalidUTF8, rules.Rules()[0].Pattern)
			}},
		{name: "100,000 rules", input: func() io.Reader { return hostile.Repeat("/a/**/b/*.go @a\n", 100_000) },
			check:    func(t *testing.T, got any, _ error) { assert.Len(t, got.(*codeowners.Rules).Rules(), 100_000) },
			maxAlloc: 128 << 20}, // about 1 KiB a rule
		{name: "a 2 MB glob matched against a long path", input: func() io.Reader {
			return hostile.Concat("/", invRepeat("*a", 1<<20), "b/", hostile.Repeat("**/", 1000), "x @a\n")
		}, read: func(r io.Reader, file string) (any, error) {
			rules, err := codeowners.Parse(r, codeowners.Options{Name: file})
			if err != nil {
				return nil, err
			}
			_, ok := rules.Match(strings.Repeat("a", 255) + strings.Repeat("/a", 1000) + "/x")
			return ok, nil
		}, check: func(t *testing.T, got any, _ error) { assert.Equal(t, false, got) }},
	}
	for i := range cases {
		cases[i].file = "hostile/CODEOWNERS"
		if cases[i].read == nil {
			cases[i].read = invCodeowners
		}
	}
	invRun(t, cases)
}

func TestHostileInventoryLoad(t *testing.T) {
	graph := `{"assets":[{"id":"component:pkg:npm/a@1","kind":"component","name":`
	cases := []invCase{
		{name: "500 MB of no format", input: func() io.Reader { return invRepeat("A", invBig) },
			want: []error{invload.ErrUnknownFormat}, place: `hostile.any: not CycloneDX`, maxRead: limits.SniffBytes},
		{name: "graph deep", input: invDoc(invLit(graph), invDeepArray, invLit(`}]}`)),
			want: []error{invload.ErrLimit}, place: `line 1, column \d+, byte \d+: .*MaxDepth`},
		{name: "graph 500 MB name", input: invDoc(invLit(graph), invLongString, invLit(`}]}`)),
			want: []error{invload.ErrLimit}, place: `line 1, column \d+, byte \d+: .*MaxStringBytes`, maxRead: invLongRead},
		{name: "graph name 1e400", input: invStr(graph + `1e400}]}`),
			want: []error{invload.ErrSyntax}, place: `byte \d+: assets.name`},
		{name: "graph invalid UTF-8 becomes U+FFFD", input: invStr(graph + `"` + hostile.InvalidUTF8 + `"}]}`),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"bad\uFFFDtext\uFFFD(\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDend"}, invAssetNames(g, inventory.KindComponent))
			}},
		{name: "graph duplicate assets: the last wins", input: invStr(graph + `"first"}],"assets":[{"id":"component:pkg:npm/b@1","kind":"component","name":"second"}]}`),
			check: func(t *testing.T, g any, _ error) {
				assert.Equal(t, []string{"second"}, invAssetNames(g, inventory.KindComponent))
			}},
		{name: "SPDX through load", input: invDoc(invLit(invSPDXHead), invLongString, invLit(invSPDXTail)),
			want: []error{spdx.ErrLimit}, place: `line 1, byte \d+`, maxRead: invLongRead},
		{name: "catalog through load", input: invStr(invCatalogHead + hostile.YAMLAliasBomb("applications", 9, 10)),
			want: []error{catalog.ErrInvalid}, place: `line 3, column 1`},
	}
	for i := range cases {
		cases[i].file, cases[i].read = "hostile.any", invLoad
	}
	invRun(t, cases)
}

// invRepeat is hostile.Repeat with a unit of at least 64 KiB, so that
// making hundreds of megabytes costs little even under -race (which
// slows the byte-at-a-time copy of a one-byte unit).
func invRepeat(s string, total int64) io.Reader {
	if s == "" || total <= 0 {
		return strings.NewReader("")
	}
	k := max(1, (64<<10)/len(s))
	unit := strings.Repeat(s, k)
	whole := total / int64(len(unit))
	return hostile.Concat(hostile.Repeat(unit, whole), hostile.Repeat(s, (total-whole*int64(len(unit)))/int64(len(s))))
}
