package k8s_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
	"github.com/aspmkit/aspm/inventory/k8s"
	"github.com/aspmkit/aspm/risk"
)

var (
	repoRoot = filepath.Join("..", "..")
	fixtures = filepath.Join(repoRoot, "testdata", "inventory", "k8s")
)

// fixtureOptions are the options a fixture is read with, as
// count_k8s.sh reads it.
func fixtureOptions(name string) k8s.Options {
	opts := k8s.Options{Name: name}
	if name == "payments-clusterip.yaml" {
		opts.Namespace = "payments"
	}
	return opts
}

func readFixture(t testing.TB, g *inventory.Graph, name string) k8s.Result {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, name))
	require.NoError(t, err)
	defer f.Close()
	res, err := k8s.Read(f, g, fixtureOptions(name))
	require.NoError(t, err)
	return res
}

func read(doc string, opts k8s.Options) (*inventory.Graph, k8s.Result, error) {
	g := inventory.New()
	res, err := k8s.Read(strings.NewReader(doc), g, opts)
	return g, res, err
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		name string
		want k8s.Result
	}{
		{"shop.yaml", k8s.Result{Assets: 12, Edges: 9, Objects: 8, Skipped: 2, SkippedKinds: []string{"ConfigMap", "HorizontalPodAutoscaler"}}},
		{"edge-loadbalancer.yaml", k8s.Result{Assets: 7, Edges: 5, Objects: 6, Skipped: 1, SkippedKinds: []string{"Namespace"}}},
		{"payments-clusterip.yaml", k8s.Result{Assets: 5, Edges: 4, Objects: 4, Skipped: 1, SkippedKinds: []string{"NetworkPolicy"}}},
		{"workloads-list.json", k8s.Result{Assets: 11, Edges: 7, Objects: 7, Skipped: 1, SkippedKinds: []string{"ServiceAccount"}}},
		{"legacy-ingress.yaml", k8s.Result{Assets: 11, Edges: 6, Objects: 6}},
	}
	files, err := filepath.Glob(filepath.Join(fixtures, "*"))
	require.NoError(t, err)
	assert.Len(t, tests, len(files), "a test per fixture")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := inventory.New()
			res := readFixture(t, g, tt.name)
			assert.Equal(t, tt.want, res)
			assert.Equal(t, res.Assets, g.Len())
			assert.Equal(t, res.Edges, g.EdgeCount())
			out, err := json.MarshalIndent(g, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", strings.TrimSuffix(tt.name, path.Ext(tt.name))+".json"), append(out, '\n'))
		})
	}
}

func exposure(t *testing.T, g *inventory.Graph, id string) risk.Exposure {
	t.Helper()
	a, ok := g.Asset(id)
	require.True(t, ok, "no asset %s", id)
	return a.Exposure
}

// TestShop checks the typical application: the Ingress exposes the
// Services and their Deployments to the internet; the CronJob is exposed
// to nothing.
func TestShop(t *testing.T) {
	g := inventory.New()
	readFixture(t, g, "shop.yaml")
	for id, want := range map[string]risk.Exposure{
		"service:shop/checkout-api":                       risk.ExposureInternet,
		"service:shop/web":                                risk.ExposureInternet,
		"service:shop/order-cleanup":                      risk.ExposureUnknown,
		"endpoint:web.shop.svc":                           risk.ExposureInternet,
		"endpoint:https://shop.acme.example/api/checkout": risk.ExposureInternet,
	} {
		assert.Equal(t, want, exposure(t, g, id), id)
	}
	paths, err := g.ExposurePaths("image:sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3", 0)
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	assert.Equal(t, inventory.Path{"service:shop/checkout-api", "image:sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3"}, paths[0])
	assert.Len(t, paths, 1, "the search stops at the first internet-exposed asset")
	for _, e := range []inventory.Edge{
		{From: "endpoint:https://shop.acme.example/api/checkout", To: "endpoint:checkout-api.shop.svc", Type: inventory.Exposes},
		{From: "endpoint:checkout-api.shop.svc", To: "service:shop/checkout-api", Type: inventory.Exposes},
	} {
		assert.Contains(t, g.Edges(), e)
	}
	a, _ := g.Asset("image:sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3")
	assert.Equal(t, inventory.Asset{ID: a.ID, Kind: inventory.KindImage, Name: "ghcr.io/acme/checkout-api:2.3.1", Version: "2.3.1",
		Digest: "sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3", Sources: []string{"shop.yaml"}}, a)
}

func TestLoadBalancerAndClusterIP(t *testing.T) {
	g := inventory.New()
	readFixture(t, g, "edge-loadbalancer.yaml")
	readFixture(t, g, "payments-clusterip.yaml")
	for id, want := range map[string]risk.Exposure{
		"service:edge/api-gateway":               risk.ExposureInternet, // LoadBalancer and ClusterIP
		"endpoint:api-gateway.edge.svc":          risk.ExposureInternet,
		"endpoint:api-gateway-admin.edge.svc":    risk.ExposureInternal,
		"service:edge/gateway-admin-ui":          risk.ExposureInternal, // internal load balancer
		"endpoint:gateway-admin-ui.edge.svc":     risk.ExposureInternal,
		"service:payments/payments-gateway":      risk.ExposureInternal,
		"endpoint:payments-gateway.payments.svc": risk.ExposureInternal,
	} {
		assert.Equal(t, want, exposure(t, g, id), id)
	}
	a, _ := g.Asset("endpoint:api-gateway.edge.svc")
	assert.Equal(t, map[string]string{"k8s.kind": "Service", "k8s.namespace": "edge", "k8s.name": "api-gateway",
		"k8s.type": "LoadBalancer", "k8s.ports": "443/TCP,80/TCP"}, a.Properties)
}

func TestExposureRules(t *testing.T) {
	deploy := func(ns, name string, labels string) string {
		return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s, namespace: %s}\nspec:\n  template:\n    metadata: {labels: %s}\n    spec: {containers: [{name: c, image: img}]}\n", name, ns, labels)
	}
	svc := func(ns, name, spec string) string {
		return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\nspec: %s\n", name, ns, spec)
	}
	tests := []struct {
		name     string
		doc      string
		workload risk.Exposure
		service  risk.Exposure
		exposes  bool
	}{
		{"LoadBalancer", svc("a", "s", "{type: LoadBalancer, selector: {app: w}}"), risk.ExposureInternet, risk.ExposureInternet, true},
		{"NodePort", svc("a", "s", "{type: NodePort, selector: {app: w}}"), risk.ExposureInternet, risk.ExposureInternet, true},
		{"external IPs", svc("a", "s", "{selector: {app: w}, externalIPs: [203.0.113.7]}"), risk.ExposureInternet, risk.ExposureInternet, true},
		{"ClusterIP", svc("a", "s", "{type: ClusterIP, selector: {app: w}}"), risk.ExposureInternal, risk.ExposureInternal, true},
		{"default type", svc("a", "s", "{selector: {app: w}}"), risk.ExposureInternal, risk.ExposureInternal, true},
		{"headless", svc("a", "s", "{clusterIP: None, selector: {app: w}}"), risk.ExposureInternal, risk.ExposureInternal, true},
		{"internal GKE LB", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: a\n  annotations: {networking.gke.io/load-balancer-type: Internal}\nspec: {type: LoadBalancer, selector: {app: w}}\n", risk.ExposureInternal, risk.ExposureInternal, true},
		{"ExternalName", svc("a", "s", "{type: ExternalName, externalName: db.example.com}"), "", "", false},
		{"selector of more labels", svc("a", "s", "{type: LoadBalancer, selector: {app: w, tier: db}}"), "", risk.ExposureInternet, false},
		{"other value", svc("a", "s", "{type: LoadBalancer, selector: {app: x}}"), "", risk.ExposureInternet, false},
		{"empty selector", svc("a", "s", "{type: LoadBalancer}"), "", risk.ExposureInternet, false},
		{"other namespace", svc("b", "s", "{type: LoadBalancer, selector: {app: w}}"), "", risk.ExposureInternet, false},
		{"Ingress", svc("a", "s", "{selector: {app: w}}") + "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: a}\nspec: {rules: [{host: h.example, http: {paths: [{path: /x, backend: {service: {name: s}}}]}}]}\n",
			risk.ExposureInternet, risk.ExposureInternet, true},
		{"Ingress first", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: a}\nspec: {defaultBackend: {service: {name: s}}}\n---\n" + svc("a", "s", "{selector: {app: w}}"),
			risk.ExposureInternet, risk.ExposureInternet, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, order := range []string{deploy("a", "w", "{app: w}") + "---\n" + tt.doc, tt.doc + "---\n" + deploy("a", "w", "{app: w}")} {
				g, _, err := read(order, k8s.Options{})
				require.NoError(t, err)
				assert.Equal(t, tt.workload, exposure(t, g, "service:a/w"))
				sid := "endpoint:s.a.svc"
				if strings.Contains(tt.name, "other namespace") {
					sid = "endpoint:s.b.svc"
				}
				assert.Equal(t, tt.service, exposure(t, g, sid))
				assert.Equal(t, tt.exposes, slicesContains(g.Edges(), inventory.Edge{From: sid, To: "service:a/w", Type: inventory.Exposes}))
			}
		})
	}
}

func slicesContains(es []inventory.Edge, e inventory.Edge) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// TestExposureNeverLowered: what the graph holds as internet-exposed stays
// so when a manifest says internal.
func TestExposureNeverLowered(t *testing.T) {
	g := inventory.New()
	_, err := g.Add(inventory.Asset{Kind: inventory.KindService, Name: "payments/payments-gateway", Exposure: risk.ExposureInternet})
	require.NoError(t, err)
	readFixture(t, g, "payments-clusterip.yaml")
	assert.Equal(t, risk.ExposureInternet, exposure(t, g, "service:payments/payments-gateway"))
}

func TestIngress(t *testing.T) {
	g := inventory.New()
	readFixture(t, g, "legacy-ingress.yaml")
	for _, e := range []inventory.Edge{
		{From: "endpoint:http://backoffice.acme.internal/", To: "endpoint:backoffice.ops.svc", Type: inventory.Exposes},
		{From: "endpoint:http://reports.acme.internal/", To: "endpoint:maintenance-page.ops.svc", Type: inventory.Exposes},
		{From: "endpoint:http://*/", To: "endpoint:maintenance-page.ops.svc", Type: inventory.Exposes},
		{From: "endpoint:backoffice.ops.svc", To: "service:ops/backoffice", Type: inventory.Exposes},
	} {
		assert.Contains(t, g.Edges(), e)
	}
	a, ok := g.Asset("endpoint:https://*/static")
	require.True(t, ok, "a TLS entry without hosts covers every host")
	assert.Equal(t, risk.ExposureInternet, a.Exposure)
	assert.Equal(t, "https://*/static", a.URL)
	a, _ = g.Asset("endpoint:http://backoffice.acme.internal/")
	assert.Equal(t, "nginx-internal", a.Properties["k8s.ingress_class"])
	assert.Equal(t, risk.ExposureInternet, exposure(t, g, "service:ops/backoffice"))
	assert.Equal(t, risk.ExposureUnknown, exposure(t, g, "endpoint:ledger.ops.svc"))
	assert.Equal(t, risk.ExposureUnknown, exposure(t, g, "service:ops/maintenance-page"), "no Service object selects it")
}

func TestOptions(t *testing.T) {
	doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox}]}\n"
	g, _, err := read(doc, k8s.Options{})
	require.NoError(t, err)
	_, ok := g.Asset("service:default/p")
	assert.True(t, ok, "the default namespace")
	g, _, err = read(doc, k8s.Options{Namespace: "tools", Environment: risk.EnvironmentStaging, Name: "pod.yaml"})
	require.NoError(t, err)
	a, ok := g.Asset("service:tools/p")
	require.True(t, ok)
	assert.Equal(t, risk.EnvironmentStaging, a.Environment)
	assert.Equal(t, []string{"pod.yaml"}, a.Sources)
	_, _, err = read(doc, k8s.Options{Environment: "prod"})
	assert.ErrorIs(t, err, k8s.ErrUnsupported)

	// generateName, a workload without template, a container without
	// image, an empty stream.
	g, res, err := read("---\napiVersion: batch/v1\nkind: Job\nmetadata: {generateName: backup-}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec: {containers: [{name: c}]}\n---\n", k8s.Options{})
	require.NoError(t, err)
	assert.Equal(t, k8s.Result{Assets: 2, Objects: 2}, res)
	_, ok = g.Asset("service:default/backup")
	assert.True(t, ok)
	_, res, err = read("", k8s.Options{})
	require.NoError(t, err)
	assert.Equal(t, k8s.Result{}, res)
	_, res, err = read("# nothing\n---\n---\n", k8s.Options{})
	require.NoError(t, err)
	assert.Equal(t, k8s.Result{}, res)

	// Anchors, aliases and merge keys.
	g, _, err = read("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nx-pod: &pod\n  containers: [{name: c, image: a:1}]\nspec:\n  template:\n    spec:\n      <<: *pod\n", k8s.Options{})
	require.NoError(t, err)
	_, ok = g.Asset("image:docker.io/library/a:1")
	assert.True(t, ok)

	// A workload kind in another API group is not a workload.
	_, res, err = read("apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d}\n", k8s.Options{})
	require.NoError(t, err)
	assert.Equal(t, k8s.Result{Objects: 1, Skipped: 1, SkippedKinds: []string{"Deployment"}}, res)
}

func TestErrors(t *testing.T) {
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
	tests := []struct {
		name      string
		doc       string
		want      error
		doc1      int // 1-based document
		line, col int
		path      string
		msg       string
	}{
		{"YAML syntax", pod + "---\nkind: Pod\n  x: [\n", k8s.ErrSyntax, 2, 6, 0, "", "mapping values are not allowed"},
		{"tab indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n", k8s.ErrSyntax, 1, 4, 0, "", "found character that cannot start any token"},
		{"unrendered template", pod + "spec:\n  containers:\n    - name: c\n      image: {{ .Values.image }}\n", k8s.ErrInvalid, 1, 7, 14, "spec.containers[0].image", "expected a string, got a mapping"},
		{"not a mapping", "- a\n", k8s.ErrInvalid, 1, 1, 1, "", "expected a mapping, got a sequence"},
		{"no kind", pod + "---\napiVersion: v1\nmetadata: {name: x}\n", k8s.ErrInvalid, 2, 5, 1, "", "no kind"},
		{"no apiVersion", "kind: Pod\nmetadata: {name: x}\n", k8s.ErrInvalid, 1, 1, 1, "", "Pod without apiVersion"},
		{"kind a list", "apiVersion: v1\nkind: [Pod]\n", k8s.ErrInvalid, 1, 2, 7, "kind", "expected a string"},
		{"no name", "apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n", k8s.ErrInvalid, 1, 3, 11, "metadata", "Service without metadata.name"},
		{"no metadata", "apiVersion: v1\nkind: Service\n", k8s.ErrInvalid, 1, 1, 1, "metadata", "Service without metadata.name"},
		{"name with a slash", "apiVersion: v1\nkind: Pod\nmetadata: {name: a/b}\n", k8s.ErrInvalid, 1, 3, 18, "metadata.name", "not a Kubernetes name"},
		{"namespace with a space", "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: \"x y\"}\n", k8s.ErrInvalid, 1, 3, 32, "metadata.namespace", "not a Kubernetes name"},
		{"metadata a string", "apiVersion: v1\nkind: Pod\nmetadata: p\n", k8s.ErrInvalid, 1, 3, 11, "metadata", "expected a mapping, got a scalar"},
		{"containers a mapping", pod + "spec: {containers: {name: c}}\n", k8s.ErrInvalid, 1, 4, 20, "spec.containers", "expected a sequence"},
		{"bad digest", pod + "spec:\n  initContainers:\n    - {name: c, image: \"a@sha256:12\"}\n", k8s.ErrInvalid, 1, 6, 24, "spec.initContainers[0].image", "64 hexadecimal"},
		{"empty digest", pod + "spec: {containers: [{image: \"a@\"}]}\n", k8s.ErrInvalid, 1, 4, 29, "spec.containers[0].image", "empty digest"},
		{"image with a space", pod + "spec: {containers: [{image: \"a b\"}]}\n", k8s.ErrInvalid, 1, 4, 29, "spec.containers[0].image", "white space"},
		{"invalid UTF-8", pod + "spec: {containers: [{image: a\xffb}]}\n", k8s.ErrSyntax, 1, 4, 30, "", "invalid leading UTF-8 octet"},
		{"flow nested too deep", "- " + strings.Repeat("[", 10001), k8s.ErrSyntax, 1, 1, 10003, "", "exceeded max depth"},
		{"JSON nested too deep", `{"items": ` + strings.Repeat("[", 512), k8s.ErrLimit, 0, 1, 522, "", "nesting deeper than 512"},
		{"field twice", pod + "spec: {containers: [{image: a, image: b}]}\n", k8s.ErrInvalid, 1, 4, 32, "spec.containers[0].image", `field "image" given twice`},
		{"labels a list", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: {labels: [a]}}}\n", k8s.ErrInvalid, 1, 4, 38, "spec.template.metadata.labels", "expected a mapping"},
		{"label a mapping", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: {b: c}}}\n", k8s.ErrInvalid, 1, 3, 33, "metadata.labels.a", "expected a string"},
		{"duplicate key", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nmetadata: {name: q}\n", k8s.ErrInvalid, 1, 4, 1, "metadata", "given twice"},
		{"bad Service type", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: Public}\n", k8s.ErrInvalid, 1, 4, 14, "spec.type", `Service type "Public"`},
		{"bad host", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {rules: [{host: \"a/b\"}]}\n", k8s.ErrInvalid, 1, 4, 23, "spec.rules[0].host", "not a host name"},
		{"bad backend", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {defaultBackend: {service: {name: \"a b\"}}}\n", k8s.ErrInvalid, 1, 4, 41, "spec.defaultBackend.service.name", "not a Kubernetes name"},
		{"tls hosts a string", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {tls: [{hosts: h}]}\n", k8s.ErrInvalid, 1, 4, 22, "spec.tls[0].hosts", "expected a sequence"},
		{"items not a list", "apiVersion: v1\nkind: List\nitems: {a: b}\n", k8s.ErrInvalid, 1, 3, 8, "items", "expected a sequence"},
		{"null item", "apiVersion: v1\nkind: List\nitems: [null]\n", k8s.ErrInvalid, 1, 3, 9, "items[0]", "got null"},
		{"item without kind", "apiVersion: v1\nkind: List\nitems:\n  - metadata: {name: x}\n", k8s.ErrInvalid, 1, 4, 5, "items[0]", "no kind"},
		{"lists too deep", "apiVersion: v1\nkind: List\nitems: [{kind: List, items: [{kind: List, items: [{kind: List, items: [{kind: List, items: [{kind: List, items: []}]}]}]}]}]\n", k8s.ErrInvalid, 1, 3, 0, "", "nested too deep"},
		{"alias to nothing", "apiVersion: v1\nkind: *x\n", k8s.ErrSyntax, 1, 0, 0, "", "unknown anchor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _, err := read(tt.doc, k8s.Options{Name: "app.yaml"})
			require.Error(t, err)
			var ke *k8s.Error
			require.True(t, errors.As(err, &ke), "%T: %v", err, err)
			assert.ErrorIs(t, err, tt.want, "%v", err)
			assert.Equal(t, "app.yaml", ke.File)
			assert.Equal(t, tt.doc1, ke.Document, "document: %v", err)
			assert.Equal(t, tt.line, ke.Line, "line: %v", err)
			if tt.col != 0 {
				assert.Equal(t, tt.col, ke.Column, "column: %v", err)
			}
			if tt.path != "" {
				assert.Equal(t, tt.path, ke.Path, "%v", err)
			}
			assert.Contains(t, err.Error(), tt.msg)
			assert.Equal(t, 0, g.Len(), "nothing added on error")
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, _, err := read("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: Public}\n", k8s.Options{Name: "app.yaml"})
	assert.EqualError(t, err, `k8s: app.yaml: document 2, line 8, column 14: spec.type: invalid manifest: Service type "Public" is not ClusterIP, NodePort, LoadBalancer or ExternalName`)
	assert.Equal(t, "k8s: unknown error", (&k8s.Error{}).Error())
}

func TestLimits(t *testing.T) {
	doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
	n := int64(len(doc))
	_, _, err := read(doc, k8s.Options{MaxBytes: n})
	assert.NoError(t, err, "at the limit")
	_, _, err = read(doc, k8s.Options{MaxBytes: n - 1})
	assert.ErrorIs(t, err, k8s.ErrLimit, "one byte over")

	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx0: &b0 {k: v}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "x%d: &b%d {<<: [%s]}\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*b%d, ", i-1), 10), ", "))
	}
	b.WriteString("spec: *b8\n")
	_, _, err = read(b.String(), k8s.Options{})
	assert.ErrorIs(t, err, k8s.ErrLimit)
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	_, err := k8s.Read(failReader{}, inventory.New(), k8s.Options{Name: "x"})
	assert.EqualError(t, err, "k8s: x: disk on fire")
}

// TestCorpus reads every Kubernetes manifest of the shared corpus and
// every fixture and compares the counts with those count_k8s.sh computed
// without this package (testdata/inventory/k8s.tsv).
func TestCorpus(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "inventory", "k8s.tsv"))
	require.NoError(t, err)
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 4, "row %q", line)
		rows[cols[0]] = cols
	}
	fixtureFiles, err := filepath.Glob(filepath.Join(fixtures, "*"))
	require.NoError(t, err)
	for _, f := range fixtureFiles {
		assert.Contains(t, rows, "testdata/inventory/k8s/"+filepath.Base(f), "every fixture has a row")
	}
	if dir := testcorpus.Root(); dir != "" {
		var corpus []string
		for _, pattern := range []string{"*.yaml", "*.yml", "*.json"} {
			m, err := filepath.Glob(filepath.Join(dir, "access", "kubernetes-rbac", "*", pattern))
			require.NoError(t, err)
			corpus = append(corpus, m...)
		}
		require.NotEmpty(t, corpus)
		for _, f := range corpus {
			rel, err := filepath.Rel(dir, f)
			require.NoError(t, err)
			assert.Contains(t, rows, filepath.ToSlash(rel), "every corpus manifest has a row")
		}
	}
	for rel, cols := range rows {
		t.Run(rel, func(t *testing.T) {
			var file string
			opts := k8s.Options{Name: rel}
			if strings.HasPrefix(rel, "testdata/") {
				file = filepath.Join(repoRoot, filepath.FromSlash(rel))
				opts = fixtureOptions(path.Base(rel))
			} else {
				file = testcorpus.Path(t, rel)
			}
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			g := inventory.New()
			res, err := k8s.Read(bytes.NewReader(data), g, opts)
			if cols[3] != "-" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assets, _ := strconv.Atoi(cols[1])
			edges, _ := strconv.Atoi(cols[2])
			assert.Equal(t, assets, res.Assets, "assets")
			assert.Equal(t, edges, res.Edges, "edges")
			assert.Equal(t, assets, g.Len())
			assert.Equal(t, edges, g.EdgeCount())
		})
	}
}

// TestIngressNginx checks what the ingress-nginx release manifest gives:
// the controller behind a LoadBalancer, the admission webhook internal,
// the Jobs exposed to nothing.
func TestIngressNginx(t *testing.T) {
	f, err := os.Open(testcorpus.Path(t, "access/kubernetes-rbac/ingress-nginx/deploy-cloud.yaml"))
	require.NoError(t, err)
	defer f.Close()
	g := inventory.New()
	res, err := k8s.Read(f, g, k8s.Options{Name: "deploy-cloud.yaml"})
	require.NoError(t, err)
	assert.Equal(t, 19, res.Objects)
	assert.Equal(t, 14, res.Skipped)
	assert.Equal(t, []string{"ClusterRole", "ClusterRoleBinding", "ConfigMap", "IngressClass", "Namespace", "Role", "RoleBinding",
		"ServiceAccount", "ValidatingWebhookConfiguration"}, res.SkippedKinds)
	assert.Equal(t, risk.ExposureInternet, exposure(t, g, "service:ingress-nginx/ingress-nginx-controller"))
	assert.Equal(t, risk.ExposureInternet, exposure(t, g, "endpoint:ingress-nginx-controller.ingress-nginx.svc"))
	assert.Equal(t, risk.ExposureInternal, exposure(t, g, "endpoint:ingress-nginx-controller-admission.ingress-nginx.svc"))
	assert.Equal(t, risk.ExposureUnknown, exposure(t, g, "service:ingress-nginx/ingress-nginx-admission-create"))
	a, ok := g.Asset("image:sha256:3870522ed937c9efb94bfa31a7eb16009831567a0d4cbe01846fc5486d622655")
	require.True(t, ok)
	assert.Equal(t, "registry.k8s.io/ingress-nginx/controller:v1.5.2", a.Name)
}

// TestWithCatalog reads the acme catalog and the manifests of the same
// services: they describe the same assets, and the graph joins the
// internet to the orders database.
func TestWithCatalog(t *testing.T) {
	g := inventory.New()
	f, err := os.Open(filepath.Join(repoRoot, "testdata", "inventory", "catalog", "acme.yaml"))
	require.NoError(t, err)
	defer f.Close()
	_, err = catalog.Read(f, g, catalog.Options{Name: "acme.yaml"})
	require.NoError(t, err)
	n := g.Len()
	readFixture(t, g, "shop.yaml")
	readFixture(t, g, "payments-clusterip.yaml")
	readFixture(t, g, "edge-loadbalancer.yaml")
	a, ok := g.Asset("service:shop/checkout-api")
	require.True(t, ok)
	assert.Equal(t, []string{"acme.yaml", "shop.yaml"}, a.Sources)
	assert.Equal(t, "Deployment", a.Properties["k8s.kind"])
	assert.Equal(t, "team:payments", mustOwner(t, g, "service:shop/checkout-api"))
	// Merged: the workloads the catalog declares, images by digest, the
	// shop's endpoints; new: the Service endpoints, three images and the
	// admin UI.
	assert.Equal(t, n+12, g.Len())
	paths, err := g.ExposurePaths("data_store:orders-db", 0)
	require.NoError(t, err)
	assert.Contains(t, paths, inventory.Path{"service:shop/checkout-api", "data_store:orders-db"})
	b, err := g.BlastRadius("data_store:orders-db")
	require.NoError(t, err)
	assert.Contains(t, b.Assets, "endpoint:https://shop.acme.example/api/checkout", "an Ingress endpoint reaches the database")
	assert.Equal(t, risk.ExposureInternal, exposure(t, g, "service:payments/payments-gateway"))
}

func mustOwner(t *testing.T, g *inventory.Graph, id string) string {
	t.Helper()
	o, _, ok, err := g.Owner(id)
	require.NoError(t, err)
	require.True(t, ok)
	return o
}

// TestSameIdentities: images and Ingress endpoints get the identities
// package inventory gives the same references (the catalog importer uses
// them too).
func TestSameIdentities(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	for _, ref := range []string{"nginx", "nginx:1.25", "ghcr.io/acme/app:2@sha256:" + hex, "Registry.Example:5000/a/b", "localhost/x@sha256:" + strings.ToUpper(hex)} {
		doc := fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: %q}]}\n", ref)
		g, _, err := read(doc, k8s.Options{})
		require.NoError(t, err, ref)
		want, err := inventory.ImageAsset(ref, "")
		require.NoError(t, err)
		a, ok := g.Asset(want.ID)
		if assert.True(t, ok, ref) {
			assert.Equal(t, want.Name, a.Name)
			assert.Equal(t, want.Version, a.Version)
			assert.Equal(t, want.Digest, a.Digest)
		}
	}
	for _, tt := range []struct{ host, path, tls string }{
		{"shop.acme.example", "/api/checkout", "[shop.acme.example]"},
		{"Shop.Acme.Example", "", "[]"},
		{"*.acme.example", "/v1/(.*)", "[x]"},
		{"h.example", "/a b", "[]"},
	} {
		doc := fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  tls: [{hosts: %s}]\n  rules: [{host: %q, http: {paths: [{path: %q, backend: {service: {name: s}}}]}}]\n", tt.tls, tt.host, tt.path)
		g, _, err := read(doc, k8s.Options{})
		require.NoError(t, err)
		scheme := "http"
		if tt.tls == "[]" || strings.Contains(tt.tls, strings.ToLower(tt.host)) {
			scheme = "https"
		}
		want, err := inventory.EndpointURL(scheme + "://" + tt.host + tt.path)
		require.NoError(t, err)
		_, ok := g.Asset("endpoint:" + want)
		assert.True(t, ok, "%s %v", want, g.Assets())
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	for _, name := range testcorpus.Glob("access/kubernetes-rbac/*/*.yaml") {
		if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [{kind: Pod, metadata: {name: p}, spec: {containers: [{image: a}]}}]\n"))
	// Hostile input: a field twice, invalid UTF-8, deep JSON.
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p, name: q}\n"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: \xff}\n"))
	f.Add([]byte(`{"items":` + strings.Repeat("[", 520) + `]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := inventory.New()
		res, err := k8s.Read(bytes.NewReader(data), g, k8s.Options{Name: "f"})
		if err != nil {
			var ke *k8s.Error
			if !errors.As(err, &ke) {
				t.Fatalf("not a *k8s.Error: %T %v", err, err)
			}
			if g.Len() != 0 {
				t.Fatalf("graph changed on error: %v", err)
			}
			return
		}
		if res.Assets != g.Len() || res.Edges != g.EdgeCount() || res.Skipped > res.Objects || len(res.SkippedKinds) > res.Skipped {
			t.Fatalf("result %+v, graph %d assets %d edges", res, g.Len(), g.EdgeCount())
		}
	})
}

func BenchmarkRead(b *testing.B) {
	shop, err := os.ReadFile(filepath.Join(fixtures, "shop.yaml"))
	require.NoError(b, err)
	// A cluster of 500 applications: a Deployment and a Service each.
	var big bytes.Buffer
	for i := range 500 {
		fmt.Fprintf(&big, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app%d, namespace: ns%d}\nspec:\n  template:\n    metadata: {labels: {app: app%d}}\n    spec:\n      containers: [{name: c, image: \"registry.example/app%d:1.%d\"}]\n---\n", i, i%20, i, i, i)
		fmt.Fprintf(&big, "apiVersion: v1\nkind: Service\nmetadata: {name: app%d, namespace: ns%d}\nspec: {selector: {app: app%d}, ports: [{port: 80}]}\n---\n", i, i%20, i)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"shop", shop}, {"500apps", big.Bytes()}} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k8s.Read(bytes.NewReader(in.data), inventory.New(), k8s.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
