package gcp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/internal/sniff"
)

// DefaultMaxBytes is the largest input [Read] and [ReadRoles] accept when
// the limit given is zero: 256 MiB.
const DefaultMaxBytes = 256 << 20

// Options configures [Read]. The zero value is valid. Options is a plain
// value: safe to copy and to share between goroutines, provided Roles is
// not modified meanwhile.
type Options struct {
	// File is the input's name, used in every [access.Source] and
	// [*access.ParseError]; "" when there is none.
	File string
	// Domain is the organization's own domain ("example.com"). When set,
	// users, groups and domains of any other domain are External.
	Domain string
	// Roles is a role catalog (see [ReadRoles]): bound roles found in it
	// get its permissions; others get none.
	Roles []access.Role
	// MaxBytes bounds the input size; a larger input fails with an error
	// wrapping [access.ErrLimit]. Zero (or less) means [DefaultMaxBytes].
	MaxBytes int64
}

// readAll reads at most max bytes of r.
func readAll(r io.Reader, file string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	data, err := jsondoc.ReadAll(r, file, max)
	var pe *access.ParseError
	if errors.As(err, &pe) {
		return nil, err
	}
	if err != nil {
		return nil, &access.ParseError{File: file, Message: "read: " + err.Error(), Err: access.ErrSyntax}
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		// Blank the byte order mark, keeping offsets.
		data = append([]byte("   "), data[3:]...)
	}
	return data, nil
}

// asset is a Cloud Asset Inventory asset, limited to what Read uses.
type asset struct {
	Name      string `json:"name"`
	AssetType string `json:"asset_type"`
	IAMPolicy *struct {
		Bindings []struct {
			Role      string          `json:"role"`
			Members   []string        `json:"members"`
			Condition json.RawMessage `json:"condition"`
		} `json:"bindings"`
	} `json:"iam_policy"`
}

// Read reads a Cloud Asset Inventory export of IAM policies (see the
// package documentation) from r and returns its access model, sorted with
// [access.Model.Sort]. Errors are [*access.ParseError]s wrapping
// [access.ErrSyntax], [access.ErrUnsupported] or [access.ErrLimit]; no
// partial model is returned with an error.
//
// Read is safe for concurrent use.
func Read(r io.Reader, opts Options) (*access.Model, error) {
	data, err := readAll(r, opts.File, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	d := &jsondoc.Doc{File: opts.File, Data: data, What: "Cloud Asset Inventory data"}
	var items []jsondoc.Node
	start := jsondoc.SkipSpace(data, 0)
	switch {
	case start == len(data):
		return nil, d.Unsupported(jsondoc.Node{}, "empty input: want Cloud Asset Inventory assets")
	case data[start] == '[':
		top, err := d.Top()
		if err != nil {
			return nil, err
		}
		if items, err = d.Elems(top); err != nil {
			return nil, err
		}
	case data[start] == '{' && jsondoc.LooksJSON(data[start:]):
		if items, err = d.Stream(); err != nil {
			return nil, err
		}
	default:
		return nil, d.Unsupported(jsondoc.Node{Off: start}, "not JSON assets (YAML, Terraform, CSV or other text is not Cloud Asset Inventory data)")
	}
	b := &builder{d: d, opts: opts, principals: map[string]*access.Principal{},
		roles: map[string]*access.Role{}, bindings: map[string]*access.Binding{}, catalog: map[string]*access.Role{}}
	for i := range opts.Roles {
		b.catalog[opts.Roles[i].ID] = &opts.Roles[i]
	}
	for i, it := range items {
		if err := b.asset(it, i == 0); err != nil {
			return nil, err
		}
	}
	return b.model(), nil
}

// ReadFile reads the file at path with [Read], using path as
// [Options.File].
func ReadFile(path string) (*access.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, Options{File: path})
}

// Detect reports whether data (or its first bytes) looks like a Cloud
// Asset Inventory export with IAM policies: assets with "name" and
// "asset_type". It reads at most the first 64 KiB and is safe for
// concurrent use.
func Detect(data []byte) bool {
	if len(data) > limits.SniffBytes {
		data = data[:limits.SniffBytes]
	}
	p := sniff.New(data)
	return p.Syntax == sniff.JSON && p.Has("name") && p.Has("asset_type")
}

type builder struct {
	d          *jsondoc.Doc
	opts       Options
	principals map[string]*access.Principal
	roles      map[string]*access.Role
	bindings   map[string]*access.Binding
	catalog    map[string]*access.Role
}

func (b *builder) asset(n jsondoc.Node, first bool) error {
	d := b.d
	if len(n.Raw) == 0 || n.Raw[0] != '{' {
		if first {
			return d.Unsupported(n, "not Cloud Asset Inventory assets: want objects with name and asset_type, got %s", jsondoc.Kind(n.Raw))
		}
		return d.Errorf(n, "asset: want an object, got %s", jsondoc.Kind(n.Raw))
	}
	var a asset
	if err := d.Decode(n, &a); err != nil {
		return err
	}
	if a.Name == "" || a.AssetType == "" {
		if first {
			return d.Unsupported(n, "not Cloud Asset Inventory assets: the first element has no name or asset_type")
		}
		return d.Errorf(n, "asset: name or asset_type missing")
	}
	if a.IAMPolicy == nil {
		return nil // an asset without a policy: nothing is granted on it
	}
	scope := access.Scope{Kind: "resource", Name: a.Name}
	switch a.AssetType {
	case "cloudresourcemanager.googleapis.com/Project":
		scope.Kind = "project"
	case "cloudresourcemanager.googleapis.com/Organization":
		scope.Kind = "org"
	}
	bnodes, err := b.path(n, "iam_policy", "bindings")
	if err != nil {
		return err
	}
	for i, bd := range a.IAMPolicy.Bindings {
		at := n
		if i < len(bnodes) {
			at = bnodes[i]
		}
		if bd.Role == "" {
			return d.Errorf(at, "binding: role missing")
		}
		rid := b.role(bd.Role, bd.Condition, at)
		mnodes, err := b.path(at, "members")
		if err != nil {
			return err
		}
		for j, m := range bd.Members {
			mat := at
			if j < len(mnodes) {
				mat = mnodes[j]
			}
			p, err := b.member(m, mat)
			if err != nil {
				return err
			}
			id := "gcp:binding:" + a.Name + ":" + strings.TrimPrefix(rid, "gcp:role:") + ":" + strings.TrimPrefix(p.ID, "gcp:")
			if _, ok := b.bindings[id]; !ok {
				b.bindings[id] = &access.Binding{ID: id, Principal: p.ID, Role: rid, Scope: scope, Source: d.Source(at)}
			}
		}
	}
	return nil
}

// path returns the elements of the array reached from object n by keys
// (none when a key is absent or null).
func (b *builder) path(n jsondoc.Node, keys ...string) ([]jsondoc.Node, error) {
	for _, k := range keys {
		if jsondoc.IsNull(n.Raw) {
			return nil, nil
		}
		fields, err := b.d.Fields(n)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(fields, func(f jsondoc.Field) bool { return f.Key == k })
		if i < 0 {
			return nil, nil
		}
		n = fields[i].Node
	}
	return b.d.Elems(n)
}

// role returns the ID of role name (with condition, when the binding has
// one), adding the role from the catalog or empty.
func (b *builder) role(name string, cond json.RawMessage, n jsondoc.Node) string {
	id := "gcp:role:" + name
	r := &access.Role{ID: id, System: access.SystemGCP, Name: name, Kind: "Role",
		Builtin: strings.HasPrefix(name, "roles/"), Permissions: []access.Permission{}, Source: b.d.Source(n)}
	if c := b.catalog[id]; c != nil {
		r.Permissions = clonePerms(c.Permissions)
		r.Source = c.Source
	}
	if len(cond) > 0 && !jsondoc.IsNull(cond) {
		// A conditional binding grants a conditional copy of the role.
		var c struct {
			Title      string `json:"title"`
			Expression string `json:"expression"`
		}
		_ = json.Unmarshal(cond, &c)
		id += "?condition=" + cmp.Or(c.Title, c.Expression)
		r.ID = id
		r.Kind = "ConditionalRole"
		r.Source = b.d.Source(n)
		if len(r.Permissions) == 0 {
			r.Permissions = []access.Permission{{Effect: access.Allow}}
		}
		for i := range r.Permissions {
			r.Permissions[i].Conditions = slices.Clone(cond)
		}
	}
	if _, ok := b.roles[id]; !ok {
		b.roles[id] = r
	}
	return id
}

func clonePerms(ps []access.Permission) []access.Permission {
	out := make([]access.Permission, len(ps))
	for i, p := range ps {
		p.Actions = slices.Clone(p.Actions)
		out[i] = p
	}
	return out
}

// member adds the principal of an IAM policy member string.
func (b *builder) member(m string, n jsondoc.Node) (*access.Principal, error) {
	deleted := false
	if rest, ok := strings.CutPrefix(m, "deleted:"); ok {
		deleted = true
		m, _, _ = strings.Cut(rest, "?uid=")
	}
	var kind access.PrincipalKind
	var name, domain string
	human := access.Unknown
	switch prefix, rest, _ := strings.Cut(m, ":"); {
	case m == "allUsers" || m == "allAuthenticatedUsers":
		kind, name = access.KindFederated, m
	case prefix == "user" && strings.Contains(rest, "@"):
		kind, name, human = access.KindUser, rest, access.Yes
		domain = rest[strings.LastIndexByte(rest, '@')+1:]
	case prefix == "serviceAccount" && strings.Contains(rest, "@"):
		kind, name, human = access.KindServiceAccount, rest, access.No
	case prefix == "group" && strings.Contains(rest, "@"):
		kind, name = access.KindGroup, rest
		domain = rest[strings.LastIndexByte(rest, '@')+1:]
	case prefix == "domain" && rest != "":
		kind, name, domain = access.KindGroup, m, rest
	case (prefix == "projectOwner" || prefix == "projectEditor" || prefix == "projectViewer") && rest != "":
		kind, name = access.KindGroup, m
	case (prefix == "principal" || prefix == "principalSet") && strings.HasPrefix(rest, "//"):
		kind, name = access.KindFederated, m
	default:
		return nil, b.d.Errorf(n, "member %q: not an IAM member (user:, serviceAccount:, group:, domain:, allUsers ...)", m)
	}
	id := "gcp:" + string(kind) + ":" + name
	p := b.principals[id]
	if p == nil {
		p = &access.Principal{ID: id, System: access.SystemGCP, Kind: kind, Name: name, Human: human, Source: b.d.Source(n)}
		if domain != "" && b.opts.Domain != "" && !strings.EqualFold(domain, b.opts.Domain) {
			p.External = true
		}
		if m == "allUsers" || m == "allAuthenticatedUsers" {
			p.External = true
		}
		b.principals[id] = p
	}
	if deleted {
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		p.Attributes["deleted"] = "true"
	}
	return p, nil
}

func (b *builder) model() *access.Model {
	m := &access.Model{Principals: []access.Principal{}, Roles: []access.Role{}, Bindings: []access.Binding{}}
	for _, p := range b.principals {
		m.Principals = append(m.Principals, *p)
	}
	for _, r := range b.roles {
		m.Roles = append(m.Roles, *r)
	}
	for _, x := range b.bindings {
		m.Bindings = append(m.Bindings, *x)
	}
	m.Sort()
	return m
}

// catalogRole is an IAM role definition as the iam-dataset and `gcloud
// iam roles describe --format=json` write it.
type catalogRole struct {
	Name                string   `json:"name"`
	Title               string   `json:"title"`
	Stage               string   `json:"stage"`
	IncludedPermissions []string `json:"includedPermissions"`
}

// ReadRoles reads a role catalog for [Options.Roles]: one role definition
// ({"name": "roles/owner", "includedPermissions": [...]}) or an array of
// them (iam-dataset's predefined_roles.json, whose entries carry no
// permissions). file names the input in sources and errors. Each role
// becomes "gcp:role:<name>" with one allow permission listing its
// included permissions. It is safe for concurrent use.
func ReadRoles(r io.Reader, file string) ([]access.Role, error) {
	data, err := readAll(r, file, 0)
	if err != nil {
		return nil, err
	}
	d := &jsondoc.Doc{File: file, Data: data, What: "Cloud Asset Inventory data"}
	top, err := d.Top()
	if err != nil {
		return nil, err
	}
	items := []jsondoc.Node{top}
	if top.Raw[0] == '[' {
		if items, err = d.Elems(top); err != nil {
			return nil, err
		}
	}
	out := make([]access.Role, 0, len(items))
	for _, it := range items {
		var c catalogRole
		if err := d.Decode(it, &c); err != nil {
			return nil, err
		}
		if c.Name == "" {
			return nil, d.Errorf(it, "role: name missing")
		}
		r := access.Role{ID: "gcp:role:" + c.Name, System: access.SystemGCP, Name: c.Name, Kind: "Role",
			Builtin: strings.HasPrefix(c.Name, "roles/"), Source: d.Source(it)}
		if len(c.IncludedPermissions) > 0 {
			r.Permissions = []access.Permission{{Effect: access.Allow, Actions: c.IncludedPermissions}}
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b access.Role) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
