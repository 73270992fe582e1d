package decide

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
)

// Names of the baseline's rules, as they appear in [Reason.Rule].
const (
	RuleImpossibleTravel    = "impossible_travel"
	RuleUnusualHour         = "unusual_hour"
	RuleNewNetwork          = "new_network"
	RuleNewDevice           = "new_device"
	RuleNewCountry          = "new_country"
	RuleSensitiveWithoutMFA = "sensitive_without_mfa"
	RulePrincipalDisabled   = "principal_disabled"
	RuleDenyList            = "deny_list"
)

// DefaultConfig returns the baseline's settings, which [New] merges with
// [Options.Data] and publishes as data.aspm.access.config. Each call
// returns a new map. The keys are described in the package
// documentation (# Configuration).
func DefaultConfig() map[string]any {
	return map[string]any{
		"deny_threshold":    80.0,
		"step_up_threshold": 40.0,
		"min_history":       10.0,
		"hour_tolerance":    1.0,
		"max_speed_kmh":     900.0,
		"min_travel_km":     100.0,
		"risk": map[string]any{
			RuleImpossibleTravel:    70.0,
			RuleUnusualHour:         15.0,
			RuleNewNetwork:          20.0,
			RuleNewDevice:           25.0,
			RuleNewCountry:          25.0,
			RuleSensitiveWithoutMFA: 40.0,
		},
		"sensitive_actions": []any{"iam:*", "*:Delete*", "secrets:*", "admin:*"},
		"deny_principals":   []any{},
		"deny_countries":    []any{},
		"deny_networks":     []any{},
		"deny_cidrs":        []any{},
	}
}

// config is the effective configuration: the JSON-normalized document
// and what the Go side reads of it.
type config struct {
	doc       map[string]any
	sensitive []string
}

// buildConfig merges user over the defaults (objects recursively, other
// values replaced), normalizes the result through JSON and checks the
// keys the baseline reads. Unknown keys are kept for custom policies.
func buildConfig(user map[string]any) (config, error) {
	merged := DefaultConfig()
	if user != nil {
		b, err := json.Marshal(user)
		if err != nil {
			return config{}, &ConfigError{Key: "(root)", Message: "not JSON-compatible: " + err.Error()}
		}
		var norm map[string]any
		if err := json.Unmarshal(b, &norm); err != nil {
			return config{}, &ConfigError{Key: "(root)", Message: err.Error()}
		}
		overlay(merged, norm)
	}
	// Normalize the defaults too, so that every value is what JSON gives.
	b, err := json.Marshal(merged)
	if err != nil {
		return config{}, &ConfigError{Key: "(root)", Message: err.Error()}
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return config{}, &ConfigError{Key: "(root)", Message: err.Error()}
	}
	c := config{doc: doc}
	bounds := []struct {
		key    string
		lo, hi float64
	}{
		{"deny_threshold", 0, 100},
		{"step_up_threshold", 0, 100},
		{"min_history", 0, MaxHistory},
		{"hour_tolerance", 0, 12},
		{"max_speed_kmh", 0, math.MaxFloat64},
		{"min_travel_km", 0, math.MaxFloat64},
	}
	vals := map[string]float64{}
	for _, b := range bounds {
		f, err := number(doc, b.key, b.key, b.lo, b.hi)
		if err != nil {
			return config{}, err
		}
		vals[b.key] = f
	}
	if step, deny := vals["step_up_threshold"], vals["deny_threshold"]; step > deny {
		return config{}, &ConfigError{Key: "step_up_threshold", Message: fmt.Sprintf("%v is above deny_threshold %v", step, deny)}
	}
	risk, ok := doc["risk"].(map[string]any)
	if !ok {
		return config{}, &ConfigError{Key: "risk", Message: "not an object"}
	}
	keys := make([]string, 0, len(risk))
	for k := range risk {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := number(risk, k, "risk."+k, 0, 100); err != nil {
			return config{}, err
		}
	}
	for _, k := range []string{"sensitive_actions", "deny_principals", "deny_countries", "deny_networks", "deny_cidrs"} {
		list, err := stringList(doc, k)
		if err != nil {
			return config{}, err
		}
		switch k {
		case "sensitive_actions":
			c.sensitive = list
		case "deny_cidrs":
			for i, s := range list {
				if _, err := netip.ParsePrefix(s); err != nil {
					return config{}, &ConfigError{Key: k + "[" + strconv.Itoa(i) + "]", Message: fmt.Sprintf("%q is not a CIDR prefix", s)}
				}
			}
		}
	}
	return c, nil
}

// overlay copies src over dst: objects merge recursively, anything else
// replaces.
func overlay(dst, src map[string]any) {
	for k, v := range src {
		sm, ok1 := v.(map[string]any)
		dm, ok2 := dst[k].(map[string]any)
		if ok1 && ok2 {
			overlay(dm, sm)
			continue
		}
		dst[k] = v
	}
}

func number(m map[string]any, k, key string, lo, hi float64) (float64, error) {
	f, ok := m[k].(float64)
	if !ok {
		return 0, &ConfigError{Key: key, Message: "not a number"}
	}
	if f < lo || f > hi {
		return 0, &ConfigError{Key: key, Message: fmt.Sprintf("%v outside %v..%v", f, lo, hi)}
	}
	return f, nil
}

func stringList(m map[string]any, k string) ([]string, error) {
	a, ok := m[k].([]any)
	if !ok {
		return nil, &ConfigError{Key: k, Message: "not an array of strings"}
	}
	out := make([]string, len(a))
	for i, x := range a {
		s, ok := x.(string)
		if !ok {
			return nil, &ConfigError{Key: k + "[" + strconv.Itoa(i) + "]", Message: "not a string"}
		}
		out[i] = s
	}
	return out, nil
}
