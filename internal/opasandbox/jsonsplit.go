package opasandbox

import (
	"bytes"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Below minSplitBytes, or minSplitElements elements, [ParseJSONSplit]
// parses on one goroutine; minElementsPerWorker is the fewest elements it
// gives a goroutine. (Variables for the tests.)
var (
	minSplitElements     = 4096
	minElementsPerWorker = 1024
	minSplitBytes        = 1 << 20
)

// ParseJSONSplit parses data like [ParseJSON] and gives the same value
// and the same errors, but when data is an object with one member named
// member whose value is an array of at least a few thousand elements, it
// parses the elements on up to workers goroutines and the rest of the
// document on another. (A posture is such a document: its findings are
// most of it.)
//
// A quick scan finds the elements' bounds first; whenever that scan or
// any part disagrees with the document (it is not valid JSON, the member
// is repeated, an element ends elsewhere than the scan said), the
// document is parsed again by ParseJSON, whose value or error is
// returned.
func ParseJSONSplit(data []byte, member string, workers int) (ast.Value, error) {
	if workers < 2 || len(data) < minSplitBytes {
		return ParseJSON(data)
	}
	span, ok := scanMember(data, member)
	if !ok || len(span.elems) < minSplitElements {
		return ParseJSON(data)
	}
	workers = max(1, min(workers, len(span.elems)/minElementsPerWorker))
	terms := make([]*ast.Term, len(span.elems))
	failed := make([]bool, workers+1)
	var rest ast.Value
	var wg sync.WaitGroup
	wg.Go(func() {
		// The rest of the document, with the member's array read as null.
		d := newDecoder(data)
		d.splice = &span
		d.skip()
		t, err := d.value(0)
		if err == nil {
			d.skip()
			if d.pos < len(d.data) {
				err = d.fail("data after the top-level value")
			}
		}
		if err != nil || !d.spliced {
			failed[workers] = true
			return
		}
		rest = t.Value
	})
	for w := range workers {
		lo, hi := w*len(span.elems)/workers, (w+1)*len(span.elems)/workers
		wg.Go(func() {
			d := newDecoder(data)
			for i := lo; i < hi; i++ {
				e := span.elems[i]
				d.pos = e.start
				t, err := d.value(2) // in the top-level object's array
				if err != nil {
					failed[w] = true
					return
				}
				d.skip()
				if d.pos != e.end {
					failed[w] = true
					return
				}
				terms[i] = t
			}
		})
	}
	wg.Wait()
	for _, f := range failed {
		if f {
			return ParseJSON(data)
		}
	}
	obj, ok := rest.(ast.Object)
	if !ok {
		return ParseJSON(data)
	}
	obj.Insert(ast.StringTerm(member), ast.ArrayTerm(terms...))
	return obj, nil
}

// memberSpan is where the array of a top-level member lies in a document:
// its value from start to end, and its elements.
type memberSpan struct {
	start, end int
	elems      []elemSpan
}

// elemSpan is one element of an array: from start, its first byte, to
// end, the ',' or ']' after it (past any white space).
type elemSpan struct{ start, end int }

// scanMember finds the array value of the top-level object's member
// named member, and its elements. It checks only the document's
// structure (brackets, strings, commas), not its tokens: the parse that
// follows does. ok is false when data is not an object, the member is
// missing, repeated or not an array, or the structure is broken.
func scanMember(data []byte, member string) (span memberSpan, ok bool) {
	d := jsonDecoder{data: data}
	d.skip()
	if d.pos >= len(data) || data[d.pos] != '{' {
		return span, false
	}
	d.pos++
	found := false
	for {
		d.skip()
		if d.pos < len(data) && data[d.pos] == '}' && !found {
			return span, false
		}
		if d.pos >= len(data) || data[d.pos] != '"' {
			return span, false
		}
		key, err := d.str()
		if err != nil {
			return span, false
		}
		d.skip()
		if d.pos >= len(data) || data[d.pos] != ':' {
			return span, false
		}
		d.pos++
		d.skip()
		if key == member {
			if found || d.pos >= len(data) || data[d.pos] != '[' {
				return span, false
			}
			found = true
			span.start = d.pos
			end, elems, ok := scanArray(data, d.pos)
			if !ok {
				return span, false
			}
			span.end, span.elems = end, elems
			d.pos = end
		} else {
			end, ok := skipValue(data, d.pos)
			if !ok {
				return span, false
			}
			d.pos = end
		}
		d.skip()
		if d.pos >= len(data) {
			return span, false
		}
		switch data[d.pos] {
		case ',':
			d.pos++
		case '}':
			return span, found
		default:
			return span, false
		}
	}
}

// scanArray scans the array opening at data[pos] and returns the offset
// just past it and its elements.
func scanArray(data []byte, pos int) (end int, elems []elemSpan, ok bool) {
	pos++ // [
	pos = skipSpace(data, pos)
	if pos < len(data) && data[pos] == ']' {
		return pos + 1, nil, true
	}
	for {
		pos = skipSpace(data, pos)
		start := pos
		pos, ok = skipValue(data, pos)
		if !ok {
			return 0, nil, false
		}
		pos = skipSpace(data, pos)
		if pos >= len(data) {
			return 0, nil, false
		}
		elems = append(elems, elemSpan{start: start, end: pos})
		switch data[pos] {
		case ',':
			pos++
		case ']':
			return pos + 1, elems, true
		default:
			return 0, nil, false
		}
	}
}

// skipValue returns the offset just past the value starting at data[pos]:
// a string, an object or array (brackets balanced, strings skipped), or a
// run of other bytes (a number or literal) up to a delimiter.
func skipValue(data []byte, pos int) (int, bool) {
	if pos >= len(data) {
		return 0, false
	}
	switch data[pos] {
	case '"':
		return skipString(data, pos)
	case '{', '[':
		return skipNested(data, pos)
	default:
		start := pos
		for pos < len(data) {
			switch data[pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return pos, pos > start
			case '"', '{', '[':
				return 0, false
			}
			pos++
		}
		return pos, pos > start
	}
}

// skipShort returns the offset just past the object or array opening at
// data[pos] when it ends within limit bytes; ok is false otherwise.
func skipShort(data []byte, pos, limit int) (int, bool) {
	return skipNested(data[:min(len(data), pos+limit)], pos)
}

// skipNested returns the offset just past the object or array opening at
// data[pos] (brackets balanced, strings skipped).
func skipNested(data []byte, pos int) (int, bool) {
	depth := 0
	for pos < len(data) {
		switch data[pos] {
		case '"':
			end, ok := skipString(data, pos)
			if !ok {
				return 0, false
			}
			pos = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return pos + 1, true
			}
		}
		pos++
	}
	return 0, false
}

// skipString returns the offset just past the string opening at
// data[pos].
func skipString(data []byte, pos int) (int, bool) {
	pos++
	for {
		i := bytes.IndexByte(data[pos:], '"')
		if i < 0 {
			return 0, false
		}
		q := pos + i
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for j := q - 1; j >= pos && data[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		pos = q + 1
	}
}

func skipSpace(data []byte, pos int) int {
	for pos < len(data) {
		switch data[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}
