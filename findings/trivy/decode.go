package trivy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "trivy"

// Decode reads one Trivy JSON report from r and hands each finding to h, in
// document order: for every Result, its vulnerabilities, failed
// misconfigurations, secrets, licenses and suppressed (modified) findings.
// Trivy reports carry no separate VEX statements, so h.VEX is never called.
//
// It reads the current report (an object with SchemaVersion and Results),
// Kubernetes reports (Resources, or the Vulnerabilities and
// Misconfigurations arrays of resources of older versions), the legacy
// top-level array of results, and the document null (no findings, nil
// error). Results are decoded one at a time, so memory does not grow with the
// number of results. When the Results come before the report header (which
// Trivy never does, but a re-serialized file may), the decoder reads the
// header first: by seeking back when r is an [io.ReadSeeker], else by holding
// the decoded results, bounded by MaxDocumentBytes.
//
// Bad input returns a [*findings.DecodeError] wrapping [findings.ErrSyntax],
// [findings.ErrInvalid], [findings.ErrUnsupportedFormat] or
// [findings.ErrLimit]. An error returned by h is returned unchanged.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	d := &decoder{
		opts:   opts,
		em:     findings.NewEmitter(h, opts, Format),
		maxDoc: opts.Limits.WithDefaults().MaxDocumentBytes,
	}
	var (
		rs    io.ReadSeeker
		start int64
	)
	if s, ok := r.(io.ReadSeeker); ok {
		if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
			rs, start = s, pos
		}
	}
	d.seekable = rs != nil
	d.reset(r)
	if err := d.document(); err != nil {
		return err
	}
	if !d.needSecond {
		return d.flush()
	}
	// The records came before the header and were skipped: read them now.
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: -1, Err: fmt.Errorf("%w: seeking back to read the results: %v", findings.ErrInvalid, err)}
	}
	d.second = true
	d.reset(rs)
	return d.document()
}

// header holds the report-level fields that every finding of the report
// shares.
type header struct {
	toolVersion  string
	artifactName string
	artifactType string
	meta         *metadata
	cluster      string
}

// held is a result read before the header, kept until the header is known.
type held struct {
	res   *result
	k8s   *resource
	path  string
	start int64
}

type decoder struct {
	opts   findings.DecodeOptions
	em     *findings.Emitter
	g      *jsonstream.Reader
	dec    *json.Decoder
	maxDoc int64

	hdr        header
	ready      bool // the header was read: records can be emitted as they come
	deferred   bool // records came before the header
	seekable   bool
	needSecond bool // records were skipped and need a second pass
	second     bool // this is the second pass
	recognized bool // a key of a Trivy report was seen
	held       []held
	heldBytes  int64
}

func (d *decoder) reset(r io.Reader) {
	d.g = jsonstream.NewReader(r, d.opts.Limits)
	d.dec = json.NewDecoder(d.g)
}

// document reads the top-level value.
func (d *decoder) document() error {
	tok, err := d.dec.Token()
	if errors.Is(err, io.EOF) && d.g.Offset() == d.g.BOMLen() {
		return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.g.Offset(), Err: fmt.Errorf("%w: empty input", findings.ErrSyntax)}
	}
	if err != nil {
		return d.wrap(err, "")
	}
	switch tok {
	case nil:
		// Old Trivy versions write null for a scan without results.
	case json.Delim('['):
		// The legacy report: an array of results.
		if err := d.elements("", d.resultElement); err != nil {
			return err
		}
	case json.Delim('{'):
		if err := d.object(); err != nil {
			return err
		}
	default:
		return d.invalid("", d.dec.InputOffset(), "a Trivy report is a JSON object, array or null, not %s", jsonstream.Describe(tok))
	}
	return d.end()
}

// end checks that nothing follows the document.
func (d *decoder) end() error {
	tok, err := d.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return d.wrap(err, "")
	}
	return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.offset(), Err: fmt.Errorf("%w: data after the document (%s)", findings.ErrSyntax, jsonstream.Describe(tok))}
}

// object reads the members of the report object.
func (d *decoder) object() error {
	var keys jsonstream.Keys
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.wrap(err, "")
		}
		key, ok := tok.(string)
		if !ok {
			return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.offset(), Err: fmt.Errorf("%w: object key expected", findings.ErrSyntax)}
		}
		switch key {
		case "Results", "Resources", "Vulnerabilities", "Misconfigurations", "SchemaVersion", "Trivy", "ArtifactName", "ArtifactType", "Metadata", "ClusterName":
			if keys.Seen(key) {
				return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.offset(), Path: key, Err: jsonstream.DuplicateKey(key)}
			}
		}
		if err := d.member(key); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil { // '}'
		return d.wrap(err, "")
	}
	if !d.second && !d.recognized {
		return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: 0, Err: fmt.Errorf("%w: the object has none of the keys of a Trivy report (SchemaVersion, Results, ArtifactName, ClusterName, Resources)", findings.ErrUnsupportedFormat)}
	}
	return nil
}

func (d *decoder) member(key string) error {
	switch key {
	case "Results", "Resources", "Vulnerabilities", "Misconfigurations":
		d.recognized = true
		return d.records(key)
	case "SchemaVersion", "Trivy", "ArtifactName", "ArtifactType", "Metadata", "ClusterName":
		d.recognized = true
		if d.second {
			return d.skip(key)
		}
		return d.headerMember(key)
	}
	return d.skip(key)
}

func (d *decoder) headerMember(key string) error {
	switch key {
	case "SchemaVersion":
		var v *int
		if _, err := d.value(&v, key); err != nil {
			return err
		}
		d.ready = true
	case "Trivy":
		var v *toolInfo
		if _, err := d.value(&v, key); err != nil {
			return err
		}
		if v != nil {
			d.hdr.toolVersion = v.Version
		}
	case "ArtifactName":
		_, err := d.value(&d.hdr.artifactName, key)
		return err
	case "ArtifactType":
		_, err := d.value(&d.hdr.artifactType, key)
		return err
	case "Metadata":
		_, err := d.value(&d.hdr.meta, key)
		return err
	case "ClusterName":
		if _, err := d.value(&d.hdr.cluster, key); err != nil {
			return err
		}
		d.ready = true
	}
	return nil
}

// records reads an array of results ("Results") or of Kubernetes resources
// (the others), emitting, holding or skipping them.
func (d *decoder) records(key string) error {
	if !d.second && (!d.ready || d.deferred) {
		d.deferred = true
		if d.seekable {
			d.needSecond = true
			return d.skip(key)
		}
	}
	if key == "Results" {
		return d.results(key)
	}
	return d.array(key, func(p string) error {
		var res *resource
		start, err := d.value(&res, p)
		if err != nil {
			return err
		}
		if res == nil {
			return d.invalid(p, start, "null resource")
		}
		for j, r := range res.Results {
			if err := d.result(r, res, fmt.Sprintf("%s.Results[%d]", p, j), start); err != nil {
				return err
			}
		}
		return nil
	})
}

// results reads an array of results; path is its JSON path ("" for the
// legacy top-level array).
func (d *decoder) results(path string) error {
	return d.array(path, d.resultElement)
}

// resultElement reads one result at path.
func (d *decoder) resultElement(p string) error {
	var res *result
	start, err := d.value(&res, p)
	if err != nil {
		return err
	}
	return d.result(res, nil, p, start)
}

// result emits one result's findings now, or holds it until the header is
// read.
func (d *decoder) result(res *result, k8s *resource, path string, start int64) error {
	if res == nil {
		return d.invalid(path, start, "null result")
	}
	if d.deferred && !d.second {
		d.held = append(d.held, held{res: res, k8s: k8s, path: path, start: start})
		return nil
	}
	return d.emitResult(res, k8s, path, start)
}

// flush emits the results held while the header was unknown.
func (d *decoder) flush() error {
	for _, h := range d.held {
		if err := d.emitResult(h.res, h.k8s, h.path, h.start); err != nil {
			return err
		}
	}
	d.held = nil
	return nil
}

// array reads a JSON array (or null) at path, calling each for every
// element with the element's path.
func (d *decoder) array(path string, each func(p string) error) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.wrap(err, path)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return d.invalid(path, d.dec.InputOffset(), "want an array or null, got %s", jsonstream.Describe(tok))
	}
	return d.elements(path, each)
}

// elements reads the elements of an array whose '[' was read, and its ']'.
func (d *decoder) elements(path string, each func(p string) error) error {
	for i := 0; d.dec.More(); i++ {
		if err := each(fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil { // ']'
		return d.wrap(err, path)
	}
	return nil
}

// value decodes the next JSON value into v and returns the offset where the
// value starts. The value is first read as raw bytes so that a type error
// can be located exactly in the input; a syntax error inside the value is
// reported at the value's start.
func (d *decoder) value(v any, path string) (int64, error) {
	before := d.dec.InputOffset()
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return before, d.wrap(err, path)
	}
	start := d.dec.InputOffset() - int64(len(raw))
	if d.deferred && !d.second && !d.seekable {
		d.heldBytes += int64(len(raw))
		if d.heldBytes > d.maxDoc {
			return start, &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: start + d.g.BOMLen(), Path: path,
				Err: &findings.LimitError{Limit: "MaxDocumentBytes", Max: d.maxDoc}}
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			t := *typ
			t.Offset += start
			return start, jsonstream.Error(&t, d.g, d.dec, d.opts.Name, Format, path)
		}
		return start, d.invalid(path, start, "%v", err)
	}
	return start, nil
}

// skip reads past the next JSON value without keeping it.
func (d *decoder) skip(path string) error {
	if err := jsonstream.SkipValue(d.dec); err != nil {
		return d.wrap(err, path)
	}
	return nil
}

// offset is the current input offset, byte order mark included.
func (d *decoder) offset() int64 { return d.dec.InputOffset() + d.g.BOMLen() }

// wrap converts err into a DecodeError at path. encoding/json reports the
// offset of a syntax error found while decoding a value relative to an
// internal count, not to the input, so such errors are reported where the
// failing value starts (the decoder does not advance past it).
func (d *decoder) wrap(err error, path string) error {
	out := jsonstream.Error(err, d.g, d.dec, d.opts.Name, Format, path)
	var (
		syn *json.SyntaxError
		de  *findings.DecodeError
	)
	if errors.As(err, &syn) && errors.As(out, &de) {
		de.Offset = d.offset()
	}
	return out
}

// invalid returns an ErrInvalid DecodeError at path and the given offset
// (BOM excluded).
func (d *decoder) invalid(path string, at int64, format string, args ...any) error {
	off := int64(-1)
	if at >= 0 {
		off = at + d.g.BOMLen()
	}
	return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: off, Path: path, Err: fmt.Errorf("%w: %s", findings.ErrInvalid, fmt.Sprintf(format, args...))}
}
