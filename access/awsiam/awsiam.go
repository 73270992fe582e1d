package awsiam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
	"github.com/aspmkit/aspm/internal/limits"
)

// DefaultMaxBytes is the largest input [Read] accepts when
// [Options.MaxBytes] is zero: 256 MiB, far above the largest real
// authorization-details export of an account.
const DefaultMaxBytes = 256 << 20

// maxDepth bounds JSON nesting; IAM documents nest about 8 levels deep.
const maxDepth = limits.MaxDepth

// Options configure [Read] and [ParsePolicy]. The zero value is valid.
// An Options is a plain value, safe to share between goroutines.
type Options struct {
	// File is the input's name, used in [access.Source] and in errors.
	File string
	// Name names the role made from a bare policy document. When empty,
	// the base name of File without its extension is used, or "policy"
	// when File is empty too.
	Name string
	// MaxBytes bounds the input size; zero means [DefaultMaxBytes]. A
	// larger input is an error wrapping [access.ErrLimit].
	MaxBytes int64
}

// Format is a kind of input this package reads.
type Format string

// The formats [Read] tells apart by their shape.
const (
	// FormatPolicy is a bare IAM policy document {"Version", "Statement"}.
	FormatPolicy Format = "policy"
	// FormatDataset is an iam-dataset record of an AWS managed policy:
	// {"name", "arn", "document", ...}.
	FormatDataset Format = "iam-dataset"
	// FormatAuthorizationDetails is the output of
	// `aws iam get-account-authorization-details`.
	FormatAuthorizationDetails Format = "authorization-details"
)

// Read reads an IAM policy document, an iam-dataset managed-policy
// record or an account authorization-details export from r, telling
// them apart by shape, and returns the model they describe, sorted (see
// the package documentation for the mapping).
//
// Bad input gives an [*access.ParseError] naming opts.File, the line
// and the JSON pointer of the problem; it wraps [access.ErrSyntax] for
// malformed documents, [access.ErrUnsupported] for input of another kind
// (Terraform HCL, YAML, JSON of another system) and [access.ErrLimit]
// for input over opts.MaxBytes. An error reading r is returned wrapped,
// as is. No model is returned with an error.
func Read(r io.Reader, opts Options) (*access.Model, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	data, err := jsondoc.ReadAll(r, opts.File, max)
	var pe *access.ParseError
	if errors.As(err, &pe) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("awsiam: read %s: %w", opts.File, err)
	}
	d, root, err := parse(data, opts)
	if err != nil {
		return nil, err
	}
	var m *access.Model
	switch classify(root) {
	case FormatAuthorizationDetails:
		m, err = d.authorizationDetails(root)
	case FormatDataset:
		m, err = d.dataset(root)
	case FormatPolicy:
		m, err = d.bare(root, policyName(opts))
	default:
		return nil, &access.ParseError{File: opts.File, Line: d.lineOf(root),
			Message: "JSON object is not an IAM policy document, an iam-dataset record or an authorization-details export (no Statement, document or *DetailList)",
			Err:     access.ErrUnsupported}
	}
	if err != nil {
		return nil, err
	}
	m.Sort()
	return m, nil
}

// ReadFile reads the file at path with [Read], naming it path.
func ReadFile(path string) (*access.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("awsiam: %w", err)
	}
	defer f.Close()
	return Read(f, Options{File: path})
}

// Detect reports whether data (the whole input or its first bytes) looks
// like input [Read] reads: a JSON object whose top level has a Statement,
// an iam-dataset "document" with an "arn", or the lists of an
// authorization-details export. It does not validate the input.
func Detect(data []byte) bool {
	return DetectFormat(data) != ""
}

// DetectFormat is [Detect] naming the format; "" when none matches.
func DetectFormat(data []byte) Format {
	const sniff = 64 << 10
	if len(data) > sniff {
		data = data[:sniff]
	}
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	if len(data) == 0 || data[0] != '{' {
		return ""
	}
	// Collect the top-level keys until the data ends or breaks.
	dec := json.NewDecoder(bytes.NewReader(data))
	keys := map[string]bool{}
	depth := 0
	wantKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			wantKey = depth == 1
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
			wantKey = depth == 1
			continue
		}
		if depth == 1 && wantKey {
			if s, ok := tok.(string); ok {
				keys[s] = true
			}
			wantKey = false
			continue
		}
		if depth == 1 {
			wantKey = true
		}
	}
	return formatOfKeys(keys)
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func formatOfKeys(keys map[string]bool) Format {
	switch {
	case keys["UserDetailList"] || keys["GroupDetailList"] || keys["RoleDetailList"] ||
		keys["Policies"] && !keys["Statement"]:
		return FormatAuthorizationDetails
	case keys["document"] && (keys["arn"] || keys["name"]):
		return FormatDataset
	case keys["Statement"]:
		return FormatPolicy
	}
	return ""
}

func classify(root *node) Format {
	keys := make(map[string]bool, len(root.keys))
	for _, k := range root.keys {
		keys[k] = true
	}
	return formatOfKeys(keys)
}

func policyName(opts Options) string {
	switch {
	case opts.Name != "":
		return opts.Name
	case opts.File != "":
		base := filepath.Base(opts.File)
		if n := strings.TrimSuffix(base, filepath.Ext(base)); n != "" {
			return n
		}
		return base
	}
	return "policy"
}

// terraform matches the start of a top-level HCL block.
var terraform = regexp.MustCompile(`(?m)^\s*(resource|data|variable|provider|module|locals|output|terraform)\s*("[^"\n]*"\s*)*\{`)

// ini matches the first section header of an INI file.
var ini = regexp.MustCompile(`^\[[A-Za-z_][A-Za-z0-9_. -]*\]\s*\n`)

// parse validates data as one JSON object and builds its node tree.
func parse(data []byte, opts Options) (*decoder, *node, error) {
	data = bytes.TrimPrefix(data, bom)
	d := &decoder{file: opts.File, data: data, lines: newLines(data)}
	fail := func(line int, err error, format string, args ...any) (*decoder, *node, error) {
		return nil, nil, &access.ParseError{File: opts.File, Line: line, Message: fmt.Sprintf(format, args...), Err: err}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return fail(0, nil, "empty input")
	}
	if !json.Valid(data) {
		if trimmed[0] != '{' && terraform.Match(data) {
			return fail(0, access.ErrUnsupported, "Terraform HCL: render the policy to JSON first")
		}
		if ini.Match(trimmed) {
			return fail(0, access.ErrUnsupported, "INI file (a Casbin model?): not an IAM document")
		}
		if trimmed[0] != '{' && trimmed[0] != '[' && trimmed[0] != '"' {
			return fail(0, access.ErrUnsupported, "not JSON: an IAM policy, iam-dataset record or authorization-details export is a JSON object")
		}
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail(d.lines.line(int(se.Offset)), nil, "invalid JSON: %v", se)
		}
		return fail(0, nil, "invalid JSON: %v", err)
	}
	root, depthAt, dup := parseTree(data, maxDepth)
	if depthAt >= 0 {
		return fail(d.lines.line(depthAt), access.ErrLimit, "JSON nests deeper than %d levels", maxDepth)
	}
	if dup {
		// IAM rejects such a policy; which value would count here is
		// not for aspm to guess.
		n, p := duplicate(root, "")
		return nil, nil, &access.ParseError{File: opts.File, Line: d.lines.line(n.off), Path: p,
			Message: "duplicate key: the object gives it twice", Err: access.ErrSyntax}
	}
	if root.kind != 'o' {
		return fail(d.lines.line(root.off), access.ErrUnsupported, "top-level JSON value is %s, want an object", kindName(root.kind))
	}
	return d, root, nil
}

// bare reads a bare policy document as one role.
func (d *decoder) bare(root *node, name string) (*access.Model, error) {
	p, err := d.policy(root, "")
	if err != nil {
		return nil, err
	}
	return &access.Model{
		Principals: []access.Principal{},
		Roles: []access.Role{{
			ID:          "aws:role:policy/" + name,
			System:      access.SystemAWS,
			Name:        name,
			Kind:        "Policy",
			Permissions: p.Permissions(),
			Source:      d.source(root, ""),
		}},
		Bindings: []access.Binding{},
	}, nil
}

// dataset reads an iam-dataset record of a managed policy as one role.
// The record's analysis flags (privesc, credentials_exposure, ...) are
// not part of the model.
func (d *decoder) dataset(root *node) (*access.Model, error) {
	name, err := d.required(root, "name", "")
	if err != nil {
		return nil, err
	}
	arn, err := d.str(root, "arn", "")
	if err != nil {
		return nil, err
	}
	p, err := d.policy(root.get("document"), "/document")
	if err != nil {
		return nil, err
	}
	return &access.Model{
		Principals: []access.Principal{},
		Roles: []access.Role{{
			ID:          policyPrefix + name,
			System:      access.SystemAWS,
			Name:        name,
			Kind:        "ManagedPolicy",
			Builtin:     arn == "" || isAWSManaged(arn),
			Permissions: p.Permissions(),
			Source:      d.source(root, ""),
		}},
		Bindings: []access.Binding{},
	}, nil
}
