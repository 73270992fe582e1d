package zap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/aspmkit/aspm/findings"
)

// rootElement is the root element of ZAP's traditional XML report.
const rootElement = "OWASPZAPReport"

// bodies are the instance elements of the "with requests and responses"
// report whose text is measured, never kept.
var bodies = map[string]bool{"requestheader": true, "requestbody": true, "responseheader": true, "responsebody": true}

func decodeXML(r io.Reader, opts findings.DecodeOptions, em *findings.Emitter) error {
	s := newXMLStream(r, opts, Format)
	root, err := s.root()
	if err != nil {
		return err
	}
	if root.Name.Local != rootElement {
		return s.errorf(s.before, "", findings.ErrUnsupportedFormat, "root element <%s> is not <%s>", root.Name.Local, rootElement)
	}
	hdr := header{version: attr(root.Attr, "version")}
	sites := 0
	for {
		tok, err := s.token(rootElement)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "site" {
				if err := s.skip(rootElement + "." + t.Name.Local); err != nil {
					return err
				}
				continue
			}
			st := site{name: attr(t.Attr, "name"), host: attr(t.Attr, "host"), port: attr(t.Attr, "port"), ssl: attr(t.Attr, "ssl")}
			if err := decodeSiteXML(s, em, hdr, st, fmt.Sprintf("%s.site[%d]", rootElement, sites)); err != nil {
				return err
			}
			sites++
		case xml.EndElement:
			return s.end()
		}
	}
}

// decodeSiteXML reads the rest of a <site> element.
func decodeSiteXML(s *xmlStream, em *findings.Emitter, hdr header, st site, path string) error {
	alerts := 0
	for {
		tok, err := s.token(path)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "alerts" {
				if err := s.skip(path + "." + t.Name.Local); err != nil {
					return err
				}
				continue
			}
			if err := decodeAlertsXML(s, em, hdr, st, path+".alerts", &alerts); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// decodeAlertsXML reads the rest of an <alerts> element, one <alertitem>
// at a time.
func decodeAlertsXML(s *xmlStream, em *findings.Emitter, hdr header, st site, path string, n *int) error {
	for {
		tok, err := s.token(path)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "alertitem" {
				if err := s.skip(path + "." + t.Name.Local); err != nil {
					return err
				}
				continue
			}
			itemPath := fmt.Sprintf("%s.alertitem[%d]", path, *n)
			*n++
			start := s.before
			node, err := s.element(t, itemPath, bodies)
			if err != nil {
				return err
			}
			if err := emitAlert(em, hdr, st, alertFromXML(node)); err != nil {
				var iv *invalid
				if errors.As(err, &iv) {
					return s.errorf(start, itemPath+"."+iv.field, findings.ErrInvalid, "%s", iv.msg)
				}
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// alertFromXML reads an <alertitem>.
func alertFromXML(n *node) *alert {
	a := &alert{
		pluginID:       n.get("pluginid"),
		alertRef:       n.get("alertRef"),
		alert:          n.get("alert"),
		name:           n.get("name"),
		riskcode:       n.get("riskcode"),
		confidence:     n.get("confidence"),
		riskdesc:       n.get("riskdesc"),
		confidencedesc: n.get("confidencedesc"),
		desc:           n.get("desc"),
		solution:       n.get("solution"),
		otherinfo:      n.get("otherinfo"),
		ref:            n.get("reference"),
		cweid:          n.get("cweid"),
		wascid:         n.get("wascid"),
		sourceid:       n.get("sourceid"),
		count:          n.get("count"),
	}
	for _, t := range n.child("tags").all("tag") {
		a.tags = append(a.tags, tag{name: t.get("tag"), link: t.get("link")})
	}
	if ins := n.child("instances"); ins != nil {
		for _, c := range ins.all("instance") {
			a.instances = append(a.instances, instanceFromXML(c))
		}
	} else if n.has("uri") {
		a.hasDirect = true
		a.direct = instanceFromXML(n)
		a.direct.hasOtherinfo = false // the alert's own otherinfo applies
	}
	return a
}

// instanceFromXML reads an <instance> (or the instance fields of an old
// report's <alertitem>).
func instanceFromXML(n *node) instance {
	in := newInstance()
	in.uri = n.get("uri")
	in.method = n.get("method")
	in.param = n.get("param")
	in.attack = n.get("attack")
	in.evidence = n.get("evidence")
	if c := n.child("otherinfo"); c != nil {
		in.hasOtherinfo = true
		in.otherinfo = c.text
	}
	for name, p := range map[string]*int{"requestheader": &in.reqHeaderLen, "requestbody": &in.reqBodyLen,
		"responseheader": &in.respHeaderLen, "responsebody": &in.respBodyLen} {
		if c := n.child(name); c != nil {
			*p = c.size
		}
	}
	return in
}

// attr returns the value of the attribute with the local name.
func attr(as []xml.Attr, name string) string {
	for _, a := range as {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
