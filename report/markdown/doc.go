// Package markdown writes a report as GitHub-flavored Markdown sized for
// a pull-request comment.
//
// # Layout
//
// [Write] writes, in this order:
//
//   - a heading with the report's title and a one-line verdict: ❌ when
//     an open finding is at or above [Options.FailOn] (high by default),
//     ⚠️ when findings are open below it, ✅ when none is open;
//   - the summary: open findings by severity, where they stand against
//     their SLA deadlines, the totals and the compliance gate;
//   - "New in this change": the open findings whose lifecycle state is
//     new or reopened, or every open finding when the report has no
//     lifecycle data, up to [Options.NewLimit];
//   - the top risks with the explanations of their scores;
//   - every finding, in a collapsed <details> section.
//
// # Size
//
// GitHub refuses comments over 65,536 characters. The output never
// exceeds [Options.MaxBytes] (default [DefaultMaxBytes]): a list that does
// not fit is cut at a row, with a note saying how many findings are not
// shown, and the <details> section is always closed. Rendering stops at
// the limit, so a report of 100,000 findings costs little more than one
// of a thousand.
//
// # Hostile text
//
// Titles, paths, tool names, rule IDs and explanations come from scanner
// output and are treated as hostile. Each goes through [Escape]: it
// becomes one line of plain text, HTML-significant characters become
// entities, Markdown punctuation (table pipes, backticks, brackets,
// emphasis, headings, lists, math) is backslash-escaped and @mentions
// and #123 references are broken with a zero-width space. References
// become links only when they are absolute http or https URLs, with
// every character that could end the link or the table cell
// percent-encoded; anything else (javascript:, data:) is shown as text.
// Cells are cut to a bounded length.
package markdown
