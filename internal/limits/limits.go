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

	// SniffBytes is how much of an input the format detector reads before it
	// decides which decoder applies.
	SniffBytes = 64 << 10
)
