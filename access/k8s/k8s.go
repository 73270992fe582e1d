package k8s

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
	"github.com/aspmkit/aspm/internal/limits"
)

// Defaults and limits of [Read].
const (
	// DefaultNamespace is the namespace of namespaced objects whose
	// metadata names none, when [Options.Namespace] is empty (as kubectl
	// applies them).
	DefaultNamespace = "default"
	// DefaultMaxBytes bounds the size of one input stream when
	// [Options.MaxBytes] is zero.
	DefaultMaxBytes = 256 << 20
	// MaxResourceEntries bounds the resource strings that rules expand to
	// (apiGroups × resources, plus nonResourceURLs), summed over one call,
	// so that a small input cannot make a huge model, when
	// [Options.MaxResources] is zero.
	MaxResourceEntries = 1 << 22
	// MaxAggregationWork bounds the steps (selector tests, permissions
	// copied) that resolving aggregated ClusterRoles may take in one call.
	MaxAggregationWork = 1 << 26
)

// The API group of RBAC objects, and the versions of it this package
// reads.
const rbacGroup = "rbac.authorization.k8s.io"

var rbacVersions = map[string]bool{"v1": true, "v1beta1": true, "v1alpha1": true}

// Options control [Read] and [ReadAll]. The zero value is valid; Options
// is a plain value, safe to share between goroutines.
type Options struct {
	// File names the input in every object's [access.Source] and in
	// errors; may be empty.
	File string
	// Namespace is the namespace of namespaced objects (ServiceAccount,
	// Role, RoleBinding) whose metadata names none, as kubectl's
	// --namespace; empty means [DefaultNamespace].
	Namespace string
	// MaxBytes bounds the size of the input; 0 means [DefaultMaxBytes].
	// A larger input is an error wrapping [access.ErrLimit].
	MaxBytes int64
	// MaxResources bounds the resource strings the rules of the input
	// expand to; 0 means [MaxResourceEntries]. More is an error wrapping
	// [access.ErrLimit].
	MaxResources int
}

// Stats says what a call read besides the model: object counts, the kinds
// it skipped, the objects defined twice and the aggregated ClusterRoles.
// It is a plain value: safe for concurrent reads, not for concurrent
// writes.
type Stats struct {
	// Documents counts the non-empty YAML documents of the input.
	Documents int
	// Objects counts the Kubernetes objects read, the items of lists
	// included and the lists themselves not.
	Objects int
	// Imported counts the objects imported, by kind ("ServiceAccount",
	// "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding").
	Imported map[string]int
	// Skipped counts the objects of other kinds, by kind ("Deployment",
	// "ConfigMap"); a kind of another API group that shares an RBAC
	// kind's name is counted as "<kind>.<group>". See [Stats.SkippedKinds].
	Skipped map[string]int
	// Replaced lists, sorted, the IDs of objects defined more than once
	// (a principal, role, or "kubernetes:binding:<kind>/<ns>/<name>" for a
	// binding object); the last definition wins, as with kubectl apply.
	Replaced []string
	// Aggregated lists, sorted, the IDs of the ClusterRoles that have an
	// aggregationRule, whose permissions aggregation filled.
	Aggregated []string
	// RoleLabels holds the labels of every role that has some, by role ID,
	// as aggregation selects on them.
	RoleLabels map[string]map[string]string
}

// SkippedKinds returns the keys of s.Skipped, sorted.
func (s Stats) SkippedKinds() []string {
	out := make([]string, 0, len(s.Skipped))
	for k := range s.Skipped {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Read reads a stream of Kubernetes manifests — YAML documents separated
// by "---", or JSON — and returns the principals, roles and bindings its
// RBAC objects describe. See the package documentation for the mapping.
// Errors are [*access.ParseError]s naming the file, line and document.
func Read(r io.Reader, opts Options) (*access.Model, error) {
	m, _, err := ReadAll(r, opts)
	return m, err
}

// ReadAll is [Read] that also returns [Stats].
func ReadAll(r io.Reader, opts Options) (*access.Model, Stats, error) {
	rd := newReader()
	if err := rd.stream(r, opts); err != nil {
		return nil, Stats{}, err
	}
	return rd.finish()
}

// ReadFile reads the manifests in the file at path, with Options{File:
// path}.
func ReadFile(path string) (*access.Model, error) {
	m, _, err := ReadFiles(path)
	return m, err
}

// ReadFiles reads the manifests in several files as one stream: an
// object defined in one file replaces one defined in an earlier file, and
// aggregation rules select ClusterRoles of every file. Each object's
// Source names the file it came from.
func ReadFiles(paths ...string) (*access.Model, Stats, error) {
	rd := newReader()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, Stats{}, fmt.Errorf("k8s: %w", err)
		}
		err = rd.stream(f, Options{File: p})
		f.Close()
		if err != nil {
			return nil, Stats{}, err
		}
	}
	return rd.finish()
}

var detectKind = regexp.MustCompile(`(?m)(?:^|[\s{,])["']?kind["']?\s*:\s*["']?(?:ServiceAccount|Role|ClusterRole|RoleBinding|ClusterRoleBinding)(?:List)?["']?\s*(?:$|[,}#])`)

// Detect reports whether data looks like Kubernetes manifests holding
// RBAC objects or ServiceAccounts: its first 64 KiB name apiVersion and
// one of those kinds. It does not parse: an unrendered Helm template of
// such objects is detected, and [Read] then rejects it with
// [access.ErrUnsupported].
func Detect(data []byte) bool {
	if len(data) > limits.SniffBytes {
		data = data[:limits.SniffBytes]
	}
	return bytes.Contains(data, []byte("apiVersion")) && detectKind.Match(data)
}

// Object bookkeeping. seq orders objects as the stream gives them, so
// that the first reference to a principal names its source.
type saObj struct {
	seq int
	p   access.Principal
}

type roleObj struct {
	seq       int
	role      access.Role
	own       []access.Permission
	labels    map[string]string
	aggregate bool
	selectors []selector
}

type subjectRef struct {
	principal access.Principal
	src       access.Source
}

type bindingObj struct {
	seq      int
	key      string // "clusterrolebinding/<name>", "rolebinding/<ns>/<name>"
	role     string
	scope    access.Scope
	subjects []subjectRef
}

type reader struct {
	stats     Stats
	seq       int
	resources int // resource strings expanded so far
	maxRes    int // the bound of the current stream
	sas       map[string]*saObj
	roles     map[string]*roleObj
	bindings  map[string]*bindingObj
}

func newReader() *reader {
	return &reader{
		stats:    Stats{Imported: map[string]int{}, Skipped: map[string]int{}, RoleLabels: map[string]map[string]string{}},
		sas:      map[string]*saObj{},
		roles:    map[string]*roleObj{},
		bindings: map[string]*bindingObj{},
	}
}

// looksKubernetes tells a broken manifest from input of another kind.
func looksKubernetes(data []byte) bool {
	return bytes.Contains(data, []byte("apiVersion")) && bytes.Contains(data, []byte("kind"))
}

func decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

// stream reads one input into rd.
func (rd *reader) stream(r io.Reader, opts Options) error {
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	data, err := jsondoc.ReadAll(r, opts.File, max)
	var pe *access.ParseError
	if errors.As(err, &pe) {
		return err
	}
	if err != nil {
		return fmt.Errorf("k8s: %s: %w", opts.File, err)
	}
	ns := cmp.Or(opts.Namespace, DefaultNamespace)
	rd.maxRes = opts.MaxResources
	if rd.maxRes <= 0 {
		rd.maxRes = MaxResourceEntries
	}
	tmpl := bytes.Contains(data, []byte("{{"))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		w := &walker{file: opts.File, doc: doc, tmpl: tmpl}
		var n yaml.Node
		err := decode(dec, &n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			e := w.syntax(err, data).(*access.ParseError)
			switch {
			case tmpl:
				e.Err = access.ErrUnsupported
				e.Message = "unrendered Helm template (not valid YAML: " + strings.TrimPrefix(e.Message, "invalid YAML: ") +
					"); render the chart (helm template) and read its output"
			case !looksKubernetes(data):
				e.Err = access.ErrUnsupported
				e.Message = "not Kubernetes manifests (" + e.Message + ")"
			}
			return e
		}
		if len(n.Content) == 0 || isNull(n.Content[0]) {
			continue
		}
		rd.stats.Documents++
		w.budget = 10*countNodes(n.Content[0]) + 10000
		if err := rd.object(w, n.Content[0], "", "", "", ns, 0); err != nil {
			return err
		}
	}
}

func splitAPIVersion(apiVersion string) (group, version string) {
	if g, v, ok := strings.Cut(apiVersion, "/"); ok {
		return g, v
	}
	return "", apiVersion
}

// object reads one object, or the items of a list.
func (rd *reader) object(w *walker, n *yaml.Node, path, defKind, defAPI, ns string, depth int) error {
	n, err := w.resolve(n, path)
	if err != nil {
		return err
	}
	if n.Kind != yaml.MappingNode {
		if depth == 0 {
			return w.fail(n, path, access.ErrUnsupported, "not a Kubernetes object: the document is %s", describe(n))
		}
		return w.fail(n, path, access.ErrSyntax, "expected a Kubernetes object, got %s", describe(n))
	}
	kind, _, _, err := w.str(n, path, "kind")
	if err != nil {
		return err
	}
	apiVersion, _, _, err := w.str(n, path, "apiVersion")
	if err != nil {
		return err
	}
	if depth == 0 && kind == "" && apiVersion == "" {
		return w.fail(n, path, access.ErrUnsupported, "not a Kubernetes object: no kind or apiVersion")
	}
	kind, apiVersion = cmp.Or(kind, defKind), cmp.Or(apiVersion, defAPI)
	if kind == "" {
		return w.fail(n, path, access.ErrSyntax, "object without kind")
	}
	if apiVersion == "" {
		return w.fail(n, path, access.ErrSyntax, "%s without apiVersion", kind)
	}
	if strings.HasSuffix(kind, "List") {
		items, ip, err := w.get(n, path, "items")
		if err != nil {
			return err
		}
		if items != nil || kind == "List" {
			list, err := w.seq(items, ip)
			if err != nil {
				return err
			}
			if depth >= 4 {
				return w.fail(n, path, access.ErrSyntax, "lists nested too deep")
			}
			itemKind, itemAPI := strings.TrimSuffix(kind, "List"), apiVersion
			if kind == "List" {
				itemKind, itemAPI = "", ""
			}
			for i, it := range list {
				if err := rd.object(w, it, index(ip, i), itemKind, itemAPI, ns, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
	}
	rd.stats.Objects++
	group, version := splitAPIVersion(apiVersion)
	switch {
	case kind == "ServiceAccount" && apiVersion == "v1":
		err = rd.serviceAccount(w, n, path, ns)
	case group == rbacGroup && (kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding"):
		if !rbacVersions[version] {
			return w.fail(n, path, access.ErrUnsupported, "%s of %s: version %q is not one this package reads (v1, v1beta1, v1alpha1)", kind, rbacGroup, version)
		}
		if strings.HasSuffix(kind, "Binding") {
			err = rd.binding(w, n, path, kind, ns)
		} else {
			err = rd.role(w, n, path, kind, ns)
		}
	default:
		key := kind
		if (kind == "ServiceAccount" || kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding") && group != "" {
			key = kind + "." + group
		}
		rd.stats.Skipped[key]++
		return nil
	}
	if err != nil {
		return err
	}
	rd.stats.Imported[kind]++
	return nil
}

// checkName rejects names that would make IDs ambiguous or that no
// Kubernetes object can have.
func (w *walker) checkName(n *yaml.Node, path, what, name string) error {
	if name == "" {
		return w.fail(n, path, access.ErrSyntax, "empty %s", what)
	}
	if strings.ContainsAny(name, "/%") || strings.IndexFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return w.fail(n, path, access.ErrSyntax, "%s %q is not a Kubernetes name", what, name)
	}
	return nil
}

// meta reads an object's name, namespace (namespaced objects only; ns
// when it names none) and labels.
func (rd *reader) meta(w *walker, n *yaml.Node, path, kind string, namespaced bool, ns string) (name, namespace string, labels map[string]string, err error) {
	md, mp, err := w.get(n, path, "metadata")
	if err != nil {
		return "", "", nil, err
	}
	if md, err = w.mapping(md, mp); err != nil {
		return "", "", nil, err
	}
	if md == nil {
		return "", "", nil, w.fail(n, path, access.ErrSyntax, "%s without metadata", kind)
	}
	name, nn, np, err := w.str(md, mp, "name")
	if err != nil {
		return "", "", nil, err
	}
	if name == "" {
		return "", "", nil, w.fail(md, mp, access.ErrSyntax, "%s without metadata.name", kind)
	}
	if err := w.checkName(nn, np, "name", name); err != nil {
		return "", "", nil, err
	}
	if namespaced {
		nsv, nsn, nsp, err := w.str(md, mp, "namespace")
		if err != nil {
			return "", "", nil, err
		}
		if nsv != "" {
			if err := w.checkName(nsn, nsp, "namespace", nsv); err != nil {
				return "", "", nil, err
			}
			ns = nsv
		}
		namespace = ns
	}
	labels, err = w.strMap(md, mp, "labels")
	return name, namespace, labels, err
}

func (w *walker) source(n *yaml.Node, path string) access.Source {
	return access.Source{File: w.file, Line: n.Line, Path: w.where(path)}
}

// ServiceAccountID is the principal ID of the ServiceAccount name in
// namespace ns: "kubernetes:service_account:<ns>/<name>".
func ServiceAccountID(ns, name string) string {
	return "kubernetes:service_account:" + ns + "/" + name
}

// UserID is the principal ID of a user: "kubernetes:user:<name>".
func UserID(name string) string { return "kubernetes:user:" + name }

// GroupID is the principal ID of a group: "kubernetes:group:<name>".
func GroupID(name string) string { return "kubernetes:group:" + name }

// ClusterRoleID is the role ID of a ClusterRole:
// "kubernetes:role:clusterrole/<name>".
func ClusterRoleID(name string) string { return "kubernetes:role:clusterrole/" + name }

// RoleID is the role ID of the Role name in namespace ns:
// "kubernetes:role:role/<ns>/<name>".
func RoleID(ns, name string) string { return "kubernetes:role:role/" + ns + "/" + name }

func (rd *reader) serviceAccount(w *walker, n *yaml.Node, path, ns string) error {
	name, ns, _, err := rd.meta(w, n, path, "ServiceAccount", true, ns)
	if err != nil {
		return err
	}
	p := access.Principal{
		ID:         ServiceAccountID(ns, name),
		System:     access.SystemKubernetes,
		Kind:       access.KindServiceAccount,
		Name:       ns + "/" + name,
		Human:      access.No,
		Attributes: map[string]string{"namespace": ns, "defined": "true"},
		Source:     w.source(n, path),
	}
	am, amp, err := w.get(n, path, "automountServiceAccountToken")
	if err != nil {
		return err
	}
	if am != nil {
		v, err := w.scalar(am, amp)
		if err != nil {
			return err
		}
		switch v {
		case "true", "false":
			p.Attributes["automount_token"] = v
		default:
			return w.fail(am, amp, access.ErrSyntax, "expected true or false, got %q", v)
		}
	}
	rd.seq++
	if _, ok := rd.sas[p.ID]; ok {
		rd.stats.Replaced = append(rd.stats.Replaced, p.ID)
	}
	rd.sas[p.ID] = &saObj{seq: rd.seq, p: p}
	return nil
}

// builtin reports whether Kubernetes ships the role of that name.
func builtin(name string) bool {
	switch name {
	case "cluster-admin", "admin", "edit", "view":
		return true
	}
	return strings.HasPrefix(name, "system:")
}

func (rd *reader) role(w *walker, n *yaml.Node, path, kind, ns string) error {
	cluster := kind == "ClusterRole"
	name, ns, labels, err := rd.meta(w, n, path, kind, !cluster, ns)
	if err != nil {
		return err
	}
	o := &roleObj{labels: labels}
	o.role = access.Role{
		System:  access.SystemKubernetes,
		Name:    name,
		Kind:    kind,
		Builtin: builtin(name),
		Source:  w.source(n, path),
	}
	if cluster {
		o.role.ID = ClusterRoleID(name)
	} else {
		o.role.ID = RoleID(ns, name)
		o.role.Scope = access.Scope{Kind: "namespace", Name: ns}
	}
	rules, rp, err := w.get(n, path, "rules")
	if err != nil {
		return err
	}
	items, err := w.seq(rules, rp)
	if err != nil {
		return err
	}
	o.own = make([]access.Permission, 0, len(items))
	for i, it := range items {
		p, err := rd.rule(w, it, index(rp, i), cluster)
		if err != nil {
			return err
		}
		o.own = append(o.own, p)
	}
	if cluster {
		ar, ap, err := w.get(n, path, "aggregationRule")
		if err != nil {
			return err
		}
		if ar, err = w.mapping(ar, ap); err != nil {
			return err
		}
		if ar != nil {
			o.aggregate = true
			sels, sp, err := w.get(ar, ap, "clusterRoleSelectors")
			if err != nil {
				return err
			}
			list, err := w.seq(sels, sp)
			if err != nil {
				return err
			}
			for i, s := range list {
				sel, err := parseSelector(w, s, index(sp, i))
				if err != nil {
					return err
				}
				o.selectors = append(o.selectors, sel)
			}
		}
	}
	o.role.Permissions = o.own
	rd.seq++
	o.seq = rd.seq
	if _, ok := rd.roles[o.role.ID]; ok {
		rd.stats.Replaced = append(rd.stats.Replaced, o.role.ID)
	}
	rd.roles[o.role.ID] = o
	return nil
}

// rule turns a PolicyRule into a Permission, checking it as the API
// server's validation does.
func (rd *reader) rule(w *walker, n *yaml.Node, path string, cluster bool) (access.Permission, error) {
	var p access.Permission
	m, err := w.mapping(n, path)
	if err != nil {
		return p, err
	}
	if m == nil {
		return p, w.fail(n, path, access.ErrSyntax, "null rule")
	}
	verbs, _, _, err := w.strList(m, path, "verbs")
	if err != nil {
		return p, err
	}
	groups, _, _, err := w.strList(m, path, "apiGroups")
	if err != nil {
		return p, err
	}
	resources, _, _, err := w.strList(m, path, "resources")
	if err != nil {
		return p, err
	}
	names, _, _, err := w.strList(m, path, "resourceNames")
	if err != nil {
		return p, err
	}
	urls, _, _, err := w.strList(m, path, "nonResourceURLs")
	if err != nil {
		return p, err
	}
	switch {
	case len(verbs) == 0:
		return p, w.fail(m, path, access.ErrSyntax, "rule without verbs")
	case len(urls) > 0 && !cluster:
		return p, w.fail(m, path, access.ErrSyntax, "a Role cannot grant nonResourceURLs")
	case len(urls) > 0 && (len(groups) > 0 || len(resources) > 0):
		return p, w.fail(m, path, access.ErrSyntax, "rule mixes resources and nonResourceURLs")
	case len(urls) == 0 && len(resources) == 0:
		return p, w.fail(m, path, access.ErrSyntax, "rule without resources or nonResourceURLs")
	case len(urls) == 0 && len(groups) == 0:
		return p, w.fail(m, path, access.ErrSyntax, "rule with resources but no apiGroups")
	}
	count := len(groups)*len(resources) + len(urls)
	if rd.resources += count; rd.resources > rd.maxRes {
		return p, w.fail(m, path, access.ErrLimit, "rules expand to more than %d resources", rd.maxRes)
	}
	p.Effect = access.Allow
	p.Actions = verbs
	p.Resources = make([]string, 0, count)
	for _, g := range groups {
		for _, r := range resources {
			p.Resources = append(p.Resources, g+"/"+r)
		}
	}
	for _, u := range urls {
		p.Resources = append(p.Resources, "nonresource:"+u)
	}
	if len(names) > 0 {
		p.ResourceNames = names
	}
	return p, nil
}

func (rd *reader) binding(w *walker, n *yaml.Node, path, kind, ns string) error {
	cluster := kind == "ClusterRoleBinding"
	name, ns, _, err := rd.meta(w, n, path, kind, !cluster, ns)
	if err != nil {
		return err
	}
	b := &bindingObj{}
	if cluster {
		b.key = "clusterrolebinding/" + name
		b.scope = access.Scope{Kind: "cluster"}
	} else {
		b.key = "rolebinding/" + ns + "/" + name
		b.scope = access.Scope{Kind: "namespace", Name: ns}
	}
	ref, rp, err := w.get(n, path, "roleRef")
	if err != nil {
		return err
	}
	if ref, err = w.mapping(ref, rp); err != nil {
		return err
	}
	if ref == nil {
		return w.fail(n, path, access.ErrSyntax, "%s without roleRef", kind)
	}
	rk, rkn, rkp, err := w.str(ref, rp, "kind")
	if err != nil {
		return err
	}
	rn, rnn, rnp, err := w.str(ref, rp, "name")
	if err != nil {
		return err
	}
	if rn == "" {
		return w.fail(ref, rp, access.ErrSyntax, "roleRef without name")
	}
	if err := w.checkName(rnn, rnp, "role name", rn); err != nil {
		return err
	}
	switch {
	case rk == "ClusterRole":
		b.role = ClusterRoleID(rn)
	case rk == "Role" && !cluster:
		b.role = RoleID(ns, rn)
	case rk == "Role":
		return w.fail(rkn, rkp, access.ErrSyntax, "a ClusterRoleBinding cannot reference a Role")
	default:
		at := rkn
		if at == nil {
			at = ref
		}
		return w.fail(at, rkp, access.ErrSyntax, "roleRef kind %q: expected Role or ClusterRole", rk)
	}
	subs, sp, err := w.get(n, path, "subjects")
	if err != nil {
		return err
	}
	list, err := w.seq(subs, sp)
	if err != nil {
		return err
	}
	for i, s := range list {
		ref, err := w.subject(s, index(sp, i), cluster, ns)
		if err != nil {
			return err
		}
		b.subjects = append(b.subjects, ref)
	}
	rd.seq++
	b.seq = rd.seq
	if _, ok := rd.bindings[b.key]; ok {
		rd.stats.Replaced = append(rd.stats.Replaced, "kubernetes:binding:"+b.key)
	}
	rd.bindings[b.key] = b
	return nil
}

// subject reads a binding's subject as the principal it names.
func (w *walker) subject(n *yaml.Node, path string, cluster bool, ns string) (subjectRef, error) {
	var ref subjectRef
	m, err := w.mapping(n, path)
	if err != nil {
		return ref, err
	}
	if m == nil {
		return ref, w.fail(n, path, access.ErrSyntax, "null subject")
	}
	ref.src = w.source(m, path)
	kind, kn, kp, err := w.str(m, path, "kind")
	if err != nil {
		return ref, err
	}
	name, nn, np, err := w.str(m, path, "name")
	if err != nil {
		return ref, err
	}
	if name == "" {
		return ref, w.fail(m, path, access.ErrSyntax, "subject without name")
	}
	sns, snn, snp, err := w.str(m, path, "namespace")
	if err != nil {
		return ref, err
	}
	p := access.Principal{System: access.SystemKubernetes, Source: ref.src}
	switch kind {
	case "ServiceAccount":
		if err := w.checkName(nn, np, "service account name", name); err != nil {
			return ref, err
		}
		switch {
		case sns != "":
			if err := w.checkName(snn, snp, "namespace", sns); err != nil {
				return ref, err
			}
		case cluster:
			return ref, w.fail(m, path, access.ErrSyntax, "ServiceAccount subject of a ClusterRoleBinding without namespace")
		default:
			sns = ns
		}
		p = serviceAccountRef(p, sns, name)
	case "User":
		if sans, sa, ok := serviceAccountUser(name); ok {
			p = serviceAccountRef(p, sans, sa)
			break
		}
		p.ID, p.Kind, p.Name = UserID(name), access.KindUser, name
		p.Human = access.TriOf(!strings.HasPrefix(name, "system:"))
	case "Group":
		p.ID, p.Kind, p.Name = GroupID(name), access.KindGroup, name
	default:
		at := kn
		if at == nil {
			at = m
		}
		return ref, w.fail(at, kp, access.ErrSyntax, "subject kind %q: expected User, Group or ServiceAccount", kind)
	}
	ref.principal = p
	return ref, nil
}

func serviceAccountRef(p access.Principal, ns, name string) access.Principal {
	p.ID, p.Kind, p.Name = ServiceAccountID(ns, name), access.KindServiceAccount, ns+"/"+name
	p.Human = access.No
	p.Attributes = map[string]string{"namespace": ns, "defined": "false"}
	return p
}

// serviceAccountUser splits the user name a ServiceAccount authenticates
// as, "system:serviceaccount:<ns>:<name>".
func serviceAccountUser(user string) (ns, name string, ok bool) {
	rest, ok := strings.CutPrefix(user, "system:serviceaccount:")
	if !ok {
		return "", "", false
	}
	ns, name, ok = strings.Cut(rest, ":")
	if !ok || ns == "" || name == "" || strings.ContainsAny(rest, "/%") || strings.Contains(name, ":") {
		return "", "", false
	}
	return ns, name, true
}

// Groups every principal of a kind belongs to, without a binding saying
// so.
const (
	groupAuthenticated   = "system:authenticated"
	groupUnauthenticated = "system:unauthenticated"
	groupServiceAccounts = "system:serviceaccounts"
)

// finish resolves aggregation and builds the model.
func (rd *reader) finish() (*access.Model, Stats, error) {
	if err := rd.aggregate(); err != nil {
		return nil, Stats{}, err
	}
	subjects := 0
	for _, b := range rd.bindings {
		subjects += len(b.subjects)
	}
	m := &access.Model{
		Principals: make([]access.Principal, 0, len(rd.sas)+subjects/4),
		Roles:      make([]access.Role, 0, len(rd.roles)),
		Bindings:   make([]access.Binding, 0, subjects),
	}
	index := make(map[string]int, len(rd.sas))
	for _, sa := range rd.sas {
		index[sa.p.ID] = len(m.Principals)
		m.Principals = append(m.Principals, sa.p)
	}
	for _, r := range rd.roles {
		m.Roles = append(m.Roles, r.role)
		if len(r.labels) > 0 {
			rd.stats.RoleLabels[r.role.ID] = r.labels
		}
	}
	bindings := make([]*bindingObj, 0, len(rd.bindings))
	for _, b := range rd.bindings {
		bindings = append(bindings, b)
	}
	slices.SortFunc(bindings, func(a, b *bindingObj) int { return a.seq - b.seq })
	for _, b := range bindings {
		for i, s := range b.subjects {
			if _, ok := index[s.principal.ID]; !ok {
				index[s.principal.ID] = len(m.Principals)
				m.Principals = append(m.Principals, s.principal)
			}
			m.Bindings = append(m.Bindings, access.Binding{
				ID:        fmt.Sprintf("kubernetes:binding:%s#%d", b.key, i),
				Principal: s.principal.ID,
				Role:      b.role,
				Scope:     b.scope,
				Source:    s.src,
			})
		}
	}
	implicitGroups(m, index)
	m.Sort()
	slices.Sort(rd.stats.Replaced)
	rd.stats.Replaced = slices.Compact(rd.stats.Replaced)
	return m, rd.stats, nil
}

// implicitGroups adds to MemberOf the groups Kubernetes puts principals
// in without a binding (system:authenticated, system:serviceaccounts,
// system:serviceaccounts:<ns>), when the model holds the group.
func implicitGroups(m *access.Model, index map[string]int) {
	has := func(group string) (string, bool) {
		id := GroupID(group)
		i, ok := index[id]
		return id, ok && m.Principals[i].Kind == access.KindGroup
	}
	for i := range m.Principals {
		p := &m.Principals[i]
		var groups []string
		switch p.Kind {
		case access.KindServiceAccount:
			groups = []string{groupServiceAccounts, groupServiceAccounts + ":" + p.Attributes["namespace"], groupAuthenticated}
		case access.KindUser:
			groups = []string{groupAuthenticated}
			if p.Name == "system:anonymous" {
				groups = []string{groupUnauthenticated}
			}
		}
		for _, g := range groups {
			if id, ok := has(g); ok && !slices.Contains(p.MemberOf, id) {
				p.MemberOf = append(p.MemberOf, id)
			}
		}
	}
}
