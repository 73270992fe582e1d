// Package inventory models an organization's application assets as one
// graph: what exists, how it connects, who owns it, and what is exposed.
//
// # Model
//
// An [Asset] is a node of a [Graph]: an application, repository, service,
// component (a package, by purl), container image, host, cloud resource,
// API endpoint, data store, team, person or environment. Attributes use
// package risk's vocabulary (exposure, environment, criticality, data
// class) so that the graph feeds scoring directly: [Graph.RiskAsset].
// Typed [Edge]s link assets: depends_on (with scope and relationship),
// contains, deploys, runs_in, exposes, owned_by, calls, stores_data_in.
//
// # Identity
//
// Asset IDs are canonical, so that several sources describing one thing
// give one node: components by normalized purl without qualifiers
// ([ComponentID]; Go module paths keep their case), images by digest
// ([ImageID]), repositories by normalized URL ([RepositoryID]), everything
// else by kind and name ([ID]). Adding an asset twice merges the two.
//
// # Queries
//
// [Graph.Dependents] and [Graph.Dependencies] walk the graph transitively;
// [Graph.ExposurePaths] lists the paths from internet-exposed entry points
// to an asset; [Graph.Owner] finds the effective owner, inherited along
// containment; [Graph.BlastRadius] tells what a compromise reaches; [Diff]
// compares two inventories (added, removed, upgraded components).
//
// # Sources
//
// Importers live in subpackages, one per source, each filling a Graph:
// CycloneDX and SPDX SBOMs, a declarative catalog, CODEOWNERS files and
// Kubernetes manifests.
package inventory
