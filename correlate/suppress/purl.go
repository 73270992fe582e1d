package suppress

import (
	"net/url"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// pkgID is a package URL in the form this package compares: type,
// namespace and name normalized as the purl specification says for the
// type, except that Go module paths keep their case (they are
// case-sensitive: github.com/Sirupsen/logrus and github.com/sirupsen/logrus
// are different modules); version, qualifiers and subpath percent-decoded.
type pkgID struct {
	typ, ns, name string
	version       string
	subpath       string
	quals         []packageurl.Qualifier
}

// parsePURL parses s as a package URL. It reports false when s is not one
// (a CSAF product ID, a bom-ref, an image reference, a purl without a
// name).
func parsePURL(s string) (pkgID, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 4 || !strings.EqualFold(s[:4], "pkg:") {
		return pkgID{}, false
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		return pkgID{}, false
	}
	id := pkgID{typ: p.Type, ns: p.Namespace, name: p.Name, version: p.Version, subpath: p.Subpath, quals: p.Qualifiers}
	if id.typ == packageurl.TypeGolang {
		// packageurl-go lowercases Go namespaces and names; take them
		// again from the input, case kept.
		ns, name, ok := goModulePath(s)
		if !ok {
			return pkgID{}, false
		}
		id.ns, id.name = ns, name
	}
	return id, true
}

// goModulePath returns the namespace and name of a pkg:golang purl with
// their case as written, percent-decoded segment by segment.
func goModulePath(s string) (ns, name string, ok bool) {
	rest := strings.TrimLeft(s[4:], "/")
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	_, rest, ok = strings.Cut(rest, "/")
	if !ok {
		return "", "", false
	}
	if i := strings.LastIndexByte(rest, '@'); i > 0 {
		rest = rest[:i]
	}
	var segs []string
	for _, seg := range strings.Split(rest, "/") {
		if seg == "" {
			continue
		}
		d, err := url.PathUnescape(seg)
		if err != nil {
			return "", "", false
		}
		segs = append(segs, d)
	}
	if len(segs) == 0 {
		return "", "", false
	}
	return strings.Join(segs[:len(segs)-1], "/"), segs[len(segs)-1], true
}

// key identifies the package regardless of version: type, namespace and
// name.
func (p pkgID) key() string { return p.typ + "\x00" + p.ns + "\x00" + p.name }

// qual returns the value of qualifier k.
func (p pkgID) qual(k string) (string, bool) {
	for _, q := range p.quals {
		if q.Key == k {
			return q.Value, true
		}
	}
	return "", false
}

// covers reports whether the pattern p (a purl from a VEX statement or an
// ignore rule) covers the concrete purl c (a finding's package): type,
// namespace and name equal; p's version, when it has one, equal to c's;
// p's subpath, when it has one, equal to c's; every qualifier of p present
// in c with the same value.
func (p pkgID) covers(c pkgID) bool {
	if p.typ != c.typ || p.ns != c.ns || p.name != c.name {
		return false
	}
	if p.version != "" && p.version != c.version {
		return false
	}
	if p.subpath != "" && p.subpath != c.subpath {
		return false
	}
	for _, q := range p.quals {
		if v, ok := c.qual(q.Key); !ok || v != q.Value {
			return false
		}
	}
	return true
}

// imageRef is a parsed container image reference such as
// "registry.k8s.io/kube-apiserver:v1.26.0" or "nginx@sha256:...".
type imageRef struct {
	repo   string // registry and path, normalized: "docker.io/library/nginx"
	name   string // last path segment: "nginx"
	tag    string
	digest string
}

// parseImageRef parses s as an image reference. It reports false for
// anything that does not look like one.
func parseImageRef(s string) (imageRef, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\r\n?#\\") || strings.Contains(s, "://") {
		return imageRef{}, false
	}
	var ref imageRef
	if at := strings.IndexByte(s, '@'); at >= 0 {
		ref.digest = s[at+1:]
		s = s[:at]
		if !validDigest(ref.digest) {
			return imageRef{}, false
		}
	}
	if c := strings.LastIndexByte(s, ':'); c > strings.LastIndexByte(s, '/') {
		ref.tag = s[c+1:]
		s = s[:c]
		if ref.tag == "" {
			return imageRef{}, false
		}
	}
	repo, ok := normalizeRepo(s)
	if !ok {
		return imageRef{}, false
	}
	ref.repo = repo
	ref.name = repo[strings.LastIndexByte(repo, '/')+1:]
	return ref, true
}

// validDigest reports whether d looks like "algorithm:hex".
func validDigest(d string) bool {
	alg, hex, ok := strings.Cut(d, ":")
	return ok && alg != "" && hex != "" && !strings.ContainsAny(hex, ":@/")
}

// normalizeRepo lowercases a repository (registry and path, no tag or
// digest) and fills in Docker Hub's defaults: "nginx" becomes
// "docker.io/library/nginx", "index.docker.io/x/y" becomes
// "docker.io/x/y". A leading "https://" or "http://" is removed.
func normalizeRepo(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "https://")
	s = strings.TrimPrefix(s, "http://")
	s = strings.TrimSuffix(s, "/")
	if s == "" {
		return "", false
	}
	segs := strings.Split(s, "/")
	for _, seg := range segs {
		if seg == "" || seg == "." || seg == ".." {
			return "", false
		}
	}
	registry := "docker.io"
	if len(segs) > 1 && (strings.ContainsAny(segs[0], ".:") || segs[0] == "localhost") {
		registry, segs = segs[0], segs[1:]
	}
	if registry == "index.docker.io" || registry == "registry-1.docker.io" {
		registry = "docker.io"
	}
	if registry == "docker.io" && len(segs) == 1 {
		segs = []string{"library", segs[0]}
	}
	return registry + "/" + strings.Join(segs, "/"), true
}

// coversImage reports whether the pkg:oci purl p identifies the image ref:
// the purl's name equals the last segment of the image's repository; its
// version (a digest), when present, equals the image's digest; its
// repository_url and tag qualifiers, when present, equal the image's
// repository and tag. A purl with any other qualifier (arch, os...) or a
// subpath never matches an image reference, because a reference cannot
// show them: suppression errs on the side of not hiding a finding.
func (p pkgID) coversImage(ref imageRef) bool {
	if p.typ != "oci" || p.ns != "" || p.subpath != "" || !strings.EqualFold(p.name, ref.name) {
		return false
	}
	if p.version != "" && !strings.EqualFold(p.version, ref.digest) {
		return false
	}
	for _, q := range p.quals {
		switch q.Key {
		case "repository_url":
			repo, ok := normalizeRepo(q.Value)
			if !ok || repo != ref.repo {
				return false
			}
		case "tag":
			if q.Value != ref.tag {
				return false
			}
		default:
			return false
		}
	}
	return true
}
