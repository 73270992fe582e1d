// Package zap decodes the reports of ZAP (the Zed Attack Proxy, formerly
// OWASP ZAP) into findings.
//
// [Decode] reads the traditional XML report (root element OWASPZAPReport,
// ZAP 2.x, including "xml-plus", the variant with requests and responses)
// and the traditional JSON report (an object with "@programName",
// "@version" and "site"[].alerts[]). It tells them apart by the first byte
// of the document ('<' or '{').
//
// # Records
//
// Each alert instance (site/alerts/alertitem/instances/instance, or
// site[].alerts[].instances[]) becomes one [findings.Finding] of kind dast.
// An alert's count may exceed its listed instances (ZAP lists at most a
// configured number): only listed instances become findings, and the count
// is kept in Properties["count"]. An alert item of an old report that has
// no instances but a uri of its own gives one finding for that uri; an alert
// with neither gives one finding without a URL, so that no alert is lost.
//
// # Fields
//
//   - RuleID is the pluginid; Title the alert (falling back on name, then
//     on "ZAP alert <pluginid>");
//     Properties keep alert_ref, name (when it differs from the title),
//     wascid, sourceid, count, solution, otherinfo and tags.
//   - Severity comes from riskcode (0 info, 1 low, 2 medium, 3 high), with
//     SeveritySource "zap:riskcode"; when riskcode is absent the word before
//     "(" in riskdesc is used ("zap:riskdesc"); otherwise it is unknown.
//   - Confidence maps 1 low, 2 medium, 3 high, 4 confirmed; 0 (a user marked
//     the alert as a false positive) gives Confidence "false_positive" and
//     an external [findings.Suppression].
//   - cweid becomes CWEs (values of 0 or -1 mean none), plus any CWE-n tag.
//   - The reference text's http(s) URLs become References.
//   - Location: URL, Method and Parameter from the instance, Target from
//     the site's name (host:port without one), SnippetHash from the
//     evidence. attack and evidence are kept in Properties up to 1 KiB;
//     longer ones only as attack_bytes/evidence_bytes.
//   - Request and response headers and bodies are never kept: only their
//     sizes, in bytes of decoded text, as request_header_bytes,
//     request_body_bytes, response_header_bytes and response_body_bytes.
//
// Since 2.10 ZAP writes desc, solution, otherinfo and reference as
// "<p>line</p><p>line</p>", replacing each line break by "</p><p>" without
// escaping the text. The decoder undoes exactly that wrapping, giving plain
// text with "\n" between lines; it strips no other markup, since the text
// inside may quote HTML found in the response. Text not wrapped that way is
// kept as given, trimmed.
//
// # Errors and limits
//
// An empty input (no bytes, or only white space) is a syntax error: ZAP
// always writes a report element, with an empty alerts list when it found
// nothing; such a report decodes to no findings. A root element other than
// OWASPZAPReport, or a JSON object with none of "@programName", "@version"
// and "site", is [findings.ErrUnsupportedFormat]. A riskcode, confidence,
// cweid, wascid or count outside its defined values is
// [findings.ErrInvalid]. The XML report is read element by element (one
// alertitem at a time) and bounded by MaxDocumentBytes, MaxDepth and
// MaxStringBytes; the JSON report is streamed one alert at a time. The JSON
// header keys are applied to the sites that follow them, as ZAP writes
// them first.
//
// # Hostile input
//
// The XML report is read through internal/xmlstream, whose guard checks
// the raw bytes before encoding/xml buffers them: a text node, an
// attribute value, a comment, a CDATA section, a processing instruction
// or a DOCTYPE longer than MaxStringBytes (quotes, '<' and '>' inside
// included), a tag with more than 64 KiB of names and spaces, or nesting
// deeper than MaxDepth fail with [findings.ErrLimit] at the first byte
// beyond, after reading at most that much. One alertitem is held in memory
// at a time, bounded as a whole (4 × MaxStringBytes + 1 MiB of kept text,
// attributes and elements; limit "MaxRecordBytes"), so an alert of
// millions of elements fails too. No entity is expanded but XML's five and
// character references: an entity bomb or an external entity (XXE) is a
// [findings.ErrSyntax] at its first reference, and no file or URL a DOCTYPE
// names is ever read. Invalid UTF-8 and characters XML forbids (a NUL) are
// syntax errors at their offset. An alertitem or instance that gives a
// single-valued element twice (riskcode, confidence, pluginid, uri...) is
// [findings.ErrInvalid] naming it, rather than read with one of the
// values. Error messages quote at most 64 bytes of a bad value.
package zap
