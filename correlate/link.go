package correlate

import (
	"slices"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// LinkOptions tells [Link] what a scan's findings belong to.
type LinkOptions struct {
	// Repository is the repository the scanned files come from (a URL or a
	// repository asset ID); file paths link to it.
	Repository string
	// Image is the container image that was scanned (a reference or an
	// image asset ID), for scanners that do not name it in every finding.
	Image string
}

// Link returns the IDs of the assets of g a finding is about, sorted:
//
//   - its package: the component of the same purl (qualifiers ignored),
//     else the component named name@version;
//   - its image: the image asset of its Location.Image, or of
//     opts.Image;
//   - its file: the repository of opts.Repository, when the finding has a
//     path;
//   - its URL (DAST): the endpoint asset of that URL.
//
// Assets the graph does not hold are left out.
func Link(f *findings.Finding, g *inventory.Graph, opts LinkOptions) []string {
	var out []string
	has := func(id string) bool {
		_, ok := g.Asset(id)
		return ok
	}
	add := func(id string) {
		if id != "" && has(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if p := f.Package; p != nil {
		linked := false
		if p.PURL != "" {
			if id, err := inventory.ComponentID(p.PURL); err == nil && has(id) {
				add(id)
				linked = true
			}
		}
		if !linked && p.Name != "" && p.Version != "" {
			add(inventory.ID(inventory.KindComponent, p.Name+"@"+p.Version))
		}
	}
	for _, ref := range []string{f.Location.Image, opts.Image} {
		if ref == "" {
			continue
		}
		if has(ref) {
			add(ref)
		} else if id, err := inventory.ImageID(ref, ""); err == nil {
			add(id)
		}
	}
	if opts.Repository != "" && (f.Location.Path != "" || f.Kind == findings.KindSecret || f.Kind == findings.KindSAST) {
		if has(opts.Repository) {
			add(opts.Repository)
		} else if id, err := inventory.RepositoryID(opts.Repository); err == nil {
			add(id)
		}
	}
	if u := f.Location.URL; u != "" {
		add(inventory.ID(inventory.KindEndpoint, u))
		if ep, err := inventory.EndpointURL(u); err == nil {
			// The canonical form the catalog and Kubernetes importers use.
			add(inventory.ID(inventory.KindEndpoint, ep))
		}
	}
	slices.Sort(out)
	return out
}

// AssetContext returns what risk needs to know of the assets a finding is
// about: for each linked asset, [inventory.Graph.RiskAsset], keeping the
// most exposed exposure, the highest criticality and data sensitivity, and
// the most production-like environment. A finding linked to nothing gets
// the zero (unknown) context.
func AssetContext(f *findings.Finding, g *inventory.Graph, opts LinkOptions) risk.Asset {
	var out risk.Asset
	for _, id := range Link(f, g, opts) {
		a, err := g.RiskAsset(id)
		if err != nil {
			continue
		}
		out.Exposure = higher(out.Exposure, a.Exposure)
		out.Criticality = higher(out.Criticality, a.Criticality)
		out.DataSensitivity = higher(out.DataSensitivity, a.DataSensitivity)
		out.Environment = higher(out.Environment, a.Environment)
	}
	return out
}

// higher returns whichever of a and b ranks higher, a on a tie.
func higher[T interface{ Rank() int }](a, b T) T {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}
