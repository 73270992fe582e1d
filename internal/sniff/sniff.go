// Package sniff describes the first bytes of an input so that format
// detection can decide by content, not by file name. A [Probe] tolerates a
// truncated head: it records whatever it could read before the bytes ran
// out.
package sniff

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
)

// Syntax is the outer syntax of an input.
type Syntax int

// The syntaxes a Probe tells apart.
const (
	Empty Syntax = iota // zero bytes, or only white space
	JSON                // starts with '{' or '['
	XML                 // starts with '<'
	Text                // anything else
)

// Probe is what the head of an input shows.
type Probe struct {
	// Head is the inspected prefix, without a UTF-8 byte order mark.
	Head []byte
	// Syntax is the outer syntax.
	Syntax Syntax
	// Array is true when the top-level JSON value is an array; the fields
	// below then describe its first element.
	Array bool
	// EmptyArray is true for a top-level "[]" (or "null").
	EmptyArray bool
	// Stream is true when a second top-level JSON value follows the first
	// (a JSON stream such as govulncheck's).
	Stream bool
	// Keys holds the object's keys in order, top level as "key" and one
	// level down as "parent.key" (for an array of objects under parent,
	// its first element's keys as "parent[].key").
	Keys []string
	// Values holds scalar values by the same paths as Keys, as text; of
	// duplicate keys, the first one's.
	Values map[string]string
	// XMLRoot is the root element's name, and XMLAttrs its attributes by
	// local name, for XML input.
	XMLRoot  xml.Name
	XMLAttrs map[string]string
	// FirstLine is the first non-blank line, trimmed, for text input.
	FirstLine string
}

// New inspects head.
func New(head []byte) *Probe {
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	p := &Probe{Head: head, Values: map[string]string{}}
	t := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(t) == 0:
		p.Syntax = Empty
	case t[0] == '{' || t[0] == '[':
		p.Syntax = JSON
		p.readJSON(t)
	case bytes.HasPrefix(t, []byte("null")) && len(bytes.TrimSpace(t)) == 4:
		p.Syntax = JSON
		p.EmptyArray = true
	case t[0] == '<':
		p.Syntax = XML
		p.readXML(t)
	default:
		p.Syntax = Text
		for line := range strings.Lines(string(t)) {
			if s := strings.TrimSpace(line); s != "" {
				p.FirstLine = s
				break
			}
		}
	}
	return p
}

// Has reports whether the probe saw the key path.
func (p *Probe) Has(path string) bool {
	for _, k := range p.Keys {
		if k == path {
			return true
		}
	}
	return false
}

// HasPrefix reports whether the probe saw a key path starting with prefix.
func (p *Probe) HasPrefix(prefix string) bool {
	for _, k := range p.Keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// Value returns the scalar at path, or "".
func (p *Probe) Value(path string) string { return p.Values[path] }

func (p *Probe) readJSON(t []byte) {
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return
	}
	if tok == json.Delim('[') {
		p.Array = true
		if !dec.More() {
			p.EmptyArray = true
			return
		}
		tok, err = dec.Token()
		if err != nil || tok != json.Delim('{') {
			return
		}
	}
	if tok != json.Delim('{') {
		return
	}
	if p.object(dec, "", 0) != nil {
		return
	}
	if p.Array {
		return
	}
	if _, err := dec.Token(); err == nil {
		p.Stream = true
	}
}

// object reads an object's members after its '{', recording keys and
// scalars down to depth 1 and skipping deeper values.
func (p *Probe) object(dec *json.Decoder, prefix string, depth int) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		path := prefix + key
		p.Keys = append(p.Keys, path)
		if err := p.value(dec, path, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

func (p *Probe) value(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		if depth >= 1 {
			return skip(dec)
		}
		if v == '{' {
			return p.object(dec, path+".", depth+1)
		}
		// An array: describe its first element if it is an object.
		if !dec.More() {
			_, err := dec.Token()
			return err
		}
		first := true
		for dec.More() {
			if first {
				first = false
				tok, err := dec.Token()
				if err != nil {
					return err
				}
				if tok == json.Delim('{') {
					if err := p.object(dec, path+"[].", depth+1); err != nil {
						return err
					}
				} else if d, ok := tok.(json.Delim); ok && (d == '[') {
					if err := skip(dec); err != nil {
						return err
					}
				} else {
					p.setValue(path+"[]", tok)
				}
				continue
			}
			if err := skipValue(dec); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	default:
		p.setValue(path, tok)
	}
	return nil
}

// setValue records a scalar at path unless one was recorded there before:
// of duplicate keys, the first decides the format, and the decoder it
// picks then reports the duplicate.
func (p *Probe) setValue(path string, tok json.Token) {
	if _, ok := p.Values[path]; !ok {
		p.Values[path] = scalar(tok)
	}
}

func scalar(tok json.Token) string {
	switch v := tok.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	return ""
}

// skip consumes the rest of a value whose opening delimiter was read.
func skip(dec *json.Decoder) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
		return skip(dec)
	}
	return nil
}

func (p *Probe) readXML(t []byte) {
	dec := xml.NewDecoder(bytes.NewReader(t))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
		if se, ok := tok.(xml.StartElement); ok {
			p.XMLRoot = se.Name
			p.XMLAttrs = map[string]string{}
			for _, a := range se.Attr {
				p.XMLAttrs[a.Name.Local] = a.Value
			}
			return
		}
	}
}
