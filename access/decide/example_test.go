package decide_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing/fstest"
	"time"

	"github.com/aspmkit/aspm/access/decide"
)

func Example() {
	d, err := decide.New(context.Background(), decide.Options{})
	if err != nil {
		panic(err)
	}
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	req := decide.Request{
		Principal: decide.Principal{ID: "aws:user:alice"},
		Action:    "iam:CreateAccessKey",
		Context: decide.Context{
			Time:     now,
			Location: decide.Location{Country: "FR", City: "Paris", Lat: 48.8566, Lon: 2.3522},
		},
		History: []decide.Event{{
			Time:     now.Add(-time.Hour),
			Location: decide.Location{Country: "US", City: "New York", Lat: 40.7128, Lon: -74.006},
			Outcome:  decide.EventSuccess,
		}},
	}
	dec, err := d.Decide(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Println(dec.Outcome, dec.Risk)
	for _, r := range dec.Reasons {
		fmt.Printf("%s (+%v): %s\n", r.Rule, r.Risk, r.Message)
	}
	// Output:
	// deny 100
	// impossible_travel (+70): 5837.2 km from New York, US in 1 h (5837 km/h)
	// sensitive_without_mfa (+40): sensitive action "iam:CreateAccessKey" without a second factor
}

// A custom module in package aspm.access.decide adds its own reasons to
// the baseline's.
func ExampleNew_extend() {
	policy := `package aspm.access.decide

reasons contains {"rule": "break_glass", "message": "break-glass account", "risk": 100, "outcome": "deny"} if {
	startswith(input.principal.id, "aws:user:breakglass")
	not input.context.mfa
}
`
	d, err := decide.New(context.Background(), decide.Options{
		Policies: []fs.FS{fstest.MapFS{"break_glass.rego": {Data: []byte(policy)}}},
	})
	if err != nil {
		panic(err)
	}
	dec, _ := d.Decide(context.Background(), decide.Request{
		Principal: decide.Principal{ID: "aws:user:breakglass-1"},
		Action:    "s3:GetObject",
		Context:   decide.Context{Time: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)},
	})
	fmt.Println(dec.Outcome, dec.Reasons[0].Rule)
	// Output:
	// deny break_glass
}

func ExampleDecodeRequest() {
	req, err := decide.DecodeRequest(strings.NewReader(`{
		"principal": {"id": "github:user:octocat"},
		"action": "repo:admin",
		"context": {"time": "2025-03-03T10:00:00Z", "mfa": true}
	}`))
	fmt.Println(req.Principal.ID, req.Action, req.Context.MFA, err)

	_, err = decide.DecodeRequest(strings.NewReader(`{"principal": {"id": "u"}, "action": "a", "context": {"time": "2025-03-03T10:00:00Z", "location": {"lat": 123}}}`))
	fmt.Println(err)
	// Output:
	// github:user:octocat repo:admin true <nil>
	// decide: invalid request: context.location.lat: out of range
}
