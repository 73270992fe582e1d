package alert_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/risk"
)

func TestPolicyAllows(t *testing.T) {
	kev := func(p risk.Priority) alert.Event {
		e := ev("CVE-2021-44228", "f1", 0, p)
		e.Type = alert.TypeKEVListed
		return e
	}
	tests := []struct {
		name   string
		policy alert.Policy
		event  alert.Event
		want   bool
	}{
		{"default P1", alert.Policy{}, ev("r", "f", 0, risk.P1), true},
		{"default P2 (at the threshold)", alert.Policy{}, ev("r", "f", 0, risk.P2), true},
		{"default P3 (below)", alert.Policy{}, ev("r", "f", 0, risk.P3), false},
		{"default P4", alert.Policy{}, ev("r", "f", 0, risk.P4), false},
		{"default without priority", alert.Policy{}, ev("r", "f", 0, ""), true},
		{"RequirePriority without priority", alert.Policy{RequirePriority: true}, ev("r", "f", 0, ""), false},
		{"RequirePriority with P1", alert.Policy{RequirePriority: true}, ev("r", "f", 0, risk.P1), true},
		{"min P1 drops P2", alert.Policy{MinPriority: risk.P1}, ev("r", "f", 0, risk.P2), false},
		{"min P4 keeps P4", alert.Policy{MinPriority: risk.P4}, ev("r", "f", 0, risk.P4), true},
		{"invalid event priority never passes", alert.Policy{MinPriority: risk.P4}, ev("r", "f", 0, "P9"), false},
		{"type listed", alert.Policy{Types: []alert.Type{alert.TypeKEVListed}}, kev(risk.P1), true},
		{"type not listed", alert.Policy{Types: []alert.Type{alert.TypeKEVListed}}, ev("r", "f", 0, risk.P1), false},
		{"type listed but priority too low", alert.Policy{Types: []alert.Type{alert.TypeKEVListed}}, kev(risk.P3), false},
		{"empty Types means all", alert.Policy{Types: []alert.Type{}}, kev(risk.P2), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.policy.Validate())
			assert.Equal(t, tt.want, tt.policy.Allows(tt.event))
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		policy alert.Policy
		path   string
	}{
		{"bad priority", alert.Policy{MinPriority: "high"}, "MinPriority"},
		{"bad type", alert.Policy{Types: []alert.Type{alert.TypeReopened, "fixed"}}, "Types[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, alert.ErrInvalid)
			var ie *alert.InputError
			require.True(t, errors.As(err, &ie))
			assert.Equal(t, tt.path, ie.Path)
		})
	}
}
