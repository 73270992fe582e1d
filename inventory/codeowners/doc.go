// Package codeowners reads CODEOWNERS files, tells who owns a path, and
// records a repository's owners in an [inventory.Graph].
//
// # Syntax
//
// [Parse] reads GitHub's syntax, and GitLab's, which adds sections:
//
//	# comment
//	*                   @acme/payments           # the default owners
//	/deploy/            @acme/platform @carol
//	docs/*              docs@acme.example
//	/internal/gen/                               # no owner
//	[Security][2] @acme/appsec                   # GitLab: a section, its approvals and default owners
//	/internal/auth/                              # owned by the section's default owners
//	^[Docs]                                      # GitLab: an optional section
//
// Owners are "@user", "@org/team" (GitLab: "@group/subgroup"), "@@role"
// (GitLab) or e-mail addresses; "#" starts a comment, at the start of a
// line or after the owners. Anything else is an [*Error] naming the line
// and column.
//
// # Patterns
//
// Patterns follow gitignore, as GitHub applies them: a pattern with a
// slash at its start or in its middle is anchored at the repository's
// root, else it matches at any depth ("*.js", "apps/"); a trailing slash
// matches what is inside a directory; "*" and "?" match within one path
// segment, "**" across segments ("**/logs", "src/**", "a/**/b"); a
// backslash escapes the next character ("\#file", "my\ file"). A pattern
// that matches a directory matches everything inside it, except that a
// final lone "*" matches direct entries only: "docs/*" owns
// docs/index.md but not docs/guides/setup.md, as GitHub documents.
// Negation ("!") is not part of CODEOWNERS ([ErrUnsupported]); "[" and "]"
// are plain characters, as on GitHub.
//
// # Who owns a path
//
// [Rules.Owners] applies GitHub's rule: the last matching pattern wins,
// and a last match without owners means no owner. In a file with GitLab
// sections, each section (the rules before the first header being one) has
// its own last match, and the owners of all sections combine; a rule
// without owners in a section takes the section's default owners.
// [Rules.Match] returns the last matching rule itself.
//
// # Limits
//
// The input is at most [Options.MaxBytes] (3 MiB by default, GitHub's
// limit): a larger one is [ErrLimit] after MaxBytes+1 bytes read. Patterns
// are matched in time proportional to the product of their length and the
// path's, never exponential; text is kept as written, invalid UTF-8
// included (an owner that is not UTF-8 is not a valid owner: [ErrInvalid]).
//
// # Graph
//
// [Apply] links a repository asset to the owners of the repository as a
// whole, those of the catch-all rule "*" ([Rules.DefaultOwners]), with
// owned_by edges, reusing the teams and people a catalog declared with
// their GitHub handles (see package catalog).
package codeowners
