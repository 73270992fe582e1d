// Command portal is a small web dashboard for platform teams over aspm's
// embedded SQLite store: the findings of an application with their
// lifecycle, risk, SLA and compliance, triage by analysts, and uploads of
// scanner output; one application for everyone, or each team's own. It
// is a reference for building a portal on the aspm packages with
// net/http and html/template alone: no web framework, no JavaScript on
// its own pages, nothing loaded from a CDN.
//
// # Running it
//
//	portal --users users.json [--addr 127.0.0.1:8080] [--db aspm.db] [--app NAME]
//	       [--tls-cert cert.pem --tls-key key.pem]
//	       [--max-file-size BYTES] [--max-upload-size BYTES]
//	portal -hash-password < password.txt   # prints a password hash for the users file
//	portal -hash-token                     # prints a new token and its hash
//
// The store (--db) is created when missing and may be shared with
// "aspm run --db": the portal shows the records of tenant "" of the
// application --app (default "default"), or, when the users file defines
// teams, of the applications of the user's teams (--app is then refused).
// It stops gracefully on SIGINT or SIGTERM, letting requests in flight
// finish for up to 15 seconds.
//
// # Users file
//
// --users names a JSON file with the users, their role, and a password
// hash, bearer token hashes, or both:
//
//	{"users": [
//	  {"name": "ada",    "role": "admin",   "password": "pbkdf2-sha256$600000$SALT$KEY"},
//	  {"name": "grace",  "role": "triager", "password": "pbkdf2-sha256$600000$SALT$KEY"},
//	  {"name": "ci-bot", "role": "admin",   "tokens": ["sha256:64 hex digits"]},
//	  {"name": "audit",  "role": "viewer",  "password": "...", "tokens": ["sha256:..."]}
//	]}
//
// Passwords are stored as PBKDF2-HMAC-SHA256 hashes with a random salt
// (portal -hash-password makes one); tokens as the SHA-256 of the token
// (portal -hash-token makes a random token and its hash). The file holds
// no secret in the clear. Unknown fields, duplicate users or tokens, and
// unknown roles are errors that name the line and column or the field.
//
// # Teams
//
// A file may also define teams, each owning one or more applications of
// the store; every user then names the teams they belong to:
//
//	{"teams": [
//	  {"name": "payments", "apps": ["shop", "checkout"]},
//	  {"name": "platform", "apps": ["infra"]}
//	 ],
//	 "users": [
//	  {"name": "ada",    "role": "admin",   "teams": ["payments"], "password": "..."},
//	  {"name": "grace",  "role": "triager", "teams": ["payments", "platform"], "password": "..."},
//	  {"name": "ci-pay", "role": "admin",   "teams": ["payments"], "tokens": ["sha256:..."]}
//	]}
//
// A user sees the applications of their teams, and only those. The role
// stays one per user, whatever the team: a triager triages in every
// application of their teams (make two users for two roles). Two teams
// may own one application. With teams, every user must belong to one; a
// team must own an application; an application name is 1 to 128
// characters, without a slash. A file without "teams" is read as before:
// one application, --app, for every user.
//
// # Roles
//
// Each role is an access.Role of the aspm access package, whose
// permissions allow actions checked with access.Match:
//
//   - viewer: portal:read — the dashboard, findings, assets, compliance,
//     the full report;
//   - triager: portal:read and portal:triage — also mark findings false
//     positive, accept a risk until a date, or reopen them;
//   - admin: portal:* — also upload scans and inventories.
//
// # Pages
//
// The pages of an application live under /apps/{app}/; without teams
// they are also at the root, as before teams (/findings is
// /apps/default/findings when --app is "default"). With teams, GET /
// lists the user's applications.
//
//   - GET /apps/{app}/ — the dashboard: open, new, fixed and suppressed
//     counts, SLA standing, counts by severity, priority, category, tool
//     and age, and the top risks (report.Summarize over the store's
//     records);
//   - GET /apps/{app}/report — the full report/html dashboard of the same
//     data;
//   - GET /apps/{app}/findings — the findings, newest first, filtered by
//     severity, state, tool, kind, asset and free text, fifty to a page;
//   - GET /apps/{app}/findings/{id} — one finding: its fields, its
//     lifecycle history and triage, its risk score with every factor
//     (risk.Model.ScoreFinding with the default context) and its raw JSON;
//     .../history and .../raw send the history and the finding as JSON;
//     POST .../triage records a decision, which needs a justification;
//   - GET /apps/{app}/assets — the assets of the last uploaded SBOM or
//     catalog, else those the findings name, with their findings counts;
//     /apps/{app}/assets/{asset} shows one;
//   - GET /apps/{app}/compliance — the built-in compliance controls
//     evaluated over the current records;
//   - GET and POST /apps/{app}/upload — scanner outputs, each applied as
//     one scan with correlate.Track, and SBOMs or catalogs, which replace
//     the application's inventory (kept in memory: a restart forgets it).
//     Every file is read and decoded before any is applied; a file over
//     the size limit gives 413, one that cannot be read 422, naming the
//     file.
//
// # Many findings
//
// The portal is built for applications of 100,000 findings and more; no
// page that shows a part of them reads them all:
//
//   - the findings list runs the store's query (correlate.Query: state,
//     severity and tool in the database, newest first, with a limit: the
//     page's rows and one more), and applies kind, asset and free text
//     to the records as they stream, without scoring them; only the fifty
//     rows shown are scored. Its total comes from the application's index
//     when that is current, else from the rows read ("of more than 100"
//     when it stopped early); a filter the index says nothing matches
//     reads nothing. Free text that few findings match reads them all: a
//     second or two at 100,000 findings;
//   - a finding's detail, history, raw JSON and triage read one record:
//     the store's query of its cluster;
//   - the dashboard, the assets and the compliance page use the
//     application's index: every record read and scored once, summarized,
//     and kept (as counts, not records) until a write makes it stale: an
//     upload or a triage through this portal, or a scan another process
//     applied (the store's list of scans, checked at most once a second),
//     or ten minutes, for the counts that move with time. A write starts
//     the next build at once, in the background; concurrent requests
//     share one build; after an upload, the build takes the upload's
//     records instead of reading them again. A triage made by
//     another process shows in the list and the detail at once, on the
//     dashboard when the index is next rebuilt.
//
// The work that holds every record of an application (index builds, the
// full report, the compliance evaluation) runs at most GOMAXPROCS at a
// time, so that memory stays flat under any number of clients. The
// loadgen command (examples/portal/loadgen) and scripts/portal-load.sh
// measure it.
//
// # Security
//
// Every route goes through one middleware that authenticates the request
// (a bearer token in the Authorization header, else the session cookie set
// by the login form), answers 404 for an application the user's teams do
// not own, checks that the user's role allows the route's action (only
// the login page, the style sheet and the icon are public), and checks the
// CSRF token of every POST made with a session cookie: a per-session
// random token, in the form field csrf_token or the X-CSRF-Token header,
// compared in constant time. An upload carries the token as its first
// part, checked before any file is read.
//
// Another team's application, and anything in it, is not found, with the
// very answer of an application nobody owns, whatever the role: no
// response tells that it exists. A finding of another application named
// under one's own is not found either, since the store is asked only for
// the records of the application the address names.
//
// The session cookie is HttpOnly, SameSite=Strict, and Secure on TLS;
// logging in issues a new session ID. Sessions live in memory for eight
// hours. Every page is rendered by html/template and sent with a
// Content-Security-Policy without 'unsafe-inline' (default-src 'none';
// the full report's policy allows only its own script and style by hash),
// frame-ancestors 'none' and X-Frame-Options DENY, X-Content-Type-Options
// nosniff and Referrer-Policy no-referrer.
package main
