package azure

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/internal/sniff"
)

// DefaultMaxBytes is the largest input [Read] accepts when
// [Options.MaxBytes] is zero: 256 MiB.
const DefaultMaxBytes = 256 << 20

// DataPrefix starts the actions of the [access.Permission] that carries a
// role's data actions ("data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"),
// which Azure keeps apart from its control-plane actions.
const DataPrefix = "data:"

// Options configures [Read]. The zero value is valid. Options is a plain
// value, safe to copy and to share between goroutines.
type Options struct {
	// File is the input's name, used in every [access.Source] and
	// [*access.ParseError]; "" when there is none.
	File string
	// MaxBytes bounds the input size; a larger input fails with an error
	// wrapping [access.ErrLimit]. Zero (or less) means [DefaultMaxBytes].
	MaxBytes int64
}

// Read reads Azure role definitions and role assignments (see the package
// documentation for the shapes) from r and returns their access model,
// sorted with [access.Model.Sort]. Errors are [*access.ParseError]s
// wrapping [access.ErrSyntax], [access.ErrUnsupported] or
// [access.ErrLimit]; no model is returned with an error.
//
// Read is safe for concurrent use.
func Read(r io.Reader, opts Options) (*access.Model, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	data, err := jsondoc.ReadAll(r, opts.File, limit)
	var pe *access.ParseError
	if errors.As(err, &pe) {
		return nil, err
	}
	if err != nil {
		return nil, &access.ParseError{File: opts.File, Message: "read: " + err.Error(), Err: access.ErrSyntax}
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		data = append([]byte("   "), data[3:]...) // blank the byte order mark, keeping offsets
	}
	b := &builder{d: &doc{file: opts.File, data: data},
		principals: map[string]*access.Principal{}, roles: map[string]*roleEntry{},
		bindings: map[string]*access.Binding{}, byGUID: map[string]string{}}
	if err := b.read(); err != nil {
		return nil, err
	}
	if err := b.resolve(); err != nil {
		return nil, err
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

// Detect reports whether data (or its first bytes) looks like Azure role
// definitions or role assignments that [Read] takes. It reads at most the
// first 64 KiB and is safe for concurrent use.
func Detect(data []byte) bool {
	if len(data) > limits.SniffBytes {
		data = data[:limits.SniffBytes]
	}
	p := sniff.New(data)
	if p.Syntax != sniff.JSON {
		return false
	}
	for _, prefix := range []string{"", "value[]."} {
		if strings.HasPrefix(p.Value(prefix+"type"), "Microsoft.Authorization/role") ||
			p.Has(prefix+"roleName") && p.Has(prefix+"permissions") ||
			p.Has(prefix+"principalId") && (p.Has(prefix+"roleDefinitionId") || p.Has(prefix+"roleDefinitionName")) ||
			p.Has(prefix+"properties.roleName") || p.Has(prefix+"properties.principalId") {
			return true
		}
	}
	return p.Has("Name") && p.Has("AssignableScopes") && (p.Has("Actions") || p.Has("DataActions"))
}

// permEntry is one element of a role definition's "permissions".
type permEntry struct {
	Actions          []string `json:"actions"`
	NotActions       []string `json:"notActions"`
	DataActions      []string `json:"dataActions"`
	NotDataActions   []string `json:"notDataActions"`
	Condition        *string  `json:"condition"`
	ConditionVersion *string  `json:"conditionVersion"`
}

// defProps are the fields of a role definition: the whole object in the
// az CLI shape, "properties" in the ARM shape.
type defProps struct {
	RoleName         string      `json:"roleName"`
	RoleType         string      `json:"roleType"` // az CLI
	Type             string      `json:"type"`     // ARM properties
	Permissions      []permEntry `json:"permissions"`
	AssignableScopes []string    `json:"assignableScopes"`
}

// flatDef is a role definition as `az role definition list` prints it.
type flatDef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	defProps
}

// armDef is a role definition as the ARM REST API returns it.
type armDef struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Properties defProps `json:"properties"`
}

// customDef is a role definition in the file format `az role definition
// create --role-definition` and New-AzRoleDefinition take.
type customDef struct {
	ID               string   `json:"Id"`
	Name             string   `json:"Name"`
	IsCustom         *bool    `json:"IsCustom"`
	Actions          []string `json:"Actions"`
	NotActions       []string `json:"NotActions"`
	DataActions      []string `json:"DataActions"`
	NotDataActions   []string `json:"NotDataActions"`
	AssignableScopes []string `json:"AssignableScopes"`
}

// assignProps are the fields of a role assignment: the whole object in
// the az CLI shape, "properties" in the ARM shape.
type assignProps struct {
	PrincipalID        string  `json:"principalId"`
	PrincipalName      string  `json:"principalName"` // az CLI only
	PrincipalType      string  `json:"principalType"`
	RoleDefinitionID   string  `json:"roleDefinitionId"`
	RoleDefinitionName string  `json:"roleDefinitionName"` // az CLI only
	Scope              string  `json:"scope"`
	Condition          *string `json:"condition"`
}

// flatAssign is a role assignment as `az role assignment list` prints it.
type flatAssign struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	assignProps
}

// armAssign is a role assignment as the ARM REST API returns it.
type armAssign struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Properties assignProps `json:"properties"`
}

// probe records which keys of an object tell the shapes apart. Keys
// match without regard to case, as encoding/json matches them, which is
// what the PascalCase custom role format needs.
type probe struct {
	roleName, permissions, principalID, principalName     bool
	roleDefinitionID, roleDefinitionName, actions, scopes bool
	dataActions                                           bool
	typ                                                   string
	properties, value                                     []byte
}

// probeKeys lists the top-level keys of the well-formed JSON object raw.
func probeKeys(raw []byte) probe {
	var p probe
	eachMember(raw, func(key string, val []byte) {
		switch strings.ToLower(key) {
		case "rolename":
			p.roleName = true
		case "permissions":
			p.permissions = true
		case "principalid":
			p.principalID = true
		case "principalname":
			p.principalName = true
		case "roledefinitionid":
			p.roleDefinitionID = true
		case "roledefinitionname":
			p.roleDefinitionName = true
		case "actions":
			p.actions = true
		case "dataactions":
			p.dataActions = true
		case "assignablescopes":
			p.scopes = true
		case "type":
			if len(val) > 0 && val[0] == '"' {
				_ = json.Unmarshal(val, &p.typ)
			}
		case "properties":
			p.properties = val
		case "value":
			p.value = val
		}
	})
	return p
}

// shape is what an element of the input is.
type shape int

const (
	unknownShape shape = iota
	flatDefShape
	armDefShape
	customDefShape
	flatAssignShape
	armAssignShape
)

// classify tells what the well-formed JSON value raw is.
func classify(raw []byte) (shape, probe) {
	if len(raw) == 0 || raw[0] != '{' {
		return unknownShape, probe{}
	}
	p := probeKeys(raw)
	isDefs := strings.EqualFold(p.typ, "Microsoft.Authorization/roleDefinitions")
	isAssigns := strings.EqualFold(p.typ, "Microsoft.Authorization/roleAssignments")
	if len(p.properties) > 0 && p.properties[0] == '{' {
		q := probeKeys(p.properties)
		switch {
		case q.roleName || q.permissions && isDefs:
			return armDefShape, p
		case q.principalID || isAssigns:
			return armAssignShape, p
		}
	}
	switch {
	case p.roleName || p.permissions && isDefs:
		return flatDefShape, p
	case p.principalID || p.principalName && (p.roleDefinitionName || p.roleDefinitionID) || isAssigns:
		return flatAssignShape, p
	case p.scopes && (p.actions || p.dataActions):
		return customDefShape, p
	}
	return unknownShape, p
}

// eachMember calls fn for every member of the well-formed JSON object
// raw, in order. Keys with escapes are unescaped.
func eachMember(raw []byte, fn func(key string, val []byte)) {
	i := jsondoc.SkipSpace(raw, 1)
	for i < len(raw) && raw[i] == '"' {
		kend := jsondoc.SkipValue(raw, i)
		if kend <= i {
			return
		}
		key := string(raw[i+1 : kend-1])
		if bytes.IndexByte(raw[i:kend], '\\') >= 0 {
			_ = json.Unmarshal(raw[i:kend], &key)
		}
		i = jsondoc.SkipSpace(raw, kend)
		if i >= len(raw) || raw[i] != ':' {
			return
		}
		i = jsondoc.SkipSpace(raw, i+1)
		end := jsondoc.SkipValue(raw, i)
		if end <= i {
			return
		}
		fn(key, raw[i:end])
		i = jsondoc.SkipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = jsondoc.SkipSpace(raw, i+1)
		}
	}
}

// roleEntry is a role read, with what assignments need to find it.
type roleEntry struct {
	role access.Role
	guid string
}

// assignment is a role assignment read, resolved once every role
// definition of the input is known.
type assignment struct {
	n        node
	sub      string // pointer of the properties within n
	id, name string
	assignProps
}

type builder struct {
	d          *doc
	principals map[string]*access.Principal
	roles      map[string]*roleEntry
	bindings   map[string]*access.Binding
	byGUID     map[string]string // lower-case role definition GUID -> role ID
	assigns    []assignment
	count      int // elements read
}

// read walks the top-level value: an array of definitions and
// assignments, one of them, or an ARM list {"value": [...]}.
func (b *builder) read() error {
	d := b.d
	start := jsondoc.SkipSpace(d.data, 0)
	at := node{off: start}
	if start == len(d.data) {
		return d.unsupported(at, "empty input: want Azure role definitions or role assignments (JSON)")
	}
	if c := d.data[start]; c != '{' && c != '[' || !jsondoc.LooksJSON(d.data[start:]) {
		return d.unsupported(at, "not JSON (YAML, Terraform, CSV or other text is not Azure role definitions or assignments)")
	}
	dec := json.NewDecoder(bytes.NewReader(d.data))
	if d.data[start] == '[' {
		if _, err := dec.Token(); err != nil {
			return d.jsonErr(at, 0, err)
		}
		if err := d.each(dec, 0, "", b.element); err != nil {
			return err
		}
	} else {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return d.jsonErr(at, 0, err)
		}
		at.raw = raw
		if err := b.object(at); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return d.errorf(node{off: int(dec.InputOffset())}, "invalid JSON: data after the top-level value")
	}
	return nil
}

// object reads a top-level object: one definition or assignment, or an
// ARM list.
func (b *builder) object(n node) error {
	if s, p := classify(n.raw); s == unknownShape && len(p.value) > 0 && p.value[0] == '[' {
		v, _ := b.d.member(n, "value")
		dec := json.NewDecoder(bytes.NewReader(v.raw))
		if _, err := dec.Token(); err != nil {
			return b.d.jsonErr(v, v.off, err)
		}
		return b.d.each(dec, v.off, v.ptr, b.element)
	}
	return b.element(n)
}

// element reads one role definition or role assignment.
func (b *builder) element(n node) error {
	d := b.d
	first := b.count == 0
	b.count++
	if off, ptr, key, ok := jsondoc.DuplicateKey(n.raw, true); ok {
		// encoding/json would keep the last value, matching keys
		// without regard to case: which one Azure meant is not for aspm
		// to guess.
		return d.errorf(node{off: n.off + off, ptr: n.ptr + ptr}, "duplicate key %q: the object gives it twice", key)
	}
	s, p := classify(n.raw)
	if s == unknownShape {
		what := jsondoc.Kind(n.raw)
		if n.raw[0] == '{' {
			what = "an object without roleName, permissions, principalId or properties"
			if p.typ != "" {
				what = fmt.Sprintf("an object of type %q", p.typ)
			}
		}
		if first {
			return d.unsupported(n, "not Azure role definitions or role assignments: got %s", what)
		}
		return d.errorf(n, "want a role definition or role assignment, got %s", what)
	}
	switch s {
	case flatDefShape:
		var v flatDef
		if err := json.Unmarshal(n.raw, &v); err != nil {
			return d.jsonErr(n, n.off, err)
		}
		return b.definition(n, "", false, cmp.Or(lastSegment(v.ID), v.Name), v.defProps, v.RoleType)
	case armDefShape:
		var v armDef
		if err := json.Unmarshal(n.raw, &v); err != nil {
			return d.jsonErr(n, n.off, err)
		}
		return b.definition(n, "/properties", false, cmp.Or(lastSegment(v.ID), v.Name), v.Properties, v.Properties.Type)
	case customDefShape:
		var v customDef
		if err := json.Unmarshal(n.raw, &v); err != nil {
			return d.jsonErr(n, n.off, err)
		}
		typ := "CustomRole"
		if v.IsCustom != nil && !*v.IsCustom {
			typ = "BuiltInRole"
		}
		props := defProps{RoleName: v.Name, AssignableScopes: v.AssignableScopes,
			Permissions: []permEntry{{Actions: v.Actions, NotActions: v.NotActions, DataActions: v.DataActions, NotDataActions: v.NotDataActions}}}
		return b.definition(n, "", true, lastSegment(v.ID), props, typ)
	case flatAssignShape:
		var v flatAssign
		if err := json.Unmarshal(n.raw, &v); err != nil {
			return d.jsonErr(n, n.off, err)
		}
		b.assigns = append(b.assigns, assignment{n: n, id: v.ID, name: v.Name, assignProps: v.assignProps})
	case armAssignShape:
		var v armAssign
		if err := json.Unmarshal(n.raw, &v); err != nil {
			return d.jsonErr(n, n.off, err)
		}
		b.assigns = append(b.assigns, assignment{n: n, sub: "/properties", id: v.ID, name: v.Name, assignProps: v.Properties})
	}
	return nil
}

// lastSegment is the part of an Azure resource ID after its last '/'.
func lastSegment(id string) string {
	return id[strings.LastIndexByte(id, '/')+1:]
}

// definition adds a role definition: sub is the pointer of its
// properties within n ("" or "/properties"), custom whether n is in the
// custom role file format (PascalCase, no permissions array), guid the
// definition's GUID when known.
func (b *builder) definition(n node, sub string, custom bool, guid string, p defProps, typ string) error {
	d := b.d
	at := n
	at.ptr += sub
	if p.RoleName == "" {
		return d.errorf(at, "role definition: roleName missing or empty")
	}
	rid := "azure:role:" + p.RoleName
	guid = strings.ToLower(guid)
	if prev, ok := b.roles[rid]; ok {
		if prev.guid == guid {
			return nil // the same definition listed again (once per subscription)
		}
		return d.errorf(at, "role definition: roleName %q is also defined by %s", p.RoleName, where(prev.role.Source))
	}
	kind := cmp.Or(typ, "RoleDefinition")
	r := access.Role{ID: rid, System: access.SystemAzure, Name: p.RoleName, Kind: kind,
		Builtin: typ == "BuiltInRole", Permissions: []access.Permission{}, Source: d.source(n)}
	resources, err := b.resources(at, custom, p.AssignableScopes)
	if err != nil {
		return err
	}
	for i, e := range p.Permissions {
		ep := node{off: n.off, ptr: at.ptr + "/permissions/" + strconv.Itoa(i)}
		if custom {
			ep.ptr = at.ptr // the custom role file format has no permissions array
		}
		var cond json.RawMessage
		if e.Condition != nil && *e.Condition != "" {
			cond, _ = json.Marshal(struct {
				Condition        string `json:"condition"`
				ConditionVersion string `json:"conditionVersion,omitempty"`
			}{*e.Condition, deref(e.ConditionVersion)})
		}
		for _, set := range []struct {
			field      string
			prefix     string
			acts, nots []string
		}{{"actions", "", e.Actions, e.NotActions}, {"dataActions", DataPrefix, e.DataActions, e.NotDataActions}} {
			field, notField := set.field, "not"+strings.ToUpper(set.field[:1])+set.field[1:]
			if custom {
				field, notField = strings.ToUpper(field[:1])+field[1:], strings.ToUpper(notField[:1])+notField[1:]
			}
			acts, err := actions(d, ep, field, set.prefix, set.acts)
			if err != nil {
				return err
			}
			nots, err := actions(d, ep, notField, set.prefix, set.nots)
			if err != nil {
				return err
			}
			if len(acts) == 0 {
				continue // NotActions only subtract from Actions: nothing is granted
			}
			r.Permissions = append(r.Permissions, access.Permission{Effect: access.Allow, Actions: acts,
				NotActions: nots, Resources: resources, Conditions: cond})
		}
	}
	b.roles[rid] = &roleEntry{role: r, guid: guid}
	if guid != "" {
		if _, ok := b.byGUID[guid]; !ok {
			b.byGUID[guid] = rid
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// where names a source for messages.
func where(s access.Source) string {
	if s.Line > 0 {
		return "line " + strconv.Itoa(s.Line)
	}
	return cmp.Or(s.Path, "another definition")
}

// actions checks and prefixes the actions of one list.
func actions(d *doc, ep node, field, prefix string, list []string) ([]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make([]string, len(list))
	for i, a := range list {
		if strings.TrimSpace(a) == "" {
			at := ep
			at.ptr += "/" + field + "/" + strconv.Itoa(i)
			return nil, d.errorf(at, "empty action")
		}
		out[i] = prefix + a
	}
	return out, nil
}

// resources turns assignable scopes into resource patterns: none for the
// root scope "/" (the role applies wherever it is assigned), else each
// scope and everything under it.
func (b *builder) resources(at node, custom bool, scopes []string) ([]string, error) {
	field := "/assignableScopes/"
	if custom {
		field = "/AssignableScopes/"
	}
	var out []string
	for i, s := range scopes {
		if s == "/" {
			return nil, nil
		}
		s = strings.TrimRight(s, "/")
		if s == "" || !strings.HasPrefix(s, "/") {
			at := at
			at.ptr += field + strconv.Itoa(i)
			return nil, b.d.errorf(at, "assignable scope %q: want an Azure resource ID starting with \"/\"", scopes[i])
		}
		for _, p := range []string{s, s + "/*"} {
			if !containsFold(out, p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// principalKinds maps principalType values to principal kinds.
var principalKinds = map[string]access.PrincipalKind{
	"User":                   access.KindUser,
	"Group":                  access.KindGroup,
	"ForeignGroup":           access.KindGroup,
	"DirectoryObjectOrGroup": access.KindGroup,
	"ServicePrincipal":       access.KindServiceAccount,
	"MSI":                    access.KindServiceAccount,
	"Application":            access.KindServiceAccount,
	"Device":                 access.KindServiceAccount,
	"Everyone":               access.KindFederated,
}

// resolve turns the assignments into principals and bindings, now that
// every role definition of the input is known.
func (b *builder) resolve() error {
	d := b.d
	for _, a := range b.assigns {
		field := func(name string) node { at := a.n; at.ptr += a.sub + "/" + name; return at }
		switch {
		case a.PrincipalID == "" && a.PrincipalName == "":
			return d.errorf(field("principalId"), "role assignment: principalId missing or empty")
		case a.Scope == "":
			return d.errorf(field("scope"), "role assignment: scope missing or empty")
		case !strings.HasPrefix(a.Scope, "/"):
			return d.errorf(field("scope"), "role assignment: scope %q: want an Azure resource ID starting with \"/\"", a.Scope)
		case a.RoleDefinitionName == "" && a.RoleDefinitionID == "":
			return d.errorf(field("roleDefinitionId"), "role assignment: roleDefinitionId and roleDefinitionName missing")
		}
		kind, ok := principalKinds[a.PrincipalType]
		if !ok {
			return d.errorf(field("principalType"), "role assignment: principalType %q: want User, Group, ServicePrincipal, ForeignGroup, MSI or Device", a.PrincipalType)
		}
		roleID := "azure:role:" + a.RoleDefinitionName
		if a.RoleDefinitionName == "" {
			guid := strings.ToLower(lastSegment(a.RoleDefinitionID))
			if guid == "" {
				return d.errorf(field("roleDefinitionId"), "role assignment: roleDefinitionId %q names no role definition", a.RoleDefinitionID)
			}
			roleID = cmp.Or(b.byGUID[guid], "azure:role:"+guid)
		}
		name := cmp.Or(a.PrincipalName, a.PrincipalID)
		pid := "azure:" + string(kind) + ":" + name
		p := b.principals[pid]
		if p == nil {
			p = &access.Principal{ID: pid, System: access.SystemAzure, Kind: kind, Name: name,
				Attributes: map[string]string{"principal_type": a.PrincipalType}, Source: d.source(a.n)}
			switch kind {
			case access.KindUser:
				p.Human = access.Yes
				p.External = strings.Contains(strings.ToUpper(name), "#EXT#")
			case access.KindServiceAccount:
				p.Human = access.No
			case access.KindFederated:
				p.External = true
			}
			if a.PrincipalType == "ForeignGroup" {
				p.External = true
			}
			b.principals[pid] = p
		}
		if a.PrincipalID != "" {
			if prev, ok := p.Attributes["principal_id"]; ok && !strings.EqualFold(prev, a.PrincipalID) {
				return d.errorf(field("principalId"), "role assignment: principal %q has principalId %q here and %q at %s", name, a.PrincipalID, prev, where(p.Source))
			}
			p.Attributes["principal_id"] = a.PrincipalID
		}
		scope := access.Scope{Kind: "resource", Name: a.Scope}
		bid := "azure:binding:" + cmp.Or(a.id, a.name, a.Scope+":"+strings.TrimPrefix(roleID, "azure:role:")+":"+strings.TrimPrefix(pid, "azure:"))
		if prev, ok := b.bindings[bid]; ok {
			if prev.Principal == pid && prev.Role == roleID && prev.Scope == scope {
				continue // the same assignment listed again
			}
			return d.errorf(a.n, "role assignment %q is also read at %s with other content", strings.TrimPrefix(bid, "azure:binding:"), where(prev.Source))
		}
		b.bindings[bid] = &access.Binding{ID: bid, Principal: pid, Role: roleID, Scope: scope, Source: d.source(a.n)}
	}
	return nil
}

func (b *builder) model() *access.Model {
	m := &access.Model{Principals: make([]access.Principal, 0, len(b.principals)),
		Roles: make([]access.Role, 0, len(b.roles)), Bindings: make([]access.Binding, 0, len(b.bindings))}
	for _, p := range b.principals {
		m.Principals = append(m.Principals, *p)
	}
	for _, r := range b.roles {
		m.Roles = append(m.Roles, r.role)
	}
	for _, x := range b.bindings {
		m.Bindings = append(m.Bindings, *x)
	}
	m.Sort()
	return m
}
