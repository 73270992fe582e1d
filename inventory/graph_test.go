package inventory

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// shop builds a small application:
//
//	team:payments ◄─owned_by─ application:shop ─contains─► service:web (internet, production) ─deploys─► image:sha256:aaa ─contains─► express ─depends_on─► qs
//	                                          └─contains─► service:worker (internal)            ─deploys─► image:sha256:bbb ─contains─► lodash@4.17.20
//	service:web ─calls─► service:worker
func shop(t testing.TB, lodash string) *Graph {
	t.Helper()
	g := New()
	add := func(a Asset) string {
		id, err := g.Add(a)
		require.NoError(t, err)
		return id
	}
	link := func(from, to string, typ EdgeType) {
		require.NoError(t, g.Link(Edge{From: from, To: to, Type: typ}))
	}
	team := add(Asset{Kind: KindTeam, Name: "payments"})
	app := add(Asset{Kind: KindApplication, Name: "shop", Criticality: risk.CriticalityCritical, DataClass: risk.DataRestricted, DataTags: []string{DataPCI}})
	web := add(Asset{Kind: KindService, Name: "web", Exposure: risk.ExposureInternet, Environment: risk.EnvironmentProduction})
	worker := add(Asset{Kind: KindService, Name: "worker", Exposure: risk.ExposureInternal})
	imgA := add(Asset{Kind: KindImage, Name: "acme/web:1", Digest: "sha256:aaa"})
	imgB := add(Asset{Kind: KindImage, Name: "acme/worker:1", Digest: "sha256:bbb"})
	express := add(Asset{Kind: KindComponent, Name: "express", Version: "4.18.2", PURL: "pkg:npm/express@4.18.2"})
	qs := add(Asset{Kind: KindComponent, Name: "qs", Version: "6.11.0", PURL: "pkg:npm/qs@6.11.0"})
	ld := add(Asset{Kind: KindComponent, Name: "lodash", Version: lodash, PURL: "pkg:npm/lodash@" + lodash})
	link(app, team, OwnedBy)
	link(app, web, Contains)
	link(app, worker, Contains)
	link(web, imgA, Deploys)
	link(worker, imgB, Deploys)
	link(imgA, express, Contains)
	link(imgB, ld, Contains)
	link(web, worker, Calls)
	require.NoError(t, g.Link(Edge{From: express, To: qs, Type: DependsOn, Scope: findings.ScopeRuntime, Relationship: findings.RelationshipDirect}))
	return g
}

const (
	qsID      = "component:pkg:npm/qs@6.11.0"
	expressID = "component:pkg:npm/express@4.18.2"
	imgAID    = "image:sha256:aaa"
	webID     = "service:web"
	appID     = "application:shop"
	teamID    = "team:payments"
)

func TestAddMergesIdentities(t *testing.T) {
	g := New()
	id1, err := g.Add(Asset{Kind: KindComponent, PURL: "pkg:npm/qs@6.11.0?foo=bar", Tags: []string{"b"}, Sources: []string{"sbom.json"}})
	require.NoError(t, err)
	id2, err := g.Add(Asset{Kind: KindComponent, PURL: "pkg:npm/qs@6.11.0", Name: "qs", Tags: []string{"a", "b"}, Criticality: risk.CriticalityHigh, Sources: []string{"catalog.yaml"}})
	require.NoError(t, err)
	assert.Equal(t, id1, id2)
	assert.Equal(t, 1, g.Len())
	a, ok := g.Asset(qsID)
	require.True(t, ok)
	assert.Equal(t, "pkg:npm/qs@6.11.0?foo=bar", a.PURL, "identity fields keep the first value")
	assert.Equal(t, "qs", a.Name, "an empty field is filled")
	assert.Equal(t, risk.CriticalityHigh, a.Criticality)
	assert.Equal(t, []string{"a", "b"}, a.Tags)
	assert.Equal(t, []string{"catalog.yaml", "sbom.json"}, a.Sources)

	_, err = g.Add(Asset{ID: qsID, Kind: KindService})
	assert.ErrorIs(t, err, ErrInvalidAsset, "one ID, two kinds")
	_, err = g.Add(Asset{Kind: "spaceship", Name: "x"})
	assert.ErrorIs(t, err, ErrInvalidAsset)
	_, err = g.Add(Asset{Kind: KindTeam})
	assert.ErrorIs(t, err, ErrInvalidAsset)
	_, err = g.Add(Asset{Kind: KindComponent, PURL: "not a purl"})
	assert.ErrorIs(t, err, ErrInvalidID)

	id, err := g.Add(Asset{Kind: KindComponent, Name: "vendored", Version: "1.0"})
	require.NoError(t, err)
	assert.Equal(t, "component:vendored@1.0", id)
	id, err = g.Add(Asset{Kind: KindRepository, URL: "git@github.com:Acme/Shop.git"})
	require.NoError(t, err)
	assert.Equal(t, "repository:github.com/acme/shop", id)
}

func TestLinkDeduplicates(t *testing.T) {
	g := New()
	a, _ := g.Add(Asset{Kind: KindComponent, PURL: "pkg:npm/a@1"})
	b, _ := g.Add(Asset{Kind: KindComponent, PURL: "pkg:npm/b@1"})
	require.NoError(t, g.Link(Edge{From: a, To: b, Type: DependsOn, Scope: findings.ScopeDev, Relationship: findings.RelationshipTransitive}))
	require.NoError(t, g.Link(Edge{From: a, To: b, Type: DependsOn, Scope: findings.ScopeRuntime}))
	require.NoError(t, g.Link(Edge{From: a, To: b, Type: DependsOn, Relationship: findings.RelationshipDirect}))
	require.NoError(t, g.Link(Edge{From: a, To: b, Type: Contains}))
	assert.Equal(t, []Edge{
		{From: a, To: b, Type: Contains},
		{From: a, To: b, Type: DependsOn, Scope: findings.ScopeRuntime, Relationship: findings.RelationshipDirect},
	}, g.Edges())
	assert.Equal(t, 2, g.EdgeCount())

	assert.ErrorIs(t, g.Link(Edge{From: a, To: "component:nope", Type: DependsOn}), ErrInvalidAsset)
	assert.ErrorIs(t, g.Link(Edge{From: a, To: b, Type: "likes"}), ErrInvalidAsset)
	assert.ErrorIs(t, g.Link(Edge{From: a, To: b, Type: DependsOn, Scope: "sometimes"}), ErrInvalidAsset)
}

func TestQueries(t *testing.T) {
	g := shop(t, "4.17.20")

	deps, err := g.Dependents(qsID, Traversal{})
	require.NoError(t, err)
	assert.Equal(t, []string{expressID, imgAID}, deps, "default: depends_on and contains")

	deps, err = g.Dependents(qsID, Traversal{Types: EdgeTypes})
	require.NoError(t, err)
	assert.Equal(t, []string{appID, expressID, imgAID, webID}, deps)

	deps, err = g.Dependents(qsID, Traversal{MaxDepth: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{expressID}, deps)

	down, err := g.Dependencies(appID, Traversal{Types: []EdgeType{Contains, Deploys, DependsOn}})
	require.NoError(t, err)
	assert.Len(t, down, 7)

	_, err = g.Dependents("component:nope", Traversal{})
	assert.ErrorIs(t, err, ErrNotFound)

	found, err := g.FindComponents("pkg:npm/qs")
	require.NoError(t, err)
	assert.Equal(t, []string{qsID}, found)
	found, err = g.FindComponents("pkg:npm/qs@1.0.0")
	require.NoError(t, err)
	assert.Empty(t, found)
	found, err = g.FindComponents("pkg:npm/q")
	require.NoError(t, err)
	assert.Empty(t, found, "a prefix of a name is not the package")

	paths, err := g.ExposurePaths(qsID, 0)
	require.NoError(t, err)
	assert.Equal(t, []Path{{webID, imgAID, expressID, qsID}}, paths)
	paths, err = g.ExposurePaths("component:pkg:npm/lodash@4.17.20", 0)
	require.NoError(t, err)
	assert.Equal(t, []Path{{webID, "service:worker", "image:sha256:bbb", "component:pkg:npm/lodash@4.17.20"}}, paths)
	paths, err = g.ExposurePaths(webID, 0)
	require.NoError(t, err)
	assert.Equal(t, []Path{{webID}}, paths)

	// Two edges between one pair of assets make one path, not two.
	require.NoError(t, g.Link(Edge{From: webID, To: imgAID, Type: Calls}))
	paths, err = g.ExposurePaths(qsID, 0)
	require.NoError(t, err)
	assert.Equal(t, []Path{{webID, imgAID, expressID, qsID}}, paths)

	owner, path, ok, err := g.Owner(qsID)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, teamID, owner)
	assert.Equal(t, Path{qsID, expressID, imgAID, webID, appID}, path)
	_, _, ok, err = g.Owner(teamID)
	require.NoError(t, err)
	assert.False(t, ok)

	b, err := g.BlastRadius(qsID)
	require.NoError(t, err)
	assert.Equal(t, []string{appID, expressID, imgAID, webID}, b.Assets)
	assert.Equal(t, map[Kind]int{KindApplication: 1, KindComponent: 1, KindImage: 1, KindService: 1}, b.ByKind)
	assert.Equal(t, []string{webID}, b.Exposed)
	assert.Equal(t, []string{teamID}, b.Owners)

	ra, err := g.RiskAsset(qsID)
	require.NoError(t, err)
	assert.Equal(t, risk.Asset{Exposure: risk.ExposureInternet, Environment: risk.EnvironmentProduction,
		Criticality: risk.CriticalityCritical, DataSensitivity: risk.DataRestricted}, ra)

	assert.Equal(t, []string{appID}, g.Roots())
}

func TestExposurePathsLimit(t *testing.T) {
	// A diamond ladder: 2^10 paths from the exposed top to the bottom.
	g := New()
	prev := []string{}
	top, _ := g.Add(Asset{Kind: KindService, Name: "edge", Exposure: risk.ExposureInternet})
	prev = append(prev, top)
	for level := range 10 {
		var cur []string
		for side := range 2 {
			id, _ := g.Add(Asset{Kind: KindComponent, Name: "c", Version: string(rune('a'+level)) + string(rune('0'+side))})
			for _, p := range prev {
				require.NoError(t, g.Link(Edge{From: p, To: id, Type: DependsOn}))
			}
			cur = append(cur, id)
		}
		prev = cur
	}
	bottom, _ := g.Add(Asset{Kind: KindComponent, Name: "bottom"})
	for _, p := range prev {
		require.NoError(t, g.Link(Edge{From: p, To: bottom, Type: DependsOn}))
	}
	paths, err := g.ExposurePaths(bottom, 5)
	require.NoError(t, err)
	assert.Len(t, paths, 5)
	for _, p := range paths {
		assert.Len(t, p, 12)
		assert.Equal(t, top, p[0])
	}
	all, err := g.ExposurePaths(bottom, 5000)
	require.NoError(t, err)
	assert.Len(t, all, 1024)
}

func TestDiff(t *testing.T) {
	old, new := shop(t, "4.17.20"), shop(t, "4.17.21")
	_, err := new.Add(Asset{Kind: KindComponent, PURL: "pkg:npm/left-pad@1.3.0"})
	require.NoError(t, err)
	_, err = new.Add(Asset{Kind: KindService, Name: "worker", Exposure: risk.ExposureInternet})
	require.NoError(t, err)
	c := Diff(old, new)
	assert.Equal(t, []string{"component:pkg:npm/left-pad@1.3.0"}, c.Added)
	assert.Empty(t, c.Removed)
	assert.Equal(t, []Upgrade{{Package: "pkg:npm/lodash", From: "component:pkg:npm/lodash@4.17.20", To: "component:pkg:npm/lodash@4.17.21",
		FromVersion: "4.17.20", ToVersion: "4.17.21"}}, c.Upgraded)
	assert.Equal(t, []string{"service:worker"}, c.Changed)
	assert.True(t, Diff(old, old).Empty())
}

func TestJSONRoundTrip(t *testing.T) {
	g := shop(t, "4.17.20")
	b, err := json.Marshal(g)
	require.NoError(t, err)
	back := New()
	require.NoError(t, json.Unmarshal(b, back))
	assert.Equal(t, g.Assets(), back.Assets())
	assert.Equal(t, g.Edges(), back.Edges())
	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(again))
	assert.Contains(t, string(b), `"kind":"component"`)

	assert.Error(t, json.Unmarshal([]byte(`{"assets":[{"kind":"nope","name":"x"}]}`), New()))
	assert.Error(t, json.Unmarshal([]byte(`{"edges":[{"from":"a","to":"b","type":"calls"}]}`), New()))
}

func TestMerge(t *testing.T) {
	a := shop(t, "4.17.20")
	b := New()
	_, err := b.Add(Asset{Kind: KindService, Name: "web", Criticality: risk.CriticalityHigh})
	require.NoError(t, err)
	_, err = b.Add(Asset{Kind: KindEndpoint, Name: "https://shop.example/api"})
	require.NoError(t, err)
	require.NoError(t, b.Link(Edge{From: webID, To: "endpoint:https://shop.example/api", Type: Exposes}))
	n := a.Len()
	require.NoError(t, a.Merge(b))
	assert.Equal(t, n+1, a.Len(), "service:web is merged, not duplicated")
	web, _ := a.Asset(webID)
	assert.Equal(t, risk.CriticalityHigh, web.Criticality)
	assert.Equal(t, risk.ExposureInternet, web.Exposure)
}

func TestConcurrentQueries(t *testing.T) {
	g := shop(t, "4.17.20")
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			_, _ = g.Dependents(qsID, Traversal{})
			_, _ = g.ExposurePaths(qsID, 0)
			_, _, _, _ = g.Owner(qsID)
		}()
	}
	for range 8 {
		<-done
	}
}
