package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUsers(t *testing.T) {
	pw, err := hashPassword("secret", minIterations)
	require.NoError(t, err)
	tok := tokenHash("t0ken")
	cases := []struct {
		name    string
		in      string
		field   string
		line    int
		message string
	}{
		{"ok", `{"users": [{"name": "a", "role": "admin", "password": "` + pw + `", "tokens": ["` + tok + `"]}]}`, "", 0, ""},
		{"empty", ``, "", 0, "empty"},
		{"syntax", "{\"users\": [\n  {\"name\": \"a\",}\n]}", "", 2, "invalid character"},
		{"type", `{"users": [{"name": 1}]}`, "users.name", 1, "cannot unmarshal"},
		{"unknown field", `{"users": [], "admins": []}`, "", 0, "unknown field"},
		{"trailing", `{"users": [{"name": "a", "role": "admin", "tokens": ["` + tok + `"]}]} {}`, "", 1, "data after"},
		{"no users", `{"users": []}`, "users", 0, "no users"},
		{"no name", `{"users": [{"role": "admin", "tokens": ["` + tok + `"]}]}`, "users[0].name", 0, "name"},
		{"twice", `{"users": [{"name": "a", "role": "admin", "tokens": ["` + tok + `"]}, {"name": "a", "role": "viewer", "password": "` + pw + `"}]}`,
			"users[1].name", 0, "listed twice"},
		{"role", `{"users": [{"name": "a", "role": "root", "tokens": ["` + tok + `"]}]}`, "users[0].role", 0, "not one of"},
		{"no credential", `{"users": [{"name": "a", "role": "admin"}]}`, "users[0]", 0, "neither"},
		{"plain password", `{"users": [{"name": "a", "role": "admin", "password": "hunter2"}]}`, "users[0].password", 0, "pbkdf2-sha256"},
		{"few iterations", `{"users": [{"name": "a", "role": "admin", "password": "pbkdf2-sha256$10$c2FsdHNhbHQ$` + strings.Repeat("A", 43) + `"}]}`,
			"users[0].password", 0, "iterations"},
		{"plain token", `{"users": [{"name": "a", "role": "admin", "tokens": ["t0ken"]}]}`, "users[0].tokens[0]", 0, "sha256:"},
		{"shared token", `{"users": [{"name": "a", "role": "admin", "tokens": ["` + tok + `"]}, {"name": "b", "role": "viewer", "tokens": ["` + tok + `"]}]}`,
			"users[1].tokens[0]", 0, "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := parseUsers(strings.NewReader(c.in), "users.json")
			if c.message == "" {
				require.NoError(t, err)
				u, err := d.login("a", "secret")
				require.NoError(t, err)
				assert.Equal(t, user{Name: "a", Role: "admin"}, u)
				_, err = d.login("a", "Secret")
				assert.ErrorIs(t, err, errAuth)
				_, err = d.login("b", "secret")
				assert.ErrorIs(t, err, errAuth)
				u, err = d.token("t0ken")
				require.NoError(t, err)
				assert.Equal(t, "a", u.Name)
				_, err = d.token("t0ke")
				assert.ErrorIs(t, err, errAuth)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, errUsers)
			var ce *configError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, "users.json", ce.File)
			assert.Equal(t, c.field, ce.Field)
			assert.Equal(t, c.line, ce.Line)
			assert.Contains(t, err.Error(), c.message)
			assert.True(t, strings.HasPrefix(err.Error(), "portal: users.json: "), err.Error())
		})
	}
}

func TestParseTeams(t *testing.T) {
	tok := func(i int) string { return `"tokens": ["` + tokenHash("t"+itoa(i)) + `"]` }
	teams := `"teams": [{"name": "pay", "apps": ["shop", "checkout"]}, {"name": "ops", "apps": ["infra", "shop"]}]`
	cases := []struct {
		name  string
		in    string
		field string
		msg   string
		apps  map[string][]string // user → apps, when valid
	}{
		{"teams", `{` + teams + `, "users": [{"name": "a", "role": "admin", ` + tok(1) + `, "teams": ["pay"]},
			{"name": "b", "role": "viewer", ` + tok(2) + `, "teams": ["ops", "pay"]}]}`, "", "",
			map[string][]string{"a": {"checkout", "shop"}, "b": {"checkout", "infra", "shop"}}},
		{"no teams", `{"users": [{"name": "a", "role": "admin", ` + tok(1) + `}]}`, "", "", nil},
		{"null teams", `{"teams": null, "users": [{"name": "a", "role": "admin", ` + tok(1) + `}]}`, "", "", nil},
		{"empty teams", `{"teams": [], "users": [{"name": "a", "role": "admin", ` + tok(1) + `}]}`, "teams", "no teams", nil},
		{"team without apps", `{"teams": [{"name": "x", "apps": []}], "users": []}`, "teams[0].apps", "owns no application", nil},
		{"team without name", `{"teams": [{"name": " x", "apps": ["a"]}], "users": []}`, "teams[0].name", "name", nil},
		{"team twice", `{"teams": [{"name": "x", "apps": ["a"]}, {"name": "x", "apps": ["b"]}], "users": []}`, "teams[1].name", "listed twice", nil},
		{"app with a slash", `{"teams": [{"name": "x", "apps": ["a/b"]}], "users": []}`, "teams[0].apps[0]", "slash", nil},
		{"app dot dot", `{"teams": [{"name": "x", "apps": [".."]}], "users": []}`, "teams[0].apps[0]", "application name", nil},
		{"app empty", `{"teams": [{"name": "x", "apps": [""]}], "users": []}`, "teams[0].apps[0]", "application name", nil},
		{"app too long", `{"teams": [{"name": "x", "apps": ["` + strings.Repeat("a", maxAppName+1) + `"]}], "users": []}`, "teams[0].apps[0]", "application name", nil},
		{"app twice", `{"teams": [{"name": "x", "apps": ["a", "a"]}], "users": []}`, "teams[0].apps[1]", "listed twice", nil},
		{"user in no team", `{` + teams + `, "users": [{"name": "a", "role": "admin", ` + tok(1) + `}]}`, "users[0].teams", "no team", nil},
		{"unknown team", `{` + teams + `, "users": [{"name": "a", "role": "admin", ` + tok(1) + `, "teams": ["dev"]}]}`, "users[0].teams[0]", "not defined", nil},
		{"team listed twice", `{` + teams + `, "users": [{"name": "a", "role": "admin", ` + tok(1) + `, "teams": ["pay", "pay"]}]}`, "users[0].teams[1]", "listed twice", nil},
		{"teams without teams", `{"users": [{"name": "a", "role": "admin", ` + tok(1) + `, "teams": ["pay"]}]}`, "users[0].teams", "defines no teams", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := parseUsers(strings.NewReader(c.in), "users.json")
			if c.msg != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, errUsers)
				var ce *configError
				require.True(t, errors.As(err, &ce))
				assert.Equal(t, c.field, ce.Field)
				assert.Contains(t, err.Error(), c.msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.apps != nil, d.teams)
			for name, want := range c.apps {
				got, teams := d.appsOf(name)
				assert.True(t, teams)
				assert.Equal(t, want, got, name)
			}
			if c.apps == nil {
				_, teams := d.appsOf("a")
				assert.False(t, teams)
			}
		})
	}
}

func TestAuthorized(t *testing.T) {
	cases := []struct {
		role                 string
		read, triage, upload bool
	}{
		{roleViewer, true, false, false},
		{roleTriager, true, true, false},
		{roleAdmin, true, true, true},
		{"root", false, false, false},
		{"", false, false, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.read, authorized(c.role, actionRead, "app/x"), c.role)
		assert.Equal(t, c.triage, authorized(c.role, actionTriage, "app/x"), c.role)
		assert.Equal(t, c.upload, authorized(c.role, actionUpload, "app/x"), c.role)
		assert.False(t, authorized(c.role, "other:read", "app/x"), c.role)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/findings?x=1": "/findings?x=1", "//evil.example": "/",
		`/\evil.example`: "/", "https://evil.example/": "/", "findings": "/", "/a\r\nSet-Cookie: x": "/"} {
		assert.Equal(t, want, localPath(in), in)
	}
}

func TestRunFlags(t *testing.T) {
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, nil)
		return code, out.String(), errb.String()
	}
	code, _, stderr := run("")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--users FILE is required")

	code, _, _ = run("", "--users", "u.json", "extra")
	assert.Equal(t, exitUsage, code)
	code, _, _ = run("", "--users", "u.json", "--tls-cert", "c.pem")
	assert.Equal(t, exitUsage, code)
	code, _, stderr = run("", "--users", "does-not-exist.json")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "does-not-exist.json")

	code, stdout, _ := run("", "-hash-token")
	require.Equal(t, exitOK, code)
	var tok, hash string
	_, err := fmt.Sscanf(stdout, "token: %s\nhash: %s\n", &tok, &hash)
	require.NoError(t, err)
	assert.Equal(t, tokenHash(tok), hash)

	code, _, _ = run("", "-hash-password")
	assert.Equal(t, exitUsage, code)

	teams := filepath.Join(t.TempDir(), "teams.json")
	require.NoError(t, os.WriteFile(teams, []byte(teamUsersJSON(t)), 0o600))
	code, _, stderr = run("", "--users", teams, "--app", "shop")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--app has no effect")
}

func TestHashPasswordFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("600,000 PBKDF2 iterations")
	}
	var out bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"-hash-password"}, strings.NewReader("s3cret\n"), &out, &out, nil))
	stored := strings.TrimSpace(out.String())
	assert.True(t, checkPassword(stored, "s3cret"))
	assert.False(t, checkPassword(stored, "s3cret\n"))
}

// FuzzParseUsers feeds arbitrary users files to the parser: it must
// never panic, and either fail with a configError or accept users that
// all have a known role.
func FuzzParseUsers(f *testing.F) {
	pw, _ := hashPassword("pw", minIterations)
	f.Add(`{"users": [{"name": "a", "role": "admin", "password": "` + pw + `"}]}`)
	f.Add(`{"users": [{"name": "ci", "role": "viewer", "tokens": ["` + tokenHash("x") + `"]}]}`)
	f.Add(`{"users": [{"name": 1}]}`)
	f.Add(`{"users": null}`)
	f.Add("\ufeff{}")
	f.Add(`{"users": [{"name": "a", "role": "admin", "password": "pbkdf2-sha256$99999999999999999999$AAAAAAAAAAA$AAAA"}]}`)
	f.Add(`{"teams": [{"name": "t", "apps": ["a", "b"]}], "users": [{"name": "ci", "role": "viewer", "teams": ["t"], "tokens": ["` + tokenHash("x") + `"]}]}`)
	f.Add(`{"teams": [{"name": "t", "apps": ["a/b"]}], "users": []}`)
	f.Add(`{"teams": [], "users": [{"name": "ci", "role": "viewer", "teams": ["t"]}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := parseUsers(strings.NewReader(in), "fuzz.json")
		if err != nil {
			var ce *configError
			if !errors.As(err, &ce) || !errors.Is(err, errUsers) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		for _, u := range d.users {
			if _, ok := roles[u.Role]; !ok {
				t.Fatalf("accepted role %q", u.Role)
			}
			apps, teams := d.appsOf(u.Name)
			if teams != d.teams || (teams && len(apps) == 0) {
				t.Fatalf("user %q: teams %t, applications %q", u.Name, teams, apps)
			}
			for _, a := range apps {
				if !validApp(a) {
					t.Fatalf("accepted application %q", a)
				}
			}
		}
	})
}

// Example_usersFile shows the users file and what each role may do.
func Example_usersFile() {
	file := `{"users": [
  {"name": "audit", "role": "viewer", "tokens": ["` + tokenHash("audit-token") + `"]},
  {"name": "ci-bot", "role": "admin", "tokens": ["` + tokenHash("ci-token") + `"]}
]}`
	d, err := parseUsers(strings.NewReader(file), "users.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, tok := range []string{"audit-token", "ci-token", "guess"} {
		u, err := d.token(tok)
		if err != nil {
			fmt.Printf("%s: %v\n", tok, err)
			continue
		}
		fmt.Printf("%s: %s (%s) may upload: %t\n", tok, u.Name, u.Role, authorized(u.Role, actionUpload, "app/shop"))
	}
	// Output:
	// audit-token: audit (viewer) may upload: false
	// ci-token: ci-bot (admin) may upload: true
	// guess: portal: authentication failed
}
