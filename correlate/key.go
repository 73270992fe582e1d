package correlate

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/inventory"
)

// Strategy computes the keys of findings of one kind. Its methods may be
// called from several goroutines at once, on different findings.
//
// The identity key says which findings are "the same finding" across scans
// of one tool: it must survive moved lines and reworded descriptions.
// Correlation keys say which findings of different tools report the same
// problem: findings sharing a correlation key join one cluster when
// Related agrees.
type Strategy interface {
	// Identity returns the identity key of f. occurrence is f's rank (0,
	// 1, 2...) among the findings of the same scan with the same tool, rule
	// and path, by position in the file, for strategies that need a
	// fallback when nothing else tells two findings apart.
	Identity(f *findings.Finding, occurrence int) string
	// Correlation returns the correlation keys of f; none means f is
	// clustered by its identity key only.
	Correlation(f *findings.Finding) []string
	// Related confirms that two findings sharing a correlation key report
	// the same problem (overlapping regions, for instance).
	Related(a, b *findings.Finding) bool
}

// Options configures keys and clustering. Its zero value uses
// [DefaultStrategies] and the documented path rules.
type Options struct {
	// Strategies overrides the strategy of a kind; kinds it does not name
	// keep their default.
	Strategies map[findings.Kind]Strategy
	// FoldCase compares paths case-insensitively (for scans of Windows or
	// macOS file systems). Off by default: most code lives on
	// case-sensitive file systems.
	FoldCase bool
}

// DefaultStrategies returns the strategy of every kind:
//
//   - sca, container, license: the package and the vulnerability (see
//     [PackageStrategy]);
//   - secret: the file, the rule and the secret's hash ([SecretStrategy]);
//   - dast: endpoint, method, parameter and rule ([DASTStrategy]);
//   - sast, iac, access, other: the tool's own stable fingerprint, else
//     rule, path and code ([CodeStrategy]).
func DefaultStrategies(foldCase bool) map[findings.Kind]Strategy {
	code := CodeStrategy{FoldCase: foldCase}
	pkg := PackageStrategy{FoldCase: foldCase}
	return map[findings.Kind]Strategy{
		findings.KindSCA:       pkg,
		findings.KindContainer: pkg,
		findings.KindLicense:   pkg,
		findings.KindSecret:    SecretStrategy{FoldCase: foldCase},
		findings.KindDAST:      DASTStrategy{},
		findings.KindSAST:      code,
		findings.KindIaC:       code,
		findings.KindAccess:    code,
		findings.KindOther:     code,
	}
}

func (o Options) strategy(k findings.Kind) Strategy {
	if s, ok := o.Strategies[k]; ok && s != nil {
		return s
	}
	if s, ok := DefaultStrategies(o.FoldCase)[k]; ok {
		return s
	}
	return CodeStrategy{FoldCase: o.FoldCase}
}

// hashKey joins parts with NUL and hashes them: keys are opaque, fixed
// length and safe to store.
func hashKey(parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// NormalizePath makes a reported path comparable: a file:// URI becomes a
// path, percent-escapes are decoded, backslashes become slashes, "." and
// ".." segments are resolved, and a leading "./" or "/" is dropped, so
// "file:///src/a.go", "./src/a.go" and "src\\a.go" are all "src/a.go".
// With foldCase the result is lowercased. Absolute paths from different
// machines are not rebased: decoders resolve SARIF uriBaseIds first.
func NormalizePath(p string, foldCase bool) string {
	if p == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(p, "file://"); ok {
		p = rest
	}
	if strings.Contains(p, "%") {
		if d, err := url.PathUnescape(p); err == nil {
			p = d
		}
	}
	p = strings.ReplaceAll(p, "\\", "/")
	// A Windows drive letter is part of the path; keep it but not its case.
	if len(p) >= 2 && p[1] == ':' {
		p = strings.ToLower(p[:1]) + p[1:]
	}
	p = path.Clean("/" + p)[1:]
	if foldCase {
		p = strings.ToLower(p)
	}
	return p
}

// packageKey returns a package's identity within one tool's findings: its
// purl without qualifiers and subpath, version kept (Go module paths keep
// their case), else "ecosystem/name@version".
func packageKey(p *findings.Package) string {
	if p == nil {
		return ""
	}
	if p.PURL != "" {
		if u, err := inventory.ParsePURL(p.PURL); err == nil {
			u.Qualifiers, u.Subpath = nil, ""
			if u.Version == "" {
				u.Version = p.Version
			}
			return u.ToString()
		}
	}
	return strings.ToLower(p.Ecosystem) + "/" + p.Name + "@" + p.Version
}

// packageMatchKey is the package part of a cross-tool correlation key:
// name and version, without ecosystem or namespace.
func packageMatchKey(p *findings.Package) string {
	if p == nil {
		return ""
	}
	name, version := p.Name, p.Version
	golang := strings.EqualFold(p.Ecosystem, "go") || strings.EqualFold(p.Ecosystem, "golang")
	if p.PURL != "" {
		if u, err := inventory.ParsePURL(p.PURL); err == nil {
			name = u.Name
			if u.Type == packageurl.TypeGolang {
				golang = true
				name = strings.TrimPrefix(u.Namespace+"/"+u.Name, "/")
			}
			if version == "" {
				version = u.Version
			}
		}
	}
	if !golang {
		if i := strings.LastIndexAny(name, "/:"); i >= 0 {
			name = name[i+1:]
		}
		name = strings.ToLower(name)
	}
	if name == "" {
		return ""
	}
	// Go tools write "v0.3.5", OSV-Scanner and others "0.3.5": one version.
	if len(version) > 1 && (version[0] == 'v' || version[0] == 'V') && version[1] >= '0' && version[1] <= '9' {
		version = version[1:]
	}
	return name + "@" + version
}

// stableFingerprint returns the tool's fingerprints (every name=value,
// sorted by name) leaving out those that embed the finding's line number,
// which a line shift would change: gitleaks's "Fingerprint"
// (file:rule:line), and any value of three or more ":"-separated fields
// one of which is the start line. Two-field values such as CodeQL's
// "hash:1" (a hash and an occurrence count) are kept.
func stableFingerprint(f *findings.Finding) (string, bool) {
	if len(f.Fingerprints) == 0 {
		return "", false
	}
	names := make([]string, 0, len(f.Fingerprints))
	for n := range f.Fingerprints {
		names = append(names, n)
	}
	slices.Sort(names)
	line := ""
	if r := f.Location.Region; r != nil && r.StartLine > 0 {
		line = strconv.Itoa(r.StartLine)
	}
	var b strings.Builder
	for _, n := range names {
		v := f.Fingerprints[n]
		if v == "" || (f.Tool.Name == "gitleaks" && n == "Fingerprint") {
			continue
		}
		if line != "" && embedsLine(v, line) {
			continue
		}
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte(0)
	}
	return b.String(), b.Len() > 0
}

// embedsLine reports whether a fingerprint value of three or more
// ":"-separated fields has the line number as one of them
// ("path:rule:42").
func embedsLine(v, line string) bool {
	if strings.Count(v, ":") < 2 {
		return false
	}
	for field := range strings.SplitSeq(v, ":") {
		if field == line {
			return true
		}
	}
	return false
}

// CodeStrategy identifies findings in code and configuration (SAST, IaC):
// by tool, rule, normalized path and the tool's stable fingerprint when it
// gives one; else by tool, rule, normalized path and the first of: the
// snippet hash, the enclosing logical location plus the occurrence within
// it, the occurrence among the same rule in the same file. None of these move with the line number, and none read the
// message. Across tools, findings correlate on the same file and CWE when
// their regions overlap.
type CodeStrategy struct{ FoldCase bool }

// Identity implements [Strategy].
func (s CodeStrategy) Identity(f *findings.Finding, occurrence int) string {
	p := NormalizePath(cmp.Or(f.Location.Path, f.Location.Target), s.FoldCase)
	if fp, ok := stableFingerprint(f); ok {
		// With the path: content-only fingerprints (CodeQL's, Flawfinder's)
		// would otherwise make identical code in two files one finding.
		return hashKey("fp", f.Tool.Name, f.RuleID, p, fp)
	}
	switch {
	case f.Location.SnippetHash != "":
		return hashKey("code", f.Tool.Name, f.RuleID, p, "snippet", f.Location.SnippetHash)
	case f.Location.LogicalLocation != "":
		return hashKey("code", f.Tool.Name, f.RuleID, p, "logical", f.Location.LogicalLocation, strconv.Itoa(occurrence))
	}
	return hashKey("code", f.Tool.Name, f.RuleID, p, "occurrence", strconv.Itoa(occurrence))
}

func (CodeStrategy) needsOccurrence(f *findings.Finding) bool {
	if _, ok := stableFingerprint(f); ok {
		return false
	}
	return f.Location.SnippetHash == ""
}

// Correlation implements [Strategy]: one key per CWE, with the file.
func (s CodeStrategy) Correlation(f *findings.Finding) []string {
	p := NormalizePath(f.Location.Path, s.FoldCase)
	if p == "" || len(f.CWEs) == 0 {
		return nil
	}
	keys := make([]string, len(f.CWEs))
	for i, c := range f.CWEs {
		keys[i] = "code\x00" + p + "\x00" + c
	}
	return keys
}

// Related implements [Strategy]: the regions overlap (a finding without a
// region overlaps everything in its file).
func (CodeStrategy) Related(a, b *findings.Finding) bool {
	ra, rb := a.Location.Region, b.Location.Region
	if ra == nil || rb == nil || ra.StartLine == 0 || rb.StartLine == 0 {
		return true
	}
	ea, eb := max(ra.EndLine, ra.StartLine), max(rb.EndLine, rb.StartLine)
	return ra.StartLine <= eb && rb.StartLine <= ea
}

// PackageStrategy identifies dependency findings (SCA, container, license)
// by tool, primary vulnerability ID (or rule), package key (the purl without qualifiers, version kept)
// and the manifest or image it was found in. Across tools they correlate
// when they share any vulnerability ID or alias (CVE, GHSA, GO-, OSV IDs)
// on the same package at the same version. "The same package" compares
// the package name (the purl's name, else the last "/" or ":" segment of
// the reported name, case-insensitively except for Go modules) and the
// version (a leading "v" before a digit dropped: "v0.3.5" is "0.3.5"), not
// the ecosystem: tools name one ecosystem differently (Trivy
// "debian", Grype "deb", either of them nothing in SARIF), and a
// vulnerability ID already pins the product.
type PackageStrategy struct{ FoldCase bool }

// Identity implements [Strategy].
func (s PackageStrategy) Identity(f *findings.Finding, occurrence int) string {
	vuln := f.RuleID
	if len(f.VulnerabilityIDs) > 0 {
		vuln = f.VulnerabilityIDs[0]
	}
	where := cmp.Or(f.Location.Image, NormalizePath(cmp.Or(f.Location.Path, f.Location.Target), s.FoldCase))
	return hashKey("pkg", f.Tool.Name, vuln, packageKey(f.Package), where)
}

func (PackageStrategy) needsOccurrence(*findings.Finding) bool { return false }

// Correlation implements [Strategy].
func (PackageStrategy) Correlation(f *findings.Finding) []string {
	pk := packageMatchKey(f.Package)
	if pk == "" {
		return nil
	}
	ids := f.VulnerabilityIDs
	if len(ids) == 0 && f.RuleID != "" {
		ids = []string{f.RuleID}
	}
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, "pkg\x00"+pk+"\x00"+strings.ToUpper(id))
	}
	return keys
}

// Related implements [Strategy]: sharing a key is enough.
func (PackageStrategy) Related(a, b *findings.Finding) bool { return true }

// SecretStrategy identifies secrets by tool, rule, file and the secret's
// hash (else the snippet hash, else the occurrence): a secret that moves
// within its file is the same secret. Across tools, secrets correlate on
// the same file, line and secret hash.
type SecretStrategy struct{ FoldCase bool }

// Identity implements [Strategy].
func (s SecretStrategy) Identity(f *findings.Finding, occurrence int) string {
	p := NormalizePath(cmp.Or(f.Location.Path, f.Location.Target), s.FoldCase)
	switch {
	case f.SecretHash != "":
		return hashKey("secret", f.Tool.Name, f.RuleID, p, f.SecretHash)
	case f.Location.SnippetHash != "":
		return hashKey("secret", f.Tool.Name, f.RuleID, p, "snippet", f.Location.SnippetHash)
	}
	return hashKey("secret", f.Tool.Name, f.RuleID, p, "occurrence", strconv.Itoa(occurrence))
}

func (SecretStrategy) needsOccurrence(f *findings.Finding) bool {
	return f.SecretHash == "" && f.Location.SnippetHash == ""
}

// Correlation implements [Strategy].
func (s SecretStrategy) Correlation(f *findings.Finding) []string {
	if f.SecretHash == "" || f.Location.Region == nil || f.Location.Region.StartLine == 0 {
		return nil
	}
	p := NormalizePath(f.Location.Path, s.FoldCase)
	return []string{"secret\x00" + p + "\x00" + strconv.Itoa(f.Location.Region.StartLine) + "\x00" + f.SecretHash}
}

// Related implements [Strategy].
func (SecretStrategy) Related(a, b *findings.Finding) bool { return true }

// DASTStrategy identifies findings of dynamic scanners by tool, rule,
// endpoint (scheme, host and path, without query), method and parameter.
// Across tools they correlate on endpoint, method, parameter and CWE.
type DASTStrategy struct{}

// Identity implements [Strategy].
func (DASTStrategy) Identity(f *findings.Finding, occurrence int) string {
	return hashKey("dast", f.Tool.Name, f.RuleID, Endpoint(f.Location.URL), strings.ToUpper(f.Location.Method), f.Location.Parameter)
}

func (DASTStrategy) needsOccurrence(*findings.Finding) bool { return false }

// Correlation implements [Strategy].
func (DASTStrategy) Correlation(f *findings.Finding) []string {
	ep := Endpoint(f.Location.URL)
	if ep == "" || len(f.CWEs) == 0 {
		return nil
	}
	keys := make([]string, len(f.CWEs))
	for i, c := range f.CWEs {
		keys[i] = "dast\x00" + ep + "\x00" + strings.ToUpper(f.Location.Method) + "\x00" + f.Location.Parameter + "\x00" + c
	}
	return keys
}

// Related implements [Strategy].
func (DASTStrategy) Related(a, b *findings.Finding) bool { return true }

// Endpoint normalizes a URL for matching: lowercase scheme and host,
// default ports dropped, no query or fragment, no trailing slash.
func Endpoint(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return strings.TrimSuffix(raw, "/")
	}
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !((u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443")) {
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host + strings.TrimSuffix(u.EscapedPath(), "/")
}
