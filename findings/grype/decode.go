package grype

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
const Format = "grype"

// Decode reads one Grype JSON document from r and hands each finding to h,
// in document order: one per entry of matches, then one per entry of
// ignoredMatches (with its suppression or VEX analysis). Grype documents
// carry no separate VEX statements, so h.VEX is never called.
//
// Grype writes matches before source and descriptor, whose image and tool
// version every finding needs. When r is an [io.ReadSeeker] (an *os.File, a
// *bytes.Reader), Decode reads the document twice: first the header,
// stepping over the matches without keeping them, then the matches one at a
// time, so memory does not grow with the number of matches. Otherwise it
// decodes the matches as they come and holds them until the header has been
// read, which is bounded by Limits.MaxDocumentBytes. A document whose source
// and descriptor come first is read in one pass either way.
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
	// The header is validated even when no match needs it.
	if _, err := d.context(); err != nil {
		return err
	}
	if !d.needSecond {
		return d.flush()
	}
	// The matches came before the header and were stepped over: read them
	// now.
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: -1, Err: fmt.Errorf("%w: seeking back to read the matches: %v", findings.ErrInvalid, err)}
	}
	d.second = true
	d.reset(rs)
	return d.document()
}

// header holds the document-level fields that every finding shares.
type header struct {
	source     *source
	descriptor *descriptor
}

// held is a match read before the header, kept until the header is known.
type held struct {
	m       *match
	ignored bool
	path    string
	start   int64
}

type decoder struct {
	opts   findings.DecodeOptions
	em     *findings.Emitter
	g      *jsonstream.Reader
	dec    *json.Decoder
	maxDoc int64

	hdr            header
	seenSource     bool
	seenDescriptor bool
	deferred       bool // matches came before the header
	seekable       bool
	needSecond     bool // matches were stepped over and need a second pass
	second         bool // this is the second pass
	recognized     bool // the matches key was seen
	held           []held
	heldBytes      int64

	ctx *context // derived from the header once it is complete
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
	if tok != json.Delim('{') {
		return d.invalid("", d.dec.InputOffset(), "a Grype document is a JSON object, not %s", jsonstream.Describe(tok))
	}
	if err := d.object(); err != nil {
		return err
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

// object reads the members of the document object.
func (d *decoder) object() error {
	var keys jsonstream.Keys
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.wrap(err, "")
		}
		key, _ := tok.(string)
		switch key {
		case "matches", "ignoredMatches", "source", "descriptor":
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
		return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: 0, Err: fmt.Errorf("%w: the object has no matches array, which every Grype document has", findings.ErrUnsupportedFormat)}
	}
	return nil
}

func (d *decoder) member(key string) error {
	switch key {
	case "matches", "ignoredMatches":
		d.recognized = d.recognized || key == "matches"
		return d.matches(key)
	case "source":
		d.seenSource = true
		if d.second {
			return d.skip(key)
		}
		_, err := d.value(&d.hdr.source, key)
		return err
	case "descriptor":
		d.seenDescriptor = true
		if d.second {
			return d.skip(key)
		}
		_, err := d.value(&d.hdr.descriptor, key)
		return err
	}
	return d.skip(key)
}

// matches reads the matches or ignoredMatches array, emitting, holding or
// stepping over its entries.
func (d *decoder) matches(key string) error {
	if !d.second && (!d.seenSource || !d.seenDescriptor || d.deferred) {
		d.deferred = true
		if d.seekable {
			d.needSecond = true
			return d.skip(key)
		}
	}
	ignored := key == "ignoredMatches"
	return d.array(key, func(p string) error {
		var m *match
		start, err := d.value(&m, p)
		if err != nil {
			return err
		}
		if m == nil {
			return d.invalid(p, start, "null match")
		}
		if d.deferred && !d.second {
			d.held = append(d.held, held{m: m, ignored: ignored, path: p, start: start})
			return nil
		}
		return d.emit(m, ignored, p, start)
	})
}

// flush emits the matches held while the header was unknown.
func (d *decoder) flush() error {
	for _, h := range d.held {
		if err := d.emit(h.m, h.ignored, h.path, h.start); err != nil {
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
// value starts (BOM excluded). The value is first read as raw bytes so that
// a type error can be located exactly in the input.
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
// (BOM excluded; -1 for unknown).
func (d *decoder) invalid(path string, at int64, format string, args ...any) error {
	off := int64(-1)
	if at >= 0 {
		off = at + d.g.BOMLen()
	}
	return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: off, Path: path, Err: fmt.Errorf("%w: %s", findings.ErrInvalid, fmt.Sprintf(format, args...))}
}
