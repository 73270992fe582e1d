#!/usr/bin/env bash
# regenerate.sh rebuilds the scan outputs of this demo from scratch: it
# fetches two releases of the Prometheus statsd_exporter from the Go module
# proxy into a temporary directory, adds the Kubernetes manifests of the same
# date under deploy/, runs the pinned scanners on each, and writes their
# reports into the dated folders next to this script. Nothing of the scanned
# sources is kept.
#
# Needs: go (1.25 or later), sed, and network access to the Go module proxy
# and to the vulnerability database. Run from anywhere:
#
#	bash testdata/demo/project/regenerate.sh
#
# Environment:
#
#	GOVULNDB  the database govulncheck reads (default https://vuln.go.dev);
#	          the committed files were made from an offline copy given as
#	          GOVULNDB=file://<dir>, which the report then names
#	          file:///govulndb.
#	TOOLS     "install" (default) builds the pinned tools into a temporary
#	          directory; "path" uses those already on PATH.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module=github.com/prometheus/statsd_exporter
scans=("2026-01-15 v0.25.0" "2026-03-01 v0.28.0")
GOVULNDB=${GOVULNDB:-https://vuln.go.dev}
TOOLS=${TOOLS:-install}

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export GOFLAGS=-buildvcs=false

if [ "$TOOLS" = install ]; then
	export GOBIN="$work/bin" PATH="$work/bin:$PATH"
	# The -X flags give the binaries the version that a release build has, so
	# that the reports name it.
	go install -ldflags "-X main.Version=2.30.0" github.com/securego/gosec/v2/cmd/gosec@v2.30.0
	go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	go install github.com/zricethezav/gitleaks/v8@v8.30.1
	go install golang.org/x/vuln/cmd/govulncheck@v1.9.0
	go install -ldflags "-X main.version=1.52.0" github.com/anchore/syft/cmd/syft@v1.52.0
	go install -ldflags "-X main.version=v1.20.0" github.com/zegl/kube-score/cmd/kube-score@v1.20.0
fi

# scrub FILE SRC removes the temporary directory from a report: file URIs
# under the source become relative to it, and any other mention of the
# directory becomes /src.
scrub() {
	sed -i -e "s#file://$2/##g" -e "s#$2#/src#g" "$1"
	case $GOVULNDB in file://*)
		sed -i "s#\"db\": \"$GOVULNDB\"#\"db\": \"file:///govulndb\"#" "$1"
	esac
}

for scan in "${scans[@]}"; do
	read -r date version <<<"$scan"
	out="$here/$date"
	src="$work/statsd_exporter-$version"
	echo "== $module@$version -> $date" >&2
	mkdir -p "$out"
	dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	cp -R "$dir/." "$src"
	chmod -R u+w "$src"
	mkdir -p "$src/deploy"
	cp "$here/$date/manifests/statsd-exporter.yaml" "$src/deploy/"
	cd "$src"
	go mod download

	gosec -quiet -fmt sarif -out "$out/gosec.sarif" -no-fail ./...
	# staticcheck and kube-score exit 1 when they report something.
	staticcheck -f sarif ./... >"$out/staticcheck.sarif" || [ $? -eq 1 ]
	gitleaks dir . --no-banner --report-format json --report-path "$out/gitleaks.json" --exit-code 0
	govulncheck -db "$GOVULNDB" -format json ./... >"$out/govulncheck.json"
	syft scan dir:. -q --source-name statsd_exporter --source-version "$version" \
		-o "cyclonedx-json=$out/sbom.cdx.json"
	kube-score score -o sarif deploy/statsd-exporter.yaml >"$out/kube-score.sarif" || [ $? -eq 1 ]

	for f in gosec.sarif staticcheck.sarif gitleaks.json govulncheck.json sbom.cdx.json kube-score.sarif; do
		scrub "$out/$f" "$src"
	done
	cd "$here"
done
