package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "sarif"

// Version is the SARIF version this package reads.
const Version = "2.1.0"

// Decode reads one SARIF 2.1.0 log from r and hands one finding per result,
// across all runs, to h, in document order. Results are decoded one at a
// time, so memory does not grow with the number of results; see the package
// documentation for the one case (results before the tool of their run)
// where a run's results are buffered or read twice.
//
// Bad input returns a [*findings.DecodeError]; an error returned by h is
// returned unchanged. Decode is safe for concurrent use with different
// readers.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	d := &decoder{
		opts: opts,
		lim:  opts.Limits.WithDefaults(),
		em:   findings.NewEmitter(h, opts, Format),
	}
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			d.rs, d.start = rs, start
		}
	}
	d.g = jsonstream.NewReader(r, opts.Limits)
	d.dec = json.NewDecoder(d.g)
	return d.log()
}

// decoder walks one SARIF log. Not safe for concurrent use.
type decoder struct {
	opts findings.DecodeOptions
	lim  findings.Limits
	em   *findings.Emitter
	g    *jsonstream.Reader
	dec  *json.Decoder

	// rs is the input when it can seek (start is its position when Decode
	// began); runs whose results precede their tool are then read twice
	// instead of buffered.
	rs    io.ReadSeeker
	start int64
}

// handlerError marks an error returned by the Handler, so that it passes
// through the error conversion unchanged.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }

// pos is the input offset just after the last token read, BOM included.
func (d *decoder) pos() int64 { return d.dec.InputOffset() + d.g.BOMLen() }

func (d *decoder) log() error {
	tok, err := d.dec.Token()
	if err == io.EOF {
		return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.g.Offset(),
			Err: fmt.Errorf("%w: empty input", findings.ErrSyntax)}
	}
	if err != nil {
		return d.fail(err, "", -1)
	}
	if tok != json.Delim('{') {
		return d.errorf(findings.ErrInvalid, d.g.BOMLen(), "", "a SARIF log is a JSON object, not %s", describe(tok))
	}
	// A version other than 2.1.0 is reported only once the whole document
	// has been read and found well-formed: a file that is not JSON is a
	// syntax error whatever its version says.
	var sawVersion, sawRuns bool
	var unsupported error
	var keys jsonstream.Keys
	for d.dec.More() {
		key, err := d.key()
		if err != nil {
			return d.fail(err, "", -1)
		}
		if (key == "version" || key == "runs") && keys.Seen(key) {
			return d.duplicate(key, key)
		}
		switch key {
		case "version":
			var raw json.RawMessage
			if err := d.dec.Decode(&raw); err != nil {
				return d.fail(err, "version", -1)
			}
			at := d.pos() - int64(len(raw))
			var s string
			if err := json.Unmarshal(raw, &s); err != nil || raw[0] != '"' {
				return d.errorf(findings.ErrInvalid, at, "version", "version must be a string, not %s", describeRaw(raw))
			}
			if s != Version && unsupported == nil {
				unsupported = d.errorf(findings.ErrUnsupportedFormat, at, "version", "SARIF version %q (this decoder reads %s)", s, Version)
			}
			sawVersion = true
		case "runs":
			sawRuns = true
			if unsupported != nil {
				err = d.skip()
			} else {
				err = d.runs()
			}
			if err != nil {
				return d.fail(err, "runs", -1)
			}
		default:
			if err := d.skip(); err != nil {
				return d.fail(err, key, -1)
			}
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, "", -1)
	}
	end := d.pos()
	after := d.nextAt(d.dec, d.g.BOMLen())
	if tok, err := d.dec.Token(); err != io.EOF {
		if err != nil {
			return d.fail(err, "", -1)
		}
		return d.errorf(findings.ErrSyntax, after, "", "%s after the end of the log", describe(tok))
	}
	switch {
	case unsupported != nil:
		return unsupported
	case !sawVersion:
		return d.errorf(findings.ErrInvalid, end, "version", "the log has no version")
	case !sawRuns:
		return d.errorf(findings.ErrInvalid, end, "runs", "the log has no runs")
	}
	return nil
}

// runs reads the runs array. SARIF allows null ("the tool could not
// run"), which yields no findings.
func (d *decoder) runs() error {
	at := d.nextAt(d.dec, d.g.BOMLen())
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, "runs", -1)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return d.errorf(findings.ErrInvalid, at, "runs", "runs must be an array, not %s", describe(tok))
	}
	for i := 0; d.dec.More(); i++ {
		if err := d.run(i); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, "runs", -1)
	}
	return nil
}

// run reads one run. Results that come after the run's tool are decoded
// and emitted as they stream by, with the metadata read so far; results
// that come before it are deferred to the end of the run (see deferResults).
func (d *decoder) run(i int) error {
	path := "runs[" + strconv.Itoa(i) + "]"
	at := d.nextAt(d.dec, d.g.BOMLen())
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, path, -1)
	}
	if tok != json.Delim('{') {
		return d.errorf(findings.ErrInvalid, at, path, "a run must be an object, not %s", describe(tok))
	}
	rs := newRunState(i)
	var keys jsonstream.Keys
	for d.dec.More() {
		key, err := d.key()
		if err != nil {
			return d.fail(err, path, -1)
		}
		kpath := path + "." + key
		switch key {
		case "tool", "taxonomies", "originalUriBaseIds", "logicalLocations", "artifacts", "results":
			if keys.Seen(key) {
				return d.duplicate(key, kpath)
			}
		}
		at := d.pos() + 1 // the value's data starts after the colon
		switch key {
		case "tool":
			var t gosarif.Tool
			if err := d.dec.Decode(&t); err != nil {
				return d.fail(err, kpath, at)
			}
			rs.setTool(&t)
		case "taxonomies":
			var t []*gosarif.ToolComponent
			if err := d.dec.Decode(&t); err != nil {
				return d.fail(err, kpath, at)
			}
			rs.setTaxonomies(t)
		case "originalUriBaseIds":
			var m map[string]*artifactLocation
			if err := d.dec.Decode(&m); err != nil {
				return d.fail(err, kpath, at)
			}
			rs.setBases(m)
		case "logicalLocations":
			var l []*logicalLocation
			if err := d.dec.Decode(&l); err != nil {
				return d.fail(err, kpath, at)
			}
			rs.logical = l
		case "artifacts":
			if err := d.artifacts(rs, kpath); err != nil {
				return err
			}
		case "results":
			if rs.sawTool {
				err = d.streamResults(rs, kpath)
			} else {
				err = d.deferResults(rs, kpath)
			}
			if err != nil {
				return err
			}
		default:
			if err := d.skip(); err != nil {
				return d.fail(err, kpath, -1)
			}
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, path, -1)
	}
	return d.flushDeferred(rs, path)
}

// artifacts keeps only the location of each run.artifacts entry; the
// entries can hold whole file contents, so they are read one at a time.
func (d *decoder) artifacts(rs *runState, path string) error {
	at := d.nextAt(d.dec, d.g.BOMLen())
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, path, -1)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return d.errorf(findings.ErrInvalid, at, path, "artifacts must be an array, not %s", describe(tok))
	}
	rs.artifacts = rs.artifacts[:0]
	for j := 0; d.dec.More(); j++ {
		var a artifact
		at := d.pos()
		if err := d.dec.Decode(&a); err != nil {
			return d.fail(err, path+"["+strconv.Itoa(j)+"]", at)
		}
		rs.artifacts = append(rs.artifacts, a.Location)
	}
	_, err = d.dec.Token()
	return d.fail(err, path, -1)
}

// resultsStart reads the token that opens a results array. It reports
// false for null ("results": null means no results).
func (d *decoder) resultsStart(dec *json.Decoder, base int64, path string) (bool, error) {
	at := d.nextAt(dec, base)
	tok, err := dec.Token()
	if err != nil {
		return false, d.fail(err, path, -1)
	}
	if tok == nil {
		return false, nil
	}
	if tok != json.Delim('[') {
		return false, d.errorf(findings.ErrInvalid, at, path, "results must be an array, not %s", describe(tok))
	}
	return true, nil
}

// streamResults decodes and emits the results of rs one at a time.
func (d *decoder) streamResults(rs *runState, path string) error {
	ok, err := d.resultsStart(d.dec, d.g.BOMLen(), path)
	if !ok || err != nil {
		return err
	}
	return d.resultLoop(d.dec, d.g.BOMLen(), rs, path)
}

// resultLoop decodes the elements of a results array whose '[' dec has
// read, and its ']'. base converts dec's offsets to input offsets.
func (d *decoder) resultLoop(dec *json.Decoder, base int64, rs *runState, path string) error {
	var buf result // reused: a finding keeps no reference into it
	for j := 0; dec.More(); j++ {
		// data is where encoding/json starts the element's data (after
		// the comma, which usually follows the previous element directly):
		// type errors are relative to it. at is the element's first byte.
		data := dec.InputOffset() + base
		if j > 0 {
			data++
		}
		at := d.nextAt(dec, base)
		buf = result{RuleIndex: -1}
		res := &buf
		if err := dec.Decode(&res); err != nil {
			return d.failAt(err, dec, base, path+"["+strconv.Itoa(j)+"]", data)
		}
		if err := d.emit(rs, res, at, path, j); err != nil {
			return err
		}
		rs.results++
	}
	_, err := dec.Token()
	if err != nil {
		return d.failAt(err, dec, base, path, -1)
	}
	return nil
}

// deferResults handles a results array that comes before the run's tool:
// findings need the rules, so the results wait for the end of the run. When
// the input can seek, the array is only validated now and decoded again
// from its offset at the end of the run; otherwise its elements are kept
// as raw JSON, at most Limits.MaxDocumentBytes of them.
func (d *decoder) deferResults(rs *runState, path string) error {
	ok, err := d.resultsStart(d.dec, d.g.BOMLen(), path)
	if !ok || err != nil {
		return err
	}
	if d.rs != nil {
		// The offset just after '[' (in the input, relative to where
		// Decode started).
		rs.spans = append(rs.spans, span{path: path, at: d.pos()})
		for j := 0; d.dec.More(); j++ {
			if err := d.dec.Decode(&skipper); err != nil {
				return d.fail(err, path+"["+strconv.Itoa(j)+"]", -1)
			}
		}
		_, err := d.dec.Token()
		return d.fail(err, path, -1)
	}
	for j := 0; d.dec.More(); j++ {
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return d.fail(err, path+"["+strconv.Itoa(j)+"]", -1)
		}
		end := d.pos()
		rs.buffered += int64(len(raw))
		if rs.buffered > d.lim.MaxDocumentBytes {
			return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: end, Path: path + "[" + strconv.Itoa(j) + "]",
				Err: &findings.LimitError{Limit: "MaxDocumentBytes", Max: d.lim.MaxDocumentBytes}}
		}
		rs.raws = append(rs.raws, rawResult{path: path, index: j, at: end - int64(len(raw)), data: raw})
	}
	_, err = d.dec.Token()
	return d.fail(err, path, -1)
}

// flushDeferred emits the deferred results of rs, now that the whole run
// has been read.
func (d *decoder) flushDeferred(rs *runState, path string) error {
	for k := range rs.raws {
		raw := rs.raws[k]
		rs.raws[k].data = nil // let the buffer go as we progress
		res := newResult()
		if err := json.Unmarshal(raw.data, &res); err != nil {
			return d.failAt(err, nil, 0, raw.path+"["+strconv.Itoa(raw.index)+"]", raw.at)
		}
		if err := d.emit(rs, res, raw.at, raw.path, raw.index); err != nil {
			return err
		}
		rs.results++
	}
	rs.raws = nil
	if len(rs.spans) == 0 {
		return nil
	}
	resume, err := d.rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return d.errorf(findings.ErrSyntax, -1, path, "seeking back to the results: %v", err)
	}
	for _, sp := range rs.spans {
		if _, err := d.rs.Seek(d.start+sp.at, io.SeekStart); err != nil {
			return d.errorf(findings.ErrSyntax, sp.at, sp.path, "seeking back to the results: %v", err)
		}
		// The array was validated (syntax and limits) on the first pass;
		// re-open it with the '[' already read.
		dec := json.NewDecoder(io.MultiReader(strings.NewReader("["), d.rs))
		if _, err := dec.Token(); err != nil {
			return d.failAt(err, dec, sp.at-1, sp.path, -1)
		}
		if err := d.resultLoop(dec, sp.at-1, rs, sp.path); err != nil {
			return err
		}
	}
	rs.spans = nil
	if _, err := d.rs.Seek(resume, io.SeekStart); err != nil {
		return d.errorf(findings.ErrSyntax, -1, path, "seeking past the results: %v", err)
	}
	return nil
}

// emit builds the finding of one result and hands it to the emitter.
func (d *decoder) emit(rs *runState, res *result, at int64, path string, j int) error {
	if res == nil {
		return d.errorf(findings.ErrInvalid, at, path+"["+strconv.Itoa(j)+"]", "a result must be an object, not null")
	}
	f, field, err := rs.finding(res)
	if err != nil {
		p := path + "[" + strconv.Itoa(j) + "]"
		if field != "" {
			p += "." + field
		}
		return d.errorf(findings.ErrInvalid, at, p, "%v", err)
	}
	if err := d.em.Finding(f); err != nil {
		return &handlerError{err}
	}
	return nil
}

// key reads an object key.
func (d *decoder) key() (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", err
	}
	k, _ := tok.(string)
	return k, nil
}

// skip consumes one value. Arrays and objects are walked one element at a
// time, so that a large value the decoder does not need (invocations,
// threadFlowLocations, graphs) never sits in memory whole.
func (d *decoder) skip() error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
		for d.dec.More() {
			if err := d.dec.Decode(&skipper); err != nil {
				return err
			}
		}
	case json.Delim('{'):
		for d.dec.More() {
			if _, err := d.dec.Token(); err != nil {
				return err
			}
			if err := d.dec.Decode(&skipper); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	_, err = d.dec.Token()
	return err
}

// duplicate reports a key the walker reads that occurs a second time in
// its object, located just after that key.
func (d *decoder) duplicate(key, path string) error {
	return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: d.pos(), Path: path, Err: jsonstream.DuplicateKey(key)}
}

// errorf returns a DecodeError wrapping sentinel with a message.
func (d *decoder) errorf(sentinel error, at int64, path, format string, args ...any) error {
	return &findings.DecodeError{File: d.opts.Name, Format: Format, Offset: at, Path: path,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// fail converts an error of the main decoder; see failAt.
func (d *decoder) fail(err error, path string, at int64) error {
	return d.failAt(err, d.dec, d.g.BOMLen(), path, at)
}

// failAt converts an error met while reading with dec (whose offsets plus
// base are input offsets; dec is nil for json.Unmarshal) into a
// DecodeError. at, when not -1, is the input offset where the value being
// decoded began; type errors are located relative to it. Handler errors
// pass through unchanged; nil stays nil.
func (d *decoder) failAt(err error, dec *json.Decoder, base int64, path string, at int64) error {
	if err == nil {
		return nil
	}
	var he *handlerError
	if errors.As(err, &he) {
		return he.err
	}
	var de *findings.DecodeError
	if errors.As(err, &de) {
		return err
	}
	g := d.g
	if dec != d.dec {
		g = nil // a second-pass or buffered decode, already guarded
	}
	out := jsonstream.Error(err, g, dec, d.opts.Name, Format, path)
	if !errors.As(out, &de) {
		return out
	}
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		lim *findings.LimitError
	)
	switch {
	case errors.As(err, &lim):
		// jsonstream located it.
	case errors.As(err, &typ):
		// encoding/json reports type errors relative to the value it was
		// decoding.
		de.Offset = -1
		if at >= 0 {
			de.Offset = at + typ.Offset
		}
	case errors.As(err, &syn) && dec != nil:
		// The guard finds syntax errors before encoding/json does, at
		// exact offsets. Should encoding/json report one, its offset is
		// not usable (its Decoder counts only the bytes its Decode calls
		// scanned, not those its Token calls read): the decoder stopped at
		// the start of the bad value, which is still buffered, and
		// scanning that again finds the offending byte.
		de.Offset = base + syntaxOffset(dec)
	case errors.Is(err, errFingerprint):
		de.Err = fmt.Errorf("%w: %v", findings.ErrInvalid, err)
		de.Offset = at
	case g == nil && dec != nil && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)):
		de.Offset = base + dec.InputOffset()
	}
	return de
}

// syntaxOffset returns the offset (in dec's input) of the byte at which
// dec found a syntax error.
func syntaxOffset(dec *json.Decoder) int64 {
	off := dec.InputOffset()
	buf, _ := io.ReadAll(dec.Buffered())
	var syn *json.SyntaxError
	if err := json.NewDecoder(bytes.NewReader(buf)).Decode(&skipper); errors.As(err, &syn) && syn.Offset > 0 {
		return off + syn.Offset - 1
	}
	return off
}

// describeRaw names the JSON type of a raw value for messages.
func describeRaw(raw json.RawMessage) string {
	var v any
	_ = json.Unmarshal(raw, &v)
	return describe(v)
}

// nextAt returns the input offset of the first byte of the next value
// (or of the closing delimiter) dec will read, skipping white space, a
// colon and a comma, as far as dec's buffer shows; base converts dec's
// offsets to input offsets.
func (d *decoder) nextAt(dec *json.Decoder, base int64) int64 {
	off := dec.InputOffset() + base
	r := dec.Buffered()
	var b [1]byte
	for {
		if n, _ := r.Read(b[:]); n == 0 {
			return off
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
}

// describe names the JSON type of a token or decoded value for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// span is a results array to decode again from the input (after its '[').
type span struct {
	path string
	at   int64
}

// rawResult is a buffered result of a run whose results precede its tool.
type rawResult struct {
	path  string
	index int
	at    int64
	data  json.RawMessage
}
