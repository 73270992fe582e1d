package zap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/xmlstream"
)

// rootElement is the root element of ZAP's traditional XML report.
const rootElement = "OWASPZAPReport"

// bodies are the instance elements of the "with requests and responses"
// report whose text is measured, never kept.
var bodies = map[string]bool{"requestheader": true, "requestbody": true, "responseheader": true, "responsebody": true}

func decodeXML(r io.Reader, opts findings.DecodeOptions, em *findings.Emitter) error {
	s := xmlstream.New(r, opts, Format)
	root, err := s.Root()
	if err != nil {
		return err
	}
	if root.Name.Local != rootElement {
		return s.Errorf(s.TokenOffset(), "", findings.ErrUnsupportedFormat, "root element <%s> is not <%s>", root.Name.Local, rootElement)
	}
	hdr := header{version: attr(root.Attr, "version")}
	sites := 0
	for {
		tok, err := s.Token(rootElement)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "site" {
				if err := s.Skip(rootElement + "." + t.Name.Local); err != nil {
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
			return s.End()
		}
	}
}

// decodeSiteXML reads the rest of a <site> element.
func decodeSiteXML(s *xmlstream.Stream, em *findings.Emitter, hdr header, st site, path string) error {
	alerts := 0
	for {
		tok, err := s.Token(path)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "alerts" {
				if err := s.Skip(path + "." + t.Name.Local); err != nil {
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
func decodeAlertsXML(s *xmlstream.Stream, em *findings.Emitter, hdr header, st site, path string, n *int) error {
	for {
		tok, err := s.Token(path)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "alertitem" {
				if err := s.Skip(path + "." + t.Name.Local); err != nil {
					return err
				}
				continue
			}
			itemPath := fmt.Sprintf("%s.alertitem[%d]", path, *n)
			*n++
			start := s.TokenOffset()
			node, err := s.Element(t, itemPath, bodies)
			if err != nil {
				return err
			}
			a, err := alertFromXML(node)
			if err == nil {
				err = emitAlert(em, hdr, st, a)
			}
			if err != nil {
				var iv *invalid
				if errors.As(err, &iv) {
					return s.Errorf(start, itemPath+"."+iv.field, findings.ErrInvalid, "%s", iv.msg)
				}
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// alertFields are the single-valued elements of an <alertitem>, and
// instanceFields those of an <instance>: a record that repeats one is
// [findings.ErrInvalid] rather than silently read with one of its values.
var (
	alertFields = []string{"pluginid", "alertRef", "alert", "name", "riskcode", "confidence", "riskdesc",
		"confidencedesc", "desc", "solution", "otherinfo", "reference", "cweid", "wascid", "sourceid", "count",
		"instances", "tags", "uri", "method", "param", "attack", "evidence"}
	instanceFields = []string{"uri", "method", "param", "attack", "evidence", "otherinfo",
		"requestheader", "requestbody", "responseheader", "responsebody"}
)

// alertFromXML reads an <alertitem>.
func alertFromXML(n *xmlstream.Node) (*alert, error) {
	if name := n.Repeated(alertFields...); name != "" {
		return nil, &invalid{name, fmt.Sprintf("<%s> given more than once", name)}
	}
	for i, c := range n.Child("instances").All("instance") {
		if name := c.Repeated(instanceFields...); name != "" {
			return nil, &invalid{fmt.Sprintf("instances.instance[%d].%s", i, name), fmt.Sprintf("<%s> given more than once", name)}
		}
	}
	a := &alert{
		pluginID:       n.Get("pluginid"),
		alertRef:       n.Get("alertRef"),
		alert:          n.Get("alert"),
		name:           n.Get("name"),
		riskcode:       n.Get("riskcode"),
		confidence:     n.Get("confidence"),
		riskdesc:       n.Get("riskdesc"),
		confidencedesc: n.Get("confidencedesc"),
		desc:           n.Get("desc"),
		solution:       n.Get("solution"),
		otherinfo:      n.Get("otherinfo"),
		ref:            n.Get("reference"),
		cweid:          n.Get("cweid"),
		wascid:         n.Get("wascid"),
		sourceid:       n.Get("sourceid"),
		count:          n.Get("count"),
	}
	for _, t := range n.Child("tags").All("tag") {
		a.tags = append(a.tags, tag{name: t.Get("tag"), link: t.Get("link")})
	}
	if ins := n.Child("instances"); ins != nil {
		for _, c := range ins.All("instance") {
			a.instances = append(a.instances, instanceFromXML(c))
		}
	} else if n.Has("uri") {
		a.hasDirect = true
		a.direct = instanceFromXML(n)
		a.direct.hasOtherinfo = false // the alert's own otherinfo applies
	}
	return a, nil
}

// instanceFromXML reads an <instance> (or the instance fields of an old
// report's <alertitem>).
func instanceFromXML(n *xmlstream.Node) instance {
	in := newInstance()
	in.uri = n.Get("uri")
	in.method = n.Get("method")
	in.param = n.Get("param")
	in.attack = n.Get("attack")
	in.evidence = n.Get("evidence")
	if c := n.Child("otherinfo"); c != nil {
		in.hasOtherinfo = true
		in.otherinfo = c.Text
	}
	for name, p := range map[string]*int{"requestheader": &in.reqHeaderLen, "requestbody": &in.reqBodyLen,
		"responseheader": &in.respHeaderLen, "responsebody": &in.respBodyLen} {
		if c := n.Child(name); c != nil {
			*p = c.Size
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
