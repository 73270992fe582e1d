// Package limits names the default bounds that protect aspm's decoders from
// hostile or accidental input: nesting depth, string size, document size.
//
// The values here are defaults only. Callers change them through the options
// of the package they use (for example [findings.Limits]); a zero value in
// those options means "use the default from this package".
package limits

const (
	// MaxDepth is the deepest nesting of JSON arrays and objects, or XML
	// elements, that a decoder accepts. Real scanner output nests about 20
	// levels deep; 512 leaves ample room while stopping stack-exhaustion
	// inputs early.
	MaxDepth = 512

	// MaxStringBytes is the longest single JSON string or XML text node, in
	// bytes as they appear in the input (escapes included). Snippets and
	// embedded HTTP responses in real files stay below 1 MiB.
	MaxStringBytes = 16 << 20

	// MaxDocumentBytes bounds the formats that must be read whole before they
	// can be interpreted (XML documents, CycloneDX BOMs, SARIF runs whose
	// results precede their tool section). Streamed formats such as SARIF
	// results are not bounded by it.
	MaxDocumentBytes = 1 << 30

	// MaxTitleBytes and MaxDescriptionBytes bound a finding's title and
	// description, and MaxReferences its reference list. Decoders copy a
	// rule's texts into every finding of the rule, so without a bound a
	// small report with one 15 MiB rule description and many results would
	// make each finding carry (and each ID hash) the whole text. Real
	// titles stay under a few hundred bytes and descriptions under 4 KiB.
	MaxTitleBytes       = 8 << 10
	MaxDescriptionBytes = 64 << 10
	MaxReferences       = 256

	// MaxFieldBytes bounds every other text field of a finding (rule ID,
	// tool, location, package): decoders copy report-level values such as
	// a Trivy artifact name into every finding as well. It is twice
	// Linux's PATH_MAX, so that a path joined to its SARIF base URI fits.
	MaxFieldBytes = 8 << 10

	// SniffBytes is how much of an input the format detector reads before it
	// decides which decoder applies.
	SniffBytes = 64 << 10
)
