package zap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "zap"

// toolName is the name findings carry in Tool.Name.
const toolName = "ZAP"

// maxKept is the longest evidence or attack string kept in Properties;
// longer ones are represented by their length (and, for evidence, by
// Location.SnippetHash) only.
const maxKept = 1024

// sniffBytes is how far Decode looks for the first byte of the document.
const sniffBytes = 64 << 10

// Decode reads one ZAP report (the traditional XML report, with or without
// requests and responses, or the traditional JSON report) from r and hands
// each finding to h, in document order: one finding per alert instance.
// It returns nil only when the whole document was read; bad input gives a
// *findings.DecodeError, and an error returned by h is returned unchanged.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: 0, Err: err}
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	em := findings.NewEmitter(h, opts, Format)
	switch {
	case len(t) == 0 && len(head) < sniffBytes:
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: int64(len(head)),
			Err: fmt.Errorf("%w: empty input", findings.ErrSyntax)}
	case len(t) == 0:
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: int64(len(head)),
			Err: fmt.Errorf("%w: no document in the first %d bytes", findings.ErrSyntax, sniffBytes)}
	case t[0] == '<':
		return decodeXML(br, opts, em)
	default:
		// JSON, or something else that the JSON reader reports.
		return decodeJSON(br, opts, em)
	}
}

// site is a <site> element or a site object.
type site struct {
	name, host, port, ssl string
}

// target is the site's name, or host:port when it has none.
func (s site) target() string {
	if s.name != "" {
		return s.name
	}
	if s.host != "" && s.port != "" {
		return s.host + ":" + s.port
	}
	return s.host
}

// alert is one alert item, read from XML or JSON.
type alert struct {
	pluginID, alertRef, alert, name string
	riskcode, confidence, riskdesc  string
	confidencedesc                  string
	desc, solution, otherinfo, ref  string
	cweid, wascid, sourceid, count  string
	tags                            []tag
	instances                       []instance
	direct                          instance // an old report's uri etc. on the alert itself
	hasDirect                       bool
}

type tag struct{ name, link string }

// instance is one occurrence of an alert. Request and response parts are
// measured, never kept: the *Len fields are -1 when absent.
type instance struct {
	uri, method, param, attack, evidence, otherinfo string
	hasOtherinfo                                    bool
	reqHeaderLen, reqBodyLen                        int
	respHeaderLen, respBodyLen                      int
}

func newInstance() instance {
	return instance{reqHeaderLen: -1, reqBodyLen: -1, respHeaderLen: -1, respBodyLen: -1}
}

// header is what the report says about itself.
type header struct {
	version string
}

// invalid describes a field with a value outside the format.
type invalid struct {
	field, msg string
}

func (e *invalid) Error() string { return e.msg }

// emitAlert hands the findings of one alert to em: one per instance; for an
// alert without instances, one built from the alert itself.
func emitAlert(em *findings.Emitter, hdr header, s site, a *alert) error {
	base, ierr := baseFinding(hdr, s, a)
	if ierr != nil {
		return ierr
	}
	switch {
	case len(a.instances) > 0:
		for i := range a.instances {
			if err := em.Finding(instanceFinding(base, a, &a.instances[i])); err != nil {
				return err
			}
		}
		return nil
	case a.hasDirect:
		return em.Finding(instanceFinding(base, a, &a.direct))
	default:
		in := newInstance()
		return em.Finding(instanceFinding(base, a, &in))
	}
}

// baseFinding builds what every instance of a shares.
func baseFinding(hdr header, s site, a *alert) (findings.Finding, *invalid) {
	f := findings.Finding{
		Kind:        findings.KindDAST,
		Tool:        findings.Tool{Name: toolName, Version: hdr.version},
		RuleID:      a.pluginID,
		Title:       a.alert,
		Description: unwrap(a.desc),
		Severity:    findings.SeverityUnknown,
		Location:    findings.Location{Target: s.target()},
	}
	if f.Title == "" {
		f.Title = a.name
	}
	if f.RuleID == "" && f.Title == "" {
		return f, &invalid{"pluginid", "alert has neither a pluginid nor a name"}
	}
	if f.Title == "" {
		f.Title = "ZAP alert " + f.RuleID
	}
	switch a.riskcode {
	case "":
		// Fall back on the "Medium (High)" text of riskdesc.
		word, _, _ := strings.Cut(a.riskdesc, "(")
		if sev, ok := findings.ParseSeverity(word); ok {
			f.Severity, f.SeveritySource = sev, "zap:riskdesc"
		}
	case "0":
		f.Severity, f.SeveritySource = findings.SeverityInfo, "zap:riskcode"
	case "1":
		f.Severity, f.SeveritySource = findings.SeverityLow, "zap:riskcode"
	case "2":
		f.Severity, f.SeveritySource = findings.SeverityMedium, "zap:riskcode"
	case "3":
		f.Severity, f.SeveritySource = findings.SeverityHigh, "zap:riskcode"
	default:
		return f, &invalid{"riskcode", fmt.Sprintf("riskcode %s is not 0, 1, 2 or 3", quote(a.riskcode))}
	}
	switch a.confidence {
	case "":
		f.Confidence = strings.ToLower(strings.TrimSpace(a.confidencedesc))
	case "0":
		f.Confidence = "false_positive"
		f.Suppressions = []findings.Suppression{{Kind: "external", Justification: "marked as a false positive in ZAP (confidence 0)"}}
	case "1":
		f.Confidence = "low"
	case "2":
		f.Confidence = "medium"
	case "3":
		f.Confidence = "high"
	case "4":
		f.Confidence = "confirmed"
	default:
		return f, &invalid{"confidence", fmt.Sprintf("confidence %s is not 0, 1, 2, 3 or 4", quote(a.confidence))}
	}
	if n, err := strconv.Atoi(a.cweid); err == nil && n > 0 {
		f.CWEs = append(f.CWEs, "CWE-"+strconv.Itoa(n))
	} else if a.cweid != "" && err != nil {
		return f, &invalid{"cweid", fmt.Sprintf("cweid %s is not a number", quote(a.cweid))}
	}
	f.References = urls(unwrap(a.ref))
	props := map[string]any{}
	setStr(props, "alert_ref", a.alertRef)
	if a.name != "" && a.name != f.Title {
		props["name"] = a.name
	}
	if n, err := strconv.Atoi(a.wascid); err == nil && n > 0 {
		props["wascid"] = n
	} else if a.wascid != "" && err != nil {
		return f, &invalid{"wascid", fmt.Sprintf("wascid %s is not a number", quote(a.wascid))}
	}
	setStr(props, "sourceid", a.sourceid)
	if a.count != "" {
		n, err := strconv.Atoi(a.count)
		if err != nil || n < 0 {
			return f, &invalid{"count", fmt.Sprintf("count %s is not a number", quote(a.count))}
		}
		props["count"] = n
	}
	setStr(props, "solution", unwrap(a.solution))
	if len(a.tags) > 0 {
		tags := make(map[string]any, len(a.tags))
		for _, t := range a.tags {
			if t.name == "" {
				continue
			}
			tags[t.name] = t.link
			if c, ok := findings.NormalizeCWE(t.name); ok && strings.HasPrefix(strings.ToUpper(t.name), "CWE-") {
				f.CWEs = append(f.CWEs, c)
			}
		}
		if len(tags) > 0 {
			props["tags"] = tags
		}
	}
	f.Properties = props
	return f, nil
}

// instanceFinding completes a copy of base with one instance.
func instanceFinding(base findings.Finding, a *alert, in *instance) findings.Finding {
	f := base
	f.Location.URL = in.uri
	f.Location.Method = in.method
	f.Location.Parameter = in.param
	f.Location.SnippetHash = findings.HashSnippet(in.evidence)
	props := make(map[string]any, len(base.Properties)+8)
	for k, v := range base.Properties {
		props[k] = v
	}
	if in.hasOtherinfo {
		setStr(props, "otherinfo", unwrap(in.otherinfo))
	} else {
		setStr(props, "otherinfo", unwrap(a.otherinfo))
	}
	keep(props, "attack", in.attack)
	keep(props, "evidence", in.evidence)
	setLen(props, "request_header_bytes", in.reqHeaderLen)
	setLen(props, "request_body_bytes", in.reqBodyLen)
	setLen(props, "response_header_bytes", in.respHeaderLen)
	setLen(props, "response_body_bytes", in.respBodyLen)
	f.Properties = props
	f.Suppressions = append([]findings.Suppression(nil), base.Suppressions...)
	f.CWEs = append([]string(nil), base.CWEs...)
	f.References = append([]string(nil), base.References...)
	return f
}

func setStr(m map[string]any, k, v string) {
	if v = strings.TrimSpace(v); v != "" {
		m[k] = v
	}
}

func setLen(m map[string]any, k string, n int) {
	if n >= 0 {
		m[k] = n
	}
}

// keep stores v under k when it is short enough, else its length under
// k+"_bytes".
func keep(m map[string]any, k, v string) {
	switch {
	case v == "":
	case len(v) <= maxKept:
		m[k] = v
	default:
		m[k+"_bytes"] = len(v)
	}
}

// unwrap undoes ZAP's paragraph markup: since 2.10 ZAP writes description,
// solution, other info and reference texts as "<p>line</p><p>line</p>",
// replacing each line break by "</p><p>" without escaping the text. It
// returns the original lines joined by "\n". Text not wrapped that way is
// returned as given.
func unwrap(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<p>") || !strings.HasSuffix(t, "</p>") || len(t) < len("<p></p>") {
		return t
	}
	t = t[len("<p>") : len(t)-len("</p>")]
	return strings.TrimSpace(strings.ReplaceAll(t, "</p><p>", "\n"))
}

// urls returns the http(s) URLs among the white-space separated words of s.
func urls(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(w)
		if strings.HasPrefix(lw, "http://") || strings.HasPrefix(lw, "https://") {
			out = append(out, w)
		}
	}
	return out
}

// maxQuoted bounds how much of a bad value an error message repeats: a
// value may be as long as MaxStringBytes.
const maxQuoted = 64

// quote quotes at most maxQuoted bytes of s for an error message, marking
// a cut with "...".
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
