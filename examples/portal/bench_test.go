package main

import (
	"context"
	"io"
	"net/http"
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

// BenchmarkPages measures the pages that read every record: load from
// SQLite, score, summarize or filter, render.
func BenchmarkPages(b *testing.B) {
	ts := newTestServer(b, nil)
	ts.seed(b, manyFindings(2000)...)
	for _, path := range []string{"/", "/findings?severity=high&q=file1", "/assets"} {
		name := strings.Trim(strings.SplitN(path, "?", 2)[0], "/")
		if name == "" {
			name = "dashboard"
		}
		b.Run(name+"_2000", func(b *testing.B) {
			for b.Loop() {
				w := ts.do(request("GET", path, roleViewer, nil))
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
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
