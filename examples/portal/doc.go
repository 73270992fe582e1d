// Command portal is a small web dashboard for platform teams over aspm's
// embedded SQLite store: the findings of one application with their
// lifecycle, risk, SLA and compliance, triage by analysts, and uploads of
// scanner output. It is a reference for building a portal on the aspm
// packages with net/http and html/template alone: no web framework, no
// JavaScript on its own pages, nothing loaded from a CDN.
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
// "aspm run --db": the portal shows the records of the application --app
// (default "default"), tenant "". It stops gracefully on SIGINT or SIGTERM,
// letting requests in flight finish for up to 15 seconds.
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
//   - GET / — the dashboard: open, new, fixed and suppressed counts, SLA
//     standing, counts by severity, priority, category, tool and age, and
//     the top risks (report.Summarize over the store's records);
//   - GET /report — the full report/html dashboard of the same data;
//   - GET /findings — every finding, filtered by severity, state, tool,
//     kind and free text, fifty to a page;
//   - GET /findings/{id} — one finding: its fields, its lifecycle history
//     and triage, its risk score with every factor (risk.Model.ScoreFinding
//     with the default context) and its raw JSON; POST
//     /findings/{id}/triage records a decision, which needs a
//     justification;
//   - GET /assets — the assets of the last uploaded SBOM or catalog, else
//     those the findings name, with their findings counts;
//   - GET /compliance — the built-in compliance controls evaluated over
//     the current records;
//   - GET and POST /upload — scanner outputs, each applied as one scan
//     with correlate.Track, and SBOMs or catalogs, which replace the
//     inventory (kept in memory: a restart forgets it). Every file is read
//     and decoded before any is applied; a file over the size limit gives
//     413, one that cannot be read 422, naming the file.
//
// # Security
//
// Every route goes through one middleware that authenticates the request
// (a bearer token in the Authorization header, else the session cookie
// set by the login form), checks that the user's role allows the route's
// action (only the login page, the style sheet and the icon are public),
// and checks the CSRF token of every POST made with a session cookie: a
// per-session random token, in the form field csrf_token or the
// X-CSRF-Token header, compared in constant time. An upload carries the
// token as its first part, checked before any file is read.
//
// The session cookie is HttpOnly, SameSite=Strict, and Secure on TLS;
// logging in issues a new session ID. Sessions live in memory for eight
// hours. Every page is rendered by html/template and sent with a
// Content-Security-Policy without 'unsafe-inline' (default-src 'none';
// the full report's policy allows only its own script and style by hash),
// frame-ancestors 'none' and X-Frame-Options DENY, X-Content-Type-Options
// nosniff and Referrer-Policy no-referrer.
package main
