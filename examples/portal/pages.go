package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/html"
	reportposture "github.com/aspmkit/aspm/report/posture"
	"github.com/aspmkit/aspm/risk"
)

// layout is what every page template gets: the page's own data in Page.
type layout struct {
	Title string
	// App is the application of the page ("" on the list of
	// applications); Base the prefix of its pages' addresses; Apps the
	// applications the user may see, when teams are configured.
	App       string
	Base      string
	Apps      []string
	User      user
	CSRF      string
	CanTriage bool
	CanUpload bool
	Page      any
}

var templateFuncs = template.FuncMap{
	"pathEscape": url.PathEscape,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	},
	"score": func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
	"pct":   func(x float64) string { return strconv.FormatFloat(100*x, 'f', 0, 64) + "%" },
	"plain": func(s string, n int) string { return report.Plain(s, n) },
	"join":  strings.Join,
	"location": func(l findings.Location) string {
		switch {
		case l.Path != "":
			if l.Region != nil && l.Region.StartLine > 0 {
				return l.Path + ":" + strconv.Itoa(l.Region.StartLine)
			}
			return l.Path
		case l.URL != "":
			return strings.TrimSpace(l.Method + " " + l.URL)
		case l.Image != "":
			return l.Image
		}
		return l.Target
	},
}

// render executes the named page template inside the layout. It renders
// into a buffer first, so that a template error gives a clean 500.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, sess *session, page any) {
	p := principalOf(r)
	sc := scopeOf(r)
	l := layout{Title: title, User: p.user, Page: page}
	switch {
	case sc.app != nil:
		l.App, l.Base = sc.app.name, sc.base
	case !s.cfg.Users.teams:
		l.App = s.cfg.App
	}
	if s.cfg.Users.teams && p.user.Name != "" {
		l.Apps = s.appsOf(p.user)
	}
	if l.App != "" && p.user.Name != "" {
		l.CanTriage = authorized(p.user.Role, actionTriage, "app/"+l.App)
		l.CanUpload = authorized(p.user.Role, actionUpload, "app/"+l.App)
	}
	if sess == nil {
		sess = p.session
	}
	if sess != nil {
		l.CSRF = sess.csrf
	}
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, l); err != nil {
		s.cfg.Log.Error("rendering a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorView struct {
	Status  int
	Message string
	File    string
}

// fail shows an error page (or plain text to an API client).
func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	s.failFile(w, r, status, title, message, "")
}

func (s *server) failFile(w http.ResponseWriter, r *http.Request, status int, title, message, file string) {
	if !wantsHTML(r) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		if file != "" {
			fmt.Fprintf(w, "%s: %s\n", report.Plain(file, 200), message)
		} else {
			fmt.Fprintln(w, message)
		}
		return
	}
	s.render(w, r, status, "error", title, nil, errorView{Status: status, Message: message, File: file})
}

// internal logs err and shows a 500 page that does not repeat it.
func (s *server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Log.Error("request failed", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "Internal error", "Something went wrong; the server log has the details.")
}

type dashboardView struct {
	Summary report.Summary
	Total   int
}

func (s *server) dashboard(w http.ResponseWriter, r *http.Request) {
	idx, err := s.current(r.Context(), scopeOf(r).app)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", "Dashboard", nil, dashboardView{Summary: idx.summary, Total: idx.total})
}

// appLink is one application on the list of applications.
type appLink struct {
	Name, Href string
	Open       int // -1 when not known yet
}

// home lists the applications of the user's teams, with the open
// findings of those whose index is built (it builds none).
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	var apps []appLink
	for _, name := range s.appsOf(principalOf(r).user) {
		l := appLink{Name: name, Href: "/apps/" + url.PathEscape(name) + "/", Open: -1}
		s.appsMu.Lock()
		a := s.apps[name]
		s.appsMu.Unlock()
		if a != nil {
			if idx := a.latest(); idx != nil {
				l.Open = idx.summary.Open
			}
		}
		apps = append(apps, l)
	}
	s.render(w, r, http.StatusOK, "home", "Applications", nil, apps)
}

// loadData reads every record of the application and scores it: for the
// full report and the compliance evaluation, which need every finding.
// It holds a slot of the heavy work while the caller uses the data;
// the caller calls the returned release.
func (s *server) loadData(ctx context.Context, a *appState) ([]correlate.Record, *report.Data, *inventory.Graph, func(), error) {
	select {
	case s.heavy <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, nil, nil, ctx.Err()
	}
	release := func() { <-s.heavy }
	recs, err := s.cfg.Store.Load(ctx, "", a.name)
	if err != nil {
		release()
		return nil, nil, nil, nil, err
	}
	g, _ := a.inventory()
	return recs, s.reportData(recs, a.name, g), g, release, nil
}

// fullReport embeds the report/html dashboard, with its own policy.
func (s *server) fullReport(w http.ResponseWriter, r *http.Request) {
	a := scopeOf(r).app
	idx, err := s.current(r.Context(), a)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	eval, evalErr := s.evaluate(r.Context(), a, idx)
	_, data, _, release, err := s.loadData(r.Context(), a)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	defer release()
	if evalErr == nil {
		data.Compliance = eval.compliance
	}
	var buf bytes.Buffer
	if err := html.Write(&buf, report.New(data, report.Options{}), html.Options{}); err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Security-Policy", reportPolicy())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// filter is the findings list's query.
type filter struct {
	Severity, State, Tool, Kind, Asset, Q string
	Page                                  int
}

func parseFilter(q url.Values) filter {
	f := filter{Severity: q.Get("severity"), State: q.Get("state"), Tool: q.Get("tool"), Kind: q.Get("kind"),
		Asset: q.Get("asset"), Q: strings.TrimSpace(q.Get("q"))}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// query returns the filter as a query string, for page i.
func (f filter) query(page int) string {
	v := url.Values{}
	for k, x := range map[string]string{"severity": f.Severity, "state": f.State, "tool": f.Tool, "kind": f.Kind, "asset": f.Asset, "q": f.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode() // Encode sorts the keys
}

// storeQuery is the part of the filter the store's database applies:
// severity, tool and state, newest first. Limit is left to the caller.
func (f filter) storeQuery() correlate.Query {
	q := correlate.Query{Order: correlate.ByLastSeen, Tool: f.Tool}
	if f.Severity != "" {
		q.Severities = []string{f.Severity}
	}
	switch f.State {
	case "":
	case "open", "suppressed":
		q.Open = true
	case "fixed":
		q.States = []correlate.State{correlate.StateFixed}
	default:
		q.States = []correlate.State{correlate.State(f.State)}
	}
	return q
}

// inGo reports whether part of the filter is applied here rather than in
// the database: kind, asset, free text, and whether a triage holds.
func (f filter) inGo() bool {
	return f.Kind != "" || f.Asset != "" || f.Q != "" || f.State == "open" || f.State == "suppressed"
}

// match reports whether a record passes the whole filter at now; g and
// app name its assets.
func (f filter) match(r *correlate.Record, now time.Time, g *inventory.Graph, app string) bool {
	x := &r.Finding
	switch {
	case f.Severity != "" && string(cmp.Or(x.Severity, findings.SeverityUnknown)) != f.Severity,
		f.Tool != "" && x.Tool.Name != f.Tool,
		f.Kind != "" && string(x.Kind) != f.Kind:
		return false
	}
	suppressed := r.Suppressed(now) || x.Suppressed()
	switch f.State {
	case "":
	case "open": // active: open and not suppressed
		if !r.Open || suppressed {
			return false
		}
	case "fixed":
		if r.Open {
			return false
		}
	case "suppressed":
		if !suppressed || !r.Open {
			return false
		}
	default:
		if string(r.State) != f.State {
			return false
		}
	}
	if f.Asset != "" && !slices.Contains(assetsOf(r, g, app), f.Asset) {
		return false
	}
	if f.Q == "" {
		return true
	}
	q := strings.ToLower(f.Q)
	for _, s := range [][]string{{r.ID, x.Title, x.RuleID, x.Location.Path, x.Location.URL, x.Location.Image, x.Tool.Name},
		x.VulnerabilityIDs, x.CWEs} {
		for _, t := range s {
			if containsFold(t, q) {
				return true
			}
		}
	}
	return x.Package != nil && containsFold(x.Package.Name, q)
}

// containsFold reports whether s contains the lower-case q, ignoring
// case, without allocating for ASCII text.
func containsFold(s, q string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), q)
		}
	}
	if len(q) > len(s) {
		return false
	}
	for i := 0; i+len(q) <= len(s); i++ {
		j := 0
		for ; j < len(q); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != q[j] {
				break
			}
		}
		if j == len(q) {
			return true
		}
	}
	return false
}

type findingsView struct {
	Filter     filter
	Rows       []report.Finding
	Matched    int // -1 when more rows match than were read
	First      int
	Last       int
	Prev, Next string // links, empty when none
	Severities []string
	States     []string
	Tools      []string
	Kinds      []string
}

// page reads one page of the list: the records of the store's query
// that pass the rest of the filter, skipping the earlier pages, and one
// more to know whether a next page exists. matched counts the matches
// read; complete reports whether they are all there are.
func (s *server) page(ctx context.Context, a *appState, f filter, g *inventory.Graph, now time.Time) (rows []correlate.Record, matched int, complete bool, err error) {
	q := f.storeQuery()
	start := (f.Page - 1) * pageSize
	if !f.inGo() {
		q.Limit = start + pageSize + 1
	}
	for rec, err := range s.records(ctx, a.name, q) {
		if err != nil {
			return nil, 0, false, err
		}
		if !f.match(&rec, now, g, a.name) {
			continue
		}
		matched++
		if matched <= start {
			continue
		}
		if len(rows) == pageSize {
			return rows, matched, false, nil
		}
		rows = append(rows, rec)
	}
	return rows, matched, true, nil
}

// findingsList shows one page of findings, newest first. The rows come
// from the store's query (severity, tool and state in the database; kind,
// asset and free text here, over the streamed records, without scoring
// them); only the rows shown are scored. The number of matches comes
// from the application's index when it is current, else from the rows
// read.
func (s *server) findingsList(w http.ResponseWriter, r *http.Request) {
	a := scopeOf(r).app
	f := parseFilter(r.URL.Query())
	now := s.cfg.Now().UTC()
	g, _ := a.inventory()
	idx, current, err := s.fresh(r.Context(), a)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	switch {
	case idx == nil:
		// The first visit builds the index; later ones never wait.
		if idx, err = s.current(r.Context(), a); err != nil {
			s.internal(w, r, err)
			return
		}
		current = true
	case !current:
		_, _ = s.rebuild(r.Context(), a, idx, false)
	}
	known, counted := -1, false
	if current {
		known, counted = idx.count(f)
	}
	var rows []correlate.Record
	var matched int
	complete := true
	switch {
	case counted && known == 0:
		// Nothing matches: no need to read the store.
	case counted && known <= (f.Page-1)*pageSize:
		f.Page = (known + pageSize - 1) / pageSize // past the last page: show the last
		fallthrough
	default:
		rows, matched, complete, err = s.page(r.Context(), a, f, g, now)
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if len(rows) == 0 && complete && matched > 0 {
		// Past the last page: show the last.
		f.Page = (matched + pageSize - 1) / pageSize
		if rows, matched, complete, err = s.page(r.Context(), a, f, g, now); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	v := findingsView{Filter: f, Matched: -1, States: []string{"open", "suppressed", "fixed", "new", "reopened", "updated", "unchanged"}}
	for _, sev := range findings.Severities {
		v.Severities = append(v.Severities, string(sev))
	}
	switch {
	case complete:
		v.Matched = matched
	case counted && known >= matched:
		v.Matched = known
	}
	tools, kinds := map[string]bool{f.Tool: true, "": true}, map[string]bool{f.Kind: true, "": true}
	if idx != nil {
		for _, t := range idx.tools {
			tools[t] = true
		}
		for _, k := range idx.kinds {
			kinds[k] = true
		}
	}
	for i := range rows {
		tools[rows[i].Finding.Tool.Name] = true
		kinds[string(rows[i].Finding.Kind)] = true
		x, _ := s.reportFinding(&rows[i], g, now, a.name)
		v.Rows = append(v.Rows, x)
	}
	v.Tools = sortedSet(tools)
	v.Kinds = sortedSet(kinds)
	start := (f.Page - 1) * pageSize
	v.First, v.Last = start+1, start+len(rows)
	base := scopeOf(r).base + "/findings"
	if f.Page > 1 {
		v.Prev = base + f.query(f.Page-1)
		if v.Prev == base {
			v.Prev = base + "?page=1"
		}
	}
	if !complete {
		v.Next = base + f.query(f.Page+1)
	}
	s.render(w, r, http.StatusOK, "findings", "Findings", nil, v)
}

// sortedSet returns the set's non-empty members, sorted.
func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

type detailView struct {
	Record  correlate.Record
	Finding report.Finding
	Score   risk.Score
	Factors []string
	Triage  *correlate.Triage
	Active  bool // the triage holds now
	Raw     string
	Today   string
}

// record reads the record a route's {id} names, answering 404 itself
// when the application holds none.
func (s *server) record(w http.ResponseWriter, r *http.Request) (correlate.Record, bool) {
	rec, ok, err := s.lookup(r.Context(), scopeOf(r).app, r.PathValue("id"))
	switch {
	case err != nil:
		s.internal(w, r, err)
	case !ok:
		s.notFound(w, r)
	}
	return rec, ok && err == nil
}

func (s *server) findingDetail(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.record(w, r)
	if !ok {
		return
	}
	a := scopeOf(r).app
	now := s.cfg.Now().UTC()
	g, _ := a.inventory()
	f, sc := s.reportFinding(&rec, g, now, a.name)
	raw, err := json.MarshalIndent(rec.Finding, "", "  ")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v := detailView{Record: rec, Finding: f, Score: sc, Triage: rec.Triage, Active: rec.Triage.Active(now), Raw: string(raw),
		Today: now.Format(time.DateOnly)}
	for _, fc := range sc.Explanation.Factors {
		v.Factors = append(v.Factors, fc.Text())
	}
	s.render(w, r, http.StatusOK, "finding", report.Plain(cmp.Or(rec.Finding.Title, rec.ID), 80), nil, v)
}

// historyView is the JSON of a finding's lifecycle.
type historyView struct {
	ID        string                 `json:"id"`
	Cluster   string                 `json:"cluster"`
	State     correlate.State        `json:"state"`
	Open      bool                   `json:"open"`
	FirstSeen time.Time              `json:"first_seen"`
	LastSeen  time.Time              `json:"last_seen"`
	FixedAt   time.Time              `json:"fixed_at,omitzero"`
	Triage    *correlate.Triage      `json:"triage,omitempty"`
	History   []correlate.Transition `json:"history"`
}

// findingHistory sends a finding's lifecycle and triage as JSON.
func (s *server) findingHistory(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.record(w, r)
	if !ok {
		return
	}
	v := historyView{ID: rec.ID, Cluster: rec.Cluster, State: rec.State, Open: rec.Open, FirstSeen: rec.FirstSeen,
		LastSeen: rec.LastSeen, FixedAt: rec.FixedAt, Triage: rec.Triage, History: rec.History}
	if v.History == nil {
		v.History = []correlate.Transition{}
	}
	s.sendJSON(w, r, v)
}

// findingRaw sends the finding as the scanner's decoder made it, as
// JSON.
func (s *server) findingRaw(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.record(w, r)
	if !ok {
		return
	}
	s.sendJSON(w, r, &rec.Finding)
}

// sendJSON writes v as indented JSON.
func (s *server) sendJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}

type assetRow struct {
	ID, Kind, Name, Owner, Criticality, Exposure string
	Open, Total                                  int
}

type assetsView struct {
	From   string // the inventory's file; empty when the assets are implied
	Assets []assetRow
}

func (s *server) assets(w http.ResponseWriter, r *http.Request) {
	idx, err := s.current(r.Context(), scopeOf(r).app)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assets", "Assets", nil, assetsView{From: idx.from, Assets: idx.assets})
}

// assetView is one asset and the address of its findings.
type assetView struct {
	Asset    assetRow
	Findings string
}

// assetDetail shows one asset of the application: one the inventory
// holds or a finding names.
func (s *server) assetDetail(w http.ResponseWriter, r *http.Request) {
	sc := scopeOf(r)
	idx, err := s.current(r.Context(), sc.app)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	row, ok := idx.asset(r.PathValue("asset"))
	if !ok {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "asset", report.Plain(cmp.Or(row.Name, row.ID), 80), nil,
		assetView{Asset: row, Findings: sc.base + "/findings" + filter{Asset: row.ID}.query(1)})
}

// evaluation is a compliance evaluation of the current records.
type evaluation struct {
	report     *compliance.Report
	compliance *report.Compliance
}

// evaluate evaluates the built-in controls over the posture of the
// application's records and inventory, once per index.
func (s *server) evaluate(ctx context.Context, a *appState, idx *index) (*evaluation, error) {
	idx.complianceOnce.Do(func() {
		idx.compliance, idx.complianceErr = s.evaluateNow(context.WithoutCancel(ctx), a)
	})
	return idx.compliance, idx.complianceErr
}

func (s *server) evaluateNow(ctx context.Context, a *appState) (*evaluation, error) {
	engine, err := s.complianceEngine(ctx)
	if err != nil {
		return nil, err
	}
	recs, data, g, release, err := s.loadData(ctx, a)
	if err != nil {
		return nil, err
	}
	defer release()
	b := compliance.NewBuilder(data.GeneratedAt)
	if g != nil {
		b.Inventory(g)
	}
	b.Findings(nil, compliance.FindingOptions{Records: recs, Context: risk.Context{Vectors: s.vectors}})
	posture, err := b.Build()
	if err != nil {
		// The builder reports records it had to repair; the posture is
		// still whole.
		s.cfg.Log.Warn("building the posture", "err", err)
	}
	rep, err := engine.Evaluate(ctx, posture)
	if err != nil {
		return nil, err
	}
	return &evaluation{report: rep, compliance: reportposture.Data(posture, rep).Compliance}, nil
}

func (s *server) compliancePage(w http.ResponseWriter, r *http.Request) {
	a := scopeOf(r).app
	idx, err := s.current(r.Context(), a)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	eval, err := s.evaluate(r.Context(), a, idx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "compliance", "Compliance", nil, eval.report)
}

type uploadView struct {
	MaxFile, MaxUpload string
	Inventory          string
}

func (s *server) uploadPage(w http.ResponseWriter, r *http.Request) {
	_, from := scopeOf(r).app.inventory()
	s.render(w, r, http.StatusOK, "upload", "Upload scans", nil, uploadView{MaxFile: bytesText(s.cfg.MaxFileBytes),
		MaxUpload: bytesText(s.cfg.MaxUploadBytes), Inventory: from})
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
