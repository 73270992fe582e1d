// Package cyclonedx imports CycloneDX SBOMs, SaaSBOMs and HBOMs into an
// [inventory.Graph] and exports a graph as a CycloneDX 1.6 BOM.
//
// [Read] adds what a BOM describes to a graph and returns a [Result];
// [Write] writes a graph back, in JSON or XML ([WriteOptions]). A graph
// read from a BOM and written with its [Result.Root] reads back as the same
// graph: the same assets, with the same IDs, kinds and attributes, and the
// same edges.
//
// # Versions and syntaxes
//
// Read takes JSON and XML of specVersion 1.0 to 1.7. JSON must have
// "bomFormat": "CycloneDX" and a "specVersion" from "1.0" to "1.7"; XML a
// root <bom> in the namespace http://cyclonedx.org/schema/bom/1.N, N from 0
// to 7. The syntax is chosen by the first byte after an optional UTF-8 byte
// order mark and white space: '<' is XML. Components, services and
// dependencies are decoded with github.com/CycloneDX/cyclonedx-go, which
// reads every version of both syntaxes, the 1.1 dependency graph extension
// included; a small reader of this package checks the XML root and reads
// the data classifications of XML services in both of their forms (the
// <classification> elements of 1.2–1.4, which cyclonedx-go skips, and the
// <dataflow> elements of 1.5+). The sections the graph has no use for
// (vulnerabilities, tools, compositions, formulation...) are not decoded, so
// a VEX document imports its metadata.component and components, if any,
// and a document with nothing to import gives an empty [Result].
//
// # Components
//
// metadata.component, the document's subject, becomes the root asset
// ([Result.Root]); the components list and the components nested in either
// become assets too, each nested one with a contains edge from its parent.
// The kind comes from the component type:
//
//	container                       image
//	application, the subject        application
//	application with no purl        application
//	application with a purl         component (a purl names a package)
//	no type, the subject            application
//	anything else                   component (type kept, see below)
//
// An asset's Name is the component's name, prefixed by its group and "/"
// when it has one ("org.apache.logging.log4j/log4j-core"); Version,
// Licenses (license id, else name, else expression) and Tags are the
// component's. A purl is normalized ([inventory.NormalizePURL]). Identity
// follows package inventory: a component by purl ([inventory.ComponentID])
// else by name and version, an image by digest ([inventory.ImageID]: the
// version of an OCI purl, else a version of the form "sha256:...") else by
// name, an application by name. A metadata.component with no name, group,
// purl or version (osv-scalibr writes one) names no subject.
//
// CycloneDX fields the asset model has no field for are kept in
// [inventory.Asset.Properties] under "cyclonedx:" keys: the type of a
// component other than a library ([KeyType]), the group ([KeyGroup]), the
// scope when no depends_on edge carries it ([KeyScope]). The component's
// own properties are kept under their
// names (the values of a repeated name joined by newlines), except the
// "aspm:" ones (see below).
//
// # Dependencies
//
// Each dependsOn entry of the dependency graph is an edge: calls between
// two services, depends_on otherwise. A ref resolves to the component or
// service with that bom-ref; a ref that is no bom-ref of the document but
// a purl names the component of that purl, which is added to the graph
// (cdxgen writes such refs); any other ref is listed in
// [Result.Unresolved] and makes no edge. A bom-ref naming two different
// assets is [ErrInvalid].
//
// A depends_on edge's scope is its target's: required is runtime,
// optional is optional, and excluded (not part of what runs: build, test
// and development tools) is dev. Its relationship is direct when it leaves
// the document's subject, transitive when it leaves anything the subject
// reaches through the dependency graph, and unknown otherwise (no subject,
// or a part of the graph the subject does not reach). The provides
// relation of 1.6 is not imported.
//
// # Services
//
// Services, nested ones included, become service assets (identity
// "service:" and the name, with its group), a nested one with a contains
// edge from its parent; each endpoint URL becomes an endpoint asset with an
// exposes edge from its service. x-trust-boundary is an exposure hint:
// data crossing a trust boundary reaches the service from outside its zone,
// so true reads as internet exposure and false as internal; an endpoint
// gets the exposure of the most exposed service that exposes it. Data classifications (service.data, in either
// form) become data tags and a data class: PII is [inventory.DataPII] and
// confidential, PHI and PCI are [inventory.DataPHI] and [inventory.DataPCI]
// and restricted, and restricted, confidential, internal and public stand
// for themselves (case ignored); the most sensitive class wins. The
// classifications as written are kept in [KeyData], authenticated in
// [KeyAuthenticated], x-trust-boundary in [KeyTrustBoundary], trustZone in
// [KeyTrustZone].
//
// # aspm properties
//
// What CycloneDX has no field for travels in properties whose names start
// with "aspm:": exposure, environment, criticality, data class, data tags,
// owner, sources, an image digest, a kind, and containment that nesting
// cannot say ([PropertyExposure] and the other Property constants). Write
// writes them; Read reads them on components and services, where they
// replace what the CycloneDX fields said (an aspm:exposure wins over
// x-trust-boundary). A value outside its vocabulary is [ErrInvalid]; an
// "aspm:" name this package does not know is kept as a plain property.
//
// # Export
//
// Write writes CycloneDX 1.6, everything in ID order, with bom-refs that
// are asset IDs. Components, images and applications are components
// (types library or [KeyType], container, application); services are
// services, with the endpoints they expose. Contains edges nest: a
// component or service is nested in its container (the one of smallest ID
// when there are several), and the containment nesting cannot carry (a
// second container, a cycle, a service in a component) is written as
// aspm:contains properties. depends_on and calls edges make the dependency
// graph; a component's scope is the most significant scope of the
// depends_on edges into it, else its [KeyScope]. Licenses are written as
// one SPDX expression when there is a single one of that form, by name
// otherwise. [WriteOptions.Root] is written as
// metadata.component, and the serial number and timestamp are options, so
// the output depends on the graph and the options only.
//
// CycloneDX has no place for repositories, hosts, cloud resources, data
// stores, teams, people and environments, nor for deploys, runs_in,
// owned_by and stores_data_in edges: Write leaves them out, or fails with
// [ErrUnsupported] when [WriteOptions.Strict] is set. Strict also reports
// what would read back differently (an identity, a scope or a relationship
// that the dependency graph does not reproduce).
//
// # Errors and limits
//
// Bad input gives an [*Error] naming the file, the place (byte offset with
// line and column for syntax errors and limits; the path of the offending
// value, like "components[3].purl", for the rest) and the cause, which
// wraps [ErrSyntax], [ErrInvalid], [ErrUnsupported] or [ErrLimit]. The BOM
// is read whole, bounded by [Options.Limits], and checked entirely before
// the graph changes: on error, the graph is left as it was.
//
// The limits are checked as the BOM is read, by a guard of its syntax, so
// that a hostile document stops the read where it breaks one (a 500 MB
// string after about MaxStringBytes). For XML, the guard of
// internal/xmlstream bounds text nodes, attribute values, comments, CDATA
// sections, processing instructions and DOCTYPEs to MaxStringBytes in raw
// bytes, tags to 64 KiB of names and spaces, and nesting to MaxDepth. No
// XML entity is expanded but XML's five and character references: an
// entity bomb or an external entity (XXE) is [ErrSyntax], and no file a
// DOCTYPE names is ever read; invalid UTF-8 and a NUL are [ErrSyntax]. An
// element given twice where one is expected (a component's purl) is not
// rejected: the last one wins, as encoding/xml decodes it.
//
// For JSON, a key given twice is not rejected either: the last one wins,
// as encoding/json decodes it. Invalid UTF-8 in a string becomes U+FFFD.
// A number out of range where an integer is read (1e400 as an evidence
// line) is [ErrInvalid] with its line, column and field.
//
// # Concurrency
//
// Read modifies its graph and must not run concurrently with other users
// of it; Write only reads its graph. [Options], [WriteOptions] and [Result]
// are plain values.
package cyclonedx
