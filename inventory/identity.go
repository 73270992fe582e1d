package inventory

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/package-url/packageurl-go"
)

// ErrInvalidID reports an asset identity that cannot be built: an
// unparsable purl, an empty name.
var ErrInvalidID = errors.New("inventory: invalid asset identity")

// ID returns the canonical identity of an asset of kind k with key key:
// "kind:key". Use the helpers for kinds whose key needs normalizing:
// [ComponentID], [ImageID], [RepositoryID].
func ID(k Kind, key string) string { return string(k) + ":" + key }

// NormalizePURL parses a package URL and returns it in canonical form:
// type, namespace and name normalized as the purl specification says for
// the type (lowercase npm scopes are not forced, PyPI names are lowercased
// with "_" as "-"), qualifiers sorted, with one exception to
// packageurl-go's rules: Go module paths (type golang) keep their case,
// because Go module paths are case-sensitive (github.com/BurntSushi/toml
// and github.com/burntsushi/toml are different modules).
func NormalizePURL(s string) (string, error) {
	p, err := ParsePURL(s)
	if err != nil {
		return "", err
	}
	return p.ToString(), nil
}

// ParsePURL parses a package URL with packageurl-go, except that Go module
// paths (type golang) keep the case they are written in: packageurl-go
// lowercases them, but Go module paths are case-sensitive. It fails, with
// an error wrapping [ErrInvalidID], on a purl that does not parse or has
// no name.
func ParsePURL(s string) (packageurl.PackageURL, error) {
	s = strings.TrimSpace(s)
	p, err := packageurl.FromString(s)
	if err != nil {
		return p, fmt.Errorf("%w: purl %q: %v", ErrInvalidID, s, err)
	}
	if p.Name == "" {
		return p, fmt.Errorf("%w: purl %q has no name", ErrInvalidID, s)
	}
	if p.Type == packageurl.TypeGolang {
		// Recover the case packageurl-go lowercased.
		ns, name, ok := rawNamespaceName(s)
		if ok && strings.EqualFold(ns, p.Namespace) && strings.EqualFold(name, p.Name) {
			p.Namespace, p.Name = ns, name
		}
	}
	return p, nil
}

// rawNamespaceName returns the namespace and name of a purl string as
// written (percent-decoded), without the case folding of its parser.
func rawNamespaceName(s string) (ns, name string, ok bool) {
	rest, found := strings.CutPrefix(s, "pkg:")
	if !found {
		return "", "", false
	}
	rest = strings.TrimLeft(rest, "/")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.Trim(rest, "/")
	i := strings.Index(rest, "/")
	if i < 0 {
		return "", "", false
	}
	path := rest[i+1:] // drop the type
	j := strings.LastIndex(path, "/")
	rawNS, rawName := "", path
	if j >= 0 {
		rawNS, rawName = path[:j], path[j+1:]
	}
	var segs []string
	for _, seg := range strings.Split(rawNS, "/") {
		if seg == "" {
			continue
		}
		d, err := url.PathUnescape(seg)
		if err != nil {
			return "", "", false
		}
		segs = append(segs, d)
	}
	n, err := url.PathUnescape(rawName)
	if err != nil {
		return "", "", false
	}
	return strings.Join(segs, "/"), n, true
}

// ComponentID returns the identity of the component a purl names:
// "component:" and the normalized purl without qualifiers and subpath (the
// same package at the same version is one component, whichever document
// adds an arch or a repository URL). The version is kept.
func ComponentID(purl string) (string, error) {
	p, err := ParsePURL(purl)
	if err != nil {
		return "", err
	}
	p.Qualifiers, p.Subpath = nil, ""
	return ID(KindComponent, p.ToString()), nil
}

// PackageKey returns a purl's package identity without version, qualifiers
// or subpath ("pkg:npm/lodash"): what stays the same across upgrades.
func PackageKey(purl string) (string, error) {
	p, err := ParsePURL(purl)
	if err != nil {
		return "", err
	}
	p.Qualifiers, p.Subpath, p.Version = nil, "", ""
	return p.ToString(), nil
}

// ImageID returns the identity of a container image: by digest when one is
// known ("image:sha256:..."), else by the normalized reference
// ("image:docker.io/library/nginx:1.25"). A reference with a digest
// ("repo@sha256:...") is identified by its digest.
func ImageID(ref, digest string) (string, error) {
	if digest == "" {
		if i := strings.LastIndex(ref, "@"); i >= 0 {
			digest = ref[i+1:]
		}
	}
	if digest != "" {
		algo, hex, ok := strings.Cut(strings.ToLower(strings.TrimSpace(digest)), ":")
		if !ok || algo == "" || hex == "" {
			return "", fmt.Errorf("%w: image digest %q", ErrInvalidID, digest)
		}
		return ID(KindImage, algo+":"+hex), nil
	}
	n := NormalizeImageRef(ref)
	if n == "" {
		return "", fmt.Errorf("%w: empty image reference", ErrInvalidID)
	}
	return ID(KindImage, n), nil
}

// NormalizeImageRef expands a Docker image reference the way Docker does:
// "nginx" is "docker.io/library/nginx:latest", "acme/app:1" is
// "docker.io/acme/app:1"; registry hosts are lowercased.
func NormalizeImageRef(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	first, rest, hasSlash := strings.Cut(ref, "/")
	if !hasSlash || (!strings.ContainsAny(first, ".:") && first != "localhost") {
		// No registry host: Docker Hub.
		if !hasSlash {
			ref = "docker.io/library/" + ref
		} else {
			ref = "docker.io/" + ref
		}
	} else {
		ref = strings.ToLower(first) + "/" + rest
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if !strings.Contains(last, ":") {
		ref += ":latest"
	}
	return ref
}

// RepositoryID returns the identity of a source repository from its URL in
// any common form (https, ssh, scp-like "git@host:org/repo.git", with or
// without ".git"): "repository:host/path", host lowercased, path case
// kept except on github.com and gitlab.com, which treat paths
// case-insensitively.
func RepositoryID(rawURL string) (string, error) {
	n, err := NormalizeRepoURL(rawURL)
	if err != nil {
		return "", err
	}
	return ID(KindRepository, n), nil
}

// NormalizeRepoURL returns "host/path" for a repository URL (see
// [RepositoryID]).
func NormalizeRepoURL(rawURL string) (string, error) {
	s := strings.TrimSpace(rawURL)
	if s == "" {
		return "", fmt.Errorf("%w: empty repository URL", ErrInvalidID)
	}
	s = strings.TrimPrefix(s, "git+")
	var host, path string
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("%w: repository URL %q: %v", ErrInvalidID, rawURL, err)
		}
		host, path = u.Hostname(), u.Path
	} else if at := strings.Index(s, "@"); at >= 0 && strings.Contains(s[at:], ":") {
		// scp-like: git@github.com:org/repo.git
		hp := s[at+1:]
		host, path, _ = strings.Cut(hp, ":")
	} else {
		host, path, _ = strings.Cut(s, "/")
	}
	host = strings.ToLower(host)
	path = strings.Trim(path, "/")
	path = strings.TrimSuffix(path, ".git")
	if host == "" || path == "" {
		return "", fmt.Errorf("%w: repository URL %q has no host or path", ErrInvalidID, rawURL)
	}
	if host == "github.com" || host == "gitlab.com" || host == "www.github.com" {
		host = strings.TrimPrefix(host, "www.")
		path = strings.ToLower(path)
	}
	return host + "/" + path, nil
}

// ImageAsset returns the image asset a reference names ("registry/repo:tag",
// "repo@sha256:...", "repo:tag@sha256:..."), with digest overriding the
// reference's: its ID ([ImageID]), Name (the reference without
// digest), Version (the tag) and Digest. A sha256 digest must have 64
// hexadecimal digits.
func ImageAsset(ref, digest string) (Asset, error) {
	ref = strings.TrimSpace(ref)
	digest = strings.TrimSpace(digest)
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		if i == len(ref)-1 {
			return Asset{}, fmt.Errorf("%w: image reference %q has an empty digest", ErrInvalidID, ref)
		}
		if digest == "" {
			digest = ref[i+1:]
		}
		ref = ref[:i]
	}
	if ref == "" && digest == "" {
		return Asset{}, fmt.Errorf("%w: empty image reference", ErrInvalidID)
	}
	if strings.ContainsAny(ref, " \t\r\n") {
		return Asset{}, fmt.Errorf("%w: image reference %q contains white space", ErrInvalidID, ref)
	}
	if digest != "" {
		algo, hex, _ := strings.Cut(strings.ToLower(digest), ":")
		if algo == "sha256" && (len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "") {
			return Asset{}, fmt.Errorf("%w: image digest %q is not sha256 and 64 hexadecimal digits", ErrInvalidID, digest)
		}
	}
	id, err := ImageID(ref, digest)
	if err != nil {
		return Asset{}, err
	}
	a := Asset{ID: id, Kind: KindImage, Name: ref, Digest: strings.ToLower(digest)}
	if last := ref[strings.LastIndex(ref, "/")+1:]; strings.Contains(last, ":") {
		a.Version = last[strings.LastIndex(last, ":")+1:]
	}
	return a, nil
}

// EndpointURL returns the canonical form of an endpoint's URL, which names
// its asset ("endpoint:" and the URL): absolute, scheme and host
// lowercased, "/" for an empty path. The catalog and Kubernetes importers
// name endpoints this way, so both describe one asset.
func EndpointURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: endpoint url %q: %v", ErrInvalidID, raw, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%w: endpoint url %q is not absolute (scheme://host/path)", ErrInvalidID, raw)
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if u.Path == "" && u.RawPath == "" {
		u.Path = "/"
	}
	return u.String(), nil
}
