// Package docguard reads a document whole for the importers of packages
// inventory and access while holding it to the limits of package limits,
// so that a hostile input fails while it is read rather than after it
// sits in memory.
//
// # Limits
//
// [ReadAll] reads at most a given number of bytes. Input whose first byte
// (after a UTF-8 byte order mark and white space) is '{' or '[' is JSON:
// no string may be longer than [limits.MaxStringBytes] and nothing may be
// nested deeper than [limits.MaxDepth]. Any other input (YAML, tag-value,
// text) may hold no line longer than [limits.MaxStringBytes]: a YAML
// scalar written on one line is bounded by it, one written on many lines
// only by the size of the input.
//
// The scan does not validate the syntax: a malformed input is read as
// well as it can be, and the importer's parser reports its errors.
package docguard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aspmkit/aspm/internal/limits"
)

// The limits a [LimitError] names.
const (
	LimitSize   = "MaxDocumentBytes" // the input's size
	LimitString = "MaxStringBytes"   // one JSON string
	LimitDepth  = "MaxDepth"         // JSON nesting
	LimitLine   = "MaxLineBytes"     // one line of a non-JSON input
)

// LimitError reports an input that exceeded a limit: which, and where.
// It is a value: safe to read from several goroutines.
type LimitError struct {
	// Limit is one of LimitSize, LimitString, LimitDepth, LimitLine.
	Limit string
	// Max is the limit's value.
	Max int64
	// Offset is the byte offset (a byte order mark included) of the byte
	// that exceeded the limit.
	Offset int64
	// Line and Column (1-based, the column in bytes) locate Offset; 0
	// for LimitSize.
	Line, Column int
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case LimitSize:
		return "input larger than " + strconv.FormatInt(e.Max, 10) + " bytes"
	case LimitString:
		return "string longer than " + strconv.FormatInt(e.Max, 10) + " bytes (" + LimitString + ")"
	case LimitDepth:
		return "nesting deeper than " + strconv.FormatInt(e.Max, 10) + " (" + LimitDepth + ")"
	case LimitLine:
		return "line longer than " + strconv.FormatInt(e.Max, 10) + " bytes (" + LimitString + ")"
	}
	return e.Limit + " exceeded"
}

// Where is "line L, column C, byte O" ("byte O" when the line is not
// known), for messages.
func (e *LimitError) Where() string {
	if e.Line == 0 {
		return fmt.Sprintf("byte %d", e.Offset)
	}
	return fmt.Sprintf("line %d, column %d, byte %d", e.Line, e.Column, e.Offset)
}

// Options set the limits of [ReadAll]; zero fields take the defaults of
// package limits.
type Options struct {
	// MaxBytes bounds the input; zero means limits.MaxDocumentBytes.
	MaxBytes int64
	// MaxString bounds a JSON string or a line; zero means
	// limits.MaxStringBytes.
	MaxString int64
	// MaxDepth bounds JSON nesting; zero means limits.MaxDepth.
	MaxDepth int
}

// ReadAll reads r whole under the limits of opts. An input over a limit
// gives a [*LimitError] and no data; an error of r is returned as is,
// with the data read before it.
//
// The input is read in chunks and copied once into a buffer of its size:
// reading n bytes allocates about 2n, and an input that fails a limit
// costs little more than the bytes read before it failed.
func ReadAll(r io.Reader, opts Options) ([]byte, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = limits.MaxDocumentBytes
	}
	if opts.MaxString <= 0 {
		opts.MaxString = limits.MaxStringBytes
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = limits.MaxDepth
	}
	s := scanner{opts: opts, line: 1}
	var chunks [][]byte
	var total int64
	size := minChunk
	for {
		chunk := make([]byte, 0, size)
		var err error
		for len(chunk) < cap(chunk) && err == nil {
			// Never read more than one byte past the size limit.
			room := int64(cap(chunk) - len(chunk))
			if left := opts.MaxBytes - total; left < room-1 {
				room = left + 1
			}
			var n int
			n, err = r.Read(chunk[len(chunk) : len(chunk)+int(room)])
			if n > 0 {
				if lerr := s.scan(chunk[len(chunk):len(chunk)+n], total); lerr != nil {
					return nil, lerr
				}
				chunk = chunk[:len(chunk)+n]
				total += int64(n)
				if total > opts.MaxBytes {
					return nil, &LimitError{Limit: LimitSize, Max: opts.MaxBytes, Offset: opts.MaxBytes}
				}
			}
		}
		if len(chunk) > 0 {
			chunks = append(chunks, chunk)
		}
		if err != nil {
			data := make([]byte, 0, total)
			for _, c := range chunks {
				data = append(data, c...)
			}
			if errors.Is(err, io.EOF) {
				return data, nil
			}
			return data, err
		}
		size = min(2*size, maxChunk)
	}
}

// The chunks ReadAll reads grow from minChunk to maxChunk bytes.
const (
	minChunk = 64 << 10
	maxChunk = 4 << 20
)

// scanner follows the input as it is read.
type scanner struct {
	opts    Options
	started bool // the first significant byte was seen
	bomLeft int  // bytes of a byte order mark still possible at the start
	json    bool
	inStr   bool
	escape  bool
	// inSingle: inside a YAML single-quoted scalar of a flow collection;
	// quotePending: its last byte was a quote, which closes it unless
	// another follows.
	inSingle     bool
	quotePending bool
	depth        int
	run          int64 // bytes of the current string or line
	line         int   // line of the next byte
	lineAt       int64 // offset of the current line's first byte
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// scan checks b, the bytes of the input from offset base on.
func (s *scanner) scan(b []byte, base int64) error {
	i := 0
	if !s.started {
		for ; i < len(b); i++ {
			if off := base + int64(i); off < int64(len(bom)) && b[i] == bom[off] && s.bomLeft == int(off) {
				s.bomLeft++
				continue // a byte order mark
			}
			c := b[i]
			if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				if c == '\n' {
					s.newline(base + int64(i))
				}
				continue
			}
			s.started, s.json = true, c == '{' || c == '['
			break
		}
		if !s.started {
			return nil
		}
	}
	if !s.json {
		return s.scanLines(b, base, i)
	}
	return s.scanJSON(b, base, i)
}

// newline records a '\n' at offset off.
func (s *scanner) newline(off int64) {
	s.line++
	s.lineAt = off + 1
}

func (s *scanner) scanLines(b []byte, base int64, i int) error {
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			j = len(b) - i
		}
		s.run += int64(j)
		if err := s.overRun(LimitLine, base+int64(i+j)); err != nil {
			return err
		}
		i += j
		if i < len(b) {
			s.run = 0
			s.newline(base + int64(i))
			i++
		}
	}
	return nil
}

func (s *scanner) scanJSON(b []byte, base int64, i int) error {
	for i < len(b) {
		if s.inSingle {
			// A YAML single-quoted scalar: '' is a quote inside it.
			if s.quotePending {
				s.quotePending = false
				if b[i] == '\'' {
					s.run += 2
					i++
					if err := s.overRun(LimitString, base+int64(i)); err != nil {
						return err
					}
					continue
				}
				s.inSingle, s.run = false, 0
				continue // b[i] is read outside the scalar
			}
			j := bytes.IndexAny(b[i:], "'\n")
			if j < 0 {
				j = len(b) - i
			}
			s.run += int64(j)
			i += j
			if err := s.overRun(LimitString, base+int64(i)); err != nil {
				return err
			}
			if i == len(b) {
				return nil
			}
			if b[i] == '\n' {
				s.newline(base + int64(i))
				s.run++
			} else {
				s.quotePending = true
			}
			i++
			continue
		}
		if s.inStr {
			if s.escape { // the byte after a backslash
				s.escape = false
				s.run++
				i++
				if err := s.overRun(LimitString, base+int64(i)); err != nil {
					return err
				}
				continue
			}
			j := stringEnd(b[i:])
			s.run += int64(j)
			i += j
			if err := s.overRun(LimitString, base+int64(i)); err != nil {
				return err
			}
			if i == len(b) {
				return nil
			}
			switch b[i] {
			case '\n': // not valid JSON; keep the lines right
				s.newline(base + int64(i))
				s.run++
			case '\\':
				s.escape = true
				s.run++
			default: // the closing quote
				s.inStr, s.run = false, 0
			}
			i++
			continue
		}
		// Outside strings, JSON has only short literals and numbers
		// between its punctuation; a YAML flow collection (which a YAML
		// importer may be handed) has plain scalars there, which are
		// bounded like strings.
		j := bytes.IndexAny(b[i:], "\"'[]{},\n")
		if j < 0 {
			j = len(b) - i
		}
		s.run += int64(j)
		what := LimitString
		if s.depth == 0 {
			what = LimitLine
		}
		if err := s.overRun(what, base+int64(i+j)); err != nil {
			return err
		}
		i += j
		if i == len(b) {
			return nil
		}
		switch b[i] {
		case '"':
			s.inStr, s.run = true, 0
		case '\'':
			if s.depth > 0 {
				s.inSingle, s.run = true, 0
			} else {
				s.run++ // an apostrophe in text outside any collection
			}
		case '[', '{':
			s.run = 0
			s.depth++
			if s.depth > s.opts.MaxDepth {
				return s.limit(LimitDepth, int64(s.opts.MaxDepth), base+int64(i))
			}
		case ']', '}':
			// Outside every collection (a stray closer, or what follows
			// the top-level value, like a YAML document after "---"),
			// bytes are held to the line limit: only a newline ends a
			// run there.
			if s.depth > 0 {
				s.run = 0
				s.depth--
			} else {
				s.run++
			}
		case ',':
			if s.depth > 0 {
				s.run = 0
			} else {
				s.run++
			}
		case '\n':
			s.newline(base + int64(i))
			if s.depth > 0 {
				s.run++
			} else {
				s.run = 0
			}
		}
		i++
	}
	return nil
}

// stringEnd returns the index in b of the first '"', '\\' or '\n', or
// len(b). Past its first bytes it scans with bytes.IndexByte (assembly)
// rather than a byte loop, which -race slows down tenfold, in windows
// that start small and double, so that neither a long string nor a run
// of escapes costs much.
func stringEnd(b []byte) int {
	// A byte loop first, for the escapes that follow each other.
	head := min(len(b), 16)
	for i, c := range b[:head] {
		if c == '"' || c == '\\' || c == '\n' {
			return i
		}
	}
	for at, w := head, 64; at < len(b); at, w = at+w, min(2*w, 1<<20) {
		win := b[at:min(at+w, len(b))]
		end := len(win)
		for _, c := range [...]byte{'"', '\\', '\n'} {
			if j := bytes.IndexByte(win[:end], c); j >= 0 {
				end = j
			}
		}
		if end < len(win) {
			return at + end
		}
	}
	return len(b)
}

// limit is a LimitError at offset off, which lies on the current line.
// overRun is the limit error when the current run has passed MaxString,
// nil otherwise; end is the offset just past the run so far.
func (s *scanner) overRun(what string, end int64) error {
	if s.run <= s.opts.MaxString {
		return nil
	}
	return s.limit(what, s.opts.MaxString, end-(s.run-s.opts.MaxString))
}

func (s *scanner) limit(what string, bound, off int64) *LimitError {
	return &LimitError{Limit: what, Max: bound, Offset: off, Line: s.line, Column: int(off-s.lineAt) + 1}
}

// Nesting locates where the flow collections ('[' and '{') of a YAML or
// JSON input first nest deeper than depth, for the message of a parser
// that reports that it gave up without saying where (yaml.v3's "exceeded
// max depth"). Quoted strings and comments are skipped. Failing that, it
// returns the end of the longest run, at least depth long, of the
// characters that open block collections at the start of a line
// (indentation, "- ", "? ", ": "): block nesting that deep. ok is false
// when it finds neither.
func Nesting(data []byte, depth int) (line, column int, ok bool) {
	line, lineAt, level := 1, 0, 0
	var quote byte
	blockLine, blockRun := 0, 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line, lineAt = line+1, i+1
			continue
		}
		if i == lineAt {
			n := 0
			for i+n < len(data) && strings.IndexByte(" -?:", data[i+n]) >= 0 {
				n++
			}
			if n > blockRun {
				blockLine, blockRun = line, n
			}
		}
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t'):
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case c == '[' || c == '{':
			level++
			if level > depth {
				return line, i - lineAt + 1, true
			}
		case c == ']' || c == '}':
			level = max(level-1, 0)
		}
	}
	if blockRun >= depth {
		return blockLine, blockRun + 1, true
	}
	return 0, 0, false
}

// InvalidUTF8 locates the first byte of data that is not UTF-8, for the
// message of a parser that rejects it without saying where (yaml.v3's
// "invalid leading UTF-8 octet"); ok is false when data is UTF-8.
func InvalidUTF8(data []byte) (line, column int, ok bool) {
	line, lineAt := 1, 0
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				line, lineAt = line+1, i+1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line, i - lineAt + 1, true
		}
		i += size
	}
	return 0, 0, false
}
