package awsiam

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// node is a parsed JSON value that remembers where it was in the input,
// so that every error can name its line and JSON pointer. Objects keep
// their keys in input order; parse rejects an object that repeats a key
// (get would take its last value, as encoding/json does).
type node struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	off   int  // offset of the value's first byte in the input
	end   int  // offset just past the value
	str   string
	keys  []string
	vals  []*node
	elems []*node
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.vals[i]
		}
	}
	return nil
}

// isNull reports whether n is absent or JSON null.
func (n *node) isNull() bool { return n == nil || n.kind == 'z' }

func kindName(k byte) string {
	switch k {
	case 'o':
		return "an object"
	case 'a':
		return "an array"
	case 's':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	default:
		return "null"
	}
}

// tree parses data, which must be valid JSON (json.Valid), into nodes.
// It fails only when the nesting exceeds maxDepth.
type tree struct {
	data     []byte
	pos      int
	maxDepth int
	depthErr int  // offset where the depth limit was hit, or -1
	dup      bool // an object repeats a key
}

// parseTree returns the tree of data, the offset where it nests deeper
// than maxDepth (-1 when it does not), and whether an object repeats a
// key (see duplicate).
func parseTree(data []byte, maxDepth int) (*node, int, bool) {
	t := &tree{data: data, maxDepth: maxDepth, depthErr: -1}
	n := t.value(0)
	return n, t.depthErr, t.dup
}

// hasDup reports whether keys holds a key twice.
func hasDup(keys []string) bool {
	if len(keys) <= 16 {
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if keys[i] == keys[j] {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

// duplicate finds the first object of n, in document order, that
// repeats a key: the key's second node and the pointer of its value.
func duplicate(n *node, at string) (key *node, pointer string) {
	switch n.kind {
	case 'o':
		first := map[string]bool{}
		for i, k := range n.keys {
			if first[k] {
				return n.vals[i], ptr(at, k)
			}
			first[k] = true
		}
		for i, v := range n.vals {
			if key, p := duplicate(v, ptr(at, n.keys[i])); key != nil {
				return key, p
			}
		}
	case 'a':
		for i, e := range n.elems {
			if key, p := duplicate(e, ptr(at, i)); key != nil {
				return key, p
			}
		}
	}
	return nil, ""
}

func (t *tree) space() {
	for t.pos < len(t.data) {
		switch t.data[t.pos] {
		case ' ', '\t', '\n', '\r':
			t.pos++
		default:
			return
		}
	}
}

func (t *tree) value(depth int) *node {
	t.space()
	if t.depthErr >= 0 || t.pos >= len(t.data) {
		return &node{kind: 'z', off: t.pos, end: t.pos}
	}
	n := &node{off: t.pos}
	switch c := t.data[t.pos]; c {
	case '{', '[':
		if depth >= t.maxDepth {
			t.depthErr = t.pos
			n.kind = 'z'
			return n
		}
		t.pos++
		close := byte('}')
		n.kind = 'o'
		if c == '[' {
			close, n.kind = ']', 'a'
		}
		for {
			t.space()
			if t.pos >= len(t.data) || t.data[t.pos] == close {
				t.pos++
				break
			}
			if t.data[t.pos] == ',' {
				t.pos++
				continue
			}
			if n.kind == 'o' {
				k := t.value(depth + 1)
				t.space()
				t.pos++ // ':'
				n.keys = append(n.keys, k.str)
				n.vals = append(n.vals, t.value(depth+1))
			} else {
				n.elems = append(n.elems, t.value(depth+1))
			}
			if t.depthErr >= 0 {
				return n
			}
		}
		if n.kind == 'o' && !t.dup {
			t.dup = hasDup(n.keys)
		}
	case '"':
		n.kind = 's'
		i := t.pos + 1
		escaped := false
		for i < len(t.data) && t.data[i] != '"' {
			if t.data[i] == '\\' {
				escaped = true
				i++
			}
			i++
		}
		i++ // closing quote
		if i > len(t.data) {
			i = len(t.data)
		}
		if escaped || !utf8.Valid(t.data[t.pos:i]) {
			// Let encoding/json unescape, and replace invalid UTF-8 as it
			// does everywhere else.
			_ = json.Unmarshal(t.data[t.pos:i], &n.str) // valid JSON: cannot fail
		} else if t.pos+1 <= i-1 {
			n.str = string(t.data[t.pos+1 : i-1])
		}
		t.pos = i
	case 't', 'f', 'n':
		n.kind = 'b'
		if c == 'n' {
			n.kind = 'z'
		}
		switch c {
		case 't':
			n.str = "true"
		case 'f':
			n.str = "false"
		default:
			n.str = "null"
		}
		t.pos += len(n.str)
	default:
		n.kind = 'n'
		i := t.pos
		for i < len(t.data) && strings.IndexByte("+-0123456789.eE", t.data[i]) >= 0 {
			i++
		}
		n.str = string(t.data[t.pos:i])
		t.pos = i
	}
	if t.pos > len(t.data) {
		t.pos = len(t.data)
	}
	n.end = t.pos
	return n
}

// lines maps byte offsets to 1-based line numbers.
type lines struct {
	nl []int // offsets of '\n'
}

func newLines(data []byte) *lines {
	l := &lines{}
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		l.nl = append(l.nl, i+j)
		i += j + 1
	}
	return l
}

func (l *lines) line(off int) int {
	return 1 + sort.SearchInts(l.nl, off)
}

// ptr builds a JSON pointer from a parent pointer and a key or index.
func ptr(parent string, key any) string {
	switch k := key.(type) {
	case int:
		return parent + "/" + strconv.Itoa(k)
	case string:
		k = strings.ReplaceAll(k, "~", "~0")
		return parent + "/" + strings.ReplaceAll(k, "/", "~1")
	}
	return parent
}
