package spdx

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	tgspdx "github.com/spdx/tools-golang/spdx"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/tagvalue"
	spdxyaml "github.com/spdx/tools-golang/yaml"
)

// The serializations, as [Result.Format] and [Error.Format] name them.
const (
	FormatJSON     = "json"      // SPDX 2 JSON
	FormatYAML     = "yaml"      // SPDX 2 YAML
	FormatTagValue = "tag-value" // SPDX 2 tag-value
	FormatRDF      = "rdf"       // SPDX 2 RDF/XML or Turtle: recognized, not read
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// maxTagValueLine is the longest line the tag-value parser of tools-golang
// accepts: it scans lines with a default bufio.Scanner.
const maxTagValueLine = bufio.MaxScanTokenSize - 2

// parser holds one input while it is recognized and parsed.
type parser struct {
	file   string
	in     []byte // the input without a byte order mark
	skip   int64  // length of the byte order mark removed
	format string
}

func (p *parser) fail(sentinel error, line int, offset int64, path, format string, args ...any) *Error {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
	}
	if offset >= 0 {
		offset += p.skip
		if line == 0 {
			line = lineAt(p.in, offset-p.skip)
		}
	}
	return &Error{File: p.file, Format: p.format, Line: line, Offset: offset, Path: path, Err: err}
}

// lineAt returns the 1-based line of byte offset off of b.
func lineAt(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}

// parse recognizes the serialization and the version and reads the
// document into the tools-golang model of SPDX 2.3.
func (p *parser) parse() (*tgspdx.Document, string, error) {
	if bytes.HasPrefix(p.in, bom) {
		p.in, p.skip = p.in[len(bom):], int64(len(bom))
	}
	t := bytes.TrimLeft(p.in, " \t\r\n")
	if len(t) == 0 {
		return nil, "", p.fail(ErrSyntax, 0, -1, "", "empty input")
	}
	switch t[0] {
	case '{':
		p.format = FormatJSON
		return p.parseJSON()
	case '[':
		return nil, "", p.fail(ErrUnsupported, 0, -1, "", "a JSON array is not an SPDX document")
	case '<':
		if bytes.Contains(p.in, []byte("spdx.org/rdf")) {
			p.format = FormatRDF
			return nil, "", p.fail(ErrUnsupported, 0, -1, "", "RDF/XML is not read; convert the document to JSON, YAML or tag-value")
		}
		return nil, "", p.fail(ErrUnsupported, 0, -1, "", "XML that is not SPDX RDF")
	}
	if bytes.HasPrefix(t, []byte("@prefix")) || bytes.HasPrefix(t, []byte("@base")) {
		p.format = FormatRDF
		return nil, "", p.fail(ErrUnsupported, 0, -1, "", "RDF (Turtle) is not read; convert the document to JSON, YAML or tag-value")
	}
	for line := range bytes.Lines(p.in) {
		switch {
		case bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("SPDXVersion")):
			if rest := bytes.TrimLeft(bytes.TrimLeft(line, " \t")[len("SPDXVersion"):], " \t"); len(rest) > 0 && rest[0] == ':' {
				p.format = FormatTagValue
				return p.parseTagValue()
			}
		case bytes.HasPrefix(line, []byte("spdxVersion:")),
			bytes.HasPrefix(line, []byte(`"spdxVersion":`)),
			bytes.HasPrefix(line, []byte(`'spdxVersion':`)):
			p.format = FormatYAML
			return p.parseYAML()
		}
	}
	return nil, "", p.fail(ErrUnsupported, 0, -1, "", "not an SPDX document: no spdxVersion (JSON, YAML) or SPDXVersion (tag-value)")
}

// guard runs a tools-golang reader. The checks before it keep the inputs
// known to make it panic away from it (null packages in JSON); a panic
// that still happens is an input it cannot parse, reported as ErrSyntax
// rather than crashing the caller.
func (p *parser) guard(read func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = p.fail(ErrSyntax, 0, -1, "", "the SPDX parser failed on this document: %v", v)
		}
	}()
	return read()
}

// checkVersion accepts the SPDX 2 versions tools-golang reads.
func (p *parser) checkVersion(v string, line int) error {
	switch v {
	case "SPDX-2.1", "SPDX-2.2", "SPDX-2.3":
		return nil
	}
	if strings.HasPrefix(v, "SPDX-3") {
		return p.fail(ErrUnsupported, line, -1, "spdxVersion", "SPDX %s (aspm reads SPDX 2.1 to 2.3)", strings.TrimPrefix(v, "SPDX-"))
	}
	return p.fail(ErrUnsupported, line, -1, "spdxVersion", "SPDX version %q (aspm reads SPDX-2.1 to SPDX-2.3)", v)
}

func (p *parser) parseJSON() (*tgspdx.Document, string, error) {
	var probe struct {
		Version json.RawMessage `json:"spdxVersion"`
		Context json.RawMessage `json:"@context"`
		// Packages finds null packages, on which tools-golang's
		// Document.UnmarshalJSON dereferences nil.
		Packages []*struct{} `json:"packages"`
	}
	if err := json.Unmarshal(p.in, &probe); err != nil {
		return nil, "", p.jsonError(err)
	}
	if probe.Context != nil {
		return nil, "", p.fail(ErrUnsupported, 0, -1, "", "JSON-LD (SPDX 3) is not read; aspm reads SPDX 2.1 to 2.3")
	}
	if probe.Version == nil {
		return nil, "", p.fail(ErrUnsupported, 0, -1, "", "JSON without spdxVersion is not an SPDX 2 document")
	}
	var v string
	if err := json.Unmarshal(probe.Version, &v); err != nil {
		return nil, "", p.fail(ErrInvalid, 0, -1, "spdxVersion", "not a string")
	}
	if err := p.checkVersion(v, 0); err != nil {
		return nil, "", err
	}
	for i, pk := range probe.Packages {
		if pk == nil {
			return nil, "", p.fail(ErrInvalid, 0, -1, fmt.Sprintf("packages[%d]", i), "null package")
		}
	}
	var doc *tgspdx.Document
	err := p.guard(func() (err error) { doc, err = spdxjson.Read(bytes.NewReader(p.in)); return err })
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, "", e
		}
		return nil, "", p.jsonError(err)
	}
	return doc, v, nil
}

// jsonError types an error of encoding/json or of the tools-golang model.
func (p *parser) jsonError(err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// encoding/json counts the offending byte in Offset; a
		// truncated input is at its end.
		off := se.Offset
		if off > 0 && !strings.Contains(se.Error(), "unexpected end") {
			off--
		}
		return p.fail(ErrSyntax, 0, off, "", "%v", err)
	case errors.As(err, &te):
		off := te.Offset
		if off <= 0 {
			off = -1
		}
		return p.fail(ErrInvalid, 0, off, te.Field, "%v", err)
	}
	return p.fail(ErrInvalid, 0, -1, "", "%v", err)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (p *parser) parseYAML() (*tgspdx.Document, string, error) {
	v, line, n := "", 0, 0
	for raw := range bytes.Lines(p.in) {
		n++
		k := bytes.TrimRight(raw, "\r\n")
		for _, key := range []string{"spdxVersion:", `"spdxVersion":`, `'spdxVersion':`} {
			if val, ok := bytes.CutPrefix(k, []byte(key)); ok {
				v, line = yamlScalar(string(val)), n
			}
		}
		if line != 0 {
			break
		}
	}
	if err := p.checkVersion(v, line); err != nil {
		return nil, "", err
	}
	if n := secondDocument(p.in); n > 0 {
		// The YAML reader would read the first document only.
		return nil, "", p.fail(ErrInvalid, n, -1, "", "a second YAML document: an SPDX file holds one")
	}
	var doc *tgspdx.Document
	err := p.guard(func() (err error) { doc, err = spdxyaml.Read(bytes.NewReader(p.in)); return err })
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, "", e
		}
		s := err.Error()
		if strings.HasPrefix(s, "error converting YAML to JSON") {
			n := 0
			if m := yamlLine.FindStringSubmatch(s); m != nil {
				n, _ = strconv.Atoi(m[1])
			} else if strings.Contains(s, "excessive aliasing") {
				// The YAML reader does not say where: name the first
				// alias.
				if loc := yamlAlias.FindIndex(p.in); loc != nil {
					n = lineAt(p.in, int64(loc[1]-1))
				}
			}
			return nil, "", p.fail(ErrSyntax, n, -1, "", "%v", err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, "", p.fail(ErrInvalid, 0, -1, te.Field, "%v", err)
		}
		return nil, "", p.fail(ErrInvalid, 0, -1, "", "%v", err)
	}
	return doc, v, nil
}

// yamlAlias finds a YAML alias ("*name" where a value starts).
var yamlAlias = regexp.MustCompile(`(?m)(?:^|[\s\[{,])\*[^\s,\]}]`)

// secondDocument returns the line of the first content of a second YAML
// document in b, or 0 when b holds one document (and empty ones). A
// document marker ("---", or "..." ending one) starts at column 0, where
// no scalar of the document before can continue.
func secondDocument(b []byte) int {
	seen, ended := false, false
	n := 0
	for raw := range bytes.Lines(b) {
		n++
		line := bytes.TrimRight(raw, "\r\n")
		if bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")) {
			rest := line[3:]
			if len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' {
				ended = ended || seen
				line = rest
			}
		}
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		if ended {
			return n
		}
		seen = true
	}
	return 0
}

// yamlScalar returns a plain or quoted YAML scalar without quotes and
// trailing comment.
func yamlScalar(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') {
		if i := strings.IndexByte(s[1:], s[0]); i >= 0 {
			return s[1 : i+1]
		}
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// parseTagValue checks the lines as the tools-golang tag-value reader
// splits them, so that syntax errors get a line number, then parses.
func (p *parser) parseTagValue() (*tgspdx.Document, string, error) {
	v, vline := "", 0
	midtext, textLine := false, 0
	n := 0
	for raw := range bytes.Lines(p.in) {
		n++
		line := bytes.TrimRight(raw, "\n")
		if len(line) > maxTagValueLine {
			return nil, "", p.fail(ErrLimit, n, -1, "", "line longer than %d bytes", maxTagValueLine)
		}
		if midtext {
			if bytes.Contains(line, []byte("</text>")) {
				midtext = false
			}
			continue
		}
		l := bytes.TrimLeftFunc(line, unicode.IsSpace)
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		tag, value, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			return nil, "", p.fail(ErrSyntax, n, -1, "", "no colon in %q", truncate(string(line), 80))
		}
		if _, after, ok := bytes.Cut(value, []byte("<text>")); ok && !bytes.Contains(after, []byte("</text>")) {
			midtext, textLine = true, n
			continue
		}
		if vline == 0 && string(bytes.TrimSpace(tag)) == "SPDXVersion" {
			v, vline = string(bytes.TrimSpace(value)), n
		}
	}
	if midtext {
		return nil, "", p.fail(ErrSyntax, textLine, -1, "", "<text> without </text>")
	}
	if err := p.checkVersion(v, vline); err != nil {
		return nil, "", err
	}
	var doc *tgspdx.Document
	err := p.guard(func() (err error) { doc, err = tagvalue.Read(bytes.NewReader(p.in)); return err })
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, "", e
		}
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, "", p.fail(ErrLimit, 0, -1, "", "%v", err)
		}
		return nil, "", p.fail(ErrInvalid, 0, -1, "", "%v", err)
	}
	return doc, v, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
