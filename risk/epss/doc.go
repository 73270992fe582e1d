// Package epss reads the Exploit Prediction Scoring System (EPSS) feed that
// FIRST publishes daily, and looks scores up by CVE ID.
//
// The package never fetches anything: the caller downloads the feed (or
// ships a copy) and hands it over as an [io.Reader]. Scoring code takes the
// resulting [*Feed], so that a scan can be re-scored reproducibly against
// the feed of a given day.
//
// # Input
//
// [Read] takes the CSV file as FIRST publishes it, plain or gzip-compressed
// (recognized by the gzip magic bytes, never by file name):
//
//	#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z
//	cve,epss,percentile
//	CVE-1999-0001,0.03351,0.88255
//
// The comment line is optional: files of 2023 write the score date with a
// numeric zone ("2023-03-15T00:00:00+0000"), and the oldest files have no
// comment line at all. Its model_version and score_date fields are exposed
// as [Feed.ModelVersion] and [Feed.ScoreDate], and together as
// [Feed.Version] ("v2026.06.15@2026-09-29"), the string an explanation of
// a risk score cites. Unknown comment fields are ignored. A UTF-8 byte
// order mark and CRLF line ends are accepted. A feed with a header and no
// rows is valid and empty.
//
// The full daily file has about 300,000 rows. Read streams it with
// encoding/csv and stores each row in a map keyed by a packed CVE number,
// so the feed holds no per-row strings.
//
// # Lookups
//
// [Feed.Lookup] finds one CVE, ignoring case and surrounding white space.
// [Feed.LookupAny] takes the aliases of one vulnerability and returns the
// highest probability among them, so that a finding known by several CVE
// IDs is not under-scored.
//
// # Errors
//
// Read rejects the whole feed at the first bad line: it never drops a row
// silently. The error is a [*ParseError] naming the file, the line and the
// column, wrapping [ErrSyntax] (malformed CSV, corrupt or truncated gzip, a
// line over 64 KiB), [ErrInvalid] (a wrong header, a value that is not a
// decimal number in [0, 1], an ID that is not a CVE ID, a CVE listed twice)
// or [ErrLimit]. An error of the underlying reader is kept as the cause.
//
// # Limits
//
// A hostile feed, or a gzip bomb, stops early: a line, or a CSV record
// whose quoted field spans lines, may hold 64 KiB ([ErrSyntax]); the
// decompressed feed at most 256 MiB and 4,000,000 lines, blank ones
// included ([ErrLimit]), some ten times the feed of 2025. A bomb that
// inflates to gigabytes of zeros fails at its first line after less than
// 100 KiB has been inflated; one of newlines after 4 MB. Values must be
// decimal numbers: "NaN", "Inf" and hexadecimal floats are [ErrInvalid],
// and a number too small for float64 (1e-400) reads as 0, as does -0.
// Invalid UTF-8 in the comment line becomes U+FFFD, as encoding/json
// does; in a row it makes an ID that is not a CVE ID.
package epss
