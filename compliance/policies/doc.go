// Package policies is aspm's built-in library of compliance controls,
// written in Rego and embedded in [FS]. The compliance package loads it by
// default; the files are also plain OPA policies that opa eval, opa test
// and conftest read as they are.
//
// # Controls
//
// Each control is one Rego package under aspm.controls, one file each,
// judging the posture document (aspm-posture/1) given as input. A package
// annotation (OPA METADATA, package scope) describes it: title,
// description, and under custom the control id, whether it gates CI by
// default, its severity, and its framework mappings (asvs, ssdf,
// pci-dss-4, soc2, iso27001), each a list of requirement ids. The package
// defines three rules:
//
//   - applicable: false when the posture has nothing for the control to
//     judge (the result is then not applicable);
//   - violations: a set of {"msg", "evidence"} objects, empty when the
//     control passes; evidence lists "finding:<id>" and "asset:<id>"
//     references;
//   - evidence: the ids the control checked, given only when it passes (a
//     set, or an array when it is a list the library already holds, as in
//     vm_sla and vm_sla_all).
//
// The built-in controls:
//
//	ASPM-VM-01   vm_sla             no open critical or KEV finding past its SLA (gate)
//	ASPM-VM-02   vm_sla_all         no open finding past its SLA
//	ASPM-COV-01  coverage_sast      every production repository covered by SAST (gate)
//	ASPM-COV-02  coverage_sca       every production repository covered by SCA (gate)
//	ASPM-COV-03  coverage_secrets   every production repository covered by secret scanning (gate)
//	ASPM-SBOM-01 sbom_present       an SBOM for every deployed service and image
//	ASPM-SEC-01  secrets_absent     no open hard-coded secret (gate)
//	ASPM-EXP-01  exposed_high_risk  no reachable P1/P2 finding on an internet-exposed service (gate)
//	ASPM-DEP-01  dependencies_eol   no end-of-life component or image
//	ASPM-IAM-01  least_privilege    no open least-privilege finding
//	ASPM-RA-01   risk_acceptance    risk acceptances have an author and an expiry (gate)
//
// Each annotation's description states exactly what the control reads and
// when it is not applicable.
//
// # Shared helpers
//
// lib.rego (package aspm.lib.posture) holds the views and predicates the
// controls share: the posture's lists, active findings (open and not
// suppressed; the posture's suppressed field is the one authority, which
// the builder sets from VEX statements, tool suppressions and triage
// decisions that have not expired), findings past their SLA, production repositories, internet-exposed services and what they
// are made of, scan coverage and its age, and RFC 3339 timestamps
// validated before they are parsed. Custom controls can import it.
//
// The controls never fail on bad input: builtin calls are guarded by type
// checks and fields are otherwise compared with == and in, so a posture
// with missing fields, nulls or values of the wrong type is judged on what
// it holds, even under strict builtin errors. Enumerated values (kinds,
// severities, priorities) are compared as the posture schema spells them.
// The controls use only pure builtins and take the current time from the
// posture's generated_at, so the same posture always gives the same
// results.
//
// What runs once per finding is kept to a few comparisons: OPA spends
// about a microsecond on each expression, and a posture may hold 100,000
// findings. The aspm engine also hands the library an index of the
// posture (input._aspm_index, computed in Go): its groupings of the
// findings, assets and edges, and the evidence references of the large
// groups. Each rule that reads it falls back to its own Rego pass when it
// is absent, as under opa eval and opa test, with the same results.
//
// # Configuration
//
// Two thresholds are read from data, and default when absent:
// data.aspm.config.coverage_max_age_days (90: a scan older than that no
// longer counts as coverage) and data.aspm.config.risk_acceptance_max_days
// (365: the longest a risk acceptance may run past the posture's date).
//
// # Tests
//
// Each control has Rego unit tests (*_test.rego, packages under aspm.test,
// outside aspm.controls) for pass, fail and not applicable; go test runs
// them all through OPA's tester in the compliance sandbox, with strict
// builtin errors. opa test runs them too.
package policies
