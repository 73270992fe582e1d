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
// column, wrapping [ErrSyntax] (malformed CSV, corrupt gzip, a line over
// 64 KiB) or [ErrInvalid] (a wrong header, a value that is not a number in
// [0, 1], an ID that is not a CVE ID, a CVE listed twice). An error of the
// underlying reader is kept as the cause.
package epss
