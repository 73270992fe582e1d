package compliance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// Builder assembles a [Posture] from typed parts, so that nobody writes the
// document by hand: the inventory, findings (linked to assets, with
// lifecycle, risk and SLA), scan coverage, SBOMs and access results.
//
// The methods record their inputs and return the Builder, so that calls
// chain; [Builder.Build] does the work, so the order of the calls does not
// matter (findings are linked to every inventory added, before or after
// them). Build does not modify the inputs, and may be called again after
// more inputs are added.
//
// A Builder is not safe for concurrent use. It keeps references to the
// finding slices and graphs it is given until Build: do not modify them in
// between.
type Builder struct {
	at      time.Time
	graph   *inventory.Graph
	batches []postureBatch
	cov     []Coverage
	sboms   []SBOM
	access  [][]byte // JSON encodings of access entries
	errs    []error
}

// postureBatch is one call of Builder.Findings.
type postureBatch struct {
	fs   []findings.Finding
	opts FindingOptions
}

// FindingOptions says how [Builder.Findings] links, tracks and scores one
// batch of findings (one scan, or the scans of one repository or image).
// Its zero value links the findings to the builder's inventory, calls them
// all new and open, and scores them with the default model, SLA and no
// feeds.
//
// FindingOptions is a plain value; the builder reads it (and the records,
// graph and feeds it points to) during Build only.
type FindingOptions struct {
	// Model scores the findings; its zero value uses risk's default
	// weights and thresholds.
	Model risk.Model
	// Context gives the scoring feeds (EPSS, KEV), the environmental switch
	// and a vector cache. Its Asset is replaced, for each finding linked
	// to inventory assets, by the context of those assets
	// ([correlate.AssetContext]); a finding linked to none keeps it. Its
	// FirstSeen is replaced by the finding's.
	Context risk.Context
	// SLA sets the remediation windows; its zero value uses
	// [risk.DefaultSLA].
	SLA risk.SLA
	// Records are the lifecycle records of the findings' application after
	// the scan: [correlate.Result.Records] from [correlate.Compare], or
	// what a [correlate.Store] loads after [correlate.Track]. A finding
	// takes state, open, first and last seen, cluster and triage from the
	// record of its identity key; a record that no finding of the batch
	// matches (a fixed finding, or one whose tool did not run) is added
	// from its own copy of the finding. Without records every finding is
	// new and open, first seen at the builder's time.
	Records []correlate.Record
	// Correlate configures the identity keys and clusters; use the options
	// the records were tracked with.
	Correlate correlate.Options
	// Link says which repository and image the findings come from (see
	// [correlate.Link]).
	Link correlate.LinkOptions
	// Graph, when set, links this batch to this graph instead of the
	// inventory given to [Builder.Inventory]. Its assets are not added to
	// the posture: add them with Inventory too.
	Graph *inventory.Graph
}

// NewBuilder returns a Builder for a posture at time at: the posture's
// GeneratedAt, the moment SLA breaches and triage expiry are judged, and
// the first-seen time of findings without lifecycle records. The library
// never reads the clock; pass time.Now() from the caller if that is what is
// wanted.
func NewBuilder(at time.Time) *Builder {
	return &Builder{at: at}
}

// Inventory adds the assets and edges of g to the posture. Several graphs
// merge (an asset described twice becomes one, as in
// [inventory.Graph.Merge]); g is copied, so it may change afterwards.
func (b *Builder) Inventory(g *inventory.Graph) *Builder {
	if g == nil {
		return b
	}
	if b.graph == nil {
		b.graph = inventory.New()
	}
	if err := b.graph.Merge(g); err != nil {
		b.errs = append(b.errs, fmt.Errorf("compliance: inventory: %w", err))
	}
	return b
}

// Findings adds one batch of findings, scanned together, with how to link,
// track and score them (see [FindingOptions]). Duplicates of one identity
// key on the same assets (the same record reported twice) are kept once,
// the first.
func (b *Builder) Findings(fs []findings.Finding, opts FindingOptions) *Builder {
	b.batches = append(b.batches, postureBatch{fs: fs, opts: opts})
	return b
}

// Coverage records that tool, looking for findings of kind, ran on asset
// at time at. The asset is an asset ID or, resolved against the inventory
// at Build, a repository URL, an image reference or a purl. Only the last
// run of each tool and kind on an asset is kept.
func (b *Builder) Coverage(asset, tool string, kind findings.Kind, at time.Time) *Builder {
	switch {
	case asset == "" || tool == "":
		b.errs = append(b.errs, fmt.Errorf("compliance: coverage: empty asset or tool (asset %q, tool %q)", asset, tool))
	case !kind.Valid():
		b.errs = append(b.errs, fmt.Errorf("compliance: coverage of %s by %s: unknown kind %q", asset, tool, kind))
	case at.IsZero():
		b.errs = append(b.errs, fmt.Errorf("compliance: coverage of %s by %s: no time", asset, tool))
	default:
		b.cov = append(b.cov, Coverage{Asset: asset, Tool: tool, Kind: kind, At: at})
	}
	return b
}

// SBOM records that an SBOM in format ("cyclonedx", "spdx") describing
// asset was produced at time at. The asset is resolved as for
// [Builder.Coverage]. Only the last SBOM of each format for an asset is
// kept.
func (b *Builder) SBOM(asset, format string, at time.Time) *Builder {
	switch {
	case asset == "" || format == "":
		b.errs = append(b.errs, fmt.Errorf("compliance: sbom: empty asset or format (asset %q, format %q)", asset, format))
	case at.IsZero():
		b.errs = append(b.errs, fmt.Errorf("compliance: sbom of %s: no time", asset))
	default:
		b.sboms = append(b.sboms, SBOM{Asset: asset, Format: strings.ToLower(format), At: at})
	}
	return b
}

// Access adds the results of access analyzers: free-form objects,
// conventionally with "principal", "kind" and "issue" keys. Each is copied
// through its JSON encoding (numbers become json.Number), so it must
// encode; one that does not is left out and reported by Build.
func (b *Builder) Access(entries []map[string]any) *Builder {
	for i, m := range entries {
		if m == nil {
			b.errs = append(b.errs, fmt.Errorf("compliance: access[%d]: nil entry", i))
			continue
		}
		data, err := json.Marshal(m)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("compliance: access[%d]: %w", i, err))
			continue
		}
		b.access = append(b.access, data)
	}
	return b
}

// accessEntries decodes the access entries afresh, so that each posture
// owns its maps.
func (b *Builder) accessEntries() []map[string]any {
	out := make([]map[string]any, 0, len(b.access))
	for _, data := range b.access {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&m) == nil { // cannot fail: data is json.Marshal's output of a map
			out = append(out, m)
		}
	}
	return out
}

// Build returns the posture, in canonical form: assets in ID order, edges
// by source, target and type, findings by ID, coverage by asset, kind and
// tool, SBOMs by asset and format, access entries by principal, kind and
// issue; every time in UTC to the second. The same inputs give the same
// posture, byte for byte once encoded.
//
// The posture is always complete. The error, when not nil, joins what
// could not be used in full: CVSS vectors that did not parse (the findings
// were scored without them), records listed twice, coverage, SBOM or
// access entries that were left out, graphs that did not merge.
func (b *Builder) Build() (*Posture, error) {
	errs := slices.Clone(b.errs)
	if b.at.IsZero() {
		errs = append(errs, errors.New("compliance: builder: zero time; the posture has no generated_at"))
	}
	p := &Posture{Version: PostureVersion, GeneratedAt: b.at, Access: b.accessEntries()}
	if b.graph != nil {
		p.Assets = b.graph.Assets()
		p.Edges = b.graph.Edges()
	}
	n := 0
	for _, batch := range b.batches {
		n += len(batch.fs) + len(batch.opts.Records)
	}
	p.Findings = make([]Finding, 0, n)
	seen := make(map[string]bool, n)
	for _, batch := range b.batches {
		var err error
		p.Findings, err = b.batch(p.Findings, seen, batch)
		if err != nil {
			errs = append(errs, err)
		}
	}
	p.Coverage = b.latestCoverage()
	p.SBOMs = b.latestSBOMs()
	p.canonicalize()
	return p, errors.Join(errs...)
}

// batch appends the findings of one batch to out.
func (b *Builder) batch(out []Finding, seen map[string]bool, batch postureBatch) ([]Finding, error) {
	opts := batch.opts
	g := opts.Graph
	if g == nil {
		g = b.graph
	}
	if g != nil && g.Len() == 0 {
		g = nil
	}
	var errs []error
	records := make(map[string]*correlate.Record, len(opts.Records))
	for i := range opts.Records {
		r := &opts.Records[i]
		if _, dup := records[r.ID]; dup {
			errs = append(errs, fmt.Errorf("compliance: record %s listed twice; the first was used", r.ID))
			continue
		}
		records[r.ID] = r
	}
	ctx := opts.Context
	if ctx.Vectors == nil {
		ctx.Vectors = &risk.VectorCache{}
	}
	contexts := map[string]risk.Asset{} // asset context by joined asset IDs

	add := func(f *findings.Finding, identity, cluster string, rec *correlate.Record) {
		var assets []string
		if g != nil {
			assets = correlate.Link(f, g, opts.Link)
		}
		id := postureFindingID(identity, assets)
		if seen[id] {
			return
		}
		seen[id] = true
		pf := postureFinding(f, identity, cluster, assets)
		for _, r := range [][3]string{{"kind", string(f.Kind), string(pf.Kind)}, {"severity", string(f.Severity), string(pf.Severity)},
			{"tool", f.Tool.Name, pf.Tool}} {
			if r[1] != r[2] {
				errs = append(errs, fmt.Errorf("compliance: finding %s: %s %q replaced by %q", f.ID, r[0], r[1], r[2]))
			}
		}
		pf.State, pf.Open, pf.FirstSeen, pf.LastSeen = correlate.StateNew, true, b.at, b.at
		if rec != nil {
			if err := postureApplyRecord(&pf, rec, b.at); err != nil {
				errs = append(errs, err)
			}
		}
		pf.Suppressed = f.Suppressed() || (pf.Triage != nil && pf.Triage.Active)

		c := ctx
		c.FirstSeen = pf.FirstSeen
		if len(assets) > 0 {
			key := strings.Join(assets, "\x00")
			ac, ok := contexts[key]
			if !ok {
				ac = correlate.AssetContext(f, g, opts.Link)
				contexts[key] = ac
			}
			c.Asset = ac
		}
		sig, err := risk.SignalsFrom(*f, c)
		if err != nil {
			errs = append(errs, err)
		}
		sc := opts.Model.Score(sig)
		pf.Risk = postureRisk(sc, sig)
		end := b.at
		if !pf.Open && !pf.FixedAt.IsZero() {
			end = pf.FixedAt
		}
		st := opts.SLA.Status(sc.Priority, pf.FirstSeen, end)
		pf.SLA = SLA{Due: st.Due, Breached: st.Breached}
		out = append(out, pf)
	}

	matched := make(map[string]bool, len(records))
	if len(batch.fs) > 0 {
		identities := make([]string, len(batch.fs))
		clusters := make([]string, len(batch.fs))
		for _, c := range correlate.Dedup(batch.fs, opts.Correlate) {
			// The cluster's key: that of the records of its members (the
			// oldest, as correlate.Compare chooses), else its smallest
			// identity key, so that it does not depend on input order.
			id := c.Identities[0]
			var oldest *correlate.Record
			for _, m := range c.Members {
				if r := records[m.Identity]; r != nil && r.Cluster != "" && (oldest == nil || r.FirstSeen.Before(oldest.FirstSeen) ||
					r.FirstSeen.Equal(oldest.FirstSeen) && r.Cluster < oldest.Cluster) {
					oldest = r
				}
			}
			if oldest != nil {
				id = oldest.Cluster
			}
			for _, m := range c.Members {
				identities[m.Index], clusters[m.Index] = m.Identity, id
			}
		}
		for i := range batch.fs {
			rec := records[identities[i]]
			if rec != nil {
				matched[rec.ID] = true
			}
			add(&batch.fs[i], identities[i], clusters[i], rec)
		}
	}
	for i := range opts.Records {
		r := &opts.Records[i]
		if matched[r.ID] || records[r.ID] != r {
			continue
		}
		add(&r.Finding, r.ID, r.Cluster, r)
	}
	return out, errors.Join(errs...)
}

// postureApplyRecord sets pf's lifecycle and triage from its record. A
// record with an unknown state or triage status, or no first or last seen
// time, gives an error and the builder's defaults for those fields.
func postureApplyRecord(pf *Finding, rec *correlate.Record, at time.Time) error {
	var errs []error
	pf.Open, pf.FixedAt = rec.Open, rec.FixedAt
	switch rec.State {
	case correlate.StateNew, correlate.StateUnchanged, correlate.StateUpdated, correlate.StateFixed, correlate.StateReopened:
		pf.State = rec.State
	default:
		if !rec.Open {
			pf.State = correlate.StateFixed
		}
		errs = append(errs, fmt.Errorf("unknown state %q, %q used", rec.State, pf.State))
	}
	if !rec.FirstSeen.IsZero() {
		pf.FirstSeen = rec.FirstSeen
	} else {
		errs = append(errs, errors.New("no first-seen time, the builder's used"))
	}
	if !rec.LastSeen.IsZero() {
		pf.LastSeen = rec.LastSeen
	} else {
		errs = append(errs, errors.New("no last-seen time, the builder's used"))
	}
	if t := rec.Triage; t != nil {
		switch t.Status {
		case correlate.FalsePositive, correlate.AcceptedRisk, correlate.NotAffected, correlate.WontFix:
			pf.Triage = &Triage{Status: t.Status, Justification: t.Justification, Author: t.Author,
				At: t.At, Expires: t.Expires, Active: t.Active(at)}
		default:
			errs = append(errs, fmt.Errorf("unknown triage status %q, triage left out", t.Status))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("compliance: record %s: %w", rec.ID, errors.Join(errs...))
	}
	return nil
}

// postureFindingID hashes an identity key and asset IDs into a posture
// finding ID.
func postureFindingID(identity string, assets []string) string {
	h := sha256.New()
	h.Write([]byte(identity))
	for _, a := range assets {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// postureFinding copies what controls need of f.
func postureFinding(f *findings.Finding, identity, cluster string, assets []string) Finding {
	pf := Finding{
		ID:               postureFindingID(identity, assets),
		Identity:         identity,
		Cluster:          cluster,
		Kind:             f.Kind,
		Tool:             f.Tool.Name,
		RuleID:           f.RuleID,
		Title:            f.Title,
		Severity:         f.Severity,
		CWEs:             slices.Clone(f.CWEs),
		VulnerabilityIDs: slices.Clone(f.VulnerabilityIDs),
		Location:         FindingLocation{Path: f.Location.Path, URL: f.Location.URL, Image: f.Location.Image},
		Assets:           assets,
	}
	if pf.Assets == nil {
		pf.Assets = []string{}
	}
	if !pf.Kind.Valid() {
		pf.Kind = findings.KindOther
	}
	if !pf.Severity.Valid() {
		pf.Severity = findings.SeverityUnknown
	}
	if pf.Tool == "" {
		pf.Tool = "unknown"
	}
	if r := f.Location.Region; r != nil && r.StartLine > 0 {
		pf.Location.Line = r.StartLine
	}
	if p := f.Package; p != nil {
		pf.Package = &FindingPackage{Name: p.Name, Version: p.Version, PURL: p.PURL, Ecosystem: p.Ecosystem,
			FixedVersions: slices.Clone(p.FixedVersions)}
	}
	if f.VEX != nil {
		pf.VEX = f.VEX.Status
	}
	return pf
}

// postureRisk summarizes a score and its signals.
func postureRisk(sc risk.Score, sig risk.Signals) Risk {
	r := Risk{
		Score:        sc.Value,
		Priority:     sc.Priority,
		Severity:     sc.Severity,
		Reachability: sig.Reachability,
		Exposure:     sig.Exposure,
		Environment:  sig.Environment,
		Criticality:  sig.Criticality,
		SSVC:         SSVCOutcome{Decision: sc.SSVC.Decision, Priority: sc.SSVC.Priority},
	}
	if r.Reachability != findings.Reachable && r.Reachability != findings.Unreachable {
		r.Reachability = findings.ReachabilityUnknown
	}
	if k := sig.KEV; k != nil && k.Listed {
		r.KEV, r.Ransomware = true, k.Ransomware
	}
	if e := sig.EPSS; e != nil {
		p := e.Probability
		r.EPSS = &p
	}
	return r
}

// resolve maps an asset reference to the ID of an inventory asset: the ID
// itself, or the asset of a repository URL, an image reference or a purl.
// A reference the inventory does not hold is kept as given.
func (b *Builder) resolve(ref string) string {
	g := b.graph
	if g == nil {
		return ref
	}
	has := func(id string) bool { _, ok := g.Asset(id); return ok }
	if has(ref) {
		return ref
	}
	if id, err := inventory.RepositoryID(ref); err == nil && has(id) {
		return id
	}
	if id, err := inventory.ImageID(ref, ""); err == nil && has(id) {
		return id
	}
	if id, err := inventory.ComponentID(ref); err == nil && has(id) {
		return id
	}
	return ref
}

// latestCoverage resolves assets and keeps the last run of each asset,
// kind and tool.
func (b *Builder) latestCoverage() []Coverage {
	type key struct {
		asset, tool string
		kind        findings.Kind
	}
	last := map[key]int{}
	var out []Coverage
	for _, c := range b.cov {
		c.Asset = b.resolve(c.Asset)
		k := key{c.Asset, c.Tool, c.Kind}
		if i, ok := last[k]; ok {
			if c.At.After(out[i].At) {
				out[i] = c
			}
			continue
		}
		last[k] = len(out)
		out = append(out, c)
	}
	return out
}

// latestSBOMs resolves assets and keeps the last SBOM of each asset and
// format.
func (b *Builder) latestSBOMs() []SBOM {
	type key struct{ asset, format string }
	last := map[key]int{}
	var out []SBOM
	for _, s := range b.sboms {
		s.Asset = b.resolve(s.Asset)
		k := key{s.Asset, s.Format}
		if i, ok := last[k]; ok {
			if s.At.After(out[i].At) {
				out[i] = s
			}
			continue
		}
		last[k] = len(out)
		out = append(out, s)
	}
	return out
}
