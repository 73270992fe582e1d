package xmlstream

import (
	"bytes"
	"errors"
	"io"

	"github.com/aspmkit/aspm/findings"
)

// MaxTagMarkupBytes bounds the bytes of one tag outside its attribute
// values: the element and attribute names, the white space, the '=' signs
// and the quotes. Real tags have a few hundred. Without this bound a tag
// of many empty attributes (<a b="" b="" ...>) makes encoding/xml allocate
// about 50 times its size.
const MaxTagMarkupBytes = 64 << 10

// RecordBudget is what one record read whole by [Stream.Element] may keep
// in memory, counting its text, its attributes and a fixed overhead per
// element: 4 × maxString + 1 MiB (65 MiB with the default MaxStringBytes
// of 16 MiB; real records keep well under 1 MiB). The extra MiB lets
// small string limits still admit records of a few thousand elements.
func RecordBudget(maxString int) int64 { return 4*int64(maxString) + 1<<20 }

// nodeOverhead is what one element of a record tree is counted for,
// besides its text and attributes: the Node, its place in its parent's
// children and a share of the decoder's token.
const nodeOverhead = 160

type guardState uint8

const (
	gText        guardState = iota // character data, or between markup
	gOpen                          // after '<'
	gTag                           // in a start or end tag
	gBang                          // after "<!"
	gCommentDash                   // after "<!-": a second '-' is expected
	gComment                       // in a comment, after "<!--"
	gCDATAOpen                     // in "<![CDATA["
	gCDATA                         // in a CDATA section
	gPI                            // in a processing instruction, after "<?"
	gDirective                     // in a directive such as <!DOCTYPE ...>
	gDirLT                         // after '<' in a directive
	gDirComment                    // in a comment inside a directive
)

// Guard passes XML bytes through while bounding, on the raw input, every
// construct that encoding/xml buffers whole before it returns a token, so
// that a hostile input fails after at most about MaxStringBytes bytes
// instead of being buffered:
//
//   - the input: at most MaxDocumentBytes;
//   - a text node, an attribute value, a comment, a CDATA section, a
//     processing instruction and a directive (a DOCTYPE with its internal
//     subset): at most MaxStringBytes each, counted in input bytes (an
//     entity reference counts its own bytes, so decoded text is never
//     longer);
//   - the attribute values of one tag together: at most MaxStringBytes +
//     [MaxTagMarkupBytes] (so that a value at the limit fits beside a few
//     small ones);
//   - the rest of one tag: at most [MaxTagMarkupBytes];
//   - element nesting: at most MaxDepth.
//
// It runs a small lexer that follows encoding/xml's rules for where each
// construct ends (quotes in tags and directives, comments nested in a
// directive, "]]>" ending CDATA), so a limit never fires on a construct
// that is within it. A broken limit is returned from Read as a
// [*findings.LimitError], after the bytes before the offending one; its
// input offset is [Guard.ErrOffset] (for MaxDepth and MaxTagMarkupBytes,
// the offset of the tag's '<'). A Guard is not safe for concurrent use.
type Guard struct {
	r        io.Reader
	maxDoc   int64
	maxText  int
	maxDepth int

	n     int64 // bytes passed on
	err   error // sticky error: a broken limit
	errAt int64 // input offset of the byte that broke a limit, or -1
	ioErr error // a read error of the underlying reader

	st       guardState
	run      int   // content bytes of the current construct
	values   int   // attribute value bytes of the current tag
	markup   int   // bytes of the current tag outside attribute values
	quote    byte  // the open quote in a tag or directive, or 0
	endTag   bool  // the current tag is an end tag
	slash    bool  // the last byte of the tag outside quotes was '/'
	tagAt    int64 // input offset of the current tag's '<'
	depth    int   // open elements
	dirDepth int   // open '<' inside a directive
	match    int   // bytes of "CDATA[", "!--" or a terminator matched so far
	b0, b1   byte  // the two bytes before the current one, in a directive's comment
}

// NewGuard returns a Guard over r enforcing l (zero fields take their
// defaults).
func NewGuard(r io.Reader, l findings.Limits) *Guard {
	l = l.WithDefaults()
	return &Guard{r: r, maxDoc: l.MaxDocumentBytes, maxText: l.MaxStringBytes, maxDepth: l.MaxDepth, errAt: -1}
}

// ErrOffset is the input offset at which the Guard found a broken limit,
// or -1.
func (g *Guard) ErrOffset() int64 { return g.errAt }

// Offset is the number of input bytes passed on so far.
func (g *Guard) Offset() int64 { return g.n }

// Read implements io.Reader.
func (g *Guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Read at most one byte past the document limit, to detect it.
	if rem := g.maxDoc - g.n + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		g.ioErr = err
	}
	scan := n
	docErr := false
	if g.n+int64(n) > g.maxDoc {
		scan = int(g.maxDoc - g.n)
		docErr = true
	}
	for i := 0; i < scan; {
		// Runs of content go in one step; the lexer takes the rest byte
		// by byte.
		if j := g.skip(p[i:scan]); j > 0 {
			if g.run+j > g.maxText || (g.st == gTag && g.values+j > g.maxText+MaxTagMarkupBytes) {
				j = g.maxText - g.run
				if g.st == gTag {
					j = min(j, g.maxText+MaxTagMarkupBytes-g.values)
				}
				// The byte after the j that fit breaks the limit.
				g.err = &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxText)}
				g.errAt = g.n + int64(i+j)
				g.n += int64(i + j)
				return i + j, g.err
			}
			g.run += j
			if g.st == gTag {
				g.values += j
			}
			i += j
			continue
		}
		if lim, at := g.step(p[i], g.n+int64(i)); lim != nil {
			g.err, g.errAt = lim, at
			g.n += int64(i)
			return i, g.err
		}
		i++
	}
	if docErr {
		g.err = &findings.LimitError{Limit: "MaxDocumentBytes", Max: g.maxDoc}
		g.errAt = g.maxDoc
		g.n = g.maxDoc
		return scan, g.err
	}
	g.n += int64(n)
	return n, err
}

// skip returns how many bytes at the start of b are plain content of the
// current construct: bytes that end nothing and start no terminator, which
// the lexer would only count. It finds them with bytes.IndexByte, so that
// long texts and values pass quickly.
func (g *Guard) skip(b []byte) int {
	var stop byte
	switch {
	case g.st == gText:
		stop = '<'
	case g.st == gTag && g.quote != 0:
		stop = g.quote
	case g.st == gComment && g.match == 0:
		stop = '-'
	case g.st == gCDATA && g.match == 0:
		stop = ']'
	case g.st == gPI && g.match == 0:
		stop = '?'
	default:
		return 0
	}
	j := bytes.IndexByte(b, stop)
	if j < 0 {
		return len(b)
	}
	return j
}

// text counts one content byte of the current construct at offset off.
func (g *Guard) text(off int64) (*findings.LimitError, int64) {
	return g.count(1, off)
}

// count counts k content bytes of the current construct, the last of
// which is at offset off, and reports the first of them beyond the limit.
func (g *Guard) count(k int, off int64) (*findings.LimitError, int64) {
	before := g.run
	g.run += k
	if g.run > g.maxText {
		return &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxText)}, off - int64(k) + 1 + int64(g.maxText-before)
	}
	return nil, 0
}

// term handles byte c of a comment, CDATA section or processing
// instruction, whose terminator is end (such as "-->"): it ends the
// construct on the terminator and counts the bytes that turn out to be
// content, so that the terminator is not counted. g.match is how many
// bytes before c matched the start of end and are not counted yet.
func (g *Guard) term(c byte, off int64, end string) (*findings.LimitError, int64) {
	last := len(end) - 1
	if g.match == last && c == end[last] {
		g.st, g.run, g.match = gText, 0, 0
		return nil, 0
	}
	if c == end[0] {
		// c may start the terminator; of the bytes pending, those that
		// can no longer be part of it are content.
		if g.match < last && end[g.match] == c {
			g.match++
			return nil, 0
		}
		return g.count(1, off-int64(g.match))
	}
	k := g.match + 1
	g.match = 0
	return g.count(k, off)
}

// step advances the lexer over byte c at input offset off, returning the
// limit it breaks and where, if any.
func (g *Guard) step(c byte, off int64) (*findings.LimitError, int64) {
	switch g.st {
	case gText:
		if c == '<' {
			g.st, g.tagAt = gOpen, off
			return nil, 0
		}
		return g.text(off)
	case gOpen:
		g.run = 0
		switch c {
		case '!':
			g.st = gBang
		case '?':
			g.st, g.match = gPI, 0
		default:
			g.st, g.endTag, g.slash, g.quote = gTag, c == '/', false, 0
			g.values, g.markup = 0, 2
		}
		return nil, 0
	case gTag:
		return g.tag(c, off)
	case gBang:
		switch c {
		case '-':
			g.st = gCommentDash
		case '[':
			g.st, g.match = gCDATAOpen, 0
		default:
			// encoding/xml keeps the byte after "<!" without looking at
			// it; so does the Guard.
			g.st, g.quote, g.dirDepth, g.run = gDirective, 0, 0, 1
		}
		return nil, 0
	case gCommentDash:
		// Anything but '-' is a syntax error that encoding/xml reports.
		g.st, g.match = gComment, 0
		return nil, 0
	case gComment:
		// encoding/xml ends a comment at the first "--", which must be
		// followed by '>' (anything else is a syntax error it reports).
		if g.match == 2 {
			g.st, g.run, g.match = gText, 0, 0
			return nil, 0
		}
		return g.term(c, off, "-->")
	case gCDATAOpen:
		if g.match++; g.match == len("CDATA[") {
			g.st, g.match = gCDATA, 0
		}
		return nil, 0
	case gCDATA:
		return g.term(c, off, "]]>")
	case gPI:
		return g.term(c, off, "?>")
	case gDirective:
		if g.quote == 0 && c == '>' && g.dirDepth == 0 {
			g.st, g.run = gText, 0
			return nil, 0
		}
		return g.directive(c, off)
	case gDirLT:
		if c == "!--"[g.match] {
			if g.match++; g.match == len("!--") {
				g.st, g.b0, g.b1 = gDirComment, 0, 0
			}
			return g.text(off)
		}
		// Not a comment: the '<' opened a markup declaration.
		g.st = gDirective
		g.dirDepth++
		return g.directive(c, off)
	case gDirComment:
		if g.b0 == '-' && g.b1 == '-' && c == '>' {
			g.st = gDirective
		} else {
			g.b0, g.b1 = g.b1, c
		}
		return g.text(off)
	}
	return nil, 0
}

// directive handles byte c of a directive, as encoding/xml does after it
// has checked for the directive's end.
func (g *Guard) directive(c byte, off int64) (*findings.LimitError, int64) {
	switch {
	case c == g.quote:
		g.quote = 0
	case g.quote != 0:
	case c == '\'' || c == '"':
		g.quote = c
	case c == '>':
		g.dirDepth--
	case c == '<':
		g.st, g.match = gDirLT, 0
	}
	return g.text(off)
}

// tag handles byte c of a start or end tag.
func (g *Guard) tag(c byte, off int64) (*findings.LimitError, int64) {
	if g.quote != 0 {
		if c == g.quote {
			g.quote = 0
			g.markup++
			return nil, 0
		}
		g.values++
		if g.values > g.maxText+MaxTagMarkupBytes {
			return &findings.LimitError{Limit: "MaxStringBytes", Max: int64(g.maxText)}, off
		}
		return g.text(off)
	}
	switch c {
	case '"', '\'':
		g.quote, g.run, g.slash = c, 0, false
	case '>':
		g.st, g.run = gText, 0
		if g.endTag {
			g.depth--
			return nil, 0
		}
		// An empty element (<e/>) lies one level deeper too, but
		// leaves nothing open.
		if g.depth+1 > g.maxDepth {
			return &findings.LimitError{Limit: "MaxDepth", Max: int64(g.maxDepth)}, g.tagAt
		}
		if !g.slash {
			g.depth++
		}
		return nil, 0
	default:
		g.slash = c == '/'
	}
	g.markup++
	if g.markup > MaxTagMarkupBytes {
		return &findings.LimitError{Limit: "MaxTagMarkupBytes", Max: MaxTagMarkupBytes}, g.tagAt
	}
	return nil, 0
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadAll reads r whole, at most MaxDocumentBytes of l, for decoders that
// must hold a document before they can interpret it (CycloneDX BOMs),
// checking the limits as the bytes arrive rather than after: when the
// first byte after an optional UTF-8 byte order mark and white space is
// '<', the input passes through a [Guard]; otherwise through the reader
// that check returns for it (a JSON guard), unless check is nil. A hostile
// document therefore stops the read at the construct that breaks a limit,
// not after a gigabyte has been buffered.
//
// It returns the bytes read and, on failure, the input offset of the
// problem and the error: a [*findings.LimitError] (off is where it broke),
// an error of check's reader (off is -1: that reader knows where), or r's
// own error (off is -1).
func ReadAll(r io.Reader, l findings.Limits, check func(io.Reader) io.Reader) (data []byte, off int64, err error) {
	l = l.WithDefaults()
	var buf bytes.Buffer
	src := io.LimitReader(r, l.MaxDocumentBytes+1)
	// Read the blank prefix, up to the first byte that tells the syntax.
	// Each read scans only the bytes it added, and the prefix is bounded
	// like a text node: white space alone cannot make ReadAll buffer (or
	// rescan) more than MaxStringBytes.
	chunk := make([]byte, 32<<10)
	first, scanned := -1, 0
	for first < 0 {
		n, rerr := src.Read(chunk)
		buf.Write(chunk[:n])
		first, scanned = firstMark(buf.Bytes(), scanned)
		if first < 0 && buf.Len() > l.MaxStringBytes {
			return buf.Bytes(), int64(l.MaxStringBytes), &findings.LimitError{Limit: "MaxStringBytes", Max: int64(l.MaxStringBytes)}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return buf.Bytes(), -1, rerr
		}
	}
	rest := io.MultiReader(bytes.NewReader(buf.Bytes()), io.TeeReader(src, &buf))
	var in io.Reader
	var g *Guard
	switch {
	case first >= 0 && buf.Bytes()[first] == '<':
		g = NewGuard(rest, l)
		in = g
	case check != nil:
		in = check(rest)
	default:
		in = rest
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		var le *findings.LimitError
		if g != nil && errors.As(err, &le) {
			return buf.Bytes(), g.ErrOffset(), err
		}
		return buf.Bytes(), -1, err
	}
	if int64(buf.Len()) > l.MaxDocumentBytes {
		return buf.Bytes(), l.MaxDocumentBytes, &findings.LimitError{Limit: "MaxDocumentBytes", Max: l.MaxDocumentBytes}
	}
	if buf.Len() == 0 {
		return []byte{}, -1, nil // not nil: an empty input was read
	}
	return buf.Bytes(), -1, nil
}

// firstMark returns the index in b of the first byte after an optional
// UTF-8 byte order mark and white space, or -1 when b holds no such byte
// yet, and how far it looked: the next call, on b with more bytes
// appended, passes that back as from and looks only at what is new.
func firstMark(b []byte, from int) (first, scanned int) {
	i := from
	if from == 0 {
		if bytes.HasPrefix(b, utf8BOM) {
			i = len(utf8BOM)
		} else if len(b) < len(utf8BOM) && bytes.HasPrefix(utf8BOM, b) && len(b) > 0 {
			return -1, 0 // a byte order mark may be under way
		}
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return i, i
		}
	}
	return -1, i
}
