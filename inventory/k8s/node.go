package k8s

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/internal/docguard"
	"go.yaml.in/yaml/v3"
)

// walker reads the fields of one document's nodes. Unlike a strict
// schema, it looks up the fields it needs and ignores the others, since
// Kubernetes objects carry many; it checks the types of those it reads.
type walker struct {
	file   string
	doc    int // 1-based document index
	budget int // nodes left to visit, so that aliases cannot explode
}

func (w *walker) fail(n *yaml.Node, path string, sentinel error, format string, args ...any) error {
	e := &Error{File: w.file, Document: w.doc, Path: path, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

var yamlLine = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

func (w *walker) syntax(err error, data []byte) error {
	e := &Error{File: w.file, Document: w.doc}
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

// yamlMaxDepth is the nesting at which yaml.v3 gives up.
const yamlMaxDepth = 10000

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

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

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

func (w *walker) resolve(n *yaml.Node, path string) (*yaml.Node, error) {
	for hops := 0; n.Kind == yaml.AliasNode; hops++ {
		if n.Alias == nil || hops > 64 {
			return nil, w.fail(n, path, ErrInvalid, "unresolvable alias")
		}
		n = n.Alias
	}
	w.budget--
	if w.budget < 0 {
		return nil, w.fail(n, path, ErrLimit, "too many nodes after expanding aliases")
	}
	return n, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// mapping resolves n and checks that it is a mapping; null and nil give
// nil.
func (w *walker) mapping(n *yaml.Node, path string) (*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	n, err := w.resolve(n, path)
	if err != nil || isNull(n) {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, w.fail(n, path, ErrInvalid, "expected a mapping, got %s", describe(n))
	}
	return n, nil
}

// get returns the value of key in the mapping n, aliases resolved, and
// its path; nil when n is nil, or the key is absent or null. Merge keys
// ("<<") are followed.
func (w *walker) get(n *yaml.Node, path, key string) (*yaml.Node, string, error) {
	p := join(path, key)
	v, err := w.lookup(n, path, key, 0)
	if err != nil || v == nil {
		return nil, p, err
	}
	v, err = w.resolve(v, p)
	if err != nil || isNull(v) {
		return nil, p, err
	}
	return v, p, nil
}

func (w *walker) lookup(n *yaml.Node, path, key string, depth int) (*yaml.Node, error) {
	n, err := w.mapping(n, path)
	if err != nil || n == nil {
		return nil, err
	}
	if depth > 16 {
		return nil, w.fail(n, path, ErrInvalid, "merge keys nested too deep")
	}
	var found *yaml.Node
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind == yaml.AliasNode {
			if k, err = w.resolve(k, path); err != nil {
				return nil, err
			}
		}
		if k.Kind != yaml.ScalarNode {
			continue
		}
		if k.Tag == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if k.Value == key {
			if found != nil {
				return nil, w.fail(k, join(path, key), ErrInvalid, "field %q given twice", key)
			}
			found = n.Content[i+1]
		}
	}
	if found != nil {
		return found, nil
	}
	for _, m := range merges {
		m, err := w.resolve(m, path)
		if err != nil {
			return nil, err
		}
		sources := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			sources = m.Content
		}
		for _, s := range sources {
			if v, err := w.lookup(s, path, key, depth+1); err != nil || v != nil {
				return v, err
			}
		}
	}
	return nil, nil
}

// str returns the text of a scalar; "" for nil.
func (w *walker) str(n *yaml.Node, path string) (string, error) {
	if n == nil {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", w.fail(n, path, ErrInvalid, "expected a string, got %s", describe(n))
	}
	if isNull(n) {
		return "", nil
	}
	return strings.TrimSpace(n.Value), nil
}

// getStr returns the text of the scalar at key.
func (w *walker) getStr(n *yaml.Node, path, key string) (string, *yaml.Node, string, error) {
	v, p, err := w.get(n, path, key)
	if err != nil {
		return "", nil, p, err
	}
	s, err := w.str(v, p)
	return s, v, p, err
}

// seq returns the items of a sequence, aliases resolved; nil for nil.
func (w *walker) seq(n *yaml.Node, path string) ([]*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, w.fail(n, path, ErrInvalid, "expected a sequence, got %s", describe(n))
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		if c.Kind != yaml.AliasNode && w.budget > 0 {
			// resolve's work, without making the path.
			w.budget--
			out[i] = c
			continue
		}
		v, err := w.resolve(c, index(path, i))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// strMap returns a mapping of strings (labels, a selector).
func (w *walker) strMap(n *yaml.Node, path string) (map[string]string, error) {
	n, err := w.mapping(n, path)
	if err != nil || n == nil {
		return nil, err
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := w.resolve(n.Content[i], path)
		if err != nil {
			return nil, err
		}
		if k.Kind != yaml.ScalarNode {
			return nil, w.fail(k, path, ErrInvalid, "a key must be a string, got %s", describe(k))
		}
		if k.Tag == "!!merge" {
			return nil, w.fail(k, path, ErrInvalid, "merge keys are not supported in labels and selectors")
		}
		p := join(path, k.Value)
		v, err := w.resolve(n.Content[i+1], p)
		if err != nil {
			return nil, err
		}
		s, err := w.str(v, p)
		if err != nil {
			return nil, err
		}
		if _, dup := out[k.Value]; dup {
			return nil, w.fail(k, p, ErrInvalid, "key %q given twice", k.Value)
		}
		out[k.Value] = s
	}
	return out, nil
}
