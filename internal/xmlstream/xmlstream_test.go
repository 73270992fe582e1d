package xmlstream

import (
	"errors"
	"strings"
	"testing"

	"github.com/aspmkit/aspm/findings"
)

// readAll reads a whole document as the decoders do: the root element, its
// content into a tree, and what follows it.
func readAll(in string, l findings.Limits) (*Node, error) {
	s := New(strings.NewReader(in), findings.DecodeOptions{Name: "in.xml", Limits: l}, "test")
	root, err := s.Root()
	if err != nil {
		return nil, err
	}
	n, err := s.Element(root, root.Name.Local, nil)
	if err != nil {
		return nil, err
	}
	return n, s.End()
}

// nested returns depth nested elements.
func nested(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString("<e>")
	}
	for i := 0; i < depth; i++ {
		b.WriteString("</e>")
	}
	return b.String()
}

func TestLimitsAndErrors(t *testing.T) {
	doc := `<r><a>text</a></r>` // 18 bytes
	tests := []struct {
		name   string
		in     string
		limits findings.Limits
		// limit, when not empty, names the LimitError expected (of value
		// max); otherwise wantErr is the sentinel expected, or nil for
		// success.
		limit   string
		max     int64
		wantErr error
		offset  int64 // expected DecodeError.Offset when an error is expected
	}{
		{name: "document at N", in: doc, limits: findings.Limits{MaxDocumentBytes: 18}},
		{name: "document at N+1", in: doc + " ", limits: findings.Limits{MaxDocumentBytes: 18},
			limit: "MaxDocumentBytes", max: 18, offset: 18},
		{name: "depth at N", in: nested(5), limits: findings.Limits{MaxDepth: 5}},
		{name: "depth at N+1", in: nested(6), limits: findings.Limits{MaxDepth: 5},
			limit: "MaxDepth", max: 5, offset: 15}, // the 6th <e> is at byte 15
		{name: "text at N", in: "<r>" + strings.Repeat("x", 10) + "</r>", limits: findings.Limits{MaxStringBytes: 10}},
		{name: "text at N+1", in: "<r>" + strings.Repeat("x", 11) + "</r>", limits: findings.Limits{MaxStringBytes: 10},
			limit: "MaxStringBytes", max: 10, offset: 13}, // the 11th x
		{name: "quoted text at N", in: `<r>` + strings.Repeat(`x"`, 5) + `</r>`, limits: findings.Limits{MaxStringBytes: 10}},
		{name: "quoted text at N+1", in: `<r>` + strings.Repeat(`x"`, 5) + `x</r>`, limits: findings.Limits{MaxStringBytes: 10},
			limit: "MaxStringBytes", max: 10, offset: 3},
		{name: "attribute at N", in: `<r a="` + strings.Repeat("x", 10) + `"/>`, limits: findings.Limits{MaxStringBytes: 10}},
		{name: "attribute at N+1", in: `<r a="` + strings.Repeat("x", 11) + `"/>`, limits: findings.Limits{MaxStringBytes: 10},
			limit: "MaxStringBytes", max: 10, offset: 16},
		{name: "truncated", in: `<r><a>text`, wantErr: findings.ErrSyntax, offset: 10},
		{name: "empty", in: " \n", wantErr: findings.ErrSyntax, offset: 2},
		{name: "element after root", in: `<r/><s/>`, wantErr: findings.ErrSyntax, offset: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(tt.in, tt.limits)
			if tt.limit == "" && tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *findings.DecodeError", err, err)
			}
			if de.File != "in.xml" || de.Format != "test" {
				t.Errorf("File, Format = %q, %q; want in.xml, test", de.File, de.Format)
			}
			if de.Offset != tt.offset {
				t.Errorf("Offset = %d; want %d (%v)", de.Offset, tt.offset, err)
			}
			if tt.limit != "" {
				var le *findings.LimitError
				if !errors.As(err, &le) {
					t.Fatalf("error %v is not a *findings.LimitError", err)
				}
				if le.Limit != tt.limit || le.Max != tt.max {
					t.Errorf("LimitError = %s (%d); want %s (%d)", le.Limit, le.Max, tt.limit, tt.max)
				}
				if !errors.Is(err, findings.ErrLimit) {
					t.Errorf("error %v does not wrap findings.ErrLimit", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v does not wrap %v", err, tt.wantErr)
			}
		})
	}
}

func TestNode(t *testing.T) {
	in := `<r id="1"><a> one </a><b k="v"/><a>two</a><body>secret</body></r>`
	s := New(strings.NewReader(in), findings.DecodeOptions{}, "test")
	root, err := s.Root()
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Element(root, "r", map[string]bool{"body": true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	if n.Name != "r" || n.Attr("id") != "1" || n.Attr("x") != "" {
		t.Errorf("root = %q id=%q", n.Name, n.Attr("id"))
	}
	if got := n.Get("a"); got != "one" {
		t.Errorf(`Get("a") = %q; want "one"`, got)
	}
	if got := n.Child("a").Text; got != " one " {
		t.Errorf(`Child("a").Text = %q; want " one "`, got)
	}
	if got := len(n.All("a")); got != 2 {
		t.Errorf(`len(All("a")) = %d; want 2`, got)
	}
	if got := len(n.Elems()); got != 4 {
		t.Errorf("len(Elems()) = %d; want 4", got)
	}
	if !n.Has("b") || n.Has("c") || n.Child("b").Attr("k") != "v" {
		t.Errorf("Has/Attr of <b> wrong")
	}
	if body := n.Child("body"); body.Text != "" || body.Size != len("secret") {
		t.Errorf("dropped body: Text = %q, Size = %d; want \"\", 6", body.Text, body.Size)
	}
	var none *Node
	if none.Child("a") != nil || none.Elems() != nil || none.All("a") != nil || none.Get("a") != "" || none.Has("a") || none.Attr("a") != "" {
		t.Errorf("nil Node methods must report nothing")
	}
}
