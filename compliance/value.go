package compliance

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

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
func postureValue(p *Posture) (ast.Value, error) {
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
	if p.Findings == nil {
		return obj, nil
	}
	terms := make([]*ast.Term, len(p.Findings))
	workers := min(runtime.GOMAXPROCS(0), len(p.Findings)/minFindingsPerWorker)
	var x *findingIndex
	if workers <= 1 {
		x, err = convertFindings(p.Findings, terms)
	} else {
		errs := make([]error, workers)
		parts := make([]*findingIndex, workers)
		var wg sync.WaitGroup
		for w := range workers {
			lo, hi := w*len(p.Findings)/workers, (w+1)*len(p.Findings)/workers
			wg.Go(func() { parts[w], errs[w] = convertFindings(p.Findings[lo:hi], terms[lo:hi]) })
		}
		wg.Wait()
		for _, e := range errs {
			if e != nil {
				err = e
				break
			}
		}
		if err == nil {
			x = parts[0]
			for _, part := range parts[1:] {
				x.merge(part)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	obj.Insert(keyFindings, ast.ArrayTerm(terms...))
	if useIndex {
		obj.Insert(indexKeyTerm, x.term())
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

// maxInterned bounds the strings one converter shares; past it, strings
// get their own terms.
const maxInterned = 1 << 16

// termMaker builds terms for one goroutine, sharing repeated strings.
type termMaker struct {
	strs  map[string]*ast.Term
	times map[time.Time]*ast.Term
	kv    [][2]*ast.Term
}

func (m *termMaker) str(s string) *ast.Term {
	if t, ok := m.strs[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	if len(m.strs) < maxInterned {
		m.strs[s] = t
	}
	return t
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
	ts := make([]*ast.Term, len(list))
	for i, s := range list {
		ts[i] = m.str(s)
	}
	return ast.ArrayTerm(ts...)
}

func number(f float64) (*ast.Term, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("json: unsupported value: %v", f)
	}
	b, _ := json.Marshal(f) // cannot fail for a finite float
	return ast.NumberTerm(json.Number(b)), nil
}

func boolean(b bool) *ast.Term { return ast.InternedTerm(b) }

// object builds an object of the pairs collected in m.kv and resets it.
func (m *termMaker) object() *ast.Term {
	t := ast.ObjectTerm(m.kv...)
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
	m.put(k, ast.StringTerm(s))
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
// index of the findings.
func convertFindings(fs []Finding, out []*ast.Term) (*findingIndex, error) {
	m := &termMaker{strs: make(map[string]*ast.Term, 256), times: make(map[time.Time]*ast.Term, 256)}
	x := newFindingIndex()
	for i := range fs {
		t, err := m.finding(&fs[i])
		if err != nil {
			return nil, fmt.Errorf("findings[%s]: %w", fs[i].ID, err)
		}
		out[i] = t
		x.add(t, classifyFinding(&fs[i]))
	}
	return x, nil
}

// finding converts f field by field, following Finding's JSON tags.
func (m *termMaker) finding(f *Finding) (*ast.Term, error) {
	var pkg, loc, triage, rsk, sla *ast.Term
	if f.Package != nil {
		p := f.Package
		m.putString(keyName, p.Name, true)
		m.putString(keyVersion, p.Version, true)
		m.putString(keyPURL, p.PURL, true)
		m.putString(keyEcosystem, p.Ecosystem, true)
		if len(p.FixedVersions) > 0 {
			m.put(keyFixedVersions, m.strings(p.FixedVersions))
		}
		pkg = m.object()
	}
	m.putString(keyPath, f.Location.Path, true)
	if f.Location.Line != 0 {
		m.put(keyLine, ast.InternedTerm(f.Location.Line))
	}
	m.putString(keyURL, f.Location.URL, true)
	m.putString(keyImage, f.Location.Image, true)
	loc = m.object()
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
	{
		r := &f.Risk
		score, err := number(r.Score)
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
			epss, err := number(*r.EPSS)
			if err != nil {
				return nil, err
			}
			m.put(keyEPSS, epss)
		}
		m.putString(keyReachability, string(r.Reachability), false)
		m.putString(keyExposure, string(r.Exposure), true)
		m.putString(keyEnvironment, string(r.Environment), true)
		m.putString(keyCriticality, string(r.Criticality), true)
		kv := m.kv
		m.kv = nil
		m.putString(keyDecision, string(r.SSVC.Decision), false)
		m.putString(keyPriority, string(r.SSVC.Priority), false)
		ssvc := m.object()
		m.kv = append(kv, [2]*ast.Term{keySSVC, ssvc})
		rsk = m.object()
	}
	if err := m.putTime(keyDue, f.SLA.Due, true); err != nil {
		return nil, err
	}
	m.put(keyBreached, boolean(f.SLA.Breached))
	sla = m.object()

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
