package alert

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
)

// PayloadVersion names the JSON shape of [Payload]. It changes only when
// a receiver written for one version could misread the other.
const PayloadVersion = "aspm-alert/1"

// DefaultMaxPayloadBytes bounds the payloads [DecodePayload] reads.
const DefaultMaxPayloadBytes = 16 << 20

// Payload is the JSON document the [WebhookSink] posts:
//
//	{"version": "aspm-alert/1", "digests": [ ... ]}
//
// with the digests most urgent first. Its encoding is stable: fields are
// only added, never renamed, within a version, and receivers should ignore
// members they do not know. [DecodePayload] reads and checks one.
//
// A Payload is a plain value, safe to read from several goroutines but
// not to modify concurrently.
type Payload struct {
	// Version is [PayloadVersion].
	Version string `json:"version"`
	// Digests are the digests delivered.
	Digests []Digest `json:"digests"`
}

// MarshalPayload returns the compact JSON encoding of the payload holding
// digests, as the [WebhookSink] sends it. The digests are encoded in the
// order given.
func MarshalPayload(digests []Digest) ([]byte, error) {
	p := Payload{Version: PayloadVersion, Digests: digests}
	if p.Digests == nil {
		p.Digests = []Digest{}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("alert: encoding payload: %w", err)
	}
	return b, nil
}

// DecodeOptions configure [DecodePayload]. The zero value is valid. It is
// a plain value, safe for concurrent use.
type DecodeOptions struct {
	// Name names the input in errors (a request ID, a file name).
	Name string
	// MaxBytes bounds the input's size. Zero means
	// [DefaultMaxPayloadBytes].
	MaxBytes int64
}

// DecodePayload reads a webhook payload, for applications that receive
// what a [WebhookSink] sent (check its signature first with [Verify]). It
// accepts exactly one JSON object, ignores members it does not know, and
// checks every digest as [Dispatcher.Requeue] does: a valid key type, at
// least one event, a count no smaller than the events, first ≤ last,
// events that are valid, belong to the digest's key and fall between its
// first and last times, and a digest priority and severity at least those
// of its events.
//
// It rejects the whole payload at the first problem with an [*InputError]
// giving the byte offset (of the offending byte for a syntax error, the
// input's length for a truncated one, else the start of the member or
// digest in error) and a path like "digests[2].events[0].at", wrapping
// [ErrSyntax], [ErrInvalid] or [ErrLimit].
func DecodePayload(r io.Reader, opts DecodeOptions) (Payload, error) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxPayloadBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Payload{}, &InputError{Name: opts.Name, Offset: -1, Err: err}
	}
	fail := func(off int64, path string, sentinel error, format string, args ...any) (Payload, error) {
		return Payload{}, &InputError{Name: opts.Name, Offset: off, Path: path,
			Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
	}
	if int64(len(data)) > maxBytes {
		return Payload{}, &InputError{Name: opts.Name, Offset: maxBytes,
			Err: fmt.Errorf("payload larger than %d bytes: %w", maxBytes, &LimitError{Limit: "MaxPayloadBytes", Max: maxBytes})}
	}
	// Check the syntax first, for exact offsets; then walk the document,
	// which is known to be well-formed.
	if !json.Valid(data) {
		var raw json.RawMessage
		err := json.Unmarshal(data, &raw)
		var syn *json.SyntaxError
		if !errors.As(err, &syn) {
			return fail(-1, "", ErrSyntax, "%v", err)
		}
		if strings.HasPrefix(syn.Error(), "unexpected end") {
			return fail(int64(len(data)), "", ErrSyntax, "truncated input")
		}
		return fail(syn.Offset-1, "", ErrSyntax, "%s", syn.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	// jsonErr reports a value of the wrong JSON type at off.
	jsonErr := func(off int64, path string, err error) (Payload, error) {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			p := path
			if typ.Field != "" {
				p = joinPath(path, typ.Field)
			}
			return fail(off, p, ErrInvalid, "cannot use JSON %s as %s", typ.Value, typ.Type)
		}
		return fail(off, path, ErrInvalid, "%v", err)
	}

	tok, err := dec.Token()
	if err != nil {
		return jsonErr(0, "", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fail(0, "", ErrInvalid, "payload is not a JSON object")
	}
	var p Payload
	seen := map[string]bool{}
	for dec.More() {
		off := skipSpace(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(off, "", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return fail(off, name, ErrInvalid, "member %q given twice", name)
		}
		seen[name] = true
		voff := skipSpace(data, dec.InputOffset())
		switch name {
		case "version":
			if err := dec.Decode(&p.Version); err != nil {
				return jsonErr(voff, "version", err)
			}
			if p.Version != PayloadVersion {
				return fail(voff, "version", ErrInvalid, "unsupported version %q (want %q)", p.Version, PayloadVersion)
			}
		case "digests":
			tok, err := dec.Token()
			if err != nil {
				return jsonErr(voff, "digests", err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return fail(voff, "digests", ErrInvalid, "not an array")
			}
			p.Digests = []Digest{}
			for i := 0; dec.More(); i++ {
				path := "digests[" + strconv.Itoa(i) + "]"
				off := skipSpace(data, dec.InputOffset())
				var rd rawDigest
				if err := dec.Decode(&rd); err != nil {
					return jsonErr(off, path, err)
				}
				d, sub, err := rd.digest()
				if err != nil {
					return Payload{}, &InputError{Name: opts.Name, Offset: off, Path: joinPath(path, sub), Err: err}
				}
				p.Digests = append(p.Digests, d)
			}
			if _, err := dec.Token(); err != nil {
				return jsonErr(voff, "digests", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return jsonErr(voff, name, err)
			}
		}
	}
	switch {
	case !seen["version"]:
		return fail(-1, "version", ErrInvalid, "missing")
	case p.Digests == nil:
		return fail(-1, "digests", ErrInvalid, "missing")
	}
	return p, nil
}

// skipSpace returns the offset of the first byte at or after off that is
// neither JSON white space nor a separator (comma, colon): where the next
// value or member starts.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// rawEvent and rawDigest mirror Event and Digest with plain strings, so
// that a bad value gives an error with its path.
type rawEvent struct {
	Type             string            `json:"type"`
	At               string            `json:"at"`
	Tenant           string            `json:"tenant"`
	Application      string            `json:"application"`
	Asset            string            `json:"asset"`
	FindingID        string            `json:"finding_id"`
	RuleID           string            `json:"rule_id"`
	Title            string            `json:"title"`
	Severity         string            `json:"severity"`
	Priority         string            `json:"priority"`
	VulnerabilityIDs []string          `json:"vulnerability_ids"`
	Details          map[string]string `json:"details"`
}

type rawDigest struct {
	Key struct {
		Tenant      string `json:"tenant"`
		Application string `json:"application"`
		Asset       string `json:"asset"`
		Type        string `json:"type"`
		RuleID      string `json:"rule_id"`
	} `json:"key"`
	Count    int        `json:"count"`
	First    string     `json:"first"`
	Last     string     `json:"last"`
	Priority string     `json:"priority"`
	Severity string     `json:"severity"`
	Events   []rawEvent `json:"events"`
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: not an RFC 3339 time: %q", ErrInvalid, s)
	}
	return t.UTC(), nil
}

// digest converts and checks rd; on error it returns the path inside the
// digest.
func (rd *rawDigest) digest() (Digest, string, error) {
	d := Digest{
		Key: DigestKey{Tenant: rd.Key.Tenant, Application: rd.Key.Application, Asset: rd.Key.Asset,
			Type: Type(rd.Key.Type), RuleID: rd.Key.RuleID},
		Count:    rd.Count,
		Priority: risk.Priority(rd.Priority),
		Severity: findings.Severity(rd.Severity),
	}
	var err error
	if d.First, err = parseTime(rd.First); err != nil {
		return Digest{}, "first", err
	}
	if d.Last, err = parseTime(rd.Last); err != nil {
		return Digest{}, "last", err
	}
	d.Events = make([]Event, len(rd.Events))
	for i, re := range rd.Events {
		e := Event{Type: Type(re.Type), Tenant: re.Tenant, Application: re.Application, Asset: re.Asset,
			FindingID: re.FindingID, RuleID: re.RuleID, Title: re.Title, Severity: findings.Severity(re.Severity),
			Priority: risk.Priority(re.Priority), VulnerabilityIDs: re.VulnerabilityIDs, Details: re.Details}
		if e.At, err = parseTime(re.At); err != nil {
			return Digest{}, "events[" + strconv.Itoa(i) + "].at", err
		}
		d.Events[i] = e
	}
	if path, err := checkDigest(&d); err != nil {
		return Digest{}, path, err
	}
	return d, "", nil
}

// checkDigest checks the consistency of a digest; on error it returns the
// path of the problem inside the digest and an error wrapping ErrInvalid.
func checkDigest(d *Digest) (string, error) {
	bad := func(path, format string, args ...any) (string, error) {
		return path, fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	switch {
	case !d.Key.Type.Valid():
		return bad("key.type", "unknown event type %q", d.Key.Type)
	case len(d.Events) == 0:
		return bad("events", "a digest needs at least one event")
	case d.Count < len(d.Events):
		return bad("count", "%d is less than the %d events", d.Count, len(d.Events))
	case d.First.IsZero() || d.Last.IsZero():
		return bad("first", "digest times are zero")
	case d.Last.Before(d.First):
		return bad("last", "before first")
	case d.Priority != "" && d.Priority.Rank() > 4:
		return bad("priority", "invalid priority %q (want P1, P2, P3 or P4)", d.Priority)
	case d.Severity != "" && !d.Severity.Valid():
		return bad("severity", "invalid severity %q", d.Severity)
	}
	for i := range d.Events {
		e := &d.Events[i]
		path := "events[" + strconv.Itoa(i) + "]"
		if err := e.Validate(); err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return path + "." + ie.Path, ie.Err
			}
			return path, err
		}
		switch {
		case e.Key() != d.Key:
			return bad(path, "event key %s differs from the digest key %s", e.Key(), d.Key)
		case e.At.Before(d.First) || e.At.After(d.Last):
			return bad(path+".at", "outside the digest's first and last times")
		case e.Priority != "" && (d.Priority == "" || e.Priority.Rank() < d.Priority.Rank()):
			return bad(path+".priority", "%s is more urgent than the digest's %q", e.Priority, d.Priority)
		case e.Severity != "" && (d.Severity == "" || e.Severity.Rank() > d.Severity.Rank()):
			return bad(path+".severity", "%s is more severe than the digest's %q", e.Severity, d.Severity)
		}
	}
	return "", nil
}

// SignaturePrefix starts the value of the signature header.
const SignaturePrefix = "sha256="

// Sign returns the signature of body under secret, as the [WebhookSink]
// sends it in its [SignatureHeader]: "sha256=" followed by the lowercase
// hex HMAC-SHA256 of the body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return SignaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature made by [Sign], in constant time. It returns
// nil when signature is the signature of body under secret, and an error
// wrapping [ErrSignature] otherwise (including for an empty secret or
// signature). The error never contains the secret or the expected
// signature.
func Verify(secret, body []byte, signature string) error {
	if len(secret) == 0 {
		return fmt.Errorf("%w: no secret to verify with", ErrSignature)
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(signature), SignaturePrefix)
	if !ok {
		return fmt.Errorf("%w: signature does not start with %q", ErrSignature, SignaturePrefix)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: signature is not %d hex bytes", ErrSignature, sha256.Size)
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrSignature
	}
	return nil
}

// deliveryID returns the value of the [DeliveryHeader] for body: the first
// 16 bytes of its SHA-256, in hex. Retries of one payload share it, so
// that a receiver can recognize a payload it has already processed.
func deliveryID(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:16])
}
