package spdx

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"
	tgspdx "github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/docguard"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
)

// Options configures [Read]. Options is valid at its zero value. It is a
// plain value: it is safe to share between goroutines.
type Options struct {
	// Name names the input in errors and in the Sources of the assets the
	// document describes (usually the file name). May be empty.
	Name string
	// MaxBytes bounds the size of the input, which is read whole before it
	// is parsed; 0 means limits.MaxDocumentBytes (1 GiB). An input of
	// exactly MaxBytes is read; one byte more fails with [ErrLimit].
	MaxBytes int64
	// Strict makes a package URL that does not parse an error
	// ([ErrInvalid]) instead of a warning in [Result.Warnings].
	Strict bool
}

// Result summarizes what [Read] took from a document. It is a plain value:
// it is safe to read from several goroutines.
type Result struct {
	// Root is the ID of the asset the document describes: the first
	// package of a DESCRIBES relationship, in document order. Empty when
	// the document describes no package.
	Root string
	// Roots are the IDs of every package the document describes, in
	// document order, without repeats.
	Roots []string
	// Format is the serialization: [FormatJSON], [FormatYAML] or
	// [FormatTagValue].
	Format string
	// Version is the SPDX version the document declares ("SPDX-2.3").
	Version string
	// Packages is the number of packages in the document.
	Packages int
	// Assets is the number of distinct assets the packages were added as or
	// merged into: fewer than Packages when two packages share an
	// identity (the same purl, or the same name and version).
	Assets int
	// Edges is the number of distinct edges the relationships between
	// packages state (by SPDX identifiers, ends and edge type; scope
	// aside). The graph may hold fewer: two packages merged into one asset
	// merge their edges, and an edge from an asset to itself is not
	// linked.
	Edges int
	// Skipped counts the relationships that gave no edge and no root.
	Skipped Skipped
	// Warnings are problems that did not stop the import, each naming the
	// package: a package URL that does not parse (the package is then
	// identified by name and version, and the locator kept in the property
	// "spdx:invalid_purl"). [Options.Strict] turns them into errors.
	Warnings []*Error
}

// Skipped counts the relationships [Read] did not turn into an edge or a
// root, by reason. A relationship counts once, under the first reason
// that applies, in the order of the fields.
type Skipped struct {
	// Types counts relationships of a type the import does not map
	// (GENERATED_FROM, COPY_OF, DYNAMIC_LINK, OTHER...), and DESCRIBES or
	// DESCRIBED_BY between two elements neither of which is the
	// document, by relationship type.
	Types map[string]int
	// External counts relationships with an end in another SPDX document
	// (DocumentRef-...), or NONE or NOASSERTION.
	External int
	// Document counts relationships other than DESCRIBES and DESCRIBED_BY
	// with the document itself at an end ("SPDXRef-DOCUMENT CONTAINS
	// SPDXRef-Package").
	Document int
	// Files counts relationships with a file or a snippet at an end: files
	// and snippets are not assets. With JSON and YAML, they include the
	// CONTAINS relationships that a package's hasFiles implies.
	Files int
	// Undeclared counts relationships naming an element the document does
	// not declare.
	Undeclared int
}

// Total returns the number of skipped relationships.
func (s Skipped) Total() int {
	n := s.External + s.Document + s.Files + s.Undeclared
	for _, c := range s.Types {
		n += c
	}
	return n
}

// Read parses an SPDX 2.1, 2.2 or 2.3 document (JSON, YAML or tag-value,
// recognized by content) and adds what it describes to g: one asset per
// package, and the edges its relationships state (see the package
// documentation for the mapping).
//
// Errors are of type [*Error], wrapping [ErrSyntax], [ErrInvalid],
// [ErrUnsupported] or [ErrLimit], or the reader's own error when reading
// fails. The document is parsed and checked whole before g changes, so an
// error in the document leaves g as it was. Only a conflict with what g
// already holds (an asset of another kind under the same ID) can fail
// midway; g then keeps the assets added before it.
func Read(r io.Reader, g *inventory.Graph, opts Options) (Result, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = limits.MaxDocumentBytes
	}
	p := &parser{file: opts.Name}
	in, err := docguard.ReadAll(r, docguard.Options{MaxBytes: limit})
	var le *docguard.LimitError
	switch {
	case errors.As(err, &le) && le.Limit == docguard.LimitSize:
		return Result{}, &Error{File: opts.Name, Offset: limit, Err: fmt.Errorf("%w: document larger than %d bytes", ErrLimit, limit)}
	case errors.As(err, &le):
		return Result{}, &Error{File: opts.Name, Line: le.Line, Offset: le.Offset, Err: fmt.Errorf("%w: %s", ErrLimit, le)}
	case err != nil:
		return Result{}, &Error{File: opts.Name, Offset: int64(len(in)), Err: fmt.Errorf("spdx: reading: %w", err)}
	}
	p.in = in
	doc, version, err := p.parse()
	if err != nil {
		return Result{}, err
	}
	m := mapper{p: p, doc: doc, opts: opts}
	res := Result{Format: p.format, Version: version, Packages: len(doc.Packages)}
	if err := m.plan(&res); err != nil {
		return Result{}, err
	}
	if err := m.apply(g, &res); err != nil {
		return res, err
	}
	return res, nil
}

// mapped edge types of SPDX relationships. reverse: the relationship reads
// "B <type> A" in aspm's direction ("A DEPENDENCY_OF B": B depends on A).
type edgeRule struct {
	typ     inventory.EdgeType
	scope   findings.Scope
	reverse bool
}

var edgeRules = map[string]edgeRule{
	common.TypeRelationshipDependsOn:            {typ: inventory.DependsOn},
	common.TypeRelationshipDependencyOf:         {typ: inventory.DependsOn, reverse: true},
	common.TypeRelationshipDevDependencyOf:      {typ: inventory.DependsOn, scope: findings.ScopeDev, reverse: true},
	common.TypeRelationshipBuildDependencyOf:    {typ: inventory.DependsOn, scope: findings.ScopeDev, reverse: true},
	common.TypeRelationshipTestDependencyOf:     {typ: inventory.DependsOn, scope: findings.ScopeTest, reverse: true},
	common.TypeRelationshipOptionalDependencyOf: {typ: inventory.DependsOn, scope: findings.ScopeOptional, reverse: true},
	common.TypeRelationshipRuntimeDependencyOf:  {typ: inventory.DependsOn, scope: findings.ScopeRuntime, reverse: true},
	common.TypeRelationshipProvidedDependencyOf: {typ: inventory.DependsOn, reverse: true},
	common.TypeRelationshipContains:             {typ: inventory.Contains},
	common.TypeRelationshipContainedBy:          {typ: inventory.Contains, reverse: true},
}

// plannedEdge is an edge between two packages, by index.
type plannedEdge struct {
	from, to int
	typ      inventory.EdgeType
	scope    findings.Scope
}

type mapper struct {
	p    *parser
	doc  *tgspdx.Document
	opts Options

	assets []inventory.Asset // one per package
	roots  []int             // described packages, document order
	edges  []plannedEdge
}

// What a relationship end names, in the order of Skipped's fields (the
// first reason that applies is the one counted), packages last.
const (
	endExternal = iota
	endDocument
	endFile
	endUndeclared
	endPackage
)

// plan maps the document to assets and edges without touching a graph.
func (m *mapper) plan(res *Result) error {
	doc := m.doc
	pkgs := make(map[common.ElementID]int, len(doc.Packages))
	for i, pk := range doc.Packages {
		if pk == nil {
			return m.p.fail(ErrInvalid, 0, -1, fmt.Sprintf("packages[%d]", i), "null package")
		}
		if id := pk.PackageSPDXIdentifier; id != "" {
			if j, dup := pkgs[id]; dup {
				return m.p.fail(ErrInvalid, 0, -1, fmt.Sprintf("packages[%d]", i), "SPDXID %s is also packages[%d]'s", common.RenderElementID(id), j)
			}
			pkgs[id] = i
		}
	}
	files := map[common.ElementID]bool{}
	for _, f := range doc.Files {
		if f != nil {
			files[f.FileSPDXIdentifier] = true
		}
	}
	for _, pk := range doc.Packages {
		for _, f := range pk.Files {
			if f != nil {
				files[f.FileSPDXIdentifier] = true
			}
		}
	}
	for _, s := range doc.Snippets {
		files[s.SnippetSPDXIdentifier] = true
	}
	docID := doc.SPDXIdentifier
	if docID == "" {
		docID = "DOCUMENT"
	}
	resolve := func(e common.DocElementID) (int, int) {
		switch {
		case e.SpecialID != "" || e.DocumentRefID != "":
			return endExternal, -1
		case e.ElementRefID == docID:
			return endDocument, -1
		}
		if i, ok := pkgs[e.ElementRefID]; ok {
			return endPackage, i
		}
		if files[e.ElementRefID] {
			return endFile, -1
		}
		return endUndeclared, -1
	}
	skip := func(kind int) {
		switch kind {
		case endExternal:
			res.Skipped.External++
		case endDocument:
			res.Skipped.Document++
		case endFile:
			res.Skipped.Files++
		default:
			res.Skipped.Undeclared++
		}
	}
	described := map[int]bool{}
	type key struct {
		from, to int
		typ      inventory.EdgeType
	}
	seen := map[key]bool{}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		typ := strings.ToUpper(strings.TrimSpace(r.Relationship))
		if typ == common.TypeRelationshipDescribe || typ == common.TypeRelationshipDescribeBy {
			subject, object := r.RefA, r.RefB
			if typ == common.TypeRelationshipDescribeBy {
				subject, object = object, subject
			}
			if sk, _ := resolve(subject); sk != endDocument {
				m.countType(res, typ)
				continue
			}
			kind, i := resolve(object)
			if kind != endPackage {
				skip(kind)
				continue
			}
			if !described[i] {
				described[i] = true
				m.roots = append(m.roots, i)
			}
			continue
		}
		rule, mapped := edgeRules[typ]
		if !mapped {
			m.countType(res, typ)
			continue
		}
		ka, a := resolve(r.RefA)
		kb, b := resolve(r.RefB)
		if ka != endPackage || kb != endPackage {
			skip(min(ka, kb))
			continue
		}
		if rule.reverse {
			a, b = b, a
		}
		k := key{a, b, rule.typ}
		if !seen[k] {
			seen[k] = true
			res.Edges++
		}
		m.edges = append(m.edges, plannedEdge{from: a, to: b, typ: rule.typ, scope: rule.scope})
	}
	m.assets = make([]inventory.Asset, len(doc.Packages))
	for i, pk := range doc.Packages {
		a, err := m.asset(i, pk, described[i], res)
		if err != nil {
			return err
		}
		m.assets[i] = a
	}
	return nil
}

func (m *mapper) countType(res *Result, typ string) {
	if res.Skipped.Types == nil {
		res.Skipped.Types = map[string]int{}
	}
	res.Skipped.Types[typ]++
}

var digestRE = regexp.MustCompile(`^[a-z0-9]+([+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$`)

// asset maps package i.
func (m *mapper) asset(i int, pk *tgspdx.Package, described bool, res *Result) (inventory.Asset, error) {
	path := fmt.Sprintf("packages[%d]", i)
	a := inventory.Asset{Name: strings.TrimSpace(pk.PackageName), Version: strings.TrimSpace(pk.PackageVersion)}
	if m.opts.Name != "" {
		a.Sources = []string{m.opts.Name}
	}
	props := map[string]string{}
	var purl packageurl.PackageURL
	var purlText, rawPURL string
	cpe22 := ""
	for j, ref := range pk.PackageExternalReferences {
		if ref == nil {
			continue
		}
		loc := strings.TrimSpace(ref.Locator)
		switch strings.ToLower(strings.TrimSpace(ref.RefType)) {
		case "purl":
			if purlText != "" {
				continue
			}
			n, err := inventory.NormalizePURL(loc)
			if err != nil {
				e := m.p.fail(ErrInvalid, 0, -1, fmt.Sprintf("%s.externalRefs[%d]", path, j), "package %q: %v", a.Name, err)
				if m.opts.Strict {
					return a, e
				}
				res.Warnings = append(res.Warnings, e)
				if rawPURL == "" {
					rawPURL = loc
				}
				continue
			}
			purl, _ = packageurl.FromString(n)
			purlText = n
		case "cpe23type":
			if _, ok := props["cpe"]; !ok && loc != "" {
				props["cpe"] = loc
			}
		case "cpe22type":
			if cpe22 == "" {
				cpe22 = loc
			}
		}
	}
	if _, ok := props["cpe"]; !ok && cpe22 != "" {
		props["cpe"] = cpe22
	}
	if purlText == "" && rawPURL != "" {
		props["spdx:invalid_purl"] = rawPURL
	}
	purpose := strings.ToUpper(strings.TrimSpace(pk.PrimaryPackagePurpose))
	if purpose != "" {
		props["spdx:purpose"] = purpose
	}
	for _, l := range []string{pk.PackageLicenseConcluded, pk.PackageLicenseDeclared} {
		if l = strings.TrimSpace(l); l != "" && l != "NOASSERTION" && l != "NONE" {
			a.Licenses = append(a.Licenses, l)
		}
	}
	if len(props) > 0 {
		a.Properties = props
	}
	a.PURL = purlText
	id := string(pk.PackageSPDXIdentifier)
	container := purpose == "CONTAINER" || purl.Type == "oci" || purl.Type == "docker" ||
		strings.HasPrefix(id, "ContainerImage-") || strings.HasPrefix(id, "DocumentRoot-Image-")
	switch {
	case container:
		a.Kind = inventory.KindImage
		// The digest: the purl's version (oci purls are by digest), else
		// the package version or the purl as written, when they are one.
		for _, d := range []string{purl.Version, a.Version, rawPURLVersion(rawPURL)} {
			if d = strings.ToLower(strings.TrimSpace(d)); digestRE.MatchString(d) {
				a.Digest = d
				break
			}
		}
		if digestRE.MatchString(strings.ToLower(a.Version)) {
			a.Version = ""
		}
		if a.Name == "" && a.Digest == "" {
			return a, m.p.fail(ErrInvalid, 0, -1, path, "container package without a name or a digest")
		}
	case described:
		a.Kind = inventory.KindApplication
		if a.Name == "" {
			a.Name = strings.TrimSpace(m.doc.DocumentName)
		}
		if a.Name == "" {
			return a, m.p.fail(ErrInvalid, 0, -1, path, "described package without a name (and a document without a name)")
		}
	default:
		a.Kind = inventory.KindComponent
		if a.PURL == "" && a.Name == "" {
			return a, m.p.fail(ErrInvalid, 0, -1, path, "package without a name or a package URL")
		}
		if a.Version == "" && purl.Version != "" {
			a.Version = purl.Version
		}
	}
	return a, nil
}

// rawPURLVersion returns the version of a purl as written, percent-decoded,
// for purls that do not parse as a whole (a bad qualifier).
func rawPURLVersion(s string) string {
	if !strings.HasPrefix(s, "pkg:") {
		return ""
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	i := strings.LastIndex(s, "@")
	if i < 0 {
		return ""
	}
	v, err := url.PathUnescape(s[i+1:])
	if err != nil {
		return ""
	}
	return v
}

// apply adds the planned assets and edges to g.
func (m *mapper) apply(g *inventory.Graph, res *Result) error {
	ids := make([]string, len(m.assets))
	distinct := make(map[string]bool, len(m.assets))
	g.Grow(len(m.assets), len(m.edges))
	for i, a := range m.assets {
		id, err := g.Add(a)
		if err != nil {
			return m.p.fail(ErrInvalid, 0, -1, fmt.Sprintf("packages[%d]", i), "%w", err)
		}
		ids[i] = id
		distinct[id] = true
	}
	res.Assets = len(distinct)
	for _, i := range m.roots {
		res.Roots = append(res.Roots, ids[i])
	}
	res.Roots = compactKeepOrder(res.Roots)
	if len(res.Roots) > 0 {
		res.Root = res.Roots[0]
	}
	for _, e := range m.edges {
		from, to := ids[e.from], ids[e.to]
		if from == to {
			continue
		}
		if err := g.Link(inventory.Edge{From: from, To: to, Type: e.typ, Scope: e.scope}); err != nil {
			return m.p.fail(ErrInvalid, 0, -1, "", "%w", err)
		}
	}
	return nil
}

// compactKeepOrder drops repeats, keeping the first of each.
func compactKeepOrder(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
