package compliance

import "github.com/open-policy-agent/opa/v1/ast"

// PostureValue exposes postureValue to the external tests.
func PostureValue(p *Posture) (ast.Value, error) { return postureValue(p, true) }

// WithIndex exposes withIndex.
var WithIndex = withIndex

// SetUseIndex turns the engine's Go index of the findings on or off and
// returns a function that restores it.
func SetUseIndex(on bool) (restore func()) {
	old := useIndex
	useIndex = on
	return func() { useIndex = old }
}
