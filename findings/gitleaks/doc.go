// Package gitleaks decodes the JSON reports of gitleaks, the secret
// scanner, into findings.
//
// # Input
//
// A gitleaks JSON report is an array of leaks. Both report generations are
// read, record by record, so memory does not grow with the report:
//
//   - gitleaks v8 writes Go field names: RuleID, Description, StartLine,
//     EndLine, StartColumn, EndColumn, Match, Secret, File, SymlinkFile,
//     Commit, Link, Entropy, Author, Email, Date, Message, Tags, Fingerprint.
//   - gitleaks v7 (and earlier) writes lower-case names: line, lineNumber,
//     offender, commit, repo, repoURL, leakURL, rule, commitMessage, author,
//     email, file, date, tags (a comma-separated string), operation.
//
// The literal null, which gitleaks v7 writes when it found nothing, and the
// empty array, which gitleaks v8 writes, both decode to no findings. A
// 0-byte input is an [findings.ErrSyntax] ("empty input"); an object or any
// other value where the array belongs, a leak that is not an object, and a
// leak that names no rule (neither RuleID, rule nor Description) are
// [findings.ErrInvalid].
//
// # Mapping
//
// Every leak becomes one [findings.Finding] of kind [findings.KindSecret].
// RuleID (v8) or rule (v7) is the rule ID; Description (v8) is the title,
// falling back to the rule. File or file is the location path, and the
// start/end lines and columns (v7: lineNumber) form the region. The v8
// Fingerprint is kept as Fingerprints["gitleaks"] exactly as written.
// gitleaks has no severity, so every finding has [findings.SeverityUnknown].
// The tool version is not in the report and stays empty.
//
// Git context goes to Properties: commit, author, date (a v7 zero date is
// dropped), leak_url (v8 Link, v7 leakURL), repo, repo_url, operation,
// symlink_file, entropy (when non-zero) and tags. Committer e-mail addresses
// and commit messages are personal or free-form data that a triage system
// does not need, and are not kept.
//
// # Secrets
//
// The secret (v8 Secret, v7 offender) is never stored: only its SHA-256 in
// SecretHash (see [findings.HashSecret]), and only when the report holds it
// unredacted. A secret that gitleaks --redact replaced ("REDACTED", or the
// "abc..." of --redact=N) or that a wrapper masked with asterisks gets no
// hash and Properties["redacted"] = true. The matched text (v8 Match, v7
// line) contains the secret too, so it is neither stored nor hashed as a
// snippet; the findings carry no SnippetHash.
package gitleaks
