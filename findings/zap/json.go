package zap

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// text is a JSON scalar read as text: ZAP writes every value as a string,
// but a number, boolean or null is accepted too. An object or array is a
// type error.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case 'n':
		*t = ""
	case '{':
		return &json.UnmarshalTypeError{Value: "object", Type: reflect.TypeFor[string]()}
	case '[':
		return &json.UnmarshalTypeError{Value: "array", Type: reflect.TypeFor[string]()}
	default:
		*t = text(b)
	}
	return nil
}

type jsonInstance struct {
	URI            text  `json:"uri"`
	Method         text  `json:"method"`
	Param          text  `json:"param"`
	Attack         text  `json:"attack"`
	Evidence       text  `json:"evidence"`
	Otherinfo      *text `json:"otherinfo"`
	RequestHeader  *text `json:"request-header"`
	RequestBody    *text `json:"request-body"`
	ResponseHeader *text `json:"response-header"`
	ResponseBody   *text `json:"response-body"`
}

type jsonAlert struct {
	PluginID       text            `json:"pluginid"`
	AlertRef       text            `json:"alertRef"`
	Alert          text            `json:"alert"`
	Name           text            `json:"name"`
	Riskcode       text            `json:"riskcode"`
	Confidence     text            `json:"confidence"`
	Riskdesc       text            `json:"riskdesc"`
	Confidencedesc text            `json:"confidencedesc"`
	Desc           text            `json:"desc"`
	Instances      []*jsonInstance `json:"instances"`
	Count          text            `json:"count"`
	Solution       text            `json:"solution"`
	Otherinfo      text            `json:"otherinfo"`
	Reference      text            `json:"reference"`
	Cweid          text            `json:"cweid"`
	Wascid         text            `json:"wascid"`
	Sourceid       text            `json:"sourceid"`
	// Old reports carry one occurrence on the alert itself.
	URI      *text `json:"uri"`
	Method   text  `json:"method"`
	Param    text  `json:"param"`
	Attack   text  `json:"attack"`
	Evidence text  `json:"evidence"`
}

type jsonDecoder struct {
	g    *jsonstream.Reader
	dec  *json.Decoder
	em   *findings.Emitter
	file string
	hdr  header
}

func decodeJSON(r io.Reader, opts findings.DecodeOptions, em *findings.Emitter) error {
	g := jsonstream.NewReader(r, opts.Limits)
	d := &jsonDecoder{g: g, dec: json.NewDecoder(g), em: em, file: opts.Name}
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, "")
	}
	if tok != json.Delim('{') {
		return d.errorf(d.offset(), "", findings.ErrInvalid, "a ZAP JSON report is an object, not %s", jsonstream.Describe(tok))
	}
	zap := false
	for d.dec.More() {
		key, err := d.key("")
		if err != nil {
			return err
		}
		switch key {
		case "@version":
			var v text
			if err := d.dec.Decode(&v); err != nil {
				return d.fail(err, key)
			}
			d.hdr.version = string(v)
			zap = true
		case "@programName":
			if err := d.skip(key); err != nil {
				return err
			}
			zap = true
		case "site":
			zap = true
			if err := d.sites(); err != nil {
				return err
			}
		default:
			if err := d.skip(key); err != nil {
				return err
			}
		}
	}
	if _, err := d.dec.Token(); err != nil { // '}'
		return d.fail(err, "")
	}
	if !zap {
		return d.errorf(0, "", findings.ErrUnsupportedFormat, "not a ZAP report: no @programName, @version or site")
	}
	if _, err := d.dec.Token(); err != io.EOF {
		if err != nil {
			return d.fail(err, "")
		}
		return d.errorf(d.offset(), "", findings.ErrSyntax, "data after the report object")
	}
	return nil
}

// sites reads the value of "site": an array of sites, one site, or null.
func (d *jsonDecoder) sites() error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, "site")
	}
	switch tok {
	case nil:
		return nil
	case json.Delim('{'):
		return d.site("site")
	case json.Delim('['):
		for i := 0; d.dec.More(); i++ {
			path := fmt.Sprintf("site[%d]", i)
			tok, err := d.dec.Token()
			if err != nil {
				return d.fail(err, path)
			}
			if tok != json.Delim('{') {
				return d.errorf(d.offset(), path, findings.ErrInvalid, "a site is an object, not %s", jsonstream.Describe(tok))
			}
			if err := d.site(path); err != nil {
				return err
			}
		}
		if _, err := d.dec.Token(); err != nil {
			return d.fail(err, "site")
		}
		return nil
	}
	return d.errorf(d.offset(), "site", findings.ErrInvalid, "site is an array or object, not %s", jsonstream.Describe(tok))
}

// site reads a site object after its '{'.
func (d *jsonDecoder) site(path string) error {
	var st site
	for d.dec.More() {
		key, err := d.key(path)
		if err != nil {
			return err
		}
		var dst *string
		switch key {
		case "@name":
			dst = &st.name
		case "@host":
			dst = &st.host
		case "@port":
			dst = &st.port
		case "@ssl":
			dst = &st.ssl
		case "alerts":
			if err := d.alerts(st, path+".alerts"); err != nil {
				return err
			}
			continue
		default:
			if err := d.skip(path + "." + key); err != nil {
				return err
			}
			continue
		}
		var v text
		if err := d.dec.Decode(&v); err != nil {
			return d.fail(err, path+"."+key)
		}
		*dst = string(v)
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, path)
	}
	return nil
}

// alerts reads an array of alerts, one at a time.
func (d *jsonDecoder) alerts(st site, path string) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.fail(err, path)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return d.errorf(d.offset(), path, findings.ErrInvalid, "alerts is an array, not %s", jsonstream.Describe(tok))
	}
	for i := 0; d.dec.More(); i++ {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		start := d.offset()
		var ja *jsonAlert
		if err := d.dec.Decode(&ja); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Offset == 0 {
				te.Offset = start - d.g.BOMLen()
			}
			return d.fail(err, ipath)
		}
		if ja == nil {
			return d.errorf(start, ipath, findings.ErrInvalid, "alert is null")
		}
		a, err := alertFromJSON(ja)
		if err != nil {
			return d.errorf(start, ipath+".instances", findings.ErrInvalid, "%v", err)
		}
		if err := emitAlert(d.em, d.hdr, st, a); err != nil {
			var iv *invalid
			if errors.As(err, &iv) {
				return d.errorf(start, ipath+"."+iv.field, findings.ErrInvalid, "%s", iv.msg)
			}
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.fail(err, path)
	}
	return nil
}

func alertFromJSON(j *jsonAlert) (*alert, error) {
	a := &alert{
		pluginID:       trim(j.PluginID),
		alertRef:       trim(j.AlertRef),
		alert:          trim(j.Alert),
		name:           trim(j.Name),
		riskcode:       trim(j.Riskcode),
		confidence:     trim(j.Confidence),
		riskdesc:       trim(j.Riskdesc),
		confidencedesc: trim(j.Confidencedesc),
		desc:           string(j.Desc),
		solution:       string(j.Solution),
		otherinfo:      string(j.Otherinfo),
		ref:            string(j.Reference),
		cweid:          trim(j.Cweid),
		wascid:         trim(j.Wascid),
		sourceid:       trim(j.Sourceid),
		count:          trim(j.Count),
	}
	for i, ji := range j.Instances {
		if ji == nil {
			return nil, fmt.Errorf("instance %d is null", i)
		}
		in := newInstance()
		in.uri, in.method, in.param = trim(ji.URI), trim(ji.Method), trim(ji.Param)
		in.attack, in.evidence = trim(ji.Attack), trim(ji.Evidence)
		if ji.Otherinfo != nil {
			in.hasOtherinfo, in.otherinfo = true, string(*ji.Otherinfo)
		}
		for _, p := range []struct {
			v *text
			n *int
		}{{ji.RequestHeader, &in.reqHeaderLen}, {ji.RequestBody, &in.reqBodyLen}, {ji.ResponseHeader, &in.respHeaderLen}, {ji.ResponseBody, &in.respBodyLen}} {
			if p.v != nil {
				*p.n = len(*p.v)
			}
		}
		a.instances = append(a.instances, in)
	}
	if len(j.Instances) == 0 && j.URI != nil {
		a.hasDirect = true
		a.direct = newInstance()
		a.direct.uri, a.direct.method, a.direct.param = trim(*j.URI), trim(j.Method), trim(j.Param)
		a.direct.attack, a.direct.evidence = trim(j.Attack), trim(j.Evidence)
	}
	return a, nil
}

func trim(t text) string { return strings.TrimSpace(string(t)) }

// key reads an object key.
func (d *jsonDecoder) key(path string) (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", d.fail(err, path)
	}
	k, ok := tok.(string)
	if !ok {
		return "", d.errorf(d.offset(), path, findings.ErrSyntax, "object key expected")
	}
	return k, nil
}

// skip consumes one value of any type.
func (d *jsonDecoder) skip(path string) error {
	if err := jsonstream.SkipValue(d.dec); err != nil {
		return d.fail(err, path)
	}
	return nil
}

// offset is the input offset of the decoder, byte order mark included.
func (d *jsonDecoder) offset() int64 { return d.dec.InputOffset() + d.g.BOMLen() }

func (d *jsonDecoder) fail(err error, path string) error {
	return jsonstream.Error(err, d.g, d.dec, d.file, Format, path)
}

func (d *jsonDecoder) errorf(offset int64, path string, sentinel error, format string, args ...any) error {
	return &findings.DecodeError{File: d.file, Format: Format, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}
