package main

import (
	"bytes"
	"cmp"
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
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/html"
	reportposture "github.com/aspmkit/aspm/report/posture"
	"github.com/aspmkit/aspm/risk"
)

// layout is what every page template gets: the page's own data in Page.
type layout struct {
	Title     string
	App       string
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
	l := layout{Title: title, App: s.cfg.App, User: p.user, Page: page,
		CanTriage: p.user.Name != "" && authorized(p.user.Role, actionTriage, "app/"+s.cfg.App),
		CanUpload: p.user.Name != "" && authorized(p.user.Role, actionUpload, "app/"+s.cfg.App)}
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
	snap, err := s.load(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	sum := report.Summarize(snap.data, report.Options{})
	s.render(w, r, http.StatusOK, "dashboard", "Dashboard", nil, dashboardView{Summary: sum, Total: len(snap.records)})
}

// fullReport embeds the report/html dashboard, with its own policy.
func (s *server) fullReport(w http.ResponseWriter, r *http.Request) {
	snap, err := s.load(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if eval, err := s.evaluate(r, snap); err == nil {
		snap.data.Compliance = eval.compliance
	}
	var buf bytes.Buffer
	if err := html.Write(&buf, report.New(snap.data, report.Options{}), html.Options{}); err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Security-Policy", reportPolicy())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// filter is the findings list's query.
type filter struct {
	Severity, State, Tool, Kind, Q string
	Page                           int
}

func parseFilter(q url.Values) filter {
	f := filter{Severity: q.Get("severity"), State: q.Get("state"), Tool: q.Get("tool"), Kind: q.Get("kind"),
		Q: strings.TrimSpace(q.Get("q"))}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// query returns the filter as a query string, for page i.
func (f filter) query(page int) string {
	v := url.Values{}
	for k, x := range map[string]string{"severity": f.Severity, "state": f.State, "tool": f.Tool, "kind": f.Kind, "q": f.Q} {
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

// match reports whether a finding passes the filter.
func (f filter) match(x *report.Finding) bool {
	switch {
	case f.Severity != "" && string(cmp.Or(x.Severity, findings.SeverityUnknown)) != f.Severity,
		f.Tool != "" && x.Tool.Name != f.Tool,
		f.Kind != "" && string(x.Kind) != f.Kind:
		return false
	}
	switch f.State {
	case "":
	case "open": // active: open and not suppressed
		if !x.Active() {
			return false
		}
	case "fixed":
		if x.IsOpen() {
			return false
		}
	case "suppressed":
		if !x.Suppressed || !x.IsOpen() {
			return false
		}
	default:
		if x.State != f.State {
			return false
		}
	}
	if f.Q == "" {
		return true
	}
	q := strings.ToLower(f.Q)
	for _, s := range [][]string{{x.ID, x.Title, x.RuleID, x.Location.Path, x.Location.URL, x.Location.Image, x.Tool.Name},
		x.VulnerabilityIDs, x.CWEs} {
		for _, t := range s {
			if strings.Contains(strings.ToLower(t), q) {
				return true
			}
		}
	}
	return x.Package != nil && strings.Contains(strings.ToLower(x.Package.Name), q)
}

type findingsView struct {
	Filter     filter
	Rows       []report.Finding
	Matched    int
	First      int
	Last       int
	Prev, Next string // links, empty when none
	Severities []string
	States     []string
	Tools      []string
	Kinds      []string
}

func (s *server) findingsList(w http.ResponseWriter, r *http.Request) {
	snap, err := s.load(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	f := parseFilter(r.URL.Query())
	rep := report.New(snap.data, report.Options{TopRisks: -1})
	v := findingsView{Filter: f, States: []string{"open", "suppressed", "fixed", "new", "reopened", "updated", "unchanged"}}
	for _, sev := range findings.Severities {
		v.Severities = append(v.Severities, string(sev))
	}
	var matched []report.Finding
	for i := range rep.Findings {
		x := &rep.Findings[i]
		if !slices.Contains(v.Tools, x.Tool.Name) {
			v.Tools = append(v.Tools, x.Tool.Name)
		}
		if !slices.Contains(v.Kinds, string(x.Kind)) {
			v.Kinds = append(v.Kinds, string(x.Kind))
		}
		if f.match(x) {
			matched = append(matched, *x)
		}
	}
	slices.Sort(v.Tools)
	slices.Sort(v.Kinds)
	v.Matched = len(matched)
	pages := max(1, (len(matched)+pageSize-1)/pageSize)
	f.Page = min(f.Page, pages)
	v.Filter.Page = f.Page
	start := (f.Page - 1) * pageSize
	end := min(start+pageSize, len(matched))
	v.Rows = matched[start:end]
	v.First, v.Last = start+1, end
	if f.Page > 1 {
		v.Prev = "/findings" + f.query(f.Page-1)
		if v.Prev == "/findings" {
			v.Prev = "/findings?page=1"
		}
	}
	if f.Page < pages {
		v.Next = "/findings" + f.query(f.Page+1)
	}
	s.render(w, r, http.StatusOK, "findings", "Findings", nil, v)
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

func (s *server) findingDetail(w http.ResponseWriter, r *http.Request) {
	snap, err := s.load(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	i, ok := snap.find(r.PathValue("id"))
	if !ok {
		s.fail(w, r, http.StatusNotFound, "Not found", "No finding of this application has this ID.")
		return
	}
	rec := snap.records[i]
	f, sc := s.reportFinding(&rec, snap.graph, snap.now)
	raw, err := json.MarshalIndent(rec.Finding, "", "  ")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v := detailView{Record: rec, Finding: f, Score: sc, Triage: rec.Triage, Active: rec.Triage.Active(snap.now), Raw: string(raw),
		Today: snap.now.Format(time.DateOnly)}
	for _, fc := range sc.Explanation.Factors {
		v.Factors = append(v.Factors, fc.Text())
	}
	s.render(w, r, http.StatusOK, "finding", report.Plain(cmp.Or(rec.Finding.Title, rec.ID), 80), nil, v)
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
	snap, err := s.load(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rows := map[string]*assetRow{}
	for _, a := range snap.data.Assets {
		rows[a.ID] = &assetRow{ID: a.ID, Kind: a.Kind, Name: a.Name, Owner: a.Owner, Criticality: a.Criticality, Exposure: a.Exposure}
	}
	for i := range snap.data.Findings {
		f := &snap.data.Findings[i]
		for _, id := range f.Assets {
			row := rows[id]
			if row == nil {
				kind, name, _ := strings.Cut(id, ":")
				row = &assetRow{ID: id, Kind: kind, Name: name}
				rows[id] = row
			}
			row.Total++
			if f.Active() {
				row.Open++
			}
		}
	}
	v := assetsView{From: snap.from}
	for _, row := range rows {
		v.Assets = append(v.Assets, *row)
	}
	slices.SortFunc(v.Assets, func(a, b assetRow) int { return cmp.Or(cmp.Compare(b.Open, a.Open), strings.Compare(a.ID, b.ID)) })
	s.render(w, r, http.StatusOK, "assets", "Assets", nil, v)
}

// evaluation is a compliance evaluation of the current records.
type evaluation struct {
	report     *compliance.Report
	compliance *report.Compliance
}

// evaluate builds the posture of the current records (and inventory) and
// evaluates the built-in controls over it.
func (s *server) evaluate(r *http.Request, snap *snapshot) (*evaluation, error) {
	engine, err := s.complianceEngine(r.Context())
	if err != nil {
		return nil, err
	}
	b := compliance.NewBuilder(snap.now)
	if snap.graph != nil {
		b.Inventory(snap.graph)
	}
	b.Findings(nil, compliance.FindingOptions{Records: snap.records, Context: risk.Context{Vectors: s.vectors}})
	posture, err := b.Build()
	if err != nil {
		// The builder reports records it had to repair; the posture is
		// still whole.
		s.cfg.Log.Warn("building the posture", "err", err)
	}
	rep, err := engine.Evaluate(r.Context(), posture)
	if err != nil {
		return nil, err
	}
	return &evaluation{report: rep, compliance: reportposture.Data(posture, rep).Compliance}, nil
}

func (s *server) compliancePage(w http.ResponseWriter, r *http.Request) {
	snap, err := s.load(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	eval, err := s.evaluate(r, snap)
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
	_, from := s.inventory()
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
