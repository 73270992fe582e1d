// Package awsiam imports AWS IAM policies and account
// authorization-details exports into an [access.Model].
//
// [Read] tells its input apart by shape ([DetectFormat] names it):
//
//   - a bare IAM policy document {"Version", "Statement"}
//     ([FormatPolicy]);
//   - an iam-dataset record of an AWS managed policy, with the policy
//     under "document" ([FormatDataset]);
//   - the output of `aws iam get-account-authorization-details`, with
//     UserDetailList, GroupDetailList, RoleDetailList and Policies
//     ([FormatAuthorizationDetails]).
//
// Terraform (.tf) files are rejected with [access.ErrUnsupported]:
// render the policy to JSON first. [ParsePolicy] parses one policy
// document into a [Policy], keeping what the model has no place for: a
// statement's Sid and its Principal or NotPrincipal.
//
// # Statements
//
// Each statement becomes one [access.Permission]: Effect "Allow" or
// "Deny" becomes access.Allow or access.Deny; Action, NotAction,
// Resource and NotResource (a string or a list) are kept as written, in
// their case; Condition is kept as compact JSON in
// [access.Permission.Conditions]. A statement with both Action and
// NotAction, or neither, or both Resource and NotResource, is an error
// naming the statement ("/Statement/2"). Principal and NotPrincipal are
// normalized as [Statement] describes; they reach the model only through
// a role's trust policy (see below).
//
// # Bare policies and iam-dataset records
//
// A bare policy document yields a model with one [access.Role] and no
// principals: ID "aws:role:policy/<name>", Kind "Policy", where the name
// is [Options.Name] or the file's base name without extension. An
// iam-dataset record yields one role with ID "aws:policy:<name>" (see
// [ManagedPolicyID]), Kind "ManagedPolicy" and Builtin set, so that it
// merges with the same policy read from an export; the record's analysis
// flags (privesc, credentials_exposure, ...) are not read.
//
// # Authorization-details exports
//
// IDs follow one scheme (see [PrincipalID], [ManagedPolicyID],
// [InlinePolicyID]):
//
//   - Users are principals "aws:user:<UserName>" of kind user, Human
//     Yes, Name the ARN, Created from CreateDate, LastActive from
//     PasswordLastUsed when present, MemberOf "aws:group:<GroupName>".
//   - Groups are principals "aws:group:<GroupName>" of kind group.
//   - Roles are principals "aws:role:<RoleName>" of kind role, Human No,
//     LastActive from RoleLastUsed.LastUsedDate, and AssumableBy the
//     principals of the Allow statements of AssumeRolePolicyDocument (an
//     object or a URL-encoded string) that grant an sts:AssumeRole*
//     action, normalized as in [Statement] ("service:ec2.amazonaws.com",
//     "federated:<provider ARN>", an ARN, "*").
//   - Managed policies (Policies) are roles "aws:policy:<PolicyName>" of
//     Kind "ManagedPolicy" holding their default version's statements,
//     Builtin when the ARN is an AWS managed policy's
//     ("arn:aws:iam::aws:policy/..."). When two policies of one export
//     share a name, both are "aws:policy:<ARN>".
//   - Inline policies (UserPolicyList, GroupPolicyList, RolePolicyList)
//     are roles "aws:policy:inline/<user|group|role>/<owner>/<PolicyName>"
//     of Kind "InlinePolicy", each with a binding
//     "aws:binding:<kind>/<owner>/inline/<PolicyName>".
//   - AttachedManagedPolicies are bindings
//     "aws:binding:<kind>/<owner>/managed/<PolicyName>" to
//     "aws:policy:<PolicyName>", even when the export's Policies list
//     lacks the policy.
//
// Every binding has Scope{Kind: "account", Name: <account ID>}, the
// account ID taken from the principal's ARN, and there is one
// [access.Account] "aws:account:<ID>" per account ID seen. Principal
// Attributes keep "arn", "id", "path", "tag:<Key>", and for roles
// "last_used_region", "instance_profiles" (comma-separated) and
// "assume_role_policy" (the trust policy as compact JSON);
// "permissions_boundary" holds a permissions boundary's ARN. The export
// has no MFA data, so MFA stays [access.Unknown].
//
// # Errors and limits
//
// Errors are [*access.ParseError]s with the file, the line and a JSON
// pointer ("/RoleDetailList/3/AssumeRolePolicyDocument/Statement/0"),
// wrapping [access.ErrSyntax], [access.ErrUnsupported] or
// [access.ErrLimit]. A bad object fails the whole read: no partial model
// is returned. Input is bounded by [Options.MaxBytes] (default
// [DefaultMaxBytes]) and nesting by 512 levels.
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
// A key given twice in an object, in the input or in a policy document
// held in a string, is [access.ErrSyntax] naming its pointer: IAM rejects
// such a policy, and which "Effect" counts is not for aspm to guess. A
// number where a string goes (a Version of 1e400) is [access.ErrSyntax].
//
// The functions of this package are safe for concurrent use; they keep
// no state between calls.
package awsiam
