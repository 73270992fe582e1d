package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	sessionCookie = "portal_session"
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
	// anonymousTTL bounds a pre-login session (the login form's CSRF
	// token); maxSessions bounds the table, so that fetching the login
	// page in a loop cannot exhaust memory.
	anonymousTTL = 30 * time.Minute
	maxSessions  = 10_000
)

// session is a browser's session: before login it only carries the login
// form's CSRF token; after login, the user too.
type session struct {
	id      string
	user    user // zero before login
	csrf    string
	expires time.Time
	ttl     time.Duration // the lifetime it was created with, for the cookie
}

// sessions is the session table, in memory: a restart logs everyone out.
// It is safe for concurrent use.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	now func() time.Time
	ttl time.Duration
}

func newSessions(now func() time.Time, ttl time.Duration) *sessions {
	return &sessions{m: map[string]*session{}, now: now, ttl: ttl}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for u (the zero user for a pre-login session).
func (ss *sessions) create(u user) *session {
	now := ss.now()
	ttl := ss.ttl
	if u.Name == "" {
		ttl = anonymousTTL
	}
	s := &session{id: randomToken(), user: u, csrf: randomToken(), expires: now.Add(ttl), ttl: ttl}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		for id, x := range ss.m {
			if !now.Before(x.expires) {
				delete(ss.m, id)
			}
		}
		if len(ss.m) >= maxSessions {
			// Drop pre-login sessions first: they cost nothing to make.
			for id, x := range ss.m {
				if x.user.Name == "" {
					delete(ss.m, id)
				}
			}
		}
	}
	ss.m[s.id] = s
	return s
}

// get returns the live session with the given ID.
func (ss *sessions) get(id string) (*session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[id]
	if !ok {
		return nil, false
	}
	if !ss.now().Before(s.expires) {
		delete(ss.m, id)
		return nil, false
	}
	return s, true
}

func (ss *sessions) delete(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// principal is who made a request, and how.
type principal struct {
	user    user
	session *session // nil for a bearer token
}

type principalKey struct{}

func principalOf(r *http.Request) principal {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p
}

// authenticate reads a bearer token, else the session cookie. A request
// with an Authorization header is judged by it alone.
func (s *server) authenticate(r *http.Request) (principal, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return principal{}, false
		}
		u, err := s.cfg.Users.token(strings.TrimSpace(tok))
		if err != nil {
			return principal{}, false
		}
		return principal{user: u}, true
	}
	sess := s.sessionOf(r)
	if sess == nil || sess.user.Name == "" {
		return principal{session: sess}, false
	}
	return principal{user: sess.user, session: sess}, true
}

func (s *server) sessionOf(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	sess, ok := s.sessions.get(c.Value)
	if !ok {
		return nil
	}
	return sess
}

// guard is the middleware every route goes through: it authenticates the
// request, answers 404 for an application the user's teams do not own,
// checks that the user's role allows the route's action, and checks the
// CSRF token of every state-changing request made with a session cookie.
func (s *server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(r)
		if rt.action == "" {
			next := r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
			rt.handler(w, next)
			return
		}
		if !ok {
			s.unauthenticated(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		resource := "portal"
		if rt.app {
			// Another team's application is not found, whatever the
			// role and whatever it holds: no answer tells it exists.
			name, base := s.resolve(r)
			if !s.canSee(p.user, name) {
				s.notFound(w, r.WithContext(ctx))
				return
			}
			ctx = context.WithValue(ctx, scopeKey{}, scope{app: s.app(name), base: base})
			resource = "app/" + name
		}
		r = r.WithContext(ctx)
		if !authorized(p.user.Role, rt.action, resource) {
			s.fail(w, r, http.StatusForbidden, "Forbidden", "Your role ("+p.user.Role+") does not allow this.")
			return
		}
		if !safeMethod(r.Method) && p.session != nil {
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			switch {
			case r.Header.Get(csrfHeader) != "":
				if !csrfEqual(p.session, r.Header.Get(csrfHeader)) {
					s.fail(w, r, http.StatusForbidden, "Forbidden", "The form's security token is missing or wrong. Reload the page and try again.")
					return
				}
			case mt == "multipart/form-data" && rt.multipart:
				// The handler checks the token in the first part, before
				// reading any file.
			default:
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
				if mt == "multipart/form-data" || !csrfEqual(p.session, r.PostFormValue(csrfField)) {
					s.fail(w, r, http.StatusForbidden, "Forbidden", "The form's security token is missing or wrong. Reload the page and try again.")
					return
				}
			}
		}
		rt.handler(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfEqual compares a submitted token with the session's in constant
// time.
func csrfEqual(sess *session, got string) bool {
	return sess != nil && got != "" && subtle.ConstantTimeCompare([]byte(sess.csrf), []byte(got)) == 1
}

// unauthenticated sends a browser to the login page and tells an API
// client to bring a token.
func (s *server) unauthenticated(w http.ResponseWriter, r *http.Request) {
	if safeMethod(r.Method) && wantsHTML(r) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="aspm-portal"`)
	s.fail(w, r, http.StatusUnauthorized, "Unauthorized", "Log in, or send a bearer token.")
}

// setSessionCookie sets the cookie for sess: HttpOnly, SameSite=Strict,
// and Secure when the connection is TLS.
func setSessionCookie(w http.ResponseWriter, r *http.Request, sess *session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.id, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: max(1, int(sess.ttl.Seconds()))})
}

// localPath returns next when it is a path on this site, else "/".
func localPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	return next
}

type loginView struct {
	Next  string
	Error string
}

// loginPage shows the login form, with a pre-login session for its CSRF
// token.
func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if p.user.Name != "" && p.session != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	sess := p.session
	if sess == nil {
		sess = s.sessions.create(user{})
		setSessionCookie(w, r, sess)
	}
	s.render(w, r, http.StatusOK, "login", "Log in", sess, loginView{Next: localPath(r.URL.Query().Get("next"))})
}

// login checks the form and, on success, replaces the pre-login session
// with a new one (a fresh ID, so that a planted cookie is worthless).
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	sess := s.sessionOf(r)
	if !csrfEqual(sess, r.PostFormValue(csrfField)) {
		s.fail(w, r, http.StatusForbidden, "Forbidden", "The login form expired or was not sent by this site. Reload the page and try again.")
		return
	}
	next := localPath(r.PostFormValue("next"))
	u, err := s.cfg.Users.login(r.PostFormValue("name"), r.PostFormValue("password"))
	if err != nil {
		s.cfg.Log.Warn("login failed", "user", r.PostFormValue("name"))
		s.render(w, r, http.StatusUnauthorized, "login", "Log in", sess, loginView{Next: next, Error: "Wrong name or password."})
		return
	}
	s.sessions.delete(sess.id)
	fresh := s.sessions.create(u)
	setSessionCookie(w, r, fresh)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if p := principalOf(r); p.session != nil {
		s.sessions.delete(p.session.id)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
