package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aspmkit/aspm/internal/limits"
)

// Normalize puts f in canonical form: an empty or invalid severity becomes
// [SeverityUnknown] (and clears SeveritySource); CWEs are normalized to
// "CWE-n", deduplicated and sorted by number; vulnerability IDs, references
// and fixed versions are deduplicated keeping their first occurrence; an
// empty kind becomes [KindOther]. A CVSS score outside 0–10 (or not a
// number) is dropped, its vector kept, so that no score is ever taken from
// a hostile or broken report; negative line and column numbers become 0,
// and a region left all zero is removed. A title longer than 8 KiB, a
// description longer than 64 KiB, or another text field (rule ID, tool,
// location, package, vulnerability ID, reference) longer than 8 KiB is cut
// at a character boundary and ends with [TruncatedMark], and only the
// first 256 references are kept: a rule's or a report's texts are copied
// into every finding, and these bounds keep a small hostile report from
// making every finding (and the hashing of its ID) megabytes long.
// Decoders call it through [Emitter].
func (f *Finding) Normalize() {
	if !f.Severity.Valid() {
		f.Severity = SeverityUnknown
	}
	if f.Severity == SeverityUnknown {
		f.SeveritySource = ""
	}
	if f.Kind == "" {
		f.Kind = KindOther
	}
	for i := range f.CVSS {
		if sc := f.CVSS[i].Score; sc != nil && !(*sc >= 0 && *sc <= 10) {
			f.CVSS[i].Score = nil
		}
	}
	f.Location.Region = normalizeRegion(f.Location.Region)
	for i := range f.RelatedLocations {
		f.RelatedLocations[i].Region = normalizeRegion(f.RelatedLocations[i].Region)
	}
	f.Title = Truncate(f.Title, limits.MaxTitleBytes)
	f.Description = Truncate(f.Description, limits.MaxDescriptionBytes)
	f.boundFields()
	f.CWEs = normalizeCWEs(f.CWEs)
	f.VulnerabilityIDs = dedupe(f.VulnerabilityIDs, "")
	f.References = dedupe(f.References, "")
	if len(f.References) > limits.MaxReferences {
		f.References = slices.Clip(f.References[:limits.MaxReferences])
	}
	if f.Package != nil {
		f.Package.FixedVersions = dedupe(f.Package.FixedVersions, "")
		f.Package.Paths = dedupe(f.Package.Paths, "")
		f.Package.Licenses = dedupe(f.Package.Licenses, "")
	}
	if len(f.Fingerprints) == 0 {
		f.Fingerprints = nil
	}
	if len(f.Properties) == 0 {
		f.Properties = nil
	}
}

// TruncatedMark ends a title or description that [Finding.Normalize] cut.
const TruncatedMark = " [truncated]"

// Truncate returns s when it fits in max bytes, else its longest prefix
// that ends on a character boundary and leaves room for [TruncatedMark],
// followed by the mark (a copy, so that it does not keep s alive).
// [Finding.Normalize] applies it to titles and descriptions; a decoder
// that copies one text into many findings applies it once beforehand, so
// that the findings share the short copy.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	mark := TruncatedMark
	if max < len(mark) { // no room for the mark: the prefix alone
		mark = ""
	}
	cut := max - len(mark)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.Clone(s[:cut]) + mark
}

// boundFields truncates the text fields other than the title and the
// description to limits.MaxFieldBytes.
//
// It writes only what it changes, and copies a slice, map or package
// before changing it: a decoder may share them between findings.
func (f *Finding) boundFields() {
	for _, p := range []*string{&f.RuleID, &f.SeveritySource, &f.Confidence, &f.Tool.Name, &f.Tool.Version, &f.Tool.Vendor,
		&f.SecretHash, &f.BaselineState, &f.Published, &f.Modified} {
		bound(p)
	}
	boundLocation(&f.Location)
	if slices.ContainsFunc(f.RelatedLocations, func(l Location) bool { return locationTooLong(&l) }) {
		f.RelatedLocations = slices.Clone(f.RelatedLocations)
		for i := range f.RelatedLocations {
			boundLocation(&f.RelatedLocations[i])
		}
	}
	if p := f.Package; p != nil {
		if tooLong(p.Name, p.Version, p.Ecosystem, p.PURL) {
			c := *p
			c.Name, c.Version, c.Ecosystem, c.PURL = Truncate(c.Name, limits.MaxFieldBytes), Truncate(c.Version, limits.MaxFieldBytes),
				Truncate(c.Ecosystem, limits.MaxFieldBytes), Truncate(c.PURL, limits.MaxFieldBytes)
			f.Package, p = &c, &c
		}
		p.FixedVersions, p.Paths, p.Licenses = boundList(p.FixedVersions), boundList(p.Paths), boundList(p.Licenses)
	}
	if slices.ContainsFunc(f.CVSS, func(c CVSS) bool { return tooLong(c.Version, c.Vector, c.Source) }) {
		f.CVSS = slices.Clone(f.CVSS)
		for i := range f.CVSS {
			c := &f.CVSS[i]
			c.Version, c.Vector, c.Source = Truncate(c.Version, limits.MaxFieldBytes), Truncate(c.Vector, limits.MaxFieldBytes), Truncate(c.Source, limits.MaxFieldBytes)
		}
	}
	f.VulnerabilityIDs, f.References = boundList(f.VulnerabilityIDs), boundList(f.References)
	for _, v := range f.Fingerprints {
		if len(v) > limits.MaxFieldBytes {
			m := make(map[string]string, len(f.Fingerprints))
			for k, v := range f.Fingerprints {
				m[k] = Truncate(v, limits.MaxFieldBytes)
			}
			f.Fingerprints = m
			break
		}
	}
}

// bound truncates *p to limits.MaxFieldBytes, writing only when it is
// longer.
func bound(p *string) {
	if len(*p) > limits.MaxFieldBytes {
		*p = Truncate(*p, limits.MaxFieldBytes)
	}
}

// tooLong reports whether one of ss is longer than limits.MaxFieldBytes.
func tooLong(ss ...string) bool {
	return slices.ContainsFunc(ss, func(s string) bool { return len(s) > limits.MaxFieldBytes })
}

// locationFields returns pointers to l's text fields, as an array so
// that the per-finding calls allocate nothing.
func locationFields(l *Location) [10]*string {
	return [10]*string{&l.Path, &l.URIBaseID, &l.SnippetHash, &l.LogicalLocation, &l.URL, &l.Method, &l.Parameter, &l.Image, &l.Layer, &l.Target}
}

func locationTooLong(l *Location) bool {
	for _, p := range locationFields(l) {
		if len(*p) > limits.MaxFieldBytes {
			return true
		}
	}
	return false
}

func boundLocation(l *Location) {
	for _, p := range locationFields(l) {
		bound(p)
	}
}

// boundList returns ss with its strings truncated to
// limits.MaxFieldBytes: ss itself when none is longer, else a copy (a
// decoder may share one slice between findings).
func boundList(ss []string) []string {
	for i, s := range ss {
		if len(s) > limits.MaxFieldBytes {
			c := slices.Clone(ss)
			for j := i; j < len(c); j++ {
				c[j] = Truncate(c[j], limits.MaxFieldBytes)
			}
			return c
		}
	}
	return ss
}

// normalizeRegion returns r with negative numbers made 0, or nil when
// nothing is left.
func normalizeRegion(r *Region) *Region {
	if r == nil {
		return nil
	}
	if r.StartLine >= 0 && r.EndLine >= 0 && r.StartColumn >= 0 && r.EndColumn >= 0 && *r != (Region{}) {
		return r
	}
	c := Region{StartLine: max(r.StartLine, 0), EndLine: max(r.EndLine, 0), StartColumn: max(r.StartColumn, 0), EndColumn: max(r.EndColumn, 0)}
	if c == (Region{}) {
		return nil
	}
	return &c
}

// ComputeID returns the content-derived ID of f: the first 16 bytes, in
// hex, of the SHA-256 of f's JSON encoding with ID cleared. Because
// [Source.Record] is part of the content, two records of one document never
// share an ID, while decoding the same bytes again gives the same IDs.
func (f *Finding) ComputeID() string {
	c := *f
	c.ID = ""
	b, err := json.Marshal(&c)
	if err != nil {
		// Properties hold only values decoded from JSON or XML, which
		// always marshal; fall back to the identifying fields regardless.
		b = []byte(c.Source.File + "\x00" + c.Source.Format + "\x00" + strconv.Itoa(c.Source.Record) + "\x00" + c.RuleID + "\x00" + c.Title)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// HashSnippet returns the hex SHA-256 of a code snippet with each line's
// leading and trailing white space removed and blank lines dropped, so that
// re-indenting or re-wrapping blank lines does not change it. It returns ""
// for a snippet that is empty after trimming.
func HashSnippet(snippet string) string {
	var b strings.Builder
	for line := range strings.Lines(snippet) {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return ""
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// HashSecret returns the hex SHA-256 of a secret exactly as matched, or ""
// for an empty secret. Decoders store it in [Finding.SecretHash] and never
// the secret itself.
func HashSecret(secret string) string {
	if secret == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// dedupe returns ss without empty strings, duplicates and skip, keeping
// first occurrences in order; nil when nothing remains.
func dedupe(ss []string, skip string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := ss[:0:0]
	seen := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s == "" || s == skip {
			continue
		}
		if _, ok := seen[s]; ok {
			continue
		}
		seen[s] = struct{}{}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func normalizeCWEs(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	nums := make([]int, 0, len(in))
	for _, s := range in {
		c, ok := NormalizeCWE(s)
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(c[len("CWE-"):])
		if !slices.Contains(nums, n) {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return nil
	}
	slices.Sort(nums)
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = "CWE-" + strconv.Itoa(n)
	}
	return out
}
