// Package csaf decodes CSAF 2.0 documents (and 2.1 ones, which share the
// fields read here) into [findings.VEXStatement]s: VEX documents
// (csaf_vex) and security advisories alike, from any publisher (Red Hat,
// Secvisogram, SecObserve...). A CSAF document says how vulnerabilities
// affect products; it reports no findings, so [Decode] emits none.
//
// # Statements
//
// For each vulnerability, in document order, and each of its
// product_status lists, in the order first_affected, first_fixed, fixed,
// known_affected, known_not_affected, last_affected, under_investigation,
// the listed products are grouped by what the document says about each of
// them:
//
//   - the label of the first flag naming the product (through product_ids
//     or the group_ids of product_groups), such as component_not_present;
//   - the details of every threat of category "impact" naming the product,
//     joined by newlines;
//   - for the affected lists only, every remediation naming the product,
//     written "<category>: <details>" followed by " (<url>)" when it has
//     one, joined by newlines.
//
// A flag, threat or remediation that names no product and no group
// concerns every product of the vulnerability (Red Hat writes its impact
// rating that way). Each group is one VEXStatement, groups sorted by
// (flag label, impact, action); products without a flag form their own
// group, whose label is empty and sorts first.
//
// Status maps known_not_affected to not_affected; known_affected,
// first_affected and last_affected to affected; fixed and first_fixed to
// fixed; under_investigation to itself. State keeps the CSAF name when it
// differs from Status ("known_not_affected", "first_fixed"...). The
// "recommended" list names recommended versions, not a VEX status: it is
// skipped. An unknown product_status name is [findings.ErrInvalid].
//
// Justification is the flag label, ImpactStatement the impact text and
// ActionStatement the remediation text of the group. VulnerabilityID is
// the cve, else the text of the first ids[] entry; Aliases are the texts of
// ids[] (Red Hat Bugzilla IDs, for example). A vulnerability with product
// statuses but neither a cve nor ids is [findings.ErrInvalid]. Timestamp is
// document.tracking.current_release_date, Document is
// document.tracking.id and Author is document.publisher.name. Titles,
// notes, scores and references have no field in [findings.VEXStatement]
// and are not kept.
//
// # Products
//
// Each product ID is resolved through the product_tree: a product of
// branches (nested at any depth) or full_product_names is identified by its
// product_identification_helper purl (CSAF 2.1: the first of purls), else
// its cpe, else its product ID. A product defined by a relationship ("X as a
// component of Y") is identified by its own helper's purl, else the purl
// of the component X (product_reference, resolved the same way, through
// further relationships if need be), else its own cpe, else X's cpe, else
// the relationship's product ID. The platform Y is not kept: a statement
// about an RPM shipped in several Red Hat product streams names the RPM's
// purl once. A product ID the tree does not define stays as written.
// Products of one statement are listed in the order of the product_status
// list, without duplicates.
//
// # Documents that are not CSAF
//
// A top-level value other than an object, an object without a document
// object, or a document without csaf_version is
// [findings.ErrUnsupportedFormat], as is a csaf_version other than "2.0" or
// "2.1". A document without vulnerabilities (a csaf_base document, say)
// decodes to nothing and nil. A 0-byte input is [findings.ErrSyntax]
// ("empty input").
//
// # Reading
//
// The document is read whole, bounded by [findings.Limits].MaxDocumentBytes
// and by the nesting and string limits as it streams in, because the
// product tree may follow the vulnerabilities. Every statement is built
// before the first is handed over, so an invalid document emits nothing.
//
// # Hostile input
//
// Nesting depth and string size (object keys included) are checked by
// [findings.Limits] as the bytes stream in: JSON nested 1,000,000 deep
// fails at the byte of depth MaxDepth+1 (512 by default), and a 500 MB
// string at its first byte beyond MaxStringBytes (16 MiB), with a
// [*findings.LimitError]; the decoder stops reading within 64 KiB of
// that byte, and encoding/json's buffer, which doubles, allocates about four times
// MaxStringBytes on the way. Invalid UTF-8 inside a string is not an
// error: each invalid byte becomes U+FFFD, as encoding/json does, so every
// string handed out is valid UTF-8; a raw control character in a string
// is [findings.ErrSyntax].
//
// Numbers: the fields read are strings, and scores are not read, so a
// number out of range in them (a baseScore of 1e400) is only syntax. NaN
// is not JSON: [findings.ErrSyntax].
//
// Duplicate keys: the document is decoded whole, so the last of duplicate
// keys wins, as in encoding/json.
package csaf
