// Package ssvc evaluates SSVC decision trees: the CISA Coordinator tree,
// which sorts vulnerabilities into the four CISA levels, and the SSVC
// Deployer tree, which says how soon to apply a patch.
//
// # SSVC in brief
//
// Stakeholder-Specific Vulnerability Categorization (SSVC), developed by
// Carnegie Mellon's Software Engineering Institute with CISA, replaces a
// single severity number with a decision. A stakeholder (a coordinator
// such as CISA, a supplier, a deployer) answers a few questions about a
// vulnerability, the decision points, each with a small set of qualitative
// values; a decision table then maps every combination of answers to an
// action. The tables are fixed and published, so two people who agree on
// the answers always reach the same decision, and the reason for a
// decision is the list of answers that led to it.
//
// The decision points used here:
//
//   - [Exploitation]: is there no evidence of exploitation, a public proof
//     of concept, or active exploitation in the wild?
//   - [Automatable]: can an attacker automate the first steps of the kill
//     chain (reconnaissance, weaponization, delivery, exploitation)?
//   - [TechnicalImpact]: does exploitation give the attacker partial or
//     total control of, or disclosure from, the affected software?
//   - [MissionWellbeing]: how badly would exploitation hurt the missions of
//     the affected organizations and the well-being of the public?
//   - [Exposure]: is the affected system reachable by few (small), by some
//     through controls (controlled), or by anyone on the internet (open)?
//   - [HumanImpact]: the combined safety and mission consequences for the
//     people who depend on the system, from low to very high.
//
// Values are strings spelled exactly as in the SSVC CSV tables ("public
// poc", "very high"). The Parse functions ([ParseExploitation] and one per
// type) also accept other capitalizations, hyphens or underscores for
// spaces, the single-letter keys of the SSVC JSON tables and a few common
// aliases; every type has a Valid method.
//
// # The CISA Coordinator tree
//
// [Coordinator] evaluates [CoordinatorVersion] for a [CoordinatorInput]
// and returns a [Decision]. In our words, the four CISA levels mean:
//
//   - [DecisionTrack]: nothing to do beyond the usual. Keep an eye on the
//     vulnerability and fix it in the normal update cycle.
//   - [DecisionTrackStar] (Track*): still handled in the normal cycle, but
//     something about it (a proof of concept, high impact) makes it worth
//     watching more closely for signs that it is getting worse.
//   - [DecisionAttend]: needs the attention of people above the working
//     level. Gather more information, possibly warn others, and fix it
//     sooner than the normal cycle would.
//   - [DecisionAct]: needs leadership to decide and act now. Coordinate a
//     response and remediate as fast as is reasonably possible.
//
// [Decision.Rank] orders the levels from 0 (Track) to 3 (Act).
//
// # The Deployer tree
//
// [Deployer] evaluates [DeployerVersion] for a [DeployerInput] and returns
// a [Priority]: [PriorityDefer] (do not act now), [PriorityScheduled]
// (patch in the regular maintenance window), [PriorityOutOfCycle] (patch
// or mitigate before the next window) or [PriorityImmediate] (drop other
// work and fix it now). [Priority.Rank] orders them from 0 to 3.
//
// # Tables, errors and speed
//
// Both tables are compiled into the package. [CoordinatorTable] and
// [DeployerTable] return every row, in the order of the published CSV
// files, for documentation and rendering. A lookup is index arithmetic
// into an array: it does not allocate and takes a few nanoseconds.
//
// An unknown or empty value gives a [*ValueError] naming the decision
// point and the value; it wraps [ErrInvalid], so callers test it with
// [errors.Is]. Nothing in this package keeps state, and every function is
// safe for concurrent use.
package ssvc
