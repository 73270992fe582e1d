package cyclonedx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
	"github.com/aspmkit/aspm/internal/xmlstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "cyclonedx"

// Decode reads one CycloneDX BOM (JSON or XML, specVersion 1.0 to 1.7) from
// r and hands each finding and VEX statement to h, in document order. The
// BOM is read whole, so it must fit in opts.Limits.MaxDocumentBytes. See the
// package documentation for which records become findings and which become
// VEX statements. It returns handler errors unchanged, and a
// [*findings.DecodeError] for bad input.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	lim := opts.Limits.WithDefaults()
	e := &errCtx{file: opts.Name}
	// The limits are checked as the document is read, by an XML or a JSON
	// guard, so that a hostile input stops the read where it breaks one.
	var jg *jsonstream.Reader
	raw, off, err := xmlstream.ReadAll(r, lim, func(r io.Reader) io.Reader {
		jg = jsonstream.NewReader(r, lim)
		return jg
	})
	if err != nil {
		var le *findings.LimitError
		switch {
		case jg != nil && jg.ErrOffset() >= 0:
			return jsonstream.Error(err, jg, nil, e.file, Format, "")
		case errors.As(err, &le):
			return e.err(off, "", err)
		}
		return e.err(-1, "", err)
	}
	body := raw
	var bomLen int64
	if bytes.HasPrefix(body, utf8BOM) {
		body, bomLen = body[len(utf8BOM):], int64(len(utf8BOM))
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	var doc *document
	switch {
	case len(trimmed) == 0:
		return e.err(int64(len(raw)), "", fmt.Errorf("%w: empty input", findings.ErrSyntax))
	case trimmed[0] == '<':
		doc, err = decodeXML(body, bomLen, lim, e)
	default:
		doc, err = decodeJSON(raw, lim, e)
	}
	if err != nil {
		return err
	}
	if err := check(doc, e); err != nil {
		return err
	}
	return emit(doc, findings.NewEmitter(h, opts, Format), e)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// errCtx builds the decode errors of one input.
type errCtx struct{ file string }

func (e *errCtx) err(offset int64, path string, cause error) error {
	return &findings.DecodeError{File: e.file, Format: Format, Offset: offset, Path: path, Err: cause}
}

// withSentinel makes sure a decode error wraps a sentinel: an error that
// cyclonedx-go raised itself (an invalid specVersion, a malformed tools
// element) is a document breaking the format's rules.
func withSentinel(err error) error {
	var de *findings.DecodeError
	if !errors.As(err, &de) {
		return err
	}
	for _, s := range []error{findings.ErrSyntax, findings.ErrInvalid, findings.ErrUnsupportedFormat, findings.ErrLimit} {
		if errors.Is(de.Err, s) {
			return err
		}
	}
	de.Err = fmt.Errorf("%w: %v", findings.ErrInvalid, de.Err)
	return err
}

// jsonHead is what is checked before the BOM is decoded.
type jsonHead struct {
	BOMFormat   json.RawMessage `json:"bomFormat"`
	SpecVersion json.RawMessage `json:"specVersion"`
}

func decodeJSON(raw []byte, lim findings.Limits, e *errCtx) (*document, error) {
	// The guard checks nesting and string limits over the whole input
	// before any of it is decoded.
	g := jsonstream.NewReader(bytes.NewReader(raw), lim)
	if _, err := io.Copy(io.Discard, g); err != nil {
		return nil, jsonstream.Error(err, g, nil, e.file, Format, "")
	}
	body := raw[g.BOMLen():]

	dec := json.NewDecoder(bytes.NewReader(body))
	var head *jsonHead
	if err := dec.Decode(&head); err != nil {
		return nil, withSentinel(jsonstream.Error(err, g, dec, e.file, Format, ""))
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return nil, e.err(g.BOMLen()+end, "", fmt.Errorf("%w: data after the top-level object", findings.ErrSyntax))
	}
	if head == nil {
		return nil, e.err(g.BOMLen(), "", fmt.Errorf("%w: the document is null, not a CycloneDX BOM", findings.ErrInvalid))
	}
	var format, version string
	if len(head.BOMFormat) == 0 {
		return nil, e.err(-1, "bomFormat", fmt.Errorf("%w: bomFormat is missing", findings.ErrInvalid))
	}
	if err := json.Unmarshal(head.BOMFormat, &format); err != nil {
		return nil, e.err(-1, "bomFormat", fmt.Errorf("%w: bomFormat is not a string", findings.ErrInvalid))
	}
	if format != "CycloneDX" {
		return nil, e.err(-1, "bomFormat", fmt.Errorf("%w: bomFormat %s is not CycloneDX", findings.ErrUnsupportedFormat, quote(format)))
	}
	if len(head.SpecVersion) == 0 {
		return nil, e.err(-1, "specVersion", fmt.Errorf("%w: specVersion is missing", findings.ErrInvalid))
	}
	if err := json.Unmarshal(head.SpecVersion, &version); err != nil {
		return nil, e.err(-1, "specVersion", fmt.Errorf("%w: specVersion is not a string", findings.ErrInvalid))
	}
	if _, ok := parseSpecVersion(version); !ok {
		return nil, e.err(-1, "specVersion", fmt.Errorf("%w: CycloneDX specVersion %s (this decoder reads 1.0–1.7)", findings.ErrUnsupportedFormat, quote(version)))
	}

	var bom cdx.BOM
	dec = json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&bom); err != nil {
		derr := withSentinel(jsonstream.Error(err, g, dec, e.file, Format, ""))
		var typ *json.UnmarshalTypeError
		var de *findings.DecodeError
		if errors.As(err, &typ) && errors.As(derr, &de) && !plausibleTypeErrorOffset(body, typ) {
			de.Offset = -1
		}
		return nil, derr
	}
	return fromBOM(&bom), nil
}

// plausibleTypeErrorOffset reports whether a type error's offset can be
// trusted. cyclonedx-go decodes some values (tools) with its own
// UnmarshalJSON, whose errors carry offsets relative to that value, not to
// the document: those are reported as unknown (-1).
func plausibleTypeErrorOffset(body []byte, typ *json.UnmarshalTypeError) bool {
	for _, seg := range strings.Split(typ.Field, ".") {
		if seg == "tools" {
			return false
		}
	}
	if typ.Offset <= 0 || typ.Offset > int64(len(body)) {
		return false
	}
	// The offset is just past the offending value.
	last := body[typ.Offset-1]
	switch typ.Value {
	case "string":
		return last == '"'
	case "array":
		return last == ']'
	case "object":
		return last == '}'
	case "bool":
		return last == 'e'
	}
	return true
}

func decodeXML(body []byte, bomLen int64, lim findings.Limits, e *errCtx) (*document, error) {
	s, err := scanXML(body, bomLen, lim, e)
	if err != nil {
		return nil, err
	}
	var doc *document
	if s.minor >= 2 {
		var bom cdx.BOM
		d := xml.NewDecoder(bytes.NewReader(body))
		if err := d.Decode(&bom); err != nil {
			return nil, e.err(bomLen+d.InputOffset(), "", fmt.Errorf("%w: %s", findings.ErrInvalid, clipMessage(err.Error())))
		}
		doc = fromBOM(&bom)
	} else {
		// 1.0 and 1.1 have no metadata and no vulnerabilities of their
		// own: the scan holds all that matters.
		doc = &document{serial: s.serial, hasComponents: s.hasComponents, index: s.index}
	}
	doc.vulns = append(s.vulns, doc.vulns...)
	return doc, nil
}

// clipMessage cuts an error message of cyclonedx-go or encoding/xml, which
// may quote a whole value, to a few hundred bytes.
func clipMessage(msg string) string {
	const max = 256
	if len(msg) > max {
		return msg[:max] + "..."
	}
	return msg
}

// check rejects what the model cannot carry: a score that is not a finite
// number (XML admits "NaN" and "Inf"), and a CVSS rating's score outside
// CVSS's range of 0 to 10.
func check(doc *document, e *errCtx) error {
	for _, v := range doc.vulns {
		for i, r := range v.ratings {
			if r.score == nil {
				continue
			}
			path := v.path + ".ratings[" + itoa(i) + "].score"
			s := *r.score
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return e.err(-1, path, fmt.Errorf("%w: rating score is not a finite number", findings.ErrInvalid))
			}
			if cvssVersion(r) != "" && !(s >= 0 && s <= 10) {
				return e.err(-1, path, fmt.Errorf("%w: CVSS rating score %g is outside 0 to 10", findings.ErrInvalid, s))
			}
		}
	}
	return nil
}
