// Package load reads any inventory source aspm knows into a graph,
// recognizing the format by content: CycloneDX (JSON or XML), SPDX (JSON,
// YAML or tag-value), an aspm catalog (YAML or JSON), Kubernetes manifests
// (YAML or JSON), and aspm's own graph JSON. It imports every importer, so
// that programs which need only one can import that one alone.
package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"

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

// ErrUnknownFormat reports an input in none of the formats.
var ErrUnknownFormat = errors.New("inventory: unknown source format")

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

// Read detects the format of r and imports it into g. The input is read
// whole (up to limits.MaxDocumentBytes), as every importer does.
func Read(r io.Reader, g *inventory.Graph, opts Options) (Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxDocumentBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("inventory: %s: %w", opts.Name, err)
	}
	if int64(len(data)) > limits.MaxDocumentBytes {
		return Result{}, fmt.Errorf("inventory: %s: larger than %d bytes", opts.Name, int64(limits.MaxDocumentBytes))
	}
	format := opts.Format
	if format == "" {
		format = Detect(data[:min(len(data), limits.SniffBytes)])
	}
	res := Result{Format: format}
	br := bytes.NewReader(data)
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
		other := inventory.New()
		if err := other.UnmarshalJSON(data); err != nil {
			return res, fmt.Errorf("inventory: %s: %w", opts.Name, err)
		}
		res.Assets, res.Edges = other.Len(), other.EdgeCount()
		return res, g.Merge(other)
	case "":
		return res, fmt.Errorf("%w: %s: not CycloneDX, SPDX, an aspm catalog, Kubernetes manifests or an aspm graph", ErrUnknownFormat, opts.Name)
	}
	return res, fmt.Errorf("%w: %q", ErrUnknownFormat, format)
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
