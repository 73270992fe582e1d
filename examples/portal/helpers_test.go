package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/sqlite"
	"github.com/aspmkit/aspm/findings"
)

// testNow is the clock of every test server.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testUsers are the users of the test servers: one per role, each with
// the password "pw-NAME" and the token "tok-NAME".
var testUsers = []string{roleViewer, roleTriager, roleAdmin}

func usersJSON(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i, name := range testUsers {
		h, err := hashPassword("pw-"+name, minIterations)
		require.NoError(tb, err)
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name": %q, "role": %q, "password": %q, "tokens": [%q]}`, name, name, h, tokenHash("tok-"+name))
	}
	b.WriteString("]}")
	return b.String()
}

// testServer is a portal on a temporary database.
type testServer struct {
	*server
	store *sqlite.Store
	dir   string
}

// teamUsersJSON is a users file with teams: red owns shop, blue owns
// bank. The users of testUsers are in red; "blue", an admin with the
// token "tok-blue", is in blue.
func teamUsersJSON(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`{"teams": [{"name": "red", "apps": ["shop"]}, {"name": "blue", "apps": ["bank"]}], "users": [`)
	for _, name := range testUsers {
		h, err := hashPassword("pw-"+name, minIterations)
		require.NoError(tb, err)
		fmt.Fprintf(&b, `{"name": %q, "role": %q, "password": %q, "tokens": [%q], "teams": ["red"]},`, name, name, h, tokenHash("tok-"+name))
	}
	fmt.Fprintf(&b, `{"name": "blue", "role": "admin", "tokens": [%q], "teams": ["blue"]}]}`, tokenHash("tok-blue"))
	return b.String()
}

func newTestServer(tb testing.TB, mod func(*config)) *testServer {
	tb.Helper()
	return newServerWith(tb, usersJSON(tb), mod)
}

// newTeamServer is a test server with the users of teamUsersJSON.
func newTeamServer(tb testing.TB) *testServer {
	tb.Helper()
	return newServerWith(tb, teamUsersJSON(tb), nil)
}

func newServerWith(tb testing.TB, usersFile string, mod func(*config)) *testServer {
	tb.Helper()
	dir := tb.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "aspm.db"), sqlite.Options{})
	require.NoError(tb, err)
	tb.Cleanup(func() { st.Close() })
	users, err := parseUsers(strings.NewReader(usersFile), "users.json")
	require.NoError(tb, err)
	cfg := config{App: "shop", Store: st, Users: users, Now: func() time.Time { return testNow }, Recheck: -1}
	if mod != nil {
		mod(&cfg)
	}
	s, err := newServer(cfg)
	require.NoError(tb, err)
	return &testServer{server: s, store: st, dir: dir}
}

// seed applies one scan of the given findings to the application shop
// and returns the record IDs by finding title.
func (ts *testServer) seed(tb testing.TB, fs ...findings.Finding) map[string]string {
	tb.Helper()
	return ts.seedApp(tb, "shop", fs...)
}

// seedApp applies one scan of the given findings to an application and
// returns the record IDs by finding title.
func (ts *testServer) seedApp(tb testing.TB, app string, fs ...findings.Finding) map[string]string {
	tb.Helper()
	res, err := correlate.Track(context.Background(), ts.store, correlate.Scan{ID: "seed", At: testNow.Add(-48 * time.Hour),
		Application: app, Findings: fs}, correlate.Options{})
	require.NoError(tb, err)
	ids := map[string]string{}
	for _, c := range res.Changes {
		ids[c.Finding.Title] = c.ID
	}
	return ids
}

// demoFindings are a few findings of several kinds, one with a hostile
// title.
func demoFindings() []findings.Finding {
	return []findings.Finding{
		{ID: "f1", Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G201", Title: "SQL string formatting",
			Severity: findings.SeverityHigh, CWEs: []string{"CWE-89"},
			Location: findings.Location{Path: "main.go", Region: &findings.Region{StartLine: 12}}},
		{ID: "f2", Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G204", Title: "<script>alert(1)</script>",
			Severity: findings.SeverityMedium, Location: findings.Location{Path: "<img src=x onerror=alert(2)>.go"}},
		{ID: "f3", Kind: findings.KindSecret, Tool: findings.Tool{Name: "gitleaks"}, RuleID: "slack-webhook-url", Title: "Slack webhook",
			Severity: findings.SeverityHigh, Location: findings.Location{Path: "config.env", Region: &findings.Region{StartLine: 3}}},
		{ID: "f4", Kind: findings.KindSCA, Tool: findings.Tool{Name: "osv-scanner"}, RuleID: "GO-2021-0113", Title: "Out-of-bounds read in golang.org/x/text",
			Severity: findings.SeverityCritical, VulnerabilityIDs: []string{"GO-2021-0113", "CVE-2021-38561"},
			Package: &findings.Package{Name: "golang.org/x/text", Version: "0.3.5", Ecosystem: "Go", PURL: "pkg:golang/golang.org/x/text@0.3.5",
				FixedVersions: []string{"0.3.7"}},
			CVSS: []findings.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H"}}},
	}
}

// otherFindings are findings of another application, none of which
// shop holds.
func otherFindings() []findings.Finding {
	return []findings.Finding{
		{ID: "o1", Kind: findings.KindSecret, Tool: findings.Tool{Name: "gitleaks"}, RuleID: "generic-api-key", Title: "Hard-coded key",
			Severity: findings.SeverityHigh, Location: findings.Location{Path: "bank/keys.go", Region: &findings.Region{StartLine: 7}}},
		{ID: "o2", Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G401", Title: "Weak hash",
			Severity: findings.SeverityMedium, Location: findings.Location{Path: "bank/hash.go", Region: &findings.Region{StartLine: 3}}},
	}
}

// request builds a request as a client with a bearer token (role "" for
// none).
func request(method, target, role string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, target, body)
	if role != "" {
		r.Header.Set("Authorization", "Bearer tok-"+role)
	}
	return r
}

func (ts *testServer) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	ts.ServeHTTP(w, r)
	return w
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func formRequest(target, role string, v url.Values) *http.Request {
	r := request(http.MethodPost, target, role, strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// multipartBody writes a multipart form: fields first, in order, then
// files (name → content).
func multipartBody(tb testing.TB, fields [][2]string, files [][2]string) (string, *bytes.Buffer) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		require.NoError(tb, mw.WriteField(f[0], f[1]))
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("files", f[0])
		require.NoError(tb, err)
		_, err = io.WriteString(w, f[1])
		require.NoError(tb, err)
	}
	require.NoError(tb, mw.Close())
	return mw.FormDataContentType(), &buf
}

// browser is a cookie-carrying client of a live test server, that does
// not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, ts *testServer) *browser {
	t.Helper()
	hs := httptest.NewServer(ts)
	t.Cleanup(hs.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: hs.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	req.Header.Set("Accept", "text/html")
	return b.send(req)
}

func (b *browser) post(path string, v url.Values) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(v.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	return b.send(req)
}

func (b *browser) postMultipart(path, ctype string, body io.Reader) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, body)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "text/html")
	return b.send(req)
}

func (b *browser) send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(body)
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	require.NotNil(t, m, "no CSRF token in the page")
	return m[1]
}

// login logs in as role and returns the session's CSRF token.
func (b *browser) login(role string) string {
	b.t.Helper()
	_, page := b.get("/login")
	resp, _ := b.post("/login", form("csrf_token", csrfOf(b.t, page), "name", role, "password", "pw-"+role, "next", "/"))
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode)
	_, page = b.get("/")
	return csrfOf(b.t, page)
}
