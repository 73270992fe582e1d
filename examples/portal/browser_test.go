package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browserPath finds a Chromium or Chrome; CHROMIUM names one explicitly.
// Without one the test is skipped, except in CI, where it fails.
func browserPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium found: the browser test needs it in CI (apt-get install chromium)")
	}
	t.Skip("no chromium found (install chromium, or set CHROMIUM to a Chrome binary); skipping the browser test")
	return ""
}

// startPortal runs the portal as main does, on 127.0.0.1:0 with a
// temporary database, and returns its base URL. It is shut down (and must
// exit cleanly) when the test ends.
func startPortal(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	users := filepath.Join(dir, "users.json")
	require.NoError(t, os.WriteFile(users, []byte(usersJSON(t)), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "aspm.db"), "--app", "demo", "--users", users},
			strings.NewReader(""), io.Discard, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("the portal exited with status %d", code)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the portal did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, "graceful shutdown")
		case <-time.After(20 * time.Second):
			t.Error("the portal did not shut down")
		}
	})
	return "http://" + addr
}

// TestBrowserEndToEnd drives the portal in headless Chromium: log in as
// admin, upload two scans, read the dashboard, open a finding, mark it a
// false positive, and see the dashboard change.
func TestBrowserEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := browserPath(t)
	base := startPortal(t)
	scans, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo", "scans"))
	require.NoError(t, err)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1400, 1000), chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancel)

	var mu sync.Mutex
	var console []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, m.String())
			mu.Unlock()
		}
	}()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return strings.TrimSpace(s)
	}
	num := func(sel string) int {
		t.Helper()
		n, err := strconv.Atoi(text(sel))
		require.NoError(t, err, sel)
		return n
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}

	// A stranger is sent to the login page.
	do("open the portal", chromedp.Navigate(base+"/findings"), chromedp.WaitVisible(chromedp.CSS("#login")))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, base+"/login?next=%2Ffindings", loc)

	do("log in",
		chromedp.SendKeys(chromedp.CSS("#name"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), "pw-admin"),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#matched")))

	do("upload", chromedp.Navigate(base+"/upload"), chromedp.WaitVisible(chromedp.CSS("#files")),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{filepath.Join(scans, "gosec.sarif"), filepath.Join(scans, "gitleaks.json")}),
		chromedp.Click(chromedp.CSS("#upload-submit")),
		chromedp.WaitVisible(chromedp.CSS("#uploaded")))
	uploaded := text("#uploaded")
	assert.Contains(t, uploaded, "gosec.sarif")
	assert.Contains(t, uploaded, "gitleaks.json")

	do("dashboard", chromedp.Click(chromedp.CSS("#to-dashboard")), chromedp.WaitVisible(chromedp.CSS("#open-count")))
	open, suppressed := num("#open-count"), num("#suppressed-count")
	assert.Positive(t, open, "the scans opened findings")
	assert.Equal(t, 0, suppressed)
	assert.Contains(t, text("#top-risks"), "SQL injection")

	do("open a finding", chromedp.Navigate(base+"/findings?tool=gosec&q=SQL"), chromedp.WaitVisible(chromedp.CSS("#findings")),
		chromedp.Click(chromedp.CSS("#findings a.finding")), chromedp.WaitVisible(chromedp.CSS("#triage-action")))
	title := text("#finding-title")
	assert.Contains(t, title, "SQL")
	assert.Contains(t, text("#factors"), "severity")
	assert.Equal(t, "none", text("#triage"))

	do("triage",
		chromedp.SetValue(chromedp.CSS("#triage-action"), "false_positive"),
		chromedp.SendKeys(chromedp.CSS("#justification"), "The query takes a constant; gosec cannot see it."),
		chromedp.Click(chromedp.CSS("#triage-submit")))
	// The form posts and redirects to the finding: poll until the new
	// page shows the decision (a query during the navigation may fail).
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#triage")))
		if err == nil && strings.Contains(s, "false_positive") {
			break
		}
		require.True(t, time.Now().Before(deadline), "the triage did not show: %q, %v", s, err)
		time.Sleep(100 * time.Millisecond)
	}
	assert.Contains(t, text("#triage"), "by admin")
	assert.Contains(t, text("#triage"), "gosec cannot see it")

	do("dashboard again", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#open-count")))
	assert.Equal(t, open-1, num("#open-count"), "one fewer open finding")
	assert.Equal(t, 1, num("#suppressed-count"), "one suppressed")

	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	dirs := []string{t.TempDir()}
	if d := os.Getenv("ASPM_SCREENSHOT_DIR"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		require.NoError(t, os.WriteFile(filepath.Join(d, "portal-dashboard.png"), png, 0o644))
	}
	t.Logf("screenshot portal-dashboard.png: %d bytes", len(png))

	// The full report page runs its own script under its own policy.
	do("full report", chromedp.Navigate(base+"/report"), chromedp.WaitReady(chromedp.CSS(`html[data-ready="1"]`)))

	time.Sleep(200 * time.Millisecond) // let the last console events arrive
	mu.Lock()
	defer mu.Unlock()
	for _, m := range console {
		assert.False(t, strings.HasPrefix(m, "error") || strings.HasPrefix(m, "exception"), "console: %s", m)
	}
}
