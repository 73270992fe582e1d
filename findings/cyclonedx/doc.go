// Package cyclonedx decodes the vulnerabilities of CycloneDX documents
// (SBOMs with vulnerabilities, VDRs and VEX documents, as Grype, Trivy,
// Jake, Dependency-Track, SecObserve and others write them) into findings
// and VEX statements.
//
// # Versions and syntaxes
//
// [Decode] reads JSON and XML BOMs of specVersion 1.0 to 1.7. JSON must
// have "bomFormat": "CycloneDX" (missing or not a string: [findings.ErrInvalid];
// another value: [findings.ErrUnsupportedFormat]) and a "specVersion" from
// "1.0" to "1.7" (missing: ErrInvalid; another version such as "2.0":
// ErrUnsupportedFormat). XML must have a root <bom> in the namespace
// http://cyclonedx.org/schema/bom/1.N with N from 0 to 7; any other root or
// version is ErrUnsupportedFormat. The syntax is chosen by the first byte
// after an optional UTF-8 byte order mark and white space: '<' is XML,
// anything else is parsed as JSON. A 0-byte or blank input is
// [findings.ErrSyntax] ("empty input"): no tool writes empty BOMs.
//
// JSON BOMs and XML BOMs of 1.2 and later are decoded with
// github.com/CycloneDX/cyclonedx-go. XML is also scanned token by token by
// this package, which reads 1.0 and 1.1 BOMs by itself and the
// vulnerability extension (namespace
// http://cyclonedx.org/schema/ext/vulnerability/1.0) that tools such as
// Grype wrote into components of 1.0–1.3 XML BOMs: each
// <v:vulnerability> inside a <component> affects that component.
//
// A BOM cannot be interpreted before it is read whole, so the input is
// bounded by [findings.Limits] MaxDocumentBytes (counting every input byte,
// a byte order mark included): a document of exactly that size decodes, one
// byte more fails with a [*findings.LimitError] at that offset. MaxDepth and
// MaxStringBytes bound nesting and strings, and are checked as the
// document is read, so that a hostile one stops the read where it breaks
// them (see Hostile input).
//
// # Hostile input
//
// The bytes pass through a guard as they are read: JSON through
// internal/jsonstream's (syntax, nesting, strings in input bytes), XML
// through internal/xmlstream's (text nodes, attribute values, comments,
// CDATA sections, processing instructions and DOCTYPEs in input bytes,
// quotes, '<' and '>' inside included; tags of more than 64 KiB of names
// and spaces; nesting). A 500 MB string thus fails after about
// MaxStringBytes has been read. Below those limits, a document is held
// whole: memory grows with its size (an XML BOM of many small elements
// costs about 100 bytes of short-lived allocation per input byte).
//
// No XML entity is expanded but XML's five and character references: an
// entity bomb or an external entity (XXE) is a [findings.ErrSyntax] at its
// first reference, and no file a DOCTYPE names is ever read. Invalid
// UTF-8 and a NUL are syntax errors in XML; in JSON strings, invalid
// UTF-8 becomes U+FFFD, as encoding/json does. A rating's score must be a
// finite number (in XML, a decimal one: "NaN", "INF" and hexadecimal
// floats are [findings.ErrInvalid] naming the score's path), and the score
// of a CVSS rating lies from 0 to 10; a number too small for float64
// (1e-400) reads as 0. An element or key given twice where one is
// expected (a vulnerability's id, an analysis state) is not rejected: the
// last one wins, as encoding/json and encoding/xml decode them. Error
// messages quote at most 64 bytes of a bad value.
//
// # Findings
//
// Every vulnerability yields one [findings.Finding] per entry of its
// affects list, in document order; a vulnerability without affects yields
// one finding without a package. The affects ref is resolved to a
// component by bom-ref, anywhere in the BOM (nested components and
// metadata.component included), or through a BOM-Link
// (urn:cdx:serial/version#bom-ref) whose serial is this BOM's. The package
// takes the component's purl, version, licenses and scope (required →
// runtime, optional → optional); when the purl parses, the ecosystem is its
// type and the name is spelled from it ("group:artifact" for Maven,
// "namespace/name" for npm, Go and the like, the bare name for OS
// packages). An unresolved ref that is itself a purl gives the package; any
// other unresolved ref gives no package. The ref as written is kept in the
// property "cyclonedx:ref".
//
// Kind is container when the package's purl type is deb, apk or rpm (an
// operating-system package, as scanned in images), else sca.
//
// Tool is the vulnerability's own tools (1.5+) when it names any, else
// metadata.tools, in either form (the legacy array, or the 1.5+ object of
// components and services): the first tool whose name contains a known
// scanner's name (grype, trivy, jake, osv-scanner, dependency-track,
// snyk...), else the first tool. A document that names no tool gives an
// empty Tool.
//
// RuleID and the first vulnerability ID are the vulnerability's id; the
// references' ids follow as aliases. Ratings with a CVSS method (CVSSv2,
// CVSSv3, CVSSv31, CVSSv4) or a "CVSS:" vector become [findings.CVSS]
// entries (the version is taken from the vector prefix when it has one);
// the other ratings (severity-only vendor ratings, OWASP, EPSS as "other")
// are kept in the property "cyclonedx:other_ratings". Severity comes from
// the ratings by this precedence:
//
//  1. the explicit severity of a rating whose source name is the
//     vulnerability's own source (Trivy writes the severity it reports
//     this way); SeveritySource "cyclonedx:severity:<source>";
//  2. the first explicit severity in document order ("none" is info;
//     "unknown" is not explicit);
//  3. the score of the rating with the newest CVSS version, in CVSS v3
//     bands; SeveritySource "cvss:<version>[:<source>]";
//  4. otherwise unknown.
//
// Description is the description followed by the detail; the
// recommendation, workaround, source name, bom-ref, affected versions and
// rejection date go in Properties, as do the vulnerability's own
// properties (by name). References are the source URL, the advisories and
// the references' source URLs. Published is "published" (else "created"),
// Modified is "updated". When metadata.component is a container, its name
// is the location's Image, otherwise its Target.
//
// # VEX
//
// A vulnerability's analysis with a state becomes the finding's VEX
// ([findings.VEXStatusFromCycloneDX]; the state as written is kept in
// State when it differs from the status, detail is the impact statement);
// an unknown state is [findings.ErrInvalid]. An analysis without a state
// gives no VEX; its fields are kept in the property "cyclonedx:analysis".
//
// Every vulnerability with an analysis also yields one
// [findings.VEXStatement], after its findings. Its products are the affects
// refs, each replaced by the resolved component's purl when it has one; its
// timestamp is analysis.lastUpdated, else firstIssued, else
// metadata.timestamp; Document is the serialNumber; Author the
// metadata.authors' names, else the manufacturer, else the supplier.
//
// A document is a VEX document, which yields VEX statements only and no
// findings, when it has vulnerabilities, every one of them carries an
// analysis with a state, and the BOM has no components of its own (an
// empty or missing top-level components list; metadata.component does not
// count): the CycloneDX VEX pattern whose affects refs point into another
// BOM. Any other document yields findings as above, and statements for its
// analysed vulnerabilities. A BOM without vulnerabilities yields nothing
// and no error.
package cyclonedx
