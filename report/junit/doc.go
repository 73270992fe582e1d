// Package junit writes a report as JUnit XML, the test report format CI
// systems (GitHub Actions reporters, GitLab, Jenkins, Azure Pipelines)
// show and gate on.
//
// # Mapping
//
// [Write] writes one <testsuites> element holding one <testsuite> per
// tool (or per category, see [Options.GroupBy]), and one <testcase> per
// finding, in the report's display order:
//
//   - an open finding at or above [Options.FailOn] (high by default) is a
//     failure: a <failure> whose message is the title, whose type is the
//     severity and whose text says what, where, how risky and why;
//   - a fixed or suppressed finding is skipped, with the reason;
//   - any other open finding passes.
//
// A finding of unknown severity never fails. The tests, failures,
// errors (always 0) and skipped attributes of every suite count its
// test cases, and those of <testsuites> add them up. A test case names
// the finding's file and line in file and line attributes when it has
// them, for reporters that annotate code.
//
// # Hostile text
//
// Every string comes from scanner output and is treated as hostile. It is
// written through encoding/xml, which escapes markup, and cleaned first:
// XML 1.0 forbids most control characters (NUL, BEL, ESC...) and
// encoding/xml does not refuse them, so [Write] removes them, with whole
// ANSI escape sequences, bidirectional overrides, invalid UTF-8 and the
// noncharacters U+FFFE and U+FFFF. Names and messages are one line, cut
// to a bounded length; the failure text keeps its lines.
//
// # Size
//
// Test cases are encoded one at a time as they are written: memory grows
// only by an index per finding, whatever the number of findings.
package junit
