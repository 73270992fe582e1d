package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/internal/docguard"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// DefaultNamespace is the namespace of objects that name none, when
// [Options.Namespace] is empty.
const DefaultNamespace = "default"

// Options control [Read]. Options is valid at its zero value; it is a
// plain value, safe to share between goroutines.
type Options struct {
	// Name names the input in errors and in every asset's Sources.
	Name string
	// Namespace is the namespace of objects whose metadata names none, as
	// kubectl's --namespace; empty means [DefaultNamespace].
	Namespace string
	// Environment, when set, is the environment of every workload: the
	// manifests are what runs in production, or in staging.
	Environment risk.Environment
	// MaxBytes bounds the size of the input; 0 means
	// [limits.MaxDocumentBytes].
	MaxBytes int64
}

// Result summarizes what [Read] added to the graph. It is a plain value,
// safe to share between goroutines.
type Result struct {
	// Root is empty: manifests describe no single subject.
	Root string
	// Assets and Edges count the distinct assets and edges the manifests
	// describe, whether new to the graph or merged into what it held.
	Assets, Edges int
	// Objects counts the Kubernetes objects read, the items of List kinds
	// included and the lists themselves not.
	Objects int
	// Skipped counts the objects of kinds that describe no asset
	// (ConfigMap, Role, CustomResourceDefinition...); SkippedKinds names
	// those kinds, sorted.
	Skipped      int
	SkippedKinds []string
}

// The workload kinds and the API groups they are read from.
var workloadKinds = map[string]bool{
	"Pod": true, "Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true,
	"ReplicationController": true, "Job": true, "CronJob": true,
}

var workloadGroups = map[string]bool{"": true, "apps": true, "batch": true, "extensions": true}

// Annotations that make a LoadBalancer Service internal on the big
// clouds (AWS, GKE, AKS).
var internalLB = []struct{ key, value string }{
	{"service.beta.kubernetes.io/aws-load-balancer-internal", "true"},
	{"service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"},
	{"networking.gke.io/load-balancer-type", "internal"},
	{"cloud.google.com/load-balancer-type", "internal"},
	{"service.beta.kubernetes.io/azure-load-balancer-internal", "true"},
}

type object struct {
	doc            int
	kind, ns, name string
	node           *yaml.Node
	path           string
	labels         map[string]string // a workload's pod labels
	images         []inventory.Asset // a workload's images
	svcType        string            // a Service's type
	selector       map[string]string
	internal       bool   // a LoadBalancer Service with an internal annotation
	externalIPs    bool   // a Service with spec.externalIPs
	ports          string // a Service's ports, "80/TCP,443/TCP"
	class          string // an Ingress's class
	routes         []route
}

// route is an Ingress rule's path and the Service behind it ("" when the
// backend is a resource).
type route struct {
	endpoint string // canonical URL
	service  string
}

type reader struct {
	opts      Options
	namespace string
	res       Result
	skipped   map[string]bool
	objects   []*object
}

// Read adds the workloads, images, Services and Ingresses that a stream
// of Kubernetes manifests describes to g and returns a summary. The input
// is YAML, one or several documents separated by "---" (JSON, which is
// YAML, too); List kinds are read item by item. See the package
// documentation for what becomes an asset. Read modifies g: calls that
// share a graph must not run at the same time.
//
// Read checks every document before it changes g: on error, g is left as
// it was, and the error is an [*Error] that names the document, the line
// and the field, wrapping [ErrSyntax], [ErrInvalid], [ErrUnsupported] or
// [ErrLimit]. (Only an error of the graph itself, which checked manifests
// do not cause, could leave g holding part of them; the error says so.)
func Read(r io.Reader, g *inventory.Graph, opts Options) (Result, error) {
	switch opts.Environment {
	case risk.EnvironmentUnknown, risk.EnvironmentProduction, risk.EnvironmentStaging, risk.EnvironmentDevelopment, risk.EnvironmentTest:
	default:
		return Result{}, &Error{File: opts.Name, Err: fmt.Errorf("%w: environment %q", ErrUnsupported, opts.Environment)}
	}
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
		return Result{}, fmt.Errorf("k8s: %s: %w", opts.Name, err)
	}
	p := &reader{opts: opts, namespace: opts.Namespace, skipped: map[string]bool{}}
	if p.namespace == "" {
		p.namespace = DefaultNamespace
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		w := &walker{file: opts.Name, doc: doc}
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Result{}, w.syntax(err, data)
		}
		if len(n.Content) == 0 || isNull(n.Content[0]) {
			continue
		}
		w.budget = 10*countNodes(n.Content[0]) + 10000
		if err := p.object(w, n.Content[0], "", "", "", 0); err != nil {
			return Result{}, err
		}
	}
	return p.build(g)
}

func apiGroup(apiVersion string) string {
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		return g
	}
	return ""
}

// object reads one object, or the items of a list.
func (p *reader) object(w *walker, n *yaml.Node, path, defKind, defAPI string, depth int) error {
	m, err := w.mapping(n, path)
	if err != nil {
		return err
	}
	if m == nil {
		return w.fail(n, path, ErrInvalid, "expected a Kubernetes object, got null")
	}
	kind, _, _, err := w.getStr(m, path, "kind")
	if err != nil {
		return err
	}
	apiVersion, _, _, err := w.getStr(m, path, "apiVersion")
	if err != nil {
		return err
	}
	kind, apiVersion = cmpOr(kind, defKind), cmpOr(apiVersion, defAPI)
	if kind == "" {
		return w.fail(m, path, ErrInvalid, "no kind: not a Kubernetes object")
	}
	if apiVersion == "" {
		return w.fail(m, path, ErrInvalid, "%s without apiVersion", kind)
	}
	if strings.HasSuffix(kind, "List") {
		items, ip, err := w.get(m, path, "items")
		if err != nil {
			return err
		}
		list, err := w.seq(items, ip)
		if err != nil {
			return err
		}
		if depth >= 4 {
			return w.fail(m, path, ErrInvalid, "lists nested too deep")
		}
		itemKind := strings.TrimSuffix(kind, "List")
		if kind == "List" {
			itemKind = ""
		}
		for i, it := range list {
			if err := p.object(w, it, index(ip, i), itemKind, apiVersion, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	p.res.Objects++
	group := apiGroup(apiVersion)
	o := &object{doc: w.doc, kind: kind, node: m, path: path}
	switch {
	case workloadKinds[kind] && workloadGroups[group]:
		err = p.workload(w, o)
	case kind == "Service" && group == "":
		err = p.service(w, o)
	case kind == "Ingress" && (group == "networking.k8s.io" || group == "extensions"):
		err = p.ingress(w, o)
	default:
		p.res.Skipped++
		p.skipped[kind] = true
		return nil
	}
	if err != nil {
		return err
	}
	p.objects = append(p.objects, o)
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// meta reads the name and namespace of an object, and its metadata node.
func (p *reader) meta(w *walker, o *object) (*yaml.Node, string, error) {
	md, mp, err := w.get(o.node, o.path, "metadata")
	if err != nil {
		return nil, mp, err
	}
	if md, err = w.mapping(md, mp); err != nil {
		return nil, mp, err
	}
	name, nn, np, err := w.getStr(md, mp, "name")
	if err != nil {
		return nil, mp, err
	}
	if name == "" {
		// A name the API server completes: its prefix, without the
		// conventional trailing "-".
		if name, nn, np, err = w.getStr(md, mp, "generateName"); err != nil {
			return nil, mp, err
		}
		name = strings.TrimRight(name, "-")
	}
	if name == "" {
		at := md
		if at == nil {
			at = o.node
		}
		return nil, mp, w.fail(at, mp, ErrInvalid, "%s without metadata.name", o.kind)
	}
	if strings.ContainsAny(name, "/ \t\r\n") {
		return nil, mp, w.fail(nn, np, ErrInvalid, "name %q is not a Kubernetes name", name)
	}
	ns, nsn, nsp, err := w.getStr(md, mp, "namespace")
	if err != nil {
		return nil, mp, err
	}
	if strings.ContainsAny(ns, "/ \t\r\n") {
		return nil, mp, w.fail(nsn, nsp, ErrInvalid, "namespace %q is not a Kubernetes name", ns)
	}
	o.name, o.ns = name, cmpOr(ns, p.namespace)
	return md, mp, nil
}

// workload reads a workload's pod template: its labels and images.
func (p *reader) workload(w *walker, o *object) error {
	md, mp, err := p.meta(w, o)
	if err != nil {
		return err
	}
	podMeta, podMetaPath := md, mp
	spec, sp, err := w.get(o.node, o.path, "spec")
	if err != nil {
		return err
	}
	var steps []string
	switch o.kind {
	case "Pod":
	case "CronJob":
		steps = []string{"jobTemplate", "spec", "template"}
	default:
		steps = []string{"template"}
	}
	podSpec, podSpecPath := spec, sp
	if len(steps) > 0 {
		t, tp := spec, sp
		for _, s := range steps {
			if t, tp, err = w.get(t, tp, s); err != nil {
				return err
			}
		}
		if podMeta, podMetaPath, err = w.get(t, tp, "metadata"); err != nil {
			return err
		}
		if podSpec, podSpecPath, err = w.get(t, tp, "spec"); err != nil {
			return err
		}
	}
	labels, lp, err := w.get(podMeta, podMetaPath, "labels")
	if err != nil {
		return err
	}
	if o.labels, err = w.strMap(labels, lp); err != nil {
		return err
	}
	for _, key := range []string{"containers", "initContainers"} {
		cs, cp, err := w.get(podSpec, podSpecPath, key)
		if err != nil {
			return err
		}
		list, err := w.seq(cs, cp)
		if err != nil {
			return err
		}
		for i, c := range list {
			ref, in, ip, err := w.getStr(c, index(cp, i), "image")
			if err != nil {
				return err
			}
			if ref == "" {
				continue // allowed, for tools that fill the image in
			}
			a, err := inventory.ImageAsset(ref, "")
			if err != nil {
				return w.fail(in, ip, ErrInvalid, "%v", err)
			}
			o.images = append(o.images, a)
		}
	}
	return nil
}

func (p *reader) service(w *walker, o *object) error {
	md, mp, err := p.meta(w, o)
	if err != nil {
		return err
	}
	spec, sp, err := w.get(o.node, o.path, "spec")
	if err != nil {
		return err
	}
	typ, tn, tp, err := w.getStr(spec, sp, "type")
	if err != nil {
		return err
	}
	switch typ {
	case "":
		typ = "ClusterIP"
	case "ClusterIP", "NodePort", "LoadBalancer", "ExternalName":
	default:
		return w.fail(tn, tp, ErrInvalid, "Service type %q is not ClusterIP, NodePort, LoadBalancer or ExternalName", typ)
	}
	o.svcType = typ
	sel, selp, err := w.get(spec, sp, "selector")
	if err != nil {
		return err
	}
	if o.selector, err = w.strMap(sel, selp); err != nil {
		return err
	}
	ips, ipp, err := w.get(spec, sp, "externalIPs")
	if err != nil {
		return err
	}
	list, err := w.seq(ips, ipp)
	if err != nil {
		return err
	}
	o.externalIPs = len(list) > 0
	ann, ap, err := w.get(md, mp, "annotations")
	if err != nil {
		return err
	}
	annotations, err := w.strMap(ann, ap)
	if err != nil {
		return err
	}
	for _, a := range internalLB {
		if strings.EqualFold(annotations[a.key], a.value) {
			o.internal = true
		}
	}
	ports, pp, err := w.get(spec, sp, "ports")
	if err != nil {
		return err
	}
	plist, err := w.seq(ports, pp)
	if err != nil {
		return err
	}
	var ps []string
	for i, port := range plist {
		num, _, _, err := w.getStr(port, index(pp, i), "port")
		if err != nil {
			return err
		}
		proto, _, _, err := w.getStr(port, index(pp, i), "protocol")
		if err != nil {
			return err
		}
		if num != "" {
			ps = append(ps, num+"/"+cmpOr(proto, "TCP"))
		}
	}
	o.ports = strings.Join(ps, ",")
	return nil
}

func (p *reader) ingress(w *walker, o *object) error {
	md, mp, err := p.meta(w, o)
	if err != nil {
		return err
	}
	spec, sp, err := w.get(o.node, o.path, "spec")
	if err != nil {
		return err
	}
	if o.class, _, _, err = w.getStr(spec, sp, "ingressClassName"); err != nil {
		return err
	}
	if o.class == "" {
		ann, ap, err := w.get(md, mp, "annotations")
		if err != nil {
			return err
		}
		annotations, err := w.strMap(ann, ap)
		if err != nil {
			return err
		}
		o.class = annotations["kubernetes.io/ingress.class"]
	}
	// TLS hosts are served over https; a TLS entry without hosts covers
	// every host.
	tlsHosts := map[string]bool{}
	tlsAll := false
	tls, tp, err := w.get(spec, sp, "tls")
	if err != nil {
		return err
	}
	entries, err := w.seq(tls, tp)
	if err != nil {
		return err
	}
	for i, e := range entries {
		hosts, hp, err := w.get(e, index(tp, i), "hosts")
		if err != nil {
			return err
		}
		list, err := w.seq(hosts, hp)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			tlsAll = true
		}
		for j, h := range list {
			s, err := w.str(h, index(hp, j))
			if err != nil {
				return err
			}
			tlsHosts[strings.ToLower(s)] = true
		}
	}
	scheme := func(host string) string {
		if tlsAll || tlsHosts[host] {
			return "https"
		}
		return "http"
	}
	// The default backend.
	def, dp, err := w.get(spec, sp, "defaultBackend")
	if err != nil {
		return err
	}
	if def == nil {
		if def, dp, err = w.get(spec, sp, "backend"); err != nil {
			return err
		}
	}
	defService := ""
	if def != nil {
		if defService, err = p.backend(w, def, dp); err != nil {
			return err
		}
	}
	rules, rp, err := w.get(spec, sp, "rules")
	if err != nil {
		return err
	}
	list, err := w.seq(rules, rp)
	if err != nil {
		return err
	}
	for i, rule := range list {
		rip := index(rp, i)
		host, hn, hp, err := w.getStr(rule, rip, "host")
		if err != nil {
			return err
		}
		host = strings.ToLower(host)
		if strings.ContainsAny(host, "/?#@ \t\r\n[]") {
			return w.fail(hn, hp, ErrInvalid, "host %q is not a host name", host)
		}
		http, httpPath, err := w.get(rule, rip, "http")
		if err != nil {
			return err
		}
		paths, pp, err := w.get(http, httpPath, "paths")
		if err != nil {
			return err
		}
		plist, err := w.seq(paths, pp)
		if err != nil {
			return err
		}
		if len(plist) == 0 {
			// A host without paths goes to the default backend.
			o.routes = append(o.routes, route{endpointURL(scheme(host), host, "/"), defService})
			continue
		}
		for j, path := range plist {
			pip := index(pp, j)
			pth, _, _, err := w.getStr(path, pip, "path")
			if err != nil {
				return err
			}
			be, bp, err := w.get(path, pip, "backend")
			if err != nil {
				return err
			}
			svc, err := p.backend(w, be, bp)
			if err != nil {
				return err
			}
			o.routes = append(o.routes, route{endpointURL(scheme(host), host, pth), svc})
		}
	}
	if def != nil {
		o.routes = append(o.routes, route{endpointURL(scheme(""), "", "/"), defService})
	}
	return nil
}

// backend returns the Service name of an Ingress backend (networking/v1
// "service.name", or v1beta1 "serviceName"), "" for a resource backend.
func (p *reader) backend(w *walker, n *yaml.Node, path string) (string, error) {
	if n == nil {
		return "", nil
	}
	svc, sp, err := w.get(n, path, "service")
	if err != nil {
		return "", err
	}
	var name string
	var nn *yaml.Node
	var np string
	if svc != nil {
		name, nn, np, err = w.getStr(svc, sp, "name")
	} else {
		name, nn, np, err = w.getStr(n, path, "serviceName")
	}
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(name, "/ \t\r\n") {
		return "", w.fail(nn, np, ErrInvalid, "Service name %q is not a Kubernetes name", name)
	}
	return name, nil
}

// endpointURL names the endpoint of an Ingress rule: scheme, host ("*"
// when the rule names none) and path ("/" when empty), as package
// inventory.EndpointURL writes URLs.
func endpointURL(scheme, host, path string) string {
	if host == "" {
		host = "*"
	}
	if path == "" {
		path = "/"
	} else if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// Parsed as a URL written by hand would be, so that the text matches
	// inventory.EndpointURL's; a path that does not parse
	// (a stray "%") is escaped instead.
	if u, err := url.Parse(scheme + "://" + host + path); err == nil && u.Host == host {
		return u.String()
	}
	u := url.URL{Scheme: scheme, Host: host, Path: path}
	return u.String()
}

// plan collects the assets and edges before they enter the graph.
type plan struct {
	order    []string
	assets   map[string]*inventory.Asset
	edges    []inventory.Edge
	exposure map[string]risk.Exposure
	sources  string
}

func (pl *plan) add(a inventory.Asset) {
	if _, ok := pl.assets[a.ID]; ok {
		// Two objects of one identity (a Deployment and a CronJob of one
		// name): the later one's properties win, as in the graph.
		dst := pl.assets[a.ID]
		if dst.Properties == nil && len(a.Properties) > 0 {
			dst.Properties = map[string]string{}
		}
		maps.Copy(dst.Properties, a.Properties)
		return
	}
	if pl.sources != "" {
		a.Sources = []string{pl.sources}
	}
	pl.order = append(pl.order, a.ID)
	pl.assets[a.ID] = &a
}

func (pl *plan) raise(id string, e risk.Exposure) {
	if e.Rank() > pl.exposure[id].Rank() {
		pl.exposure[id] = e
	}
}

func (pl *plan) link(from, to string, t inventory.EdgeType) {
	pl.edges = append(pl.edges, inventory.Edge{From: from, To: to, Type: t})
}

func workloadID(ns, name string) string { return inventory.ID(inventory.KindService, ns+"/"+name) }

func serviceEndpointID(ns, name string) string {
	return inventory.ID(inventory.KindEndpoint, name+"."+ns+".svc")
}

func props(kind, ns, name string) map[string]string {
	return map[string]string{"k8s.kind": kind, "k8s.namespace": ns, "k8s.name": name}
}

// selects reports whether a Service's selector picks a workload's pods.
func selects(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if l, ok := labels[k]; !ok || l != v {
			return false
		}
	}
	return true
}

// build turns the objects into assets and edges and adds them to g.
func (p *reader) build(g *inventory.Graph) (Result, error) {
	pl := &plan{assets: map[string]*inventory.Asset{}, exposure: map[string]risk.Exposure{}, sources: p.opts.Name}
	workloads := map[string][]*object{} // by namespace, in document order
	services := map[string]*object{}    // by "namespace/name"
	for _, o := range p.objects {
		switch o.kind {
		case "Service":
			services[o.ns+"/"+o.name] = o
		case "Ingress":
		default:
			workloads[o.ns] = append(workloads[o.ns], o)
		}
	}
	selected := func(svc *object) []string {
		var ids []string
		for _, wl := range workloads[svc.ns] {
			if selects(svc.selector, wl.labels) {
				ids = append(ids, workloadID(wl.ns, wl.name))
			}
		}
		return ids
	}
	for _, o := range p.objects {
		switch o.kind {
		case "Service":
			id := serviceEndpointID(o.ns, o.name)
			a := inventory.Asset{ID: id, Kind: inventory.KindEndpoint, Name: o.name + "." + o.ns + ".svc",
				Properties: props("Service", o.ns, o.name)}
			a.Properties["k8s.type"] = o.svcType
			if o.ports != "" {
				a.Properties["k8s.ports"] = o.ports
			}
			pl.add(a)
			var e risk.Exposure
			switch {
			case o.svcType == "ExternalName":
			case (o.svcType == "LoadBalancer" && !o.internal) || o.svcType == "NodePort" || o.externalIPs:
				e = risk.ExposureInternet
			default:
				e = risk.ExposureInternal
			}
			pl.raise(id, e)
			for _, wl := range selected(o) {
				pl.link(id, wl, inventory.Exposes)
				pl.raise(wl, e)
			}
		case "Ingress":
			for _, r := range o.routes {
				a := inventory.Asset{ID: inventory.ID(inventory.KindEndpoint, r.endpoint), Kind: inventory.KindEndpoint,
					Name: r.endpoint, URL: r.endpoint, Properties: props("Ingress", o.ns, o.name)}
				if o.class != "" {
					a.Properties["k8s.ingress_class"] = o.class
				}
				pl.add(a)
				pl.raise(a.ID, risk.ExposureInternet)
				if r.service == "" {
					continue
				}
				sid := serviceEndpointID(o.ns, r.service)
				pl.add(inventory.Asset{ID: sid, Kind: inventory.KindEndpoint, Name: r.service + "." + o.ns + ".svc",
					Properties: props("Service", o.ns, r.service)})
				pl.link(a.ID, sid, inventory.Exposes)
				pl.raise(sid, risk.ExposureInternet)
				if svc, ok := services[o.ns+"/"+r.service]; ok {
					for _, wl := range selected(svc) {
						pl.raise(wl, risk.ExposureInternet)
					}
				}
			}
		default:
			id := workloadID(o.ns, o.name)
			pl.add(inventory.Asset{ID: id, Kind: inventory.KindService, Name: o.ns + "/" + o.name,
				Environment: p.opts.Environment, Properties: props(o.kind, o.ns, o.name)})
			for _, im := range o.images {
				pl.add(im)
				pl.link(id, im.ID, inventory.Deploys)
			}
		}
	}

	// Exposure never goes down: an asset the graph holds as more exposed
	// stays so.
	for id, e := range pl.exposure {
		if old, ok := g.Asset(id); ok && old.Exposure.Rank() > e.Rank() {
			e = old.Exposure
		}
		pl.assets[id].Exposure = e
	}
	res := p.res
	for k := range p.skipped {
		res.SkippedKinds = append(res.SkippedKinds, k)
	}
	slices.Sort(res.SkippedKinds)
	for _, id := range pl.order {
		if _, err := g.Add(*pl.assets[id]); err != nil {
			return res, &Error{File: p.opts.Name, Err: fmt.Errorf("%w: the graph refused asset %s, after part of the manifests was added: %w", ErrInvalid, id, err)}
		}
	}
	type key struct {
		from, to string
		typ      inventory.EdgeType
	}
	edges := map[key]bool{}
	for _, e := range pl.edges {
		if err := g.Link(e); err != nil {
			return res, &Error{File: p.opts.Name, Err: fmt.Errorf("%w: the graph refused an edge, after part of the manifests was added: %w", ErrInvalid, err)}
		}
		edges[key{e.From, e.To, e.Type}] = true
	}
	res.Assets, res.Edges = len(pl.order), len(edges)
	return res, nil
}
