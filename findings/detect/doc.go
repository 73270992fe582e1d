// Package detect recognizes the format of a scanner output by its content
// and decodes it with the right decoder of the findings/... subpackages.
//
// Real files arrive without extensions, so [Detect] looks only at the
// first bytes: the top-level JSON keys and values, the root XML element and
// its namespace, or the first line of text. [Decode] detects and decodes in
// one call, and [Formats] lists every format with its decoder, so that a
// caller can also pick one by name.
//
// This package imports every decoder; a program that needs only one format
// can import that decoder alone. There is no registration at init time and
// no global state: the table of formats is fixed at compile time.
//
// Besides the formats that hold findings or VEX statements, detection
// recognizes documents that hold none — SPDX SBOMs, OSV advisory records,
// and the "null", "[]" or "{}" that some tools write when they found
// nothing — so that a directory of mixed inputs decodes without errors.
// Those are checked for well-formedness and yield nothing. A 0-byte input,
// by contrast, is an error wrapping [findings.ErrSyntax]: no supported tool
// writes one for a successful scan.
//
// # Hostile input
//
// Detection reads at most [github.com/aspmkit/aspm/internal/limits.SniffBytes]
// (64 KiB) and tolerates a head cut anywhere: JSON nested a million deep,
// a 500 MB string or invalid UTF-8 in the head still lets it name the
// format from the keys it saw, and the chosen decoder then reports the
// problem with its limits (see the "Hostile input" section of each
// decoder). Of duplicate keys in the head, the first value decides; the
// decoders that walk those keys reject the duplicate. The documents that
// hold no findings (SPDX, OSV records, "{}") are checked token by token
// within the same limits, numbers of any size being well-formed.
package detect
