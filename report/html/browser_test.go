package html_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/html"
)

// browserPath finds a Chromium or Chrome; CHROMIUM names one explicitly.
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

// pageCheck is what the browser saw of one page.
type pageCheck struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	console []string
}

// openPage writes d as a page into a temporary directory and opens it
// from a file:// URL in headless Chromium, with alert, confirm and prompt
// replaced by functions that only record a call.
func openPage(t *testing.T, d *report.Data, name string) *pageCheck {
	t.Helper()
	exe := browserPath(t)
	dir := t.TempDir()
	file := filepath.Join(dir, name+".html")
	f, err := os.Create(file)
	require.NoError(t, err)
	require.NoError(t, html.Write(f, report.New(d, report.Options{}), html.Options{}))
	require.NoError(t, f.Close())

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1400, 1000), chromedp.UserDataDir(filepath.Join(dir, "profile")))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)

	p := &pageCheck{t: t, ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.console = append(p.console, m.String())
			p.mu.Unlock()
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `(function () {
  var hit = function () { window.__alerted = (window.__alerted || 0) + 1; };
  window.alert = hit; window.confirm = hit; window.prompt = hit; window.print = hit;
})();`,
		})
		return err
	})))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate("file://"+filepath.ToSlash(file)),
		chromedp.WaitReady(chromedp.CSS(`html[data-ready="1"]`)),
	))
	return p
}

func (p *pageCheck) eval(js string) any {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](js))
	require.NoError(p.t, err, js)
	return v
}

func (p *pageCheck) num(js string) int {
	p.t.Helper()
	f, ok := p.eval(js).(float64)
	require.True(p.t, ok, "%s is not a number", js)
	return int(f)
}

func (p *pageCheck) str(js string) string {
	p.t.Helper()
	s, _ := p.eval(js).(string)
	return s
}

// waitFor polls a JavaScript condition until it holds.
func (p *pageCheck) waitFor(js string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, _ := p.eval(js).(bool); ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("timed out waiting for %s", js)
}

func (p *pageCheck) click(sel string) {
	p.t.Helper()
	require.NoError(p.t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))), sel)
}

// screenshot saves a full-page PNG into the test's directory and, when
// ASPM_SCREENSHOT_DIR is set, there too, for a person to look at.
func (p *pageCheck) screenshot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(p.t, err)
	dirs := []string{p.t.TempDir()}
	if d := os.Getenv("ASPM_SCREENSHOT_DIR"); d != "" {
		require.NoError(p.t, os.MkdirAll(d, 0o755))
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		require.NoError(p.t, os.WriteFile(filepath.Join(d, name+".png"), png, 0o644))
	}
	p.t.Logf("screenshot %s.png: %d bytes", name, len(png))
}

// quiet asserts that the page logged no error and threw no exception
// (a blocked script or style would log a CSP violation).
func (p *pageCheck) quiet() {
	p.t.Helper()
	time.Sleep(100 * time.Millisecond) // let the last events arrive
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.console {
		assert.False(p.t, strings.HasPrefix(m, "error") || strings.HasPrefix(m, "exception") || strings.HasPrefix(m, "warning"),
			"console: %s", m)
	}
}

const rowsJS = `document.querySelectorAll("#findings tbody tr.r").length`

func TestBrowserRealistic(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	p := openPage(t, synthetic(2000), "realistic")

	assert.GreaterOrEqual(t, p.num(`document.querySelectorAll("figure.chart svg").length`), 6, "charts are drawn")
	assert.Positive(t, p.num(`document.querySelectorAll("#chart-heat svg rect").length`), "heat map cells")
	assert.Positive(t, p.num(`document.querySelectorAll("#chart-trend svg polyline").length`), "trend lines")
	rows := p.num(rowsJS)
	assert.Greater(t, rows, 10, "the table shows rows")
	assert.Less(t, rows, 200, "only the rows in view are in the DOM")
	assert.Equal(t, "2000 findings", p.str(`document.getElementById("count").textContent`))

	// Search narrows the rows.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#q"), "gitleaks")))
	p.waitFor(`document.getElementById("count").textContent.indexOf(" of 2000") > 0`)
	found := p.num(`parseInt(document.getElementById("count").textContent, 10)`)
	assert.Positive(t, found)
	assert.Less(t, found, 2000)
	assert.Equal(t, 0, p.num(`Array.from(document.querySelectorAll("#findings tbody tr.r td:nth-child(6)")).filter(function (td) { return td.textContent !== "gitleaks"; }).length`),
		"every row shown is gitleaks'")
	p.eval(`(function () { var q = document.getElementById("q"); q.value = ""; q.dispatchEvent(new Event("input")); return 0; })()`)
	p.waitFor(`document.getElementById("count").textContent === "2000 findings"`)

	// A severity chip hides that severity.
	p.click(`.chip[data-sev="critical"]`)
	p.waitFor(`document.getElementById("count").textContent.indexOf(" of 2000") > 0`)
	assert.Equal(t, "false", p.str(`document.querySelector('.chip[data-sev="critical"]').getAttribute("aria-pressed")`))
	assert.Equal(t, 0, p.num(`document.querySelectorAll("#findings tbody .sev-critical").length`), "no critical rows")
	p.click(`.chip[data-sev="critical"]`)
	p.waitFor(`document.getElementById("count").textContent === "2000 findings"`)

	// A select filters by kind.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`(function () {
  var s = document.getElementById("f-kind");
  s.value = s.options[1].value;
  s.dispatchEvent(new Event("change"));
})()`)))
	p.waitFor(`document.getElementById("count").textContent.indexOf(" of 2000") > 0`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`(function () {
  var s = document.getElementById("f-kind");
  s.value = "";
  s.dispatchEvent(new Event("change"));
})()`)))

	// Sorting by score: highest first, then lowest first.
	scores := `Array.from(document.querySelectorAll("#findings tbody tr.r td:nth-child(2)")).slice(0, 10).map(function (td) { return parseFloat(td.textContent) || -1; })`
	p.click(`button[data-sort="score"]`)
	assert.Equal(t, "ascending", p.str(`document.querySelector('button[data-sort="score"]').parentNode.getAttribute("aria-sort")`))
	assertSorted(t, p.eval(scores), -1)
	p.click(`button[data-sort="score"]`)
	assertSorted(t, p.eval(scores), 1)
	p.click(`button[data-sort="tool"]`)
	tools := p.eval(`Array.from(document.querySelectorAll("#findings tbody tr.r td:nth-child(6)")).slice(0, 3).map(function (td) { return td.textContent; })`)
	assert.Equal(t, []any{"aspm-access", "aspm-access", "aspm-access"}, tools)

	// Scrolling draws other rows.
	first := p.str(`document.querySelector("#findings tbody tr.r").dataset.row`)
	p.eval(`document.getElementById("table-wrap").scrollTop = 30000; 0`)
	p.waitFor(`document.querySelector("#findings tbody tr.r").dataset.row !== "` + first + `"`)

	p.eval(`document.getElementById("table-wrap").scrollTop = 0; 0`)
	p.waitFor(`document.querySelector("#findings tbody tr.pad").offsetHeight < 2`)

	// A click on a row shows its details.
	p.click(`#findings tbody tr.r:nth-child(5)`)
	p.waitFor(`!document.getElementById("detail").hidden`)
	assert.Positive(t, p.num(`document.querySelectorAll("#detail dt").length`))
	assert.Equal(t, p.str(`document.querySelector("#findings tbody tr.sel td:nth-child(4)").textContent`),
		p.str(`document.querySelector("#detail h3").textContent`), "the details are the clicked row's")
	p.screenshot("realistic")
	p.quiet()
}

// assertSorted checks that the numbers are in order: dir -1 for
// descending, 1 for ascending.
func assertSorted(t *testing.T, v any, dir float64) {
	t.Helper()
	xs, ok := v.([]any)
	require.True(t, ok)
	require.NotEmpty(t, xs)
	for i := 1; i < len(xs); i++ {
		a, b := xs[i-1].(float64), xs[i].(float64)
		assert.True(t, (b-a)*dir >= 0, "not sorted at %d: %v", i, xs)
	}
}

func TestBrowserHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	d := hostile(t)
	p := openPage(t, d, "hostile")

	assert.Equal(t, 5, p.num(`JSON.parse(document.getElementById("aspm-data").textContent).rows.length`))
	assert.Equal(t, d.Title, p.str(`document.title`), "the title shows as text")
	assert.Equal(t, d.Title, p.str(`document.getElementById("title").textContent`))
	assert.Equal(t, 5, p.num(rowsJS))
	assert.Equal(t, 2, p.num(`document.scripts.length`), "no script element came from data")
	for _, sel := range []string{"img", "iframe", "object", "embed", "a", "textarea", "[onload]", "[onerror]", "[onclick]", "svg script"} {
		assert.Equal(t, 0, p.num(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)), sel)
	}

	// Searching for markup finds the text, not elements.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#q"), "<script>")))
	p.waitFor(`document.getElementById("count").textContent === "1 of 5 findings"`)
	assert.Equal(t, "<script>alert(document.domain)</script>", p.str(`document.querySelector("#findings tbody tr.r td:nth-child(4)").textContent`))
	p.click(`#findings tbody tr.r`)
	p.waitFor(`!document.getElementById("detail").hidden`)
	assert.Contains(t, p.str(`document.getElementById("detail").textContent`), "javascript:alert(1)", "references are text")
	assert.Equal(t, 0, p.num(`document.querySelectorAll("#detail a, #detail img, #detail script").length`))

	// Sort and filter work on hostile data as well.
	p.click(`button[data-sort="tool"]`)
	p.click(`.chip[data-sev="critical"]`)
	p.waitFor(`document.getElementById("count").textContent === "0 of 5 findings"`)

	p.screenshot("hostile")
	assert.Nil(t, p.eval(`window.__alerted`), "no payload ran alert")
	assert.Nil(t, p.eval(`window.__pwned`), "no payload ran")
	p.quiet()
}

// TestBrowser100k opens a page of 100,000 findings and logs how long the
// browser takes to load it, search, sort and clear the search.
func TestBrowser100k(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	p := openPage(t, synthetic(100_000), "100k")
	t.Logf("load: %.0f ms to DOMContentLoaded (JSON parsed, first rows drawn)",
		p.eval(`performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd`))
	assert.Equal(t, "100000 findings", p.str(`document.getElementById("count").textContent`))
	assert.Less(t, p.num(rowsJS), 200, "only the rows in view are in the DOM")

	start := time.Now()
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS("#q"), "gitleaks module 4")))
	p.waitFor(`document.getElementById("count").textContent.indexOf(" of 100000") > 0`)
	t.Logf("search: %v including the 120 ms debounce (%s)", time.Since(start), p.str(`document.getElementById("count").textContent`))

	start = time.Now()
	p.click(`button[data-sort="title"]`)
	t.Logf("sort by title: %v", time.Since(start))
	p.eval(`(function () { var q = document.getElementById("q"); q.value = ""; q.dispatchEvent(new Event("input")); return 0; })()`)
	start = time.Now()
	p.waitFor(`document.getElementById("count").textContent === "100000 findings"`)
	t.Logf("clear search (sorted): %v", time.Since(start))
	p.quiet()
}
