package decide_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access/decide"
)

var (
	now    = time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	paris  = decide.Location{Country: "FR", City: "Paris", Lat: 48.8566, Lon: 2.3522}
	nyc    = decide.Location{Country: "US", City: "New York", Lat: 40.7128, Lon: -74.006}
	lyon   = decide.Location{Country: "FR", City: "Lyon", Lat: 45.764, Lon: 4.8357}
	saclay = decide.Location{Country: "FR", City: "Saclay", Lat: 48.7309, Lon: 2.1697} // 23 km from Paris
)

// familiar returns n familiar events from Paris, network AS3215, device
// laptop-42, at 09:00 to 11:00 UTC on the days before now.
func familiar(n int) []decide.Event {
	out := make([]decide.Event, n)
	for i := range out {
		out[i] = decide.Event{
			Time:     now.Add(-time.Duration(n-i) * 24 * time.Hour).Add(time.Duration(i%3-1) * time.Hour),
			Location: paris,
			DeviceID: "laptop-42",
			Network:  "AS3215",
			Action:   "s3:GetObject",
			Outcome:  []string{"allow", "success", ""}[i%3],
		}
	}
	return out
}

// request returns a request from the familiar place, device and network.
func request(history []decide.Event) decide.Request {
	return decide.Request{
		Principal: decide.Principal{ID: "aws:user:alice", Kind: "user"},
		Action:    "s3:GetObject",
		Resource:  "arn:aws:s3:::reports",
		Context: decide.Context{
			Time: now, IP: "198.51.100.23", Location: paris,
			Device: decide.Device{ID: "laptop-42", Managed: true}, Network: "AS3215",
		},
		History: history,
	}
}

func newDecider(t testing.TB, opts decide.Options) *decide.Decider {
	t.Helper()
	d, err := decide.New(context.Background(), opts)
	require.NoError(t, err)
	return d
}

func rules(d decide.Decision) []string {
	out := []string{}
	for _, r := range d.Reasons {
		out = append(out, r.Rule)
	}
	return out
}

func TestDecideBaseline(t *testing.T) {
	d := newDecider(t, decide.Options{})
	tests := []struct {
		name    string
		edit    func(*decide.Request)
		data    map[string]any
		outcome decide.Outcome
		risk    float64
		rules   []string
		message string // a substring of the first reason's message
	}{
		{name: "no signal", edit: func(r *decide.Request) {}, outcome: decide.Allow, rules: []string{}},
		{name: "no history at all", edit: func(r *decide.Request) { r.History = nil }, outcome: decide.Allow, rules: []string{}},
		{
			name: "impossible travel", outcome: decide.StepUp, risk: 70, rules: []string{"impossible_travel"},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now.Add(-time.Hour), Location: nyc, Network: "AS3215", DeviceID: "laptop-42"})
			},
			message: "km from New York, US in 1 h",
		},
		{
			name: "travel at airliner speed is possible", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now.Add(-8 * time.Hour), Location: nyc, Network: "AS3215", DeviceID: "laptop-42"})
			},
		},
		{
			name: "travel needs one located event only", outcome: decide.StepUp, risk: 70, rules: []string{"impossible_travel"},
			edit: func(r *decide.Request) {
				r.History = []decide.Event{{Time: now.Add(-30 * time.Minute), Location: nyc}}
			},
		},
		{
			name: "travel from the newest event, whatever the order", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) {
				r.History = []decide.Event{{Time: now.Add(-time.Minute), Location: lyon}, {Time: now.Add(-time.Hour), Location: nyc}}
				r.Context.Location = decide.Location{Country: "FR", City: "Lyon", Lat: 45.76, Lon: 4.84}
			},
		},
		{
			name: "travel from a failed attempt is ignored", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now.Add(-time.Hour), Location: nyc, Outcome: "failure"})
			},
		},
		{
			name: "short hop is geolocation noise", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now.Add(-time.Second), Location: saclay, Network: "AS3215", DeviceID: "laptop-42"})
			},
		},
		{
			name: "same instant elsewhere", outcome: decide.StepUp, risk: 70, rules: []string{"impossible_travel"},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now, Location: lyon})
			},
		},
		{
			name: "request without coordinates: no travel signal", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now.Add(-time.Hour), Location: nyc, Network: "AS3215", DeviceID: "laptop-42"})
				r.Context.Location = decide.Location{Country: "FR"}
			},
		},
		{
			name: "unusual hour with enough history", outcome: decide.Allow, risk: 15, rules: []string{"unusual_hour"},
			edit:    func(r *decide.Request) { r.Context.Time = now.Add(-7 * time.Hour) },
			message: "request at 03 h UTC; usual hours [9, 10, 11]",
		},
		{
			name: "unusual hour needs min_history events", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) { r.History = familiar(9); r.Context.Time = now.Add(-7 * time.Hour) },
		},
		{
			name: "failed events do not count as history", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) {
				r.History = append(familiar(9), decide.Event{Time: now.Add(-time.Hour), Outcome: "deny"})
				r.Context.Time = now.Add(-7 * time.Hour)
			},
		},
		{
			name: "hour within tolerance", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) { r.Context.Time = now.Add(2 * time.Hour) },
		},
		{
			name: "unusual hour read in the principal's time zone", outcome: decide.Allow, risk: 15, rules: []string{"unusual_hour"},
			edit: func(r *decide.Request) {
				r.Principal.TimeZone = "America/New_York"
				r.Context.Time = now.Add(-7 * time.Hour)
			},
			message: "request at 22 h America/New_York; usual hours [4, 5, 6]",
		},
		{
			name: "new network", outcome: decide.Allow, risk: 20, rules: []string{"new_network"},
			edit:    func(r *decide.Request) { r.Context.Network = "AS64500" },
			message: `network "AS64500" not seen in 12 events`,
		},
		{
			name: "new network needs history", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) { r.History = familiar(3); r.Context.Network = "AS64500" },
		},
		{
			name: "new device", outcome: decide.Allow, risk: 25, rules: []string{"new_device"},
			edit:    func(r *decide.Request) { r.Context.Device = decide.Device{ID: "phone-1"} },
			message: `unmanaged device "phone-1"`,
		},
		{
			name: "device seen only in failed attempts is new", outcome: decide.Allow, risk: 25, rules: []string{"new_device"},
			edit: func(r *decide.Request) {
				r.History = append(r.History, decide.Event{Time: now.Add(-time.Hour), DeviceID: "phone-1", Outcome: "failure"})
				r.Context.Device = decide.Device{ID: "phone-1", Managed: true}
			},
			message: `managed device "phone-1"`,
		},
		{
			name: "new country", outcome: decide.Allow, risk: 25, rules: []string{"new_country"},
			edit: func(r *decide.Request) { r.Context.Location = decide.Location{Country: "BR"} },
		},
		{
			name: "country compared without case", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) { r.Context.Location = decide.Location{Country: "fr"} },
		},
		{
			name: "new network, device and country step up", outcome: decide.StepUp, risk: 70,
			rules: []string{"new_country", "new_device", "new_network"},
			edit: func(r *decide.Request) {
				r.Context.Network, r.Context.Device, r.Context.Location = "AS64500", decide.Device{ID: "x"}, decide.Location{Country: "BR"}
			},
		},
		{
			name: "past the deny threshold", outcome: decide.Deny, risk: 85,
			rules: []string{"new_country", "new_device", "new_network", "unusual_hour"},
			edit: func(r *decide.Request) {
				r.Context.Network, r.Context.Device, r.Context.Location = "AS64500", decide.Device{ID: "x"}, decide.Location{Country: "BR"}
				r.Context.Time = now.Add(-7 * time.Hour)
			},
		},
		{
			name: "risk capped at 100", outcome: decide.Deny, risk: 100,
			rules: []string{"impossible_travel", "sensitive_without_mfa", "new_device", "new_network"},
			edit: func(r *decide.Request) {
				r.Action = "iam:CreateUser"
				r.Context.Network, r.Context.Device = "AS64500", decide.Device{ID: "x"}
				r.History = append(r.History, decide.Event{Time: now.Add(-time.Hour), Location: nyc})
			},
		},
		{
			name: "sensitive action without MFA", outcome: decide.StepUp, risk: 40, rules: []string{"sensitive_without_mfa"},
			edit:    func(r *decide.Request) { r.Action = "iam:CreateUser" },
			message: `sensitive action "iam:CreateUser" without a second factor`,
		},
		{
			name: "sensitive pattern matches without case", outcome: decide.StepUp, risk: 40, rules: []string{"sensitive_without_mfa"},
			edit: func(r *decide.Request) { r.Action = "s3:deletebucket" },
		},
		{
			name: "sensitive action with MFA", outcome: decide.Allow, rules: []string{},
			edit: func(r *decide.Request) { r.Action = "secrets:GetSecretValue"; r.Context.MFA = true },
		},
		{
			name: "request marked sensitive", outcome: decide.StepUp, risk: 40, rules: []string{"sensitive_without_mfa"},
			edit: func(r *decide.Request) { r.Action = "repo:pull"; r.Sensitive = true },
		},
		{
			name: "sensitive step up whatever the thresholds", outcome: decide.StepUp, risk: 40, rules: []string{"sensitive_without_mfa"},
			data: map[string]any{"step_up_threshold": 90, "deny_threshold": 95},
			edit: func(r *decide.Request) { r.Action = "admin:Reboot" },
		},
		{
			name: "configured sensitive actions replace the defaults", outcome: decide.StepUp, risk: 40, rules: []string{"sensitive_without_mfa"},
			data: map[string]any{"sensitive_actions": []string{"repo:admin"}},
			edit: func(r *decide.Request) { r.Action = "repo:admin" },
		},
		{
			name: "not sensitive once replaced", outcome: decide.Allow, rules: []string{},
			data: map[string]any{"sensitive_actions": []string{"repo:admin"}},
			edit: func(r *decide.Request) { r.Action = "iam:CreateUser" },
		},
		{
			name: "disabled principal", outcome: decide.Deny, risk: 100, rules: []string{"principal_disabled"},
			edit: func(r *decide.Request) { r.Principal.Attributes = map[string]string{"disabled": "true"} },
		},
		{
			name: "deny-listed address range", outcome: decide.Deny, risk: 100, rules: []string{"deny_list"},
			data:    map[string]any{"deny_cidrs": []string{"198.51.100.0/24"}},
			edit:    func(r *decide.Request) {},
			message: "address 198.51.100.23 is in denied range 198.51.100.0/24",
		},
		{
			name: "deny-listed principal, network and country", outcome: decide.Deny, risk: 100,
			rules: []string{"deny_list", "deny_list", "deny_list"},
			data: map[string]any{
				"deny_principals": []string{"aws:user:alice"}, "deny_networks": []string{"AS3215"}, "deny_countries": []string{"fr"},
			},
			edit: func(r *decide.Request) {},
		},
		{
			name: "risk points from config", outcome: decide.StepUp, risk: 45, rules: []string{"new_network"},
			data: map[string]any{"risk": map[string]any{"new_network": 45}},
			edit: func(r *decide.Request) { r.Context.Network = "AS64500" },
		},
		{
			name: "min_history from config", outcome: decide.Allow, risk: 20, rules: []string{"new_network"},
			data: map[string]any{"min_history": 3},
			edit: func(r *decide.Request) { r.History = familiar(3); r.Context.Network = "AS64500" },
		},
		{
			name: "step-up threshold from config", outcome: decide.StepUp, risk: 15, rules: []string{"unusual_hour"},
			data: map[string]any{"step_up_threshold": 15},
			edit: func(r *decide.Request) { r.Context.Time = now.Add(-7 * time.Hour) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dd := d
			if tt.data != nil {
				dd = newDecider(t, decide.Options{Data: tt.data})
			}
			req := request(familiar(12))
			tt.edit(&req)
			got, err := dd.Decide(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, got.Outcome)
			assert.Equal(t, tt.risk, got.Risk)
			assert.ElementsMatch(t, tt.rules, rules(got))
			if tt.message != "" {
				require.NotEmpty(t, got.Reasons)
				assert.Contains(t, got.Reasons[0].Message, tt.message)
			}
		})
	}
}

func TestDecideReasonsSorted(t *testing.T) {
	d := newDecider(t, decide.Options{})
	req := request(familiar(12))
	req.Context.Network, req.Context.Device, req.Context.Location = "AS64500", decide.Device{ID: "x"}, decide.Location{Country: "BR"}
	req.Context.Time = now.Add(-7 * time.Hour)
	got, err := d.Decide(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, []string{"new_country", "new_device", "new_network", "unusual_hour"}, rules(got))
}

const extension = `package aspm.access.decide

# Service accounts act from the CI network only.
reasons contains {"rule": "service_account_off_ci", "message": "service account outside the CI network", "risk": 100, "outcome": "deny"} if {
	input.principal.kind == "service_account"
	input.context.network != data.aspm.access.config.ci_network
}

# Reading the payroll bucket adds risk.
reasons contains {"rule": "payroll", "message": "payroll data", "risk": 30} if {
	startswith(input.resource, "arn:aws:s3:::payroll")
}
`

const replacement = `package aspm.access.decide

# Allow everything from the office network, step up the rest.
default decision := {"outcome": "step_up", "risk": 50, "reasons": [{"rule": "off_site", "message": "not in the office", "risk": 50}]}

decision := {"outcome": "allow", "risk": 0, "reasons": []} if input.context.network == "office"
`

func TestDecideExtend(t *testing.T) {
	d := newDecider(t, decide.Options{
		Policies: []fs.FS{fstest.MapFS{"ext/ci.rego": {Data: []byte(extension)}, "ext/ci_test.rego": {Data: []byte("not rego")}}},
		Data:     map[string]any{"ci_network": "ci-runners"},
	})
	tests := []struct {
		name    string
		edit    func(*decide.Request)
		outcome decide.Outcome
		rules   []string
	}{
		{"baseline still applies", func(r *decide.Request) { r.Action = "iam:CreateUser" }, decide.StepUp, []string{"sensitive_without_mfa"}},
		{"custom hard rule", func(r *decide.Request) { r.Principal.Kind = "service_account" }, decide.Deny, []string{"service_account_off_ci"}},
		{"custom rule from CI", func(r *decide.Request) { r.Principal.Kind = "service_account"; r.Context.Network = "ci-runners" }, decide.Allow, []string{"new_network"}},
		{"custom risk adds up", func(r *decide.Request) { r.Resource = "arn:aws:s3:::payroll/2025"; r.Context.Network = "AS64500" }, decide.StepUp, []string{"payroll", "new_network"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(familiar(12))
			tt.edit(&req)
			got, err := d.Decide(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, got.Outcome)
			assert.Equal(t, tt.rules, rules(got))
		})
	}
}

func TestDecideReplace(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "office.rego"), []byte(replacement), 0o600))
	d := newDecider(t, decide.Options{DisableBaseline: true, Dirs: []string{dir}})
	req := request(nil)
	req.Action = "iam:CreateUser" // sensitive for the baseline, not for this policy
	got, err := d.Decide(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, decide.Decision{Outcome: decide.StepUp, Risk: 50, Reasons: []decide.Reason{{Rule: "off_site", Message: "not in the office", Risk: 50}}}, got)
	req.Context.Network = "office"
	got, err = d.Decide(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, decide.Decision{Outcome: decide.Allow, Risk: 0, Reasons: []decide.Reason{}}, got)
}

func TestNewPolicyErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    decide.Options
		is      []error
		builtin string
		msg     string
	}{
		{
			name:    "http.send is forbidden",
			opts:    decide.Options{Policies: []fs.FS{fstest.MapFS{"exfil.rego": {Data: []byte("package aspm.access.decide\n\nreasons contains {\"rule\": \"x\", \"message\": r.body, \"risk\": 1} if {\n\tr := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n}\n")}}}},
			is:      []error{decide.ErrPolicy, decide.ErrForbiddenBuiltin},
			builtin: "http.send",
		},
		{
			name:    "the clock is forbidden",
			opts:    decide.Options{Policies: []fs.FS{fstest.MapFS{"clock.rego": {Data: []byte("package aspm.access.decide\n\nnight if time.clock([time.now_ns(), \"UTC\"])[0] < 6\n")}}}},
			is:      []error{decide.ErrPolicy, decide.ErrForbiddenBuiltin},
			builtin: "time.now_ns",
		},
		{
			name: "syntax error",
			opts: decide.Options{Policies: []fs.FS{fstest.MapFS{"bad.rego": {Data: []byte("package aspm.access.decide\n\nreasons contains {")}}}},
			is:   []error{decide.ErrPolicy, decide.ErrCompile},
			msg:  "bad.rego",
		},
		{
			name: "replacement without a decision",
			opts: decide.Options{DisableBaseline: true, Policies: []fs.FS{fstest.MapFS{"x.rego": {Data: []byte("package aspm.access.decide\n\nreasons contains {\"rule\": \"x\", \"message\": \"\", \"risk\": 1}\n")}}}},
			is:   []error{decide.ErrPolicy},
			msg:  "no module defines data.aspm.access.decide.decision",
		},
		{
			name: "no policy at all",
			opts: decide.Options{DisableBaseline: true},
			is:   []error{decide.ErrPolicy},
			msg:  "no policy",
		},
		{
			name: "missing directory",
			opts: decide.Options{Dirs: []string{filepath.Join(t.TempDir(), "nope")}},
			is:   []error{decide.ErrPolicy},
			msg:  "not a readable directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decide.New(context.Background(), tt.opts)
			require.Error(t, err)
			assert.Nil(t, d)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			if tt.builtin != "" {
				var fe *decide.ForbiddenBuiltinError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.builtin, fe.Builtin)
				assert.NotEmpty(t, fe.File)
				assert.Positive(t, fe.Row)
			}
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestDecideConflict(t *testing.T) {
	// A second, different decision conflicts with the baseline's at
	// evaluation time.
	d := newDecider(t, decide.Options{Policies: []fs.FS{fstest.MapFS{"x.rego": {Data: []byte("package aspm.access.decide\n\ndecision := {}\n")}}}})
	got, err := d.Decide(context.Background(), request(nil))
	require.ErrorIs(t, err, decide.ErrEval)
	assert.Contains(t, err.Error(), "eval_conflict_error")
	assert.Equal(t, decide.Deny, got.Outcome)
}

func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		data map[string]any
		key  string
	}{
		{"threshold not a number", map[string]any{"deny_threshold": "high"}, "deny_threshold"},
		{"threshold above 100", map[string]any{"deny_threshold": 101}, "deny_threshold"},
		{"step-up above deny", map[string]any{"step_up_threshold": 90}, "step_up_threshold"},
		{"negative risk", map[string]any{"risk": map[string]any{"new_device": -1}}, "risk.new_device"},
		{"risk not an object", map[string]any{"risk": 3}, "risk"},
		{"bad CIDR", map[string]any{"deny_cidrs": []string{"10.0.0.0/8", "office"}}, "deny_cidrs[1]"},
		{"list of numbers", map[string]any{"sensitive_actions": []int{1}}, "sensitive_actions[0]"},
		{"not JSON", map[string]any{"x": func() {}}, "(root)"},
		{"tolerance above 12", map[string]any{"hour_tolerance": 13}, "hour_tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decide.New(context.Background(), decide.Options{Data: tt.data})
			require.ErrorIs(t, err, decide.ErrConfig)
			var ce *decide.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.key, ce.Key)
		})
	}
}

const runaway = `package aspm.access.decide

reasons contains {"rule": "slow", "message": "", "risk": count(x)} if {
	x := [a | some a in numbers.range(1, 20000); some b in numbers.range(1, 20000); a == b + 1]
}
`

func TestDecideTimeout(t *testing.T) {
	d := newDecider(t, decide.Options{
		Policies: []fs.FS{fstest.MapFS{"slow.rego": {Data: []byte(runaway)}}},
		Timeout:  50 * time.Millisecond,
	})
	start := time.Now()
	got, err := d.Decide(context.Background(), request(nil))
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.ErrorIs(t, err, decide.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var te *decide.TimeoutError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 50*time.Millisecond, te.Timeout)
	assert.Less(t, elapsed, 5*time.Second)
	// Fail closed.
	assert.Equal(t, decide.Deny, got.Outcome)
	assert.Equal(t, 100.0, got.Risk)
	require.Len(t, got.Reasons, 1)
	assert.Equal(t, "error", got.Reasons[0].Rule)
}

func TestDecideCancelled(t *testing.T) {
	d := newDecider(t, decide.Options{Policies: []fs.FS{fstest.MapFS{"slow.rego": {Data: []byte(runaway)}}}})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	got, err := d.Decide(ctx, request(nil))
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, decide.ErrTimeout)
	assert.Equal(t, decide.Deny, got.Outcome)
}

func TestDecideContract(t *testing.T) {
	tests := []struct {
		name     string
		decision string
		field    string
		want     *decide.Decision
	}{
		{"undefined", `decision := 1 if false`, "", nil},
		{"not an object", `decision := "allow"`, "", nil},
		{"bad outcome", `decision := {"outcome": "maybe", "risk": 0, "reasons": []}`, "outcome", nil},
		{"risk not a number", `decision := {"outcome": "allow", "risk": "low", "reasons": []}`, "risk", nil},
		{"reasons not an array", `decision := {"outcome": "allow", "risk": 0, "reasons": {}}`, "reasons", nil},
		{"reason without rule", `decision := {"outcome": "allow", "risk": 0, "reasons": [{"risk": 1}]}`, "reasons[0].rule", nil},
		{"reason with bad outcome", `decision := {"outcome": "allow", "risk": 0, "reasons": [{"rule": "r", "risk": 1, "outcome": "block"}]}`, "reasons[0].outcome", nil},
		{"reason risk missing", `decision := {"outcome": "allow", "risk": 0, "reasons": [{"rule": "r"}]}`, "reasons[0].risk", nil},
		{
			"risk capped, outcome raised to the reasons'",
			`decision := {"outcome": "allow", "risk": 250, "reasons": [{"rule": "r", "message": "m", "risk": -3, "outcome": "deny"}]}`, "",
			&decide.Decision{Outcome: decide.Deny, Risk: 100, Reasons: []decide.Reason{{Rule: "r", Message: "m", Risk: 0, Outcome: decide.Deny}}},
		},
		{
			"reasons may be left out",
			`decision := {"outcome": "step_up", "risk": 41.5}`, "",
			&decide.Decision{Outcome: decide.StepUp, Risk: 41.5, Reasons: []decide.Reason{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDecider(t, decide.Options{DisableBaseline: true, Policies: []fs.FS{fstest.MapFS{"p.rego": {Data: []byte("package aspm.access.decide\n\n" + tt.decision + "\n")}}}})
			got, err := d.Decide(context.Background(), request(nil))
			if tt.want != nil {
				require.NoError(t, err)
				assert.Equal(t, *tt.want, got)
				return
			}
			require.ErrorIs(t, err, decide.ErrContract)
			var ce *decide.ContractError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.field, ce.Field)
			assert.Equal(t, decide.Deny, got.Outcome)
		})
	}
}

func TestDecideInvalidRequest(t *testing.T) {
	d := newDecider(t, decide.Options{})
	tests := []struct {
		name  string
		edit  func(*decide.Request)
		is    error
		field string
	}{
		{"no principal", func(r *decide.Request) { r.Principal.ID = "" }, decide.ErrInvalid, "principal.id"},
		{"no action", func(r *decide.Request) { r.Action = "" }, decide.ErrInvalid, "action"},
		{"no time", func(r *decide.Request) { r.Context.Time = time.Time{} }, decide.ErrInvalid, "context.time"},
		{"year 10000", func(r *decide.Request) { r.Context.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, decide.ErrInvalid, "context.time"},
		{"bad IP", func(r *decide.Request) { r.Context.IP = "300.1.1.1" }, decide.ErrInvalid, "context.ip"},
		{"IP with zone", func(r *decide.Request) { r.Context.IP = "fe80::1%eth0" }, decide.ErrInvalid, "context.ip"},
		{"bad latitude", func(r *decide.Request) { r.Context.Location.Lat = 90.5 }, decide.ErrInvalid, "context.location.lat"},
		{"NaN longitude", func(r *decide.Request) { r.Context.Location.Lon = nan() }, decide.ErrInvalid, "context.location.lon"},
		{"bad time zone", func(r *decide.Request) { r.Principal.TimeZone = "Mars/Olympus" }, decide.ErrInvalid, "principal.time_zone"},
		{"Local time zone", func(r *decide.Request) { r.Principal.TimeZone = "Local" }, decide.ErrInvalid, "principal.time_zone"},
		{"bad MFA", func(r *decide.Request) { r.Principal.MFA = "maybe" }, decide.ErrInvalid, "principal.mfa"},
		{"event without time", func(r *decide.Request) { r.History[3].Time = time.Time{} }, decide.ErrInvalid, "history[3].time"},
		{"event with bad IP", func(r *decide.Request) { r.History[0].IP = "x" }, decide.ErrInvalid, "history[0].ip"},
		{"event with bad longitude", func(r *decide.Request) { r.History[1].Location.Lon = -181 }, decide.ErrInvalid, "history[1].location.lon"},
		{"history over MaxHistory", func(r *decide.Request) { r.History = familiar(decide.MaxHistory + 1) }, decide.ErrLimit, "history"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(familiar(12))
			tt.edit(&req)
			got, err := d.Decide(context.Background(), req)
			require.ErrorIs(t, err, tt.is)
			var re *decide.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.field, re.Field)
			assert.Equal(t, int64(-1), re.Offset)
			assert.Equal(t, decide.Deny, got.Outcome)
			assert.ErrorIs(t, req.Validate(), tt.is)
		})
	}
}

func TestDecideMaxHistory(t *testing.T) {
	d := newDecider(t, decide.Options{})
	req := request(familiar(decide.MaxHistory))
	req.Context.Network = "AS64500"
	got, err := d.Decide(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, []string{"new_network"}, rules(got))
}

func TestDecideConcurrent(t *testing.T) {
	d := newDecider(t, decide.Options{})
	var reqs []decide.Request
	for i := range 40 {
		req := request(familiar(5 + i%10))
		req.Action = []string{"s3:GetObject", "iam:CreateUser", "ec2:DeleteVolume"}[i%3]
		req.Context.Network = fmt.Sprintf("AS%d", 3215+i%4)
		req.Context.Time = now.Add(time.Duration(i) * time.Hour)
		req.Principal.TimeZone = []string{"", "Europe/Paris", "Asia/Tokyo", "America/Denver"}[i%4]
		if i%5 == 0 {
			req.History = append(req.History, decide.Event{Time: now.Add(-time.Hour), Location: nyc})
		}
		reqs = append(reqs, req)
	}
	want := make([]decide.Decision, len(reqs))
	for i, r := range reqs {
		var err error
		want[i], err = d.Decide(context.Background(), r)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(reqs) {
				i := (k + g*7) % len(reqs)
				got, err := d.Decide(context.Background(), reqs[i])
				if err != nil {
					errs <- err
					return
				}
				if got.Outcome != want[i].Outcome || got.Risk != want[i].Risk || strings.Join(rules(got), ",") != strings.Join(rules(want[i]), ",") {
					errs <- fmt.Errorf("request %d: got %+v, want %+v", i, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

// TestPolicyHistory: the policy sees the most recent events only, while
// the derived fields summarize the whole history.
func TestPolicyHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "count.rego"), []byte(`package aspm.access.decide

import rego.v1

reasons contains {"rule": "seen", "message": sprintf("%d/%d", [count(input.history), input.derived.history]), "risk": 0}
`), 0o644))
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	req := decide.Request{Principal: decide.Principal{ID: "u"}, Action: "read", Context: decide.Context{Time: base}}
	for i := range 120 {
		req.History = append(req.History, decide.Event{Time: base.Add(-time.Duration(120-i) * time.Hour), Action: "read"})
	}
	for _, tc := range []struct {
		limit int
		want  string
	}{{0, "50/120"}, {10, "10/120"}, {-1, "120/120"}, {500, "120/120"}} {
		d, err := decide.New(ctx, decide.Options{Dirs: []string{dir}, PolicyHistory: tc.limit})
		require.NoError(t, err)
		dec, err := d.Decide(ctx, req)
		require.NoError(t, err)
		var got string
		for _, r := range dec.Reasons {
			if r.Rule == "seen" {
				got = r.Message
			}
		}
		assert.Equal(t, tc.want, got, "PolicyHistory %d", tc.limit)
	}
}
