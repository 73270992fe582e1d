package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// manyFindings returns n distinct code findings.
func manyFindings(n int) []findings.Finding {
	sev := []findings.Severity{findings.SeverityCritical, findings.SeverityHigh, findings.SeverityMedium, findings.SeverityLow}
	out := make([]findings.Finding, n)
	for i := range out {
		out[i] = findings.Finding{ID: "b" + strconv.Itoa(i), Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"},
			RuleID: "G" + strconv.Itoa(100+i%50), Title: "finding " + strconv.Itoa(i), Severity: sev[i%len(sev)],
			Location: findings.Location{Path: "pkg/file" + strconv.Itoa(i) + ".go", Region: &findings.Region{StartLine: 1 + i%300}}}
	}
	return out
}

// benchFindings is the size of the application the page benchmarks
// read: the 100,000 findings.
const benchFindings = 100_000

// BenchmarkPages measures the pages at 100,000 findings in SQLite: the
// dashboard (from the application's index, built once), its rebuild
// after a write, the findings list (one query of the store, with and
// without filters the database applies, and with free text, which is
// matched here), and a finding's detail (one record, found by its
// cluster). Seeding takes some seconds.
func BenchmarkPages(b *testing.B) {
	ts := newTestServer(b, nil)
	ids := ts.seed(b, manyFindings(benchFindings)...)
	var some []string
	for _, id := range ids {
		some = append(some, url.PathEscape(id))
		if len(some) == 1000 {
			break
		}
	}
	get := func(b *testing.B, path string) {
		w := ts.do(request("GET", path, roleViewer, nil))
		if w.Code != http.StatusOK {
			b.Fatal(path, w.Code)
		}
	}
	get(b, "/") // build the index
	cases := []struct {
		name string
		path func(i int) string
	}{
		{"dashboard", func(int) string { return "/" }},
		{"list", func(int) string { return "/findings" }},
		{"list_severity_page", func(i int) string { return "/findings?severity=high&page=" + strconv.Itoa(1+i%20) }},
		{"list_tool_state", func(int) string { return "/findings?tool=gosec&state=new" }},
		{"list_open", func(int) string { return "/findings?state=open" }},
		{"list_search", func(i int) string { return "/findings?q=file" + strconv.Itoa(i%1000) + ".go" }},
		{"detail", func(i int) string { return "/findings/" + some[i%len(some)] }},
		{"history", func(i int) string { return "/findings/" + some[i%len(some)] + "/history" }},
	}
	for _, c := range cases {
		b.Run(c.name+"_100k", func(b *testing.B) {
			i := 0
			for b.Loop() {
				get(b, c.path(i))
				i++
			}
		})
	}
	b.Run("upload_100k", func(b *testing.B) {
		// A scan of 20 findings of another tool: correlate.Track reads
		// the whole baseline.
		scan := demoScan(b, "gitleaks.json")
		for b.Loop() {
			ctype, body := multipartBody(b, nil, [][2]string{{"gitleaks.json", scan}})
			r := request("POST", "/upload", roleAdmin, body)
			r.Header.Set("Content-Type", ctype)
			if w := ts.do(r); w.Code != http.StatusOK {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	})
	b.Run("dashboard_rebuild_100k", func(b *testing.B) {
		a := ts.app("shop")
		for b.Loop() {
			a.wrote(nil, "") // as after a triage: every record is read again
			get(b, "/")
		}
	})
}

// TestRunServesAndShutsDown runs main's code path: it serves, and
// returns 0 when its context ends.
func TestRunServesAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.json")
	require.NoError(t, os.WriteFile(users, []byte(usersJSON(t)), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "aspm.db"), "--users", users},
			strings.NewReader(""), io.Discard, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("exited with %d", code)
	}
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer tok-viewer")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(20 * time.Second):
		t.Fatal("no shutdown")
	}
}
