package main

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// errUsers is the sentinel every users-file problem wraps.
var errUsers = errors.New("portal: bad users file")

// errAuth reports a failed login or an unknown token; it never says which
// part was wrong.
var errAuth = errors.New("portal: authentication failed")

// maxUsersFile bounds the users file read at start.
const maxUsersFile = 1 << 20

// Password hashing: PBKDF2-HMAC-SHA256 with a per-user salt, written
// "pbkdf2-sha256$ITERATIONS$SALT$KEY" (salt and key in unpadded base64url).
const (
	passwordScheme     = "pbkdf2-sha256"
	passwordIterations = 600_000 // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
	minIterations      = 1_000   // tests hash with few; the file may not go lower
	maxIterations      = 10_000_000
	passwordKeyLen     = 32
)

// configError is a problem in the users file: where it is (line and
// column for a syntax error, the field for a bad value) and why.
type configError struct {
	File   string
	Line   int    // 1-based; 0 when unknown
	Column int    // 1-based; 0 when unknown
	Field  string // like "users[2].role"; empty for a syntax error
	Err    error  // wraps errUsers
}

func (e *configError) Error() string {
	var b strings.Builder
	b.WriteString("portal: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "portal: "))
	return b.String()
}

func (e *configError) Unwrap() error { return e.Err }

// userEntry is one user of the users file.
type userEntry struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Password string   `json:"password,omitempty"`
	Tokens   []string `json:"tokens,omitempty"`
	// Teams names the teams the user belongs to: required when the file
	// defines teams, refused when it does not.
	Teams []string `json:"teams,omitempty"`
}

// teamEntry is one team of the users file: the applications of the
// store it owns.
type teamEntry struct {
	Name string   `json:"name"`
	Apps []string `json:"apps"`
}

// usersFile is the users file. Without teams, the portal serves the one
// application of its --app flag to every user.
type usersFile struct {
	Teams []teamEntry `json:"teams,omitempty"`
	Users []userEntry `json:"users"`
}

// maxAppName bounds an application name of the users file.
const maxAppName = 128

// user is an authenticated principal.
type user struct {
	Name string
	Role string
}

// directory holds the users, their password hashes and token hashes,
// and the teams. It is read-only after parseUsers, so safe for
// concurrent use.
type directory struct {
	users  map[string]userEntry
	tokens []tokenEntry
	dummy  string // a hash to check when the user is unknown, for even timing
	// teams is true when the file defines teams; apps then maps each user
	// to the applications of their teams, sorted.
	teams bool
	apps  map[string][]string
}

type tokenEntry struct {
	sum  [sha256.Size]byte
	user string
}

// parseUsers reads and validates a users file. name is used in errors.
func parseUsers(r io.Reader, name string) (*directory, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxUsersFile+1))
	if err != nil {
		return nil, &configError{File: name, Err: fmt.Errorf("%w: %w", errUsers, err)}
	}
	if len(data) > maxUsersFile {
		return nil, &configError{File: name, Err: fmt.Errorf("%w: larger than %d bytes", errUsers, maxUsersFile)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f usersFile
	if err := dec.Decode(&f); err != nil {
		ce := &configError{File: name, Err: fmt.Errorf("%w: %w", errUsers, err)}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			ce.Line, ce.Column = position(data, se.Offset)
		case errors.As(err, &te):
			ce.Line, ce.Column = position(data, te.Offset)
			ce.Field = te.Field
		case errors.Is(err, io.EOF):
			ce.Err = fmt.Errorf("%w: empty", errUsers)
		}
		return nil, ce
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := position(data, dec.InputOffset())
		return nil, &configError{File: name, Line: line, Column: col, Err: fmt.Errorf("%w: data after the top-level object", errUsers)}
	}
	teamApps, err := parseTeams(f.Teams, name)
	if err != nil {
		return nil, err
	}
	if len(f.Users) == 0 {
		return nil, &configError{File: name, Field: "users", Err: fmt.Errorf("%w: no users", errUsers)}
	}
	d := &directory{users: make(map[string]userEntry, len(f.Users))}
	if teamApps != nil {
		d.teams, d.apps = true, map[string][]string{}
	}
	seenTokens := map[[sha256.Size]byte]bool{}
	for i, u := range f.Users {
		bad := func(field, format string, args ...any) error {
			return &configError{File: name, Field: fmt.Sprintf("users[%d]%s", i, field),
				Err: fmt.Errorf("%w: "+format, append([]any{errUsers}, args...)...)}
		}
		switch {
		case !validName(u.Name, 64):
			return nil, bad(".name", "a name of 1 to 64 characters without spaces around or control characters is required")
		case d.users[u.Name].Name != "":
			return nil, bad(".name", "user %q listed twice", u.Name)
		case !slices.Contains(roleNames, u.Role):
			return nil, bad(".role", "role %q is not one of %s", u.Role, strings.Join(roleNames, ", "))
		case u.Password == "" && len(u.Tokens) == 0:
			return nil, bad("", "user %q has neither a password nor a token", u.Name)
		}
		if u.Password != "" {
			if _, _, _, err := splitPassword(u.Password); err != nil {
				return nil, bad(".password", "%v", err)
			}
		}
		for j, t := range u.Tokens {
			sum, err := parseTokenHash(t)
			if err != nil {
				return nil, bad(fmt.Sprintf(".tokens[%d]", j), "%v", err)
			}
			if seenTokens[sum] {
				return nil, bad(fmt.Sprintf(".tokens[%d]", j), "token listed twice")
			}
			seenTokens[sum] = true
			d.tokens = append(d.tokens, tokenEntry{sum: sum, user: u.Name})
		}
		if err := d.joinTeams(u, teamApps, bad); err != nil {
			return nil, err
		}
		d.users[u.Name] = u
		if d.dummy == "" && u.Password != "" {
			d.dummy = u.Password
		}
	}
	return d, nil
}

// parseTeams checks the teams of the file and returns the applications
// of each, or nil when the file defines none.
func parseTeams(teams []teamEntry, file string) (map[string][]string, error) {
	if teams == nil {
		return nil, nil
	}
	if len(teams) == 0 {
		return nil, &configError{File: file, Field: "teams", Err: fmt.Errorf("%w: no teams (leave the field out for one application)", errUsers)}
	}
	out := make(map[string][]string, len(teams))
	for i, t := range teams {
		bad := func(field, format string, args ...any) error {
			return &configError{File: file, Field: fmt.Sprintf("teams[%d]%s", i, field),
				Err: fmt.Errorf("%w: "+format, append([]any{errUsers}, args...)...)}
		}
		switch {
		case !validName(t.Name, 64):
			return nil, bad(".name", "a name of 1 to 64 characters without spaces around or control characters is required")
		case out[t.Name] != nil:
			return nil, bad(".name", "team %q listed twice", t.Name)
		case len(t.Apps) == 0:
			return nil, bad(".apps", "team %q owns no application", t.Name)
		}
		for j, app := range t.Apps {
			switch {
			case !validApp(app):
				return nil, bad(fmt.Sprintf(".apps[%d]", j), "an application name of 1 to %d characters, without spaces around, control characters or a slash, is required", maxAppName)
			case slices.Contains(t.Apps[:j], app):
				return nil, bad(fmt.Sprintf(".apps[%d]", j), "application %q listed twice", app)
			}
		}
		out[t.Name] = slices.Clone(t.Apps)
	}
	return out, nil
}

// joinTeams records the applications of u's teams, checking that u names
// teams exactly when the file defines them.
func (d *directory) joinTeams(u userEntry, teamApps map[string][]string, bad func(field, format string, args ...any) error) error {
	if teamApps == nil {
		if len(u.Teams) > 0 {
			return bad(".teams", "the file defines no teams")
		}
		return nil
	}
	if len(u.Teams) == 0 {
		return bad(".teams", "user %q belongs to no team", u.Name)
	}
	var apps []string
	for j, t := range u.Teams {
		owned, ok := teamApps[t]
		switch {
		case !ok:
			return bad(fmt.Sprintf(".teams[%d]", j), "team %q is not defined", t)
		case slices.Contains(u.Teams[:j], t):
			return bad(fmt.Sprintf(".teams[%d]", j), "team %q listed twice", t)
		}
		apps = append(apps, owned...)
	}
	slices.Sort(apps)
	d.apps[u.Name] = slices.Compact(apps)
	return nil
}

// validName reports whether s is a name of 1 to n bytes without spaces
// around or control characters.
func validName(s string, n int) bool {
	return s != "" && strings.TrimSpace(s) == s && len(s) <= n && !strings.ContainsFunc(s, isControl)
}

// validApp reports whether s can name an application in a URL path
// segment: a name without a slash, and not "." or "..".
func validApp(s string) bool {
	return validName(s, maxAppName) && !strings.ContainsAny(s, `/\`) && s != "." && s != ".."
}

// appsOf returns the applications a user may see, sorted, when the file
// defines teams; it reports false when it does not (one application for
// everyone).
func (d *directory) appsOf(name string) ([]string, bool) {
	if !d.teams {
		return nil, false
	}
	return d.apps[name], true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// splitPassword parses a stored password hash.
func splitPassword(s string) (iter int, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return 0, nil, nil, fmt.Errorf("not a %s$ITERATIONS$SALT$KEY hash (make one with portal -hash-password)", passwordScheme)
	}
	iter, err = strconv.Atoi(parts[1])
	if err != nil || iter < minIterations || iter > maxIterations {
		return 0, nil, nil, fmt.Errorf("iterations must be a number from %d to %d", minIterations, maxIterations)
	}
	salt, err = base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(salt) < 8 {
		return 0, nil, nil, errors.New("salt must be at least 8 bytes of unpadded base64url")
	}
	key, err = base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || len(key) != passwordKeyLen {
		return 0, nil, nil, fmt.Errorf("key must be %d bytes of unpadded base64url", passwordKeyLen)
	}
	return iter, salt, key, nil
}

// hashPassword returns the stored form of a password, with a random salt.
func hashPassword(password string, iterations int) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s$%d$%s$%s", passwordScheme, iterations, base64.RawURLEncoding.EncodeToString(salt),
		base64.RawURLEncoding.EncodeToString(key)), nil
}

// checkPassword reports whether password matches the stored hash, in
// constant time.
func checkPassword(stored, password string) bool {
	iter, salt, key, err := splitPassword(stored)
	if err != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(key))
	return err == nil && subtle.ConstantTimeCompare(got, key) == 1
}

// parseTokenHash reads "sha256:HEX", the stored form of a bearer token.
func parseTokenHash(s string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	h, ok := strings.CutPrefix(s, "sha256:")
	if !ok || len(h) != 2*sha256.Size {
		return sum, errors.New(`a token is stored as "sha256:" and 64 hex digits (the SHA-256 of the token; make one with portal -hash-token)`)
	}
	if _, err := hex.Decode(sum[:], []byte(h)); err != nil {
		return sum, errors.New("the token hash is not hex")
	}
	return sum, nil
}

// tokenHash returns the stored form of a bearer token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// login checks a name and password. An unknown user costs as much time as
// a known one.
func (d *directory) login(name, password string) (user, error) {
	u, ok := d.users[name]
	if !ok || u.Password == "" {
		if d.dummy != "" {
			checkPassword(d.dummy, password)
		}
		return user{}, errAuth
	}
	if !checkPassword(u.Password, password) {
		return user{}, errAuth
	}
	return user{Name: u.Name, Role: u.Role}, nil
}

// token looks a bearer token up, comparing with every stored hash in
// constant time.
func (d *directory) token(tok string) (user, error) {
	if tok == "" {
		return user{}, errAuth
	}
	sum := sha256.Sum256([]byte(tok))
	found := ""
	for _, t := range d.tokens {
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 {
			found = t.user
		}
	}
	if found == "" {
		return user{}, errAuth
	}
	u := d.users[found]
	return user{Name: u.Name, Role: u.Role}, nil
}
