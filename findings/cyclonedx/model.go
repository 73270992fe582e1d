package cyclonedx

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/aspmkit/aspm/findings"
)

// document is what the decoder needs from a BOM, whichever syntax and
// version it was read from.
type document struct {
	serial    string
	timestamp string
	author    string
	tools     []findings.Tool
	// subject is metadata.component: what the BOM describes.
	subject *component
	// hasComponents is true when the BOM has components of its own
	// (a non-empty top-level components list).
	hasComponents bool
	// index maps bom-refs to components (top-level, nested and
	// metadata.component).
	index map[string]*component
	vulns []*vuln
}

// component is the part of a CycloneDX component that a finding's package
// is built from.
type component struct {
	ref, typ, name, group, version, purl, scope string
	licenses                                    []string
	// pos is the component's position in document order (XML scan only),
	// for error paths.
	pos int
}

type rating struct {
	sourceName, sourceURL string
	score                 *float64
	severity              string
	method                string
	vector                string
	justification         string
}

type affectedVersion struct {
	version, rng, status string
}

type affect struct {
	ref      string
	versions []affectedVersion
	// comp is set for the extension's vulnerabilities, which sit inside
	// the component they affect.
	comp *component
}

type analysis struct {
	state, justification, detail string
	responses                    []string
	firstIssued, lastUpdated     string
}

type property struct{ name, value string }

// vuln is one vulnerability record, native (1.4+) or from the 1.0
// vulnerability extension.
type vuln struct {
	path                                string
	bomRef, id                          string
	sourceName, sourceURL               string
	aliases, aliasURLs                  []string
	ratings                             []rating
	cwes                                []string
	description, detail                 string
	recommendation, workaround          string
	advisories                          []string
	created, published, updated, reject string
	tools                               []findings.Tool
	analysis                            *analysis
	affects                             []affect
	properties                          []property
	// ext marks a vulnerability of the 1.0 XML extension; extRef is its
	// ref attribute.
	ext    bool
	extRef string
}

// fromBOM converts a BOM decoded by cyclonedx-go.
func fromBOM(bom *cdx.BOM) *document {
	d := &document{serial: bom.SerialNumber, index: map[string]*component{}}
	if m := bom.Metadata; m != nil {
		d.timestamp = m.Timestamp
		d.tools = toolsOf(m.Tools)
		d.author = metadataAuthor(m)
		if m.Component != nil {
			d.subject = d.addComponent(m.Component)
		}
	}
	if bom.Components != nil && len(*bom.Components) > 0 {
		d.hasComponents = true
		for i := range *bom.Components {
			d.addComponent(&(*bom.Components)[i])
		}
	}
	if bom.Vulnerabilities != nil {
		for i := range *bom.Vulnerabilities {
			d.vulns = append(d.vulns, vulnOf(&(*bom.Vulnerabilities)[i], "vulnerabilities["+itoa(i)+"]"))
		}
	}
	return d
}

// addComponent indexes c and its nested components, and returns c's
// summary.
func (d *document) addComponent(c *cdx.Component) *component {
	k := &component{
		ref: c.BOMRef, typ: string(c.Type), name: c.Name, group: c.Group,
		version: c.Version, purl: c.PackageURL, scope: string(c.Scope),
	}
	if c.Licenses != nil {
		for _, l := range *c.Licenses {
			switch {
			case l.Expression != "":
				k.licenses = append(k.licenses, l.Expression)
			case l.License != nil && l.License.ID != "":
				k.licenses = append(k.licenses, l.License.ID)
			case l.License != nil && l.License.Name != "":
				k.licenses = append(k.licenses, l.License.Name)
			}
		}
	}
	if k.ref != "" {
		if _, dup := d.index[k.ref]; !dup {
			d.index[k.ref] = k
		}
	}
	if c.Components != nil {
		for i := range *c.Components {
			d.addComponent(&(*c.Components)[i])
		}
	}
	return k
}

func metadataAuthor(m *cdx.Metadata) string {
	if m.Authors != nil {
		var names []string
		for _, a := range *m.Authors {
			if a.Name != "" {
				names = append(names, a.Name)
			} else if a.Email != "" {
				names = append(names, a.Email)
			}
		}
		if len(names) > 0 {
			return strings.Join(names, ", ")
		}
	}
	for _, e := range []*cdx.OrganizationalEntity{m.Manufacturer, m.Manufacture, m.Supplier} {
		if e != nil && e.Name != "" {
			return e.Name
		}
	}
	return ""
}

// toolsOf lists the tools of either form of a tools element: the legacy
// array of tools, or the 1.5+ object of components and services.
func toolsOf(tc *cdx.ToolsChoice) []findings.Tool {
	if tc == nil {
		return nil
	}
	var out []findings.Tool
	if tc.Tools != nil {
		for _, t := range *tc.Tools {
			out = append(out, findings.Tool{Name: t.Name, Version: t.Version, Vendor: t.Vendor})
		}
	}
	if tc.Components != nil {
		for _, c := range *tc.Components {
			t := findings.Tool{Name: c.Name, Version: c.Version}
			switch {
			case c.Manufacturer != nil && c.Manufacturer.Name != "":
				t.Vendor = c.Manufacturer.Name
			case c.Supplier != nil && c.Supplier.Name != "":
				t.Vendor = c.Supplier.Name
			case c.Publisher != "":
				t.Vendor = c.Publisher
			case c.Author != "":
				t.Vendor = c.Author
			case c.Group != "":
				t.Vendor = c.Group
			}
			out = append(out, t)
		}
	}
	if tc.Services != nil {
		for _, s := range *tc.Services {
			t := findings.Tool{Name: s.Name, Version: s.Version}
			switch {
			case s.Provider != nil && s.Provider.Name != "":
				t.Vendor = s.Provider.Name
			case s.Group != "":
				t.Vendor = s.Group
			}
			out = append(out, t)
		}
	}
	return out
}

func vulnOf(v *cdx.Vulnerability, path string) *vuln {
	out := &vuln{
		path: path, bomRef: v.BOMRef, id: v.ID,
		description: v.Description, detail: v.Detail,
		recommendation: v.Recommendation, workaround: v.Workaround,
		created: v.Created, published: v.Published, updated: v.Updated, reject: v.Rejected,
		tools: toolsOf(v.Tools),
	}
	if v.Source != nil {
		out.sourceName, out.sourceURL = v.Source.Name, v.Source.URL
	}
	if v.References != nil {
		for _, r := range *v.References {
			out.aliases = append(out.aliases, r.ID)
			if r.Source != nil {
				out.aliasURLs = append(out.aliasURLs, r.Source.URL)
			}
		}
	}
	if v.Ratings != nil {
		for _, r := range *v.Ratings {
			k := rating{score: r.Score, severity: string(r.Severity), method: string(r.Method), vector: r.Vector, justification: r.Justification}
			if r.Source != nil {
				k.sourceName, k.sourceURL = r.Source.Name, r.Source.URL
			}
			out.ratings = append(out.ratings, k)
		}
	}
	if v.CWEs != nil {
		for _, c := range *v.CWEs {
			out.cwes = append(out.cwes, itoa(c))
		}
	}
	if v.Advisories != nil {
		for _, a := range *v.Advisories {
			out.advisories = append(out.advisories, a.URL)
		}
	}
	if a := v.Analysis; a != nil {
		k := &analysis{
			state: string(a.State), justification: string(a.Justification), detail: a.Detail,
			firstIssued: a.FirstIssued, lastUpdated: a.LastUpdated,
		}
		if a.Response != nil {
			for _, r := range *a.Response {
				k.responses = append(k.responses, string(r))
			}
		}
		out.analysis = k
	}
	if v.Affects != nil {
		for _, a := range *v.Affects {
			k := affect{ref: a.Ref}
			if a.Range != nil {
				for _, r := range *a.Range {
					k.versions = append(k.versions, affectedVersion{version: r.Version, rng: r.Range, status: string(r.Status)})
				}
			}
			out.affects = append(out.affects, k)
		}
	}
	if v.Properties != nil {
		for _, p := range *v.Properties {
			out.properties = append(out.properties, property{p.Name, p.Value})
		}
	}
	return out
}
