// Package csv writes a report as comma-separated values for spreadsheets
// and scripts: one row per finding under a fixed header line.
//
// # Format
//
// [Write] writes RFC 4180 records with encoding/csv: a header row naming
// the columns, then one row per finding of the [report.Report], in the
// report's display order (open findings first, then by severity and risk
// score). The columns are [DefaultColumns] unless [Options.Columns]
// chooses others; [Column] names them. Lists (vulnerability IDs, CWEs,
// assets, references) are joined with "; ", times are RFC 3339 in UTC,
// booleans are true or false and an absent value is an empty cell.
//
// # Hostile text
//
// Every cell is attacker-controlled text as far as a spreadsheet is
// concerned, and [Write] makes each one safe in two steps:
//
//   - Cleaning: ANSI escape sequences, control characters,
//     bidirectional overrides and invalid UTF-8 are removed, a tab
//     becomes a space and CR or CRLF becomes LF, so a cell holds plain
//     text with line feeds only; a cell longer than
//     [Options.MaxCellRunes] is cut and ends with "…".
//   - Formula neutralization ([Neutralize]), as OWASP recommends
//     against CSV injection: a cell whose first character, or first
//     character after leading white space, is = + - @ TAB or CR (or the
//     full-width ＝ ＋ － ＠ some spreadsheets also accept) gets a
//     leading single quote, so a spreadsheet shows it as text and runs
//     nothing. A cell that starts with a single quote gets one more, so
//     a reader that wants the original value removes one leading single
//     quote if there is one. Values aspm computes go through the same
//     step, so no cell starts with a trigger.
//
// Quoting of commas, quotes and line feeds is encoding/csv's, so any
// RFC 4180 reader gets back exactly one row per finding and the same
// number of cells in every row.
//
// # Size
//
// Rows are written as they are made, through the buffer encoding/csv
// keeps: memory does not grow with the number of findings.
package csv
