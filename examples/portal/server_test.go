package main

import (
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// demoScan reads a scanner output of the repository's demo.
func demoScan(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "scans", name))
	require.NoError(t, err)
	return string(b)
}

// authzWant is the status a request gets, by role.
type authzWant struct{ anon, viewer, triager, admin int }

func (w authzWant) of(role string) int {
	return map[string]int{"": w.anon, roleViewer: w.viewer, roleTriager: w.triager, roleAdmin: w.admin}[role]
}

// authzTarget is what a request of the matrix names: the prefix of the
// application's addresses ("" for the root routes of the
// single-application mode), a finding ID and an asset ID.
type authzTarget struct{ prefix, id, asset string }

// authzCase is one route of the matrix, by its pattern relative to the
// application, and the statuses it gives for an object of the user's own
// team.
type authzCase struct {
	req  func(t *testing.T, role string, tg authzTarget) *http.Request
	want authzWant
}

// authzCases are the routes of both modes; app routes are named without
// their /apps/{app} prefix.
func authzCases(gitleaks string) map[string]authzCase {
	get := func(path string) func(*testing.T, string, authzTarget) *http.Request {
		return func(_ *testing.T, role string, tg authzTarget) *http.Request {
			p := strings.NewReplacer("{id}", url.PathEscape(tg.id), "{asset}", url.PathEscape(tg.asset)).Replace(path)
			return request("GET", tg.prefix+p, role, nil)
		}
	}
	ok := authzWant{303, 200, 200, 200}
	return map[string]authzCase{
		"GET /login": {get("/login"), authzWant{200, 200, 200, 200}},
		"POST /login": {func(_ *testing.T, role string, _ authzTarget) *http.Request {
			return formRequest("/login", role, form("name", "admin", "password", "pw-admin"))
		}, authzWant{403, 403, 403, 403}}, // no CSRF token: refused for everyone
		"GET /static/{file}":         {get("/static/style.css"), authzWant{200, 200, 200, 200}},
		"GET /favicon.ico":           {get("/favicon.ico"), authzWant{204, 204, 204, 204}},
		"POST /logout":               {func(_ *testing.T, role string, _ authzTarget) *http.Request { return formRequest("/logout", role, nil) }, authzWant{401, 303, 303, 303}},
		"GET /{$}":                   {get("/"), ok},
		"GET /report":                {get("/report"), ok},
		"GET /findings":              {get("/findings?severity=high"), ok},
		"GET /findings/{id}":         {get("/findings/{id}"), ok},
		"GET /findings/{id}/history": {get("/findings/{id}/history"), ok},
		"GET /findings/{id}/raw":     {get("/findings/{id}/raw"), ok},
		"POST /findings/{id}/triage": {func(_ *testing.T, role string, tg authzTarget) *http.Request {
			return formRequest(tg.prefix+"/findings/"+url.PathEscape(tg.id)+"/triage", role, form("action", "reopen", "justification", "matrix"))
		}, authzWant{401, 403, 204, 204}},
		"GET /assets":            {get("/assets"), ok},
		"GET /assets/{asset...}": {get("/assets/{asset}"), ok},
		"GET /compliance":        {get("/compliance"), ok},
		"GET /upload":            {get("/upload"), authzWant{303, 403, 403, 200}},
		"POST /upload": {func(t *testing.T, role string, tg authzTarget) *http.Request {
			ctype, body := multipartBody(t, nil, [][2]string{{"gitleaks.json", gitleaks}})
			r := request("POST", tg.prefix+"/upload", role, body)
			r.Header.Set("Content-Type", ctype)
			return r
		}, authzWant{401, 403, 403, 200}},
		"/": {get("/no/such/page"), authzWant{303, 404, 404, 404}},
	}
}

// runMatrix sends every route of ts as every role, at the targets of the
// user's own team and of another team, and checks the statuses. Every
// route of the server must be in the table.
func runMatrix(t *testing.T, ts *testServer, own, other, nosuch authzTarget, gitleaks string) {
	cases := authzCases(gitleaks)
	for _, rt := range ts.routes {
		rel := strings.Replace(rt.pattern, " /apps/{app}", " ", 1)
		rel = strings.Replace(rel, "  ", " ", 1)
		scoped := rel != rt.pattern
		if rel == "GET " {
			rel = "GET /{$}"
		}
		c, found := cases[rel]
		if !assert.True(t, found, "route %q is not in the matrix", rt.pattern) {
			continue
		}
		object := strings.Contains(rt.pattern, "{id}") || strings.Contains(rt.pattern, "{asset")
		targets := map[string]authzTarget{"own": {}}
		switch {
		case rt.app && scoped:
			// Another team's application; another team's object in the
			// user's own application.
			targets["own"], targets["other app"] = own, other
			if object {
				targets["other id"] = authzTarget{prefix: own.prefix, id: other.id, asset: other.asset}
			}
		case rt.app: // the root routes of the single mode
			targets["own"] = authzTarget{id: own.id, asset: own.asset}
			if object {
				targets["other id"] = authzTarget{id: other.id, asset: other.asset}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(targets)) {
			tg := targets[name]
			for _, role := range []string{"", roleViewer, roleTriager, roleAdmin} {
				want := c.want.of(role)
				if name != "own" && role != "" && (name == "other app" || want/100 == 2) {
					want = http.StatusNotFound // never 403: no oracle
				}
				t.Run(rt.pattern+"/"+name+"/"+cmpOr(role, "anonymous"), func(t *testing.T) {
					w := ts.do(c.req(t, role, tg))
					assert.Equal(t, want, w.Code, w.Body.String())
					switch w.Code {
					case http.StatusSeeOther:
						if role == "" {
							assert.True(t, strings.HasPrefix(w.Header().Get("Location"), "/login?next="), w.Header().Get("Location"))
						}
					case http.StatusUnauthorized:
						assert.Equal(t, `Bearer realm="aspm-portal"`, w.Header().Get("WWW-Authenticate"))
					case http.StatusNotFound:
						// The same answer as for an application nobody owns, or
						// an object nobody made.
						var same authzTarget
						switch name {
						case "other app":
							same = nosuch
						case "other id":
							same = authzTarget{prefix: tg.prefix, id: nosuch.id, asset: nosuch.asset}
						default:
							return
						}
						w2 := ts.do(c.req(t, role, same))
						assert.Equal(t, w2.Code, w.Code)
						assert.Equal(t, w2.Body.String(), w.Body.String())
					}
				})
			}
		}
	}
}

// TestAuthzMatrix sends every route of the single-application mode as
// every role, for the application's objects and another application's.
func TestAuthzMatrix(t *testing.T) {
	ts := newTestServer(t, nil)
	ids := ts.seed(t, demoFindings()...)
	others := ts.seedApp(t, "bank", otherFindings()...)
	gitleaks := demoScan(t, "gitleaks.json")
	own := authzTarget{prefix: "/apps/shop", id: ids["SQL string formatting"], asset: "application:shop"}
	other := authzTarget{prefix: "/apps/bank", id: others["Hard-coded key"], asset: "application:bank"}
	nosuch := authzTarget{prefix: "/apps/nosuch", id: "0000", asset: "application:nosuch"}
	runMatrix(t, ts, own, other, nosuch, gitleaks)
}

// TestAuthzMatrixTeams sends every route of the teams mode as every role
// of team red (which owns shop), for shop's objects and for those of
// bank, which team blue owns: another team's application, finding or
// asset is not found, whatever the role.
func TestAuthzMatrixTeams(t *testing.T) {
	ts := newTeamServer(t)
	ids := ts.seed(t, demoFindings()...)
	others := ts.seedApp(t, "bank", otherFindings()...)
	gitleaks := demoScan(t, "gitleaks.json")
	own := authzTarget{prefix: "/apps/shop", id: ids["SQL string formatting"], asset: "application:shop"}
	other := authzTarget{prefix: "/apps/bank", id: others["Hard-coded key"], asset: "application:bank"}
	nosuch := authzTarget{prefix: "/apps/nosuch", id: "0000", asset: "application:nosuch"}
	runMatrix(t, ts, own, other, nosuch, gitleaks)

	// The blue team's admin sees bank, and not shop.
	w := ts.do(request("GET", "/apps/bank/findings/"+url.PathEscape(other.id), "blue", nil))
	assert.Equal(t, http.StatusOK, w.Code)
	w = ts.do(request("GET", "/apps/shop/findings/"+url.PathEscape(own.id), "blue", nil))
	assert.Equal(t, http.StatusNotFound, w.Code)
	// The root routes of the single mode are not there.
	w = ts.do(request("GET", "/findings", roleViewer, nil))
	assert.Equal(t, http.StatusNotFound, w.Code)
	// Nothing of the refused requests reached bank's records.
	recs, err := ts.store.Load(t.Context(), "", "bank")
	require.NoError(t, err)
	for _, r := range recs {
		assert.Nil(t, r.Triage, r.ID)
	}
	scans, err := ts.store.Scans(t.Context(), "", "bank")
	require.NoError(t, err)
	assert.Len(t, scans, 1, "no upload reached bank")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestBadToken(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, h := range []string{"Bearer nope", "Basic YWRtaW46cHctYWRtaW4=", "Bearer", "tok-admin"} {
		r := request("GET", "/findings", "", nil)
		r.Header.Set("Authorization", h)
		assert.Equal(t, http.StatusUnauthorized, ts.do(r).Code, h)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, path := range []string{"/login", "/", "/report", "/findings"} {
		w := ts.do(request("GET", path, roleViewer, nil))
		require.Equal(t, http.StatusOK, w.Code, path)
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'none'", path)
		assert.Contains(t, csp, "frame-ancestors 'none'", path)
		assert.NotContains(t, csp, "unsafe-inline", path)
		assert.Equal(t, "DENY", h.Get("X-Frame-Options"), path)
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"), path)
		assert.Equal(t, "no-store", h.Get("Cache-Control"), path)
	}
}

func TestLoginAndSessionCookie(t *testing.T) {
	ts := newTestServer(t, nil)
	b := newBrowser(t, ts)

	resp, _ := b.get("/findings")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/login?next=%2Ffindings", resp.Header.Get("Location"))

	resp, page := b.get("/login?next=/findings")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	pre := resp.Cookies()
	require.Len(t, pre, 1)
	assert.True(t, pre[0].HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, pre[0].SameSite)
	assert.False(t, pre[0].Secure, "plain HTTP: not Secure")
	token := csrfOf(t, page)

	resp, page = b.post("/login", form("csrf_token", token, "name", "viewer", "password", "wrong", "next", "/findings"))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, page, "Wrong name or password.")
	resp, _ = b.post("/login", form("csrf_token", token, "name", "nobody", "password", "pw-viewer"))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	resp, _ = b.post("/login", form("csrf_token", token, "name", "viewer", "password", "pw-viewer", "next", "//evil.example/"))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/", resp.Header.Get("Location"), "an off-site next is ignored")
	post := resp.Cookies()
	require.Len(t, post, 1)
	assert.NotEqual(t, pre[0].Value, post[0].Value, "the session ID changes at login")
	assert.True(t, post[0].HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, post[0].SameSite)

	resp, page = b.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "viewer (viewer)")
	_, old := ts.sessions.get(pre[0].Value)
	assert.False(t, old, "the pre-login session is gone")

	resp, _ = b.post("/logout", form("csrf_token", csrfOf(t, page)))
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.get("/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "logged out")
}

func TestSecureCookieOverTLS(t *testing.T) {
	ts := newTestServer(t, nil)
	r := request("GET", "https://portal.example/login", "", nil)
	w := ts.do(r)
	require.Equal(t, http.StatusOK, w.Code)
	c := w.Result().Cookies()
	require.Len(t, c, 1)
	assert.True(t, c[0].Secure)
	assert.NotEmpty(t, w.Header().Get("Strict-Transport-Security"))
}

func TestCSRF(t *testing.T) {
	ts := newTestServer(t, nil)
	ids := ts.seed(t, demoFindings()...)
	target := "/findings/" + url.PathEscape(ids["Slack webhook"]) + "/triage"
	b := newBrowser(t, ts)
	token := b.login(roleAdmin)
	// A wrong token: the real one with its first character changed (a
	// random token may itself start with "x").
	bad := "x" + token[1:]
	if token[0] == 'x' {
		bad = "y" + token[1:]
	}

	cases := []struct {
		name  string
		token string
		want  int
	}{
		{"missing", "", http.StatusForbidden},
		{"bad", bad, http.StatusForbidden},
		{"other session's", newBrowser(t, ts).login(roleTriager), http.StatusForbidden},
		{"good", token, http.StatusSeeOther},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := form("action", "false_positive", "justification", "test data")
			if c.token != "" {
				v.Set("csrf_token", c.token)
			}
			resp, _ := b.post(target, v)
			assert.Equal(t, c.want, resp.StatusCode)
		})
	}

	t.Run("upload", func(t *testing.T) {
		gitleaks := demoScan(t, "gitleaks.json")
		for _, c := range []struct {
			name   string
			fields [][2]string
			want   int
		}{
			{"missing", nil, http.StatusForbidden},
			{"bad", [][2]string{{"csrf_token", "nope"}}, http.StatusForbidden},
			{"after the file", nil, http.StatusForbidden},
			{"good", [][2]string{{"csrf_token", token}}, http.StatusOK},
		} {
			ctype, body := multipartBody(t, c.fields, [][2]string{{"gitleaks.json", gitleaks}})
			if c.name == "after the file" {
				ctype, body = multipartBody(t, nil, [][2]string{{"gitleaks.json", gitleaks}})
			}
			resp, _ := b.postMultipart("/upload", ctype, body)
			assert.Equal(t, c.want, resp.StatusCode, c.name)
		}
	})

	t.Run("login", func(t *testing.T) {
		resp, _ := newBrowser(t, ts).post("/login", form("name", "admin", "password", "pw-admin"))
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
}

func TestTriage(t *testing.T) {
	ts := newTestServer(t, nil)
	ids := ts.seed(t, demoFindings()...)
	id := ids["Out-of-bounds read in golang.org/x/text"]
	target := "/findings/" + url.PathEscape(id) + "/triage"

	cases := []struct {
		name string
		form url.Values
		want int
	}{
		{"no justification", form("action", "false_positive"), http.StatusBadRequest},
		{"blank justification", form("action", "false_positive", "justification", "  \n "), http.StatusBadRequest},
		{"too long", form("action", "false_positive", "justification", strings.Repeat("x", maxJustification+1)), http.StatusBadRequest},
		{"unknown action", form("action", "delete", "justification", "why"), http.StatusBadRequest},
		{"accept without expiry", form("action", "accepted_risk", "justification", "why"), http.StatusBadRequest},
		{"accept expired", form("action", "accepted_risk", "justification", "why", "expires", "2026-02-01"), http.StatusBadRequest},
		{"accept", form("action", "accepted_risk", "justification", "fix planned", "expires", "2026-06-01"), http.StatusNoContent},
		{"false positive", form("action", "false_positive", "justification", "not reachable"), http.StatusNoContent},
		{"unknown finding", form("action", "false_positive", "justification", "why"), http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := target
			if c.name == "unknown finding" {
				path = "/findings/0000/triage"
			}
			w := ts.do(formRequest(path, roleTriager, c.form))
			assert.Equal(t, c.want, w.Code, w.Body.String())
		})
	}

	recs, err := ts.store.Load(t.Context(), "", "shop")
	require.NoError(t, err)
	var rec correlate.Record
	for _, r := range recs {
		if r.ID == id {
			rec = r
		}
	}
	require.NotNil(t, rec.Triage)
	assert.Equal(t, correlate.FalsePositive, rec.Triage.Status)
	assert.Equal(t, "not reachable", rec.Triage.Justification)
	assert.Equal(t, roleTriager, rec.Triage.Author)
	assert.Equal(t, testNow, rec.Triage.At.UTC())

	w := ts.do(request("GET", "/findings/"+url.PathEscape(id), roleViewer, nil))
	assert.Contains(t, w.Body.String(), "false_positive (holds) by triager")

	w = ts.do(formRequest(target, roleTriager, form("action", "reopen", "justification", "it is reachable after all")))
	require.Equal(t, http.StatusNoContent, w.Code)
	recs, err = ts.store.Load(t.Context(), "", "shop")
	require.NoError(t, err)
	for _, r := range recs {
		if r.ID == id {
			assert.Nil(t, r.Triage, "reopened")
		}
	}
}

func TestUploadLimits(t *testing.T) {
	ts := newTestServer(t, func(c *config) { c.MaxFileBytes, c.MaxUploadBytes = 4<<10, 16<<10 })
	small := demoScan(t, "gitleaks.json")
	require.Less(t, len(small), 4<<10)
	big := strings.Repeat(" ", 5<<10) + small

	upload := func(files ...[2]string) (int, string) {
		ctype, body := multipartBody(t, nil, files)
		r := request("POST", "/upload", roleAdmin, body)
		r.Header.Set("Content-Type", ctype)
		w := ts.do(r)
		return w.Code, w.Body.String()
	}
	code, body := upload([2]string{"ok.json", small})
	assert.Equal(t, http.StatusOK, code, body)

	code, body = upload([2]string{"ok.json", small}, [2]string{"huge.json", big})
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	assert.Contains(t, body, "huge.json")
	assert.Contains(t, body, "exceeds 4 KiB")

	var many [][2]string
	for i := range (16<<10)/len(small) + 2 {
		many = append(many, [2]string{"part" + string(rune('a'+i)) + ".json", small})
	}
	code, body = upload(many...)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	assert.Contains(t, body, "16 KiB")

	code, body = upload([2]string{"notes.txt", "hello"})
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "notes.txt")

	code, body = upload([2]string{`..\..\evil<b>.json`, "{"})
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "evil<b>.json:", "the base name, as plain text")

	code, _ = upload()
	assert.Equal(t, http.StatusBadRequest, code)

	// Nothing of a refused upload was applied: one scan only.
	scans, err := ts.store.Scans(t.Context(), "", "shop")
	require.NoError(t, err)
	assert.Len(t, scans, 1)
}

func TestUploadTracksScans(t *testing.T) {
	ts := newTestServer(t, nil)
	b := newBrowser(t, ts)
	token := b.login(roleAdmin)
	ctype, body := multipartBody(t, [][2]string{{"csrf_token", token}},
		[][2]string{{"gosec.sarif", demoScan(t, "gosec.sarif")}, {"gitleaks.json", demoScan(t, "gitleaks.json")}})
	resp, page := b.postMultipart("/upload", ctype, body)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, page, "gosec.sarif")
	assert.Contains(t, page, "gitleaks.json")

	recs, err := ts.store.Load(t.Context(), "", "shop")
	require.NoError(t, err)
	tools := map[string]int{}
	for _, r := range recs {
		tools[r.Finding.Tool.Name]++
	}
	assert.Equal(t, 2, len(tools), "%v", tools)

	clusters := map[string]bool{}
	for _, r := range recs {
		if r.Open && !r.Suppressed(testNow) && !r.Finding.Suppressed() {
			clusters[r.Cluster] = true
		}
	}
	_, page = b.get("/")
	assert.Contains(t, page, `id="open-count">`+itoa(len(clusters))+`<`, "open findings, a cluster once")
}

func TestXSSEscaped(t *testing.T) {
	ts := newTestServer(t, nil)
	ids := ts.seed(t, demoFindings()...)
	id := ids["<script>alert(1)</script>"]
	require.NotEmpty(t, id)
	for _, path := range []string{"/", "/findings", "/findings?q=script", "/findings/" + url.PathEscape(id), "/report"} {
		w := ts.do(request("GET", path, roleViewer, nil))
		require.Equal(t, http.StatusOK, w.Code, path)
		body := w.Body.String()
		assert.NotContains(t, body, "<script>alert(1)", path)
		assert.NotContains(t, body, "<img src=x", path)
		if path != "/report" { // the report carries it as JSON text
			assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;", path)
		}
	}
	// The search text is reflected escaped too.
	w := ts.do(request("GET", "/findings?q="+url.QueryEscape(`"><script>alert(3)</script>`), roleViewer, nil))
	assert.NotContains(t, w.Body.String(), "<script>alert(3)")
}

func TestFindingsFilters(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.seed(t, demoFindings()...)
	count := func(query string) string {
		w := ts.do(request("GET", "/findings"+query, roleViewer, nil))
		require.Equal(t, http.StatusOK, w.Code)
		i := strings.Index(w.Body.String(), `id="matched">`)
		require.Positive(t, i)
		rest := w.Body.String()[i+len(`id="matched">`):]
		return rest[:strings.Index(rest, "</p>")]
	}
	cases := []struct{ query, want string }{
		{"", "Findings 1–4 of 4."},
		{"?severity=high", "Findings 1–2 of 2."},
		{"?tool=gitleaks", "Findings 1–1 of 1."},
		{"?kind=sca", "Findings 1–1 of 1."},
		{"?q=CVE-2021-38561", "Findings 1–1 of 1."},
		{"?q=x/TEXT", "Findings 1–1 of 1."},
		{"?state=new", "Findings 1–4 of 4."},
		{"?state=fixed", "No finding matches."},
		{"?severity=low", "No finding matches."},
		{"?page=99", "Findings 1–4 of 4."},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, count(c.query), c.query)
	}
}

func TestPagination(t *testing.T) {
	ts := newTestServer(t, nil)
	var fs = demoFindings()[:1]
	for i := range pageSize + 5 {
		f := fs[0]
		f.ID, f.Title = "p"+itoa(i), "finding "+itoa(i)
		f.Location.Region = nil
		f.Location.Path = "file" + itoa(i) + ".go"
		fs = append(fs, f)
	}
	ts.seed(t, fs[1:]...)
	w := ts.do(request("GET", "/findings?tool=gosec", roleViewer, nil))
	assert.Contains(t, w.Body.String(), "Findings 1–50 of 55.")
	assert.Contains(t, w.Body.String(), `href="/findings?page=2&amp;tool=gosec" rel="next"`)
	w = ts.do(request("GET", "/findings?tool=gosec&page=2", roleViewer, nil))
	assert.Contains(t, w.Body.String(), "Findings 51–55 of 55.")
	assert.Contains(t, w.Body.String(), `href="/findings?tool=gosec" rel="prev"`)
}

func TestPages(t *testing.T) {
	ts := newTestServer(t, nil)
	ids := ts.seed(t, demoFindings()...)
	get := func(path string) string {
		w := ts.do(request("GET", path, roleViewer, nil))
		require.Equal(t, http.StatusOK, w.Code, path)
		return w.Body.String()
	}
	dash := get("/")
	assert.Contains(t, dash, `id="open-count">4<`)
	assert.Contains(t, dash, `id="top-risks"`)

	detail := get("/findings/" + url.PathEscape(ids["Out-of-bounds read in golang.org/x/text"]))
	for _, s := range []string{"CVE-2021-38561", "CVSS 9.1", "P", "First seen", "2026-02-27 12:00 UTC", `id="raw"`, "&#34;rule_id&#34;: &#34;GO-2021-0113&#34;"} {
		assert.Contains(t, detail, s)
	}
	assert.NotContains(t, detail, `class="triage"`, "a viewer gets no triage form")

	assets := get("/assets")
	assert.Contains(t, assets, "component:pkg:golang/golang.org/x/text@0.3.5")
	assert.Contains(t, assets, "application:shop")

	comp := get("/compliance")
	assert.Contains(t, comp, `id="gate"`)
	assert.Contains(t, comp, `id="controls"`)

	w := ts.do(request("GET", "/findings/nope", roleViewer, nil))
	assert.Equal(t, http.StatusNotFound, w.Code)
}

func TestUploadInventory(t *testing.T) {
	path := testcorpus.Glob("cyclonedx/grype/log4j.json")
	if len(path) == 0 {
		t.Skip("no CycloneDX SBOM in the shared corpus")
	}
	ts := newTestServer(t, nil)
	sbom, err := os.ReadFile(path[0])
	require.NoError(t, err)
	ctype, body := multipartBody(t, nil, [][2]string{{filepath.Base(path[0]), string(sbom)}})
	r := request("POST", "/upload", roleAdmin, body)
	r.Header.Set("Content-Type", ctype)
	w := ts.do(r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	w = ts.do(request("GET", "/assets", roleViewer, nil))
	assert.Contains(t, w.Body.String(), "Assets of the inventory uploaded from")
}

// TestUploadCorpus uploads real scanner outputs: each gives 200 or a
// typed error page naming the file, never a 500.
func TestUploadCorpus(t *testing.T) {
	files := testcorpus.Glob("sarif/*/*")
	if len(files) == 0 {
		t.Skip("shared corpus absent")
	}
	ts := newTestServer(t, nil)
	for _, f := range files[:min(len(files), 25)] {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		ctype, body := multipartBody(t, nil, [][2]string{{filepath.Base(f), string(data)}})
		r := request("POST", "/upload", roleAdmin, body)
		r.Header.Set("Content-Type", ctype)
		w := ts.do(r)
		if w.Code != http.StatusOK {
			assert.Equal(t, http.StatusUnprocessableEntity, w.Code, f)
			assert.Contains(t, w.Body.String(), filepath.Base(f))
		}
	}
	w := ts.do(request("GET", "/", roleViewer, nil))
	assert.Equal(t, http.StatusOK, w.Code)
}

func itoa(i int) string { return strconv.Itoa(i) }
