package suppress

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aspmkit/aspm/findings"
)

// VEXIndex holds VEX statements indexed by vulnerability ID and alias, so
// that applying many statements to many findings costs a map look-up per
// vulnerability ID of each finding rather than a pass over every
// statement.
//
// A VEXIndex is immutable once [NewVEXIndex] returns it and safe for
// concurrent use by several goroutines.
type VEXIndex struct {
	stmts []indexedStatement
	byID  map[string][]int32 // upper-cased ID or alias → positions in stmts
}

// indexedStatement is a statement with its products parsed and its
// timestamp resolved.
type indexedStatement struct {
	st      findings.VEXStatement
	pos     int // position in the input slice
	at      time.Time
	hasTime bool
	prods   []product
	subs    []product
}

// product is one product or subcomponent identifier of a statement.
type product struct {
	raw    string // as written
	ref    string // the bom-ref of a CycloneDX BOM-Link, else raw
	purl   pkgID
	isPURL bool
}

// newProduct parses a product identifier: a package URL, a CycloneDX
// BOM-Link ("urn:cdx:serial/version#bom-ref", whose bom-ref is used), or a
// literal (a bom-ref, a CSAF product ID, an image reference, a name).
func newProduct(s string) product {
	p := product{raw: strings.TrimSpace(s)}
	p.ref = p.raw
	if len(p.ref) > 8 && strings.EqualFold(p.ref[:8], "urn:cdx:") {
		if _, frag, ok := strings.Cut(p.ref, "#"); ok && frag != "" {
			if d, err := url.PathUnescape(frag); err == nil {
				frag = d
			}
			p.ref = frag
		}
	}
	p.purl, p.isPURL = parsePURL(p.ref)
	return p
}

// NewVEXIndex indexes stmts for [VEXIndex.Match]. The slice order matters
// only to break ties (see [VEXIndex.Match]); pass statements in the order
// their documents were read.
//
// A statement with no vulnerability ID, with a status that is not one of
// the four VEX statuses, or with a timestamp that is neither RFC 3339 nor
// a date (2006-01-02) cannot be applied safely and is left out. NewVEXIndex
// always returns a usable index of the other statements; the error is nil
// when every statement was indexed, and otherwise joins one
// [*StatementError] per statement left out, so none is dropped silently.
func NewVEXIndex(stmts []findings.VEXStatement) (*VEXIndex, error) {
	ix := &VEXIndex{byID: make(map[string][]int32)}
	var errs []error
	for i, st := range stmts {
		is, err := indexStatement(st, i)
		if err != nil {
			errs = append(errs, &StatementError{Index: i, VulnerabilityID: st.VulnerabilityID, Source: st.Source, Err: err})
			continue
		}
		n := int32(len(ix.stmts))
		ix.stmts = append(ix.stmts, is)
		seen := make(map[string]bool, 1+len(st.Aliases))
		for _, id := range append([]string{st.VulnerabilityID}, st.Aliases...) {
			k := strings.ToUpper(strings.TrimSpace(id))
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			ix.byID[k] = append(ix.byID[k], n)
		}
	}
	return ix, errors.Join(errs...)
}

func indexStatement(st findings.VEXStatement, pos int) (indexedStatement, error) {
	if strings.TrimSpace(st.VulnerabilityID) == "" {
		return indexedStatement{}, fmt.Errorf("%w: no vulnerability ID", ErrInvalidStatement)
	}
	switch st.Status {
	case findings.VEXNotAffected, findings.VEXAffected, findings.VEXFixed, findings.VEXUnderInvestigation:
	default:
		return indexedStatement{}, fmt.Errorf("%w: unknown status %q", ErrInvalidStatement, st.Status)
	}
	is := indexedStatement{st: cloneStatement(st), pos: pos}
	if ts := strings.TrimSpace(st.Timestamp); ts != "" {
		t, err := parseTime(ts)
		if err != nil {
			return indexedStatement{}, fmt.Errorf("%w: timestamp %q is not an RFC 3339 time or a date", ErrInvalidStatement, st.Timestamp)
		}
		is.at, is.hasTime = t, true
	}
	for _, p := range st.Products {
		if strings.TrimSpace(p) != "" {
			is.prods = append(is.prods, newProduct(p))
		}
	}
	for _, p := range st.Subcomponents {
		if strings.TrimSpace(p) != "" {
			is.subs = append(is.subs, newProduct(p))
		}
	}
	return is, nil
}

// cloneStatement copies st with its slices, so that neither the caller's
// input nor what the index hands out aliases the index.
func cloneStatement(st findings.VEXStatement) findings.VEXStatement {
	st.Aliases = cloneStrings(st.Aliases)
	st.Products = cloneStrings(st.Products)
	st.Subcomponents = cloneStrings(st.Subcomponents)
	st.Response = cloneStrings(st.Response)
	return st
}

// parseTime parses an RFC 3339 time (a space may stand for the "T", as
// YAML allows), or a date alone (2006-01-02), which means 00:00:00 UTC
// that day.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if len(s) > 10 && s[10] == ' ' {
		if t, err := time.Parse(time.RFC3339Nano, s[:10]+"T"+s[11:]); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.DateOnly, s)
}

// Len reports how many statements the index holds.
func (ix *VEXIndex) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.stmts)
}

// subject is a parsed identifier of what the finding belongs to: its image,
// its scan target, or a subject the caller passed.
type subject struct {
	raw     string
	purl    pkgID
	isPURL  bool
	image   imageRef
	isImage bool
}

func newSubject(s string) subject {
	sub := subject{raw: strings.TrimSpace(s)}
	sub.purl, sub.isPURL = parsePURL(sub.raw)
	if !sub.isPURL {
		sub.image, sub.isImage = parseImageRef(sub.raw)
	}
	return sub
}

// target is what a statement's products are compared with for one
// finding: the package (purl, name@version) and the context (image, scan
// target, caller subjects).
type target struct {
	pkgPURL    string
	pkg        pkgID
	hasPkg     bool
	pkgNameVer string
	context    []subject
}

func newTarget(f *findings.Finding, subjects []string) target {
	var t target
	if p := f.Package; p != nil {
		t.pkgPURL = strings.TrimSpace(p.PURL)
		if t.pkgPURL != "" {
			t.pkg, t.hasPkg = parsePURL(t.pkgPURL)
		}
		if p.Name != "" && p.Version != "" {
			t.pkgNameVer = p.Name + "@" + p.Version
		}
	}
	if f.Location.Image != "" {
		t.context = append(t.context, newSubject(f.Location.Image))
	}
	if f.Location.Target != "" {
		t.context = append(t.context, newSubject(f.Location.Target))
	}
	for _, s := range subjects {
		if strings.TrimSpace(s) != "" {
			t.context = append(t.context, newSubject(s))
		}
	}
	return t
}

// matchesPackage reports whether p names the finding's package.
func (t *target) matchesPackage(p *product) bool {
	if p.isPURL {
		return t.hasPkg && p.purl.covers(t.pkg)
	}
	return literalEq(p, t.pkgPURL) || literalEq(p, t.pkgNameVer)
}

// matchesContext reports whether p names the image, scan target or a
// caller subject of the finding.
func (t *target) matchesContext(p *product) bool {
	for i := range t.context {
		s := &t.context[i]
		if literalEq(p, s.raw) {
			return true
		}
		if !p.isPURL {
			continue
		}
		if s.isPURL && p.purl.covers(s.purl) {
			return true
		}
		if s.isImage && p.purl.coversImage(s.image) {
			return true
		}
	}
	return false
}

func literalEq(p *product, s string) bool {
	return s != "" && (p.raw == s || p.ref == s)
}

// applies reports whether the statement's products and subcomponents
// cover the target.
func (is *indexedStatement) applies(t *target) bool {
	if len(is.subs) == 0 {
		if len(is.prods) == 0 {
			return true
		}
		for i := range is.prods {
			if t.matchesPackage(&is.prods[i]) || t.matchesContext(&is.prods[i]) {
				return true
			}
		}
		return false
	}
	inProduct := len(is.prods) == 0
	for i := 0; i < len(is.prods) && !inProduct; i++ {
		inProduct = t.matchesContext(&is.prods[i])
	}
	if !inProduct {
		return false
	}
	for i := range is.subs {
		if t.matchesPackage(&is.subs[i]) {
			return true
		}
	}
	return false
}

// newer reports whether a supersedes b: a later timestamp, a timestamp
// against none, or on a tie the later position in the input.
func (a *indexedStatement) newer(b *indexedStatement) bool {
	switch {
	case a.hasTime != b.hasTime:
		return a.hasTime
	case a.hasTime && !a.at.Equal(b.at):
		return a.at.After(b.at)
	}
	return a.pos > b.pos
}

// Match returns the statement that applies to f, and false when none
// does. subjects optionally identify what f was found in, when f does not
// say so itself: the scanned image ("nginx@sha256:…"), the application's
// purl, a CSAF product ID, a bom-ref.
//
// A statement applies when both its vulnerability and its products match:
//
//   - Vulnerability: one of f.VulnerabilityIDs equals the statement's
//     VulnerabilityID or one of its Aliases, ignoring case. So a statement
//     on CVE-2021-44228 with alias GHSA-jfh8-c2jp-5v3q applies to a
//     finding that names either. f.RuleID is not consulted.
//   - Package URL products: a product purl matches a purl when type,
//     namespace and name are equal (normalized as the purl specification
//     says for the type, except Go module paths, which keep their case);
//     a product without a version matches every version, one with a
//     version only that version (exact string after percent-decoding);
//     the product's qualifiers must all be present with equal values in
//     the other purl, which may have more; a product subpath must be
//     equal.
//   - A pkg:oci product also matches an image reference (f.Location.Image
//     or a subject): same name as the repository's last segment, digest
//     equal to the purl's version when it has one, repository_url and tag
//     qualifiers equal to the image's repository and tag when present.
//   - Other products (bom-refs, CSAF product IDs, image references, names)
//     match literally, case-sensitively: f.Package.PURL,
//     f.Package.Name+"@"+f.Package.Version, f.Location.Image,
//     f.Location.Target or a subject. A CycloneDX BOM-Link
//     ("urn:cdx:…#bom-ref") matches as itself or as its bom-ref.
//   - A statement with no products applies to every product.
//   - Without subcomponents, a product matches f's package (f.Package.PURL
//     or name@version) or its context (f.Location.Image, f.Location.Target,
//     the subjects). With subcomponents, a product must match the context
//     (the subcomponents are inside it) and one subcomponent must match
//     f's package.
//
// When several statements apply, the one with the latest Timestamp wins;
// a statement with a timestamp beats one without; on a tie the statement
// given later to [NewVEXIndex] wins, as a later OpenVEX statement
// supersedes an earlier one.
func (ix *VEXIndex) Match(f findings.Finding, subjects ...string) (findings.VEXStatement, bool) {
	if is := ix.match(&f, subjects); is != nil {
		return cloneStatement(is.st), true
	}
	return findings.VEXStatement{}, false
}

func (ix *VEXIndex) match(f *findings.Finding, subjects []string) *indexedStatement {
	if ix == nil || len(ix.stmts) == 0 {
		return nil
	}
	var best *indexedStatement
	var t target
	built := false
	for _, id := range f.VulnerabilityIDs {
		cands := ix.byID[strings.ToUpper(strings.TrimSpace(id))]
		for _, n := range cands {
			is := &ix.stmts[n]
			if best != nil && (is == best || !is.newer(best)) {
				continue
			}
			if !built {
				t, built = newTarget(f, subjects), true
			}
			if is.applies(&t) {
				best = is
			}
		}
	}
	return best
}

// VEXOutcome reports what [VEXIndex.Apply] did. It is a plain value.
type VEXOutcome struct {
	// Statement is the statement that applies to the finding; valid when
	// Matched.
	Statement findings.VEXStatement
	// Matched reports whether a statement applies.
	Matched bool
	// Applied reports whether the finding's VEX analysis was set from the
	// statement (false when a conclusive analysis was kept).
	Applied bool
	// Suppressed reports whether the finding's VEX analysis now says
	// not_affected or fixed.
	Suppressed bool
}

// Apply sets f.VEX from the statement that [VEXIndex.Match] finds for f
// and the subjects, and reports the outcome.
//
// An analysis f already carries (a CycloneDX analysis or Trivy's VEX
// result, embedded in the scanner's own output) has no date to compare.
// The rule is: a statement replaces it, except that an under_investigation
// statement never replaces a conclusive analysis (affected, not_affected
// or fixed). A separate VEX document is a deliberate statement by a
// product's supplier or owner; an unfinished investigation is not.
//
// Statements are copied in and out: neither f.VEX nor a returned
// statement aliases the index.
func (ix *VEXIndex) Apply(f *findings.Finding, subjects ...string) VEXOutcome {
	var out VEXOutcome
	if is := ix.match(f, subjects); is != nil {
		out.Statement, out.Matched = cloneStatement(is.st), true
		if replaces(is.st.Status, f.VEX) {
			a := is.st.VEXAnalysis
			a.Response = cloneStrings(a.Response)
			f.VEX = &a
			out.Applied = true
		}
	}
	out.Suppressed = vexSuppresses(f.VEX)
	return out
}

// replaces reports whether a statement with status s replaces the
// embedded analysis cur.
func replaces(s findings.VEXStatus, cur *findings.VEXAnalysis) bool {
	if cur == nil || s != findings.VEXUnderInvestigation {
		return true
	}
	switch cur.Status {
	case findings.VEXAffected, findings.VEXNotAffected, findings.VEXFixed:
		return false
	}
	return true
}

// vexSuppresses reports whether an analysis says the finding does not
// apply: not_affected or fixed.
func vexSuppresses(a *findings.VEXAnalysis) bool {
	return a != nil && (a.Status == findings.VEXNotAffected || a.Status == findings.VEXFixed)
}
