package cyclonedx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
)

const (
	// bomNSPrefix starts every CycloneDX XML namespace; the version
	// follows ("http://cyclonedx.org/schema/bom/1.4").
	bomNSPrefix = "http://cyclonedx.org/schema/bom/"
	// extNS is the namespace of the vulnerability extension that tools
	// wrote into 1.0–1.3 XML BOMs, inside components.
	extNS = "http://cyclonedx.org/schema/ext/vulnerability/1.0"
)

// xmlScan is what one pass over the XML tokens finds: the version, the
// components (the whole model for 1.0 and 1.1, which cyclonedx-go is not
// used for) and the extension's vulnerabilities with their enclosing
// component.
type xmlScan struct {
	minor         int // specVersion 1.<minor>
	ns            string
	serial        string
	hasComponents bool
	index         map[string]*component
	vulns         []*vuln
}

type xmlFrame struct {
	name xml.Name
	comp *component
	// isComps marks a components element whose children count as the
	// BOM's components.
	isComps bool
}

// scanXML walks body's tokens once, enforcing the depth and string
// limits, checking that the root is a CycloneDX 1.0–1.7 bom, and
// collecting components and extension vulnerabilities. base is the number
// of input bytes before body (a byte order mark).
func scanXML(body []byte, base int64, lim findings.Limits, e *errCtx) (*xmlScan, error) {
	s := &xmlScan{index: map[string]*component{}}
	d := xml.NewDecoder(bytes.NewReader(body))
	var (
		stack      []xmlFrame
		text       []byte
		rootSeen   bool
		rootClosed bool
		nComps     int
		cur        *vuln
		curAt      int // stack length at cur's element
		curRating  *rating
		extInComp  = map[*component]int{}
		nVulns     int // vulnerabilities of the BOM seen so far
		nRatings   int // ratings of the current one
	)
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var syn *xml.SyntaxError
			msg := err.Error()
			if errors.As(err, &syn) {
				msg = syn.Msg
			}
			return nil, e.err(base+d.InputOffset(), "", fmt.Errorf("%w: %s", findings.ErrSyntax, msg))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootClosed {
				return nil, e.err(base+start, "", fmt.Errorf("%w: element <%s> after the root element", findings.ErrSyntax, t.Name.Local))
			}
			if len(stack)+1 > lim.MaxDepth {
				return nil, e.err(base+start, "", &findings.LimitError{Limit: "MaxDepth", Max: int64(lim.MaxDepth)})
			}
			for _, a := range t.Attr {
				if len(a.Value) > lim.MaxStringBytes {
					return nil, e.err(base+start, "", &findings.LimitError{Limit: "MaxStringBytes", Max: int64(lim.MaxStringBytes)})
				}
			}
			text = text[:0]
			f := xmlFrame{name: t.Name}
			if !rootSeen {
				rootSeen = true
				if err := s.root(t, e, base+start); err != nil {
					return nil, err
				}
				stack = append(stack, f)
				continue
			}
			parent := stack[len(stack)-1]
			inNS := t.Name.Space == s.ns
			if inNS && len(stack) == 2 && t.Name.Local == "vulnerability" && parent.name.Local == "vulnerabilities" {
				nVulns, nRatings = nVulns+1, 0
			}
			if inNS && len(stack) == 4 && t.Name.Local == "rating" && parent.name.Local == "ratings" {
				nRatings++
			}
			switch {
			case cur != nil:
				rel := relPath(stack[curAt:], t.Name.Local)
				if t.Name.Space == extNS {
					switch rel {
					case "source":
						cur.sourceName = attr(t, "name")
					case "ratings/rating":
						cur.ratings = append(cur.ratings, rating{})
						curRating = &cur.ratings[len(cur.ratings)-1]
					}
				}
			case t.Name.Space == extNS && t.Name.Local == "vulnerability":
				enc := enclosing(stack)
				cur = &vuln{ext: true, extRef: attr(t, "ref")}
				if enc != nil {
					cur.path = "component[" + itoa(enc.pos) + "].vulnerabilities[" + itoa(extInComp[enc]) + "]"
					extInComp[enc]++
					cur.affects = []affect{{ref: cur.extRef, comp: enc}}
				} else {
					cur.path = "vulnerabilities[" + itoa(len(s.vulns)) + "]"
					if cur.extRef != "" {
						cur.affects = []affect{{ref: cur.extRef}}
					}
				}
				curAt = len(stack) + 1
				curRating = nil
			case inNS && t.Name.Local == "components" && (len(stack) == 1 || parent.comp != nil):
				f.isComps = true
				if len(stack) == 1 {
					s.hasComponents = true
				}
			case inNS && t.Name.Local == "component" && (parent.isComps ||
				(len(stack) == 2 && parent.name.Space == s.ns && parent.name.Local == "metadata")):
				c := &component{typ: attr(t, "type"), ref: attr(t, "bom-ref"), pos: nComps}
				f.comp = c
				nComps++
				if c.ref != "" {
					if _, dup := s.index[c.ref]; !dup {
						s.index[c.ref] = c
					}
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, e.err(base+start, "", fmt.Errorf("%w: unexpected end element </%s>", findings.ErrSyntax, t.Name.Local))
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				rootClosed = true
				continue
			}
			val := strings.TrimSpace(string(text))
			text = text[:0]
			if cur != nil {
				if len(stack) == curAt-1 {
					s.vulns = append(s.vulns, cur)
					cur, curRating = nil, nil
					continue
				}
				if f.name.Space != extNS {
					continue
				}
				if err := setExt(cur, curRating, relPath(stack[curAt:], f.name.Local), val); err != nil {
					return nil, e.err(base+start, cur.path, err)
				}
				continue
			}
			if f.name.Space != s.ns {
				continue
			}
			// bom/vulnerabilities/vulnerability/ratings/rating/score: checked
			// here, where its place is known, rather than by cyclonedx-go.
			if f.name.Local == "score" && len(stack) == 5 && stack[4].name.Local == "rating" && stack[3].name.Local == "ratings" &&
				stack[2].name.Local == "vulnerability" && stack[1].name.Local == "vulnerabilities" {
				if err := checkScore(val); err != nil {
					return nil, e.err(base+start, fmt.Sprintf("vulnerabilities[%d].ratings[%d].score", nVulns-1, nRatings-1), err)
				}
			}
			parent := stack[len(stack)-1]
			if c := parent.comp; c != nil {
				switch f.name.Local {
				case "name":
					c.name = val
				case "group":
					c.group = val
				case "version":
					c.version = val
				case "purl":
					c.purl = val
				case "scope":
					c.scope = val
				}
				continue
			}
			// component/licenses/license/(id|name) and component/licenses/expression.
			if n := len(stack); n >= 2 && stack[n-1].name.Local == "licenses" && stack[n-2].comp != nil && f.name.Local == "expression" && val != "" {
				stack[n-2].comp.licenses = append(stack[n-2].comp.licenses, val)
			}
			if n := len(stack); n >= 3 && stack[n-1].name.Local == "license" && stack[n-2].name.Local == "licenses" && stack[n-3].comp != nil &&
				(f.name.Local == "id" || f.name.Local == "name") && val != "" {
				stack[n-3].comp.licenses = append(stack[n-3].comp.licenses, val)
			}
		case xml.CharData:
			if len(t) > lim.MaxStringBytes || len(text)+len(t) > lim.MaxStringBytes {
				return nil, e.err(base+start, "", &findings.LimitError{Limit: "MaxStringBytes", Max: int64(lim.MaxStringBytes)})
			}
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, e.err(base+start, "", fmt.Errorf("%w: text outside the root element", findings.ErrSyntax))
				}
				continue
			}
			text = append(text, t...)
		}
	}
	if !rootSeen {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, e.err(base, "", fmt.Errorf("%w: empty input", findings.ErrSyntax))
		}
		return nil, e.err(base+int64(len(body)), "", fmt.Errorf("%w: no root element", findings.ErrSyntax))
	}
	return s, nil
}

// root checks the root element and records the version and serial number.
func (s *xmlScan) root(t xml.StartElement, e *errCtx, off int64) error {
	if t.Name.Local != "bom" || !strings.HasPrefix(t.Name.Space, bomNSPrefix) {
		return e.err(off, "", fmt.Errorf("%w: root element <%s> in namespace %s is not a CycloneDX bom", findings.ErrUnsupportedFormat, clipName(t.Name.Local), quote(t.Name.Space)))
	}
	v := strings.TrimPrefix(t.Name.Space, bomNSPrefix)
	minor, ok := parseSpecVersion(v)
	if !ok {
		return e.err(off, "", fmt.Errorf("%w: CycloneDX XML namespace version %s (this decoder reads 1.0–1.7)", findings.ErrUnsupportedFormat, quote(v)))
	}
	s.minor, s.ns = minor, t.Name.Space
	s.serial = attr(t, "serialNumber")
	return nil
}

// parseSpecVersion accepts "1.0" to "1.7" and returns the minor version.
func parseSpecVersion(v string) (int, bool) {
	if len(v) != 3 || v[0] != '1' || v[1] != '.' || v[2] < '0' || v[2] > '7' {
		return 0, false
	}
	return int(v[2] - '0'), true
}

// checkScore checks the text of a rating's score: a decimal number (the
// "NaN", "INF" and hexadecimal forms strconv takes are not), finite. Its
// range is checked once the rating's method is known (see check).
func checkScore(val string) error {
	decimal := val != ""
	for i := 0; i < len(val); i++ {
		if c := val[i]; !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			decimal = false
		}
	}
	if _, err := strconv.ParseFloat(val, 64); !decimal || err != nil {
		return fmt.Errorf("%w: rating score %s is not a finite decimal number", findings.ErrInvalid, quote(val))
	}
	return nil
}

// setExt stores the text of an extension element at rel (a path of local
// names below the vulnerability element).
func setExt(v *vuln, r *rating, rel, val string) error {
	switch rel {
	case "id":
		v.id = val
	case "source/url":
		v.sourceURL = val
	case "ratings/rating/score/base":
		if r == nil || val == "" {
			return nil
		}
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return fmt.Errorf("%w: rating score %s is not a number", findings.ErrInvalid, quote(val))
		}
		r.score = &f
	case "ratings/rating/severity":
		if r != nil {
			r.severity = val
		}
	case "ratings/rating/method":
		if r != nil {
			r.method = val
		}
	case "ratings/rating/vector":
		if r != nil {
			r.vector = val
		}
	case "cwes/cwe":
		v.cwes = append(v.cwes, val)
	case "description":
		v.description = val
	case "recommendations/recommendation":
		if val != "" {
			if v.recommendation != "" {
				v.recommendation += "\n"
			}
			v.recommendation += val
		}
	case "advisories/advisory":
		v.advisories = append(v.advisories, val)
	}
	return nil
}

// relPath joins the local names of frames and last with "/".
func relPath(frames []xmlFrame, last string) string {
	var b strings.Builder
	for _, f := range frames {
		b.WriteString(f.name.Local)
		b.WriteByte('/')
	}
	b.WriteString(last)
	return b.String()
}

// enclosing returns the innermost component on the stack, or nil.
func enclosing(stack []xmlFrame) *component {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].comp != nil {
			return stack[i].comp
		}
	}
	return nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }

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

// clipName cuts an element name for an error message.
func clipName(s string) string {
	if len(s) > maxQuoted {
		return s[:maxQuoted] + "..."
	}
	return s
}
