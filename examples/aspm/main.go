// Command aspm is aspm's reference command-line tool: it shows the SDK
// working end to end on real scanner output, using only the public API.
//
// Usage:
//
//	aspm <command> [flags] [FILE...]
//
// Commands:
//
//	findings   decode scanner outputs into normalized findings (JSON lines)
//	formats    list the input formats aspm reads
//	cvss       score CVSS v2, v3.x and v4.0 vectors
//	score      score findings by exploitability (CVSS, EPSS, KEV, SSVC) and explain why
//	inventory  read SBOMs, catalogs and manifests into one asset graph
//	comply     evaluate compliance controls (Rego) against the posture, with evidence
//	dedup      group findings of one or more tools into clusters, one problem each
//	diff       compare scans with a baseline: new, unchanged, updated, fixed
//	track      apply scans to a state store (SQLite) and print what changed
//	run        the whole pipeline on a folder of inputs: lifecycle, scores, controls, reports
//	access     least-privilege analysis of RBAC, IAM and organization exports
//	decide     decide an access request with the adaptive-access policy
//
// Every command follows one convention: flags come before file arguments;
// the exit status is 0 on success, 1 when a gate or check fails, and 2 on
// bad input or usage. Given several files, a command processes every
// readable file, names every unreadable one on stderr with the reason, and
// then exits 2: a failure is never silent.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses shared by every command.
const (
	exitOK       = 0 // success
	exitGate     = 1 // a gate or check failed
	exitBadInput = 2 // bad input or usage
)

const usage = `aspm — application security posture management, from the command line.

Usage:
  aspm <command> [flags] [FILE...]

Commands:
  findings   decode scanner outputs into normalized findings (JSON lines)
  formats    list the input formats aspm reads
  cvss       score CVSS v2, v3.x and v4.0 vectors
  score      score findings by exploitability (CVSS, EPSS, KEV, SSVC) and explain why
  inventory  read SBOMs, catalogs and manifests into one asset graph
  comply     evaluate compliance controls (Rego) against the posture, with evidence
  dedup      group findings of one or more tools into clusters, one problem each
  diff       compare scans with a baseline: new, unchanged, updated, fixed
  track      apply scans to a state store (SQLite) and print what changed
  run        the whole pipeline on a folder of inputs: lifecycle, scores, controls, reports
  access     least-privilege analysis of RBAC, IAM and organization exports
  decide     decide an access request with the adaptive-access policy

Conventions (every command):
  Flags come before file arguments.
  Exit status: 0 on success, 1 when a gate or check fails, 2 on bad input or usage.
  With several files, every readable file is processed and every unreadable one
  is named on stderr with the reason; the exit status is then 2.
  "-" as a file reads standard input.

Run "aspm <command> -h" for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBadInput
	}
	switch args[0] {
	case "findings":
		return runFindings(args[1:], stdin, stdout, stderr)
	case "formats":
		return runFormats(args[1:], stdout, stderr)
	case "cvss":
		return runCVSS(args[1:], stdout, stderr)
	case "score":
		return runScore(args[1:], stdin, stdout, stderr)
	case "inventory":
		return runInventory(args[1:], stdin, stdout, stderr)
	case "comply":
		return runComply(args[1:], stdin, stdout, stderr)
	case "dedup":
		return runDedup(args[1:], stdin, stdout, stderr)
	case "diff":
		return runDiff(args[1:], stdin, stdout, stderr)
	case "track":
		return runTrack(args[1:], stdin, stdout, stderr)
	case "run":
		return runRun(args[1:], stdout, stderr)
	case "access":
		return runAccess(args[1:], stdout, stderr)
	case "decide":
		return runDecide(args[1:], stdin, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "aspm: unknown command %q\n\n%s", args[0], usage)
	return exitBadInput
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseCommand parses a command's flags and checks its file arguments;
// it returns the files, or an exit status when the command is done.
func parseCommand(name string, fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, int, bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, exitOK, false
		}
		return nil, exitBadInput, false
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintf(stderr, "aspm %s: no FILE given\n", name)
		fs.Usage()
		return nil, exitBadInput, false
	}
	if !flagsFirst(name, files, stderr) {
		return nil, exitBadInput, false
	}
	return files, exitOK, true
}

// flagsFirst reports whether no file argument looks like a flag ("-" is
// standard input), naming the first one on stderr: flags come before
// files.
func flagsFirst(name string, files []string, stderr io.Writer) bool {
	for _, f := range files {
		if strings.HasPrefix(f, "-") && f != "-" {
			fmt.Fprintf(stderr, "aspm %s: flag %q after a file argument: flags come before files\n", name, f)
			return false
		}
	}
	return true
}
