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
//
// # Hostile input
//
// Nesting depth and string size (object keys included) are checked by
// [findings.Limits] as the bytes stream in: JSON nested 1,000,000 deep
// fails at the byte of depth MaxDepth+1 (512 by default), and a 500 MB
// string at its first byte beyond MaxStringBytes (16 MiB), with a
// [*findings.LimitError]; the decoder stops reading within 64 KiB of
// that byte, and encoding/json's buffer, which doubles, allocates about four times
// MaxStringBytes on the way. Invalid UTF-8 inside a string is not an
// error: each invalid byte becomes U+FFFD, as encoding/json does, so every
// string handed out is valid UTF-8; a raw control character in a string
// is [findings.ErrSyntax].
//
// A number is checked only where the decoder reads it: one that its
// field cannot hold (1e400 anywhere, a fraction or more than 64 bits in an
// integer field) is [findings.ErrInvalid] naming the field, while in a
// member the decoder skips it is only syntax. NaN is not JSON:
// [findings.ErrSyntax]. Line and column numbers are integers; a
// negative one counts as absent. Entropy is kept as gitleaks wrote it.
//
// Duplicate keys: each leak is decoded whole, so the last of duplicate
// keys wins, as in encoding/json (of two "Secret"s, the last is hashed).
// File is kept as written (see [findings.Location.LocalPath]).
package gitleaks
