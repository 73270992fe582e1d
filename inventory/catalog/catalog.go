package catalog

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/internal/docguard"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// The values a catalog's header must hold.
const (
	APIVersion = "aspm/v1"
	Kind       = "Catalog"
)

// Options control [Read]. Options is valid at its zero value; it is a
// plain value, safe to share between goroutines.
type Options struct {
	// Name names the input in errors and in every asset's Sources.
	Name string
	// MaxBytes bounds the size of the input; 0 means
	// [limits.MaxDocumentBytes].
	MaxBytes int64
}

// Result summarizes what [Read] added to the graph. It is a plain value,
// safe to share between goroutines.
type Result struct {
	// Root is the ID of the catalog's application when it declares exactly
	// one, else empty.
	Root string
	// Assets and Edges count the distinct assets and edges the catalog
	// describes, whether new to the graph or merged into what it held.
	Assets, Edges int
}

// Read adds what a catalog describes to g and returns a summary. Read
// modifies g: calls that share a graph must not run at the same time. The
// catalog is YAML, or JSON when its first character is "{"; see the
// package documentation for its schema.
//
// Read checks the whole catalog before it changes g: on error, g is left
// as it was, and the error is an [*Error] that names the line and the
// field, wrapping [ErrSyntax], [ErrInvalid], [ErrUnsupported] or
// [ErrLimit]. (Only an error of the graph itself, which a checked catalog
// does not cause, could leave g holding part of the catalog; the error
// says so.)
func Read(r io.Reader, g *inventory.Graph, opts Options) (Result, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = limits.MaxDocumentBytes
	}
	data, err := docguard.ReadAll(r, docguard.Options{MaxBytes: max})
	var le *docguard.LimitError
	switch {
	case errors.As(err, &le) && le.Limit == docguard.LimitSize:
		return Result{}, &Error{File: opts.Name, Err: fmt.Errorf("%w: input larger than %d bytes", ErrLimit, max)}
	case errors.As(err, &le):
		return Result{}, &Error{File: opts.Name, Line: le.Line, Column: le.Column, Err: fmt.Errorf("%w: %s", ErrLimit, le)}
	case err != nil:
		return Result{}, fmt.Errorf("catalog: %s: %w", opts.Name, err)
	}
	d := &decoder{file: opts.Name}
	root, err := d.parse(data)
	if err != nil {
		return Result{}, err
	}
	if root == nil {
		return Result{}, &Error{File: opts.Name, Err: fmt.Errorf("%w: empty document", ErrInvalid)}
	}
	b := &builder{d: d, g: g, name: opts.Name,
		declared: map[string]*yaml.Node{}, known: map[string]bool{},
		people: map[string]string{}, teams: map[string]string{}, envs: map[string]risk.Environment{},
		stores: map[string]string{}, services: map[string]string{}}
	if err := b.document(root); err != nil {
		return Result{}, err
	}
	return b.apply()
}

// builder checks a catalog and plans the assets and edges it describes.
type builder struct {
	d    *decoder
	g    *inventory.Graph
	name string

	assets []inventory.Asset
	edges  []inventory.Edge

	declared map[string]*yaml.Node // IDs declared once only, with their name's node
	known    map[string]bool       // every ID planned
	people   map[string]string     // name → ID
	teams    map[string]string
	envs     map[string]risk.Environment // ID → type
	stores   map[string]string
	services map[string]string
	apps     []string
	calls    []call
	explicit []field
}

type call struct {
	from string
	f    field
}

func (b *builder) fail(f field, sentinel error, format string, args ...any) error {
	return b.d.fail(f.val, f.path, sentinel, format, args...)
}

func (b *builder) document(root *yaml.Node) error {
	fs, err := b.d.fields(root, "")
	if err != nil {
		return err
	}
	top := map[string]field{}
	for _, f := range fs {
		top[f.key] = f
	}
	for _, h := range []struct{ key, want string }{{"apiVersion", APIVersion}, {"kind", Kind}} {
		f, ok := top[h.key]
		if !ok {
			return b.d.fail(root, "", ErrUnsupported, "not an aspm catalog: no %s (want %q)", h.key, h.want)
		}
		v, err := b.d.str(f)
		if err != nil {
			return b.d.fail(f.val, f.path, ErrUnsupported, "not an aspm catalog: %s is %s", h.key, describe(f.val))
		}
		if v != h.want {
			return b.fail(f, ErrUnsupported, "%s %q, want %q", h.key, v, h.want)
		}
	}
	for _, f := range fs {
		switch f.key {
		case "apiVersion", "kind", "people", "teams", "environments", "data_stores", "applications", "edges":
		default:
			return b.d.fail(f.node, f.path, ErrInvalid, "unknown field %q", f.key)
		}
	}
	// Sections in dependency order, whatever their order in the document.
	sections := []struct {
		key  string
		read func(field) error
	}{
		{"people", b.person}, {"teams", b.team}, {"environments", b.environment},
		{"data_stores", b.dataStore}, {"applications", b.application},
	}
	for _, s := range sections {
		f, ok := top[s.key]
		if !ok {
			continue
		}
		items, err := b.d.items(f)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := s.read(it); err != nil {
				return err
			}
		}
	}
	for _, c := range b.calls {
		if err := b.resolveCall(c); err != nil {
			return err
		}
	}
	if f, ok := top["edges"]; ok {
		items, err := b.d.items(f)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := b.edge(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// apply adds the planned assets and edges to the graph.
func (b *builder) apply() (Result, error) {
	var res Result
	ids := map[string]bool{}
	for _, a := range b.assets {
		id, err := b.g.Add(a)
		if err != nil {
			return res, &Error{File: b.name, Err: fmt.Errorf("%w: the graph refused asset %s, after part of the catalog was added: %w", ErrInvalid, a.ID, err)}
		}
		ids[id] = true
	}
	type key struct {
		from, to string
		typ      inventory.EdgeType
	}
	edges := map[key]bool{}
	for _, e := range b.edges {
		if err := b.g.Link(e); err != nil {
			return res, &Error{File: b.name, Err: fmt.Errorf("%w: the graph refused an edge, after part of the catalog was added: %w", ErrInvalid, err)}
		}
		edges[key{e.From, e.To, e.Type}] = true
	}
	res.Assets, res.Edges = len(ids), len(edges)
	if len(b.apps) == 1 {
		res.Root = b.apps[0]
	}
	return res, nil
}

func (b *builder) link(from, to string, t inventory.EdgeType) {
	b.edges = append(b.edges, inventory.Edge{From: from, To: to, Type: t})
}

// Attribute groups an entity accepts beyond name, title, description,
// tags and properties.
const (
	allowOwner   = 1 << iota // owner
	allowRisk                // exposure, criticality, data
	allowContact             // email, chat, github
)

// entity is an asset being read.
type entity struct {
	a     inventory.Asset
	where *yaml.Node // the mapping, for errors about missing fields
	path  string
	name  field // the name field, when given
	own   field // the owner field, when given
	props map[string]string
	user  map[string]string
}

func (b *builder) newEntity(k inventory.Kind, n *yaml.Node, path string) *entity {
	return &entity{a: inventory.Asset{Kind: k}, where: n, path: path, props: map[string]string{}}
}

// common reads the fields entities share; it reports false for a field it
// does not know.
func (b *builder) common(e *entity, f field, allow int) (bool, error) {
	var err error
	switch f.key {
	case "name":
		e.name = f
		e.a.Name, err = b.d.str(f)
	case "title", "description":
		err = b.prop(e, f)
	case "tags":
		e.a.Tags, _, err = b.d.strs(f)
	case "properties":
		e.user, err = b.d.props(f)
	case "email", "chat", "github":
		if allow&allowContact == 0 {
			return false, nil
		}
		err = b.prop(e, f)
	case "owner":
		if allow&allowOwner == 0 {
			return false, nil
		}
		e.own = f
		e.a.Owner, err = b.owner(f)
	case "exposure":
		if allow&allowRisk == 0 {
			return false, nil
		}
		var v string
		v, err = b.enum(f, exposures)
		e.a.Exposure = risk.Exposure(v)
	case "criticality":
		if allow&allowRisk == 0 {
			return false, nil
		}
		var v string
		v, err = b.enum(f, criticalities)
		e.a.Criticality = risk.Criticality(v)
	case "data":
		if allow&allowRisk == 0 {
			return false, nil
		}
		err = b.data(e, f)
	default:
		return false, nil
	}
	return true, err
}

func (b *builder) prop(e *entity, f field) error {
	v, err := b.d.str(f)
	if v != "" {
		e.props[f.key] = v
	}
	return err
}

func (b *builder) unknown(f field) error {
	return b.d.fail(f.node, f.path, ErrInvalid, "unknown field %q", f.key)
}

// requireName checks that the entity has a name.
func (b *builder) requireName(e *entity) error {
	if e.a.Name == "" {
		if e.name.val != nil {
			return b.fail(e.name, ErrInvalid, "empty name")
		}
		return b.d.fail(e.where, e.path, ErrInvalid, "no name")
	}
	return nil
}

// declare records an asset that must be declared once, and plans it.
func (b *builder) declare(e *entity, id string) error {
	at := e.name.val
	if at == nil {
		at = e.where
	}
	if first, dup := b.declared[id]; dup {
		return b.d.fail(at, e.name.path, ErrInvalid, "%s declared twice (first on line %d)", id, first.Line)
	}
	b.declared[id] = at
	b.plan(e, id)
	return nil
}

// plan adds the entity's asset, and its owned_by edge, to the plan.
func (b *builder) plan(e *entity, id string) {
	e.a.ID = id
	if len(e.user) > 0 || len(e.props) > 0 {
		e.a.Properties = make(map[string]string, len(e.user)+len(e.props))
		for k, v := range e.user {
			e.a.Properties[k] = v
		}
		for k, v := range e.props {
			e.a.Properties[k] = v
		}
	}
	if b.name != "" {
		e.a.Sources = []string{b.name}
	}
	b.assets = append(b.assets, e.a)
	b.known[id] = true
	if e.a.Owner != "" {
		b.link(id, e.a.Owner, inventory.OwnedBy)
	}
}

var (
	exposures     = []string{string(risk.ExposureInternet), string(risk.ExposureInternal), string(risk.ExposureIsolated)}
	criticalities = []string{string(risk.CriticalityCritical), string(risk.CriticalityHigh), string(risk.CriticalityMedium), string(risk.CriticalityLow)}
	dataClasses   = []string{string(risk.DataRestricted), string(risk.DataConfidential), string(risk.DataInternal), string(risk.DataPublic)}
	// environments, most production-like first.
	environments = []string{string(risk.EnvironmentProduction), string(risk.EnvironmentStaging), string(risk.EnvironmentDevelopment), string(risk.EnvironmentTest)}
	dataTags     = []string{inventory.DataPCI, inventory.DataPHI, inventory.DataPII}
)

// enum reads a value of a closed vocabulary, case-insensitively.
func (b *builder) enum(f field, allowed []string) (string, error) {
	v, err := b.d.str(f)
	if err != nil || v == "" {
		return "", err
	}
	l := strings.ToLower(v)
	if !slices.Contains(allowed, l) {
		return "", b.fail(f, ErrInvalid, "%s %q is not one of %s", f.key, v, strings.Join(allowed, ", "))
	}
	return l, nil
}

// data reads a data classification: a class, or a mapping of class and
// tags.
func (b *builder) data(e *entity, f field) error {
	if f.val.Kind == yaml.ScalarNode {
		v, err := b.enum(field{key: "data class", val: f.val, path: f.path}, dataClasses)
		e.a.DataClass = risk.DataSensitivity(v)
		return err
	}
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	for _, x := range fs {
		switch x.key {
		case "class":
			v, err := b.enum(x, dataClasses)
			if err != nil {
				return err
			}
			e.a.DataClass = risk.DataSensitivity(v)
		case "tags":
			tags, items, err := b.d.strs(x)
			if err != nil {
				return err
			}
			for i, t := range tags {
				u := strings.ToUpper(t)
				if !slices.Contains(dataTags, u) {
					return b.fail(items[i], ErrInvalid, "data tag %q is not one of %s", t, strings.Join(dataTags, ", "))
				}
				e.a.DataTags = append(e.a.DataTags, u)
			}
		default:
			return b.unknown(x)
		}
	}
	if e.a.DataClass == "" {
		// Regulated data implies its class.
		for _, t := range e.a.DataTags {
			switch {
			case t == inventory.DataPCI || t == inventory.DataPHI:
				e.a.DataClass = risk.DataRestricted
			case e.a.DataClass == "":
				e.a.DataClass = risk.DataConfidential
			}
		}
	}
	return nil
}

// owner resolves an owner reference: "team:NAME", "person:NAME", or a
// bare name that is a team or a person.
func (b *builder) owner(f field) (string, error) {
	s, err := b.d.str(f)
	if err != nil || s == "" {
		return "", err
	}
	kind, name, ok := strings.Cut(s, ":")
	if ok && (kind == string(inventory.KindTeam) || kind == string(inventory.KindPerson)) {
		m := b.teams
		if kind == string(inventory.KindPerson) {
			m = b.people
		}
		if id, ok := m[name]; ok {
			return id, nil
		}
		return "", b.fail(f, ErrInvalid, "owner %q: no %s %q is declared", s, kind, name)
	}
	team, isTeam := b.teams[s]
	person, isPerson := b.people[s]
	switch {
	case isTeam && isPerson:
		return "", b.fail(f, ErrInvalid, "owner %q is both a team and a person: write team:%s or person:%s", s, s, s)
	case isTeam:
		return team, nil
	case isPerson:
		return person, nil
	}
	return "", b.fail(f, ErrInvalid, "owner %q is not declared under teams or people", s)
}

// environmentRefs reads a list of environment names and returns their IDs
// and the most production-like of their types.
func (b *builder) environmentRefs(f field) ([]string, risk.Environment, error) {
	names, items, err := b.d.strs(f)
	if err != nil {
		return nil, "", err
	}
	var ids []string
	best := len(environments)
	for i, n := range names {
		id, t, err := b.environmentRef(items[i], n)
		if err != nil {
			return nil, "", err
		}
		ids = append(ids, id)
		best = min(best, slices.Index(environments, string(t)))
	}
	if best == len(environments) {
		return ids, "", nil
	}
	return ids, risk.Environment(environments[best]), nil
}

// environmentRef resolves one environment name.
func (b *builder) environmentRef(f field, name string) (string, risk.Environment, error) {
	if name == "" {
		return "", "", nil
	}
	id := inventory.ID(inventory.KindEnvironment, name)
	t, ok := b.envs[id]
	if !ok {
		return "", "", b.fail(f, ErrInvalid, "environment %q is not declared under environments", name)
	}
	return id, t, nil
}

func (b *builder) person(f field) error {
	e := b.newEntity(inventory.KindPerson, f.val, f.path)
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	for _, x := range fs {
		if ok, err := b.common(e, x, allowContact); err != nil {
			return err
		} else if !ok {
			return b.unknown(x)
		}
	}
	if err := b.requireName(e); err != nil {
		return err
	}
	id := inventory.ID(inventory.KindPerson, e.a.Name)
	b.people[e.a.Name] = id
	return b.declare(e, id)
}

func (b *builder) team(f field) error {
	e := b.newEntity(inventory.KindTeam, f.val, f.path)
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	for _, x := range fs {
		if x.key == "members" {
			names, items, err := b.d.strs(x)
			if err != nil {
				return err
			}
			for i, n := range names {
				if _, ok := b.people[n]; !ok {
					return b.fail(items[i], ErrInvalid, "member %q is not declared under people", n)
				}
			}
			slices.Sort(names)
			if names = slices.Compact(names); len(names) > 0 {
				e.props["members"] = strings.Join(names, ",")
			}
			continue
		}
		if ok, err := b.common(e, x, allowContact); err != nil {
			return err
		} else if !ok {
			return b.unknown(x)
		}
	}
	if err := b.requireName(e); err != nil {
		return err
	}
	id := inventory.ID(inventory.KindTeam, e.a.Name)
	b.teams[e.a.Name] = id
	return b.declare(e, id)
}

func (b *builder) environment(f field) error {
	e := b.newEntity(inventory.KindEnvironment, f.val, f.path)
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	var typ field
	for _, x := range fs {
		if x.key == "type" {
			v, err := b.enum(x, environments)
			if err != nil {
				return err
			}
			typ, e.a.Environment = x, risk.Environment(v)
			continue
		}
		if ok, err := b.common(e, x, 0); err != nil {
			return err
		} else if !ok {
			return b.unknown(x)
		}
	}
	if err := b.requireName(e); err != nil {
		return err
	}
	if e.a.Environment == "" {
		if typ.val != nil || !slices.Contains(environments, strings.ToLower(e.a.Name)) {
			return b.d.fail(e.where, e.path, ErrInvalid, "environment %q needs a type: one of %s", e.a.Name, strings.Join(environments, ", "))
		}
		e.a.Environment = risk.Environment(strings.ToLower(e.a.Name))
	}
	id := inventory.ID(inventory.KindEnvironment, e.a.Name)
	b.envs[id] = e.a.Environment
	return b.declare(e, id)
}

func (b *builder) dataStore(f field) error {
	e := b.newEntity(inventory.KindDataStore, f.val, f.path)
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	var env string
	for _, x := range fs {
		switch x.key {
		case "type":
			err = b.prop(e, x)
		case "environment":
			var n string
			if n, err = b.d.str(x); err == nil {
				env, e.a.Environment, err = b.environmentRef(x, n)
			}
		default:
			var ok bool
			ok, err = b.common(e, x, allowOwner|allowRisk)
			if err == nil && !ok {
				err = b.unknown(x)
			}
		}
		if err != nil {
			return err
		}
	}
	if err := b.requireName(e); err != nil {
		return err
	}
	id := inventory.ID(inventory.KindDataStore, e.a.Name)
	b.stores[e.a.Name] = id
	if err := b.declare(e, id); err != nil {
		return err
	}
	if env != "" {
		b.link(id, env, inventory.RunsIn)
	}
	return nil
}

// storeRefs resolves a list of data store names.
func (b *builder) storeRefs(f field) ([]string, error) {
	names, items, err := b.d.strs(f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(names))
	for i, n := range names {
		id, ok := b.stores[n]
		if !ok {
			return nil, b.fail(items[i], ErrInvalid, "data store %q is not declared under data_stores", n)
		}
		ids[i] = id
	}
	return ids, nil
}

func (b *builder) application(f field) error {
	e := b.newEntity(inventory.KindApplication, f.val, f.path)
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	var repos, services []field
	var stores, envs []string
	for _, x := range fs {
		switch x.key {
		case "repositories":
			repos, err = b.d.items(x)
		case "services":
			services, err = b.d.items(x)
		case "data_stores":
			stores, err = b.storeRefs(x)
		case "environments":
			envs, e.a.Environment, err = b.environmentRefs(x)
		default:
			var ok bool
			ok, err = b.common(e, x, allowOwner|allowRisk)
			if err == nil && !ok {
				err = b.unknown(x)
			}
		}
		if err != nil {
			return err
		}
	}
	if err := b.requireName(e); err != nil {
		return err
	}
	id := inventory.ID(inventory.KindApplication, e.a.Name)
	if err := b.declare(e, id); err != nil {
		return err
	}
	b.apps = append(b.apps, id)
	for _, env := range envs {
		b.link(id, env, inventory.RunsIn)
	}
	for _, s := range stores {
		b.link(id, s, inventory.StoresDataIn)
	}
	for _, r := range repos {
		rid, err := b.repository(r)
		if err != nil {
			return err
		}
		b.link(id, rid, inventory.Contains)
	}
	for _, s := range services {
		sid, err := b.service(s)
		if err != nil {
			return err
		}
		b.link(id, sid, inventory.Contains)
	}
	return nil
}

// repository reads a repository: its URL, or a mapping.
func (b *builder) repository(f field) (string, error) {
	e := b.newEntity(inventory.KindRepository, f.val, f.path)
	var u field
	if f.val.Kind == yaml.ScalarNode {
		u = f
		u.key = "url"
	} else {
		fs, err := b.d.fields(f.val, f.path)
		if err != nil {
			return "", err
		}
		for _, x := range fs {
			if x.key == "url" {
				u = x
				continue
			}
			if x.key == "name" {
				return "", b.d.fail(x.node, x.path, ErrInvalid, "a repository is named by its url")
			}
			if ok, err := b.common(e, x, allowOwner|allowRisk); err != nil {
				return "", err
			} else if !ok {
				return "", b.unknown(x)
			}
		}
	}
	if u.val == nil {
		return "", b.d.fail(f.val, f.path, ErrInvalid, "repository without url")
	}
	raw, err := b.d.str(u)
	if err != nil {
		return "", err
	}
	if raw == "" {
		return "", b.fail(u, ErrInvalid, "empty repository url")
	}
	id, err := inventory.RepositoryID(raw)
	if err != nil {
		return "", b.fail(u, ErrInvalid, "repository url %q: %v", raw, err)
	}
	e.a.Name, _ = inventory.NormalizeRepoURL(raw)
	e.a.URL = raw
	b.plan(e, id)
	return id, nil
}

func (b *builder) service(f field) (string, error) {
	e := b.newEntity(inventory.KindService, f.val, f.path)
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return "", err
	}
	var images, endpoints []field
	var stores, envs []string
	var calls field
	for _, x := range fs {
		switch x.key {
		case "images":
			images, err = b.d.items(x)
		case "endpoints":
			endpoints, err = b.d.items(x)
		case "data_stores":
			stores, err = b.storeRefs(x)
		case "environments":
			envs, e.a.Environment, err = b.environmentRefs(x)
		case "calls":
			calls = x
		default:
			var ok bool
			ok, err = b.common(e, x, allowOwner|allowRisk)
			if err == nil && !ok {
				err = b.unknown(x)
			}
		}
		if err != nil {
			return "", err
		}
	}
	if err := b.requireName(e); err != nil {
		return "", err
	}
	id := inventory.ID(inventory.KindService, e.a.Name)
	if err := b.declare(e, id); err != nil {
		return "", err
	}
	b.services[e.a.Name] = id
	if calls.val != nil {
		b.calls = append(b.calls, call{from: id, f: calls})
	}
	for _, env := range envs {
		b.link(id, env, inventory.RunsIn)
	}
	for _, s := range stores {
		b.link(id, s, inventory.StoresDataIn)
	}
	for _, im := range images {
		iid, err := b.image(im)
		if err != nil {
			return "", err
		}
		b.link(id, iid, inventory.Deploys)
	}
	for _, ep := range endpoints {
		eid, err := b.endpoint(ep, e.a.Exposure)
		if err != nil {
			return "", err
		}
		b.link(id, eid, inventory.Exposes)
	}
	return id, nil
}

func (b *builder) resolveCall(c call) error {
	names, items, err := b.d.strs(c.f)
	if err != nil {
		return err
	}
	for i, n := range names {
		to, ok := b.services[n]
		if !ok {
			return b.fail(items[i], ErrInvalid, "called service %q is not declared", n)
		}
		b.link(c.from, to, inventory.Calls)
	}
	return nil
}

// image reads an image: its reference, or a mapping of ref and digest.
func (b *builder) image(f field) (string, error) {
	e := b.newEntity(inventory.KindImage, f.val, f.path)
	var ref, digest string
	at := f
	if f.val.Kind == yaml.ScalarNode {
		var err error
		if ref, err = b.d.str(f); err != nil {
			return "", err
		}
	} else {
		fs, err := b.d.fields(f.val, f.path)
		if err != nil {
			return "", err
		}
		for _, x := range fs {
			switch x.key {
			case "ref":
				ref, err = b.d.str(x)
				at = x
			case "digest":
				digest, err = b.d.str(x)
				at = x
			default:
				if x.key == "name" {
					return "", b.d.fail(x.node, x.path, ErrInvalid, "an image is named by its ref")
				}
				var ok bool
				ok, err = b.common(e, x, allowOwner)
				if err == nil && !ok {
					err = b.unknown(x)
				}
			}
			if err != nil {
				return "", err
			}
		}
	}
	a, err := inventory.ImageAsset(ref, digest)
	if err != nil {
		return "", b.fail(at, ErrInvalid, "%v", err)
	}
	e.a.Name, e.a.Version, e.a.Digest = a.Name, a.Version, a.Digest
	b.plan(e, a.ID)
	return a.ID, nil
}

// endpoint reads an endpoint: its URL, or a mapping.
func (b *builder) endpoint(f field, exposure risk.Exposure) (string, error) {
	e := b.newEntity(inventory.KindEndpoint, f.val, f.path)
	var u field
	if f.val.Kind == yaml.ScalarNode {
		u = f
	} else {
		fs, err := b.d.fields(f.val, f.path)
		if err != nil {
			return "", err
		}
		for _, x := range fs {
			switch x.key {
			case "url":
				u = x
			case "exposure":
				v, err := b.enum(x, exposures)
				if err != nil {
					return "", err
				}
				e.a.Exposure = risk.Exposure(v)
			default:
				if x.key == "name" {
					return "", b.d.fail(x.node, x.path, ErrInvalid, "an endpoint is named by its url")
				}
				if ok, err := b.common(e, x, allowOwner); err != nil {
					return "", err
				} else if !ok {
					return "", b.unknown(x)
				}
			}
		}
	}
	if u.val == nil {
		return "", b.d.fail(f.val, f.path, ErrInvalid, "endpoint without url")
	}
	raw, err := b.d.str(u)
	if err != nil {
		return "", err
	}
	n, err := inventory.EndpointURL(raw)
	if err != nil {
		return "", b.fail(u, ErrInvalid, "%v", err)
	}
	if e.a.Exposure == "" {
		e.a.Exposure = exposure
	}
	e.a.Name, e.a.URL = n, n
	id := inventory.ID(inventory.KindEndpoint, n)
	b.plan(e, id)
	return id, nil
}

// edge reads an explicit edge.
func (b *builder) edge(f field) error {
	fs, err := b.d.fields(f.val, f.path)
	if err != nil {
		return err
	}
	var e inventory.Edge
	var ends [2]field
	for _, x := range fs {
		v, err := b.d.str(x)
		if err != nil {
			return err
		}
		switch x.key {
		case "from":
			e.From, ends[0] = v, x
		case "to":
			e.To, ends[1] = v, x
		case "type":
			e.Type = inventory.EdgeType(v)
			if !e.Type.Valid() {
				names := make([]string, len(inventory.EdgeTypes))
				for i, t := range inventory.EdgeTypes {
					names[i] = string(t)
				}
				return b.fail(x, ErrInvalid, "edge type %q is not one of %s", v, strings.Join(names, ", "))
			}
		default:
			return b.unknown(x)
		}
	}
	for i, id := range []string{e.From, e.To} {
		key := []string{"from", "to"}[i]
		if id == "" {
			return b.d.fail(f.val, f.path, ErrInvalid, "edge without %s", key)
		}
		if !b.known[id] {
			if _, ok := b.g.Asset(id); !ok {
				return b.fail(ends[i], ErrInvalid, "edge %s %q: no such asset in the catalog or the graph", key, id)
			}
		}
	}
	if e.Type == "" {
		return b.d.fail(f.val, f.path, ErrInvalid, "edge without type")
	}
	b.edges = append(b.edges, e)
	return nil
}
