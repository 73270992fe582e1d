package policies

import "embed"

// FS holds the built-in control library: every *.rego file of this
// directory, flat, at the root of the file system. It includes the Rego
// unit tests (*_test.rego, in packages under aspm.test) and the shared
// helpers (lib.rego, package aspm.lib.posture); a loader that only
// evaluates controls may skip the *_test.rego files.
//
// FS is read-only and safe for concurrent use.
//
//go:embed *.rego
var FS embed.FS
