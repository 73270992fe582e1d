package xmlstream

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"

	"github.com/aspmkit/aspm/findings"
)

// FuzzGuard checks the Guard against encoding/xml on its own: with small
// limits, a document that encoding/xml reads whole and whose every
// construct is within them (measured in raw bytes from its offsets) never
// breaks a limit through a Stream; and whatever a Stream reads is within
// the limits.
func FuzzGuard(f *testing.F) {
	for _, s := range []string{
		`<r a="x>y" b='"'>t&amp;t<![CDATA[<]]]]><!-- - --><?p ??></r>`,
		`<!DOCTYPE r [<!ENTITY e "a>b"><!-- > --><!ELEMENT r ANY>]><r>&e;</r>`,
		`<r><e/><e></e><e a=""/></r>`,
		`<?xml version="1.0"?><r xmlns:a="u"><a:b>text</a:b></r>`,
		"<r>\xef\xbb\xbf\x80</r>", `<r><!--x--y--></r>`, `<r><![CDATA[x]]]></r>`, `<!DOCTYPE r PUBLIC "a'<" 'b"<'><r/>`,
	} {
		f.Add([]byte(s), uint8(8), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, maxText, maxDepth uint8) {
		l := findings.Limits{MaxStringBytes: int(maxText%64) + 1, MaxDepth: int(maxDepth%8) + 1, MaxDocumentBytes: 1 << 20}
		within, plainOK := plainWithin(in, l)

		s := New(bytes.NewReader(in), findings.DecodeOptions{Name: "fuzz", Limits: l}, "fuzz")
		var err error
		for err == nil {
			var tok xml.Token
			tok, err = s.Token("")
			if err != nil {
				break
			}
			switch tok := tok.(type) {
			case xml.Comment:
				checkLen(t, "comment", len(tok), l)
			case xml.Directive:
				checkLen(t, "directive", len(tok), l)
			case xml.ProcInst:
				checkLen(t, "processing instruction", len(tok.Inst), l)
			case xml.CharData:
				checkLen(t, "text", len(tok), l)
			case xml.StartElement:
				sum := 0
				for _, a := range tok.Attr {
					checkLen(t, "attribute", len(a.Value), l)
					sum += len(a.Value)
				}
				if sum > l.MaxStringBytes+MaxTagMarkupBytes {
					t.Fatalf("attribute values of %d bytes passed", sum)
				}
			}
		}
		var de *findings.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("error %T is not a DecodeError: %v", err, err)
		}
		var le *findings.LimitError
		if errors.As(err, &le) && plainOK && within {
			t.Fatalf("limit %v on a document within the limits %+v", err, l)
		}
	})
}

func checkLen(t *testing.T, what string, n int, l findings.Limits) {
	t.Helper()
	if n > l.MaxStringBytes {
		t.Fatalf("%s of %d bytes passed a MaxStringBytes of %d", what, n, l.MaxStringBytes)
	}
}

// plainWithin reads in with encoding/xml alone and reports whether every
// construct is within l, measured in raw bytes, and whether encoding/xml
// read the whole input without error.
func plainWithin(in []byte, l findings.Limits) (within, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(in))
	d.Strict = true
	within = true
	depth := 0
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			return within, true
		}
		if err != nil {
			return within, false
		}
		raw := int(d.InputOffset() - before)
		content := raw
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > l.MaxDepth || raw > l.MaxStringBytes {
				within = false
			}
			continue
		case xml.EndElement:
			depth--
			continue
		case xml.CharData:
			if bytes.HasPrefix(in[before:], []byte("<![CDATA[")) {
				content = raw - len("<![CDATA[]]>")
			}
		case xml.Comment:
			content = raw - len("<!---->")
		case xml.ProcInst:
			content = raw - len("<??>")
		case xml.Directive:
			content = raw - len("<!>")
		}
		if content > l.MaxStringBytes {
			within = false
		}
	}
}
