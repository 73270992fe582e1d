package sarif

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/internal/jsonw"
)

// The SARIF objects written. They hold only what aspm fills, in the order
// SARIF's examples use; the field names are SARIF's.

type message struct {
	Text string `json:"text"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Rules   []rule `json:"rules"`
}

type rule struct {
	ID                   string         `json:"id"`
	ShortDescription     *message       `json:"shortDescription,omitempty"`
	FullDescription      *message       `json:"fullDescription,omitempty"`
	Help                 *message       `json:"help,omitempty"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration *configuration `json:"defaultConfiguration,omitempty"`
	Properties           ruleProps      `json:"properties"`
}

type configuration struct {
	Level string `json:"level"`
}

type ruleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type automation struct {
	ID string `json:"id"`
}

type invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []notification `json:"toolExecutionNotifications"`
}

type notification struct {
	Descriptor descriptorRef `json:"descriptor"`
	Level      string        `json:"level"`
	Message    message       `json:"message"`
}

type descriptorRef struct {
	ID string `json:"id"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             message           `json:"message"`
	Locations           []location        `json:"locations,omitempty"`
	RelatedLocations    []location        `json:"relatedLocations,omitempty"`
	GUID                string            `json:"guid"`
	CorrelationGUID     string            `json:"correlationGuid"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState,omitempty"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	Properties          resultProps       `json:"properties"`
}

type location struct {
	PhysicalLocation *physicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []logicalLocation `json:"logicalLocations,omitempty"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           *region          `json:"region,omitempty"`
}

type artifactLocation struct {
	URI string `json:"uri"`
}

type region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type logicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// resultProps is a result's property bag: aspm's data about the finding.
type resultProps struct {
	ID               string   `json:"aspm/id"`
	Tool             string   `json:"aspm/tool,omitempty"`
	Kind             string   `json:"aspm/kind,omitempty"`
	Severity         string   `json:"aspm/severity,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
	VulnerabilityIDs []string `json:"aspm/vulnerability-ids,omitempty"`
	PURL             string   `json:"purl,omitempty"`
	State            string   `json:"aspm/state,omitempty"`
	Cluster          string   `json:"aspm/cluster,omitempty"`
	Duplicates       []string `json:"aspm/duplicates,omitempty"`
	RiskScore        *float64 `json:"aspm/risk-score,omitempty"`
	Priority         string   `json:"aspm/priority,omitempty"`
	KEV              bool     `json:"aspm/kev,omitempty"`
	EPSS             *float64 `json:"aspm/epss,omitempty"`
	Reachability     string   `json:"aspm/reachability,omitempty"`
	SLADue           string   `json:"aspm/sla-due,omitempty"`
	SLABreached      bool     `json:"aspm/sla-breached,omitempty"`
	Triage           string   `json:"aspm/triage,omitempty"`
	Assets           []string `json:"aspm/assets,omitempty"`
}

// encoder writes the document: JSON values indented to their depth, the
// first error remembered.
type encoder struct{ jsonw.Writer }

// ruleAcc gathers what a run says about one rule.
type ruleAcc struct {
	id       string
	first    *report.Finding
	rank     int
	score    float64
	hasScore bool
	cwes     []string
	kinds    []string
}

// run writes one run object at depth 2.
func (e *encoder) run(rd *runData, opts Options) {
	accs, index := rulesOf(rd)
	t := tool{Driver: driver{Name: rd.tool, Version: rd.version, Rules: make([]rule, len(accs))}}
	for i, a := range accs {
		t.Driver.Rules[i] = a.rule()
	}
	e.Str("{\n      \"tool\": ")
	e.Value("      ", t)
	if c := plainLine(opts.Category); c != "" {
		e.Str(",\n      \"automationDetails\": ")
		e.Value("      ", automation{ID: strings.TrimSuffix(c, "/") + "/"})
	}
	var notes []notification
	if len(rd.collected) > 0 {
		notes = append(notes, notification{
			Descriptor: descriptorRef{ID: "aspm/runs-merged"},
			Level:      "note",
			Message: message{Text: escapeMessage("GitHub code scanning accepts at most " + strconv.Itoa(MaxRuns) +
				" runs per file: the results of " + strconv.Itoa(len(rd.collected)) + " tools are merged into this run (" +
				strings.Join(rd.collected, ", ") + ").")},
		})
	}
	if rd.omitted > 0 {
		notes = append(notes, notification{
			Descriptor: descriptorRef{ID: "aspm/results-truncated"},
			Level:      "warning",
			Message: message{Text: strconv.Itoa(rd.omitted) + " of " + strconv.Itoa(rd.omitted+len(rd.results)) +
				" results were left out: this run holds at most " + strconv.Itoa(len(rd.results)) +
				" results (GitHub code scanning accepts " + strconv.Itoa(MaxResultsPerRun) +
				" per run), the most important first."},
		})
	}
	if len(notes) > 0 {
		e.Str(",\n      \"invocations\": ")
		e.Value("      ", []invocation{{ExecutionSuccessful: true, ToolExecutionNotifications: notes}})
	}
	e.Str(",\n      \"results\": [")
	merged := opts.Layout == Merged || len(rd.collected) > 0
	for i := range rd.results {
		if i > 0 {
			e.Str(",")
		}
		e.Str("\n        ")
		res := resultOf(&rd.results[i], index, opts, merged)
		e.Value("        ", &res)
	}
	if len(rd.results) > 0 {
		e.Str("\n      ")
	}
	e.Str("]")
	if rd.omitted > 0 {
		e.Str(",\n      \"properties\": {\n        \"aspm/omitted-results\": " + strconv.Itoa(rd.omitted) + "\n      }")
	}
	e.Str("\n    }")
}

// rulesOf gathers the rules of a run's results, sorted by ID, and the
// index of each ID.
func rulesOf(rd *runData) ([]*ruleAcc, map[string]int) {
	byID := map[string]*ruleAcc{}
	var accs []*ruleAcc
	for i := range rd.results {
		f := rd.results[i].f
		id := ruleID(f)
		a := byID[id]
		if a == nil {
			a = &ruleAcc{id: id, first: f}
			byID[id] = a
			accs = append(accs, a)
		}
		a.rank = max(a.rank, f.Severity.Rank())
		if s, ok := ruleScore(f); ok && (!a.hasScore || s > a.score) {
			a.score, a.hasScore = s, true
		}
		for _, c := range f.CWEs {
			if n, ok := findings.NormalizeCWE(c); ok && !slices.Contains(a.cwes, n) {
				a.cwes = append(a.cwes, n)
			}
		}
		if k := plainLine(string(f.Kind)); k != "" && !slices.Contains(a.kinds, k) {
			a.kinds = append(a.kinds, k)
		}
	}
	slices.SortFunc(accs, func(a, b *ruleAcc) int { return strings.Compare(a.id, b.id) })
	index := make(map[string]int, len(accs))
	for i, a := range accs {
		index[a.id] = i
	}
	return accs, index
}

// rule builds the reportingDescriptor.
func (a *ruleAcc) rule() rule {
	f := a.first
	r := rule{
		ID:                   a.id,
		ShortDescription:     &message{Text: escapeMessage(cmp.Or(report.Plain(strings.TrimSpace(f.Title), MaxDescriptionRunes), a.id))},
		DefaultConfiguration: &configuration{Level: levelOfRank(a.rank)},
		HelpURI:              helpURI(f, a.id),
	}
	// GitHub requires fullDescription and help: without a description,
	// both repeat the short description.
	d := cleanText(f.Description)
	if d == "" {
		d = report.Plain(strings.TrimSpace(f.Title), 0)
	}
	d = escapeMessage(cmp.Or(d, a.id))
	r.FullDescription = &message{Text: cutRunes(d, MaxDescriptionRunes)}
	r.Help = &message{Text: d}
	if refs := safeRefs(f.References); len(refs) > 0 {
		r.Help.Text += escapeMessage("\n\nReferences:\n" + strings.Join(refs, "\n"))
	}
	if a.hasScore {
		r.Properties.SecuritySeverity = formatScore(a.score)
	}
	r.Properties.Precision = precision(f.Confidence)
	tags := []string{"security"}
	slices.Sort(a.kinds)
	tags = append(tags, a.kinds...)
	slices.SortFunc(a.cwes, compareCWE)
	for _, c := range a.cwes {
		n, _ := strconv.Atoi(strings.TrimPrefix(c, "CWE-"))
		tags = append(tags, "external/cwe/cwe-"+pad3(n))
	}
	if len(tags) > MaxTagsPerRule {
		tags = tags[:MaxTagsPerRule]
	}
	r.Properties.Tags = tags
	return r
}

func pad3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

func compareCWE(a, b string) int {
	x, _ := strconv.Atoi(strings.TrimPrefix(a, "CWE-"))
	y, _ := strconv.Atoi(strings.TrimPrefix(b, "CWE-"))
	return cmp.Compare(x, y)
}

// ruleID is the finding's rule: its rule ID, else its primary
// vulnerability ID, else "aspm/<kind>".
func ruleID(f *report.Finding) string {
	if id := plainLine(f.RuleID); id != "" {
		return id
	}
	for _, v := range f.VulnerabilityIDs {
		if id := plainLine(v); id != "" {
			return id
		}
	}
	return "aspm/" + cmp.Or(plainLine(string(f.Kind)), string(findings.KindOther))
}

// resultOf builds the result of an entry.
func resultOf(en *entry, index map[string]int, opts Options, merged bool) result {
	f := en.f
	id := ruleID(f)
	res := result{
		RuleID:    id,
		RuleIndex: index[id],
		Level:     levelOfRank(f.Severity.Rank()),
		Message:   message{Text: escapeMessage(cmp.Or(plainLine(f.Title), id))},
		GUID:      uuid5("aspm:finding:" + f.ID),
		// correlationGuid names the equivalence class: the cluster.
		CorrelationGUID: uuid5("aspm:cluster:" + cmp.Or(f.Cluster, f.ID)),
		BaselineState:   baselineState(f.State),
		Suppressions:    suppressions(f),
	}
	locs := locationsOf(f, opts.SourceRoot)
	if len(locs) > 0 {
		res.Locations = locs[:1]
		if len(locs) > 1 {
			res.RelatedLocations = locs[1:]
		}
	}
	res.PartialFingerprints = make(map[string]string, len(f.Fingerprints)+1)
	for k, v := range f.Fingerprints {
		if k, v = plainLine(k), plainLine(v); k != "" && v != "" {
			res.PartialFingerprints[k] = v
		}
	}
	res.PartialFingerprints["aspm/v1"] = fingerprint(f.ID)

	p := &res.Properties
	p.ID = f.ID
	if merged {
		p.Tool = plainLine(f.Tool.Name)
	}
	p.Kind = plainLine(string(f.Kind))
	if f.Severity.Valid() {
		p.Severity = string(f.Severity)
	}
	if s, ok := resultScore(f); ok {
		p.SecuritySeverity = formatScore(s)
	}
	p.VulnerabilityIDs = plainAll(f.VulnerabilityIDs)
	if f.Package != nil && strings.HasPrefix(f.Package.PURL, "pkg:") {
		p.PURL = plainLine(f.Package.PURL)
	}
	p.State = plainLine(f.State)
	p.Cluster = plainLine(f.Cluster)
	p.Duplicates = en.dups
	if r := f.Risk; r != nil {
		if finite(r.Score) {
			p.RiskScore = &r.Score
		}
		p.Priority = plainLine(r.Priority)
		p.KEV = r.KEV
		if finite(r.EPSS) && r.EPSS != 0 {
			p.EPSS = &r.EPSS
		}
		p.Reachability = plainLine(r.Reachability)
	}
	if !f.SLADue.IsZero() {
		p.SLADue = f.SLADue.UTC().Format(time.RFC3339)
	}
	p.SLABreached = f.SLABreached
	p.Triage = plainLine(f.TriageStatus)
	p.Assets = plainAll(f.Assets)
	return res
}

func plainAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = plainLine(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// levelOfRank maps a severity rank to a SARIF level: critical and high
// are error, medium warning, low and info note, unknown warning (SARIF's
// default level).
func levelOfRank(rank int) string {
	switch {
	case rank >= 4:
		return "error"
	case rank == 3 || rank == 0:
		return "warning"
	}
	return "note"
}

// Representative security-severity scores of the severities, inside
// GitHub's bands (critical above 9.0, high 7.0–8.9, medium 4.0–6.9, low
// 0.1–3.9).
var severityScores = map[findings.Severity]float64{
	findings.SeverityCritical: 9.5,
	findings.SeverityHigh:     8.0,
	findings.SeverityMedium:   5.5,
	findings.SeverityLow:      2.0,
	findings.SeverityInfo:     0.0,
}

// resultScore is a score that agrees with the finding's severity: its
// highest CVSS base score when that falls in the severity's band, else the
// severity's representative score. Unknown severities have none.
func resultScore(f *report.Finding) (float64, bool) {
	rep, ok := severityScores[f.Severity]
	if !ok {
		return 0, false
	}
	best, found := 0.0, false
	for _, c := range f.CVSS {
		if c.Score == nil || !finite(*c.Score) {
			continue
		}
		if s, ok := findings.SeverityFromScore(*c.Score); ok && s == f.Severity && (!found || *c.Score > best) {
			best, found = *c.Score, true
		}
	}
	if found {
		return best, true
	}
	return rep, true
}

// ruleScore is what a finding asks of its rule's security-severity: its
// risk score on GitHub's 0–10 scale when scored, else [resultScore].
func ruleScore(f *report.Finding) (float64, bool) {
	if f.Risk != nil && finite(f.Risk.Score) {
		return min(max(f.Risk.Score/10, 0), 10), true
	}
	return resultScore(f)
}

func formatScore(s float64) string {
	return strconv.FormatFloat(math.Round(s*10)/10, 'f', 1, 64)
}

// precision maps a finding's confidence to a rule precision GitHub
// knows.
func precision(c string) string {
	switch c = strings.ToLower(strings.TrimSpace(c)); c {
	case "very-high", "high", "medium", "low":
		return c
	case "very high", "certain":
		return "very-high"
	}
	return ""
}

// baselineState maps a lifecycle state to a SARIF baselineState.
func baselineState(state string) string {
	switch state {
	case "fixed":
		return "absent"
	case "new", "reopened":
		return "new"
	case "unchanged":
		return "unchanged"
	case "updated":
		return "updated"
	}
	return ""
}

// suppressions maps the tool's suppressions, and adds an external one for
// a finding the report marks suppressed (triage, VEX) when the tool's
// suppressions do not already hide it.
func suppressions(f *report.Finding) []suppression {
	var out []suppression
	hidden := false
	for _, s := range f.Suppressions {
		kind := "external"
		if s.Kind == "in_source" || s.Kind == "inSource" {
			kind = "inSource"
		}
		status := ""
		switch s.Status {
		case "under_review", "underReview":
			status = "underReview"
		case "rejected":
			status = "rejected"
		default:
			status = "accepted"
			hidden = true
		}
		out = append(out, suppression{Kind: kind, Status: status, Justification: cleanText(s.Justification)})
	}
	if f.Suppressed && (!hidden || f.TriageStatus != "") {
		just := cleanText(f.TriageJustification)
		if just == "" && f.TriageStatus != "" {
			just = "triage: " + plainLine(f.TriageStatus)
		}
		if just == "" && f.VEX != nil {
			just = cleanText(cmp.Or(f.VEX.Justification, f.VEX.ImpactStatement, "vex: "+string(f.VEX.Status)))
		}
		out = append(out, suppression{Kind: "external", Status: "accepted", Justification: just})
	}
	return out
}

// locationsOf returns the finding's locations, primary first, at most
// MaxLocationsPerResult.
func locationsOf(f *report.Finding, root string) []location {
	var out []location
	// GitHub requires a location: without one, the finding's package or
	// asset names where it is.
	fallback := ""
	if f.Package != nil {
		fallback = f.Package.PURL
	}
	if fallback == "" && len(f.Assets) > 0 {
		fallback = f.Assets[0]
	}
	if l, ok := locationOf(&f.Location, root, fallback); ok {
		out = append(out, l)
	}
	for i := range f.RelatedLocations {
		if len(out) == MaxLocationsPerResult {
			break
		}
		if l, ok := locationOf(&f.RelatedLocations[i], root, ""); ok {
			out = append(out, l)
		}
	}
	return out
}

func locationOf(l *findings.Location, root, fallback string) (location, bool) {
	var out location
	uri := ""
	if l.Path != "" {
		uri = artifactURI(l.Path, root)
	} else if l.URL != "" {
		uri = safeURI(l.URL)
	}
	if uri != "" {
		out.PhysicalLocation = &physicalLocation{ArtifactLocation: artifactLocation{URI: uri}, Region: regionOf(l.Region)}
	}
	name := plainLine(l.LogicalLocation)
	if name == "" && uri == "" {
		name = plainLine(cmp.Or(l.Image, l.Target, fallback))
	}
	if name != "" {
		out.LogicalLocations = []logicalLocation{{FullyQualifiedName: name}}
	}
	return out, out.PhysicalLocation != nil || out.LogicalLocations != nil
}

// regionOf keeps the parts of a region SARIF accepts: a start line of at
// least 1, and ends that do not precede the start.
func regionOf(r *findings.Region) *region {
	if r == nil || r.StartLine < 1 {
		return nil
	}
	out := &region{StartLine: r.StartLine}
	if r.StartColumn >= 1 {
		out.StartColumn = r.StartColumn
	}
	if r.EndLine >= r.StartLine {
		out.EndLine = r.EndLine
	}
	end := max(out.EndLine, out.StartLine)
	if r.EndColumn >= 1 && (end > r.StartLine || r.EndColumn >= out.StartColumn) {
		out.EndColumn = r.EndColumn
	}
	return out
}

// helpURI is the first http(s) reference, else the advisory page of a
// CVE or GHSA rule.
func helpURI(f *report.Finding, id string) string {
	if refs := safeRefs(f.References); len(refs) > 0 {
		return refs[0]
	}
	switch {
	case isCVE(id):
		return "https://nvd.nist.gov/vuln/detail/" + id
	case isGHSA(id):
		return "https://github.com/advisories/" + id
	}
	return ""
}

func safeRefs(refs []string) []string {
	var out []string
	for _, r := range refs {
		if u := safeURI(r); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}
