// Package spdx imports SPDX 2 software bills of materials (as Syft, Trivy,
// the SPDX tools and many build plugins write them) into an
// [inventory.Graph]: one asset per package, one edge per dependency or
// containment relationship between packages, and the package the document
// describes as its root.
//
// # Input
//
// [Read] reads SPDX 2.1, 2.2 and 2.3 documents in JSON, YAML and
// tag-value, parsed with github.com/spdx/tools-golang and converted to its
// SPDX 2.3 model. The serialization is recognized by content, after an
// optional UTF-8 byte order mark and white space: '{' is JSON; otherwise a
// line starting with the tag "SPDXVersion:" makes tag-value, and a line
// starting with the key "spdxVersion:" makes YAML. Refused with
// [ErrUnsupported]: RDF/XML and RDF Turtle ([FormatRDF]), SPDX 3 (JSON-LD,
// recognized by "@context", or an spdxVersion of SPDX-3.x), JSON without
// spdxVersion, other SPDX versions, and anything else. A document is read
// whole before it is parsed, so its size is bounded by
// [Options.MaxBytes].
//
// # Packages
//
// Every package becomes one asset:
//
//   - an image when it is a container: its primaryPackagePurpose is
//     CONTAINER, its purl's type is oci or docker, or its SPDXID has the
//     form Trivy and Syft give images (SPDXRef-ContainerImage-...,
//     SPDXRef-DocumentRoot-Image-...). The digest is the purl's version
//     (oci purls are by digest), else versionInfo or the purl's version as
//     written when they are digests; the image is identified by digest,
//     else by its name as an image reference ([inventory.ImageID]).
//   - an application when the document describes it (DESCRIBES,
//     DESCRIBED_BY, or JSON's documentDescribes) and it is not a
//     container: "application:" and its name, or the document's name when
//     the package has none.
//   - a component otherwise: identified by its purl
//     ([inventory.ComponentID]), or by name and version when it has none.
//
// Name is the package's name; Version its versionInfo (for a component
// without one, the purl's version; for an image, empty when it is a
// digest). PURL is the first purl external reference (category
// PACKAGE-MANAGER, type purl) that parses, normalized with its qualifiers
// ([inventory.NormalizePURL]). Licenses are licenseConcluded and
// licenseDeclared, as written, without NOASSERTION and NONE. Properties
// hold "cpe" (the first cpe23Type reference, else the first cpe22Type),
// "spdx:purpose" (primaryPackagePurpose) and "spdx:invalid_purl" (see
// below). Sources is [Options.Name] when it is set. Packages with one
// identity merge into one asset, as [inventory.Graph.Add] merges.
//
// A purl that does not parse does not stop the import: the package keeps
// its other fields, is identified by name and version, keeps the locator
// in "spdx:invalid_purl", and [Result.Warnings] names it. With
// [Options.Strict], it is an error. Real tools write such purls (Trivy's
// image purls with a bad percent escape in repository_url, test
// placeholders such as "a-purl-1").
//
// # Relationships
//
// Relationships map to edges, "A TYPE B" reading as:
//
//	DEPENDS_ON              A depends_on B
//	DEPENDENCY_OF           B depends_on A
//	RUNTIME_DEPENDENCY_OF   B depends_on A, scope runtime
//	DEV_DEPENDENCY_OF       B depends_on A, scope dev
//	BUILD_DEPENDENCY_OF     B depends_on A, scope dev (needed to build, not shipped)
//	TEST_DEPENDENCY_OF      B depends_on A, scope test
//	OPTIONAL_DEPENDENCY_OF  B depends_on A, scope optional
//	PROVIDED_DEPENDENCY_OF  B depends_on A, no scope
//	CONTAINS                A contains B
//	CONTAINED_BY            B contains A
//	DESCRIBES               B is a root (when A is the document)
//	DESCRIBED_BY            A is a root (when B is the document)
//
// Types are matched case-insensitively. [Result.Root] is the first package
// described, in document order, and [Result.Roots] all of them; a document
// that describes no package (SPDX 2.2 allowed omitting DESCRIBES) has no
// root.
//
// Only relationships between two packages of the document give edges.
// Files and snippets are not assets: the inventory tracks packages, and a
// file's findings belong to the package or repository that holds it. So
// relationships to or from files are dropped, and so are relationships of
// other types (GENERATED_FROM, DYNAMIC_LINK, COPY_OF, OTHER...),
// relationships with an end in another document (DocumentRef-...) or NONE
// or NOASSERTION, relationships with the document itself at an end (other
// than DESCRIBES), and relationships naming an undeclared element. None
// of them is dropped silently: [Result.Skipped] counts each, under the
// first reason that applies, in the order of [Skipped]'s fields.
//
// [Result.Edges] counts the distinct edges the document states between
// its packages; the graph may hold fewer, because packages that merge into
// one asset merge their edges and an edge from an asset to itself is not
// linked. A pair of packages related twice, with different scopes, gives
// one edge whose scope is the most significant (see [inventory.Graph.Link]).
//
// # Errors
//
// Bad input gives an [*Error] naming the file, the serialization and, as
// far as it is known, the line, the byte offset and the path of the
// problem ("packages[3]"), wrapping [ErrSyntax], [ErrInvalid],
// [ErrUnsupported] or [ErrLimit]. JSON syntax and type errors carry a
// byte offset and line; YAML syntax errors and tag-value syntax errors
// (a line without a colon, an unclosed <text>) a line. Errors that
// tools-golang reports about the content of a tag-value or YAML document
// carry its message but no position.
//
// The document is parsed and checked before the graph changes: an error in
// the document leaves the graph as it was.
//
// Limits of tools-golang that show through: in tag-value, a snippet must
// follow its file (the SPDX 2.2 tag-value example, with a snippet after a
// package, fails with [ErrInvalid]), and lines are at most 64 KiB
// ([ErrLimit]). tools-golang dereferences nil on a null package; Read
// checks JSON for null packages first ([ErrInvalid]), and converts a panic
// of the parser, which a null package in YAML still causes, into
// [ErrSyntax].
//
// # Hostile input
//
// The input is held to limits while it is read, before any parser sees
// it: at most [Options.MaxBytes]; in JSON, no string longer than
// limits.MaxStringBytes (16 MiB) and no nesting deeper than
// limits.MaxDepth (512); in YAML and tag-value, no line longer than
// limits.MaxStringBytes. Each stops the read with [ErrLimit] at the byte,
// with its line: a 500 MB string costs about 16 MiB read. A YAML scalar
// written on many lines is bounded by the size only. What is inside the
// limits:
//
//   - YAML aliases that expand too far (a "billion laughs") are
//     [ErrSyntax] ("excessive aliasing", at the line of the first alias);
//     YAML nested deeper than 10,000 is [ErrSyntax] at its line.
//   - A YAML file holds one SPDX document: empty documents ("---") are
//     ignored, a second one with content is [ErrInvalid] at its line
//     rather than silently dropped.
//   - Numbers out of range (1e400 where an integer is read) are
//     [ErrInvalid] with the byte offset.
//   - Invalid UTF-8 in a JSON or YAML string becomes U+FFFD, as
//     encoding/json does; tag-value text is kept byte for byte.
//   - A key given twice in JSON or YAML: the last one wins, as with
//     encoding/json (tools-golang decodes the document whole).
//
// # Concurrency
//
// Read keeps no state between calls: calls on different graphs may run at
// once. A graph is not safe for concurrent modification, so calls on the
// same graph must not overlap.
package spdx
