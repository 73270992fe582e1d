package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk/cvss"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
)

// Asset is what is known of the asset a finding is on. Its zero value means
// nothing is known.
type Asset struct {
	Exposure        Exposure
	Environment     Environment
	Criticality     Criticality
	DataSensitivity DataSensitivity
	// CompensatingControls names controls that make exploitation harder.
	CompensatingControls []string
}

// Requirements returns the CVSS security requirements (CR, IR, AR: "L",
// "M" or "H") an asset implies, for the environmental score:
// confidentiality and integrity requirements follow the data sensitivity
// (restricted and confidential: H, internal: M, public: L), availability
// follows criticality (critical and high: H, medium: M, low: L). Unknown
// attributes set nothing; the map is empty when nothing is known.
func (a Asset) Requirements() map[string]string {
	req := map[string]string{}
	switch a.DataSensitivity {
	case DataRestricted, DataConfidential:
		req["CR"], req["IR"] = "H", "H"
	case DataInternal:
		req["CR"], req["IR"] = "M", "M"
	case DataPublic:
		req["CR"], req["IR"] = "L", "L"
	}
	switch a.Criticality {
	case CriticalityCritical, CriticalityHigh:
		req["AR"] = "H"
	case CriticalityMedium:
		req["AR"] = "M"
	case CriticalityLow:
		req["AR"] = "L"
	}
	return req
}

// Context is what [SignalsFrom] adds to a finding: feeds, the asset, and a
// cache of parsed vectors. Its zero value adds nothing.
type Context struct {
	// EPSS and KEV are the feeds to look the finding's vulnerability IDs up
	// in. When nil, EPSS and KEV data the scanner embedded in the finding
	// (Grype does) is used instead.
	EPSS *epss.Feed
	KEV  *kev.Catalog
	// Asset describes the asset the finding is on.
	Asset Asset
	// Environmental, when true, applies the asset's [Asset.Requirements]
	// to the CVSS vector as environmental metrics (CR, IR, AR), so that the
	// severity signal is the environmental score.
	Environmental bool
	// FirstSeen is when the finding was first seen (correlate's lifecycle
	// tracks it); zero when unknown.
	FirstSeen time.Time
	// Vectors caches parsed vectors across calls; nil parses every time.
	Vectors *VectorCache
}

// VectorCache caches parsed CVSS vectors, with and without environmental
// overrides, so that scoring many findings parses each distinct vector
// once. Its zero value is ready to use; it is safe for concurrent use and
// grows with the number of distinct vectors (it never evicts).
type VectorCache struct {
	m sync.Map // key string → cacheEntry
}

type cacheEntry struct {
	v   *cvss.Vector
	err error
}

// Parse returns the parsed vector s with the metrics in overrides set
// (nil or empty for none), from the cache when it was parsed before.
func (c *VectorCache) Parse(s string, overrides map[string]string) (*cvss.Vector, error) {
	key := s
	if len(overrides) > 0 {
		key = s + "|" + overrideKey(overrides)
	}
	if e, ok := c.m.Load(key); ok {
		ce := e.(cacheEntry)
		return ce.v, ce.err
	}
	v, err := parseWith(s, overrides)
	c.m.Store(key, cacheEntry{v, err})
	return v, err
}

// parseWith parses a vector as advisories write them: CVSS v2 and v4.0
// metrics in any order (see cvss.Options.AnyOrder).
func parseWith(s string, overrides map[string]string) (*cvss.Vector, error) {
	v, err := cvss.ParseWith(s, cvss.Options{AnyOrder: true})
	if err != nil || len(overrides) == 0 {
		return v, err
	}
	return v.With(overrides)
}

func overrideKey(m map[string]string) string {
	// Three metrics at most in practice: a sorted insertion is enough.
	keys := make([]string, 0, len(m))
	for k := range m {
		i := len(keys)
		keys = append(keys, k)
		for i > 0 && keys[i-1] > k {
			keys[i] = keys[i-1]
			i--
		}
		keys[i] = k
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(m[k])
		b.WriteByte('/')
	}
	return b.String()
}

// SignalsFrom gathers the signals of a finding: its best CVSS vector (the
// highest version that parses; with [Context.Environmental], rescored with
// the asset's requirements), its severity, EPSS and KEV data (from the
// context's feeds, looked up under every vulnerability ID and alias of the
// finding, else from what the scanner embedded), the exploit maturity the
// vector states, reachability, VEX status, dependency scope and
// relationship, whether a fixed version exists, and the asset context.
//
// The signals are always usable. The error, when not nil, lists the CVSS
// vectors of the finding that did not parse (each wraps [cvss.ErrInvalid]);
// they were left out.
func SignalsFrom(f findings.Finding, ctx Context) (Signals, error) {
	s := Signals{
		Severity:             f.Severity,
		Reachability:         f.Reachability,
		Exposure:             ctx.Asset.Exposure,
		Environment:          ctx.Asset.Environment,
		Criticality:          ctx.Asset.Criticality,
		DataSensitivity:      ctx.Asset.DataSensitivity,
		CompensatingControls: ctx.Asset.CompensatingControls,
		FirstSeen:            ctx.FirstSeen,
	}
	if f.Reachability == findings.Reachable || f.Reachability == findings.Unreachable {
		s.ReachabilityEvidence = f.Tool.Name
	}
	if f.VEX != nil {
		s.VEX = f.VEX.Status
	}
	if p := f.Package; p != nil {
		s.Scope, s.Relationship = p.Scope, p.Relationship
		if len(p.FixedVersions) > 0 {
			s.FixAvailable = Yes
		}
	}

	var errs []error
	var overrides map[string]string
	if ctx.Environmental {
		overrides = ctx.Asset.Requirements()
	}
	for _, c := range f.CVSS {
		if c.Vector == "" {
			continue
		}
		var v *cvss.Vector
		var err error
		if ctx.Vectors != nil {
			v, err = ctx.Vectors.Parse(c.Vector, overrides)
		} else {
			v, err = parseWith(c.Vector, overrides)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("finding %s: %w", f.ID, err))
			continue
		}
		if s.CVSS == nil || versionRank(v.Version()) > versionRank(s.CVSS.Version()) {
			s.CVSS = v
		}
	}
	s.Exploit = exploitOf(s.CVSS)

	if ctx.EPSS != nil {
		if e, ok := ctx.EPSS.LookupAny(f.VulnerabilityIDs...); ok {
			s.EPSS = &EPSS{Probability: e.Probability, Percentile: e.Percentile, CVE: e.CVE, Version: ctx.EPSS.Version()}
		}
	} else {
		s.EPSS = embeddedEPSS(f)
	}
	if ctx.KEV != nil {
		s.KEV = &KEV{Version: ctx.KEV.Version()}
		if e, ok := ctx.KEV.LookupAny(f.VulnerabilityIDs...); ok {
			s.KEV.Listed, s.KEV.CVE = true, e.CVE
			s.KEV.Ransomware = e.Ransomware()
			s.KEV.DateAdded, s.KEV.DueDate = e.DateAdded, e.DueDate
		}
	} else {
		s.KEV = embeddedKEV(f)
	}
	return s, errors.Join(errs...)
}

// ScoreFinding is [SignalsFrom] followed by [Model.Score]: the pipeline in
// one call. The error is SignalsFrom's; the score is always set.
func (m Model) ScoreFinding(f findings.Finding, ctx Context) (Score, error) {
	s, err := SignalsFrom(f, ctx)
	return m.Score(s), err
}

func versionRank(v cvss.Version) int {
	switch v {
	case cvss.V2:
		return 1
	case cvss.V30:
		return 2
	case cvss.V31:
		return 3
	case cvss.V40:
		return 4
	}
	return 0
}

// exploitOf reads the exploit maturity a vector states.
func exploitOf(v *cvss.Vector) ExploitMaturity {
	if v == nil {
		return ExploitUnknown
	}
	e, ok := v.Metric("E")
	if !ok {
		return ExploitUnknown
	}
	switch v.Version() {
	case cvss.V40:
		switch e {
		case "A":
			return ExploitAttacked
		case "P":
			return ExploitPoC
		case "U":
			return ExploitUnreported
		}
	case cvss.V30, cvss.V31:
		switch e {
		case "H", "F", "P":
			return ExploitPoC
		case "U":
			return ExploitUnreported
		}
	case cvss.V2:
		switch e {
		case "H", "F", "POC":
			return ExploitPoC
		case "U":
			return ExploitUnreported
		}
	}
	return ExploitUnknown
}

// embeddedEPSS reads the EPSS entries a scanner attached to the finding
// (Grype's "epss" property: cve, epss, percentile, date), keeping the
// highest probability.
func embeddedEPSS(f findings.Finding) *EPSS {
	list, _ := f.Properties["epss"].([]any)
	var best *EPSS
	for _, item := range list {
		m, _ := item.(map[string]any)
		p, ok1 := number(m["epss"])
		pct, ok2 := number(m["percentile"])
		if !ok1 || !validProbability(p) {
			continue
		}
		if !ok2 || !validProbability(pct) {
			pct = 0
		}
		if best == nil || p > best.Probability {
			cve, _ := m["cve"].(string)
			version := f.Tool.Name
			if d, _ := m["date"].(string); d != "" {
				version += "@" + d
			}
			best = &EPSS{Probability: p, Percentile: pct, CVE: cve, Version: version}
		}
	}
	return best
}

// embeddedKEV reads the KEV entries a scanner attached to the finding
// (Grype's "kev" property). Without any, it returns nil: the scanner not
// saying so does not mean the catalog does not list it.
func embeddedKEV(f findings.Finding) *KEV {
	list, _ := f.Properties["kev"].([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		if m == nil {
			continue
		}
		k := &KEV{Listed: true, Version: f.Tool.Name}
		k.CVE, _ = m["cve"].(string)
		ru, _ := m["known_ransomware_campaign_use"].(string)
		k.Ransomware = strings.EqualFold(ru, "known")
		if d, _ := m["date_added"].(string); d != "" {
			k.DateAdded, _ = time.Parse(time.DateOnly, d)
		}
		if d, _ := m["due_date"].(string); d != "" {
			k.DueDate, _ = time.Parse(time.DateOnly, d)
		}
		return k
	}
	return nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	}
	return 0, false
}
