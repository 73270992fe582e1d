package k8s

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/internal/docguard"
)

// walker reads the fields of one document's nodes. It looks up the fields
// it needs and ignores the others, as Kubernetes objects carry many, and
// checks the types of those it reads.
type walker struct {
	file   string
	doc    int  // 1-based index of the document in the stream
	budget int  // nodes left to visit, so that aliases cannot explode
	tmpl   bool // the input holds "{{": type errors are template text
}

// where is the Path of a ParseError or Source: "#doc" and the field path.
func (w *walker) where(path string) string {
	s := "#" + strconv.Itoa(w.doc)
	if path != "" {
		s += " " + path
	}
	return s
}

func (w *walker) fail(n *yaml.Node, path string, sentinel error, format string, args ...any) error {
	e := &access.ParseError{File: w.file, Path: w.where(path), Message: fmt.Sprintf(format, args...), Err: sentinel}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

// template reports an unrendered template expression found where a
// value belongs.
func (w *walker) template(n *yaml.Node, path string) error {
	return w.fail(n, path, access.ErrUnsupported,
		"unrendered Helm template: the value is a template expression ({{ ... }}); render the chart (helm template) and read its output")
}

// yamlMaxDepth is the nesting at which yaml.v3 gives up.
const yamlMaxDepth = 10000

var yamlLine = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// syntax turns an error of the YAML decoder into a ParseError.
func (w *walker) syntax(err error, data []byte) error {
	e := &access.ParseError{File: w.file, Path: w.where(""), Err: access.ErrSyntax}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	// yaml.v3 does not say where for these: find the place.
	switch {
	case e.Line != 0:
	case strings.HasPrefix(msg, "exceeded max depth"):
		e.Line, _, _ = docguard.Nesting(data, yamlMaxDepth)
	case strings.Contains(msg, "UTF-8"):
		e.Line, _, _ = docguard.InvalidUTF8(data)
	}
	e.Message = "invalid YAML: " + msg
	return e
}

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
	case yaml.DocumentNode:
		return "a document"
	}
	return "an alias"
}

// resolve follows aliases and charges the visit to the budget.
func (w *walker) resolve(n *yaml.Node, path string) (*yaml.Node, error) {
	for hops := 0; n.Kind == yaml.AliasNode; hops++ {
		if n.Alias == nil || hops > 64 {
			return nil, w.fail(n, path, access.ErrSyntax, "unresolvable alias")
		}
		n = n.Alias
	}
	w.budget--
	if w.budget < 0 {
		return nil, w.fail(n, path, access.ErrLimit, "too many nodes after expanding aliases")
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

// mapping resolves n and checks that it is a mapping; nil and null give
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
		return nil, w.fail(n, path, access.ErrSyntax, "expected a mapping, got %s", describe(n))
	}
	return n, nil
}

// seq resolves n and returns the items of a sequence; nil and null give
// none.
func (w *walker) seq(n *yaml.Node, path string) ([]*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	n, err := w.resolve(n, path)
	if err != nil || isNull(n) {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		if n.Kind == yaml.MappingNode && w.tmpl {
			return nil, w.template(n, path)
		}
		return nil, w.fail(n, path, access.ErrSyntax, "expected a sequence, got %s", describe(n))
	}
	return n.Content, nil
}

// get returns the value of key in the mapping m, aliases resolved, and
// its path; nil when m is nil, or the key is absent or null. Merge keys
// ("<<") are followed.
func (w *walker) get(m *yaml.Node, path, key string) (*yaml.Node, string, error) {
	p := join(path, key)
	v, err := w.lookup(m, path, key, 0)
	if err != nil || v == nil {
		return nil, p, err
	}
	v, err = w.resolve(v, p)
	if err != nil || isNull(v) {
		return nil, p, err
	}
	return v, p, nil
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "")
}

func (w *walker) lookup(m *yaml.Node, path, key string, depth int) (*yaml.Node, error) {
	if m == nil {
		return nil, nil
	}
	merged := false
	var found *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMerge(k) {
			merged = true
			continue
		}
		if k.Kind == yaml.ScalarNode && k.Value == key {
			if found != nil {
				// Kubernetes rejects it too: which one would it be?
				return nil, w.fail(k, join(path, key), access.ErrSyntax, "field %q given twice (first on line %d)", key, found.Line)
			}
			found = k
		}
	}
	if found != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i] == found {
				return m.Content[i+1], nil
			}
		}
	}
	if !merged {
		return nil, nil
	}
	if depth >= 8 {
		return nil, w.fail(m, path, access.ErrSyntax, "merge keys nested too deep")
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMerge(m.Content[i]) {
			continue
		}
		src, err := w.resolve(m.Content[i+1], path)
		if err != nil {
			return nil, err
		}
		var maps []*yaml.Node
		switch src.Kind {
		case yaml.MappingNode:
			maps = []*yaml.Node{src}
		case yaml.SequenceNode:
			maps = src.Content
		default:
			return nil, w.fail(src, path, access.ErrSyntax, "merge key (<<) of %s", describe(src))
		}
		for _, sm := range maps {
			sm, err := w.resolve(sm, path)
			if err != nil {
				return nil, err
			}
			if sm.Kind != yaml.MappingNode {
				return nil, w.fail(sm, path, access.ErrSyntax, "merge key (<<) of %s", describe(sm))
			}
			v, err := w.lookup(sm, path, key, depth+1)
			if err != nil || v != nil {
				return v, err
			}
		}
	}
	return nil, nil
}

// scalar returns the text of the scalar n.
func (w *walker) scalar(n *yaml.Node, path string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		if w.tmpl && n.Kind == yaml.MappingNode {
			return "", w.template(n, path)
		}
		return "", w.fail(n, path, access.ErrSyntax, "expected a string, got %s", describe(n))
	}
	if w.tmpl && strings.Contains(n.Value, "{{") {
		return "", w.template(n, path)
	}
	return n.Value, nil
}

// str returns the string value of key in m, its node and path; "" when
// absent or null.
func (w *walker) str(m *yaml.Node, path, key string) (string, *yaml.Node, string, error) {
	v, p, err := w.get(m, path, key)
	if err != nil || v == nil {
		return "", nil, p, err
	}
	s, err := w.scalar(v, p)
	return s, v, p, err
}

// strList returns the strings of the sequence at key in m.
func (w *walker) strList(m *yaml.Node, path, key string) ([]string, *yaml.Node, string, error) {
	v, p, err := w.get(m, path, key)
	if err != nil || v == nil {
		return nil, nil, p, err
	}
	items, err := w.seq(v, p)
	if err != nil {
		return nil, v, p, err
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		ip := index(p, i)
		it, err := w.resolve(it, ip)
		if err != nil {
			return nil, v, p, err
		}
		if isNull(it) {
			return nil, v, p, w.fail(it, ip, access.ErrSyntax, "null in a list of strings")
		}
		s, err := w.scalar(it, ip)
		if err != nil {
			return nil, v, p, err
		}
		out = append(out, s)
	}
	return out, v, p, nil
}

// strMap returns the string-to-string mapping at key in m (labels,
// matchLabels); nil when absent.
func (w *walker) strMap(m *yaml.Node, path, key string) (map[string]string, error) {
	v, p, err := w.get(m, path, key)
	if err != nil || v == nil {
		return nil, err
	}
	if v.Kind != yaml.MappingNode {
		return nil, w.fail(v, p, access.ErrSyntax, "expected a mapping, got %s", describe(v))
	}
	out := make(map[string]string, len(v.Content)/2)
	for i := 0; i+1 < len(v.Content); i += 2 {
		kn, err := w.resolve(v.Content[i], p)
		if err != nil {
			return nil, err
		}
		if isMerge(kn) {
			return nil, w.fail(kn, p, access.ErrSyntax, "merge keys (<<) are not supported in labels")
		}
		k, err := w.scalar(kn, p)
		if err != nil {
			return nil, err
		}
		vp := join(p, k)
		vn, err := w.resolve(v.Content[i+1], vp)
		if err != nil {
			return nil, err
		}
		val := ""
		if !isNull(vn) {
			if val, err = w.scalar(vn, vp); err != nil {
				return nil, err
			}
		}
		out[k] = val
	}
	return out, nil
}
