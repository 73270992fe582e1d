package cyclonedx

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// Format is a CycloneDX syntax. It is a plain value, safe for concurrent
// use.
type Format int

// The syntaxes [Write] writes.
const (
	JSON Format = iota // CycloneDX JSON
	XML                // CycloneDX XML
)

// String returns "json" or "xml".
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case XML:
		return "xml"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// WriteOptions configures [Write]. The zero value is valid: JSON, no
// subject, no serial number, no timestamp. WriteOptions is a plain value:
// one may serve any number of concurrent calls.
type WriteOptions struct {
	// Format is the syntax: JSON (the zero value) or XML.
	Format Format
	// Root is the ID of the asset written as metadata.component, the
	// BOM's subject: usually [Result.Root] of the import. It must be a
	// component, image or application of the graph. Empty writes no
	// subject.
	Root string
	// SerialNumber is the BOM's serialNumber, "urn:uuid:" and a UUID.
	// Empty writes none: Write generates nothing, so that its output
	// depends on its input only.
	SerialNumber string
	// Timestamp is metadata.timestamp, written in UTC. The zero time
	// writes none.
	Timestamp time.Time
	// Strict makes Write fail with [ErrUnsupported] when the graph holds
	// an asset or an edge that [Read] would not give back from the
	// output: an asset of a kind CycloneDX has no place for (repository,
	// host, team...), an endpoint that no service exposes, an edge of
	// another type than contains, depends_on, calls and service→endpoint
	// exposes, an identity or a scope or relationship that the output
	// would not reproduce. Without Strict, Write writes what it can.
	Strict bool
}

var serialPattern = regexp.MustCompile(`^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Write writes g as a CycloneDX 1.6 BOM in the syntax of opts.Format (see
// the package documentation for the mapping). Components, images and
// applications become components, services become services, endpoints
// the endpoints of the services that expose them; contains edges nest,
// depends_on and calls edges make the dependency graph; aspm's attributes
// go in "aspm:" properties. Everything is written in ID order, so the same
// graph always gives the same bytes.
//
// Write only reads g: it may run concurrently with other readers of g.
func Write(w io.Writer, g *inventory.Graph, opts WriteOptions) error {
	if g == nil {
		return fmt.Errorf("%w: nil graph", ErrInvalid)
	}
	if opts.Format != JSON && opts.Format != XML {
		return fmt.Errorf("%w: %v", ErrInvalid, opts.Format)
	}
	if opts.SerialNumber != "" && !serialPattern.MatchString(opts.SerialNumber) {
		return fmt.Errorf("%w: serial number %q is not urn:uuid:<uuid>", ErrInvalid, opts.SerialNumber)
	}
	bw := &bomWriter{g: g, opts: opts}
	bom, err := bw.bom()
	if err != nil {
		return err
	}
	format := cdx.BOMFileFormatJSON
	if opts.Format == XML {
		format = cdx.BOMFileFormatXML
	}
	enc := cdx.NewBOMEncoder(w, format)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		return fmt.Errorf("cyclonedx: writing: %w", err)
	}
	if opts.Format == XML {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return fmt.Errorf("cyclonedx: writing: %w", err)
		}
	}
	return nil
}

// bomWriter builds the BOM of one Write.
type bomWriter struct {
	g    *inventory.Graph
	opts WriteOptions

	assets    map[string]inventory.Asset
	parent    map[string]string   // nesting: child → parent
	children  map[string][]string // nesting: parent → children, in ID order
	extra     map[string][]string // aspm:contains: container → contained
	exposes   map[string][]string // service → endpoint IDs
	deps      map[string][]string // dependency graph: from → to
	scopes    map[string]cdx.Scope
	scopeUsed map[string]bool // the scope came from the KeyScope property
	firstErr  error
}

func componentLike(k inventory.Kind) bool {
	return k == inventory.KindComponent || k == inventory.KindImage || k == inventory.KindApplication
}

// unsupported records the first thing that the output cannot carry.
func (w *bomWriter) unsupported(format string, args ...any) {
	if w.firstErr == nil {
		w.firstErr = fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
	}
}

func (w *bomWriter) bom() (*cdx.BOM, error) {
	w.assets = map[string]inventory.Asset{}
	w.parent = map[string]string{}
	w.children = map[string][]string{}
	w.extra = map[string][]string{}
	w.exposes = map[string][]string{}
	w.deps = map[string][]string{}
	w.scopes = map[string]cdx.Scope{}
	w.scopeUsed = map[string]bool{}

	root := w.opts.Root
	if root != "" {
		a, ok := w.g.Asset(root)
		if !ok {
			return nil, fmt.Errorf("%w: root %q: %w", ErrInvalid, root, inventory.ErrNotFound)
		}
		if !componentLike(a.Kind) {
			return nil, fmt.Errorf("%w: root %s is a %s; metadata.component must be a component, image or application", ErrUnsupported, root, a.Kind)
		}
	}
	assets := w.g.Assets()
	for _, a := range assets {
		w.assets[a.ID] = a
	}
	edges := w.g.Edges()
	exported := func(id string) bool {
		k := w.assets[id].Kind
		return componentLike(k) || k == inventory.KindService
	}
	incoming := map[string][]inventory.Edge{} // depends_on edges into a component
	for _, e := range edges {
		from, to := w.assets[e.From], w.assets[e.To]
		if e.Type != inventory.DependsOn && (e.Scope != "" || e.Relationship != "") {
			w.unsupported("edge %s %s %s: only depends_on edges keep a scope and a relationship", e.From, e.Type, e.To)
		}
		switch {
		case e.Type == inventory.Contains && exported(e.From) && exported(e.To):
			sameClass := componentLike(from.Kind) == componentLike(to.Kind)
			if sameClass && e.To != root && e.From != e.To && w.parent[e.To] == "" {
				w.parent[e.To] = e.From
			} else {
				w.extra[e.From] = append(w.extra[e.From], e.To)
			}
		case (e.Type == inventory.DependsOn || e.Type == inventory.Calls) && exported(e.From) && exported(e.To):
			w.deps[e.From] = append(w.deps[e.From], e.To)
			bothServices := from.Kind == inventory.KindService && to.Kind == inventory.KindService
			if e.Type == inventory.DependsOn && bothServices {
				w.unsupported("edge %s %s %s: a dependency between services reads back as calls", e.From, e.Type, e.To)
			}
			if e.Type == inventory.Calls && !bothServices {
				w.unsupported("edge %s %s %s: only a dependency between services reads back as calls", e.From, e.Type, e.To)
			}
			if e.Type == inventory.DependsOn {
				incoming[e.To] = append(incoming[e.To], e)
			}
		case e.Type == inventory.Exposes && from.Kind == inventory.KindService && to.Kind == inventory.KindEndpoint:
			w.exposes[e.From] = append(w.exposes[e.From], e.To)
		default:
			w.unsupported("edge %s %s %s: CycloneDX has no place for it", e.From, e.Type, e.To)
		}
	}
	w.breakCycles()
	for child, p := range w.parent {
		w.children[p] = append(w.children[p], child)
	}
	for _, m := range []map[string][]string{w.children, w.extra, w.exposes, w.deps} {
		for k, v := range m {
			slices.Sort(v)
			m[k] = slices.Compact(v)
		}
	}

	// Read gives an endpoint the exposure of the most exposed service that
	// exposes it.
	exposedBy := map[string]risk.Exposure{}
	for svc, eps := range w.exposes {
		for _, ep := range eps {
			exposedBy[ep] = moreExposed(exposedBy[ep], w.assets[svc].Exposure)
		}
	}
	for _, a := range assets {
		switch {
		case componentLike(a.Kind):
			w.scopes[a.ID], w.scopeUsed[a.ID] = w.scopeOf(a, incoming[a.ID])
			if id := w.derivedID(a); id != a.ID {
				w.unsupported("asset %s: read back, it would be %s", a.ID, id)
			}
		case a.Kind == inventory.KindService:
			if id := inventory.ID(inventory.KindService, a.Name); id != a.ID {
				w.unsupported("asset %s: read back, it would be %s", a.ID, id)
			}
		case a.Kind == inventory.KindEndpoint:
			exposure, ok := exposedBy[a.ID]
			if !ok {
				w.unsupported("endpoint %s: no service exposes it", a.ID)
				break
			}
			s := endpointString(a)
			want := inventory.Asset{ID: inventory.ID(inventory.KindEndpoint, s), Kind: inventory.KindEndpoint, Name: s, URL: s,
				Exposure: exposure}
			got := a
			got.Sources = nil
			if !equalAsset(got, want) {
				w.unsupported("endpoint %s: CycloneDX keeps only its URL", a.ID)
			}
		default:
			w.unsupported("asset %s: CycloneDX has no place for a %s", a.ID, a.Kind)
		}
	}
	w.checkDependencies(root, incoming)
	if w.opts.Strict && w.firstErr != nil {
		return nil, w.firstErr
	}

	bom := &cdx.BOM{
		XMLNS:        "http://cyclonedx.org/schema/bom/1.6",
		JSONSchema:   "http://cyclonedx.org/schema/bom-1.6.schema.json",
		BOMFormat:    cdx.BOMFormat,
		SpecVersion:  cdx.SpecVersion1_6,
		SerialNumber: w.opts.SerialNumber,
		Version:      1,
		Metadata: &cdx.Metadata{
			Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "aspm"}}},
		},
	}
	if !w.opts.Timestamp.IsZero() {
		bom.Metadata.Timestamp = w.opts.Timestamp.UTC().Format(time.RFC3339)
	}
	if root != "" {
		c := w.component(w.assets[root], true)
		bom.Metadata.Component = &c
	}
	var comps []cdx.Component
	var svcs []cdx.Service
	for _, a := range assets {
		if a.ID == root || w.parent[a.ID] != "" {
			continue
		}
		switch {
		case componentLike(a.Kind):
			comps = append(comps, w.component(a, false))
		case a.Kind == inventory.KindService:
			svcs = append(svcs, w.service(a))
		}
	}
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if len(svcs) > 0 {
		bom.Services = &svcs
	}
	var deps []cdx.Dependency
	for _, from := range sortedKeys(w.deps) {
		to := w.deps[from]
		deps = append(deps, cdx.Dependency{Ref: from, Dependencies: &to})
	}
	if len(deps) > 0 {
		bom.Dependencies = &deps
	}
	return bom, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// breakCycles turns nesting cycles (a contains b contains a) into
// aspm:contains properties: in each cycle, the edge into the smallest ID
// is not nested.
func (w *bomWriter) breakCycles() {
	state := map[string]int{} // 1: on the current walk, 2: done
	for _, id := range sortedKeys(w.parent) {
		var walk []string
		x := id
		for x != "" && state[x] == 0 {
			state[x] = 1
			walk = append(walk, x)
			x = w.parent[x]
		}
		if x != "" && state[x] == 1 {
			cycle := walk[slices.Index(walk, x):]
			m := slices.Min(cycle)
			w.extra[w.parent[m]] = append(w.extra[w.parent[m]], m)
			delete(w.parent, m)
		}
		for _, n := range walk {
			state[n] = 2
		}
	}
}

var cdxScopes = map[string]cdx.Scope{"required": cdx.ScopeRequired, "optional": cdx.ScopeOptional, "excluded": cdx.ScopeExcluded}

// scopeOf is a component's scope: the most significant scope of the
// depends_on edges into it (runtime is required, optional is optional,
// dev and test are excluded) when there are any, else its KeyScope
// property. It reports whether it used the property.
func (w *bomWriter) scopeOf(a inventory.Asset, in []inventory.Edge) (cdx.Scope, bool) {
	if len(in) == 0 {
		s, ok := cdxScopes[a.Properties[KeyScope]]
		return s, ok
	}
	best := -1
	for _, e := range in {
		if i := slices.Index(scopeRank, e.Scope); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return cdxScopeOf(scopeRank[best]), false
}

// checkDependencies records the depends_on edges whose scope or
// relationship Read would not give back: it derives them from the
// written scopes and from what the root reaches.
func (w *bomWriter) checkDependencies(root string, incoming map[string][]inventory.Edge) {
	reach := map[string]bool{}
	if root != "" {
		queue := []string{root}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, m := range w.deps[n] {
				if !reach[m] {
					reach[m] = true
					queue = append(queue, m)
				}
			}
		}
	}
	for _, to := range sortedKeys(incoming) {
		sc, _ := scopeOf(w.scopes[to])
		for _, e := range incoming[to] {
			var rel findings.Relationship
			switch {
			case e.From == root:
				rel = findings.RelationshipDirect
			case reach[e.From]:
				rel = findings.RelationshipTransitive
			}
			if e.Scope != sc || e.Relationship != rel {
				w.unsupported("edge %s %s %s: read back, its scope and relationship would be %q and %q", e.From, e.Type, e.To, sc, rel)
			}
		}
	}
}

// componentType is the CycloneDX type a component-like asset is written
// with, and whether its KeyType property was used for it.
func componentType(a inventory.Asset) (cdx.ComponentType, bool) {
	switch a.Kind {
	case inventory.KindImage:
		return cdx.ComponentTypeContainer, false
	case inventory.KindApplication:
		return cdx.ComponentTypeApplication, false
	}
	t := cdx.ComponentType(a.Properties[KeyType])
	if t != cdx.ComponentTypeLibrary && slices.Contains(componentTypes, t) {
		return t, true
	}
	return cdx.ComponentTypeLibrary, false
}

var componentTypes = []cdx.ComponentType{cdx.ComponentTypeApplication, cdx.ComponentTypeContainer,
	cdx.ComponentTypeCryptographicAsset, cdx.ComponentTypeData, cdx.ComponentTypeDevice, cdx.ComponentTypeDeviceDriver,
	cdx.ComponentTypeFile, cdx.ComponentTypeFirmware, cdx.ComponentTypeFramework, cdx.ComponentTypeLibrary,
	cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeOS, cdx.ComponentTypePlatform}

// splitGroup returns the group and name an asset is written with, and
// whether its KeyGroup property was used for them.
func splitGroup(a inventory.Asset) (group, name string, used bool) {
	g := a.Properties[KeyGroup]
	if rest, ok := strings.CutPrefix(a.Name, g+"/"); ok && g != "" {
		return g, rest, true
	}
	return "", a.Name, false
}

// writtenVersion and derivedDigest mirror what Read does with an image's
// version and purl.
func writtenVersion(a inventory.Asset) string {
	if a.Kind == inventory.KindImage && a.Version == "" {
		return a.Digest
	}
	return a.Version
}

func derivedDigest(a inventory.Asset) string {
	if a.Kind != inventory.KindImage {
		return ""
	}
	if d := ociDigest(a.PURL); d != "" {
		return d
	}
	if v := writtenVersion(a); isDigest(v) {
		return v
	}
	return ""
}

// derivedID is the ID Read gives the component written for a.
func (w *bomWriter) derivedID(a inventory.Asset) string {
	var id string
	var err error
	switch a.Kind {
	case inventory.KindComponent:
		if a.PURL != "" {
			id, err = inventory.ComponentID(a.PURL)
		} else {
			key := a.Name
			if a.Version != "" {
				key += "@" + a.Version
			}
			id = inventory.ID(inventory.KindComponent, key)
		}
	case inventory.KindImage:
		id, err = inventory.ImageID(a.Name, a.Digest)
	case inventory.KindApplication:
		id = inventory.ID(inventory.KindApplication, a.Name)
	}
	if err != nil {
		return ""
	}
	return id
}

func endpointString(a inventory.Asset) string { return cmp.Or(a.URL, a.Name) }

func equalAsset(a, b inventory.Asset) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Name == b.Name && a.Version == b.Version && a.PURL == b.PURL &&
		a.Digest == b.Digest && a.URL == b.URL && a.Exposure == b.Exposure && a.Environment == b.Environment &&
		a.Criticality == b.Criticality && a.DataClass == b.DataClass && a.Owner == b.Owner &&
		len(a.DataTags) == 0 && len(a.Tags) == 0 && len(a.Licenses) == 0 && len(a.Properties) == 0 &&
		len(b.DataTags) == 0 && len(b.Tags) == 0 && len(b.Licenses) == 0 && len(b.Properties) == 0
}

func (w *bomWriter) component(a inventory.Asset, isRoot bool) cdx.Component {
	used := map[string]bool{}
	typ, usedType := componentType(a)
	used[KeyType] = usedType
	group, name, usedGroup := splitGroup(a)
	used[KeyGroup] = usedGroup
	scope := w.scopes[a.ID]
	used[KeyScope] = w.scopeUsed[a.ID]
	c := cdx.Component{
		BOMRef:     a.ID,
		Type:       typ,
		Group:      group,
		Name:       name,
		Version:    writtenVersion(a),
		Scope:      scope,
		PackageURL: a.PURL,
		Licenses:   writeLicenses(a.Licenses),
	}
	if len(a.Tags) > 0 {
		t := slices.Clone(a.Tags)
		c.Tags = &t
	}
	var props []cdx.Property
	if k := kindOf(typ, isRoot, a.PURL != ""); k != a.Kind {
		props = append(props, cdx.Property{Name: PropertyKind, Value: string(a.Kind)})
	}
	if a.Digest != "" && a.Digest != derivedDigest(a) {
		props = append(props, cdx.Property{Name: PropertyDigest, Value: a.Digest})
	}
	c.Properties = w.properties(a, props, used)
	if kids := w.children[a.ID]; len(kids) > 0 {
		list := make([]cdx.Component, len(kids))
		for i, id := range kids {
			list[i] = w.component(w.assets[id], false)
		}
		c.Components = &list
	}
	return c
}

func (w *bomWriter) service(a inventory.Asset) cdx.Service {
	used := map[string]bool{}
	group, name, usedGroup := splitGroup(a)
	used[KeyGroup] = usedGroup
	s := cdx.Service{
		BOMRef:   a.ID,
		Group:    group,
		Name:     name,
		Version:  a.Version,
		Licenses: writeLicenses(a.Licenses),
	}
	if len(a.Tags) > 0 {
		t := slices.Clone(a.Tags)
		s.Tags = &t
	}
	if v, err := strconv.ParseBool(a.Properties[KeyAuthenticated]); err == nil && a.Properties[KeyAuthenticated] == strconv.FormatBool(v) {
		s.Authenticated = &v
		used[KeyAuthenticated] = true
	}
	// x-trust-boundary reads back as an exposure: written only when the
	// asset has one (aspm:exposure then says which).
	if v, err := strconv.ParseBool(a.Properties[KeyTrustBoundary]); err == nil && a.Exposure != "" &&
		a.Properties[KeyTrustBoundary] == strconv.FormatBool(v) {
		s.CrossesTrustBoundary = &v
		used[KeyTrustBoundary] = true
	}
	if z := a.Properties[KeyTrustZone]; z != "" {
		s.TrustZone = z
		used[KeyTrustZone] = true
	}
	// Data classifications read back as data tags and a data class:
	// written only when the asset has those already.
	if data := a.Properties[KeyData]; data != "" {
		var list []cdx.DataClassification
		ok := true
		for _, c := range strings.Split(data, "\n") {
			c = normalizeSpace(c)
			if c == "" {
				continue
			}
			tag, class := classify(c)
			if tag != "" && !slices.Contains(a.DataTags, tag) || class != "" && moreSensitive(a.DataClass, class) != a.DataClass {
				ok = false
			}
			list = append(list, cdx.DataClassification{Flow: cdx.DataFlowUnknown, Classification: c})
		}
		if ok && len(list) > 0 {
			s.Data = &list
			used[KeyData] = true
		}
	}
	if eps := w.exposes[a.ID]; len(eps) > 0 {
		list := make([]string, len(eps))
		for i, id := range eps {
			list[i] = endpointString(w.assets[id])
		}
		slices.Sort(list)
		list = slices.Compact(list)
		s.Endpoints = &list
	}
	s.Properties = w.properties(a, nil, used)
	if kids := w.children[a.ID]; len(kids) > 0 {
		list := make([]cdx.Service, len(kids))
		for i, id := range kids {
			list[i] = w.service(w.assets[id])
		}
		s.Services = &list
	}
	return s
}

var aspmProperties = []string{PropertyExposure, PropertyEnvironment, PropertyCriticality, PropertyDataClass,
	PropertyDataTag, PropertyOwner, PropertySource, PropertyDigest, PropertyKind, PropertyContains}

// properties returns the CycloneDX properties of an asset: extra, its
// attributes as "aspm:" properties, the aspm:contains references, and its
// Properties but those used for CycloneDX fields; sorted by name and
// value.
func (w *bomWriter) properties(a inventory.Asset, extra []cdx.Property, used map[string]bool) *[]cdx.Property {
	props := extra
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	add(PropertyExposure, string(a.Exposure))
	add(PropertyEnvironment, string(a.Environment))
	add(PropertyCriticality, string(a.Criticality))
	add(PropertyDataClass, string(a.DataClass))
	add(PropertyOwner, a.Owner)
	for _, t := range a.DataTags {
		add(PropertyDataTag, t)
	}
	for _, s := range a.Sources {
		add(PropertySource, s)
	}
	for _, id := range w.extra[a.ID] {
		add(PropertyContains, id)
	}
	for k, v := range a.Properties {
		if !used[k] && !slices.Contains(aspmProperties, k) {
			props = append(props, cdx.Property{Name: k, Value: v})
		}
	}
	if len(props) == 0 {
		return nil
	}
	slices.SortFunc(props, func(x, y cdx.Property) int {
		return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.Value, y.Value))
	})
	return &props
}

// writeLicenses writes a single license that has the form of an SPDX
// expression ("MIT", "MIT OR Apache-2.0") as an expression, and anything
// else by name: CycloneDX allows one expression or a list of licenses, not
// both, and an SPDX license ID that is not on the SPDX list would make the
// BOM invalid. Read gives back the same strings either way.
func writeLicenses(list []string) *cdx.Licenses {
	if len(list) == 0 {
		return nil
	}
	if len(list) == 1 && isExpression(list[0]) {
		return &cdx.Licenses{{Expression: list[0]}}
	}
	out := make(cdx.Licenses, len(list))
	for i, l := range list {
		out[i] = cdx.LicenseChoice{License: &cdx.License{Name: l}}
	}
	return &out
}

// isExpression reports whether s has the form of an SPDX license
// expression: license IDs joined by AND, OR and WITH, with parentheses.
func isExpression(s string) bool {
	tokens := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(s))
	if len(tokens)%2 == 0 || strings.Count(s, "(") != strings.Count(s, ")") {
		return false
	}
	for i, t := range tokens {
		op := t == "AND" || t == "OR" || t == "WITH"
		if op != (i%2 == 1) || !op && !isLicenseID(t) {
			return false
		}
	}
	return true
}

func isLicenseID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '+' || c == ':') {
			return false
		}
	}
	return true
}
