// Package catalog reads a declarative catalog of applications into an
// [inventory.Graph]: what no SBOM knows, such as who owns a service, where
// it runs, whether the internet reaches it and which data it holds.
//
// The format is in the spirit of Backstage's catalog-info.yaml, but flat
// and small: one document lists people, teams, environments, data stores
// and applications, and applications contain their repositories and
// services. Everything a catalog refers to, it declares; [Read] checks
// every reference and every value before it adds anything to the graph.
//
// # Format
//
// A catalog is one YAML document, or the same structure in JSON. A full
// example, with every field:
//
//	apiVersion: aspm/v1          # required, as is kind
//	kind: Catalog
//	people:
//	  - name: alice              # person:alice
//	    title: Alice Moreau      # title, email, chat, github: properties
//	    email: alice@acme.example
//	    chat: "@alice"
//	    github: alice-moreau     # the GitHub login (see package codeowners)
//	teams:
//	  - name: payments           # team:payments
//	    title: Payments
//	    email: payments@acme.example
//	    github: acme/payments    # the GitHub team, as CODEOWNERS writes it
//	    members: [alice]         # people; the "members" property
//	environments:
//	  - name: production         # environment:production
//	    type: production         # production, staging, development or test;
//	                             # may be left out when the name is one of them
//	data_stores:
//	  - name: orders-db          # data_store:orders-db
//	    type: postgresql         # a property
//	    owner: payments          # owned_by edge
//	    environment: production  # runs_in edge
//	    exposure: internal
//	    criticality: critical
//	    data: {class: restricted, tags: [PCI, PII]}
//	applications:
//	  - name: checkout           # application:checkout
//	    title: Checkout
//	    description: Cart, checkout and order management.
//	    owner: team:payments     # "team:NAME", "person:NAME" or a bare name
//	    criticality: critical    # critical, high, medium or low
//	    exposure: internet       # internet, internal or isolated
//	    data:
//	      class: restricted      # restricted, confidential, internal or public
//	      tags: [PCI, PII]       # PII, PCI, PHI
//	    environments: [production]        # runs_in edges
//	    data_stores: [orders-db]          # stores_data_in edges
//	    tags: [tier-1]
//	    properties: {runbook: https://wiki.acme.example/checkout}
//	    repositories:                     # contains edges
//	      - https://github.com/acme/checkout
//	      - url: git@github.com:acme/checkout-infra.git
//	        owner: alice
//	    services:                         # contains edges
//	      - name: shop/checkout-api       # service:shop/checkout-api
//	        owner: person:alice
//	        exposure: internet
//	        environments: [production]
//	        images:                       # deploys edges
//	          - ghcr.io/acme/checkout-api:2.3.1
//	          - ref: ghcr.io/acme/worker:2.3.1
//	            digest: sha256:d737056eff789f916ba6eed388879a67ea8ae501eb9ccdd185ddcc9cd7daafb3
//	        endpoints:                    # exposes edges
//	          - https://shop.acme.example/api/checkout
//	          - url: https://shop.acme.example/api/admin
//	            exposure: internal
//	        data_stores: [orders-db]
//	        calls: [payments/gateway]     # calls edges, to services declared anywhere
//	      - name: payments/gateway
//	        exposure: internal
//	edges:              # any other edge, between assets of the catalog or the graph
//	  - from: service:shop/checkout-api
//	    type: depends_on
//	    to: component:pkg:golang/github.com/acme/checkout@v2.3.1
//
// The fields name, title, description, tags and properties are accepted
// on every entity; owner, exposure, criticality and data on applications,
// repositories, services and data stores; email, chat and github on people
// and teams. Any other field is an error, except those whose name begins
// with "x-", which are ignored, for extensions. YAML anchors, aliases and
// merge keys ("<<") work as YAML defines them.
//
// # Assets and edges
//
// Asset IDs follow package inventory: "application:NAME", "service:NAME",
// "team:NAME", "person:NAME", "environment:NAME", "data_store:NAME";
// repositories by [inventory.RepositoryID], images by [inventory.ImageID]
// (by digest when the reference or the digest field gives one, see
// [ImageAsset]) and endpoints by their canonical URL ([EndpointURL]). Name
// services "namespace/name", as package k8s names workloads, and the
// catalog and the cluster's manifests describe one asset.
//
// An application contains its repositories and services; an owner gives
// an owned_by edge and sets Asset.Owner; environments give runs_in edges,
// and an asset's environment is the most production-like of them; a
// service deploys its images, exposes its endpoints, calls other services
// and stores data in data stores. An endpoint without an exposure takes
// its service's. A data classification with tags but no class takes the
// class the tags imply: restricted for PCI or PHI, confidential for PII.
// Properties given under "properties" lose to the named fields (title,
// email, type...) of the same name.
//
// Explicit edges join any two assets the catalog declares or the graph
// already holds, so a catalog can link its applications to the
// components of an SBOM read before it.
//
// # Errors
//
// Names are unique within their kind, services across applications.
// Every problem is an [*Error] giving the line, the column and the path of
// the offending field ("applications[0].services[1].owner"), wrapping
// [ErrSyntax], [ErrInvalid], [ErrUnsupported] or [ErrLimit].
//
// # Hostile input
//
// The input is held to limits while it is read: at most
// [Options.MaxBytes]; in JSON, no string longer than limits.MaxStringBytes
// (16 MiB) and no nesting deeper than limits.MaxDepth (512); in YAML, no
// line longer than limits.MaxStringBytes. Each is [ErrLimit] at its line
// and column, the read stopped there. Beyond that:
//
//   - Aliases are followed with a budget of ten visits per node of the
//     document (plus 10,000): an alias bomb is [ErrLimit], when the schema
//     does not reject it first (nested lists where names go are
//     [ErrInvalid] at the first alias).
//   - YAML nested deeper than 10,000 is [ErrSyntax] with its line; invalid
//     UTF-8 in YAML is [ErrSyntax] at the offending byte; in JSON it
//     becomes U+FFFD, as encoding/json does.
//   - A catalog is one YAML document: empty ones around it are ignored,
//     a second with content is [ErrInvalid].
//   - A key given twice, in YAML or JSON, is [ErrInvalid] ("given
//     twice"), at the second.
//   - A number where text goes (a name 1e400) is read as the text written.
package catalog
