// Package compliance answers auditors' questions from posture data, control
// by control, with evidence: is every production repository scanned, are
// critical vulnerabilities fixed within their SLA, are secrets kept out of
// code. Controls are Rego policies that teams can read and extend; results
// map to OWASP ASVS, NIST SSDF, PCI DSS 4.0, SOC 2 and ISO/IEC 27001.
//
// # The posture document
//
// Controls judge a [Posture]: a versioned JSON document (aspm-posture/1)
// holding assets and their relations, findings with lifecycle, risk and
// SLA, scan coverage, SBOMs and access results. A [Builder] assembles one
// from aspm's typed parts, [ReadPosture] reads one, and a JSON Schema in
// compliance/schema describes it.
//
// [ReadPosture] holds a document to limits as it reads it: at most
// limits.MaxDocumentBytes, no string longer than limits.MaxStringBytes
// (16 MiB), no nesting deeper than limits.MaxDepth (512), each
// [ErrPostureLimit] with the line and column, the read stopped there. A
// number where a time or string goes (1e400) is [ErrPostureInvalid] naming
// the field. A key given twice keeps its last value and invalid UTF-8
// becomes U+FFFD, as with encoding/json; the document is then checked as
// usual.
//
// # Controls
//
// A control is a Rego v1 package under data.aspm.controls ([ControlsPackage])
// with a package-scope METADATA annotation:
//
//	# METADATA
//	# title: No open critical or KEV finding past its SLA
//	# description: ...
//	# custom:
//	#   id: ASPM-VM-01
//	#   gate: true
//	#   severity: high
//	#   frameworks:
//	#     pci-dss-4: ["6.3.3"]
//	#     ssdf: ["RV.2.2"]
//	package aspm.controls.vm_sla
//
//	import rego.v1
//
//	default applicable := true
//	applicable := false if count(input.findings) == 0
//
//	violations contains {"msg": msg, "evidence": ["finding:...", "asset:..."]} if { ... }
//	evidence contains id if { ... } # optional: what was checked, for a pass
//
// The evidence may also be an array of ids (evidence := list), which
// saves building a set when it is a long list the library already holds;
// the report sorts and deduplicates it either way.
//
// The annotation gives the catalog entry ([Control]): the id, title and
// description, whether a failure gates CI, a severity, and the framework
// requirements ([Mapping]) it supports; requirement ids are checked against
// each framework's form ([Frameworks]). A package under data.aspm.controls
// without custom.id and without violations is a library; one with
// violations but no id is an error. Policies may read settings from data
// ([Options.Data]) but not the clock: the posture carries its own time.
//
// The built-in library (package compliance/policies) is loaded unless
// [Options.DisableBuiltins] is set; custom controls come from fs.FS values,
// directories and OPA bundles and behave exactly like built-in ones.
// [Options.Gate] overrides whether a control gates.
//
// # The engine
//
// [New] loads and compiles every policy once in the sandbox of
// internal/opasandbox (no http.send, no DNS, no clock, no randomness; see
// [ErrForbiddenBuiltin]) and prepares a few queries, one per group of
// controls (three groups per goroutine of [Options.Parallelism], by
// default one goroutine per core; controls that read the same rules share
// a group, so the lists they share are computed once). [Engine.Evaluate]
// converts the posture to Rego's representation once (a [*Posture]
// straight from its Go values, its findings on every core, repeated
// values such as locations, packages and risks shared) and runs the
// groups' queries under a deadline ([Options.Timeout], [ErrTimeout]): the
// goroutines take the groups costliest first, each the next when done
// with its own, and the engine learns each group's cost from its last
// evaluations. An Engine is safe for concurrent use.
//
// Before the queries run, the engine groups the posture's findings in Go,
// in one pass (open, active, by SLA flag, by kind, by priority, critical
// or in KEV, by risk acceptance, by asset for the high-risk ones), with
// the evidence references of the large groups, and hands them to the
// built-in library as input._aspm_index: the library reads them instead
// of making a pass of its own for each, and makes those passes when the
// index is absent (opa eval, opa test). The groups are the posture's own
// terms, and a posture's own _aspm_index is replaced. Over 100,000
// findings this takes more than half off an evaluation.
//
// Policy files are bounded: a .rego file of a directory or fs.FS, and a
// module or data file of a bundle, to [MaxPolicyFileBytes]; a bundle
// tarball to [MaxBundleBytes] both as stored and once inflated, and to
// [MaxBundleFiles] entries, checked before OPA's reader sees it (a gzip
// bomb stops after MaxBundleBytes inflated; an entry whose header claims
// more than MaxPolicyFileBytes is refused before anything is allocated
// for it). Directories are read through an [os.Root]: a symbolic link
// that leads out of the directory is an error naming it, and nothing of
// its target is read. Bundle directories are read without following
// links: a link in one is an error naming it. All these are [ErrPolicy].
//
// # Results
//
// A [Report] holds, per control, a [Result]: a [Status] (pass, fail,
// not_applicable, error), a human message, the violations and the evidence
// ids that decided it. A control whose Rego fails at run time gets
// [StatusError] without hiding the others' results. Per framework, a
// [FrameworkResult] counts the requirements mapped, covered and passed,
// with a pass rate and a status per requirement; [Report.ForFramework]
// narrows a report to one framework. The [Gate] fails when a gating control
// fails or errs.
//
// # Export
//
// [Report.WriteJSON] writes the report as stable JSON (every list sorted)
// and [ReadReport] reads it back; [WriteOSCAL] writes a NIST OSCAL 1.1.2
// assessment-results document with name-based (version 5) UUIDs and the
// times given in [OSCALOptions], so the same report gives the same bytes.
package compliance
