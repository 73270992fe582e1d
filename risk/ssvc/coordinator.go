package ssvc

// CoordinatorVersion names the decision table [Coordinator] evaluates.
const CoordinatorVersion = "CISA Coordinator 2.0.3"

// CoordinatorInput holds the four decision points of the CISA Coordinator
// tree. The zero value is not valid: every field must be set. It is a
// plain value, safe for concurrent use.
type CoordinatorInput struct {
	Exploitation     Exploitation
	Automatable      Automatable
	TechnicalImpact  TechnicalImpact
	MissionWellbeing MissionWellbeing
}

// coordinatorTable is the CISA Coordinator 2.0.3 decision table. The
// index is ((e*2+a)*2+t)*3+m, where e, a, t and m are the positions of the
// values in SSVC order (none, public poc, active; no, yes; partial, total;
// low, medium, high), which is also the row number in the published CSV.
var coordinatorTable = [36]Decision{
	// Exploitation none, Automatable no.
	DecisionTrack, DecisionTrack, DecisionTrack, // partial: low, medium, high
	DecisionTrack, DecisionTrack, DecisionTrackStar, // total
	// Exploitation none, Automatable yes.
	DecisionTrack, DecisionTrack, DecisionAttend, // partial
	DecisionTrack, DecisionTrack, DecisionAttend, // total
	// Exploitation public poc, Automatable no.
	DecisionTrack, DecisionTrack, DecisionTrackStar, // partial
	DecisionTrack, DecisionTrackStar, DecisionAttend, // total
	// Exploitation public poc, Automatable yes.
	DecisionTrack, DecisionTrack, DecisionAttend, // partial
	DecisionTrack, DecisionTrackStar, DecisionAttend, // total
	// Exploitation active, Automatable no.
	DecisionTrack, DecisionTrack, DecisionAttend, // partial
	DecisionTrack, DecisionAttend, DecisionAct, // total
	// Exploitation active, Automatable yes.
	DecisionAttend, DecisionAttend, DecisionAct, // partial
	DecisionAttend, DecisionAct, DecisionAct, // total
}

// Coordinator evaluates the CISA Coordinator decision tree
// ([CoordinatorVersion]) and returns the CISA level for in. It does not
// allocate unless it fails.
//
// Every field of in must be one of its type's constants, spelled exactly;
// use the Parse functions to accept other spellings. Otherwise Coordinator
// returns "" and a [*ValueError] wrapping [ErrInvalid] for the bad field,
// or, when several fields are bad, [errors.Join] of one per bad field in
// field order.
func Coordinator(in CoordinatorInput) (Decision, error) {
	e, a, t, m := in.Exploitation.index(), in.Automatable.index(), in.TechnicalImpact.index(), in.MissionWellbeing.index()
	if e < 0 || a < 0 || t < 0 || m < 0 {
		return "", in.check()
	}
	return coordinatorTable[((e*2+a)*2+t)*3+m], nil
}

// check returns the errors for the invalid fields of in.
func (in CoordinatorInput) check() error {
	var errs []error
	if !in.Exploitation.Valid() {
		errs = append(errs, invalid(PointExploitation, string(in.Exploitation)))
	}
	if !in.Automatable.Valid() {
		errs = append(errs, invalid(PointAutomatable, string(in.Automatable)))
	}
	if !in.TechnicalImpact.Valid() {
		errs = append(errs, invalid(PointTechnicalImpact, string(in.TechnicalImpact)))
	}
	if !in.MissionWellbeing.Valid() {
		errs = append(errs, invalid(PointMissionWellbeing, string(in.MissionWellbeing)))
	}
	return joinErrors(errs)
}

// CoordinatorRow is one row of the CISA Coordinator decision table. It is
// a plain value, safe for concurrent use.
type CoordinatorRow struct {
	Input    CoordinatorInput
	Decision Decision
}

// CoordinatorTable returns all 36 rows of the CISA Coordinator decision
// table, in the order of the published CSV file (the slice index is the
// CSV's row number): by Exploitation, then Automatable, Technical Impact
// and Mission and Well-Being Impact, each in SSVC value order. The slice
// is new on every call; the caller may modify it.
func CoordinatorTable() []CoordinatorRow {
	rows := make([]CoordinatorRow, 0, len(coordinatorTable))
	for _, e := range exploitations {
		for _, a := range automatables {
			for _, t := range technicalImpacts {
				for _, m := range missionWellbeings {
					in := CoordinatorInput{Exploitation: e, Automatable: a, TechnicalImpact: t, MissionWellbeing: m}
					rows = append(rows, CoordinatorRow{Input: in, Decision: coordinatorTable[len(rows)]})
				}
			}
		}
	}
	return rows
}
