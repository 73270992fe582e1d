// Package kev reads CISA's catalog of Known Exploited Vulnerabilities (KEV)
// and looks entries up by CVE ID.
//
// The package never fetches anything: the caller downloads the catalog (or
// ships a copy) and hands it over as an [io.Reader]. Scoring code takes
// the resulting [*Catalog], so that a scan can be re-scored reproducibly
// against the catalog of a given day.
//
// # Input
//
// CISA publishes the catalog in two formats with the same entries:
//
//   - JSON (known_exploited_vulnerabilities.json): an object with title,
//     catalogVersion, dateReleased, count and the vulnerabilities array.
//     [ReadJSON] reads it whole (at most 32 MiB, twenty times CISA's file
//     of 2025), checks its syntax, then builds the entries. count must
//     equal the number of entries.
//   - CSV (known_exploited_vulnerabilities.csv): a header naming the
//     columns cveID, vendorProject, product, vulnerabilityName, dateAdded,
//     shortDescription, requiredAction, dueDate, knownRansomwareCampaignUse,
//     notes and cwes, then one row per entry. [ReadCSV] streams it. The
//     columns may come in any order; the last three may be missing, as in
//     older catalogs.
//
// [Read] takes either and tells them apart by content: a first non-blank
// byte '{' means JSON. All three readers accept gzip-compressed input
// (recognized by the gzip magic bytes) and a UTF-8 byte order mark. Members
// and columns the package does not know are ignored, so that a field CISA
// adds later does not break old readers.
//
// Every entry must have the fields CISA's schema requires; cveID must be a
// CVE ID, dateAdded and dueDate dates (YYYY-MM-DD), cwes CWE IDs, and
// knownRansomwareCampaignUse "Known", "Unknown" or empty. A CVE may appear
// only once.
//
// # The catalog
//
// A [Catalog] holds the entries sorted by CVE ID, with the catalog's
// [Catalog.Title], [Catalog.Version] and [Catalog.Released] date. The CSV
// file states none of these, so for it Version and Released are derived
// from the latest dateAdded, the day CISA last added entries.
// [Catalog.Lookup] finds one CVE, ignoring case; [Catalog.LookupAny] takes
// the aliases of one vulnerability and returns the first found.
// [Entry.Ransomware] tells whether the vulnerability is known to be used by
// ransomware.
//
// # Errors
//
// The readers reject the whole catalog at the first problem: they never
// drop an entry silently. The error is a [*ParseError] naming the file and
// the place (a line and column name for CSV; a byte offset and a path like
// "vulnerabilities[12].dateAdded" for JSON), wrapping [ErrSyntax],
// [ErrInvalid] or [ErrLimit]. An error of the underlying reader is kept as
// the cause.
//
// # Limits
//
// A hostile catalog, or a gzip bomb, stops early. The decompressed input
// may hold 32 MiB; a JSON catalog is read through a guard that stops it at
// nesting deeper than 512 levels or a string longer than 16 MiB, where it
// breaks them; a CSV line, or a record whose quoted field spans lines, may
// hold 1 MiB ([ErrSyntax]), and a CSV catalog 200,000 lines, blank ones
// included. The other limits are [ErrLimit]. A member repeated in the JSON
// catalog or in an entry, and a column repeated in the CSV header, are
// [ErrInvalid]. Invalid UTF-8 in a string becomes U+FFFD, as encoding/json
// does. Error messages quote at most 64 bytes of a bad value.
package kev
