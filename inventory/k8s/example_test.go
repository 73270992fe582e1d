package k8s_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/k8s"
)

func ExampleRead() {
	manifests := `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2.0
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
`
	g := inventory.New()
	res, err := k8s.Read(strings.NewReader(manifests), g, k8s.Options{Name: "web.yaml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Assets, "assets,", res.Edges, "edges, skipped:", res.SkippedKinds)
	for _, a := range g.Assets() {
		fmt.Println(strings.TrimSpace(a.ID + " " + string(a.Exposure)))
	}
	for _, e := range g.Edges() {
		fmt.Println(e.From, e.Type, e.To)
	}
	// Output:
	// 3 assets, 2 edges, skipped: [ConfigMap]
	// endpoint:web.shop.svc internet
	// image:ghcr.io/acme/web:1.2.0
	// service:shop/web internet
	// endpoint:web.shop.svc exposes service:shop/web
	// service:shop/web deploys image:ghcr.io/acme/web:1.2.0
}

func ExampleRead_error() {
	manifests := "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n    - image: {{ .Values.image }}\n"
	_, err := k8s.Read(strings.NewReader(manifests), inventory.New(), k8s.Options{Name: "pods.yaml"})
	fmt.Println(err)
	// Output:
	// k8s: pods.yaml: document 2, line 10, column 14: spec.containers[0].image: invalid manifest: expected a string, got a mapping
}
