package compliance

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/ssvc"
)

// PostureVersion is the version of the posture document this package
// writes and reads. It changes when a field is renamed or removed or its
// meaning changes; fields are only added within a version.
const PostureVersion = "aspm-posture/1"

// Posture is the document the controls judge: a snapshot, at one moment,
// of the assets and their relations, the findings with their lifecycle and
// risk, which scanners covered which asset, which SBOMs exist, and what
// access analyzers reported. Its JSON form is versioned ([PostureVersion])
// and described by the JSON Schema in the compliance/schema package; the
// field comments below are the reference for policy authors.
//
// Build one with a [Builder]; read one with [ReadPosture]. A Posture from
// either is canonical: every list sorted (see [Builder.Build]) and
// present (never nil, so never null in JSON), every time in UTC to the
// second, so that the same inputs give the same bytes and times compare as
// strings in Rego. Encode it with encoding/json; check a Posture built by
// hand with [Posture.Validate].
//
// A Posture is a plain value: safe to read from several goroutines, not to
// modify concurrently.
type Posture struct {
	// Version is [PostureVersion].
	Version string `json:"version"`
	// GeneratedAt is the moment the posture describes: SLA breaches and
	// triage expiry are judged at this time. Policies must use it instead
	// of the clock (the policy sandbox has none).
	GeneratedAt time.Time `json:"generated_at"`
	// Assets are the inventory's assets, in ID order, with their
	// attributes: kind, exposure, environment, criticality, data class and
	// tags, owner, tags, properties.
	Assets []inventory.Asset `json:"assets"`
	// Edges are the inventory's typed relations, ordered by source, target
	// and type.
	Edges []inventory.Edge `json:"edges"`
	// Findings are the findings, in ID order.
	Findings []Finding `json:"findings"`
	// Coverage says which scanner ran on which asset, and when it last
	// did; ordered by asset, kind, tool.
	Coverage []Coverage `json:"coverage"`
	// SBOMs says which asset has an SBOM in which format, and when it was
	// last produced; ordered by asset and format.
	SBOMs []SBOM `json:"sboms"`
	// Access holds the results of access analyzers, free-form objects
	// (conventionally with "principal", "kind" and "issue" keys), ordered
	// by those keys and then by their JSON encoding.
	Access []map[string]any `json:"access"`
}

// Finding is one finding as the controls see it: what was found, on which
// assets, where it stands in its lifecycle, how risky it is and whether it
// is past its SLA.
//
// A Finding is a plain value: safe to read from several goroutines.
type Finding struct {
	// ID identifies the finding in the posture: the first 16 bytes, in
	// hex, of the SHA-256 of its identity key and its asset IDs. It is
	// stable across scans as long as the identity and the links are, and
	// unique in a posture. Control evidence names findings by it
	// ("finding:<id>").
	ID string `json:"id"`
	// Identity is the identity key correlate gives the finding (the
	// [correlate.Record] ID under which its lifecycle and triage are kept).
	Identity string `json:"identity"`
	// Cluster names the cross-tool cluster the finding belongs to (see
	// [correlate.Dedup]): findings of several tools that report one problem
	// share it. It is the cluster ID the lifecycle records keep, else the
	// smallest identity key among the cluster's findings.
	Cluster string `json:"cluster,omitempty"`
	// Kind is the class of problem: sast, sca, secret, iac, dast,
	// container, license, access, other (also for a finding whose kind was
	// not one of these).
	Kind findings.Kind `json:"kind"`
	// Tool names the scanner, as it names itself ("gosec", "Trivy");
	// "unknown" when it did not.
	Tool string `json:"tool"`
	// RuleID is the tool's rule, or the primary vulnerability ID.
	RuleID string `json:"rule_id,omitempty"`
	// Title is a one-line summary.
	Title string `json:"title"`
	// Severity is the tool's severity, normalized: critical, high, medium,
	// low, info or unknown.
	Severity findings.Severity `json:"severity"`
	// CWEs ("CWE-89") and VulnerabilityIDs (primary first, aliases after).
	CWEs             []string `json:"cwes,omitempty"`
	VulnerabilityIDs []string `json:"vulnerability_ids,omitempty"`
	// Package is the affected package, for dependency findings.
	Package *FindingPackage `json:"package,omitempty"`
	// Location is where the finding is.
	Location FindingLocation `json:"location"`
	// Assets lists the IDs of the inventory assets the finding is about
	// (see [correlate.Link]), sorted; empty, never absent, when it links
	// to none.
	Assets []string `json:"assets"`
	// State is the lifecycle state the last scan gave the finding: new,
	// unchanged, updated, fixed or reopened.
	State correlate.State `json:"state"`
	// Open reports whether the latest scan that ran the finding's tool saw
	// it. A fixed finding is not open.
	Open bool `json:"open"`
	// Suppressed reports whether the finding is suppressed at GeneratedAt:
	// by an active triage, by a suppression the tool recorded, or by a VEX
	// status of not_affected or fixed. It is the one authority on
	// suppression: the built-in controls read it, not Triage, so whether
	// an acceptance has expired is decided once, by the builder.
	Suppressed bool `json:"suppressed"`
	// VEX is the VEX status carried with the finding, when there is one.
	VEX findings.VEXStatus `json:"vex,omitempty"`
	// FirstSeen and LastSeen are scan times; FixedAt is when a scan found
	// it gone (fixed findings only).
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	FixedAt   time.Time `json:"fixed_at,omitzero"`
	// Triage is the analyst's decision, or null.
	Triage *Triage `json:"triage"`
	// Risk is the finding's risk score and the signals behind it.
	Risk Risk `json:"risk"`
	// SLA is where the finding stands against its remediation deadline.
	SLA SLA `json:"sla"`
}

// FindingPackage is the package a dependency finding is about. Like every
// part of a [Posture], it is a plain value, safe to read concurrently.
type FindingPackage struct {
	Name          string   `json:"name,omitempty"`
	Version       string   `json:"version,omitempty"`
	PURL          string   `json:"purl,omitempty"`
	Ecosystem     string   `json:"ecosystem,omitempty"`
	FixedVersions []string `json:"fixed_versions,omitempty"`
}

// FindingLocation is where a finding is: a file and line for code, a URL
// for DAST, an image for containers. A plain value, safe to read
// concurrently.
type FindingLocation struct {
	Path  string `json:"path,omitempty"`
	Line  int    `json:"line,omitempty"`
	URL   string `json:"url,omitempty"`
	Image string `json:"image,omitempty"`
}

// Triage is an analyst's decision about a finding (see
// [correlate.Triage]). A plain value, safe to read concurrently.
type Triage struct {
	// Status is false_positive, accepted_risk, not_affected or wont_fix.
	Status correlate.TriageStatus `json:"status"`
	// Justification says why; Author who decided (the risk owner, for an
	// accepted risk).
	Justification string `json:"justification,omitempty"`
	Author        string `json:"author,omitempty"`
	// At is when it was decided; Expires when it ends (absent: never).
	At      time.Time `json:"at,omitzero"`
	Expires time.Time `json:"expires,omitzero"`
	// Active reports whether the decision holds at the posture's
	// GeneratedAt (it has not expired).
	Active bool `json:"active"`
}

// Risk is a finding's risk (see [risk.Score]) with the signals controls ask
// about most. A plain value, safe to read concurrently.
type Risk struct {
	// Score is 0 to 100; Priority P1 (fix now) to P4.
	Score    float64       `json:"score"`
	Priority risk.Priority `json:"priority"`
	// Severity is the severity behind the score: the CVSS rating when a
	// vector was known, else the tool's.
	Severity findings.Severity `json:"severity"`
	// KEV reports whether CISA's KEV catalog lists the vulnerability;
	// Ransomware whether it is known to be used by ransomware.
	KEV        bool `json:"kev"`
	Ransomware bool `json:"ransomware,omitempty"`
	// EPSS is the EPSS probability, when known.
	EPSS *float64 `json:"epss,omitempty"`
	// Reachability is reachable, unreachable or unknown (not analysed, or
	// analysed at module level only).
	Reachability findings.Reachability `json:"reachability"`
	// Exposure, Environment and Criticality are those of the assets the
	// finding is about (the most exposed, most production-like, most
	// critical), when known.
	Exposure    risk.Exposure    `json:"exposure,omitempty"`
	Environment risk.Environment `json:"environment,omitempty"`
	Criticality risk.Criticality `json:"criticality,omitempty"`
	// SSVC is the SSVC outcome.
	SSVC SSVCOutcome `json:"ssvc"`
}

// SSVCOutcome is a finding's SSVC outcome: the CISA coordinator decision
// (track, track*, attend, act) and the deployer priority (defer,
// scheduled, out-of-cycle, immediate). A plain value, safe to read
// concurrently.
type SSVCOutcome struct {
	Decision ssvc.Decision `json:"decision"`
	Priority ssvc.Priority `json:"priority"`
}

// SLA is where a finding stands against its remediation deadline. A plain
// value, safe to read concurrently.
type SLA struct {
	// Due is the deadline (first seen plus the window of its priority);
	// absent when the priority has no deadline.
	Due time.Time `json:"due,omitzero"`
	// Breached reports, for an open finding, whether GeneratedAt is past
	// Due; for a fixed one, whether it was fixed after Due.
	Breached bool `json:"breached"`
}

// Coverage records that a scanner ran on an asset. A plain value, safe to
// read concurrently.
type Coverage struct {
	// Asset is the ID of the asset scanned.
	Asset string `json:"asset"`
	// Tool names the scanner, as findings name it ("gosec").
	Tool string `json:"tool"`
	// Kind is what the scan looks for: sast, sca, secret, iac, dast,
	// container, license, access or other.
	Kind findings.Kind `json:"kind"`
	// At is when it last ran.
	At time.Time `json:"at"`
}

// SBOM records that an SBOM describes an asset. A plain value, safe to
// read concurrently.
type SBOM struct {
	// Asset is the ID of the asset the SBOM describes.
	Asset string `json:"asset"`
	// Format is the SBOM format: "cyclonedx", "spdx".
	Format string `json:"format"`
	// At is when it was last produced.
	At time.Time `json:"at"`
}

// Sentinel errors. [ReadPosture] and [Posture.Validate] wrap them in a
// [*PostureError], so callers test them with [errors.Is].
var (
	// ErrPostureSyntax: the input is not well-formed JSON, or holds more
	// than one document.
	ErrPostureSyntax = errors.New("compliance: posture syntax error")
	// ErrPostureInvalid: the input is well-formed but breaks the posture's
	// rules: an unknown field, a value of the wrong type or outside its
	// vocabulary, a required field missing, an ID declared twice, a
	// reference to an asset the posture does not hold.
	ErrPostureInvalid = errors.New("compliance: invalid posture")
	// ErrPostureVersion: the document's "version" is not [PostureVersion].
	ErrPostureVersion = errors.New("compliance: unsupported posture version")
	// ErrPostureLimit: the input is larger than limits.MaxDocumentBytes.
	ErrPostureLimit = errors.New("compliance: posture limit exceeded")
)

// PostureError reports a problem in a posture document: which file, where
// (byte offset, line and column, path), and the cause. Use [errors.As] to
// get one and [errors.Is] to test the cause against the ErrPosture
// sentinels.
//
// A PostureError is a value: it is safe to read from several goroutines.
type PostureError struct {
	// File names the input, when the reader has a name (an *os.File).
	File string
	// Offset is the byte offset of the problem in the input; -1 when
	// unknown (always for [Posture.Validate]).
	Offset int64
	// Line and Column locate Offset, 1-based, the column in bytes (a
	// leading byte order mark not counted); 0 when unknown.
	Line, Column int
	// Path locates the problem in the document, like
	// "findings[3].severity"; empty when unknown.
	Path string
	// Err is the cause. It wraps one of the ErrPosture sentinels.
	Err error
}

func (e *PostureError) Error() string {
	var b strings.Builder
	b.WriteString("compliance: posture: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "compliance: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *PostureError) Unwrap() error { return e.Err }

// ReadPosture reads one posture document (JSON) from r, checks it against
// the rules of [PostureVersion] (the same rules as the JSON Schema: no
// unknown field, every required field, every value in its vocabulary,
// unique IDs, references to assets the posture holds) and returns it in
// canonical form: lists sorted as [Builder.Build] sorts them, times in UTC
// to the second.
//
// The input is read whole, up to limits.MaxDocumentBytes. When r has a
// Name method (an *os.File does), errors name the file. Errors are
// [*PostureError]s wrapping [ErrPostureSyntax], [ErrPostureInvalid],
// [ErrPostureVersion] or [ErrPostureLimit], located by line, column and
// path where possible; an error reading r is returned wrapped, without a
// sentinel.
func ReadPosture(r io.Reader) (*Posture, error) {
	name := ""
	if n, ok := r.(interface{ Name() string }); ok {
		name = n.Name()
	}
	bom := int64(0) // offsets count a byte order mark; lines and columns do not
	fail := func(data []byte, off int64, path string, err error) error {
		e := &PostureError{File: name, Offset: off, Path: path, Err: err}
		if off >= 0 && data != nil {
			e.Line, e.Column = postureLineCol(data, off)
			e.Offset += bom
		}
		return e
	}
	data, lerr, err := postureReadAll(r)
	if err != nil {
		// Not a problem of the document: no sentinel.
		return nil, fmt.Errorf("compliance: posture: reading %s: %w", cmp.Or(name, "input"), err)
	}
	if lerr != nil {
		if lerr.off < 0 {
			return nil, fail(nil, -1, "", lerr.err)
		}
		e := fail(data, lerr.off, "", lerr.err).(*PostureError)
		if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			// fail counts lines in data without the mark, offsets with it.
			e.Line, e.Column = postureLineCol(data[3:], lerr.off-3)
		}
		return nil, e
	}
	if int64(len(data)) > limits.MaxDocumentBytes {
		return nil, fail(nil, -1, "", fmt.Errorf("%w: larger than %d bytes", ErrPostureLimit, int64(limits.MaxDocumentBytes)))
	}
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		data, bom = rest, 3
	}

	var p Posture
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		// A document of another version may fail on its new fields:
		// report the version instead.
		if v, ok := postureProbeVersion(data); ok && v != "" && v != PostureVersion {
			return nil, fail(data, postureLocate(data, []any{"version"}), "version", fmt.Errorf("%w: %q (want %q)", ErrPostureVersion, v, PostureVersion))
		}
		return nil, postureDecodeError(data, dec, err, fail)
	}
	if tok, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		if err == nil {
			err = fmt.Errorf("unexpected %v", tok)
		}
		return nil, fail(data, off, "", fmt.Errorf("%w: data after the document: %v", ErrPostureSyntax, err))
	}
	if p.Version != "" && p.Version != PostureVersion {
		return nil, fail(data, postureLocate(data, []any{"version"}), "version",
			fmt.Errorf("%w: %q (want %q)", ErrPostureVersion, p.Version, PostureVersion))
	}
	if path, off, err := postureCheckShape(data); err != nil {
		return nil, fail(data, off, postureFormatPath(path), err)
	}
	if p.Version != PostureVersion {
		return nil, fail(data, postureLocate(data, []any{"version"}), "version",
			fmt.Errorf("%w: %q (want %q)", ErrPostureVersion, p.Version, PostureVersion))
	}
	if path, err := p.validate(); err != nil {
		return nil, fail(data, postureLocate(data, path), postureFormatPath(path), err)
	}
	p.canonicalize()
	return &p, nil
}

// postureDecodeError turns an encoding/json error into a PostureError.
func postureDecodeError(data []byte, dec *json.Decoder, err error, fail func([]byte, int64, string, error) error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := se.Offset
		if strings.HasPrefix(se.Error(), "invalid character") && off > 0 {
			off-- // encoding/json counts the offending byte as read
		}
		return fail(data, off, "", fmt.Errorf("%w: %s", ErrPostureSyntax, strings.TrimPrefix(se.Error(), "json: ")))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fail(data, int64(len(data)), "", fmt.Errorf("%w: unexpected end of input", ErrPostureSyntax))
	case errors.As(err, &te):
		path, start := posturePathAt(data, te.Offset)
		if start < 0 {
			return fail(data, te.Offset, te.Field, fmt.Errorf("%w: %s where %s is expected", ErrPostureInvalid, te.Value, postureTypeName(te)))
		}
		return fail(data, start, postureFormatPath(path), fmt.Errorf("%w: %s where %s is expected", ErrPostureInvalid, te.Value, postureTypeName(te)))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	// Errors of a field's own decoding come without a position: find the
	// value they name.
	var tpe *time.ParseError
	switch {
	case errors.As(err, &tpe):
		if path, start := postureStringAt(data, tpe.Value, nil); start >= 0 {
			return fail(data, start, postureFormatPath(path), fmt.Errorf("%w: %q is not an RFC 3339 time", ErrPostureInvalid, tpe.Value))
		}
	case strings.Contains(msg, "Time.UnmarshalJSON"):
		// A time given as a number, a boolean, an object...
		if path, start := postureNonStringAt(data, postureTimeKeys); start >= 0 {
			return fail(data, start, postureFormatPath(path), fmt.Errorf("%w: %s is not an RFC 3339 time", ErrPostureInvalid, postureKind(data[start])))
		}
	case strings.HasPrefix(msg, "findings: invalid severity "):
		if v, err := strconv.Unquote(strings.TrimPrefix(msg, "findings: invalid severity ")); err == nil {
			if path, start := postureStringAt(data, v, []string{"severity"}); start >= 0 {
				return fail(data, start, postureFormatPath(path), fmt.Errorf("%w: unknown severity %q", ErrPostureInvalid, v))
			}
		}
	}
	if key, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if k, err := strconv.Unquote(key); err == nil {
			if path, start := postureKeyAt(data, k); start >= 0 {
				return fail(data, start, postureFormatPath(path), fmt.Errorf("%w: unknown field %q", ErrPostureInvalid, k))
			}
		}
	}
	return fail(data, -1, "", fmt.Errorf("%w: %s", ErrPostureInvalid, strings.TrimPrefix(msg, "findings: ")))
}

func postureTypeName(te *json.UnmarshalTypeError) string {
	if te.Type == nil {
		return "another type"
	}
	if te.Type.String() == "time.Time" {
		return "an RFC 3339 time"
	}
	switch te.Type.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// postureProbeVersion reads the top-level "version" of a document that may
// not be a valid posture.
func postureProbeVersion(data []byte) (string, bool) {
	var probe struct {
		Version any `json:"version"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return "", false
	}
	s, ok := probe.Version.(string)
	return s, ok
}

// postureRequiredKeys lists the keys each kind of object of a posture
// must hold (see postureObjectKind).
var postureRequiredKeys = map[string][]string{
	"root":     {"version", "generated_at", "assets", "edges", "findings", "coverage", "sboms", "access"},
	"asset":    {"id", "kind"},
	"edge":     {"from", "to", "type"},
	"finding":  {"id", "identity", "kind", "tool", "title", "severity", "location", "assets", "state", "open", "suppressed", "first_seen", "last_seen", "triage", "risk", "sla"},
	"triage":   {"status", "active"},
	"risk":     {"score", "priority", "severity", "kev", "reachability", "ssvc"},
	"ssvc":     {"decision", "priority"},
	"sla":      {"breached"},
	"coverage": {"asset", "tool", "kind", "at"},
	"sbom":     {"asset", "format", "at"},
}

// postureFrame is one open array or object of postureCheckShape.
type postureFrame struct {
	obj   bool
	key   []byte   // the current key, in an object (unescaped)
	index int      // the current index, in an array
	req   []string // the keys the object requires (see postureRequiredKeys)
	seen  uint32   // which of req were seen, by position
	start int64
}

// postureObjectKind names the kind of an object opened under stack.
func postureObjectKind(stack []postureFrame) string {
	switch len(stack) {
	case 0:
		return "root"
	case 2:
		switch string(stack[0].key) {
		case "assets":
			return "asset"
		case "edges":
			return "edge"
		case "findings":
			return "finding"
		case "coverage":
			return "coverage"
		case "sboms":
			return "sbom"
		}
	case 3:
		if string(stack[0].key) == "findings" {
			switch string(stack[2].key) {
			case "triage":
				return "triage"
			case "risk":
				return "risk"
			case "sla":
				return "sla"
			}
		}
	case 4:
		if string(stack[0].key) == "findings" && string(stack[2].key) == "risk" && string(stack[3].key) == "ssvc" {
			return "ssvc"
		}
	}
	return ""
}

// posturePath is the path of the value about to be read under stack.
func posturePath(stack []postureFrame) []any {
	out := make([]any, 0, len(stack))
	for _, f := range stack {
		if f.obj {
			out = append(out, string(f.key))
		} else {
			out = append(out, f.index)
		}
	}
	return out
}

// postureCheckShape checks what decoding into a Posture cannot see, in one
// pass over data, a well-formed JSON document: that every required field
// is present, and that no value is null except a finding's triage and
// values inside access entries (encoding/json would read null as "absent"
// where the schema rejects it). It returns the path and offset of the
// first problem, and the problem.
func postureCheckShape(data []byte) ([]any, int64, error) {
	var stack []postureFrame
	expectKey := false // the next string is an object key
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case ' ', '\t', '\r', '\n', ':':
		case ',':
			if n := len(stack); n > 0 {
				if stack[n-1].obj {
					expectKey = true
				} else {
					stack[n-1].index++
				}
			}
		case '{', '[':
			f := postureFrame{obj: c == '{', start: int64(i)}
			if f.obj {
				f.req = postureRequiredKeys[postureObjectKind(stack)]
				expectKey = true
			}
			stack = append(stack, f)
		case '}', ']':
			n := len(stack)
			if n == 0 {
				return nil, int64(i), fmt.Errorf("%w: unbalanced %q", ErrPostureSyntax, c)
			}
			f := stack[n-1]
			stack = stack[:n-1]
			for k, name := range f.req {
				if f.seen&(1<<k) == 0 {
					return append(posturePath(stack), name), f.start,
						fmt.Errorf("%w: missing required field %q", ErrPostureInvalid, name)
				}
			}
			expectKey = false
		case '"':
			j := i + 1
			escaped := false
			for ; j < len(data) && data[j] != '"'; j++ {
				if data[j] == '\\' {
					escaped = true
					j++
				}
			}
			if n := len(stack); expectKey && n > 0 && stack[n-1].obj {
				key := data[i+1 : min(j, len(data))]
				if escaped {
					var k string
					_ = json.Unmarshal(data[i:min(j+1, len(data))], &k)
					key = []byte(k)
				}
				f := &stack[n-1]
				f.key = key
				for k, name := range f.req {
					if string(key) == name {
						f.seen |= 1 << k
					}
				}
				expectKey = false
			}
			i = j
		case 'n':
			path := posturePath(stack)
			allowed := len(path) >= 1 && path[0] == "access" ||
				len(path) == 3 && path[0] == "findings" && path[2] == "triage"
			if !allowed {
				return path, int64(i), fmt.Errorf("%w: null where a value is required", ErrPostureInvalid)
			}
			i += 3
		}
	}
	return nil, -1, nil
}

// Validate checks p against the rules of [PostureVersion]: the version,
// the vocabulary of every enumerated field, the required fields, unique
// asset and finding IDs, and that edges and findings refer to assets of
// p. It also rejects nil lists (the top-level ones and findings' Assets),
// which encoding/json would write as null: use empty ones. It returns a
// [*PostureError] with the path of the first problem, or nil.
func (p *Posture) Validate() error {
	if p.Version != PostureVersion {
		return &PostureError{Offset: -1, Path: "version", Err: fmt.Errorf("%w: %q (want %q)", ErrPostureVersion, p.Version, PostureVersion)}
	}
	nilList := func(path ...any) error {
		return &PostureError{Offset: -1, Path: postureFormatPath(path), Err: fmt.Errorf("%w: nil list (written as null); use an empty one", ErrPostureInvalid)}
	}
	for _, l := range []struct {
		name  string
		isNil bool
	}{{"assets", p.Assets == nil}, {"edges", p.Edges == nil}, {"findings", p.Findings == nil},
		{"coverage", p.Coverage == nil}, {"sboms", p.SBOMs == nil}, {"access", p.Access == nil}} {
		if l.isNil {
			return nilList(l.name)
		}
	}
	for i := range p.Findings {
		if p.Findings[i].Assets == nil {
			return nilList("findings", i, "assets")
		}
	}
	if path, err := p.validate(); err != nil {
		return &PostureError{Offset: -1, Path: postureFormatPath(path), Err: err}
	}
	return nil
}

// validate returns the path of the first problem and the problem.
func (p *Posture) validate() ([]any, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrPostureInvalid}, args...)...)
	}
	if p.GeneratedAt.IsZero() {
		return []any{"generated_at"}, bad("missing time")
	}
	assets := make(map[string]bool, len(p.Assets))
	for i, a := range p.Assets {
		at := func(k string) []any { return []any{"assets", i, k} }
		switch {
		case a.ID == "":
			return at("id"), bad("empty asset ID")
		case assets[a.ID]:
			return at("id"), bad("asset %q listed twice", a.ID)
		case !a.Kind.Valid():
			return at("kind"), bad("unknown asset kind %q", a.Kind)
		case !postureIn(a.Exposure, "", risk.ExposureInternet, risk.ExposureInternal, risk.ExposureIsolated):
			return at("exposure"), bad("unknown exposure %q", a.Exposure)
		case !postureIn(a.Environment, "", risk.EnvironmentProduction, risk.EnvironmentStaging, risk.EnvironmentDevelopment, risk.EnvironmentTest):
			return at("environment"), bad("unknown environment %q", a.Environment)
		case !postureIn(a.Criticality, "", risk.CriticalityCritical, risk.CriticalityHigh, risk.CriticalityMedium, risk.CriticalityLow):
			return at("criticality"), bad("unknown criticality %q", a.Criticality)
		case !postureIn(a.DataClass, "", risk.DataRestricted, risk.DataConfidential, risk.DataInternal, risk.DataPublic):
			return at("data_class"), bad("unknown data class %q", a.DataClass)
		}
		assets[a.ID] = true
	}
	for i, e := range p.Edges {
		at := func(k string) []any { return []any{"edges", i, k} }
		switch {
		case !assets[e.From]:
			return at("from"), bad("edge from %q, which is not an asset of the posture", e.From)
		case !assets[e.To]:
			return at("to"), bad("edge to %q, which is not an asset of the posture", e.To)
		case !e.Type.Valid():
			return at("type"), bad("unknown edge type %q", e.Type)
		case !postureIn(e.Scope, "", findings.ScopeRuntime, findings.ScopeDev, findings.ScopeTest, findings.ScopeOptional):
			return at("scope"), bad("unknown scope %q", e.Scope)
		case !postureIn(e.Relationship, "", findings.RelationshipDirect, findings.RelationshipTransitive):
			return at("relationship"), bad("unknown relationship %q", e.Relationship)
		}
	}
	ids := make(map[string]bool, len(p.Findings))
	for i := range p.Findings {
		f := &p.Findings[i]
		at := func(k ...any) []any { return append([]any{"findings", i}, k...) }
		switch {
		case f.ID == "":
			return at("id"), bad("empty finding ID")
		case ids[f.ID]:
			return at("id"), bad("finding %q listed twice", f.ID)
		case f.Identity == "":
			return at("identity"), bad("empty identity")
		case !f.Kind.Valid():
			return at("kind"), bad("unknown finding kind %q", f.Kind)
		case f.Tool == "":
			return at("tool"), bad("empty tool")
		case !f.Severity.Valid():
			return at("severity"), bad("unknown severity %q", f.Severity)
		case !postureIn(f.State, correlate.StateNew, correlate.StateUnchanged, correlate.StateUpdated, correlate.StateFixed, correlate.StateReopened):
			return at("state"), bad("unknown state %q", f.State)
		case !postureIn(f.VEX, "", findings.VEXNotAffected, findings.VEXAffected, findings.VEXFixed, findings.VEXUnderInvestigation):
			return at("vex"), bad("unknown VEX status %q", f.VEX)
		case f.FirstSeen.IsZero():
			return at("first_seen"), bad("missing time")
		case f.LastSeen.IsZero():
			return at("last_seen"), bad("missing time")
		case f.Location.Line < 0:
			return at("location", "line"), bad("negative line %d", f.Location.Line)
		}
		ids[f.ID] = true
		for j, a := range f.Assets {
			if !assets[a] {
				return at("assets", j), bad("%q is not an asset of the posture", a)
			}
		}
		if t := f.Triage; t != nil && !postureIn(t.Status, correlate.FalsePositive, correlate.AcceptedRisk, correlate.NotAffected, correlate.WontFix) {
			return at("triage", "status"), bad("unknown triage status %q", t.Status)
		}
		r := &f.Risk
		switch {
		case !(r.Score >= 0 && r.Score <= 100):
			return at("risk", "score"), bad("score %v outside [0, 100]", r.Score)
		case r.Priority.Rank() > 4:
			return at("risk", "priority"), bad("unknown priority %q", r.Priority)
		case !r.Severity.Valid():
			return at("risk", "severity"), bad("unknown severity %q", r.Severity)
		case r.EPSS != nil && !(*r.EPSS >= 0 && *r.EPSS <= 1):
			return at("risk", "epss"), bad("EPSS probability %v outside [0, 1]", *r.EPSS)
		case !postureIn(r.Reachability, findings.Reachable, findings.Unreachable, findings.ReachabilityUnknown):
			return at("risk", "reachability"), bad("unknown reachability %q", r.Reachability)
		case !postureIn(r.Exposure, "", risk.ExposureInternet, risk.ExposureInternal, risk.ExposureIsolated):
			return at("risk", "exposure"), bad("unknown exposure %q", r.Exposure)
		case !postureIn(r.Environment, "", risk.EnvironmentProduction, risk.EnvironmentStaging, risk.EnvironmentDevelopment, risk.EnvironmentTest):
			return at("risk", "environment"), bad("unknown environment %q", r.Environment)
		case !postureIn(r.Criticality, "", risk.CriticalityCritical, risk.CriticalityHigh, risk.CriticalityMedium, risk.CriticalityLow):
			return at("risk", "criticality"), bad("unknown criticality %q", r.Criticality)
		case !r.SSVC.Decision.Valid():
			return at("risk", "ssvc", "decision"), bad("unknown SSVC decision %q", r.SSVC.Decision)
		case !r.SSVC.Priority.Valid():
			return at("risk", "ssvc", "priority"), bad("unknown SSVC priority %q", r.SSVC.Priority)
		}
	}
	for i, c := range p.Coverage {
		at := func(k string) []any { return []any{"coverage", i, k} }
		switch {
		case c.Asset == "":
			return at("asset"), bad("empty asset")
		case c.Tool == "":
			return at("tool"), bad("empty tool")
		case !c.Kind.Valid():
			return at("kind"), bad("unknown kind %q", c.Kind)
		case c.At.IsZero():
			return at("at"), bad("missing time")
		}
	}
	for i, s := range p.SBOMs {
		at := func(k string) []any { return []any{"sboms", i, k} }
		switch {
		case s.Asset == "":
			return at("asset"), bad("empty asset")
		case s.Format == "":
			return at("format"), bad("empty format")
		case s.At.IsZero():
			return at("at"), bad("missing time")
		}
	}
	for i, a := range p.Access {
		if a == nil {
			return []any{"access", i}, bad("null access entry")
		}
	}
	return nil, nil
}

func postureIn[T comparable](v T, allowed ...T) bool { return slices.Contains(allowed, v) }

// postureTime is the canonical form of a posture time: UTC, whole seconds.
func postureTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// canonicalize sorts every list, normalizes every time and makes nil lists
// empty, in place.
func (p *Posture) canonicalize() {
	p.GeneratedAt = postureTime(p.GeneratedAt)
	p.Assets, p.Edges, p.Findings = postureNonNil(p.Assets), postureNonNil(p.Edges), postureNonNil(p.Findings)
	p.Coverage, p.SBOMs, p.Access = postureNonNil(p.Coverage), postureNonNil(p.SBOMs), postureNonNil(p.Access)
	slices.SortFunc(p.Assets, func(a, b inventory.Asset) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(p.Edges, func(a, b inventory.Edge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Type, b.Type),
			cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Relationship, b.Relationship))
	})
	for i := range p.Findings {
		f := &p.Findings[i]
		if f.Assets == nil {
			f.Assets = []string{}
		}
		slices.Sort(f.Assets)
		f.FirstSeen, f.LastSeen, f.FixedAt = postureTime(f.FirstSeen), postureTime(f.LastSeen), postureTime(f.FixedAt)
		f.SLA.Due = postureTime(f.SLA.Due)
		if t := f.Triage; t != nil {
			t.At, t.Expires = postureTime(t.At), postureTime(t.Expires)
		}
	}
	postureSortFindings(p.Findings)
	for i := range p.Coverage {
		p.Coverage[i].At = postureTime(p.Coverage[i].At)
	}
	slices.SortFunc(p.Coverage, func(a, b Coverage) int {
		return cmp.Or(cmp.Compare(a.Asset, b.Asset), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Tool, b.Tool), a.At.Compare(b.At))
	})
	for i := range p.SBOMs {
		p.SBOMs[i].At = postureTime(p.SBOMs[i].At)
	}
	slices.SortFunc(p.SBOMs, func(a, b SBOM) int {
		return cmp.Or(cmp.Compare(a.Asset, b.Asset), cmp.Compare(a.Format, b.Format), a.At.Compare(b.At))
	})
	postureSortAccess(p.Access)
}

func postureNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// postureSortFindings orders findings by ID, stably. Findings are large:
// it sorts their positions, then moves each once.
func postureSortFindings(fs []Finding) {
	byID := func(a, b Finding) int { return cmp.Compare(a.ID, b.ID) }
	if slices.IsSortedFunc(fs, byID) {
		return
	}
	order := make([]int32, len(fs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(cmp.Compare(fs[a].ID, fs[b].ID), cmp.Compare(a, b)) })
	sorted := make([]Finding, len(fs))
	for i, j := range order {
		sorted[i] = fs[j]
	}
	copy(fs, sorted)
}

// postureSortAccess orders access entries by principal, kind and issue,
// then by their JSON encoding.
func postureSortAccess(entries []map[string]any) {
	type keyed struct {
		principal, kind, issue, enc string
		m                           map[string]any
	}
	ks := make([]keyed, len(entries))
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	for i, m := range entries {
		b, _ := json.Marshal(m)
		ks[i] = keyed{str(m, "principal"), str(m, "kind"), str(m, "issue"), string(b), m}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.principal, b.principal), cmp.Compare(a.kind, b.kind),
			cmp.Compare(a.issue, b.issue), cmp.Compare(a.enc, b.enc))
	})
	for i := range ks {
		entries[i] = ks[i].m
	}
}

// postureFormatPath writes a path like findings[3].risk.priority.
func postureFormatPath(path []any) string {
	var b strings.Builder
	for _, el := range path {
		switch v := el.(type) {
		case int:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(v))
			b.WriteByte(']')
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// postureLineCol converts a byte offset to a 1-based line and column (in
// bytes).
// postureLimit is a limit a posture exceeded while it was read: the
// offset (a byte order mark included; -1 for the size) and the cause.
type postureLimit struct {
	off int64
	err error
}

// postureReadAll reads a posture document whole, holding it to the limits
// as it is read: limits.MaxDocumentBytes in all, limits.MaxStringBytes a
// string, limits.MaxDepth the nesting. It passes the bytes through
// jsonstream's checker; after a syntax error there, only 64 KiB more are
// read, and the decoder reports the error as always.
func postureReadAll(r io.Reader) ([]byte, *postureLimit, error) {
	var buf bytes.Buffer
	lr := io.LimitReader(r, limits.MaxDocumentBytes+1)
	g := jsonstream.NewReader(io.TeeReader(lr, &buf), findings.Limits{})
	_, err := io.Copy(io.Discard, g)
	var le *findings.LimitError
	var se *jsonstream.SyntaxError
	switch {
	case err == nil:
	case errors.As(err, &le):
		return buf.Bytes(), &postureLimit{off: g.LimitOffset(), err: fmt.Errorf("%w: %w", ErrPostureLimit, le)}, nil
	case errors.As(err, &se):
		// The decoder stops at the same byte: what follows it is not
		// needed, a little is read for the decoder's context.
		if _, err := io.Copy(&buf, io.LimitReader(lr, 64<<10)); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, err
	}
	if int64(buf.Len()) > limits.MaxDocumentBytes {
		return nil, &postureLimit{off: -1, err: fmt.Errorf("%w: larger than %d bytes", ErrPostureLimit, int64(limits.MaxDocumentBytes))}, nil
	}
	return buf.Bytes(), nil, nil
}

func postureLineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// postureLocate returns the byte offset where the value at path starts in
// data, a well-formed JSON document, or -1 when the path is not there.
func postureLocate(data []byte, path []any) int64 {
	dec := postureDecoder(data)
	off, ok := postureLocateValue(dec, data, path)
	if !ok {
		return -1
	}
	return off
}

// postureLocateValue is at the start of a value (before its first token).
func postureLocateValue(dec *json.Decoder, data []byte, path []any) (int64, bool) {
	if len(path) == 0 {
		return postureValueStart(dec, data), true
	}
	tok, err := dec.Token()
	if err != nil {
		return 0, false
	}
	switch tok {
	case json.Delim('{'):
		key, _ := path[0].(string)
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return 0, false
			}
			if k, _ := kt.(string); k == key {
				return postureLocateValue(dec, data, path[1:])
			}
			if !postureSkipValue(dec) {
				return 0, false
			}
		}
	case json.Delim('['):
		idx, ok := path[0].(int)
		if !ok {
			return 0, false
		}
		for i := 0; dec.More(); i++ {
			if i == idx {
				return postureLocateValue(dec, data, path[1:])
			}
			if !postureSkipValue(dec) {
				return 0, false
			}
		}
	}
	return 0, false
}

// postureValueStart returns the offset of the next value: the decoder's
// offset past separators and white space.
func postureValueStart(dec *json.Decoder, data []byte) int64 {
	off := dec.InputOffset()
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
		off++
	}
	return off
}

// postureWalk reads one value of a well-formed document, calling visit
// with the path and start offset of every object key (key true) and, once
// it is read whole, every value (key false) with its end offset. visit
// returns false to stop the walk; postureWalk then returns false.
func postureWalk(dec *json.Decoder, data []byte, path []any, visit func(path []any, start, end int64, key bool) bool) bool {
	start := postureValueStart(dec, data)
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			kstart := postureValueStart(dec, data)
			kt, err := dec.Token()
			if err != nil {
				return false
			}
			k, _ := kt.(string)
			child := append(path[:len(path):len(path)], k)
			if !visit(child, kstart, dec.InputOffset(), true) || !postureWalk(dec, data, child, visit) {
				return false
			}
		}
		if _, err := dec.Token(); err != nil {
			return false
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if !postureWalk(dec, data, append(path[:len(path):len(path)], i), visit) {
				return false
			}
		}
		if _, err := dec.Token(); err != nil {
			return false
		}
	}
	return visit(path, start, dec.InputOffset(), false)
}

// posturePathAt returns the path and start offset of the innermost value
// of data that spans offset off (encoding/json reports type errors at the
// end of the offending value), or -1.
func posturePathAt(data []byte, off int64) ([]any, int64) {
	var path []any
	found := int64(-1)
	postureWalk(postureDecoder(data), data, nil, func(p []any, start, end int64, key bool) bool {
		if !key && start < off && off <= end {
			path, found = slices.Clone(p), start
			return false // values are visited innermost first
		}
		return true
	})
	return path, found
}

// postureStringAt returns the path and offset of the first string value
// of data equal to v, under one of the keys given (any key when none), or
// -1.
func postureStringAt(data []byte, v string, keys []string) ([]any, int64) {
	var path []any
	found := int64(-1)
	postureWalk(postureDecoder(data), data, nil, func(p []any, start, end int64, key bool) bool {
		if key || end-start < 2 || data[start] != '"' || len(p) == 0 {
			return true
		}
		if k, _ := p[len(p)-1].(string); len(keys) > 0 && !slices.Contains(keys, k) {
			return true
		}
		var s string
		if json.Unmarshal(data[start:end], &s) == nil && s == v {
			path, found = slices.Clone(p), start
			return false
		}
		return true
	})
	return path, found
}

// postureDecoder returns a decoder of data for the walks that locate a
// problem: numbers stay text, so that 1e400 does not stop them.
func postureDecoder(data []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec
}

// postureTimeKeys are the keys of the times of a posture.
var postureTimeKeys = []string{"generated_at", "first_seen", "last_seen", "fixed_at", "at", "expires", "due"}

// postureNonStringAt returns the path and offset of the first value under
// one of keys that is not a string (nor null), outside the free-form parts
// of a posture, or -1.
func postureNonStringAt(data []byte, keys []string) ([]any, int64) {
	var path []any
	found := int64(-1)
	postureWalk(postureDecoder(data), data, nil, func(p []any, start, end int64, key bool) bool {
		if key || end <= start || data[start] == '"' || data[start] == 'n' || len(p) == 0 {
			return true
		}
		if k, _ := p[len(p)-1].(string); !slices.Contains(keys, k) {
			return true
		}
		if p[0] == "access" || len(p) >= 4 && p[0] == "assets" && p[2] == "properties" {
			return true
		}
		path, found = slices.Clone(p), start
		return false
	})
	return path, found
}

// postureKind names the JSON kind of the value that starts with c.
func postureKind(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// postureKeyAt returns the path and offset of the first object key named
// name outside the free-form parts of a posture (asset properties, access
// entries), or -1.
func postureKeyAt(data []byte, name string) ([]any, int64) {
	var path []any
	found := int64(-1)
	postureWalk(postureDecoder(data), data, nil, func(p []any, start, end int64, key bool) bool {
		if !key || p[len(p)-1] != name {
			return true
		}
		if len(p) >= 1 && p[0] == "access" || len(p) >= 4 && p[0] == "assets" && p[2] == "properties" {
			return true
		}
		path, found = slices.Clone(p), start
		return false
	})
	return path, found
}

// postureSkipValue reads one whole value.
func postureSkipValue(dec *json.Decoder) bool {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return true
		}
	}
}
