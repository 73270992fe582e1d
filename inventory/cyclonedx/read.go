package cyclonedx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
	"github.com/aspmkit/aspm/internal/xmlstream"
	"github.com/aspmkit/aspm/inventory"
)

// Options configures [Read]. The zero value is valid. Options is a plain
// value: one may serve any number of concurrent calls.
type Options struct {
	// Name names the input in errors and in [inventory.Asset.Sources],
	// usually its file path. Empty adds no source.
	Name string
	// Limits bound the input: MaxDocumentBytes its size (a BOM is read
	// whole), MaxDepth the nesting of JSON values or XML elements,
	// MaxStringBytes a single string or text node. Zero fields take the
	// defaults of [findings.Limits].
	Limits findings.Limits
	// AllowInvalidPURLs reads a component whose purl does not parse as if
	// it had none (identified by name and version), keeps the purl as
	// written in the property "cyclonedx:purl" ([KeyPURL]) and lists the
	// component's path in [Result.InvalidPURLs]. By default such a
	// component fails the import with [ErrInvalid].
	AllowInvalidPURLs bool
}

// Result summarizes what [Read] added to the graph. It is a plain value,
// safe to read from several goroutines.
type Result struct {
	// Root is the ID of the document's subject (metadata.component), or
	// empty when the document names none.
	Root string
	// Assets counts the asset records added to the graph or merged into
	// assets already there: components, services, endpoints and the
	// components named only by a purl in the dependency graph.
	Assets int
	// Edges counts the edges linked (contains, depends_on, calls, exposes),
	// before the graph merges duplicates.
	Edges int
	// Components counts the component entries read: metadata.component,
	// the components list, and components nested in either.
	Components int
	// Services counts the service entries read, nested ones included.
	Services int
	// Dependencies counts the dependsOn entries of the dependency graph
	// that became edges (depends_on or calls).
	Dependencies int
	// Unresolved lists, sorted, the references (dependency refs and
	// "aspm:contains" values) that name no component or service of the
	// document and are not purls; the edges they would have made are not
	// added. CycloneDX requires every ref to resolve, but real BOMs break
	// that rule.
	Unresolved []string
	// InvalidPURLs lists the paths of the components whose purl did not
	// parse, when [Options.AllowInvalidPURLs] is set.
	InvalidPURLs []string
}

// Read reads one CycloneDX BOM (JSON or XML, specVersion 1.0 to 1.7) from
// r and adds what it describes to g: components, services and endpoints as
// assets, nesting, dependencies and exposure as edges (see the package
// documentation for the mapping). Assets whose identity is already in g
// are merged into it ([inventory.Graph.Add]).
//
// The BOM is read and checked whole before g changes: bad input returns an
// [*Error] and leaves g as it was. Read is not safe to call concurrently
// with anything else that uses g.
func Read(r io.Reader, g *inventory.Graph, opts Options) (Result, error) {
	if g == nil {
		return Result{}, fmt.Errorf("%w: nil graph", ErrInvalid)
	}
	lim := opts.Limits.WithDefaults()
	raw, err := readGuarded(r, lim, opts.Name)
	if err != nil {
		return Result{}, err
	}
	doc, err := decode(raw, lim, opts.Name)
	if err != nil {
		return Result{}, err
	}
	b := newBuilder(doc, opts)
	if err := b.build(); err != nil {
		return Result{}, newError(opts.Name, raw, -1, b.errPath, err)
	}
	if err := b.commit(g); err != nil {
		return Result{}, newError(opts.Name, raw, -1, b.errPath, err)
	}
	return b.res, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// newError builds an [*Error], locating offset in raw when both are known.
func newError(file string, raw []byte, offset int64, path string, cause error) *Error {
	e := &Error{File: file, Offset: offset, Path: path, Err: cause}
	if raw != nil && offset >= 0 && offset <= int64(len(raw)) {
		before := raw[:offset]
		e.Line = bytes.Count(before, []byte{'\n'}) + 1
		e.Column = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	}
	return e
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// document is what the import uses of a BOM, whatever its syntax.
type document struct {
	root         *cdx.Component
	components   []cdx.Component
	services     []cdx.Service
	dependencies []cdx.Dependency
}

// decode checks and decodes a BOM: XML when its first byte after a byte
// order mark and white space is '<', JSON otherwise.
func decode(raw []byte, lim findings.Limits, file string) (*document, error) {
	body := bytes.TrimPrefix(raw, utf8BOM)
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, newError(file, raw, int64(len(raw)), "", fmt.Errorf("%w: empty input", ErrSyntax))
	case trimmed[0] == '<':
		return decodeXML(raw, lim, file)
	}
	return decodeJSON(raw, lim, file)
}

// jsonHead is what says a JSON document is a CycloneDX BOM.
type jsonHead struct {
	BOMFormat   json.RawMessage `json:"bomFormat"`
	SpecVersion json.RawMessage `json:"specVersion"`
}

// jsonDoc is the part of a JSON BOM the import reads. bomFormat and
// specVersion are raw so that they are checked here, with clear errors,
// and the sections the import does not use (vulnerabilities, formulation,
// tools...) are not decoded at all.
type jsonDoc struct {
	jsonHead
	Metadata *struct {
		Component *cdx.Component `json:"component"`
	} `json:"metadata"`
	Components   []cdx.Component  `json:"components"`
	Services     []cdx.Service    `json:"services"`
	Dependencies []cdx.Dependency `json:"dependencies"`
}

func decodeJSON(raw []byte, lim findings.Limits, file string) (*document, error) {
	// The guard validates the syntax (with exact offsets) and the nesting
	// and string limits before anything is decoded.
	g := jsonstream.NewReader(bytes.NewReader(raw), lim)
	if _, err := io.Copy(io.Discard, g); err != nil {
		var syn *jsonstream.SyntaxError
		var le *findings.LimitError
		switch {
		case errors.As(err, &syn):
			return nil, newError(file, raw, syn.Offset, "", fmt.Errorf("%w: %s", ErrSyntax, syn.Msg))
		case errors.As(err, &le):
			return nil, newError(file, raw, g.ErrOffset(), "", fmt.Errorf("%w: %w", ErrLimit, le))
		}
		return nil, newError(file, raw, g.Offset(), "", fmt.Errorf("%w: %v", ErrSyntax, err))
	}
	bomLen := g.BOMLen()
	body := raw[bomLen:]
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, newError(file, raw, int64(len(raw)), "", fmt.Errorf("%w: empty input", ErrSyntax))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var d *jsonDoc
	if err := dec.Decode(&d); err != nil {
		// A document that is no CycloneDX BOM says so before its fields
		// are blamed.
		var h jsonHead
		if json.Unmarshal(body, &h) == nil {
			if err := checkHead(file, raw, h); err != nil {
				return nil, err
			}
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			off := typeErrorOffset(body, typ)
			if off >= 0 {
				off += bomLen
			}
			return nil, newError(file, raw, off, typ.Field, fmt.Errorf("%w: %s where %s is expected", ErrInvalid, typ.Value, jsonTypeName(typ.Type)))
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, newError(file, raw, int64(len(raw)), "", fmt.Errorf("%w: unexpected end of input", ErrSyntax))
		}
		return nil, newError(file, raw, -1, "", fmt.Errorf("%w: %v", ErrInvalid, err))
	}
	if end := dec.InputOffset(); len(bytes.TrimSpace(body[end:])) != 0 {
		off := bomLen + end + int64(len(body[end:])-len(bytes.TrimLeft(body[end:], " \t\r\n")))
		return nil, newError(file, raw, off, "", fmt.Errorf("%w: data after the top-level value", ErrSyntax))
	}
	if d == nil {
		return nil, newError(file, raw, bomLen, "", fmt.Errorf("%w: the document is null, not a CycloneDX BOM", ErrInvalid))
	}
	if err := checkHead(file, raw, d.jsonHead); err != nil {
		return nil, err
	}
	doc := &document{components: d.Components, services: d.Services, dependencies: d.Dependencies}
	if d.Metadata != nil {
		doc.root = d.Metadata.Component
	}
	return doc, nil
}

// checkHead checks bomFormat and specVersion.
func checkHead(file string, raw []byte, h jsonHead) error {
	var format, version string
	switch {
	case len(h.BOMFormat) == 0:
		return newError(file, raw, -1, "bomFormat", fmt.Errorf("%w: bomFormat is missing", ErrInvalid))
	case json.Unmarshal(h.BOMFormat, &format) != nil:
		return newError(file, raw, -1, "bomFormat", fmt.Errorf("%w: bomFormat is not a string", ErrInvalid))
	case format != "CycloneDX":
		return newError(file, raw, -1, "bomFormat", fmt.Errorf("%w: bomFormat %q is not CycloneDX", ErrUnsupported, format))
	case len(h.SpecVersion) == 0:
		return newError(file, raw, -1, "specVersion", fmt.Errorf("%w: specVersion is missing", ErrInvalid))
	case json.Unmarshal(h.SpecVersion, &version) != nil:
		return newError(file, raw, -1, "specVersion", fmt.Errorf("%w: specVersion is not a string", ErrInvalid))
	}
	if _, ok := minorVersion(version); !ok {
		return newError(file, raw, -1, "specVersion", fmt.Errorf("%w: CycloneDX specVersion %q (this package reads 1.0 to 1.7)", ErrUnsupported, version))
	}
	return nil
}

// jsonTypeName names a Go type in JSON terms.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// typeErrorOffset returns the offset in body of the first byte of the
// value a type error is about, or -1. encoding/json reports the offset
// just past a scalar, or just past the opening bracket of an array or an
// object; values decoded by cyclonedx-go's own UnmarshalJSON report
// offsets relative to themselves, which this check rejects.
func typeErrorOffset(body []byte, typ *json.UnmarshalTypeError) int64 {
	end := int(typ.Offset)
	if end <= 0 || end > len(body) {
		return -1
	}
	last := body[end-1]
	switch {
	case typ.Value == "array" && last == '[', typ.Value == "object" && last == '{':
		return int64(end - 1)
	case typ.Value == "string" && last == '"':
		for i := end - 2; i >= 0; i-- {
			if body[i] != '"' {
				continue
			}
			bs := 0
			for j := i - 1; j >= 0 && body[j] == '\\'; j-- {
				bs++
			}
			if bs%2 == 0 {
				return int64(i)
			}
		}
	case typ.Value == "bool" && bytes.HasSuffix(body[:end], []byte("true")):
		return int64(end - 4)
	case typ.Value == "bool" && bytes.HasSuffix(body[:end], []byte("false")):
		return int64(end - 5)
	case strings.HasPrefix(typ.Value, "number"):
		i := end
		for i > 0 && strings.IndexByte("0123456789+-.eE", body[i-1]) >= 0 {
			i--
		}
		if i < end {
			return int64(i)
		}
	}
	return -1
}

// minorVersion returns N of a specVersion "1.N" with N from 0 to 7.
func minorVersion(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "1.")
	if !ok || len(rest) != 1 || rest[0] < '0' || rest[0] > '7' {
		return 0, false
	}
	return int(rest[0] - '0'), true
}

// bomNSPrefix starts every CycloneDX XML namespace; the version follows.
const bomNSPrefix = "http://cyclonedx.org/schema/bom/"

// xmlDoc is the part of an XML BOM the import reads. encoding/xml matches
// these names in any namespace, so the dependency graph extension of 1.1
// (<dg:dependencies>) is read as the dependencies of 1.2 and later.
type xmlDoc struct {
	Metadata *struct {
		Component *cdx.Component `xml:"component"`
	} `xml:"metadata"`
	Components   []cdx.Component  `xml:"components>component"`
	Services     []cdx.Service    `xml:"services>service"`
	Dependencies []cdx.Dependency `xml:"dependencies>dependency"`
}

// xmlClass is one data classification of a service, in either XML form:
// <data><classification flow="..."> (1.2 and later) or
// <data><dataflow><classification flow="..."> (1.5 and later).
type xmlClass struct {
	flow, value string
}

func decodeXML(raw []byte, lim findings.Limits, file string) (*document, error) {
	classes, err := scanXML(raw, lim, file)
	if err != nil {
		return nil, err
	}
	var d xmlDoc
	dec := xml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&d); err != nil {
		return nil, newError(file, raw, dec.InputOffset(), "", fmt.Errorf("%w: %s", ErrInvalid, strings.TrimPrefix(err.Error(), "xml: ")))
	}
	doc := &document{components: d.Components, services: d.Services, dependencies: d.Dependencies}
	if d.Metadata != nil {
		doc.root = d.Metadata.Component
	}
	// cyclonedx-go reads only the 1.5+ form of service data; the scan read
	// both, in the same pre-order of services.
	i := 0
	var walk func(ss []cdx.Service)
	walk = func(ss []cdx.Service) {
		for k := range ss {
			s := &ss[k]
			s.Data = nil
			if i < len(classes) && len(classes[i]) > 0 {
				list := make([]cdx.DataClassification, len(classes[i]))
				for j, c := range classes[i] {
					list[j] = cdx.DataClassification{Flow: cdx.DataFlow(c.flow), Classification: c.value}
				}
				s.Data = &list
			}
			i++
			if s.Services != nil {
				walk(*s.Services)
			}
		}
	}
	walk(doc.services)
	return doc, nil
}

// xmlFrame is an open element during the scan.
type xmlFrame struct {
	local   string
	service int // pre-order index of a BOM service element, else -1
}

// scanXML walks the tokens of an XML BOM once: it enforces the limits,
// checks that the root is a CycloneDX 1.0–1.7 <bom> and that nothing
// follows it, and collects the data classifications of every service, in
// pre-order.
func scanXML(raw []byte, lim findings.Limits, file string) ([][]xmlClass, error) {
	s := xmlstream.New(bytes.NewReader(raw), findings.DecodeOptions{Name: file, Limits: lim}, "cyclonedx")
	root, err := s.Root()
	if err != nil {
		return nil, fromStream(file, raw, err)
	}
	if root.Name.Local != "bom" || !strings.HasPrefix(root.Name.Space, bomNSPrefix) {
		return nil, newError(file, raw, s.TokenOffset(), "", fmt.Errorf("%w: root element <%s> in namespace %q is not a CycloneDX bom", ErrUnsupported, root.Name.Local, root.Name.Space))
	}
	if _, ok := minorVersion(strings.TrimPrefix(root.Name.Space, bomNSPrefix)); !ok {
		return nil, newError(file, raw, s.TokenOffset(), "", fmt.Errorf("%w: CycloneDX XML namespace %q (this package reads 1.0 to 1.7)", ErrUnsupported, root.Name.Space))
	}
	var (
		classes [][]xmlClass
		stack   = []xmlFrame{{local: "bom", service: -1}}
		text    strings.Builder
		inClass = -1 // service index of the open classification element
		flow    string
	)
	for len(stack) > 0 {
		tok, err := s.Token("")
		if err != nil {
			return nil, fromStream(file, raw, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			f := xmlFrame{local: t.Name.Local, service: -1}
			n := len(stack)
			parent := stack[n-1]
			if f.local == "service" && parent.local == "services" && n >= 2 &&
				(n == 2 || stack[n-2].service >= 0) {
				f.service = len(classes)
				classes = append(classes, nil)
			}
			if f.local == "classification" && inClass < 0 {
				if svc := classOwner(stack); svc >= 0 {
					inClass, flow = svc, ""
					for _, a := range t.Attr {
						if a.Name.Local == "flow" {
							flow = a.Value
						}
					}
					text.Reset()
				}
			}
			stack = append(stack, f)
		case xml.CharData:
			if inClass >= 0 {
				text.Write(t)
			}
		case xml.EndElement:
			if inClass >= 0 && stack[len(stack)-1].local == "classification" && classOwner(stack[:len(stack)-1]) == inClass {
				classes[inClass] = append(classes[inClass], xmlClass{flow: flow, value: text.String()})
				inClass = -1
			}
			stack = stack[:len(stack)-1]
		}
	}
	if err := s.End(); err != nil {
		return nil, fromStream(file, raw, err)
	}
	return classes, nil
}

// classOwner returns the service whose data a classification element
// opened under stack belongs to, or -1: the stack must end in
// service/data or service/data/dataflow.
func classOwner(stack []xmlFrame) int {
	n := len(stack)
	if n >= 2 && stack[n-1].local == "data" && stack[n-2].service >= 0 {
		return stack[n-2].service
	}
	if n >= 3 && stack[n-1].local == "dataflow" && stack[n-2].local == "data" && stack[n-3].service >= 0 {
		return stack[n-3].service
	}
	return -1
}

// fromStream converts an error of package xmlstream to an [*Error].
func fromStream(file string, raw []byte, err error) error {
	var de *findings.DecodeError
	if !errors.As(err, &de) {
		return newError(file, raw, -1, "", fmt.Errorf("%w: %v", ErrSyntax, err))
	}
	var cause error
	msg := func(sentinel error) string {
		return strings.TrimPrefix(strings.TrimPrefix(de.Err.Error(), sentinel.Error()), ": ")
	}
	switch {
	case errors.Is(de.Err, findings.ErrLimit):
		cause = fmt.Errorf("%w: %w", ErrLimit, de.Err)
	case errors.Is(de.Err, findings.ErrUnsupportedFormat):
		cause = fmt.Errorf("%w: %s", ErrUnsupported, msg(findings.ErrUnsupportedFormat))
	case errors.Is(de.Err, findings.ErrInvalid):
		cause = fmt.Errorf("%w: %s", ErrInvalid, msg(findings.ErrInvalid))
	default:
		cause = fmt.Errorf("%w: %s", ErrSyntax, msg(findings.ErrSyntax))
	}
	return newError(file, raw, de.Offset, de.Path, cause)
}

// path helpers: JSON notation with 0-based indices.
func index(path, field string, i int) string {
	if path != "" {
		path += "."
	}
	return path + field + "[" + strconv.Itoa(i) + "]"
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}
