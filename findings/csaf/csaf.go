package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "csaf"

// statusOrder lists the CSAF product_status groups in the order statements
// are emitted (the order of the CSAF JSON schema), each with the VEX status
// it maps to. "recommended" is not a VEX status: its products are skipped.
var statusOrder = []statusName{
	{"first_affected", findings.VEXAffected},
	{"first_fixed", findings.VEXFixed},
	{"fixed", findings.VEXFixed},
	{"known_affected", findings.VEXAffected},
	{"known_not_affected", findings.VEXNotAffected},
	{"last_affected", findings.VEXAffected},
	{"recommended", ""},
	{"under_investigation", findings.VEXUnderInvestigation},
}

// statusName pairs a CSAF product_status name with its VEX status.
type statusName struct {
	name   string
	status findings.VEXStatus
}

// maxRelationshipDepth bounds how many relationships deep a product
// reference is followed (a relationship may refer to another
// relationship's product); it also stops cycles.
const maxRelationshipDepth = 32

type csafDocument struct {
	Document struct {
		CSAFVersion string `json:"csaf_version"`
		Publisher   struct {
			Name string `json:"name"`
		} `json:"publisher"`
		Tracking struct {
			ID                 string `json:"id"`
			CurrentReleaseDate string `json:"current_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree     productTree     `json:"product_tree"`
	Vulnerabilities []vulnerability `json:"vulnerabilities"`
}

type productTree struct {
	Branches         []branch       `json:"branches"`
	FullProductNames []productName  `json:"full_product_names"`
	Relationships    []relationship `json:"relationships"`
	ProductGroups    []productGroup `json:"product_groups"`
}

type branch struct {
	Branches []branch    `json:"branches"`
	Product  productName `json:"product"`
}

type productName struct {
	ProductID string `json:"product_id"`
	Helper    struct {
		CPE   string   `json:"cpe"`
		PURL  string   `json:"purl"`
		PURLs []string `json:"purls"` // CSAF 2.1
	} `json:"product_identification_helper"`
}

// purl returns the product's package URL (CSAF 2.0 purl, else the first
// CSAF 2.1 purls entry), or "".
func (p *productName) purl() string {
	if s := strings.TrimSpace(p.Helper.PURL); s != "" {
		return s
	}
	for _, s := range p.Helper.PURLs {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

type relationship struct {
	FullProductName  productName `json:"full_product_name"`
	ProductReference string      `json:"product_reference"`
}

type productGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
}

type vulnerability struct {
	CVE string `json:"cve"`
	IDs []struct {
		Text string `json:"text"`
	} `json:"ids"`
	ProductStatus map[string][]string `json:"product_status"`
	Flags         []productRefs       `json:"flags"`
	Threats       []productRefs       `json:"threats"`
	Remediations  []productRefs       `json:"remediations"`
}

// productRefs is the shape shared by flags, threats and remediations: a
// few words about a set of products.
type productRefs struct {
	Label      string   `json:"label"`    // flags
	Category   string   `json:"category"` // threats, remediations
	Details    string   `json:"details"`  // threats, remediations
	URL        string   `json:"url"`      // remediations
	ProductIDs []string `json:"product_ids"`
	GroupIDs   []string `json:"group_ids"`
}

// Decode reads one CSAF 2.0 (or 2.1) document from r — a VEX document or a
// security advisory — and hands its product statuses, as
// [findings.VEXStatement]s, to h in document order (see the package
// documentation for the grouping). It emits no findings. The document is
// read whole, bounded by [findings.Limits].MaxDocumentBytes, because the
// product tree that resolves product IDs may come after the
// vulnerabilities. A document without vulnerabilities gives nil and
// nothing. Bad input gives a [*findings.DecodeError]; an error returned by
// h is returned unchanged.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	lim := opts.Limits.WithDefaults()
	g := jsonstream.NewReader(&capReader{r: r, left: lim.MaxDocumentBytes, max: lim.MaxDocumentBytes}, opts.Limits)
	dec := json.NewDecoder(g)
	fail := func(err error, path string) error {
		err = jsonstream.Error(err, g, dec, opts.Name, Format, path)
		var de *findings.DecodeError
		var le *findings.LimitError
		if errors.As(err, &de) && errors.As(err, &le) && le.Limit == "MaxDocumentBytes" {
			de.Offset = le.Max
		}
		return err
	}
	errorf := func(sentinel error, offset int64, path, format string, args ...any) error {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: offset, Path: path,
			Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
	}

	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) { // only white space (truncation is io.ErrUnexpectedEOF)
			return errorf(findings.ErrSyntax, g.Offset(), "", "empty input")
		}
		return fail(err, "")
	}
	start := dec.InputOffset() - int64(len(raw))
	if tok, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return fail(err, "")
		}
		return errorf(findings.ErrSyntax, dec.InputOffset()+g.BOMLen(), "", "unexpected %s after the document", jsonstream.Describe(tok))
	}
	if raw[0] != '{' {
		return errorf(findings.ErrUnsupportedFormat, start+g.BOMLen(), "", "not a CSAF document: the top-level value is not an object")
	}

	// Is it CSAF, and a version this decoder reads?
	var probe struct {
		Document json.RawMessage `json:"document"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return fail(shift(err, start), "")
	}
	if d := bytes.TrimSpace(probe.Document); len(d) == 0 || d[0] != '{' {
		return errorf(findings.ErrUnsupportedFormat, -1, "document", "not a CSAF document: no document object")
	}
	var version struct {
		CSAFVersion json.RawMessage `json:"csaf_version"`
	}
	if err := json.Unmarshal(probe.Document, &version); err != nil {
		return errorf(findings.ErrUnsupportedFormat, -1, "document", "not a CSAF document: %v", err)
	}
	if len(version.CSAFVersion) == 0 || bytes.Equal(version.CSAFVersion, []byte("null")) {
		return errorf(findings.ErrUnsupportedFormat, -1, "document.csaf_version", "not a CSAF document: no document.csaf_version")
	}
	var v string
	if err := json.Unmarshal(version.CSAFVersion, &v); err != nil {
		return errorf(findings.ErrInvalid, -1, "document.csaf_version", "csaf_version must be a string, found %s", version.CSAFVersion)
	}
	if v != "2.0" && v != "2.1" {
		return errorf(findings.ErrUnsupportedFormat, -1, "document.csaf_version", "CSAF version %q is not supported (2.0 and 2.1 are)", v)
	}

	var doc csafDocument
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fail(shift(err, start), "")
	}
	raw = nil

	res := newResolver(&doc.ProductTree)
	var out []findings.VEXStatement
	for i := range doc.Vulnerabilities {
		stmts, err := res.statements(&doc, &doc.Vulnerabilities[i])
		if err != nil {
			return errorf(findings.ErrInvalid, -1, "vulnerabilities["+strconv.Itoa(i)+"]", "%s", err.Error())
		}
		out = append(out, stmts...)
	}
	em := findings.NewEmitter(h, opts, Format)
	for _, s := range out {
		if err := em.VEX(s); err != nil {
			return err
		}
	}
	return nil
}

// resolver turns product IDs into identifiers and expands product groups.
type resolver struct {
	products map[string]*productName  // from branches and full_product_names
	rels     map[string]*relationship // by full_product_name.product_id
	groups   map[string][]string
}

func newResolver(pt *productTree) *resolver {
	r := &resolver{products: map[string]*productName{}, rels: map[string]*relationship{}, groups: map[string][]string{}}
	var walk func([]branch)
	walk = func(bs []branch) {
		for i := range bs {
			r.addProduct(&bs[i].Product)
			walk(bs[i].Branches)
		}
	}
	walk(pt.Branches)
	for i := range pt.FullProductNames {
		r.addProduct(&pt.FullProductNames[i])
	}
	for i := range pt.Relationships {
		rel := &pt.Relationships[i]
		if id := rel.FullProductName.ProductID; id != "" {
			if _, ok := r.rels[id]; !ok {
				r.rels[id] = rel
			}
		}
	}
	for _, pg := range pt.ProductGroups {
		if pg.GroupID != "" {
			r.groups[pg.GroupID] = append(r.groups[pg.GroupID], pg.ProductIDs...)
		}
	}
	return r
}

// addProduct records p under its product ID; the first definition wins.
func (r *resolver) addProduct(p *productName) {
	if p.ProductID == "" {
		return
	}
	if _, ok := r.products[p.ProductID]; !ok {
		r.products[p.ProductID] = p
	}
}

// identify returns the identifier of a product: its purl, else its cpe,
// else the product ID itself. A product defined by a relationship ("X as a
// component of Y") takes its own identification helper first, then the
// purl or cpe of the component X.
func (r *resolver) identify(id string) string {
	purl, cpe := r.resolve(id, 0)
	switch {
	case purl != "":
		return purl
	case cpe != "":
		return cpe
	}
	return id
}

func (r *resolver) resolve(id string, depth int) (purl, cpe string) {
	if p, ok := r.products[id]; ok {
		return p.purl(), strings.TrimSpace(p.Helper.CPE)
	}
	rel, ok := r.rels[id]
	if !ok || depth >= maxRelationshipDepth {
		return "", ""
	}
	purl, cpe = rel.FullProductName.purl(), strings.TrimSpace(rel.FullProductName.Helper.CPE)
	if purl == "" || cpe == "" {
		xp, xc := r.resolve(rel.ProductReference, depth+1)
		if purl == "" {
			purl = xp
		}
		if cpe == "" {
			cpe = xc
		}
	}
	return purl, cpe
}

// appliesTo reports whether a flag, threat or remediation concerns the
// product: it names the product or a group holding it, or names no
// product and no group at all (then it concerns every product of the
// vulnerability).
func (r *resolver) appliesTo(pr *productRefs, id string) bool {
	if len(pr.ProductIDs) == 0 && len(pr.GroupIDs) == 0 {
		return true
	}
	if slices.Contains(pr.ProductIDs, id) {
		return true
	}
	for _, g := range pr.GroupIDs {
		if slices.Contains(r.groups[g], id) {
			return true
		}
	}
	return false
}

// groupKey is what the products of one statement share.
type groupKey struct {
	justification, impact, action string
}

func (a groupKey) compare(b groupKey) int {
	if c := strings.Compare(a.justification, b.justification); c != 0 {
		return c
	}
	if c := strings.Compare(a.impact, b.impact); c != 0 {
		return c
	}
	return strings.Compare(a.action, b.action)
}

// statements builds the statements of one vulnerability: per product
// status (in statusOrder), one per group of products sharing a flag label,
// impact text and (for affected products) action text, groups sorted by
// that key.
func (r *resolver) statements(doc *csafDocument, v *vulnerability) ([]findings.VEXStatement, error) {
	for name := range v.ProductStatus {
		if !slices.ContainsFunc(statusOrder, func(s statusName) bool { return s.name == name }) {
			return nil, fmt.Errorf("product_status: unknown status %q", name)
		}
	}
	var out []findings.VEXStatement
	for _, so := range statusOrder {
		ids := v.ProductStatus[so.name]
		if so.status == "" || len(ids) == 0 {
			continue
		}
		primary, aliases, err := vulnID(v)
		if err != nil {
			return nil, err
		}
		groups := map[groupKey][]string{}
		for _, id := range ids {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			k := groupKey{
				justification: r.flag(v, id),
				impact:        r.impact(v, id),
			}
			if so.status == findings.VEXAffected {
				k.action = r.action(v, id)
			}
			p := r.identify(id)
			if !slices.Contains(groups[k], p) {
				groups[k] = append(groups[k], p)
			}
		}
		keys := make([]groupKey, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, groupKey.compare)
		for _, k := range keys {
			s := findings.VEXStatement{
				VulnerabilityID: primary,
				Aliases:         slices.Clone(aliases),
				Products:        groups[k],
				VEXAnalysis: findings.VEXAnalysis{
					Status:          so.status,
					Justification:   k.justification,
					ImpactStatement: k.impact,
					ActionStatement: k.action,
				},
				Timestamp: strings.TrimSpace(doc.Document.Tracking.CurrentReleaseDate),
				Document:  strings.TrimSpace(doc.Document.Tracking.ID),
				Author:    strings.TrimSpace(doc.Document.Publisher.Name),
			}
			if so.name != string(so.status) {
				s.State = so.name
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// vulnID returns the vulnerability's CVE (else its first ids[] text) and
// the texts of its ids[] as aliases.
func vulnID(v *vulnerability) (string, []string, error) {
	var aliases []string
	for _, id := range v.IDs {
		if t := strings.TrimSpace(id.Text); t != "" {
			aliases = append(aliases, t)
		}
	}
	if cve := strings.TrimSpace(v.CVE); cve != "" {
		return cve, aliases, nil
	}
	if len(aliases) > 0 {
		return aliases[0], aliases[1:], nil
	}
	return "", nil, errors.New("vulnerability has product statuses but neither a cve nor ids")
}

// flag returns the label of the first flag concerning the product.
func (r *resolver) flag(v *vulnerability, id string) string {
	for i := range v.Flags {
		if l := strings.TrimSpace(v.Flags[i].Label); l != "" && r.appliesTo(&v.Flags[i], id) {
			return l
		}
	}
	return ""
}

// impact joins, one a line, the details of every threat of category
// impact concerning the product.
func (r *resolver) impact(v *vulnerability, id string) string {
	var parts []string
	for i := range v.Threats {
		t := &v.Threats[i]
		if t.Category == "impact" && strings.TrimSpace(t.Details) != "" && r.appliesTo(t, id) {
			parts = append(parts, strings.TrimSpace(t.Details))
		}
	}
	return strings.Join(parts, "\n")
}

// action joins, one a line, the remediations concerning the product, each
// as "<category>: <details>" followed by " (<url>)" when it has a URL.
func (r *resolver) action(v *vulnerability, id string) string {
	var parts []string
	for i := range v.Remediations {
		rm := &v.Remediations[i]
		if !r.appliesTo(rm, id) {
			continue
		}
		s := strings.TrimSpace(rm.Category) + ": " + strings.TrimSpace(rm.Details)
		if u := strings.TrimSpace(rm.URL); u != "" {
			s += " (" + u + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// shift makes a type error's offset, relative to a value that started at
// start, absolute.
func shift(err error, start int64) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		typ.Offset += start
	}
	return err
}

// capReader fails with a *findings.LimitError once more than max bytes
// come from r.
type capReader struct {
	r    io.Reader
	left int64
	max  int64
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.left <= 0 {
		var one [1]byte
		n, err := io.ReadFull(c.r, one[:])
		if n > 0 {
			c.err = &findings.LimitError{Limit: "MaxDocumentBytes", Max: c.max}
			return 0, c.err
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
