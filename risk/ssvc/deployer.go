package ssvc

// DeployerVersion names the decision table [Deployer] evaluates.
const DeployerVersion = "SSVC Deployer Patch Application Priority 1.0.0"

// DeployerInput holds the four decision points of the SSVC Deployer patch
// application priority tree. The zero value is not valid: every field
// must be set. It is a plain value, safe for concurrent use.
type DeployerInput struct {
	Exploitation Exploitation
	Exposure     Exposure
	Automatable  Automatable
	HumanImpact  HumanImpact
}

// deployerTable is the SSVC Deployer Patch Application Priority 1.0.0
// decision table. The index is ((e*3+x)*2+a)*4+h, where e, x, a and h are
// the positions of the values in SSVC order (none, public poc, active;
// small, controlled, open; no, yes; low, medium, high, very high), which
// is also the row number in the published CSV.
var deployerTable = [72]Priority{
	// Exploitation none.
	PriorityDefer, PriorityDefer, PriorityScheduled, PriorityScheduled, // small, not automatable: low, medium, high, very high
	PriorityDefer, PriorityScheduled, PriorityScheduled, PriorityScheduled, // small, automatable
	PriorityDefer, PriorityScheduled, PriorityScheduled, PriorityScheduled, // controlled, not automatable
	PriorityScheduled, PriorityScheduled, PriorityScheduled, PriorityScheduled, // controlled, automatable
	PriorityDefer, PriorityScheduled, PriorityScheduled, PriorityScheduled, // open, not automatable
	PriorityScheduled, PriorityScheduled, PriorityScheduled, PriorityOutOfCycle, // open, automatable
	// Exploitation public poc.
	PriorityDefer, PriorityScheduled, PriorityScheduled, PriorityScheduled, // small, not automatable
	PriorityScheduled, PriorityScheduled, PriorityScheduled, PriorityScheduled, // small, automatable
	PriorityDefer, PriorityScheduled, PriorityScheduled, PriorityScheduled, // controlled, not automatable
	PriorityScheduled, PriorityScheduled, PriorityScheduled, PriorityOutOfCycle, // controlled, automatable
	PriorityScheduled, PriorityScheduled, PriorityScheduled, PriorityOutOfCycle, // open, not automatable
	PriorityScheduled, PriorityScheduled, PriorityOutOfCycle, PriorityOutOfCycle, // open, automatable
	// Exploitation active.
	PriorityScheduled, PriorityScheduled, PriorityOutOfCycle, PriorityOutOfCycle, // small, not automatable
	PriorityScheduled, PriorityOutOfCycle, PriorityOutOfCycle, PriorityOutOfCycle, // small, automatable
	PriorityScheduled, PriorityScheduled, PriorityOutOfCycle, PriorityOutOfCycle, // controlled, not automatable
	PriorityOutOfCycle, PriorityOutOfCycle, PriorityOutOfCycle, PriorityOutOfCycle, // controlled, automatable
	PriorityScheduled, PriorityOutOfCycle, PriorityOutOfCycle, PriorityImmediate, // open, not automatable
	PriorityOutOfCycle, PriorityOutOfCycle, PriorityImmediate, PriorityImmediate, // open, automatable
}

// Deployer evaluates the SSVC Deployer patch application priority tree
// ([DeployerVersion]) and returns how soon to apply the fix. It does not
// allocate unless it fails.
//
// Every field of in must be one of its type's constants, spelled exactly;
// use the Parse functions to accept other spellings. Otherwise Deployer
// returns "" and a [*ValueError] wrapping [ErrInvalid] for the bad field,
// or, when several fields are bad, [errors.Join] of one per bad field in
// field order.
func Deployer(in DeployerInput) (Priority, error) {
	e, x, a, h := in.Exploitation.index(), in.Exposure.index(), in.Automatable.index(), in.HumanImpact.index()
	if e < 0 || x < 0 || a < 0 || h < 0 {
		return "", in.check()
	}
	return deployerTable[((e*3+x)*2+a)*4+h], nil
}

// check returns the errors for the invalid fields of in.
func (in DeployerInput) check() error {
	var errs []error
	if !in.Exploitation.Valid() {
		errs = append(errs, invalid(PointExploitation, string(in.Exploitation)))
	}
	if !in.Exposure.Valid() {
		errs = append(errs, invalid(PointExposure, string(in.Exposure)))
	}
	if !in.Automatable.Valid() {
		errs = append(errs, invalid(PointAutomatable, string(in.Automatable)))
	}
	if !in.HumanImpact.Valid() {
		errs = append(errs, invalid(PointHumanImpact, string(in.HumanImpact)))
	}
	return joinErrors(errs)
}

// DeployerRow is one row of the SSVC Deployer decision table. It is a
// plain value, safe for concurrent use.
type DeployerRow struct {
	Input    DeployerInput
	Priority Priority
}

// DeployerTable returns all 72 rows of the SSVC Deployer patch application
// priority table, in the order of the published CSV file (the slice index
// is the CSV's row number): by Exploitation, then System Exposure,
// Automatable and Human Impact, each in SSVC value order. The slice is new
// on every call; the caller may modify it.
func DeployerTable() []DeployerRow {
	rows := make([]DeployerRow, 0, len(deployerTable))
	for _, e := range exploitations {
		for _, x := range exposures {
			for _, a := range automatables {
				for _, h := range humanImpacts {
					in := DeployerInput{Exploitation: e, Exposure: x, Automatable: a, HumanImpact: h}
					rows = append(rows, DeployerRow{Input: in, Priority: deployerTable[len(rows)]})
				}
			}
		}
	}
	return rows
}
