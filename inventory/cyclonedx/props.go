package cyclonedx

import (
	"net/url"
	"slices"
	"strings"

	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/risk"
)

// Names of the CycloneDX properties that carry what CycloneDX has no field
// for. [Write] writes them, [Read] reads them back; each is a property of
// the component or service the asset is written as.
const (
	// PropertyExposure carries [inventory.Asset.Exposure]: internet,
	// internal or isolated.
	PropertyExposure = "aspm:exposure"
	// PropertyEnvironment carries [inventory.Asset.Environment]:
	// production, staging, development or test.
	PropertyEnvironment = "aspm:environment"
	// PropertyCriticality carries [inventory.Asset.Criticality]: critical,
	// high, medium or low.
	PropertyCriticality = "aspm:criticality"
	// PropertyDataClass carries [inventory.Asset.DataClass]: restricted,
	// confidential, internal or public.
	PropertyDataClass = "aspm:data-class"
	// PropertyDataTag carries one entry of [inventory.Asset.DataTags]; it
	// repeats.
	PropertyDataTag = "aspm:data-tag"
	// PropertyOwner carries [inventory.Asset.Owner], the ID of the owning
	// team or person.
	PropertyOwner = "aspm:owner"
	// PropertySource carries one entry of [inventory.Asset.Sources]; it
	// repeats.
	PropertySource = "aspm:source"
	// PropertyDigest carries [inventory.Asset.Digest] when neither the purl
	// nor the version of the component says it.
	PropertyDigest = "aspm:digest"
	// PropertyKind carries [inventory.Asset.Kind] when the component's type
	// would be read as another kind (a component of type application
	// without a purl, say): application, component or image on
	// components, service on services.
	PropertyKind = "aspm:kind"
	// PropertyContains names, by bom-ref, a component or service that the
	// one carrying the property contains but that is not nested in it
	// (CycloneDX nests each component once; the graph may give a component
	// several containers). It repeats.
	PropertyContains = "aspm:contains"
)

// Keys of [inventory.Asset.Properties] under which [Read] keeps CycloneDX
// fields that the asset model has no field for, and from which [Write]
// restores them. Other properties of a component or service are kept
// under their own names.
const (
	// KeyType is a component's type when its kind does not say it
	// (anything but library for kind component).
	KeyType = "cyclonedx:type"
	// KeyGroup is a component's or service's group; the asset's Name is
	// "group/name".
	KeyGroup = "cyclonedx:group"
	// KeyScope is a component's scope, required, optional or excluded,
	// when no depends_on edge into the component carries it.
	KeyScope = "cyclonedx:scope"
	// KeyAuthenticated is a service's authenticated flag, "true" or
	// "false".
	KeyAuthenticated = "cyclonedx:authenticated"
	// KeyTrustBoundary is a service's x-trust-boundary flag, "true" or
	// "false".
	KeyTrustBoundary = "cyclonedx:x-trust-boundary"
	// KeyTrustZone is a service's trustZone (1.6).
	KeyTrustZone = "cyclonedx:trust-zone"
	// KeyData lists a service's data classifications as written, distinct,
	// sorted, one per line.
	KeyData = "cyclonedx:data"
	// KeyPURL keeps a purl that does not parse (see
	// [Options.AllowInvalidPURLs]).
	KeyPURL = "cyclonedx:purl"
)

var (
	exposures     = []risk.Exposure{risk.ExposureInternet, risk.ExposureInternal, risk.ExposureIsolated}
	environments  = []risk.Environment{risk.EnvironmentProduction, risk.EnvironmentStaging, risk.EnvironmentDevelopment, risk.EnvironmentTest}
	criticalities = []risk.Criticality{risk.CriticalityCritical, risk.CriticalityHigh, risk.CriticalityMedium, risk.CriticalityLow}
	// dataClasses runs from most to least sensitive.
	dataClasses = []risk.DataSensitivity{risk.DataRestricted, risk.DataConfidential, risk.DataInternal, risk.DataPublic}
)

// moreExposed returns the more exposed of two exposures (b when a is
// unknown).
func moreExposed(a, b risk.Exposure) risk.Exposure {
	if a.Rank() > 0 && a.Rank() >= b.Rank() {
		return a
	}
	return b
}

// moreSensitive returns the more sensitive of two data classes.
func moreSensitive(a, b risk.DataSensitivity) risk.DataSensitivity {
	ia, ib := slices.Index(dataClasses, a), slices.Index(dataClasses, b)
	if ia < 0 {
		return b
	}
	if ib < 0 || ia < ib {
		return a
	}
	return b
}

// classify maps a data classification to a regulated data tag and a data
// class: PII is personal data (confidential), PHI and PCI are regulated
// (restricted), and the four class names stand for themselves. Others map
// to nothing.
func classify(c string) (tag string, class risk.DataSensitivity) {
	switch strings.ToLower(c) {
	case "pii":
		return inventory.DataPII, risk.DataConfidential
	case "phi":
		return inventory.DataPHI, risk.DataRestricted
	case "pci":
		return inventory.DataPCI, risk.DataRestricted
	case "restricted":
		return "", risk.DataRestricted
	case "confidential":
		return "", risk.DataConfidential
	case "internal":
		return "", risk.DataInternal
	case "public":
		return "", risk.DataPublic
	}
	return "", ""
}

// joinGroup is the asset name of a CycloneDX group and name.
func joinGroup(group, name string) string {
	if group == "" {
		return name
	}
	return group + "/" + name
}

// isDigest reports whether s has the form of an OCI content digest
// ("sha256:" and hex).
func isDigest(s string) bool {
	algo, hex, ok := strings.Cut(s, ":")
	if !ok || len(hex) < 32 {
		return false
	}
	switch algo {
	case "sha256", "sha384", "sha512":
	default:
		return false
	}
	for _, c := range hex {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// purlParts returns the type, the "namespace/name" and the version of a
// normalized purl, percent-decoded.
func purlParts(purl string) (typ, name, version string) {
	rest, ok := strings.CutPrefix(purl, "pkg:")
	if !ok {
		return "", "", ""
	}
	rest = strings.TrimLeft(rest, "/")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		version, rest = unescape(rest[i+1:]), rest[:i]
	}
	typ, path, _ := strings.Cut(strings.Trim(rest, "/"), "/")
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			segs = append(segs, unescape(s))
		}
	}
	return strings.ToLower(typ), strings.Join(segs, "/"), version
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// ociDigest returns the digest an OCI purl's version holds, or "".
func ociDigest(purl string) string {
	typ, _, version := purlParts(purl)
	if typ == "oci" && isDigest(version) {
		return version
	}
	return ""
}

// normalizeSpace trims s and collapses runs of white space to one space.
func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
