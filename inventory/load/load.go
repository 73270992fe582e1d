// Package load reads any inventory source aspm knows into a graph,
// recognizing the format by content: CycloneDX (JSON or XML), SPDX (JSON,
// YAML or tag-value), an aspm catalog (YAML or JSON), Kubernetes manifests
// (YAML or JSON), and aspm's own graph JSON. It imports every importer, so
// that programs which need only one can import that one alone.
//
// # Hostile input
//
// The format is recognized from the first limits.SniffBytes (64 KiB): an
// input in no format is [ErrUnknownFormat] without being read further.
// The rest is the importer's, with its limits (see each package). Graph
// JSON is read whole, up to limits.MaxDocumentBytes, with strings held to
// limits.MaxStringBytes and nesting to limits.MaxDepth as it is read
// ([ErrLimit], with line, column and byte); a graph that does not decode
// is [ErrSyntax] with the byte and field. In graph JSON, a key given twice
// keeps its last value and invalid UTF-8 becomes U+FFFD, as with
// encoding/json.
package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/aspmkit/aspm/internal/docguard"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/catalog"
	"github.com/aspmkit/aspm/inventory/cyclonedx"
	"github.com/aspmkit/aspm/inventory/k8s"
	"github.com/aspmkit/aspm/inventory/spdx"
)

// Format names an inventory source format.
type Format string

// The formats.
const (
	FormatCycloneDX  Format = "cyclonedx"
	FormatSPDX       Format = "spdx"
	FormatCatalog    Format = "catalog"
	FormatKubernetes Format = "kubernetes"
	FormatGraph      Format = "graph" // aspm's {"assets": [...], "edges": [...]}
)

// Errors of [Read] besides the importers' own; test them with [errors.Is].
var (
	// ErrUnknownFormat reports an input in none of the formats.
	ErrUnknownFormat = errors.New("inventory: unknown source format")
	// ErrSyntax reports graph JSON that does not decode.
	ErrSyntax = errors.New("inventory: syntax error")
	// ErrLimit reports graph JSON beyond a limit: larger than
	// limits.MaxDocumentBytes, a string longer than
	// limits.MaxStringBytes, nesting deeper than limits.MaxDepth.
	ErrLimit = errors.New("inventory: limit exceeded")
)

// Result says what one source added.
type Result struct {
	// Format is the format recognized.
	Format Format
	// Root is the ID of the source's subject (an SBOM's metadata component,
	// a catalog's single application), when it has one.
	Root string
	// Assets and Edges count what the source described.
	Assets, Edges int
}

var (
	reCycloneDXJSON = regexp.MustCompile(`"bomFormat"\s*:\s*"CycloneDX"`)
	reCycloneDXXML  = regexp.MustCompile(`<(?:[A-Za-z0-9_]+:)?bom[\s>]`)
	reSPDXJSON      = regexp.MustCompile(`"spdxVersion"\s*:`)
	reSPDXYAML      = regexp.MustCompile(`(?m)^spdxVersion\s*:`)
	reSPDXTag       = regexp.MustCompile(`(?m)^SPDXVersion\s*:`)
	reCatalog       = regexp.MustCompile(`(?m)(^apiVersion\s*:\s*["']?aspm/v1|"apiVersion"\s*:\s*"aspm/v1")`)
	reKubernetes    = regexp.MustCompile(`(?m)(^apiVersion\s*:|"apiVersion"\s*:)`)
	reGraph         = regexp.MustCompile(`^\s*\{\s*"assets"\s*:`)
)

// Detect names the format of an input from its first bytes (64 KiB are
// enough), or returns "" when it recognizes none.
func Detect(head []byte) Format {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case reGraph.Match(head):
		return FormatGraph
	case reCycloneDXJSON.Match(head), reCycloneDXXML.Match(head):
		return FormatCycloneDX
	case reSPDXJSON.Match(head), reSPDXYAML.Match(head), reSPDXTag.Match(head):
		return FormatSPDX
	case reCatalog.Match(head):
		return FormatCatalog
	case reKubernetes.Match(head):
		return FormatKubernetes
	}
	return ""
}

// Options configures [Read].
type Options struct {
	// Name names the input in errors and in the assets' Sources.
	Name string
	// Format skips detection when set.
	Format Format
}

// Read detects the format of r from its first [limits.SniffBytes] and
// imports it into g with that format's importer, which reads the input
// whole under its own limits (see each importer's documentation); the
// graph JSON is read whole up to limits.MaxDocumentBytes, its strings and
// nesting bounded as the importers bound JSON. An input in none of the
// formats is rejected after its first bytes, not read to its end.
//
// Errors are the importer's own (wrapping its sentinels), or name the
// file and wrap [ErrUnknownFormat], [ErrSyntax] or [ErrLimit].
func Read(r io.Reader, g *inventory.Graph, opts Options) (Result, error) {
	head, err := io.ReadAll(io.LimitReader(r, limits.SniffBytes))
	if err != nil {
		return Result{}, fmt.Errorf("inventory: %s: %w", opts.Name, err)
	}
	format := opts.Format
	if format == "" {
		format = Detect(head)
	}
	res := Result{Format: format}
	br := io.MultiReader(bytes.NewReader(head), r)
	switch format {
	case FormatCycloneDX:
		r, err := cyclonedx.Read(br, g, cyclonedx.Options{Name: opts.Name, AllowInvalidPURLs: true})
		res.Root, res.Assets, res.Edges = r.Root, r.Assets, r.Edges
		return res, err
	case FormatSPDX:
		r, err := spdx.Read(br, g, spdx.Options{Name: opts.Name})
		res.Root, res.Assets, res.Edges = r.Root, r.Assets, r.Edges
		return res, err
	case FormatCatalog:
		r, err := catalog.Read(br, g, catalog.Options{Name: opts.Name})
		res.Root, res.Assets, res.Edges = r.Root, r.Assets, r.Edges
		return res, err
	case FormatKubernetes:
		r, err := k8s.Read(br, g, k8s.Options{Name: opts.Name})
		res.Assets, res.Edges = r.Assets, r.Edges
		return res, err
	case FormatGraph:
		return readGraph(br, g, opts.Name, res)
	case "":
		return res, fmt.Errorf("%w: %s: not CycloneDX, SPDX, an aspm catalog, Kubernetes manifests or an aspm graph", ErrUnknownFormat, opts.Name)
	}
	return res, fmt.Errorf("%w: %q", ErrUnknownFormat, format)
}

// readGraph reads aspm's graph JSON.
func readGraph(r io.Reader, g *inventory.Graph, name string, res Result) (Result, error) {
	data, err := docguard.ReadAll(r, docguard.Options{})
	var le *docguard.LimitError
	switch {
	case errors.As(err, &le):
		return res, fmt.Errorf("%w: %s: %s: %s", ErrLimit, name, le.Where(), le)
	case err != nil:
		return res, fmt.Errorf("inventory: %s: %w", name, err)
	}
	other := inventory.New()
	if err := other.UnmarshalJSON(data); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off := se.Offset
			if off > 0 && !strings.Contains(se.Error(), "unexpected end") {
				off-- // encoding/json counts the offending byte as read
			}
			return res, fmt.Errorf("%w: %s: byte %d: %w", ErrSyntax, name, off, err)
		case errors.As(err, &te):
			return res, fmt.Errorf("%w: %s: byte %d: %s: %w", ErrSyntax, name, te.Offset, te.Field, err)
		}
		return res, fmt.Errorf("%w: %s: %w", ErrSyntax, name, err)
	}
	res.Assets, res.Edges = other.Len(), other.EdgeCount()
	return res, g.Merge(other)
}

// File reads the file at path into g; see [Read].
func File(path string, g *inventory.Graph) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	return Read(f, g, Options{Name: path})
}
