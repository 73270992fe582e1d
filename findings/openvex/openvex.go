package openvex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "openvex"

// contextPrefix starts every OpenVEX @context IRI: "https://openvex.dev/ns"
// alone (the unversioned form vexctl writes) or followed by "/v0.0.1",
// "/v0.2.0" and so on.
const contextPrefix = "https://openvex.dev/ns"

// statement holds the fields of one OpenVEX statement that the decoder
// uses. The fields whose shape changed between spec versions (a string in
// 0.0.1, an object in 0.2.0) are kept raw and read by hand.
type statement struct {
	Vulnerability   json.RawMessage   `json:"vulnerability"`
	Products        []json.RawMessage `json:"products"`
	Subcomponents   []json.RawMessage `json:"subcomponents"`
	Status          string            `json:"status"`
	StatusNotes     string            `json:"status_notes"`
	Justification   string            `json:"justification"`
	ImpactStatement string            `json:"impact_statement"`
	ActionStatement string            `json:"action_statement"`
	Timestamp       string            `json:"timestamp"`
}

// vulnerability is the 0.2.0 vulnerability object.
type vulnerability struct {
	ID      string   `json:"@id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

// component is a 0.2.0 product or subcomponent object.
type component struct {
	ID            string            `json:"@id"`
	Identifiers   map[string]string `json:"identifiers"`
	Hashes        map[string]string `json:"hashes"`
	Subcomponents []json.RawMessage `json:"subcomponents"`
}

// document holds the document-level fields, read in whatever order they
// come.
type document struct {
	context bool // an OpenVEX @context was seen
	ctxText string
	id      string
	author  string
	time    string
}

// pending is a statement read but not yet emitted, with where it started.
type pending struct {
	st    statement
	start int64 // input offset of the statement's '{', BOM included
	index int
}

// Decode reads one OpenVEX document (spec 0.0.1 or 0.2.0) from r and hands
// each statement, as a [findings.VEXStatement], to h in document order. It
// emits no findings. The whole document is read (bounded by
// [findings.Limits].MaxDocumentBytes) before the first statement is handed
// over, because document fields that statements inherit (timestamp, author)
// may follow the statements. A document with no statements gives nil and
// nothing. Bad input gives a [*findings.DecodeError]; an error returned by
// h is returned unchanged.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	lim := opts.Limits.WithDefaults()
	g := jsonstream.NewReader(&capReader{r: r, left: lim.MaxDocumentBytes, max: lim.MaxDocumentBytes}, opts.Limits)
	dec := json.NewDecoder(g)
	p := &parser{g: g, dec: dec, name: opts.Name}

	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return p.errorf(findings.ErrSyntax, g.Offset(), "", "empty input")
	}
	if err != nil {
		return p.fail(err, "")
	}
	if tok != json.Delim('{') {
		offset := int64(-1)
		if _, ok := tok.(json.Delim); ok {
			offset = dec.InputOffset() + g.BOMLen() - 1
		}
		return p.errorf(findings.ErrUnsupportedFormat, offset, "", "not an OpenVEX document: the top-level value is %s, not an object", jsonstream.Describe(tok))
	}

	var doc document
	var stmts []pending
	var keys jsonstream.Keys
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return p.fail(err, "")
		}
		key, _ := tok.(string)
		switch key {
		case "@context", "@id", "author", "timestamp", "statements":
			if keys.Seen(key) {
				return &findings.DecodeError{File: p.name, Format: Format, Offset: dec.InputOffset() + g.BOMLen(), Path: key,
					Err: jsonstream.DuplicateKey(key)}
			}
		}
		switch key {
		case "@context":
			var raw json.RawMessage
			if _, err := p.value(key, &raw); err != nil {
				return err
			}
			doc.context, doc.ctxText = openVEXContext(raw)
		case "@id":
			if _, err := p.value(key, &doc.id); err != nil {
				return err
			}
		case "author":
			if _, err := p.value(key, &doc.author); err != nil {
				return err
			}
		case "timestamp":
			if _, err := p.value(key, &doc.time); err != nil {
				return err
			}
		case "statements":
			if stmts, err = p.statements(stmts); err != nil {
				return err
			}
		default:
			if _, err := p.value(key, nil); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return p.fail(err, "")
	}
	if err := p.expectEOF(); err != nil {
		return err
	}
	if !doc.context {
		if doc.ctxText == "" {
			return p.errorf(findings.ErrUnsupportedFormat, -1, "@context", "not an OpenVEX document: no OpenVEX @context")
		}
		return p.errorf(findings.ErrUnsupportedFormat, -1, "@context", "not an OpenVEX document (or an unsupported version): @context %q", doc.ctxText)
	}

	// Convert every statement before emitting any, so that an invalid
	// document hands nothing over.
	out := make([]findings.VEXStatement, 0, len(stmts))
	for _, ps := range stmts {
		s, path, err := ps.st.convert(&doc)
		if err != nil {
			full := "statements[" + strconv.Itoa(ps.index) + "]"
			if path != "" {
				full += "." + path
			}
			return p.errorf(findings.ErrInvalid, ps.start, full, "%s", err.Error())
		}
		out = append(out, s)
	}
	em := findings.NewEmitter(h, opts, Format)
	for _, s := range out {
		if err := em.VEX(s); err != nil {
			return err
		}
	}
	return nil
}

// parser carries the reading state of one document.
type parser struct {
	g    *jsonstream.Reader
	dec  *json.Decoder
	name string
}

// statements reads the value of "statements": an array of statement
// objects, or null.
func (p *parser) statements(out []pending) ([]pending, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return out, p.fail(err, "statements")
	}
	if tok == nil {
		return out, nil
	}
	if tok != json.Delim('[') {
		return out, p.errorf(findings.ErrInvalid, p.dec.InputOffset()+p.g.BOMLen()-1, "statements",
			"statements must be an array, found %s", jsonstream.Describe(tok))
	}
	for i := 0; p.dec.More(); i++ {
		path := "statements[" + strconv.Itoa(i) + "]"
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return out, p.fail(err, path)
		}
		start := p.dec.InputOffset() - int64(len(raw))
		if len(raw) == 0 || raw[0] != '{' {
			return out, p.errorf(findings.ErrInvalid, start+p.g.BOMLen(), path, "a statement must be an object")
		}
		var st statement
		if err := json.Unmarshal(raw, &st); err != nil {
			return out, p.fail(shift(err, start), path)
		}
		out = append(out, pending{st: st, start: start + p.g.BOMLen(), index: i})
	}
	if _, err := p.dec.Token(); err != nil { // the closing ']'
		return out, p.fail(err, "statements")
	}
	return out, nil
}

// value reads the next value into v (skipping it when v is nil) and
// returns its input offset, BOM included.
func (p *parser) value(path string, v any) (int64, error) {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		return -1, p.fail(err, path)
	}
	start := p.dec.InputOffset() - int64(len(raw))
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return -1, p.fail(shift(err, start), path)
		}
	}
	return start + p.g.BOMLen(), nil
}

// fail converts an error of encoding/json or of the input reader.
func (p *parser) fail(err error, path string) error {
	err = jsonstream.Error(err, p.g, p.dec, p.name, Format, path)
	var de *findings.DecodeError
	var le *findings.LimitError
	if errors.As(err, &de) && errors.As(err, &le) && le.Limit == "MaxDocumentBytes" {
		de.Offset = le.Max
	}
	return err
}

// errorf builds a DecodeError wrapping sentinel.
func (p *parser) errorf(sentinel error, offset int64, path, format string, args ...any) error {
	return &findings.DecodeError{File: p.name, Format: Format, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// expectEOF checks that nothing but white space follows the document.
func (p *parser) expectEOF() error {
	tok, err := p.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return p.fail(err, "")
	}
	return p.errorf(findings.ErrSyntax, p.dec.InputOffset()+p.g.BOMLen(), "", "unexpected %s after the document", jsonstream.Describe(tok))
}

// openVEXContext reports whether a @context value (a string, or a JSON-LD
// array of them) names an OpenVEX namespace of a supported version, and
// the text to quote when it does not.
func openVEXContext(raw json.RawMessage) (bool, string) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return isOpenVEXContext(one), one
	}
	var many []any
	if json.Unmarshal(raw, &many) == nil {
		for _, v := range many {
			if s, ok := v.(string); ok && isOpenVEXContext(s) {
				return true, s
			}
		}
	}
	return false, string(bytes.TrimSpace(raw))
}

// isOpenVEXContext accepts "https://openvex.dev/ns" with an optional
// "/v0.x.y" version (and an optional trailing slash).
func isOpenVEXContext(s string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), contextPrefix)
	if !ok {
		return false
	}
	rest = strings.TrimSuffix(rest, "/")
	return rest == "" || strings.HasPrefix(rest, "/v0.")
}

// convert maps one statement. On error it returns the path of the bad
// field relative to the statement.
func (st *statement) convert(doc *document) (findings.VEXStatement, string, error) {
	var s findings.VEXStatement
	id, aliases, err := readVulnerability(st.Vulnerability)
	if err != nil {
		return s, "vulnerability", err
	}
	s.VulnerabilityID = id
	s.Aliases = aliases

	status := findings.VEXStatus(strings.TrimSpace(st.Status))
	switch status {
	case findings.VEXNotAffected, findings.VEXAffected, findings.VEXFixed, findings.VEXUnderInvestigation:
	case "":
		return s, "status", errors.New("statement has no status")
	default:
		return s, "status", fmt.Errorf("unknown status %q", st.Status)
	}
	s.Status = status

	for i, raw := range st.Products {
		pid, subs, err := readComponent(raw)
		if err != nil {
			return s, "products[" + strconv.Itoa(i) + "]", err
		}
		s.Products = appendUnique(s.Products, pid)
		for j, sraw := range subs {
			sid, _, err := readComponent(sraw)
			if err != nil {
				return s, "products[" + strconv.Itoa(i) + "].subcomponents[" + strconv.Itoa(j) + "]", err
			}
			s.Subcomponents = appendUnique(s.Subcomponents, sid)
		}
	}
	for i, raw := range st.Subcomponents { // 0.0.1: statement-level list
		sid, _, err := readComponent(raw)
		if err != nil {
			return s, "subcomponents[" + strconv.Itoa(i) + "]", err
		}
		s.Subcomponents = appendUnique(s.Subcomponents, sid)
	}

	s.Justification = strings.TrimSpace(st.Justification)
	s.ImpactStatement = st.ImpactStatement
	if strings.TrimSpace(s.ImpactStatement) == "" {
		s.ImpactStatement = strings.TrimSpace(st.StatusNotes)
	}
	s.ActionStatement = st.ActionStatement
	s.Timestamp = strings.TrimSpace(st.Timestamp)
	if s.Timestamp == "" {
		s.Timestamp = strings.TrimSpace(doc.time)
	}
	s.Document = strings.TrimSpace(doc.id)
	s.Author = strings.TrimSpace(doc.author)
	return s, "", nil
}

// readVulnerability reads a 0.0.1 vulnerability string or a 0.2.0
// vulnerability object: its name (else its @id) and aliases.
func readVulnerability(raw json.RawMessage) (string, []string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil, errors.New("statement has no vulnerability")
	}
	switch raw[0] {
	case '"':
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", nil, err
		}
		if id = strings.TrimSpace(id); id == "" {
			return "", nil, errors.New("vulnerability is an empty string")
		}
		return id, nil, nil
	case '{':
		var v vulnerability
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", nil, typeMessage(err)
		}
		id := strings.TrimSpace(v.Name)
		if id == "" {
			id = strings.TrimSpace(v.ID)
		}
		if id == "" {
			return "", nil, errors.New("vulnerability has neither a name nor an @id")
		}
		return id, v.Aliases, nil
	}
	return "", nil, errors.New("vulnerability must be a string or an object")
}

// readComponent reads a product or subcomponent: a 0.0.1 string, or a
// 0.2.0 object identified (in order of preference) by identifiers.purl,
// @id, identifiers.cpe23, identifiers.cpe22 or a hash. It returns the
// object's own subcomponents too.
func readComponent(raw json.RawMessage) (string, []json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", nil, errors.New("component is empty")
	}
	switch raw[0] {
	case '"':
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", nil, err
		}
		if id = strings.TrimSpace(id); id == "" {
			return "", nil, errors.New("component is an empty string")
		}
		return id, nil, nil
	case '{':
		var c component
		if err := json.Unmarshal(raw, &c); err != nil {
			return "", nil, typeMessage(err)
		}
		for _, id := range []string{c.Identifiers["purl"], c.ID, c.Identifiers["cpe23"], c.Identifiers["cpe22"], hashID(c.Hashes)} {
			if id = strings.TrimSpace(id); id != "" {
				return id, c.Subcomponents, nil
			}
		}
		return "", nil, errors.New("component has no @id, identifiers or hashes")
	}
	return "", nil, errors.New("component must be a string or an object")
}

// hashPreference orders the hash algorithms of the OpenVEX spec.
var hashPreference = []string{"sha-256", "sha-512", "sha-384", "sha3-256", "sha3-512", "sha3-384", "sha3-224", "sha-1", "blake2b-256", "blake2b-512", "blake2b-384", "blake3", "md5"}

// hashID identifies a component by one of its hashes as "<alg>:<value>",
// the strongest first, or "".
func hashID(h map[string]string) string {
	if len(h) == 0 {
		return ""
	}
	for _, alg := range hashPreference {
		if v := strings.TrimSpace(h[alg]); v != "" {
			return alg + ":" + v
		}
	}
	algs := make([]string, 0, len(h))
	for alg := range h {
		algs = append(algs, alg)
	}
	slices.Sort(algs)
	for _, alg := range algs {
		if v := strings.TrimSpace(h[alg]); v != "" {
			return alg + ":" + v
		}
	}
	return ""
}

// typeMessage keeps the text of an encoding/json type error but drops its
// offset, which is relative to a nested value.
func typeMessage(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("%s: cannot use a JSON %s as %s", field, typ.Value, typ.Type)
	}
	return err
}

// appendUnique appends s unless it is already present.
func appendUnique(ss []string, s string) []string {
	if slices.Contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

// shift makes a type error's offset, relative to a value that started at
// start, absolute.
func shift(err error, start int64) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		typ.Offset += start
	}
	return err
}

// capReader fails with a *findings.LimitError once more than max bytes
// come from r.
type capReader struct {
	r    io.Reader
	left int64
	max  int64
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.left <= 0 {
		var one [1]byte
		n, err := io.ReadFull(c.r, one[:])
		if n > 0 {
			c.err = &findings.LimitError{Limit: "MaxDocumentBytes", Max: c.max}
			return 0, c.err
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
