package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer env-token" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer ok.Close()
	env := func(k string) string {
		if k == "LOADGEN_TOKEN" {
			return "env-token"
		}
		return ""
	}
	dir := t.TempDir()
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no address", []string{"-token", "x"}, exitUsage, "", "give the portal's address"},
		{"bad mix", []string{"-mix", "list=x", ok.URL}, exitUsage, "", "mix"},
		{"bad flag", []string{"-nope", ok.URL}, exitUsage, "", "flag provided but not defined"},
		{"bad address", []string{"-duration", "50ms", "ftp://x"}, exitUsage, "", "not an http(s) address"},
		{"ok", []string{"-duration", "200ms", "-clients", "2", "-upload-every", "0", "-json", filepath.Join(dir, "out.json"), ok.URL},
			exitOK, "dashboard", ""},
		{"json only", []string{"-duration", "100ms", "-clients", "1", "-upload-every", "0", "-json", "-", ok.URL}, exitOK, `"endpoints"`, ""},
		{"errors", []string{"-token", "wrong", "-duration", "100ms", "-clients", "1", "-upload-every", "0", ok.URL}, exitErrors, "all", ""},
		{"seed refused", []string{"-token", "wrong", "-seed-findings", "10", ok.URL}, exitErrors, "", "status 401"},
		{"seed", []string{"-seed-findings", "10", ok.URL}, exitOK, "seeded 10 findings", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), c.args, &out, &errb, env)
			assert.Equal(t, c.code, code, errb.String())
			assert.Contains(t, out.String(), c.stdout)
			assert.Contains(t, errb.String(), c.stderr)
			if c.name == "json only" {
				assert.False(t, strings.Contains(out.String(), "p99 ms"), "no table")
			}
		})
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.json"))
	require.NoError(t, err)
	var res struct {
		Endpoints []struct {
			Endpoint string `json:"endpoint"`
			Requests int    `json:"requests"`
			Errors   int    `json:"errors"`
		} `json:"endpoints"`
	}
	require.NoError(t, json.Unmarshal(b, &res))
	require.NotEmpty(t, res.Endpoints)
	last := res.Endpoints[len(res.Endpoints)-1]
	assert.Equal(t, "all", last.Endpoint)
	assert.Positive(t, last.Requests)
	assert.Zero(t, last.Errors)
}
