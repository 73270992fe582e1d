package risk

import (
	"errors"
	"fmt"

	"github.com/aspmkit/aspm/findings"
)

// ErrInvalidSignal reports a signal outside its defined values.
var ErrInvalidSignal = errors.New("risk: invalid signal")

// Validate reports every field of s that holds a value outside the
// constants of its type, or a probability outside [0, 1]. [Model.Score]
// accepts such signals and counts those fields as unknown; Validate is for
// callers who would rather reject them. The error wraps
// [ErrInvalidSignal].
func (s Signals) Validate() error {
	var errs []error
	bad := func(field string, v any) {
		errs = append(errs, fmt.Errorf("%w: %s %q", ErrInvalidSignal, field, fmt.Sprint(v)))
	}
	if s.Severity != "" && !s.Severity.Valid() {
		bad("severity", s.Severity)
	}
	if s.EPSS != nil && (!validProbability(s.EPSS.Probability) || !validProbability(s.EPSS.Percentile)) {
		bad("epss", fmt.Sprintf("%v/%v", s.EPSS.Probability, s.EPSS.Percentile))
	}
	switch s.Exploit {
	case ExploitUnknown, ExploitUnreported, ExploitPoC, ExploitAttacked:
	default:
		bad("exploit", s.Exploit)
	}
	switch s.Reachability {
	case "", findings.Reachable, findings.Unreachable, findings.ReachabilityUnknown:
	default:
		bad("reachability", s.Reachability)
	}
	switch s.VEX {
	case "", findings.VEXAffected, findings.VEXNotAffected, findings.VEXFixed, findings.VEXUnderInvestigation:
	default:
		bad("vex", s.VEX)
	}
	if s.Exposure != ExposureUnknown && exposureLevel(s.Exposure, &defaultWeights) < 0 {
		bad("exposure", s.Exposure)
	}
	switch s.Environment {
	case EnvironmentUnknown, EnvironmentProduction, EnvironmentStaging, EnvironmentDevelopment, EnvironmentTest:
	default:
		bad("environment", s.Environment)
	}
	if s.Criticality != CriticalityUnknown && criticalityLevel(s.Criticality) < 0 {
		bad("criticality", s.Criticality)
	}
	if s.DataSensitivity != DataUnknown && dataLevel(s.DataSensitivity) < 0 {
		bad("data_sensitivity", s.DataSensitivity)
	}
	switch s.Scope {
	case "", findings.ScopeRuntime, findings.ScopeDev, findings.ScopeTest, findings.ScopeOptional:
	default:
		bad("scope", s.Scope)
	}
	switch s.Relationship {
	case "", findings.RelationshipDirect, findings.RelationshipTransitive:
	default:
		bad("relationship", s.Relationship)
	}
	if s.FixAvailable < Unknown || s.FixAvailable > No {
		bad("fix_available", s.FixAvailable)
	}
	for _, c := range []struct {
		name, val string
		ok        bool
	}{
		{"ssvc.exploitation", string(s.SSVC.Exploitation), s.SSVC.Exploitation == "" || s.SSVC.Exploitation.Valid()},
		{"ssvc.automatable", string(s.SSVC.Automatable), s.SSVC.Automatable == "" || s.SSVC.Automatable.Valid()},
		{"ssvc.technical_impact", string(s.SSVC.TechnicalImpact), s.SSVC.TechnicalImpact == "" || s.SSVC.TechnicalImpact.Valid()},
		{"ssvc.mission_wellbeing", string(s.SSVC.MissionWellbeing), s.SSVC.MissionWellbeing == "" || s.SSVC.MissionWellbeing.Valid()},
		{"deployer.exploitation", string(s.Deployer.Exploitation), s.Deployer.Exploitation == "" || s.Deployer.Exploitation.Valid()},
		{"deployer.exposure", string(s.Deployer.Exposure), s.Deployer.Exposure == "" || s.Deployer.Exposure.Valid()},
		{"deployer.automatable", string(s.Deployer.Automatable), s.Deployer.Automatable == "" || s.Deployer.Automatable.Valid()},
		{"deployer.human_impact", string(s.Deployer.HumanImpact), s.Deployer.HumanImpact == "" || s.Deployer.HumanImpact.Valid()},
	} {
		if !c.ok {
			bad(c.name, c.val)
		}
	}
	return errors.Join(errs...)
}
