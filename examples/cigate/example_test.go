package main

import (
	"fmt"
	"os"
	"strings"
)

// A pull request adds gosec's findings to a branch whose baseline had the
// gitleaks one only: six new high-severity findings fail the gate (exit
// status 1), most urgent first.
func Example() {
	scans := "../../testdata/demo/scans/"
	code := run([]string{"--baseline", scans + "gitleaks.json", "--fail-on-severity", "high",
		scans + "gitleaks.json", scans + "gosec.sarif"}, strings.NewReader(""), os.Stdout, os.Stderr)
	fmt.Println("exit status", code)
	// Output:
	// cigate: 2 scan file(s) against 1 baseline file(s): 6 new 0 reopened 0 updated 1 unchanged 0 fixed
	// new by priority: P1 0 P2 0 P3 6 P4 0
	//
	// new findings at or above priority P2 or severity high:
	//   P3  47.5 high     gosec  G501  main.go:6  Blocklisted import crypto/md5: weak cryptographic primitive
	//   P3  47.5 high     gosec  G701  main.go:18  SQL injection via taint analysis: (*database/sql.DB).Query
	//   P3  47.5 high     gosec  G204  main.go:23  Subprocess launched with a potential tainted input or cmd arguments
	//   P3  47.5 high     gosec  G702  main.go:23  Command injection via taint analysis: os/exec.Command
	//   P3  47.5 high     gosec  G401  main.go:28  Use of weak cryptographic primitive
	//   P3  47.5 high     gosec  G114  main.go:35  Use of net/http serve function that has no support for setting timeouts
	//
	// gate FAILED: 6 new finding(s) at or above priority P2 or severity high
	// exit status 1
}
