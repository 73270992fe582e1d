package decide

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/aspmkit/aspm/internal/opasandbox"
)

// Package is the Rego package of decision policies, and Query the rule
// [Decider.Decide] evaluates (see the package documentation, # The
// decision contract).
const (
	Package = "aspm.access.decide"
	Query   = "data.aspm.access.decide.decision"
)

// DefaultTimeout bounds one decision when [Options.Timeout] is zero. A
// decision is on the path of a user's request and the baseline takes well
// under a millisecond, so a policy still running after this is broken; the
// margin keeps a loaded machine from failing decisions closed.
const DefaultTimeout = 2 * time.Second

//go:embed policy/baseline.rego
var baselineFS embed.FS

//go:embed request.schema.json
var schema []byte

// Baseline returns the baseline policy as a file system holding
// policy/baseline.rego, for reading or for copying into a replacement.
func Baseline() fs.FS { return baselineFS }

// Schema returns the JSON Schema (draft-07) of the request document that
// [DecodeRequest] reads. Each call returns a new copy.
func Schema() []byte { return bytes.Clone(schema) }

// Outcome is what a [Decision] says to do with a request.
type Outcome string

// The outcomes, from weakest to strongest.
const (
	// Allow lets the request through.
	Allow Outcome = "allow"
	// StepUp asks for more proof first: a second factor, a re-login.
	StepUp Outcome = "step_up"
	// Deny refuses the request.
	Deny Outcome = "deny"
)

// rank orders outcomes; 0 for an unknown one.
func (o Outcome) rank() int {
	switch o {
	case Allow:
		return 1
	case StepUp:
		return 2
	case Deny:
		return 3
	}
	return 0
}

// Decision is the answer to a [Request]. A plain value: safe for
// concurrent reads.
type Decision struct {
	// Outcome is allow, step_up or deny. It is never weaker than the
	// strongest [Reason.Outcome].
	Outcome Outcome `json:"outcome"`
	// Risk is the request's risk score, 0 to 100: the sum of the
	// reasons' risk points, capped at 100.
	Risk float64 `json:"risk"`
	// Reasons are the signals that fired, highest risk first, then by
	// rule and message. Empty for a request with no signal.
	Reasons []Reason `json:"reasons"`
}

// Reason is one signal that contributed to a [Decision]. A plain value:
// safe for concurrent reads.
type Reason struct {
	// Rule names the rule, like [RuleImpossibleTravel].
	Rule string `json:"rule"`
	// Message explains the signal for people.
	Message string `json:"message"`
	// Risk is the points the signal adds, 0 to 100.
	Risk float64 `json:"risk"`
	// Outcome, when set, is the weakest outcome the signal allows
	// whatever the risk: [Deny] for a hard rule such as a deny list,
	// [StepUp] for a sensitive action without a second factor.
	Outcome Outcome `json:"outcome,omitempty"`
}

// Options configure a [Decider]. The zero value runs the baseline policy
// alone, in the sandbox, with [DefaultConfig] and [DefaultTimeout]. [New]
// reads Options and keeps nothing of them but copies.
type Options struct {
	// Policies are file systems walked for *.rego files (files named
	// *_test.rego are Rego unit tests and are not loaded). Their modules
	// extend the baseline, or replace it with DisableBaseline.
	Policies []fs.FS
	// Dirs are directories walked like Policies.
	Dirs []string
	// DisableBaseline leaves the baseline policy out: the modules of
	// Policies and Dirs must then define the decision rule themselves.
	DisableBaseline bool
	// Data overrides settings of [DefaultConfig] (objects merge, other
	// values replace) and adds settings for custom policies; the result is
	// data.aspm.access.config. It must be JSON-compatible.
	Data map[string]any
	// Timeout bounds one decision; zero means [DefaultTimeout].
	Timeout time.Duration
	// PolicyHistory is how many of the most recent history events the
	// policy sees in input.history; zero means [DefaultPolicyHistory],
	// negative all of them. The derived fields (input.derived) always
	// summarize the whole history: the baseline reads only them, and
	// converting a long history for Rego costs more than the decision
	// (see BenchmarkDecide).
	PolicyHistory int
	// UnsafeCapabilities replaces the sandbox's capabilities (see
	// opasandbox.Capabilities). Setting it lets policies call http.send
	// and other side-effecting builtins: never set it for policies you do
	// not trust.
	UnsafeCapabilities *ast.Capabilities
}

func (o Options) sandbox() opasandbox.Options {
	t := o.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	return opasandbox.Options{Timeout: t, UnsafeCapabilities: o.UnsafeCapabilities}
}

// Decider judges access requests with a compiled policy set. Its modules
// are compiled and its query prepared once, in [New]. A Decider is
// immutable apart from an internal cache of time zones, and safe for
// concurrent use.
type Decider struct {
	q         *opasandbox.Query
	config    config
	history   int      // events of the history the policy sees; negative: all
	locations sync.Map // time zone name → *time.Location
}

// New loads the baseline (unless disabled) and the policies opts names,
// checks the configuration, compiles everything in the sandbox and
// prepares the decision query. Policy problems give an error wrapping
// [ErrPolicy] (and [ErrForbiddenBuiltin] for a call of a removed builtin
// such as http.send), every problem found joined; configuration problems
// wrap [ErrConfig].
func New(ctx context.Context, opts Options) (*Decider, error) {
	cfg, err := buildConfig(opts.Data)
	if err != nil {
		return nil, err
	}
	sources := map[string]string{}
	var errs []error
	if !opts.DisableBaseline {
		errs = append(errs, loadFS(baselineFS, "baseline", sources))
	}
	for i, fsys := range opts.Policies {
		prefix := ""
		if len(opts.Policies) > 1 {
			prefix = "policies[" + strconv.Itoa(i) + "]"
		}
		errs = append(errs, loadFS(fsys, prefix, sources))
	}
	for _, dir := range opts.Dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			errs = append(errs, &PolicyError{File: dir, Message: "not a readable directory"})
			continue
		}
		errs = append(errs, loadFS(os.DirFS(dir), filepath.ToSlash(filepath.Clean(dir)), sources))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, wrapPolicy(err)
	}
	if len(sources) == 0 {
		return nil, wrapPolicy(&PolicyError{Message: "no policy: the baseline is disabled and no module was given"})
	}
	sopts := opts.sandbox()
	compiler, err := opasandbox.Compile(sources, sopts)
	if err != nil {
		return nil, wrapPolicy(err)
	}
	if !definesDecision(compiler) {
		return nil, wrapPolicy(&PolicyError{Message: "no module defines " + Query})
	}
	store := inmem.NewFromObject(map[string]any{
		"aspm": map[string]any{"access": map[string]any{"config": cfg.doc}},
	})
	q, err := opasandbox.Prepare(ctx, compiler, Query, store, sopts)
	if err != nil {
		return nil, wrapPolicy(err)
	}
	history := opts.PolicyHistory
	if history == 0 {
		history = DefaultPolicyHistory
	}
	return &Decider{q: q, config: cfg, history: history}, nil
}

func wrapPolicy(err error) error {
	if errors.Is(err, ErrPolicy) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrPolicy, err)
}

// definesDecision reports whether a module of package [Package] has a
// rule named decision.
func definesDecision(c *ast.Compiler) bool {
	want := "data." + Package
	for _, m := range c.Modules {
		if m.Package.Path.String() != want {
			continue
		}
		for _, r := range m.Rules {
			if r.Head.Ref().String() == "decision" {
				return true
			}
		}
	}
	return false
}

// loadFS reads every *.rego file of fsys except *_test.rego into sources,
// naming each prefix/path.
func loadFS(fsys fs.FS, prefix string, sources map[string]string) error {
	return opasandbox.LoadFS(fsys, prefix, sources, func(file, message string) error {
		return &PolicyError{File: file, Message: message}
	})
}

// location loads a time zone once per Decider.
func (d *Decider) location(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if l, ok := d.locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	d.locations.Store(name, l)
	return l, nil
}

// input is the document the policy reads: the request and the derived
// fields.
// DefaultPolicyHistory is how many recent history events a policy sees
// when [Options.PolicyHistory] is zero.
const DefaultPolicyHistory = 50

type input struct {
	*Request
	Derived derived `json:"derived"`
}

// Decide judges req: it validates it (errors wrap [ErrInvalid] or
// [ErrLimit]), derives the fields the policy reads, evaluates the
// decision under [Options.Timeout] (errors wrap [ErrTimeout] or
// [ErrEval]) and checks the result against the decision contract (errors
// wrap [ErrContract]).
//
// Decide fails closed: with an error, the Decision returned is a [Deny]
// with risk 100 and a reason of rule "error", so that a caller who
// ignores the error still refuses the request. Decide is safe for
// concurrent use.
func (d *Decider) Decide(ctx context.Context, req Request) (Decision, error) {
	dec, err := d.decide(ctx, &req)
	if err != nil {
		return Decision{Outcome: Deny, Risk: 100, Reasons: []Reason{{
			Rule: "error", Message: err.Error(), Risk: 100, Outcome: Deny,
		}}}, err
	}
	return dec, nil
}

func (d *Decider) decide(ctx context.Context, req *Request) (Decision, error) {
	if err := req.validate(d.location); err != nil {
		return Decision{}, err
	}
	loc, err := d.location(req.Principal.TimeZone)
	if err != nil { // validated above; kept for safety
		return Decision{}, &RequestError{Offset: -1, Field: "principal.time_zone", Err: ErrInvalid, Message: err.Error()}
	}
	shown := req
	if d.history >= 0 && len(req.History) > d.history {
		cp := *req
		cp.History = req.History[len(req.History)-d.history:]
		shown = &cp
	}
	doc, err := json.Marshal(input{Request: shown, Derived: derive(req, loc, d.config.sensitive)})
	if err != nil {
		return Decision{}, &RequestError{Offset: -1, Err: ErrInvalid, Message: err.Error()}
	}
	v, err := opasandbox.ParseJSON(doc)
	if err != nil {
		return Decision{}, &RequestError{Offset: -1, Err: ErrInvalid, Message: err.Error()}
	}
	rs, err := d.q.Eval(ctx, v)
	if err != nil {
		return Decision{}, fmt.Errorf("decide: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return Decision{}, &ContractError{Message: Query + " is undefined for this request"}
	}
	if len(rs) > 1 {
		return Decision{}, &ContractError{Message: Query + " has several values"}
	}
	return parseDecision(rs[0].Expressions[0].Value)
}

// parseDecision checks a decision value against the contract and
// normalizes it: risk capped to 0..100, reasons sorted, the outcome raised
// to the strongest reason outcome.
func parseDecision(x any) (Decision, error) {
	obj, ok := x.(map[string]any)
	if !ok {
		return Decision{}, &ContractError{Message: "not an object"}
	}
	var dec Decision
	o, _ := obj["outcome"].(string)
	dec.Outcome = Outcome(o)
	if dec.Outcome.rank() == 0 {
		return Decision{}, &ContractError{Field: "outcome", Message: fmt.Sprintf("%v is not allow, step_up or deny", obj["outcome"])}
	}
	risk, err := riskOf(obj["risk"], "risk")
	if err != nil {
		return Decision{}, err
	}
	dec.Risk = risk
	var list []any
	switch rs := obj["reasons"].(type) {
	case nil:
		if _, present := obj["reasons"]; present {
			return Decision{}, &ContractError{Field: "reasons", Message: "null, want an array"}
		}
	case []any:
		list = rs
	default:
		return Decision{}, &ContractError{Field: "reasons", Message: "not an array"}
	}
	dec.Reasons = make([]Reason, 0, len(list))
	for i, x := range list {
		field := "reasons[" + strconv.Itoa(i) + "]"
		ro, ok := x.(map[string]any)
		if !ok {
			return Decision{}, &ContractError{Field: field, Message: "not an object"}
		}
		var r Reason
		if r.Rule, ok = ro["rule"].(string); !ok || r.Rule == "" {
			return Decision{}, &ContractError{Field: field + ".rule", Message: "not a non-empty string"}
		}
		if m, present := ro["message"]; present {
			if r.Message, ok = m.(string); !ok {
				return Decision{}, &ContractError{Field: field + ".message", Message: "not a string"}
			}
		}
		if r.Risk, err = riskOf(ro["risk"], field+".risk"); err != nil {
			return Decision{}, err
		}
		if oc, present := ro["outcome"]; present {
			s, _ := oc.(string)
			r.Outcome = Outcome(s)
			if r.Outcome.rank() == 0 {
				return Decision{}, &ContractError{Field: field + ".outcome", Message: fmt.Sprintf("%v is not allow, step_up or deny", oc)}
			}
			if r.Outcome.rank() > dec.Outcome.rank() {
				dec.Outcome = r.Outcome
			}
		}
		dec.Reasons = append(dec.Reasons, r)
	}
	slices.SortFunc(dec.Reasons, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(b.Risk, a.Risk), cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message), cmp.Compare(a.Outcome.rank(), b.Outcome.rank()))
	})
	return dec, nil
}

// riskOf reads a risk value: a number, capped to 0..100.
func riskOf(x any, field string) (float64, error) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, &ContractError{Field: field, Message: fmt.Sprintf("%v is not a number", x)}
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) {
		return 0, &ContractError{Field: field, Message: fmt.Sprintf("%v is not a finite number", x)}
	}
	return min(max(f, 0), 100), nil
}
