package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
)

// openCount reads the dashboard's open count.
func openCount(t *testing.T, ts *testServer, path string) string {
	t.Helper()
	w := ts.do(request("GET", path, roleViewer, nil))
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	i := strings.Index(body, `id="open-count">`)
	require.Positive(t, i)
	rest := body[i+len(`id="open-count">`):]
	return rest[:strings.Index(rest, "<")]
}

// TestIndexFollowsWrites checks that the dashboard's index is rebuilt
// after every write through the portal, and after a scan another
// process applies (the store's version), but not at every request.
func TestIndexFollowsWrites(t *testing.T) {
	ts := newTestServer(t, func(c *config) { c.Recheck = time.Hour })
	ids := ts.seed(t, demoFindings()...)
	assert.Equal(t, "4", openCount(t, ts, "/"))
	first := ts.app("shop").latest()
	require.NotNil(t, first)
	assert.Equal(t, "4", openCount(t, ts, "/"))
	assert.Same(t, first, ts.app("shop").latest(), "computed once, not per request")

	// Another process applies a scan: not seen within Recheck...
	ts.seed(t, append(demoFindings(), otherFindings()...)...)
	assert.Equal(t, "4", openCount(t, ts, "/"))
	// ...but at the next check.
	ts.app("shop").mu.Lock()
	ts.app("shop").checked = time.Time{}
	ts.app("shop").mu.Unlock()
	assert.Equal(t, "6", openCount(t, ts, "/"))

	// A triage through the portal: seen at once.
	w := ts.do(formRequest("/findings/"+url.PathEscape(ids["Slack webhook"])+"/triage", roleTriager,
		form("action", "false_positive", "justification", "test data")))
	require.Equal(t, http.StatusNoContent, w.Code)
	assert.Equal(t, "5", openCount(t, ts, "/"))

	// An upload through the portal: seen at once, built from the
	// upload's records (the pending baseline), not read again.
	ctype, body := multipartBody(t, nil, [][2]string{{"gitleaks.json", demoScan(t, "gitleaks.json")}})
	r := request("POST", "/upload", roleAdmin, body)
	r.Header.Set("Content-Type", ctype)
	require.Equal(t, http.StatusOK, ts.do(r).Code)
	recs, err := ts.store.Load(t.Context(), "", "shop")
	require.NoError(t, err)
	open := 0
	clusters := map[string]bool{}
	for _, rec := range recs {
		if rec.Open && !rec.Suppressed(testNow) && !clusters[rec.Cluster] {
			clusters[rec.Cluster] = true
			open++
		}
	}
	assert.Equal(t, itoa(open), openCount(t, ts, "/"))
	idx := ts.app("shop").latest()
	assert.Equal(t, len(recs), idx.total)
	v, err := ts.version(t.Context(), "shop")
	require.NoError(t, err)
	assert.Equal(t, v, idx.version)
}

// TestIndexSharedBuild checks that concurrent requests for a stale index
// share one build.
func TestIndexSharedBuild(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.seed(t, demoFindings()...)
	a := ts.app("shop")
	a.wrote(nil, "")
	done := make(chan *index, 8)
	for range 8 {
		go func() {
			idx, err := ts.current(t.Context(), a)
			assert.NoError(t, err)
			done <- idx
		}()
	}
	first := <-done
	for range 7 {
		assert.Same(t, first, <-done)
	}
}

// TestListCounts checks the list's totals: exact from a current index,
// "more than" from a stale one, and no read of the store for a filter
// nothing matches.
func TestListCounts(t *testing.T) {
	ts := newTestServer(t, func(c *config) { c.Recheck = time.Hour })
	var fs []findings.Finding
	for i := range 2*pageSize + 10 {
		f := demoFindings()[0]
		f.ID, f.Title, f.Location.Path = "p"+itoa(i), "finding "+itoa(i), "file"+itoa(i)+".go"
		fs = append(fs, f)
	}
	ts.seed(t, fs...)
	matched := func(query string) string {
		w := ts.do(request("GET", "/findings"+query, roleViewer, nil))
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		i := strings.Index(body, `id="matched">`)
		require.Positive(t, i)
		rest := body[i+len(`id="matched">`):]
		return rest[:strings.Index(rest, "</p>")]
	}
	assert.Equal(t, "Findings 1–50 of 110.", matched(""), "the first visit builds the index")
	assert.Equal(t, "Findings 51–100 of 110.", matched("?tool=gosec&page=2"))
	assert.Equal(t, "Findings 101–110 of 110.", matched("?page=9"), "past the end: the last page")
	assert.Equal(t, "No finding matches.", matched("?kind=secret"))
	assert.Equal(t, "No finding matches.", matched("?tool=nope&page=3"))
	assert.Equal(t, "Findings 1–50 of 110.", matched("?state=open"))

	// The store changes behind the portal's back: the index is stale
	// (within Recheck it does not know), and the list reads the store.
	ts.app("shop").wrote(nil, "")
	ts.app("shop").building.Lock() // hold the rebuild
	assert.Equal(t, "Findings 1–50 of more than 50.", matched(""))
	assert.Equal(t, "Findings 101–110 of 110.", matched("?page=3"), "a page that reaches the end counts")
	ts.app("shop").building.Unlock()
}

// TestFindingByCluster finds a record that joined another's cluster: the
// store's query of its own ID as a cluster finds nothing, the index
// knows its cluster.
func TestFindingByCluster(t *testing.T) {
	ts := newTestServer(t, nil)
	pkg := &findings.Package{Name: "golang.org/x/text", Version: "0.3.5", Ecosystem: "Go", PURL: "pkg:golang/golang.org/x/text@0.3.5"}
	ids := ts.seed(t,
		findings.Finding{ID: "a", Kind: findings.KindSCA, Tool: findings.Tool{Name: "osv-scanner"}, RuleID: "GO-2021-0113", Title: "from osv",
			Severity: findings.SeverityHigh, VulnerabilityIDs: []string{"GO-2021-0113", "CVE-2021-38561"}, Package: pkg},
		findings.Finding{ID: "b", Kind: findings.KindSCA, Tool: findings.Tool{Name: "trivy"}, RuleID: "CVE-2021-38561", Title: "from trivy",
			Severity: findings.SeverityHigh, VulnerabilityIDs: []string{"CVE-2021-38561"}, Package: pkg})
	recs, err := ts.store.Load(t.Context(), "", "shop")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	var member correlate.Record
	for _, r := range recs {
		if r.Cluster != r.ID {
			member = r
		}
	}
	require.NotEmpty(t, member.ID, "one record joined the other's cluster")
	for _, title := range []string{"from osv", "from trivy"} {
		w := ts.do(request("GET", "/findings/"+url.PathEscape(ids[title]), roleViewer, nil))
		assert.Equal(t, http.StatusOK, w.Code, title)
		assert.Contains(t, w.Body.String(), title)
	}
	w := ts.do(request("GET", "/findings/"+url.PathEscape(member.ID)+"/history", roleViewer, nil))
	require.Equal(t, http.StatusOK, w.Code)
	var h historyView
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &h))
	assert.Equal(t, member.ID, h.ID)
	assert.Equal(t, member.Cluster, h.Cluster)
	require.Len(t, h.History, 1)
	assert.Equal(t, correlate.StateNew, h.History[0].State)
}

// TestJSONAndAssetPages checks the history and raw routes, the asset
// page, and the list of applications of the teams mode.
func TestJSONAndAssetPages(t *testing.T) {
	ts := newTeamServer(t)
	ids := ts.seed(t, demoFindings()...)
	id := url.PathEscape(ids["Out-of-bounds read in golang.org/x/text"])

	w := ts.do(request("GET", "/apps/shop/findings/"+id+"/raw", roleViewer, nil))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var f findings.Finding
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &f))
	assert.Equal(t, "GO-2021-0113", f.RuleID)

	w = ts.do(request("GET", "/apps/shop/findings/"+id+"/history", roleViewer, nil))
	require.Equal(t, http.StatusOK, w.Code)
	var h historyView
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &h))
	assert.True(t, h.Open)
	assert.Equal(t, testNow.Add(-48*time.Hour), h.FirstSeen.UTC())

	asset := "component:pkg:golang/golang.org/x/text@0.3.5"
	w = ts.do(request("GET", "/apps/shop/assets/"+url.PathEscape(asset), roleViewer, nil))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `id="asset-open">1<`)
	link := `href="/apps/shop/findings?asset=` + url.QueryEscape(asset) + `"`
	assert.Contains(t, strings.ReplaceAll(w.Body.String(), "&#43;", "+"), link)
	w = ts.do(request("GET", "/apps/shop/findings?asset="+url.QueryEscape(asset), roleViewer, nil))
	assert.Contains(t, w.Body.String(), "Findings 1–1 of 1.")
	w = ts.do(request("GET", "/apps/shop/assets/component:nope", roleViewer, nil))
	assert.Equal(t, http.StatusNotFound, w.Code)

	w = ts.do(request("GET", "/", roleViewer, nil))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `href="/apps/shop/"`)
	assert.NotContains(t, w.Body.String(), "bank", "only the user's teams' applications")
	w = ts.do(request("GET", "/", "blue", nil))
	assert.Contains(t, w.Body.String(), `href="/apps/bank/"`)
	assert.NotContains(t, w.Body.String(), "/apps/shop/")

	// Pages of an application link within it.
	w = ts.do(request("GET", "/apps/shop/findings", roleAdmin, nil))
	assert.Contains(t, w.Body.String(), `href="/apps/shop/findings/`)
	assert.Contains(t, w.Body.String(), `href="/apps/shop/upload"`)
	assert.NotContains(t, w.Body.String(), `href="/findings`)
}
