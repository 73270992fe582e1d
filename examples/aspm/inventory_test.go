package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
)

const (
	acmeCatalog = "../../testdata/inventory/catalog/acme.yaml"
	shopK8s     = "../../testdata/inventory/k8s/shop.yaml"
)

func TestInventorySummary(t *testing.T) {
	sbom := testcorpus.Path(t, "cyclonedx/cyclonedx-npm/juice-shop-bare.bom.1.4.json")
	code, out, errOut := runCLI(t, "", "inventory", acmeCatalog, shopK8s, sbom)
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{"assets", "component", "service", "edges", "depends_on", "roots", "exposed to the internet"} {
		assert.Contains(t, out, want)
	}
}

func TestInventoryJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "", "inventory", "--json", acmeCatalog, shopK8s)
	require.Equal(t, exitOK, code, errOut)
	var doc struct {
		Assets []map[string]any `json:"assets"`
		Edges  []map[string]any `json:"edges"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.NotEmpty(t, doc.Assets)
	require.NotEmpty(t, doc.Edges)
	for _, a := range doc.Assets {
		assert.NotEmpty(t, a["kind"], "every asset has its kind")
		assert.NotEmpty(t, a["id"])
	}
	// The JSON reads back as the same graph.
	code, again, errOut := runCLI(t, out, "inventory", "--json", "-")
	require.Equal(t, exitOK, code, errOut)
	assert.JSONEq(t, out, again)
}

func TestInventoryDependents(t *testing.T) {
	sbom := testcorpus.Path(t, "cyclonedx/cyclonedx-npm/juice-shop-bare.bom.1.4.json")
	code, out, errOut := runCLI(t, "", "inventory", "--json", sbom)
	require.Equal(t, exitOK, code, errOut)
	var doc struct {
		Edges []struct{ From, To, Type string } `json:"edges"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	// Pick a component something depends on, and ask by purl without version.
	target := ""
	for _, e := range doc.Edges {
		if e.Type == "depends_on" && strings.HasPrefix(e.To, "component:pkg:npm/") {
			target = e.To
			break
		}
	}
	require.NotEmpty(t, target)
	purl := strings.TrimPrefix(target, "component:")
	versionless := purl[:strings.LastIndex(purl, "@")]
	code, out, errOut = runCLI(t, "", "inventory", "--dependents", versionless, sbom)
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.NotEmpty(t, lines)
	found := false
	for _, l := range lines {
		parts := strings.Split(l, "\t")
		require.Len(t, parts, 2, l)
		assert.True(t, strings.HasPrefix(parts[0], "component:"+versionless+"@"))
		if parts[0] == target {
			found = true
		}
	}
	assert.True(t, found)
}

func TestInventoryErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"inventory"}, "no FILE given"},
		{[]string{"inventory", "--json", "--dependents", "pkg:npm/x", acmeCatalog}, "exclude each other"},
		{[]string{"inventory", "missing.yaml"}, "missing.yaml"},
		{[]string{"inventory", "--dependents", "not-a-purl", acmeCatalog}, "--dependents"},
		{[]string{"inventory", "../../README.md"}, "unknown source format"},
	} {
		code, _, errOut := runCLI(t, "", tc.args...)
		assert.Equal(t, exitBadInput, code, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}
}
