package main

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/report/html"
	"github.com/aspmkit/aspm/risk"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Default limits.
const (
	defaultMaxFileBytes   = 32 << 20  // one uploaded file
	defaultMaxUploadBytes = 128 << 20 // one upload request, every file together
	defaultSessionTTL     = 8 * time.Hour
	maxFormBytes          = 64 << 10 // a form that is not an upload
	pageSize              = 50
)

// The security headers of every page but the full report, which brings
// its own script and style policy (see [html.ContentSecurityPolicy]).
const pagePolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// config is what a server needs.
type config struct {
	// App is the application whose records the portal shows when the
	// users file defines no teams; with teams, each user sees the
	// applications of their teams and App is not used.
	App string
	// Store holds the records; the server does not close it.
	Store correlate.Store
	// Users are the users who may log in.
	Users *directory
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxFileBytes and MaxUploadBytes limit uploads; zero means the
	// defaults.
	MaxFileBytes, MaxUploadBytes int64
	// SessionTTL is how long a login lasts; zero means 8 hours.
	SessionTTL time.Duration
	// Log receives the request log and errors; nil discards them.
	Log *slog.Logger
	// Recheck is how often, at most, a page asks the store whether
	// another process applied a scan since the application's index was
	// built; zero means once a second, negative at every request.
	Recheck time.Duration
	// IndexMaxAge is how long an index stays current without any write,
	// so that counts that depend on the time (SLA, age) move on; zero
	// means ten minutes.
	IndexMaxAge time.Duration
}

// server is the portal. It is safe for concurrent use.
type server struct {
	cfg      config
	sessions *sessions
	routes   []route
	handler  http.Handler
	pages    *template.Template

	appsMu sync.Mutex
	apps   map[string]*appState

	// heavy bounds the work that reads every record of an application at
	// once (index builds, the full report, compliance), so that memory
	// stays bounded whatever the number of clients.
	heavy chan struct{}

	engineOnce sync.Once
	engine     *compliance.Engine
	engineErr  error

	vectors *risk.VectorCache
}

// route is one route of the portal: its pattern, the action it requires
// ("" for the login page and the style sheet, which are public), whether
// it is about one application (named by the {app} of its pattern, else
// the --app of the single-application mode), and whether its POST body
// is a multipart upload that checks the CSRF token itself.
type route struct {
	pattern   string
	action    string
	app       bool
	multipart bool
	handler   http.HandlerFunc
}

// newServer returns a server for cfg.
func newServer(cfg config) (*server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = defaultMaxFileBytes
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = defaultMaxUploadBytes
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = defaultSessionTTL
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Recheck == 0 {
		cfg.Recheck = defaultRecheck
	}
	if cfg.IndexMaxAge <= 0 {
		cfg.IndexMaxAge = defaultIndexMaxAge
	}
	pages, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, pages: pages, vectors: &risk.VectorCache{},
		sessions: newSessions(cfg.Now, cfg.SessionTTL), apps: map[string]*appState{},
		heavy: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(static)
	s.routes = []route{
		{pattern: "GET /login", handler: s.loginPage},
		{pattern: "POST /login", handler: s.login},
		{pattern: "GET /static/{file}", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			http.StripPrefix("/static", files).ServeHTTP(w, r)
		}},
		{pattern: "GET /favicon.ico", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=86400")
			w.WriteHeader(http.StatusNoContent) // no icon, and no 404 in the console
		}},
		{pattern: "POST /logout", action: actionRead, handler: s.logout},
	}
	// The routes of one application: under /apps/{app}/, and in the
	// single-application mode also at the root, as before teams.
	appRoutes := []route{
		{pattern: "GET /{$}", action: actionRead, handler: s.dashboard},
		{pattern: "GET /report", action: actionRead, handler: s.fullReport},
		{pattern: "GET /findings", action: actionRead, handler: s.findingsList},
		{pattern: "GET /findings/{id}", action: actionRead, handler: s.findingDetail},
		{pattern: "GET /findings/{id}/history", action: actionRead, handler: s.findingHistory},
		{pattern: "GET /findings/{id}/raw", action: actionRead, handler: s.findingRaw},
		{pattern: "POST /findings/{id}/triage", action: actionTriage, handler: s.triage},
		{pattern: "GET /assets", action: actionRead, handler: s.assets},
		{pattern: "GET /assets/{asset...}", action: actionRead, handler: s.assetDetail},
		{pattern: "GET /compliance", action: actionRead, handler: s.compliancePage},
		{pattern: "GET /upload", action: actionUpload, handler: s.uploadPage},
		{pattern: "POST /upload", action: actionUpload, multipart: true, handler: s.upload},
	}
	for _, rt := range appRoutes {
		rt.app = true
		if !cfg.Users.teams {
			s.routes = append(s.routes, rt)
		}
		method, path, _ := strings.Cut(rt.pattern, " ")
		rt.pattern = method + " /apps/{app}" + path
		s.routes = append(s.routes, rt)
	}
	if cfg.Users.teams {
		s.routes = append(s.routes, route{pattern: "GET /{$}", action: actionRead, handler: s.home})
	}
	s.routes = append(s.routes, []route{
		// Everything else is not found, but only to users who may read:
		// strangers learn nothing about which routes exist.
		{pattern: "/", action: actionRead, handler: s.notFound},
	}...)
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	s.handler = s.logRequests(secureHeaders(mux))
	return s, nil
}

// ServeHTTP implements [http.Handler].
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// secureHeaders sets the headers every response carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pagePolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cache-Control", "no-store")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// reportPolicy is the policy of the full report page: the report's own,
// which names its script and style by hash, and no framing.
func reportPolicy() string { return html.ContentSecurityPolicy() + "; frame-ancestors 'none'" }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logRequests logs one line per request: never the query (it may hold
// search text) nor any header.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.cfg.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
	})
}

// notFound is the answer to an address that names nothing the user may
// see: the same whether it names nothing at all or another team's
// application or finding.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "Not found", "There is no page at this address.")
}

// appsOf returns the applications a user may see, sorted.
func (s *server) appsOf(u user) []string {
	if apps, teams := s.cfg.Users.appsOf(u.Name); teams {
		return apps
	}
	return []string{s.cfg.App}
}

// canSee reports whether a user may see an application.
func (s *server) canSee(u user, app string) bool {
	_, ok := slices.BinarySearch(s.appsOf(u), app)
	return ok && u.Name != ""
}

// app returns the state of an application, made on first use. Callers
// check first that the user may see it, so that no address makes one.
func (s *server) app(name string) *appState {
	s.appsMu.Lock()
	defer s.appsMu.Unlock()
	a := s.apps[name]
	if a == nil {
		a = &appState{name: name}
		s.apps[name] = a
	}
	return a
}

// scope is the application a request is about, and the prefix of its
// pages' addresses ("" for the root routes of the single-application
// mode).
type scope struct {
	app  *appState
	base string
}

type scopeKey struct{}

// scopeOf returns the application of an application route.
func scopeOf(r *http.Request) scope {
	sc, _ := r.Context().Value(scopeKey{}).(scope)
	return sc
}

// resolve returns the application a route names and its address prefix.
func (s *server) resolve(r *http.Request) (string, string) {
	if name := r.PathValue("app"); name != "" || strings.HasPrefix(r.URL.Path, "/apps/") {
		return name, "/apps/" + url.PathEscape(name)
	}
	return s.cfg.App, ""
}

// complianceEngine compiles the built-in controls once, on first use.
func (s *server) complianceEngine(ctx context.Context) (*compliance.Engine, error) {
	s.engineOnce.Do(func() {
		s.engine, s.engineErr = compliance.New(context.WithoutCancel(ctx), compliance.Options{})
	})
	return s.engine, s.engineErr
}

// wantsHTML reports whether the client is a browser rather than an API
// client with a token.
func wantsHTML(r *http.Request) bool {
	return r.Header.Get("Authorization") == "" && (r.Header.Get("Accept") == "" || strings.Contains(r.Header.Get("Accept"), "text/html"))
}
