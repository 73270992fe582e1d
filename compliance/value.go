package compliance

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/aspmkit/aspm/internal/opasandbox"
)

// Converting a *Posture to Rego's representation. The findings are most
// of a posture, so they are converted straight from their Go fields, on
// every core, into the value encoding/json followed by
// opasandbox.ParseJSON would give (TestPostureValueMatchesJSON holds the
// two together); the rest of the posture goes through JSON. Repeated
// strings (keys, kinds, severities, timestamps) share one term.

// minFindingsPerWorker keeps small postures on one goroutine.
const minFindingsPerWorker = 2000

// postureValue converts p like opasandbox.ParseJSON(json.Marshal(p)).
// With index, the value carries the index of its findings (index.go).
func postureValue(p *Posture, index bool) (ast.Value, error) {
	index = index && useIndex
	// The rest of the posture (assets, edges, coverage...) goes through
	// JSON on its own goroutine while the findings are converted.
	var (
		obj       ast.Object
		restErr   error
		inventory [][2]*ast.Term
		restWG    sync.WaitGroup
	)
	restWG.Go(func() {
		obj, restErr = restValue(p)
		if restErr == nil && index {
			inventory = inventoryIndex(obj)
		}
	})
	if p.Findings == nil {
		restWG.Wait()
		return obj, restErr
	}
	terms := make([]*ast.Term, len(p.Findings))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(p.Findings)/minFindingsPerWorker))
	parts := make([]*findingIndex, workers)
	errs := make([]error, workers)
	inChunks(len(p.Findings), workers, func(w, lo, hi int) {
		parts[w], errs[w] = convertFindings(p.Findings[lo:hi], terms[lo:hi], index)
	})
	restWG.Wait()
	// The first error in the findings' order, else the rest's.
	err := restErr
	for _, e := range errs {
		if e != nil {
			err = e
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if !index {
		obj.Insert(keyFindings, ast.ArrayTerm(terms...))
		return obj, nil
	}
	x := parts[0]
	for _, part := range parts[1:] {
		x.merge(part)
	}
	// The findings' array is built with the index's, on every core.
	arrays := arrayTerms(append(x.lists(), terms))
	obj.Insert(keyFindings, arrays[len(arrays)-1])
	obj.Insert(indexKeyTerm, x.build(arrays[:len(arrays)-1], inventory))
	return obj, nil
}

// restValue converts the posture but for its findings through JSON.
func restValue(p *Posture) (ast.Object, error) {
	rest := *p
	rest.Findings = nil
	b, err := json.Marshal(&rest)
	if err != nil {
		return nil, err
	}
	v, err := opasandbox.ParseJSON(b)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("posture encodes to %s", ast.ValueName(v))
	}
	return obj, nil
}

// Object keys, shared by every finding.
var (
	keyFindings         = ast.StringTerm("findings")
	keyID               = ast.StringTerm("id")
	keyIdentity         = ast.StringTerm("identity")
	keyCluster          = ast.StringTerm("cluster")
	keyKind             = ast.StringTerm("kind")
	keyTool             = ast.StringTerm("tool")
	keyRuleID           = ast.StringTerm("rule_id")
	keyTitle            = ast.StringTerm("title")
	keySeverity         = ast.StringTerm("severity")
	keyCWEs             = ast.StringTerm("cwes")
	keyVulnerabilityIDs = ast.StringTerm("vulnerability_ids")
	keyPackage          = ast.StringTerm("package")
	keyLocation         = ast.StringTerm("location")
	keyAssets           = ast.StringTerm("assets")
	keyState            = ast.StringTerm("state")
	keyOpen             = ast.StringTerm("open")
	keySuppressed       = ast.StringTerm("suppressed")
	keyVEX              = ast.StringTerm("vex")
	keyFirstSeen        = ast.StringTerm("first_seen")
	keyLastSeen         = ast.StringTerm("last_seen")
	keyFixedAt          = ast.StringTerm("fixed_at")
	keyTriage           = ast.StringTerm("triage")
	keyRisk             = ast.StringTerm("risk")
	keySLA              = ast.StringTerm("sla")
	keyName             = ast.StringTerm("name")
	keyVersion          = ast.StringTerm("version")
	keyPURL             = ast.StringTerm("purl")
	keyEcosystem        = ast.StringTerm("ecosystem")
	keyFixedVersions    = ast.StringTerm("fixed_versions")
	keyPath             = ast.StringTerm("path")
	keyLine             = ast.StringTerm("line")
	keyURL              = ast.StringTerm("url")
	keyImage            = ast.StringTerm("image")
	keyStatus           = ast.StringTerm("status")
	keyJustification    = ast.StringTerm("justification")
	keyAuthor           = ast.StringTerm("author")
	keyAt               = ast.StringTerm("at")
	keyExpires          = ast.StringTerm("expires")
	keyActive           = ast.StringTerm("active")
	keyScore            = ast.StringTerm("score")
	keyPriority         = ast.StringTerm("priority")
	keyKEV              = ast.StringTerm("kev")
	keyRansomware       = ast.StringTerm("ransomware")
	keyEPSS             = ast.StringTerm("epss")
	keyReachability     = ast.StringTerm("reachability")
	keyExposure         = ast.StringTerm("exposure")
	keyEnvironment      = ast.StringTerm("environment")
	keyCriticality      = ast.StringTerm("criticality")
	keySSVC             = ast.StringTerm("ssvc")
	keyDecision         = ast.StringTerm("decision")
	keyDue              = ast.StringTerm("due")
	keyBreached         = ast.StringTerm("breached")
)

// maxInterned bounds the times one converter shares; past it, times get
// their own terms.
const maxInterned = 1 << 16

// maxCacheSlots bounds the slots of each of a converter's caches.
const maxCacheSlots = 1 << 12

// termCache is a direct-mapped cache of terms by key: a value that
// repeats is found again unless another displaced it in between, and a
// value that does not costs one hash, never the growth of a map.
type termCache[K comparable] struct {
	seed  maphash.Seed
	slots []cacheSlot[K] // a power of two of them
}

type cacheSlot[K comparable] struct {
	key  K
	term *ast.Term
}

// newTermCache returns a cache of the power of two of slots nearest
// above n/4, at least 16 and at most maxCacheSlots.
func newTermCache[K comparable](n int) *termCache[K] {
	size := 16
	for size < n/4 && size < maxCacheSlots {
		size *= 2
	}
	return &termCache[K]{seed: maphash.MakeSeed(), slots: make([]cacheSlot[K], size)}
}

// get returns the term cached for k, or nil and the slot k goes in.
func (c *termCache[K]) get(k K) (*ast.Term, int) {
	i := int(maphash.Comparable(c.seed, k) & uint64(len(c.slots)-1))
	if s := &c.slots[i]; s.term != nil && s.key == k {
		return s.term, i
	}
	return nil, i
}

// put caches t for k in slot i and returns t.
func (c *termCache[K]) put(i int, k K, t *ast.Term) *ast.Term {
	c.slots[i].key, c.slots[i].term = k, t
	return t
}

// termMaker builds terms for one goroutine, sharing repeated values:
// strings, times, numbers, single-element string lists, and the small
// objects findings repeat (locations, packages, risks, SSVC outcomes,
// SLAs). Rego values are immutable, so a shared term is
// indistinguishable from a copy, and sharing keeps the live heap (which
// the garbage collector marks while the controls run) small.
type termMaker struct {
	strs  *termCache[string]
	times map[time.Time]*ast.Term
	nums  *termCache[uint64] // by math.Float64bits: 0 and -0 differ
	lists *termCache[string] // one-element string lists by element
	locs  *termCache[locationKey]
	pkgs  *termCache[packageKey]
	risks *termCache[riskKey]
	ssvcs *termCache[[2]string]
	slas  *termCache[slaKey]
	kv    [][2]*ast.Term
	terms termSlab
}

// termSlab hands out terms from slabs: one allocation for many terms
// (which live as long as the value they make up).
type termSlab []ast.Term

// termsPerSlab is the number of terms a slab holds.
const termsPerSlab = 256

// make returns a term of v.
func (s *termSlab) make(v ast.Value) *ast.Term {
	if len(*s) == 0 {
		*s = make(termSlab, termsPerSlab)
	}
	t := &(*s)[0]
	*s = (*s)[1:]
	t.Value = v
	return t
}

// newTermMaker returns a term maker for n findings.
func newTermMaker(n int) *termMaker {
	return &termMaker{
		strs:  newTermCache[string](4 * n),
		times: make(map[time.Time]*ast.Term, 16),
		nums:  newTermCache[uint64](n),
		lists: newTermCache[string](n),
		locs:  newTermCache[locationKey](n),
		pkgs:  newTermCache[packageKey](n),
		risks: newTermCache[riskKey](n),
		ssvcs: newTermCache[[2]string](0),
		slas:  newTermCache[slaKey](n),
	}
}

// The keys of the shared objects: every field the object holds (and no
// pointer, so that hashing a key allocates nothing).
type (
	locationKey struct {
		path, url, image string
		line             int
	}
	packageKey struct {
		name, version, purl, ecosystem string
		fixed                          string // FixedVersions, each after its length
		hasFixed                       bool
	}
	riskKey struct {
		score, epss                        uint64 // math.Float64bits
		hasEPSS, kev, ransomware           bool
		priority, severity, reachability   string
		exposure, environment, criticality string
		ssvc                               [2]string
	}
	slaKey struct {
		due              string
		hasDue, breached bool
	}
)

func (m *termMaker) str(s string) *ast.Term {
	t, i := m.strs.get(s)
	if t != nil {
		return t
	}
	return m.strs.put(i, s, m.terms.make(ast.String(jsonString(s))))
}

// jsonString is s as encoding/json writes it and reads it back: each byte
// that is not part of valid UTF-8 becomes U+FFFD.
func jsonString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// time gives the term encoding/json writes for t, or an error for a
// year it cannot write.
func (m *termMaker) time(t time.Time) (*ast.Term, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("json: error calling MarshalJSON for type time.Time: year %d outside of range [0,9999]", y)
	}
	if term, ok := m.times[t]; ok {
		return term, nil
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		return nil, fmt.Errorf("json: error calling MarshalJSON for type time.Time: timezone hour outside of range [0,23]")
	}
	term := m.str(t.Format(time.RFC3339Nano))
	if len(m.times) < maxInterned {
		m.times[t] = term
	}
	return term, nil
}

func (m *termMaker) strings(list []string) *ast.Term {
	if list == nil {
		return ast.NullTerm()
	}
	if len(list) == 1 {
		t, i := m.lists.get(list[0])
		if t != nil {
			return t
		}
		return m.lists.put(i, list[0], m.terms.make(ast.NewArray(m.str(list[0]))))
	}
	ts := make([]*ast.Term, len(list))
	for i, s := range list {
		ts[i] = m.str(s)
	}
	return m.terms.make(ast.NewArray(ts...))
}

// number gives the term of f as encoding/json writes it.
func (m *termMaker) number(f float64) (*ast.Term, error) {
	bits := math.Float64bits(f)
	t, i := m.nums.get(bits)
	if t != nil {
		return t, nil
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("json: unsupported value: %v", f)
	}
	b, _ := json.Marshal(f) // cannot fail for a finite float
	return m.nums.put(i, bits, m.terms.make(ast.Number(b))), nil
}

func boolean(b bool) *ast.Term { return ast.InternedTerm(b) }

// object builds an object of the pairs collected in m.kv and resets it.
func (m *termMaker) object() *ast.Term {
	t := m.terms.make(ast.NewObject(m.kv...))
	m.kv = m.kv[:0]
	return t
}

func (m *termMaker) put(k, v *ast.Term) { m.kv = append(m.kv, [2]*ast.Term{k, v}) }

func (m *termMaker) putString(k *ast.Term, s string, omitEmpty bool) {
	if s == "" && omitEmpty {
		return
	}
	m.put(k, m.str(s))
}

// putUnique is putString for strings that rarely repeat (IDs, titles):
// looking them up would cost more than their own terms.
func (m *termMaker) putUnique(k *ast.Term, s string, omitEmpty bool) {
	if s == "" && omitEmpty {
		return
	}
	m.put(k, m.terms.make(ast.String(jsonString(s))))
}

func (m *termMaker) putTime(k *ast.Term, t time.Time, omitZero bool) error {
	if omitZero && t.IsZero() {
		return nil
	}
	v, err := m.time(t)
	if err != nil {
		return err
	}
	m.put(k, v)
	return nil
}

// convertFindings writes the term of fs[i] to out[i] and returns the
// index of the findings (empty unless index).
func convertFindings(fs []Finding, out []*ast.Term, index bool) (*findingIndex, error) {
	m := newTermMaker(len(fs))
	x := newFindingIndex()
	for i := range fs {
		t, err := m.finding(&fs[i])
		if err != nil {
			return nil, fmt.Errorf("findings[%s]: %w", fs[i].ID, err)
		}
		out[i] = t
		if index {
			x.add(t, classifyFinding(&fs[i]))
		}
	}
	return x, nil
}

// finding converts f field by field, following Finding's JSON tags.
func (m *termMaker) finding(f *Finding) (*ast.Term, error) {
	var pkg, loc, triage, rsk, sla *ast.Term
	var err error
	if f.Package != nil {
		pkg = m.pkg(f.Package)
	}
	loc = m.location(&f.Location)
	if f.Triage == nil {
		triage = ast.NullTerm()
	} else {
		t := f.Triage
		m.putString(keyStatus, string(t.Status), false)
		m.putUnique(keyJustification, t.Justification, true)
		m.putString(keyAuthor, t.Author, true)
		if err := m.putTime(keyAt, t.At, true); err != nil {
			return nil, err
		}
		if err := m.putTime(keyExpires, t.Expires, true); err != nil {
			return nil, err
		}
		m.put(keyActive, boolean(t.Active))
		triage = m.object()
	}
	if rsk, err = m.risk(&f.Risk); err != nil {
		return nil, err
	}
	if sla, err = m.sla(&f.SLA); err != nil {
		return nil, err
	}

	m.putUnique(keyID, f.ID, false)
	m.putUnique(keyIdentity, f.Identity, false)
	m.putUnique(keyCluster, f.Cluster, true)
	m.putString(keyKind, string(f.Kind), false)
	m.putString(keyTool, f.Tool, false)
	m.putString(keyRuleID, f.RuleID, true)
	m.putUnique(keyTitle, f.Title, false)
	m.putString(keySeverity, string(f.Severity), false)
	if len(f.CWEs) > 0 {
		m.put(keyCWEs, m.strings(f.CWEs))
	}
	if len(f.VulnerabilityIDs) > 0 {
		m.put(keyVulnerabilityIDs, m.strings(f.VulnerabilityIDs))
	}
	if pkg != nil {
		m.put(keyPackage, pkg)
	}
	m.put(keyLocation, loc)
	m.put(keyAssets, m.strings(f.Assets))
	m.putString(keyState, string(f.State), false)
	m.put(keyOpen, boolean(f.Open))
	m.put(keySuppressed, boolean(f.Suppressed))
	m.putString(keyVEX, string(f.VEX), true)
	if err := m.putTime(keyFirstSeen, f.FirstSeen, false); err != nil {
		return nil, err
	}
	if err := m.putTime(keyLastSeen, f.LastSeen, false); err != nil {
		return nil, err
	}
	if err := m.putTime(keyFixedAt, f.FixedAt, true); err != nil {
		return nil, err
	}
	m.put(keyTriage, triage)
	m.put(keyRisk, rsk)
	m.put(keySLA, sla)
	return m.object(), nil
}

// pkg converts a finding's package, shared with the findings of the same
// package.
func (m *termMaker) pkg(p *FindingPackage) *ast.Term {
	k := packageKey{name: p.Name, version: p.Version, purl: p.PURL, ecosystem: p.Ecosystem, hasFixed: len(p.FixedVersions) > 0}
	if k.hasFixed {
		var b strings.Builder
		for _, v := range p.FixedVersions {
			b.WriteString(strconv.Itoa(len(v)))
			b.WriteByte(':')
			b.WriteString(v)
		}
		k.fixed = b.String()
	}
	t, i := m.pkgs.get(k)
	if t != nil {
		return t
	}
	m.putString(keyName, p.Name, true)
	m.putString(keyVersion, p.Version, true)
	m.putString(keyPURL, p.PURL, true)
	m.putString(keyEcosystem, p.Ecosystem, true)
	if k.hasFixed {
		m.put(keyFixedVersions, m.strings(p.FixedVersions))
	}
	return m.pkgs.put(i, k, m.object())
}

// location converts a finding's location, shared with the findings at
// the same place.
func (m *termMaker) location(l *FindingLocation) *ast.Term {
	k := locationKey{path: l.Path, url: l.URL, image: l.Image, line: l.Line}
	t, i := m.locs.get(k)
	if t != nil {
		return t
	}
	m.putString(keyPath, l.Path, true)
	if l.Line != 0 {
		m.put(keyLine, ast.InternedTerm(l.Line))
	}
	m.putString(keyURL, l.URL, true)
	m.putString(keyImage, l.Image, true)
	return m.locs.put(i, k, m.object())
}

// risk converts a finding's risk, shared with the findings scored alike.
func (m *termMaker) risk(r *Risk) (*ast.Term, error) {
	ssvcKey := [2]string{string(r.SSVC.Decision), string(r.SSVC.Priority)}
	ssvc, si := m.ssvcs.get(ssvcKey)
	if ssvc == nil {
		m.putString(keyDecision, ssvcKey[0], false)
		m.putString(keyPriority, ssvcKey[1], false)
		ssvc = m.ssvcs.put(si, ssvcKey, m.object())
	}
	k := riskKey{score: math.Float64bits(r.Score), hasEPSS: r.EPSS != nil, kev: r.KEV, ransomware: r.Ransomware,
		priority: string(r.Priority), severity: string(r.Severity), reachability: string(r.Reachability),
		exposure: string(r.Exposure), environment: string(r.Environment), criticality: string(r.Criticality), ssvc: ssvcKey}
	if k.hasEPSS {
		k.epss = math.Float64bits(*r.EPSS)
	}
	t, ri := m.risks.get(k)
	if t != nil {
		return t, nil
	}
	score, err := m.number(r.Score)
	if err != nil {
		return nil, err
	}
	m.put(keyScore, score)
	m.putString(keyPriority, string(r.Priority), false)
	m.putString(keySeverity, string(r.Severity), false)
	m.put(keyKEV, boolean(r.KEV))
	if r.Ransomware {
		m.put(keyRansomware, boolean(true))
	}
	if r.EPSS != nil {
		epss, err := m.number(*r.EPSS)
		if err != nil {
			m.kv = m.kv[:0]
			return nil, err
		}
		m.put(keyEPSS, epss)
	}
	m.putString(keyReachability, string(r.Reachability), false)
	m.putString(keyExposure, string(r.Exposure), true)
	m.putString(keyEnvironment, string(r.Environment), true)
	m.putString(keyCriticality, string(r.Criticality), true)
	m.put(keySSVC, ssvc)
	return m.risks.put(ri, k, m.object()), nil
}

// sla converts a finding's SLA, shared with the findings due alike.
func (m *termMaker) sla(s *SLA) (*ast.Term, error) {
	var due *ast.Term
	if !s.Due.IsZero() {
		var err error
		if due, err = m.time(s.Due); err != nil {
			return nil, err
		}
	}
	k := slaKey{hasDue: due != nil, breached: s.Breached}
	if due != nil {
		k.due = string(due.Value.(ast.String))
	}
	t, i := m.slas.get(k)
	if t != nil {
		return t, nil
	}
	if due != nil {
		m.put(keyDue, due)
	}
	m.put(keyBreached, boolean(s.Breached))
	return m.slas.put(i, k, m.object()), nil
}
