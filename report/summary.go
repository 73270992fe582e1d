package report

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// Version is the version of the JSON encoding of [Summary] and [Report].
const Version = "aspm-report/1"

// Summary is the numbers of a report: what is open, how risky, how old,
// against which deadlines, where, and how that changed. [Summarize] builds
// it; every renderer shows it. It is a plain value, safe for concurrent
// reads.
type Summary struct {
	Version     string    `json:"version"`
	Title       string    `json:"title,omitempty"`
	GeneratedAt time.Time `json:"generated_at,omitzero"`

	// Total counts every finding given; Open those open and not
	// suppressed (what the rest counts), a cross-tool cluster once;
	// Fixed and Suppressed the others.
	Total      int `json:"total"`
	Open       int `json:"open"`
	Fixed      int `json:"fixed"`
	Suppressed int `json:"suppressed"`
	// New and Reopened count the open findings in those lifecycle
	// states: what the last scan introduced.
	New      int `json:"new"`
	Reopened int `json:"reopened"`

	// Open findings by severity (critical first), risk priority (P1
	// first), kind, tool, asset, owner and age; categories group kinds
	// the way people ask ("vulnerabilities in code", "in dependencies",
	// "misconfigurations", "secrets", "access", "policy").
	BySeverity []Count `json:"by_severity"`
	ByPriority []Count `json:"by_priority,omitempty"`
	ByKind     []Count `json:"by_kind"`
	ByCategory []Count `json:"by_category"`
	ByTool     []Count `json:"by_tool"`
	ByAsset    []Count `json:"by_asset,omitempty"`
	ByOwner    []Count `json:"by_owner,omitempty"`
	ByAge      []Count `json:"by_age,omitempty"`

	// SLA is where the open findings stand against their deadlines.
	SLA SLAStatus `json:"sla"`
	// MTTR is the mean time to remediate of the fixed findings, overall
	// and by severity; empty without lifecycle data.
	MTTR []MeanTime `json:"mttr,omitempty"`
	// Ratings rate every asset with open findings, and the whole, by
	// their risk scores (see risk.Posture); empty without scores.
	Ratings []Rating `json:"ratings,omitempty"`
	// TopRisks are the open findings with the highest risk scores, with
	// their explanations.
	TopRisks []TopRisk `json:"top_risks,omitempty"`
	// Compliance repeats the compliance evaluation's headline.
	Compliance *Compliance `json:"compliance,omitempty"`
	// CoverageGaps lists assets missing a kind of scan they should have.
	CoverageGaps []CoverageGap `json:"coverage_gaps,omitempty"`
	// Trend is the history with this report's snapshot last.
	Trend []Snapshot `json:"trend,omitempty"`
}

// Count is a number of open findings with one value of a dimension.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// SLAStatus counts open findings by deadline.
type SLAStatus struct {
	Breached int `json:"breached"`
	// DueSoon are not breached and due within [Options.DueSoon].
	DueSoon int `json:"due_soon"`
	OnTrack int `json:"on_track"`
	// NoDeadline have no SLA due date.
	NoDeadline int `json:"no_deadline"`
}

// MeanTime is a mean time to remediate over Count fixed findings: Key is
// "all" or a severity, Hours the mean in hours, one decimal.
type MeanTime struct {
	Key   string  `json:"key"`
	Hours float64 `json:"hours"`
	Count int     `json:"count"`
}

// Rating is a posture rating of an asset ("" for the whole).
type Rating struct {
	Asset string  `json:"asset"`
	Name  string  `json:"name,omitempty"`
	Score float64 `json:"score"`
	Grade string  `json:"grade"`
	Open  int     `json:"open"`
	// Severities counts the asset's open findings by severity, for heat
	// maps.
	Severities map[string]int `json:"severities"`
}

// TopRisk is one of the riskiest open findings.
type TopRisk struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Score       float64  `json:"score"`
	Priority    string   `json:"priority,omitempty"`
	KEV         bool     `json:"kev,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	Assets      []string `json:"assets,omitempty"`
}

// CoverageGap is an asset without a kind of scan it should have.
type CoverageGap struct {
	Asset   string   `json:"asset"`
	Kind    string   `json:"kind,omitempty"`
	Missing []string `json:"missing"`
}

// Options tunes [Summarize]. The zero value is ready to use.
type Options struct {
	// DueSoon is the window before an SLA deadline in which a finding is
	// due soon; zero means 7 days.
	DueSoon time.Duration
	// TopRisks is how many top risks to list; zero means 10, negative
	// none.
	TopRisks int
	// ExpectedScans maps an asset kind to the scan kinds every asset of
	// that kind should have; nil means repositories: sast, sca, secret;
	// images: container.
	ExpectedScans map[string][]string
}

func (o Options) dueSoon() time.Duration { return cmp.Or(o.DueSoon, 7*24*time.Hour) }
func (o Options) topRisks() int {
	switch {
	case o.TopRisks < 0:
		return 0
	case o.TopRisks == 0:
		return 10
	}
	return o.TopRisks
}
func (o Options) expected() map[string][]string {
	if o.ExpectedScans != nil {
		return o.ExpectedScans
	}
	return map[string][]string{"repository": {"sast", "sca", "secret"}, "image": {"container"}}
}

// Categories of kinds, in display order.
const (
	CategoryCodeVulnerabilities       = "code vulnerabilities"
	CategoryDependencyVulnerabilities = "dependency vulnerabilities"
	CategoryMisconfigurations         = "misconfigurations"
	CategorySecrets                   = "secrets"
	CategoryAccess                    = "access"
	CategoryPolicy                    = "policy"
	CategoryOther                     = "other"
)

var categoryOrder = []string{CategoryCodeVulnerabilities, CategoryDependencyVulnerabilities, CategoryMisconfigurations,
	CategorySecrets, CategoryAccess, CategoryPolicy, CategoryOther}

// CategoryOf groups a finding kind: SAST and DAST are code
// vulnerabilities, SCA and container findings dependency
// vulnerabilities, IaC misconfigurations, license findings policy.
func CategoryOf(k findings.Kind) string {
	switch k {
	case findings.KindSAST, findings.KindDAST:
		return CategoryCodeVulnerabilities
	case findings.KindSCA, findings.KindContainer:
		return CategoryDependencyVulnerabilities
	case findings.KindIaC:
		return CategoryMisconfigurations
	case findings.KindSecret:
		return CategorySecrets
	case findings.KindAccess:
		return CategoryAccess
	case findings.KindLicense:
		return CategoryPolicy
	}
	return CategoryOther
}

// Age buckets, in display order.
var ageBuckets = []struct {
	key string
	max time.Duration
}{
	{"< 7 days", 7 * 24 * time.Hour},
	{"7-30 days", 30 * 24 * time.Hour},
	{"30-90 days", 90 * 24 * time.Hour},
	{"90-365 days", 365 * 24 * time.Hour},
	{"> 1 year", math.MaxInt64},
}

// Now returns the moment d describes: GeneratedAt, else the newest
// LastSeen or FirstSeen of its findings, else the zero time.
func (d *Data) Now() time.Time {
	if !d.GeneratedAt.IsZero() {
		return d.GeneratedAt
	}
	var now time.Time
	for i := range d.Findings {
		f := &d.Findings[i]
		for _, t := range []time.Time{f.LastSeen, f.FirstSeen, f.FixedAt} {
			if t.After(now) {
				now = t
			}
		}
	}
	return now
}

// Summarize computes the numbers of d. It reads d only; the same Data
// gives the same Summary.
func Summarize(d *Data, opts Options) Summary {
	now := d.Now()
	s := Summary{Version: Version, Title: d.Title, GeneratedAt: now, Total: len(d.Findings), Compliance: d.Compliance}
	assets := map[string]*Asset{}
	for i := range d.Assets {
		assets[d.Assets[i].ID] = &d.Assets[i]
	}
	counts := map[string]map[string]int{}
	add := func(dim, key string) {
		if key == "" {
			return
		}
		if counts[dim] == nil {
			counts[dim] = map[string]int{}
		}
		counts[dim][key]++
	}
	seenCluster := map[string]bool{}
	type rated struct{ scores []risk.Score }
	byAsset := map[string]*rated{}
	all := &rated{scores: make([]risk.Score, 0, len(d.Findings))}
	top := make([]*Finding, 0, len(d.Findings))
	mttr := map[string][]time.Duration{}
	for i := range d.Findings {
		f := &d.Findings[i]
		switch {
		case !f.IsOpen():
			s.Fixed++
			if !f.FixedAt.IsZero() && !f.FirstSeen.IsZero() && f.FixedAt.After(f.FirstSeen) {
				mttr[string(f.Severity)] = append(mttr[string(f.Severity)], f.FixedAt.Sub(f.FirstSeen))
				mttr["all"] = append(mttr["all"], f.FixedAt.Sub(f.FirstSeen))
			}
			continue
		case f.Suppressed:
			s.Suppressed++
			continue
		}
		if f.Cluster != "" {
			if seenCluster[f.Cluster] {
				continue
			}
			seenCluster[f.Cluster] = true
		}
		s.Open++
		switch f.State {
		case "new":
			s.New++
		case "reopened":
			s.Reopened++
		}
		add("severity", string(cmp.Or(f.Severity, findings.SeverityUnknown)))
		add("kind", string(f.Kind))
		add("category", CategoryOf(f.Kind))
		add("tool", f.Tool.Name)
		owners := map[string]bool{}
		for _, a := range f.Assets {
			add("asset", a)
			if x := assets[a]; x != nil && x.Owner != "" && !owners[x.Owner] {
				owners[x.Owner] = true
				add("owner", x.Owner)
			}
		}
		if !f.FirstSeen.IsZero() && !now.IsZero() {
			age := now.Sub(f.FirstSeen)
			for _, b := range ageBuckets {
				if age < b.max {
					add("age", b.key)
					break
				}
			}
		}
		switch {
		case f.SLABreached || (!f.SLADue.IsZero() && !now.IsZero() && f.SLADue.Before(now)):
			s.SLA.Breached++
		case f.SLADue.IsZero():
			s.SLA.NoDeadline++
		case !now.IsZero() && f.SLADue.Sub(now) <= opts.dueSoon():
			s.SLA.DueSoon++
		default:
			s.SLA.OnTrack++
		}
		if f.Risk != nil {
			add("priority", f.Risk.Priority)
			sc := risk.Score{Value: f.Risk.Score, Priority: risk.Priority(f.Risk.Priority), Severity: f.Severity}
			all.scores = append(all.scores, sc)
			for _, a := range f.Assets {
				if byAsset[a] == nil {
					byAsset[a] = &rated{}
				}
				byAsset[a].scores = append(byAsset[a].scores, sc)
			}
			top = append(top, f)
		}
	}
	s.BySeverity = ordered(counts["severity"], severityOrder())
	s.ByPriority = ordered(counts["priority"], []string{"P1", "P2", "P3", "P4"})
	s.ByKind = byCount(counts["kind"])
	s.ByCategory = ordered(counts["category"], categoryOrder)
	s.ByTool = byCount(counts["tool"])
	s.ByAsset = byCount(counts["asset"])
	s.ByOwner = byCount(counts["owner"])
	keys := make([]string, len(ageBuckets))
	for i, b := range ageBuckets {
		keys[i] = b.key
	}
	s.ByAge = ordered(counts["age"], keys)
	s.MTTR = meanTimes(mttr)
	if len(all.scores) > 0 {
		s.Ratings = append(s.Ratings, rating("", "", all.scores))
		ids := make([]string, 0, len(byAsset))
		for id := range byAsset {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		var per []Rating
		for _, id := range ids {
			name := ""
			if a := assets[id]; a != nil {
				name = a.Name
			}
			per = append(per, rating(id, name, byAsset[id].scores))
		}
		slices.SortStableFunc(per, func(a, b Rating) int { return cmp.Compare(a.Score, b.Score) })
		s.Ratings = append(s.Ratings, per...)
	}
	slices.SortStableFunc(top, func(a, b *Finding) int {
		return cmp.Or(cmp.Compare(b.Risk.Score, a.Risk.Score), strings.Compare(a.ID, b.ID))
	})
	for _, f := range top[:min(len(top), opts.topRisks())] {
		s.TopRisks = append(s.TopRisks, TopRisk{ID: f.ID, Title: f.Title, Severity: string(f.Severity), Score: f.Risk.Score,
			Priority: f.Risk.Priority, KEV: f.Risk.KEV, Explanation: f.Risk.Explanation, Assets: f.Assets})
	}
	s.CoverageGaps = coverageGaps(d, opts.expected())
	s.Trend = append(slices.Clone(d.History), Snapshot{At: now, Open: s.Open, BySeverity: counts["severity"], Breached: s.SLA.Breached})
	return s
}

func severityOrder() []string {
	out := make([]string, len(findings.Severities))
	for i, s := range findings.Severities {
		out[i] = string(s)
	}
	return out
}

// ordered lists counts in a fixed key order, then any other keys sorted.
func ordered(m map[string]int, order []string) []Count {
	out := []Count{}
	for _, k := range order {
		if n := m[k]; n > 0 {
			out = append(out, Count{k, n})
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, Count{k, m[k]})
	}
	return out
}

// byCount lists counts largest first, then by key.
func byCount(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Key, b.Key)) })
	return out
}

func meanTimes(m map[string][]time.Duration) []MeanTime {
	keys := append([]string{"all"}, severityOrder()...)
	var out []MeanTime
	for _, k := range keys {
		ds := m[k]
		if len(ds) == 0 {
			continue
		}
		var sum float64
		for _, d := range ds {
			sum += d.Hours()
		}
		out = append(out, MeanTime{Key: k, Hours: math.Round(sum/float64(len(ds))*10) / 10, Count: len(ds)})
	}
	return out
}

func rating(id, name string, scores []risk.Score) Rating {
	r := risk.Posture(scores, nil)
	sev := map[string]int{}
	for k, n := range r.Severities {
		sev[string(k)] = n
	}
	return Rating{Asset: id, Name: name, Score: r.Score, Grade: string(r.Grade), Open: len(scores), Severities: sev}
}

// coverageGaps lists the assets of the kinds expected maps that lack a
// scan kind.
func coverageGaps(d *Data, expected map[string][]string) []CoverageGap {
	if len(d.Assets) == 0 {
		return nil
	}
	have := map[string]map[string]bool{}
	for _, c := range d.Coverage {
		if have[c.Asset] == nil {
			have[c.Asset] = map[string]bool{}
		}
		k := c.Kind
		if k == "secrets" {
			k = "secret"
		}
		have[c.Asset][k] = true
	}
	var out []CoverageGap
	for _, a := range d.Assets {
		var missing []string
		for _, k := range expected[a.Kind] {
			if !have[a.ID][k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			out = append(out, CoverageGap{Asset: a.ID, Kind: a.Kind, Missing: missing})
		}
	}
	slices.SortFunc(out, func(a, b CoverageGap) int { return strings.Compare(a.Asset, b.Asset) })
	return out
}
