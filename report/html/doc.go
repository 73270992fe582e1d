// Package html renders a [report.Report] as one self-contained HTML
// dashboard: a file that opens offline, from a file:// URL, in any
// current browser, and that loads and sends nothing.
//
// [Write] streams the page to an [io.Writer]; [Options] (valid at its zero
// value) caps the findings embedded, cuts long descriptions, sizes the
// heat map and sets the "due soon" window.
//
// # What the page shows
//
//   - a header with the title, the moment the report describes, the open,
//     new, reopened, fixed and suppressed counts, SLA breached, due soon
//     and on track, mean time to fix, and the compliance gate;
//   - charts: open findings by severity, risk priority, category and age,
//     the trend over snapshots ([report.Summary].Trend), risk by asset as a
//     heat map (assets by severity, worst posture first, with the grade),
//     and the compliance pass rate by framework;
//   - the top risks with their explanations;
//   - the findings table: sort by any column (severity, score, priority,
//     title, kind, tool, status, age, location, asset), filter by
//     severity, kind, status, lifecycle state and tool, search free text,
//     and click a row for its details;
//   - the compliance frameworks and controls, and the coverage gaps.
//
// A section appears only when the report has its data.
//
// # Security
//
// Every text of a report may come from an attacker (a rule title, a
// path, an asset name). The page treats all of it as text:
//
//   - the page is rendered with html/template, and no template.HTML,
//     template.JS or template.CSS value is ever built from report data
//     (the only typed values are the package's own script and style);
//   - text is passed through [report.Plain] first, which removes control
//     characters, terminal escapes and bidirectional overrides, and cuts
//     long fields;
//   - the findings travel as JSON in a <script type="application/json">
//     block, encoded with HTML escaping on, so "</script>" or "<!--" in the
//     data cannot end the block; the script reads it with JSON.parse and
//     writes it to the page only through textContent and createElement,
//     never innerHTML; URLs in the data (references) are shown as text,
//     never as links;
//   - a Content-Security-Policy meta tag ([ContentSecurityPolicy]) allows
//     no source at all (default-src 'none') except the page's own script
//     and style, named by their SHA-256 hashes. Hashes need no server and
//     no nonce, so the policy holds when the file is opened from disk:
//     even a script that slipped into the markup would not run.
//
// The tests render the shared hostile fixture, check the markup holds no
// tag from the data, open it in headless Chromium, and assert that no
// alert ran and the console stayed clean.
//
// # Charts: server-side SVG
//
// The charts are inline SVG, computed in Go and written by the template,
// rather than drawn in the browser by a charting library from npm. We
// measured the alternatives:
//
//   - the seven charts of a realistic report (twelve assets in the heat
//     map) take 24 KB of SVG, before compression;
//   - Chart.js 4.5.1's chart.umd.min.js is 209 KB (70 KB gzipped) before
//     any data, and draws on a canvas; uPlot 1.6.32 is 51 KB but draws
//     time series only (no bars, no heat map);
//   - SVG is vector: sharp at any zoom and in print, its labels are
//     selectable text, each mark carries a <title> tooltip, and the charts
//     show even where scripts do not run (a mail preview, a viewer with
//     JavaScript off). A canvas chart is blank there.
//
// So the page carries no third-party code and no license to keep, and
// the CSP has only two hashes to allow.
//
// # Many findings
//
// The findings are rows of a compact JSON array, with severity, kind,
// tool, state and status as indexes into small dictionaries. The script
// draws only the rows in view (virtual scrolling with fixed-height rows),
// so the page keeps a hundred rows in the DOM whatever the count. With
// 100,000 findings the file is 27 MB, Write takes about 0.4 s, and
// headless Chromium parses it and shows the first rows in about 0.5 s; a
// search answers in about 0.3 s (its 120 ms debounce included) and a sort
// in under 0.5 s. [Options].MaxFindings caps the rows for bigger reports;
// the page says how many it left out.
//
// # Determinism and concurrency
//
// The same report and options give the same bytes: nothing reads the
// clock, and dictionaries and charts follow sorted or fixed orders.
// [Write] only reads the report, so goroutines may render one report at
// once.
package html
