package inventory

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestComponentID(t *testing.T) {
	tests := []struct{ in, want, pkg string }{
		{"pkg:npm/lodash@4.17.21", "component:pkg:npm/lodash@4.17.21", "pkg:npm/lodash"},
		{"pkg:npm/%40angular/core@16.0.0", "component:pkg:npm/%40angular/core@16.0.0", "pkg:npm/%40angular/core"},
		// Go module paths are case-sensitive: packageurl-go lowercases them, aspm does not.
		{"pkg:golang/github.com/BurntSushi/toml@v1.3.2", "component:pkg:golang/github.com/BurntSushi/toml@v1.3.2", "pkg:golang/github.com/BurntSushi/toml"},
		{"pkg:golang/github.com/Masterminds/semver/v3@v3.2.1?type=module", "component:pkg:golang/github.com/Masterminds/semver/v3@v3.2.1", "pkg:golang/github.com/Masterminds/semver/v3"},
		{"pkg:pypi/Django_Rest@3.0", "component:pkg:pypi/django-rest@3.0", "pkg:pypi/django-rest"},
		{"pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12", "component:pkg:deb/debian/libc6@2.36-9", "pkg:deb/debian/libc6"},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "component:pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			id, err := ComponentID(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, id)
			pkg, err := PackageKey(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.pkg, pkg)
		})
	}
	for _, bad := range []string{"", "lodash", "pkg:", "pkg:npm/", "npm/lodash@1"} {
		_, err := ComponentID(bad)
		assert.ErrorIs(t, err, ErrInvalidID, bad)
	}
	n, err := NormalizePURL("pkg:golang/github.com/BurntSushi/toml@v1.3.2?type=module")
	require.NoError(t, err)
	assert.Equal(t, "pkg:golang/github.com/BurntSushi/toml@v1.3.2?type=module", n)
}

func TestImageID(t *testing.T) {
	tests := []struct{ ref, digest, want string }{
		{"nginx", "", "image:docker.io/library/nginx:latest"},
		{"nginx:1.25", "", "image:docker.io/library/nginx:1.25"},
		{"acme/app:2", "", "image:docker.io/acme/app:2"},
		{"GHCR.io/acme/app:2", "", "image:ghcr.io/acme/app:2"},
		{"localhost:5000/app", "", "image:localhost:5000/app:latest"},
		{"nginx@sha256:ABCDEF", "", "image:sha256:abcdef"},
		{"whatever:1", "sha256:0123", "image:sha256:0123"},
	}
	for _, tc := range tests {
		id, err := ImageID(tc.ref, tc.digest)
		require.NoError(t, err, tc.ref)
		assert.Equal(t, tc.want, id, tc.ref)
	}
	_, err := ImageID("", "")
	assert.ErrorIs(t, err, ErrInvalidID)
	_, err = ImageID("x", "nocolon")
	assert.ErrorIs(t, err, ErrInvalidID)
}

func TestRepositoryID(t *testing.T) {
	want := "repository:github.com/acme/payments"
	for _, in := range []string{
		"https://github.com/acme/payments",
		"https://github.com/Acme/Payments.git",
		"git@github.com:acme/payments.git",
		"ssh://git@github.com/acme/payments",
		"git+https://github.com/acme/payments/",
		"github.com/acme/payments",
	} {
		id, err := RepositoryID(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, id, in)
	}
	id, err := RepositoryID("https://git.example.com/Team/Repo.git")
	require.NoError(t, err)
	assert.Equal(t, "repository:git.example.com/Team/Repo", id, "case kept on hosts not known to ignore it")
	for _, bad := range []string{"", "https://github.com", "://"} {
		_, err := RepositoryID(bad)
		assert.ErrorIs(t, err, ErrInvalidID, bad)
	}
}

func FuzzIdentity(f *testing.F) {
	for _, s := range []string{"pkg:golang/github.com/A/B@v1", "pkg:npm/%40a/b@1?x=y#sub", "git@h:o/r.git", "nginx@sha256:00", "pkg:/", "pkg:a/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, err := ComponentID(s); err == nil {
			// The identity is stable: its purl normalizes to itself.
			p := id[len("component:"):]
			again, err := ComponentID(p)
			if err != nil || again != id {
				t.Fatalf("ComponentID(%q) = %q, but ComponentID(%q) = %q, %v", s, id, p, again, err)
			}
		}
		_, _ = PackageKey(s)
		_, _ = NormalizePURL(s)
		_, _ = RepositoryID(s)
		_, _ = ImageID(s, "")
		_ = NormalizeImageRef(s)
	})
}

func TestImageAsset(t *testing.T) {
	hex := strings.Repeat("0f", 32)
	tests := []struct {
		ref, digest string
		want        Asset
		err         string
	}{
		{"nginx", "", Asset{ID: "image:docker.io/library/nginx:latest", Name: "nginx"}, ""},
		{"nginx:1.25", "", Asset{ID: "image:docker.io/library/nginx:1.25", Name: "nginx:1.25", Version: "1.25"}, ""},
		{"localhost:5000/a", "", Asset{ID: "image:localhost:5000/a:latest", Name: "localhost:5000/a"}, ""},
		{"a/b:1@sha256:" + hex, "", Asset{ID: "image:sha256:" + hex, Name: "a/b:1", Version: "1", Digest: "sha256:" + hex}, ""},
		{"a/b", "SHA256:" + strings.ToUpper(hex), Asset{ID: "image:sha256:" + hex, Name: "a/b", Digest: "sha256:" + hex}, ""},
		{"", "sha512:abc", Asset{ID: "image:sha512:abc", Digest: "sha512:abc"}, ""},
		{"", "", Asset{}, "empty image reference"},
		{"a b", "", Asset{}, "white space"},
		{"a@sha256:xyz", "", Asset{}, "64 hexadecimal"},
		{"a@", "", Asset{}, "empty digest"},
		{"a", "nocolon", Asset{}, "invalid asset identity"},
	}
	for _, tt := range tests {
		a, err := ImageAsset(tt.ref, tt.digest)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err, "%q %q", tt.ref, tt.digest)
			continue
		}
		require.NoError(t, err, "%q %q", tt.ref, tt.digest)
		tt.want.Kind = KindImage
		assert.Equal(t, tt.want, a)
	}
}

func TestEndpointURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://Shop.Example.COM":       "https://shop.example.com/",
		"https://shop.example.com/API/":  "https://shop.example.com/API/",
		"grpc://svc:8443":                "grpc://svc:8443/",
		"https://h/a%2Fb":                "https://h/a%2Fb",
		" http://h/x?q=1 ":               "http://h/x?q=1",
		"https://h/api(/|$)(.*)":         "https://h/api%28/%7C$%29%28.%2A%29",
		"https://user@h/p":               "https://user@h/p",
		"https://h:8080/p#frag":          "https://h:8080/p#frag",
		"https://[::1]:8080/p":           "https://[::1]:8080/p",
		"https://xn--bcher-kva.example/": "https://xn--bcher-kva.example/",
	} {
		got, err := EndpointURL(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "/api", "shop.example.com", "http://", "://x", "http://h/%zz"} {
		_, err := EndpointURL(in)
		assert.Error(t, err, in)
	}
}
