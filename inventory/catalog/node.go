package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/internal/docguard"
	"github.com/aspmkit/aspm/internal/limits"
)

// Both serializations become a tree of yaml.Node, with lines and columns,
// which one schema-driven walker reads. JSON is parsed with encoding/json
// (YAML parsers reject some valid JSON, such as the escape "\/") and
// converted.

var bom = []byte("\xEF\xBB\xBF")

// isJSON reports whether the input's first character, after a byte order
// mark and white space, opens a JSON object.
func isJSON(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// decoder walks a document's nodes, charging a budget so that aliases
// cannot make the walk explode.
type decoder struct {
	file   string
	budget int
}

// fail returns an *Error at n (which may be nil).
func (d *decoder) fail(n *yaml.Node, path string, sentinel error, format string, args ...any) error {
	e := &Error{File: d.file, Path: path, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// yamlMaxDepth is the nesting at which yaml.v3 gives up.
const yamlMaxDepth = 10000

var yamlLine = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// parse returns the root node of the input's single document; nil when
// the document is empty.
func (d *decoder) parse(data []byte) (*yaml.Node, error) {
	var root *yaml.Node
	if isJSON(data) {
		var err error
		if root, err = d.parseJSON(data); err != nil {
			return nil, err
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			return nil, d.yamlError(err, data)
		}
		if len(doc.Content) > 0 {
			root = doc.Content[0]
		}
		for {
			var next yaml.Node
			err := dec.Decode(&next)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, d.yamlError(err, data)
			}
			if len(next.Content) > 0 && !isNull(next.Content[0]) {
				return nil, d.fail(next.Content[0], "", ErrInvalid, "a catalog is a single YAML document")
			}
		}
	}
	if root != nil && isNull(root) {
		return nil, nil
	}
	if root != nil {
		d.budget = 10*countNodes(root) + 10000
	}
	return root, nil
}

func (d *decoder) yamlError(err error, data []byte) error {
	e := &Error{File: d.file}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if e.Line == 0 && strings.HasPrefix(msg, "exceeded max depth") {
		// yaml.v3 does not say where: find the place.
		e.Line, e.Column, _ = docguard.Nesting(data, yamlMaxDepth)
	}
	if e.Line == 0 && strings.Contains(msg, "UTF-8") {
		e.Line, e.Column, _ = docguard.InvalidUTF8(data)
	}
	e.Err = fmt.Errorf("%w: %s", ErrSyntax, msg)
	return e
}

// countNodes counts the nodes of a tree without following aliases.
func countNodes(n *yaml.Node) int {
	count := 0
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		stack = append(stack, top.Content...)
	}
	return count
}

// parseJSON converts a JSON document into a yaml.Node tree.
func (d *decoder) parseJSON(data []byte) (*yaml.Node, error) {
	lines := []int{0}
	for i, c := range data {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	pos := func(off int64) (line, col int) {
		i := sort.Search(len(lines), func(i int) bool { return int64(lines[i]) > off }) - 1
		return i + 1, int(off) - lines[i] + 1
	}
	skip := int64(0)
	if bytes.HasPrefix(data, bom) {
		skip = int64(len(bom))
	}
	dec := json.NewDecoder(bytes.NewReader(data[skip:]))
	dec.UseNumber()
	var root *yaml.Node
	var stack []*yaml.Node
	for {
		start := skip + dec.InputOffset()
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[start]) >= 0 {
			start++
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) && len(stack) > 0 {
			err = io.ErrUnexpectedEOF
		}
		if errors.Is(err, io.EOF) {
			break
		}
		line, col := pos(start)
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				line, col = pos(skip + se.Offset)
			}
			msg := strings.TrimPrefix(err.Error(), "json: ")
			if errors.Is(err, io.ErrUnexpectedEOF) {
				line, col = pos(int64(len(data)))
				msg = "unexpected end of JSON input"
			}
			return nil, &Error{File: d.file, Line: line, Column: col, Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
		}
		if root != nil && len(stack) == 0 {
			return nil, &Error{File: d.file, Line: line, Column: col, Err: fmt.Errorf("%w: data after the JSON value", ErrSyntax)}
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Line: line, Column: col}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '}', ']':
				stack = stack[:len(stack)-1]
				continue
			case '{':
				n.Kind, n.Tag, n.Style = yaml.MappingNode, "!!map", yaml.FlowStyle
			case '[':
				n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
			}
		case string:
			n.Tag, n.Value, n.Style = "!!str", t, yaml.DoubleQuotedStyle
		case json.Number:
			n.Tag, n.Value = "!!int", t.String()
			if strings.ContainsAny(n.Value, ".eE") {
				n.Tag = "!!float"
			}
		case bool:
			n.Tag, n.Value = "!!bool", strconv.FormatBool(t)
		case nil:
			n.Tag, n.Value = "!!null", "null"
		}
		if len(stack) == 0 {
			root = n
		} else {
			top := stack[len(stack)-1]
			top.Content = append(top.Content, n)
		}
		if n.Kind != yaml.ScalarNode {
			if len(stack) >= limits.MaxDepth {
				return nil, &Error{File: d.file, Line: line, Column: col,
					Err: fmt.Errorf("%w: nesting deeper than %d", ErrLimit, limits.MaxDepth)}
			}
			stack = append(stack, n)
		}
	}
	if root == nil {
		line, col := pos(int64(len(data)))
		return nil, &Error{File: d.file, Line: line, Column: col, Err: fmt.Errorf("%w: empty JSON input", ErrSyntax)}
	}
	return root, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names a node's type for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		if isNull(n) {
			return "null"
		}
		return "a scalar"
	}
	return "an alias"
}

// resolve follows aliases and charges the budget.
func (d *decoder) resolve(n *yaml.Node, path string) (*yaml.Node, error) {
	for hops := 0; n.Kind == yaml.AliasNode; hops++ {
		if n.Alias == nil || hops > 64 {
			return nil, d.fail(n, path, ErrInvalid, "unresolvable alias")
		}
		n = n.Alias
	}
	d.budget--
	if d.budget < 0 {
		return nil, d.fail(n, path, ErrLimit, "too many nodes after expanding aliases")
	}
	return n, nil
}

// field is one key/value pair of a mapping.
type field struct {
	key  string
	node *yaml.Node // the key
	val  *yaml.Node // the value, aliases resolved
	path string     // the value's path
}

// fields returns the pairs of a mapping in document order, merge keys
// ("<<") expanded with the explicit keys taking precedence, and extension
// keys ("x-...") dropped. A key given twice is an error.
func (d *decoder) fields(n *yaml.Node, path string) ([]field, error) {
	return d.fieldsDepth(n, path, 0, true)
}

func (d *decoder) fieldsDepth(n *yaml.Node, path string, depth int, dropExt bool) ([]field, error) {
	n, err := d.resolve(n, path)
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, d.fail(n, path, ErrInvalid, "expected a mapping, got %s", describe(n))
	}
	if depth > 16 {
		return nil, d.fail(n, path, ErrInvalid, "merge keys nested too deep")
	}
	var out []field
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := d.resolve(n.Content[i], path)
		if err != nil {
			return nil, err
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			return nil, d.fail(k, path, ErrInvalid, "a key must be a string, got %s", describe(k))
		}
		if k.Tag == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if first, dup := seen[k.Value]; dup {
			return nil, d.fail(k, join(path, k.Value), ErrInvalid, "field %q given twice (first on line %d)", k.Value, first.Line)
		}
		seen[k.Value] = k
		if dropExt && strings.HasPrefix(k.Value, "x-") {
			continue
		}
		p := join(path, k.Value)
		v, err := d.resolve(n.Content[i+1], p)
		if err != nil {
			return nil, err
		}
		out = append(out, field{key: k.Value, node: k, val: v, path: p})
	}
	for _, m := range merges {
		m, err := d.resolve(m, path)
		if err != nil {
			return nil, err
		}
		sources := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			sources = m.Content
		}
		for _, s := range sources {
			inherited, err := d.fieldsDepth(s, path, depth+1, dropExt)
			if err != nil {
				return nil, err
			}
			for _, f := range inherited {
				if _, ok := seen[f.key]; !ok {
					seen[f.key] = f.node
					out = append(out, f)
				}
			}
		}
	}
	return out, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// str returns a scalar's text; "" for null.
func (d *decoder) str(f field) (string, error) {
	if f.val.Kind != yaml.ScalarNode {
		return "", d.fail(f.val, f.path, ErrInvalid, "expected a string, got %s", describe(f.val))
	}
	if isNull(f.val) {
		return "", nil
	}
	return strings.TrimSpace(f.val.Value), nil
}

// items returns a sequence's items, aliases resolved; nil for null.
func (d *decoder) items(f field) ([]field, error) {
	if isNull(f.val) {
		return nil, nil
	}
	if f.val.Kind != yaml.SequenceNode {
		return nil, d.fail(f.val, f.path, ErrInvalid, "expected a sequence, got %s", describe(f.val))
	}
	out := make([]field, 0, len(f.val.Content))
	for i, c := range f.val.Content {
		p := index(f.path, i)
		v, err := d.resolve(c, p)
		if err != nil {
			return nil, err
		}
		out = append(out, field{key: f.key, node: v, val: v, path: p})
	}
	return out, nil
}

// strs returns a sequence of strings, each with its field for error
// positions. Empty strings are an error.
func (d *decoder) strs(f field) ([]string, []field, error) {
	items, err := d.items(f)
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, err := d.str(it)
		if err != nil {
			return nil, nil, err
		}
		if s == "" {
			return nil, nil, d.fail(it.val, it.path, ErrInvalid, "empty value")
		}
		out = append(out, s)
	}
	return out, items, nil
}

// props returns a mapping of strings to strings.
func (d *decoder) props(f field) (map[string]string, error) {
	if isNull(f.val) {
		return nil, nil
	}
	fs, err := d.fieldsDepth(f.val, f.path, 0, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(fs))
	for _, p := range fs {
		v, err := d.str(p)
		if err != nil {
			return nil, err
		}
		out[p.key] = v
	}
	return out, nil
}
