package xmlstream

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

// readAll reads a whole document as the decoders do: the root element, its
// content into a tree, and what follows it.
func readAll(in string, l findings.Limits) (*Node, error) {
	return readAllFrom(strings.NewReader(in), l)
}

func readAllFrom(r io.Reader, l findings.Limits) (*Node, error) {
	s := New(r, findings.DecodeOptions{Name: "in.xml", Limits: l}, "test")
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
			limit: "MaxStringBytes", max: 10, offset: 13}, // quotes do not end text: the 11th byte
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

// TestGuardConstructs holds every construct the Guard bounds to its limit
// at N and N+1, and checks that the lexer finds where constructs end
// (quotes, nested comments and '>' inside a DOCTYPE, "]]" inside CDATA).
func TestGuardConstructs(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	ten := findings.Limits{MaxStringBytes: 10}
	tests := []struct {
		name   string
		in     string
		limits findings.Limits
		limit  string // "" for success
		offset int64
	}{
		{name: "attribute of > at N", in: `<r a="` + strings.Repeat(">", 10) + `"/>`, limits: ten},
		{name: "attribute of > at N+1", in: `<r a="` + strings.Repeat(">", 11) + `"/>`, limits: ten,
			limit: "MaxStringBytes", offset: 16},
		{name: "attributes together at N", in: `<r` + strings.Repeat(` a="`+x(10)+`"`, (10+MaxTagMarkupBytes)/10) + `/>`,
			limits: ten},
		{name: "attributes together at N+1", in: `<r` + strings.Repeat(` a="`+x(10)+`"`, (10+MaxTagMarkupBytes)/10) + ` b="` + x(7) + `"/>`,
			limits: ten, limit: "MaxStringBytes", offset: int64(2 + (10+MaxTagMarkupBytes)/10*15 + 4 + 6)},
		{name: "tag markup at N", in: `<r` + strings.Repeat(" ", MaxTagMarkupBytes-3) + `/>`},
		{name: "tag markup at N+1", in: `<r` + strings.Repeat(" ", MaxTagMarkupBytes-2) + `/>`,
			limit: "MaxTagMarkupBytes", offset: 0},
		{name: "comment at N", in: `<r><!--` + x(10) + `--></r>`, limits: ten},
		{name: "comment at N+1", in: `<r><!--` + x(11) + `--></r>`, limits: ten,
			limit: "MaxStringBytes", offset: 17},
		{name: "comment of dashes at N", in: `<r><!--` + strings.Repeat("-x", 5) + `--></r>`, limits: ten},
		{name: "comment of dashes at N+1", in: `<r><!--` + strings.Repeat("x-", 5) + `x--></r>`, limits: ten,
			limit: "MaxStringBytes", offset: 17},
		{name: "CDATA at N", in: `<r><![CDATA[` + strings.Repeat("<]", 5) + `]]></r>`, limits: ten},
		{name: "CDATA at N+1", in: `<r><![CDATA[` + strings.Repeat("<]", 5) + `]]]></r>`, limits: ten,
			limit: "MaxStringBytes", offset: 22}, // the first ']' of "]]]>" is content
		{name: "processing instruction at N", in: `<?p ` + x(7) + `??><r/>`, limits: ten},
		{name: "processing instruction at N+1", in: `<?p ` + x(8) + `??><r/>`, limits: ten,
			limit: "MaxStringBytes", offset: 12},
		{name: "DOCTYPE at N", in: `<!DOCTYPE ` + x(2) + `><r/>`, limits: ten},
		{name: "DOCTYPE at N+1", in: `<!DOCTYPE ` + x(3) + `><r/>`, limits: ten,
			limit: "MaxStringBytes", offset: 12},
		{name: "DOCTYPE with '>' in quotes, comments and declarations",
			in:     `<!DOCTYPE r [<!ENTITY e "a>b"><!-- > --><!ELEMENT r ANY>]><r>` + x(16) + `</r>`,
			limits: findings.Limits{MaxStringBytes: 60}},
		{name: "text after a DOCTYPE is text again",
			in: `<!DOCTYPE r [<!ENTITY e 'a>b'>]><r>` + x(11) + `</r>`, limits: findings.Limits{MaxStringBytes: 30},
			limit: "", offset: 0},
		{name: "self-closing tags do not nest", in: `<r>` + strings.Repeat(`<e/>`, 20) + `</r>`,
			limits: findings.Limits{MaxDepth: 2}},
		{name: "a self-closing tag lies one level deeper", in: `<r><e/></r>`,
			limits: findings.Limits{MaxDepth: 1}, limit: "MaxDepth", offset: 3},
		{name: "end tags close", in: `<r>` + strings.Repeat(`<e></e>`, 20) + `</r>`,
			limits: findings.Limits{MaxDepth: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(tt.in, tt.limits)
			// The same, one byte per Read: the lexer's state crosses reads.
			_, err1 := readAllFrom(iotest.OneByteReader(strings.NewReader(tt.in)), tt.limits)
			assert.Equal(t, fmt.Sprint(err), fmt.Sprint(err1), "one byte per Read")
			if tt.limit == "" {
				assert.NoError(t, err)
				return
			}
			var le *findings.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.limit, le.Limit)
			var de *findings.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.offset, de.Offset, "%v", err)
			assert.ErrorIs(t, err, findings.ErrLimit)
		})
	}
}

// TestRecordBudget holds a record to RecordBudget: many empty elements,
// or many texts each within MaxStringBytes, fail; dropped text does not
// count.
func TestRecordBudget(t *testing.T) {
	l := findings.Limits{MaxStringBytes: 1 << 10}
	budget := RecordBudget(l.MaxStringBytes)
	require.Equal(t, int64(4<<10+1<<20), budget)
	many := int(budget/nodeOverhead) + 1
	tests := []struct {
		name string
		in   string
		drop map[string]bool
		fail bool
	}{
		{name: "a few elements", in: `<r>` + strings.Repeat(`<e/>`, 100) + `</r>`},
		{name: "too many elements", in: `<r>` + strings.Repeat(`<e/>`, many) + `</r>`, fail: true},
		{name: "too much kept text", in: `<r>` + strings.Repeat(`<e>`+strings.Repeat("x", 1<<10)+`</e>`, 1100) + `</r>`, fail: true},
		{name: "dropped text", in: `<r>` + strings.Repeat(`<e>`+strings.Repeat("x", 1<<10)+`</e>`, 1100) + `</r>`,
			drop: map[string]bool{"e": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(strings.NewReader(tt.in), findings.DecodeOptions{Name: "in.xml", Limits: l}, "test")
			root, err := s.Root()
			require.NoError(t, err)
			_, err = s.Element(root, "r", tt.drop)
			if !tt.fail {
				assert.NoError(t, err)
				return
			}
			var le *findings.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, "MaxRecordBytes", le.Limit)
			assert.Equal(t, budget, le.Max)
			assert.ErrorContains(t, err, "in.xml")
		})
	}
}

func TestRepeated(t *testing.T) {
	s := New(strings.NewReader(`<r><a/><b/><a/><c/><c/></r>`), findings.DecodeOptions{}, "test")
	root, err := s.Root()
	require.NoError(t, err)
	n, err := s.Element(root, "r", nil)
	require.NoError(t, err)
	assert.Equal(t, "", n.Repeated("b", "d"))
	assert.Equal(t, "c", n.Repeated("b", "c", "a"))
	var none *Node
	assert.Equal(t, "", none.Repeated("a"))
}

// TestReadAllBlankPrefix: white space before the first mark is scanned
// once (each read looks at its own bytes) and bounded like a text node.
func TestReadAllBlankPrefix(t *testing.T) {
	l := findings.Limits{MaxStringBytes: 1 << 20}
	tests := []struct {
		name    string
		blank   int
		wantErr bool
	}{
		{"short", 10, false},
		{"at the limit", 1<<20 - 5, false}, // the prefix and "<a/>" within 1 MiB + a read
		{"over the limit", 1<<20 + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Repeat(" ", tt.blank) + "<a/>"
			data, off, err := ReadAll(iotest.HalfReader(strings.NewReader(in)), l, nil)
			if tt.wantErr {
				require.Error(t, err)
				assert.ErrorIs(t, err, findings.ErrLimit)
				assert.Equal(t, int64(1<<20), off)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, in, string(data))
		})
	}
	// A kilobyte at a time, the way a slow network hands it over: each
	// read scans only its own bytes (before, every read rescanned the
	// whole prefix, quadratic in its length).
	in := strings.Repeat("\n", 1<<20-5) + "<a/>"
	data, _, err := ReadAll(iotest.DataErrReader(&smallReads{r: strings.NewReader(in), n: 1024}), l, nil)
	require.NoError(t, err)
	assert.Equal(t, len(in), len(data))
}

// smallReads returns at most n bytes per Read.
type smallReads struct {
	r io.Reader
	n int
}

func (s *smallReads) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.n)]) }
