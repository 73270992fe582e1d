package correlate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

func TestLinkAndAssetContext(t *testing.T) {
	g := inventory.New()
	add := func(a inventory.Asset) string {
		id, err := g.Add(a)
		require.NoError(t, err)
		return id
	}
	app := add(inventory.Asset{Kind: inventory.KindApplication, Name: "shop", Criticality: risk.CriticalityHigh, DataClass: risk.DataConfidential})
	repo := add(inventory.Asset{Kind: inventory.KindRepository, URL: "https://github.com/acme/shop"})
	web := add(inventory.Asset{Kind: inventory.KindService, Name: "web", Exposure: risk.ExposureInternet, Environment: risk.EnvironmentProduction})
	img := add(inventory.Asset{Kind: inventory.KindImage, Name: "ghcr.io/acme/web:1.0"})
	lib := add(inventory.Asset{Kind: inventory.KindComponent, PURL: "pkg:golang/github.com/BurntSushi/toml@v1.3.2"})
	vendored := add(inventory.Asset{Kind: inventory.KindComponent, Name: "left-pad", Version: "1.3.0"})
	ep := add(inventory.Asset{Kind: inventory.KindEndpoint, Name: "https://shop.example/api/login"})
	for _, e := range []inventory.Edge{
		{From: app, To: repo, Type: inventory.Contains},
		{From: app, To: web, Type: inventory.Contains},
		{From: web, To: img, Type: inventory.Deploys},
		{From: img, To: lib, Type: inventory.Contains},
		{From: web, To: ep, Type: inventory.Exposes},
	} {
		require.NoError(t, g.Link(e))
	}

	sca := findings.Finding{Kind: findings.KindSCA, Package: &findings.Package{Name: "github.com/BurntSushi/toml", Version: "v1.3.2",
		PURL: "pkg:golang/github.com/BurntSushi/toml@v1.3.2?type=module"}, Location: findings.Location{Image: "ghcr.io/acme/web:1.0"}}
	assert.Equal(t, []string{lib, img}, Link(&sca, g, LinkOptions{}))
	ctx := AssetContext(&sca, g, LinkOptions{})
	assert.Equal(t, risk.Asset{Exposure: risk.ExposureInternet, Environment: risk.EnvironmentProduction,
		Criticality: risk.CriticalityHigh, DataSensitivity: risk.DataConfidential}, ctx)

	noPURL := findings.Finding{Kind: findings.KindSCA, Package: &findings.Package{Name: "left-pad", Version: "1.3.0"}}
	assert.Equal(t, []string{vendored}, Link(&noPURL, g, LinkOptions{}))

	code := findings.Finding{Kind: findings.KindSAST, Location: findings.Location{Path: "main.go"}}
	assert.Equal(t, []string{repo}, Link(&code, g, LinkOptions{Repository: "git@github.com:acme/shop.git"}))
	assert.Empty(t, Link(&code, g, LinkOptions{}))

	dast := findings.Finding{Kind: findings.KindDAST, Location: findings.Location{URL: "https://shop.example/api/login"}}
	assert.Equal(t, []string{ep}, Link(&dast, g, LinkOptions{}))
	assert.Equal(t, risk.ExposureInternet, AssetContext(&dast, g, LinkOptions{}).Exposure)
	upper := findings.Finding{Kind: findings.KindDAST, Location: findings.Location{URL: "HTTPS://SHOP.example/api/login"}}
	assert.Equal(t, []string{ep}, Link(&upper, g, LinkOptions{}), "matched in the importers' canonical form")

	unknown := findings.Finding{Kind: findings.KindSCA, Package: &findings.Package{PURL: "pkg:npm/nope@1"}}
	assert.Empty(t, Link(&unknown, g, LinkOptions{}))
	assert.Equal(t, risk.Asset{}, AssetContext(&unknown, g, LinkOptions{}))
}
