package ssvc

import (
	"errors"
	"strconv"
	"strings"
)

// ErrInvalid is the cause of every error this package returns: a value
// that is not one of a decision point's values. It is always wrapped in a
// [*ValueError]; test for it with [errors.Is].
var ErrInvalid = errors.New("ssvc: invalid decision point value")

// Names of the decision points, as [ValueError.Point] reports them. They
// are the names the SSVC tables use, except for the Deployer outcome,
// which SSVC calls "Defer, Scheduled, Out-of-Cycle, Immediate".
const (
	PointExploitation     = "Exploitation"
	PointAutomatable      = "Automatable"
	PointTechnicalImpact  = "Technical Impact"
	PointMissionWellbeing = "Mission and Well-Being Impact"
	PointExposure         = "System Exposure"
	PointHumanImpact      = "Human Impact"
	PointDecision         = "CISA Levels"
	PointPriority         = "Patch Application Priority"
)

// maxQuoted bounds how much of a bad value an error message repeats.
const maxQuoted = 64

// ValueError reports a value that is not one of a decision point's values.
// It wraps [ErrInvalid]. A ValueError is not modified after it is
// returned and is safe for concurrent use.
type ValueError struct {
	// Point names the decision point, one of the Point constants
	// ([PointExploitation], ...).
	Point string
	// Value is the offending value as given, before any normalization;
	// empty when the value was missing.
	Value string
}

// Error describes the problem, quoting at most 64 bytes of the value and
// listing the decision point's values when the point is known.
func (e *ValueError) Error() string {
	var b strings.Builder
	b.WriteString("ssvc: invalid decision point value: ")
	b.WriteString(e.Point)
	b.WriteByte(' ')
	v := e.Value
	if len(v) > maxQuoted {
		v = v[:maxQuoted] + "..."
	}
	b.WriteString(strconv.Quote(v))
	if want := allowed(e.Point); want != "" {
		b.WriteString(" (want ")
		b.WriteString(want)
		b.WriteByte(')')
	}
	return b.String()
}

// Unwrap returns [ErrInvalid].
func (e *ValueError) Unwrap() error { return ErrInvalid }

// allowed lists the canonical values of the named decision point.
func allowed(point string) string {
	switch point {
	case PointExploitation:
		return join(exploitations[:])
	case PointAutomatable:
		return join(automatables[:])
	case PointTechnicalImpact:
		return join(technicalImpacts[:])
	case PointMissionWellbeing:
		return join(missionWellbeings[:])
	case PointExposure:
		return join(exposures[:])
	case PointHumanImpact:
		return join(humanImpacts[:])
	case PointDecision:
		return join(decisions[:])
	case PointPriority:
		return join(priorities[:])
	}
	return ""
}

// join quotes values and joins them as "a", "b" or "c".
func join[T ~string](values []T) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(string(v)))
	}
	return b.String()
}

// invalid returns the error for a bad value of a decision point.
func invalid(point, value string) error {
	return &ValueError{Point: point, Value: value}
}

// joinErrors returns nil for no errors, the error itself for one, and
// [errors.Join] of them for more.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
