package suppress

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPURLCovers(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		purl    string
		want    bool
	}{
		{"no version covers any version", "pkg:npm/lodash", "pkg:npm/lodash@4.17.20", true},
		{"no version covers no version", "pkg:npm/lodash", "pkg:npm/lodash", true},
		{"same version", "pkg:npm/lodash@4.17.20", "pkg:npm/lodash@4.17.20", true},
		{"other version", "pkg:npm/lodash@4.17.20", "pkg:npm/lodash@4.17.21", false},
		{"version but finding has none", "pkg:npm/lodash@4.17.20", "pkg:npm/lodash", false},
		{"other name", "pkg:npm/lodash", "pkg:npm/lodash-es@4.17.20", false},
		{"other type", "pkg:npm/lodash", "pkg:pypi/lodash@1.0", false},
		{"npm scope", "pkg:npm/%40babel/core@7.0.0", "pkg:npm/@babel/core@7.0.0", true},
		{"npm other scope", "pkg:npm/@babel/core", "pkg:npm/@other/core@7.0.0", false},
		{"maven namespace", "pkg:maven/org.apache.logging.log4j/log4j-core", "pkg:maven/org.apache.logging.log4j/log4j-core@2.13.2", true},
		{"maven other namespace", "pkg:maven/org.apache.logging.log4j/log4j-core", "pkg:maven/org.example/log4j-core@2.13.2", false},
		{"qualifier subset", "pkg:maven/a/b@1?type=jar", "pkg:maven/a/b@1?classifier=x&type=jar", true},
		{"qualifier absent from finding", "pkg:maven/a/b@1?type=jar", "pkg:maven/a/b@1", false},
		{"qualifier other value", "pkg:maven/a/b@1?type=jar", "pkg:maven/a/b@1?type=pom", false},
		{"finding has more qualifiers", "pkg:deb/debian/curl", "pkg:deb/debian/curl@7.88?arch=amd64&distro=debian-12", true},
		{"type case-insensitive", "PKG:NPM/lodash", "pkg:npm/lodash@1", true},
		{"pypi name normalized", "pkg:pypi/Django_Rest", "pkg:pypi/django-rest@3.0", true},
		{"version percent-decoded", "pkg:golang/github.com/docker/distribution@v2.7.1%2Bincompatible", "pkg:golang/github.com/docker/distribution@v2.7.1+incompatible", true},
		{"golang same case", "pkg:golang/github.com/Sirupsen/logrus", "pkg:golang/github.com/Sirupsen/logrus@v1.0.0", true},
		{"golang namespace case differs", "pkg:golang/github.com/Sirupsen/logrus", "pkg:golang/github.com/sirupsen/logrus@v1.0.0", false},
		{"golang name case differs", "pkg:golang/github.com/Azure/Go-autorest", "pkg:golang/github.com/Azure/go-autorest@v1", false},
		{"golang versions are case-sensitive", "pkg:golang/example.com/m@v1.0.0-RC1", "pkg:golang/example.com/m@v1.0.0-rc1", false},
		{"subpath must match", "pkg:golang/example.com/m#sub/pkg", "pkg:golang/example.com/m@v1#sub/pkg", true},
		{"subpath differs", "pkg:golang/example.com/m#sub/pkg", "pkg:golang/example.com/m@v1#other", false},
		{"deb namespace lowercased", "pkg:deb/Debian/curl", "pkg:deb/debian/curl@1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := parsePURL(tt.pattern)
			require.True(t, ok, "pattern %q", tt.pattern)
			c, ok := parsePURL(tt.purl)
			require.True(t, ok, "purl %q", tt.purl)
			assert.Equal(t, tt.want, p.covers(c))
		})
	}
}

func TestParsePURLRejects(t *testing.T) {
	for _, s := range []string{"", "lodash", "product-ABC", "ABC:CSAFPID-0002", "pkg:", "pkg:npm", "pkg:maven/@1.3.4", "urn:cdx:x/1#y", "pkg:npm/%zz"} {
		_, ok := parsePURL(s)
		assert.False(t, ok, "%q", s)
	}
}

func TestParseImageRef(t *testing.T) {
	tests := []struct {
		in   string
		want imageRef
		ok   bool
	}{
		{"nginx", imageRef{repo: "docker.io/library/nginx", name: "nginx"}, true},
		{"nginx:1.25", imageRef{repo: "docker.io/library/nginx", name: "nginx", tag: "1.25"}, true},
		{"nginx@sha256:abc", imageRef{repo: "docker.io/library/nginx", name: "nginx", digest: "sha256:abc"}, true},
		{"docker.io/library/nginx:latest@sha256:abc", imageRef{repo: "docker.io/library/nginx", name: "nginx", tag: "latest", digest: "sha256:abc"}, true},
		{"index.docker.io/bitnami/redis", imageRef{repo: "docker.io/bitnami/redis", name: "redis"}, true},
		{"registry.k8s.io/kube-apiserver:v1.26.0", imageRef{repo: "registry.k8s.io/kube-apiserver", name: "kube-apiserver", tag: "v1.26.0"}, true},
		{"localhost:5000/team/app:dev", imageRef{repo: "localhost:5000/team/app", name: "app", tag: "dev"}, true},
		{"GHCR.io/Org/App", imageRef{repo: "ghcr.io/org/app", name: "app"}, true},
		{"", imageRef{}, false},
		{"nginx:", imageRef{}, false},
		{"nginx@sha256", imageRef{}, false},
		{"a//b", imageRef{}, false},
		{"has space", imageRef{}, false},
		{"https://x/y", imageRef{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseImageRef(tt.in)
			require.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCoversImage(t *testing.T) {
	const digest = "sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"
	tests := []struct {
		purl, image string
		want        bool
	}{
		{"pkg:oci/nginx@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0", "nginx@" + digest, true},
		{"pkg:oci/nginx@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0", "docker.io/library/nginx:1.25@" + digest, true},
		{"pkg:oci/nginx@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0", "nginx:1.25", false},
		{"pkg:oci/nginx@sha256%3Aother", "nginx@" + digest, false},
		{"pkg:oci/nginx", "quay.io/x/nginx:any", true},
		{"pkg:oci/nginx?repository_url=docker.io/library/nginx", "nginx:1.25", true},
		{"pkg:oci/nginx?repository_url=quay.io/x/nginx", "nginx:1.25", false},
		{"pkg:oci/kube-apiserver?repository_url=registry.k8s.io/kube-apiserver&tag=v1.26.0", "registry.k8s.io/kube-apiserver:v1.26.0", true},
		{"pkg:oci/kube-apiserver?repository_url=registry.k8s.io/kube-apiserver&tag=v1.26.0", "registry.k8s.io/kube-apiserver:v1.27.0", false},
		{"pkg:oci/nginx?arch=arm64", "nginx:1.25", false},
		{"pkg:oci/redis", "nginx:1.25", false},
		{"pkg:docker/nginx", "nginx:1.25", false},
	}
	for _, tt := range tests {
		t.Run(tt.purl+" "+tt.image, func(t *testing.T) {
			p, ok := parsePURL(tt.purl)
			require.True(t, ok)
			ref, ok := parseImageRef(tt.image)
			require.True(t, ok)
			assert.Equal(t, tt.want, p.coversImage(ref))
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
