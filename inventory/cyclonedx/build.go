package cyclonedx

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// builder turns a decoded document into assets and edges, checking
// everything before the graph is touched.
type builder struct {
	doc     *document
	opts    Options
	sources []string

	assets []inventory.Asset
	paths  []string // the document path of each asset, for errors
	edges  []inventory.Edge

	refs       map[string]string         // bom-ref → asset ID
	kinds      map[string]inventory.Kind // asset ID → kind
	scopes     map[string]findings.Scope // component ID → scope of the depends_on edges into it
	contains   []pendingRef              // aspm:contains properties, resolved last
	endpoints  map[string][]int          // endpoint ID → its records in assets
	exposure   map[string]risk.Exposure  // endpoint ID → the most exposed of its services
	unresolved map[string]bool

	res     Result
	errPath string
}

type pendingRef struct{ from, ref string }

func newBuilder(doc *document, opts Options) *builder {
	b := &builder{doc: doc, opts: opts, refs: map[string]string{}, kinds: map[string]inventory.Kind{},
		scopes: map[string]findings.Scope{}, unresolved: map[string]bool{},
		endpoints: map[string][]int{}, exposure: map[string]risk.Exposure{}}
	if opts.Name != "" {
		b.sources = []string{opts.Name}
	}
	return b
}

// fail records where an error was found and returns it.
func (b *builder) fail(path string, err error) error {
	b.errPath = path
	return err
}

func (b *builder) invalid(path, format string, args ...any) error {
	return b.fail(path, fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...)))
}

func (b *builder) build() error {
	if r := b.doc.root; r != nil && !placeholder(r) {
		id, err := b.component(r, "metadata.component", "", true)
		if err != nil {
			return err
		}
		b.res.Root = id
	}
	for i := range b.doc.components {
		if _, err := b.component(&b.doc.components[i], index("", "components", i), "", false); err != nil {
			return err
		}
	}
	for i := range b.doc.services {
		if err := b.service(&b.doc.services[i], index("", "services", i), ""); err != nil {
			return err
		}
	}
	// An endpoint several services expose is as exposed as the most
	// exposed of them, whatever their order.
	for id, recs := range b.endpoints {
		for _, i := range recs {
			b.assets[i].Exposure = b.exposure[id]
		}
	}
	if err := b.dependencies(); err != nil {
		return err
	}
	for _, p := range b.contains {
		if to, ok := b.resolve(p.ref); ok {
			b.edges = append(b.edges, inventory.Edge{From: p.from, To: to, Type: inventory.Contains})
		} else {
			b.unresolved[p.ref] = true
		}
	}
	b.res.Assets = len(b.assets)
	b.res.Edges = len(b.edges)
	for r := range b.unresolved {
		b.res.Unresolved = append(b.res.Unresolved, r)
	}
	b.res.Unresolved = sortedUnique(b.res.Unresolved)
	return nil
}

// placeholder reports whether metadata.component is empty: some tools
// (osv-scalibr) write one with neither name nor purl. It names no subject.
func placeholder(c *cdx.Component) bool {
	return c.Name == "" && c.Group == "" && c.PackageURL == "" && c.Version == "" &&
		(c.Components == nil || len(*c.Components) == 0)
}

func (b *builder) add(a inventory.Asset, path string) {
	a.Sources = append(a.Sources, b.sources...)
	b.assets = append(b.assets, a)
	b.paths = append(b.paths, path)
	b.kinds[a.ID] = a.Kind
}

// ref maps a bom-ref to an asset. A bom-ref may name one asset only
// (several entries of the same identity are fine).
func (b *builder) ref(ref, id, path string) error {
	if prev, ok := b.refs[ref]; ok && prev != id {
		return b.invalid(path+".bom-ref", "bom-ref %q names both %s and %s", ref, prev, id)
	}
	b.refs[ref] = id
	return nil
}

// kindOf maps a component type to an asset kind. A container is an image.
// An application is an application when it is the document's subject or
// has no purl; one with a purl is a package (a purl is a package
// identity, and findings name packages by purl). The subject is an
// application when its type is missing too. Anything else is a component.
func kindOf(typ cdx.ComponentType, root, hasPURL bool) inventory.Kind {
	switch {
	case typ == cdx.ComponentTypeContainer:
		return inventory.KindImage
	case typ == cdx.ComponentTypeApplication && (root || !hasPURL):
		return inventory.KindApplication
	case typ == "" && root:
		return inventory.KindApplication
	}
	return inventory.KindComponent
}

// scopeOf maps a CycloneDX scope to the scope of the depends_on edges into
// the component: required is runtime, optional is optional, and excluded
// (not part of what runs: build, test and development tools) is dev.
func scopeOf(s cdx.Scope) (findings.Scope, bool) {
	switch s {
	case cdx.ScopeRequired:
		return findings.ScopeRuntime, true
	case cdx.ScopeOptional:
		return findings.ScopeOptional, true
	case cdx.ScopeExcluded:
		return findings.ScopeDev, true
	}
	return "", false
}

// cdxScopeOf is the CycloneDX scope of a depends_on edge scope: runtime is
// required, optional is optional, dev and test are excluded.
func cdxScopeOf(s findings.Scope) cdx.Scope {
	switch s {
	case findings.ScopeRuntime:
		return cdx.ScopeRequired
	case findings.ScopeOptional:
		return cdx.ScopeOptional
	case findings.ScopeDev, findings.ScopeTest:
		return cdx.ScopeExcluded
	}
	return ""
}

var scopeRank = []findings.Scope{findings.ScopeRuntime, findings.ScopeOptional, findings.ScopeDev, findings.ScopeTest}

// component reads a component entry and its nested components; parent is
// the ID of the component it is nested in.
func (b *builder) component(c *cdx.Component, path, parent string, root bool) (string, error) {
	b.res.Components++
	a, at, err := b.componentAsset(c, path, root)
	if err != nil {
		return "", err
	}
	b.add(a, path)
	if c.BOMRef != "" {
		if err := b.ref(c.BOMRef, a.ID, path); err != nil {
			return "", err
		}
	}
	if parent != "" {
		b.edges = append(b.edges, inventory.Edge{From: parent, To: a.ID, Type: inventory.Contains})
	}
	for _, r := range at.contains {
		b.contains = append(b.contains, pendingRef{from: a.ID, ref: r})
	}
	if c.Scope != "" {
		sc, ok := scopeOf(c.Scope)
		if !ok {
			return "", b.invalid(path+".scope", "scope %q is not required, optional or excluded", c.Scope)
		}
		if prev, ok := b.scopes[a.ID]; !ok || slices.Index(scopeRank, sc) < slices.Index(scopeRank, prev) {
			b.scopes[a.ID] = sc
		}
	}
	if c.Components != nil {
		for i := range *c.Components {
			if _, err := b.component(&(*c.Components)[i], index(path, "components", i), a.ID, false); err != nil {
				return "", err
			}
		}
	}
	return a.ID, nil
}

// attrs are what properties say beyond the asset's own fields.
type attrs struct {
	kind     inventory.Kind
	digest   string
	contains []string
}

func (b *builder) componentAsset(c *cdx.Component, path string, root bool) (inventory.Asset, attrs, error) {
	a := inventory.Asset{Name: joinGroup(c.Group, c.Name), Version: c.Version}
	props := map[string]string{}
	at, err := b.properties(&a, props, c.Properties, path)
	if err != nil {
		return a, at, err
	}
	purl := strings.TrimSpace(c.PackageURL)
	a.Kind = kindOf(c.Type, root, purl != "")
	switch at.kind {
	case "":
	case inventory.KindApplication, inventory.KindComponent, inventory.KindImage:
		a.Kind = at.kind
	default:
		return a, at, b.invalid(path, "%s %q is not application, component or image", PropertyKind, at.kind)
	}
	if c.Group != "" {
		props[KeyGroup] = c.Group
	}
	if a.Kind == inventory.KindComponent && c.Type != "" && c.Type != cdx.ComponentTypeLibrary {
		props[KeyType] = string(c.Type)
	}
	if purl != "" {
		norm, err := inventory.NormalizePURL(purl)
		switch {
		case err == nil:
			a.PURL = norm
		case b.opts.AllowInvalidPURLs:
			props[KeyPURL] = c.PackageURL
			b.res.InvalidPURLs = append(b.res.InvalidPURLs, path)
		default:
			return a, at, b.fail(path+".purl", fmt.Errorf("%w: %w", ErrInvalid, err))
		}
	}
	a.Licenses = licenses(c.Licenses)
	a.Tags = tags(c.Tags)
	a.Digest = at.digest

	switch a.Kind {
	case inventory.KindComponent:
		if a.PURL != "" {
			// Like inventory.Graph.Add: a missing name and version come
			// from the purl.
			_, name, version := purlParts(a.PURL)
			a.Name = cmp.Or(a.Name, name)
			a.Version = cmp.Or(a.Version, version)
			a.ID, err = inventory.ComponentID(a.PURL)
			if err != nil {
				return a, at, b.fail(path+".purl", fmt.Errorf("%w: %w", ErrInvalid, err))
			}
		} else if a.Name == "" {
			return a, at, b.invalid(path, "component has neither name nor purl")
		} else {
			key := a.Name
			if a.Version != "" {
				key += "@" + a.Version
			}
			a.ID = inventory.ID(inventory.KindComponent, key)
		}
	case inventory.KindImage:
		if a.Digest == "" {
			a.Digest = ociDigest(a.PURL)
		}
		if isDigest(a.Version) {
			if a.Digest == "" {
				a.Digest = a.Version
			}
			if a.Digest == a.Version {
				a.Version = ""
			}
		}
		if a.Name == "" && a.Digest == "" {
			return a, at, b.invalid(path, "container has neither name nor digest")
		}
		a.ID, err = inventory.ImageID(a.Name, a.Digest)
		if err != nil {
			return a, at, b.fail(path, fmt.Errorf("%w: %w", ErrInvalid, err))
		}
	case inventory.KindApplication:
		if a.Name == "" {
			return a, at, b.invalid(path, "application has no name")
		}
		a.ID = inventory.ID(inventory.KindApplication, a.Name)
	}
	if len(props) > 0 {
		a.Properties = props
	}
	return a, at, nil
}

// properties reads a component's or service's properties: the "aspm:"
// ones into a's attributes (replacing what was derived from CycloneDX
// fields) and at, the others into props under their own names (the values
// of a name that repeats joined by newlines).
func (b *builder) properties(a *inventory.Asset, props map[string]string, list *[]cdx.Property, path string) (attrs, error) {
	var at attrs
	if list == nil {
		return at, nil
	}
	for i, p := range *list {
		pp := index(path, "properties", i)
		v := strings.TrimSpace(p.Value)
		switch p.Name {
		case PropertyExposure:
			if !slices.Contains(exposures, risk.Exposure(v)) {
				return at, b.invalid(pp, "%s %q is not internet, internal or isolated", p.Name, p.Value)
			}
			a.Exposure = risk.Exposure(v)
		case PropertyEnvironment:
			if !slices.Contains(environments, risk.Environment(v)) {
				return at, b.invalid(pp, "%s %q is not production, staging, development or test", p.Name, p.Value)
			}
			a.Environment = risk.Environment(v)
		case PropertyCriticality:
			if !slices.Contains(criticalities, risk.Criticality(v)) {
				return at, b.invalid(pp, "%s %q is not critical, high, medium or low", p.Name, p.Value)
			}
			a.Criticality = risk.Criticality(v)
		case PropertyDataClass:
			if !slices.Contains(dataClasses, risk.DataSensitivity(v)) {
				return at, b.invalid(pp, "%s %q is not restricted, confidential, internal or public", p.Name, p.Value)
			}
			a.DataClass = risk.DataSensitivity(v)
		case PropertyDataTag, PropertyOwner, PropertySource, PropertyDigest, PropertyKind, PropertyContains:
			if v == "" {
				return at, b.invalid(pp, "%s is empty", p.Name)
			}
			switch p.Name {
			case PropertyDataTag:
				a.DataTags = append(a.DataTags, v)
			case PropertyOwner:
				a.Owner = v
			case PropertySource:
				a.Sources = append(a.Sources, v)
			case PropertyDigest:
				at.digest = v
			case PropertyKind:
				at.kind = inventory.Kind(v)
			case PropertyContains:
				at.contains = append(at.contains, v)
			}
		default:
			if prev, ok := props[p.Name]; ok {
				props[p.Name] = prev + "\n" + p.Value
			} else {
				props[p.Name] = p.Value
			}
		}
	}
	return at, nil
}

func licenses(l *cdx.Licenses) []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, c := range *l {
		v := c.Expression
		if c.License != nil {
			v = c.License.ID
			if v == "" {
				v = c.License.Name
			}
		}
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func tags(t *[]string) []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, s := range *t {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// service reads a service entry, its endpoints and its nested services;
// parent is the ID of the service it is nested in.
func (b *builder) service(s *cdx.Service, path, parent string) error {
	b.res.Services++
	a := inventory.Asset{Kind: inventory.KindService, Name: joinGroup(s.Group, s.Name), Version: s.Version}
	if a.Name == "" {
		return b.invalid(path+".name", "service has no name")
	}
	props := map[string]string{}
	if s.Group != "" {
		props[KeyGroup] = s.Group
	}
	if s.Authenticated != nil {
		props[KeyAuthenticated] = strconv.FormatBool(*s.Authenticated)
	}
	if s.CrossesTrustBoundary != nil {
		props[KeyTrustBoundary] = strconv.FormatBool(*s.CrossesTrustBoundary)
		// Data crossing a trust boundary reaches the service from outside
		// its zone: read as internet exposure; a service inside one zone
		// is internal.
		a.Exposure = risk.ExposureInternal
		if *s.CrossesTrustBoundary {
			a.Exposure = risk.ExposureInternet
		}
	}
	if s.TrustZone != "" {
		props[KeyTrustZone] = s.TrustZone
	}
	if s.Data != nil {
		var classes []string
		for _, d := range *s.Data {
			c := normalizeSpace(d.Classification)
			if c == "" {
				continue
			}
			classes = append(classes, c)
			tag, class := classify(c)
			if tag != "" {
				a.DataTags = append(a.DataTags, tag)
			}
			if class != "" {
				a.DataClass = moreSensitive(a.DataClass, class)
			}
		}
		if classes = sortedUnique(classes); len(classes) > 0 {
			props[KeyData] = strings.Join(classes, "\n")
		}
	}
	a.Licenses = licenses(s.Licenses)
	a.Tags = tags(s.Tags)
	at, err := b.properties(&a, props, s.Properties, path)
	if err != nil {
		return err
	}
	if at.kind != "" && at.kind != inventory.KindService {
		return b.invalid(path, "%s %q on a service", PropertyKind, at.kind)
	}
	a.Digest = at.digest
	a.ID = inventory.ID(inventory.KindService, a.Name)
	if len(props) > 0 {
		a.Properties = props
	}
	b.add(a, path)
	if s.BOMRef != "" {
		if err := b.ref(s.BOMRef, a.ID, path); err != nil {
			return err
		}
	}
	if parent != "" {
		b.edges = append(b.edges, inventory.Edge{From: parent, To: a.ID, Type: inventory.Contains})
	}
	for _, r := range at.contains {
		b.contains = append(b.contains, pendingRef{from: a.ID, ref: r})
	}
	if s.Endpoints != nil {
		for i, ep := range *s.Endpoints {
			u := strings.TrimSpace(ep)
			if u == "" {
				return b.invalid(index(path, "endpoints", i), "empty endpoint")
			}
			e := inventory.Asset{ID: inventory.ID(inventory.KindEndpoint, u), Kind: inventory.KindEndpoint,
				Name: u, URL: u, Exposure: a.Exposure}
			b.endpoints[e.ID] = append(b.endpoints[e.ID], len(b.assets))
			b.exposure[e.ID] = moreExposed(b.exposure[e.ID], a.Exposure)
			b.add(e, index(path, "endpoints", i))
			b.edges = append(b.edges, inventory.Edge{From: a.ID, To: e.ID, Type: inventory.Exposes})
		}
	}
	if s.Services != nil {
		for i := range *s.Services {
			if err := b.service(&(*s.Services)[i], index(path, "services", i), a.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve maps a reference to an asset ID: a bom-ref of the document, else
// a purl, which names a component (added on first use).
func (b *builder) resolve(ref string) (string, bool) {
	if id, ok := b.refs[ref]; ok {
		return id, true
	}
	if !strings.HasPrefix(ref, "pkg:") {
		return "", false
	}
	norm, err := inventory.NormalizePURL(ref)
	if err != nil {
		return "", false
	}
	id, err := inventory.ComponentID(norm)
	if err != nil {
		return "", false
	}
	_, name, version := purlParts(norm)
	b.add(inventory.Asset{ID: id, Kind: inventory.KindComponent, Name: name, Version: version, PURL: norm}, "")
	b.refs[ref] = id
	return id, true
}

// dependencies reads the dependency graph. An entry between two services
// is a calls edge; any other is depends_on, whose scope is the target
// component's and whose relationship is direct from the document's
// subject, transitive from anything the subject reaches through the
// dependency graph, and unknown otherwise.
func (b *builder) dependencies() error {
	type dep struct{ from, to string }
	var deps []dep
	adj := map[string][]string{}
	for i, d := range b.doc.dependencies {
		p := index("", "dependencies", i)
		if strings.TrimSpace(d.Ref) == "" {
			return b.invalid(p+".ref", "dependency without ref")
		}
		from, ok := b.resolve(d.Ref)
		if !ok {
			b.unresolved[d.Ref] = true
		}
		if d.Dependencies == nil {
			continue
		}
		for j, t := range *d.Dependencies {
			if strings.TrimSpace(t) == "" {
				return b.invalid(index(p, "dependsOn", j), "empty ref")
			}
			to, found := b.resolve(t)
			if !found {
				b.unresolved[t] = true
			}
			if !ok || !found {
				continue
			}
			deps = append(deps, dep{from, to})
			adj[from] = append(adj[from], to)
		}
	}
	b.res.Dependencies = len(deps)
	// A scope is kept on the edges into the component; one that no
	// depends_on edge carries is kept in the component's properties.
	into := map[string]bool{}
	for _, d := range deps {
		if b.kinds[d.from] != inventory.KindService || b.kinds[d.to] != inventory.KindService {
			into[d.to] = true
		}
	}
	for i := range b.assets {
		a := &b.assets[i]
		if sc, ok := b.scopes[a.ID]; ok && !into[a.ID] {
			if a.Properties == nil {
				a.Properties = map[string]string{}
			}
			a.Properties[KeyScope] = string(cdxScopeOf(sc))
		}
	}
	root := b.res.Root
	reach := map[string]bool{}
	if root != "" {
		queue := []string{root}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, m := range adj[n] {
				if !reach[m] {
					reach[m] = true
					queue = append(queue, m)
				}
			}
		}
	}
	for _, d := range deps {
		e := inventory.Edge{From: d.from, To: d.to, Type: inventory.DependsOn}
		if b.kinds[d.from] == inventory.KindService && b.kinds[d.to] == inventory.KindService {
			e.Type = inventory.Calls
		} else {
			e.Scope = b.scopes[d.to]
			switch {
			case d.from == root:
				e.Relationship = findings.RelationshipDirect
			case reach[d.from]:
				e.Relationship = findings.RelationshipTransitive
			}
		}
		b.edges = append(b.edges, e)
	}
	return nil
}

// commit adds the assets and edges to g, after checking that no asset
// conflicts with one already there.
func (b *builder) commit(g *inventory.Graph) error {
	for i, a := range b.assets {
		if old, ok := g.Asset(a.ID); ok && old.Kind != a.Kind {
			return b.invalid(b.paths[i], "%s is a %s in the graph, not a %s", a.ID, old.Kind, a.Kind)
		}
	}
	g.Grow(len(b.assets), len(b.edges))
	for i, a := range b.assets {
		if _, err := g.Add(a); err != nil {
			return b.fail(b.paths[i], fmt.Errorf("%w: %w", ErrInvalid, err))
		}
	}
	for _, e := range b.edges {
		if err := g.Link(e); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return nil
}
