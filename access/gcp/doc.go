// Package gcp imports Google Cloud IAM policies into an [access.Model]:
// who holds which role on which resource, read from Cloud Asset Inventory
// exports.
//
// # Input
//
// [Read] takes the assets of a Cloud Asset Inventory export with IAM
// policies (`gcloud asset export --content-type=iam-policy`, or the
// search/list APIs): either a JSON array of assets or one asset object per
// line. Each asset has "name", "asset_type" and "iam_policy" with
// "bindings": [{"role", "members", "condition"}]. Assets without an
// iam_policy grant nothing and are skipped; other asset fields are
// ignored. [ReadFile] reads a file, [Detect] sniffs bytes.
//
// [ReadRoles] reads a role catalog: a role definition as `gcloud iam roles
// describe --format=json` prints it ({"name", "title",
// "includedPermissions"}), or an array of them. Pass it as [Options.Roles]
// so bound roles carry their permissions.
//
// # Model
//
// Members become principals "gcp:<kind>:<name>": "user:a@x" is the user
// "a@x" (Human yes), "serviceAccount:" a service account (Human no),
// "group:" a group, "domain:x" and the legacy "projectOwner:p" style
// members groups named as written, "allUsers", "allAuthenticatedUsers" and
// workload identity "principal://" members federated principals. With
// [Options.Domain] set, users, groups and domains of another domain are
// External; allUsers and allAuthenticatedUsers always are. A "deleted:"
// member keeps its kind and gets the attribute deleted=true.
//
// Roles are "gcp:role:<role>" ("gcp:role:roles/owner", custom
// "gcp:role:projects/p/roles/r"); predefined "roles/" are Builtin. A
// binding with a condition grants the role
// "gcp:role:<role>?condition=<title>", whose permissions carry the
// condition. Bindings "gcp:binding:<asset>:<role>:<member>" are scoped to
// the asset: Scope{Kind: "project"} for projects, "org" for
// organizations, "resource" otherwise, with the asset name.
//
// # Errors and limits
//
// Bad input gives a [*access.ParseError] with file, line and JSON pointer
// ("/3/iam_policy/bindings/0/members/2", or "#3" for the fourth line of a
// stream), wrapping [access.ErrSyntax], [access.ErrUnsupported] (not
// asset JSON) or [access.ErrLimit] (over [Options.MaxBytes]).
//
// # Hostile input
//
// The input is held to limits while it is read: at most
// [Options.MaxBytes]; no string longer than limits.MaxStringBytes (16 MiB)
// and no nesting deeper than limits.MaxDepth (512), each [access.ErrLimit]
// with the line, column and byte, the read stopped there (a 500 MB string
// costs about 16 MiB read). Invalid UTF-8 in a string becomes U+FFFD, as
// encoding/json does, and the value is then checked like any other (a
// login or e-mail address with U+FFFD is not one).
// A key given twice in an object read is [access.ErrSyntax] naming its
// pointer; keys are compared without regard to case, as encoding/json
// matches them. Numbers the importer does not read (an iam_policy
// version of 1e400) are ignored.
package gcp
