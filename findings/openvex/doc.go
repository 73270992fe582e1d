// Package openvex decodes OpenVEX documents (spec versions 0.0.1 and 0.2.0)
// into [findings.VEXStatement]s. OpenVEX documents say how vulnerabilities
// affect products; they report no findings, so [Decode] emits none.
//
// # Mapping
//
// Each statement of the document becomes one VEXStatement, in document
// order:
//
//   - VulnerabilityID is the vulnerability's name (0.2.0 object) or the
//     vulnerability string (0.0.1); when a 0.2.0 object has no name, its
//     @id. Aliases are the object's aliases. The vulnerability @id IRI and
//     description are not kept.
//   - Products identifies each product (0.0.1 strings as written; 0.2.0
//     objects by identifiers.purl, else @id, else identifiers.cpe23, else
//     identifiers.cpe22, else one hash written "<algorithm>:<value>"),
//     without duplicates.
//   - Subcomponents gathers the subcomponents of every product (0.2.0) and
//     the statement-level subcomponents (0.0.1), identified the same way,
//     without duplicates. Which product a 0.2.0 subcomponent belongs to is
//     not kept.
//   - Status is the statement's status; anything other than not_affected,
//     affected, fixed or under_investigation is [findings.ErrInvalid].
//     Justification, ImpactStatement and ActionStatement are copied; when a
//     statement has no impact_statement, its status_notes (if any) become
//     ImpactStatement.
//   - Timestamp is the statement's timestamp, else the document's.
//     Document is the document's @id and Author its author.
//
// Fields with no place in [findings.VEXStatement] (supplier, last_updated,
// action_statement_timestamp, product hashes besides the identifying one,
// the document's role and version) are not kept.
//
// # Documents that are not OpenVEX
//
// A top-level value other than an object, or an object whose @context is
// not "https://openvex.dev/ns" (optionally followed by a 0.x version such
// as "/v0.2.0"), is [findings.ErrUnsupportedFormat]. A document whose
// statements list is empty, null or absent decodes to nothing and nil. A
// 0-byte input is [findings.ErrSyntax] ("empty input").
//
// # Reading
//
// The document is read whole, bounded by [findings.Limits].MaxDocumentBytes
// (and by the nesting and string limits as it streams in), because
// document fields that every statement inherits may follow the statements.
// Statements are all checked before the first is handed over, so an
// invalid document emits nothing. A value of the wrong JSON type carries
// encoding/json's offset for it; other errors about a statement's content
// carry the byte offset of the statement's opening brace. Both name a path
// such as "statements[3].status".
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
// Numbers: the fields read are strings; a number in the members the
// decoder skips (the document's version, say) is only syntax. NaN is not
// JSON: [findings.ErrSyntax].
//
// Duplicate keys of the document (@context, @id, author, timestamp,
// statements) are [findings.ErrInvalid] ("duplicate key") at the second
// one. Inside a statement, decoded whole, the last of duplicate keys wins,
// as in encoding/json.
package openvex
