// Command scorer is the smallest program a vendor would write to embed
// aspm's exploitability-aware risk scoring: it reads findings, or bare CVE
// IDs, scores each with [github.com/aspmkit/aspm/risk.Model.ScoreFinding]
// against the EPSS and KEV feeds given, and prints them ranked.
//
// # Usage
//
//	scorer [--kev FILE] [--epss FILE] [--explain] FINDINGS-FILE...
//	scorer [--kev FILE] [--epss FILE] [--explain] --cve CVE-ID...
//
// A FINDINGS-FILE is scanner output in any format
// [github.com/aspmkit/aspm/findings/detect.Decode] recognizes ("-" reads
// standard input). With --cve the arguments are CVE IDs instead, scored on
// what the feeds say of them alone. The feeds are files, never fetched: the
// CISA KEV catalog ([github.com/aspmkit/aspm/risk/kev.Read], JSON or CSV)
// and the EPSS scores ([github.com/aspmkit/aspm/risk/epss.Read], CSV,
// plain or gzip).
//
// # Output
//
// One line per score, most urgent first
// ([github.com/aspmkit/aspm/risk.Compare], then ID): the priority (P1 to
// P4), the score (0 to 100), the primary vulnerability ID (else the rule
// ID) and the title:
//
//	P1  70.0  CVE-2021-44228  Apache Log4j2 Remote Code Execution Vulnerability
//
// With --explain, each line is followed by the score's explanation: the
// model version, the feed versions, and every factor's contribution in
// words. Text from scanner output is stripped of control characters first.
//
// # Exit status
//
// 0 on success and 2 on bad input or usage. Every file that cannot be read
// or decoded, and every argument that is not a CVE ID, is named on stderr;
// the other inputs are still scored and printed.
package main
