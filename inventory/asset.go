package inventory

import (
	"github.com/aspmkit/aspm/risk"
)

// Kind is the type of an asset.
type Kind string

// The asset kinds.
const (
	KindApplication   Kind = "application"    // a business application, the unit owners and auditors think in
	KindRepository    Kind = "repository"     // a source repository
	KindService       Kind = "service"        // a running service or workload
	KindComponent     Kind = "component"      // a package or library, identified by its purl
	KindImage         Kind = "image"          // a container image, identified by digest when known
	KindHost          Kind = "host"           // a machine or VM
	KindCloudResource Kind = "cloud_resource" // a cloud provider resource (bucket, function, queue)
	KindEndpoint      Kind = "endpoint"       // an API endpoint or URL
	KindDataStore     Kind = "data_store"     // a database, bucket or other store of data
	KindTeam          Kind = "team"           // a team that owns assets
	KindPerson        Kind = "person"         // a person who owns assets
	KindEnvironment   Kind = "environment"    // a deployment environment (production, staging...)
)

// Kinds lists every kind, in the order summaries print them.
var Kinds = []Kind{KindApplication, KindRepository, KindService, KindComponent, KindImage, KindHost,
	KindCloudResource, KindEndpoint, KindDataStore, KindTeam, KindPerson, KindEnvironment}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Data tags name regulated classes of data an asset holds.
const (
	DataPII = "PII" // personally identifiable information
	DataPCI = "PCI" // payment card data
	DataPHI = "PHI" // protected health information
)

// Asset is one node of the graph. Attributes use the vocabulary of package
// risk, so an asset's attributes feed scoring directly (see
// [Graph.RiskAsset]).
type Asset struct {
	// ID is the canonical identity, "kind:key" (see [ID]); two sources that
	// describe the same thing produce the same ID.
	ID string `json:"id"`
	// Kind is the asset's type.
	Kind Kind `json:"kind"`
	// Name is the human name: the package name, the image reference, the
	// repository path, the team's name.
	Name string `json:"name"`
	// Version is a component's version or an image's tag.
	Version string `json:"version,omitempty"`
	// PURL is a component's package URL, normalized (see [NormalizePURL]),
	// qualifiers kept.
	PURL string `json:"purl,omitempty"`
	// Digest is an image's content digest ("sha256:...").
	Digest string `json:"digest,omitempty"`
	// URL is a repository's or an endpoint's URL.
	URL string `json:"url,omitempty"`
	// Exposure, Environment and Criticality describe where and how the
	// asset runs and matters.
	Exposure    risk.Exposure    `json:"exposure,omitempty"`
	Environment risk.Environment `json:"environment,omitempty"`
	Criticality risk.Criticality `json:"criticality,omitempty"`
	// DataClass is the most sensitive class of data the asset holds;
	// DataTags names regulated classes ([DataPII], [DataPCI], [DataPHI]).
	DataClass risk.DataSensitivity `json:"data_class,omitempty"`
	DataTags  []string             `json:"data_tags,omitempty"`
	// Owner is the ID of the team or person asset that owns the asset
	// directly; [Graph.Owner] also follows containment.
	Owner string `json:"owner,omitempty"`
	// Tags are free labels.
	Tags []string `json:"tags,omitempty"`
	// Licenses lists a component's license IDs or expressions.
	Licenses []string `json:"licenses,omitempty"`
	// Properties holds other attributes, as strings.
	Properties map[string]string `json:"properties,omitempty"`
	// Sources names the documents that described the asset.
	Sources []string `json:"sources,omitempty"`
}
