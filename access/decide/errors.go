package decide

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/internal/opasandbox"
)

// Sentinel errors; test them with [errors.Is].
var (
	// ErrSyntax: a request document is not well-formed JSON. The chain
	// holds a [*RequestError] with the byte offset.
	ErrSyntax = errors.New("decide: syntax error")
	// ErrInvalid: a request is well-formed but breaks the request schema
	// (a required field missing, a value of the wrong type or out of
	// range, an unknown field). The chain holds a [*RequestError] naming
	// the field.
	ErrInvalid = errors.New("decide: invalid request")
	// ErrLimit: a request exceeds [MaxRequestBytes] or [MaxHistory]. The
	// chain holds a [*RequestError].
	ErrLimit = errors.New("decide: limit exceeded")
	// ErrPolicy: a policy does not load, parse or compile, or no module
	// defines the decision rule. The chain holds [*PolicyError],
	// [*CompileError] or [*ForbiddenBuiltinError] values.
	ErrPolicy = errors.New("decide: invalid policy")
	// ErrConfig: [Options.Data] holds a setting of the wrong type or out of
	// range. The chain holds a [*ConfigError].
	ErrConfig = errors.New("decide: invalid configuration")
	// ErrContract: the policy's decision does not have the shape the
	// decision contract requires (see the package documentation). The
	// chain holds a [*ContractError].
	ErrContract = errors.New("decide: policy broke the decision contract")
	// ErrForbiddenBuiltin: a policy calls a builtin the sandbox removes
	// (http.send, net.lookup_ip_addr, time.now_ns...). The chain holds a
	// [*ForbiddenBuiltinError] naming it and its position.
	ErrForbiddenBuiltin = opasandbox.ErrForbiddenBuiltin
	// ErrTimeout: an evaluation ran past [Options.Timeout]. The chain holds
	// a [*TimeoutError]; it also matches context.DeadlineExceeded.
	ErrTimeout = opasandbox.ErrTimeout
	// ErrCompile: a policy module does not parse or compile. The chain
	// holds [*CompileError] values; it comes wrapped with [ErrPolicy].
	ErrCompile = opasandbox.ErrCompile
	// ErrEval: an evaluation failed (a builtin error, conflicting rule
	// values). The chain holds an [opasandbox.EvalError].
	ErrEval = opasandbox.ErrEval
)

// ForbiddenBuiltinError reports a call of a builtin the sandbox removes,
// with its file and position. Safe for concurrent use.
type ForbiddenBuiltinError = opasandbox.ForbiddenBuiltinError

// CompileError reports one parse or compile problem in a policy file.
// Safe for concurrent use.
type CompileError = opasandbox.CompileError

// TimeoutError reports an evaluation stopped at its deadline. Safe for
// concurrent use.
type TimeoutError = opasandbox.TimeoutError

// RequestError reports a problem with a [Request]: where in the document
// (byte offset when decoding, field path such as "history[3].time") and
// the cause, which wraps [ErrSyntax], [ErrInvalid] or [ErrLimit]. It is
// not modified after creation: safe for concurrent use.
type RequestError struct {
	// File names the input when the reader given to [DecodeRequest] has
	// a Name method (an *os.File does); empty otherwise.
	File string
	// Offset is the byte offset in the decoded document of the byte where
	// the problem was found (the input's length for a truncated input);
	// -1 when unknown or when the request did not come from
	// [DecodeRequest].
	Offset int64
	// Field is the JSON path of the offending field, like
	// "context.location.lat"; empty when unknown.
	Field string
	// Message describes the problem.
	Message string
	// Err is the cause: one of [ErrSyntax], [ErrInvalid], [ErrLimit].
	Err error
}

func (e *RequestError) Error() string {
	var b strings.Builder
	b.WriteString("decide: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	cause := "invalid request"
	if e.Err != nil {
		cause = strings.TrimPrefix(e.Err.Error(), "decide: ")
	}
	b.WriteString(cause)
	if e.Offset >= 0 {
		b.WriteString(": byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// PolicyError reports a problem with a policy file or with the policy set
// as a whole. Safe for concurrent use.
type PolicyError struct {
	// File is the policy file's name ("baseline/baseline.rego" for the
	// baseline, the path under a directory or fs.FS); empty for the set.
	File string
	// Message describes the problem.
	Message string
}

func (e *PolicyError) Error() string {
	if e.File == "" {
		return "decide: " + e.Message
	}
	return "decide: " + e.File + ": " + e.Message
}

// Unwrap returns [ErrPolicy].
func (e *PolicyError) Unwrap() error { return ErrPolicy }

// ConfigError reports a bad setting in [Options.Data]. Safe for
// concurrent use.
type ConfigError struct {
	// Key is the setting's path under data.aspm.access.config, like
	// "risk.new_device".
	Key string
	// Message describes the problem.
	Message string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("decide: invalid configuration: %s: %s", e.Key, e.Message)
}

// Unwrap returns [ErrConfig].
func (e *ConfigError) Unwrap() error { return ErrConfig }

// ContractError reports a decision value that breaks the decision
// contract: which field, and what is wrong with it. Safe for concurrent
// use.
type ContractError struct {
	// Field is the path in the decision value, like "reasons[2].risk";
	// empty for the value as a whole.
	Field string
	// Message describes the problem.
	Message string
}

func (e *ContractError) Error() string {
	if e.Field == "" {
		return "decide: policy broke the decision contract: " + e.Message
	}
	return "decide: policy broke the decision contract: " + e.Field + ": " + e.Message
}

// Unwrap returns [ErrContract].
func (e *ContractError) Unwrap() error { return ErrContract }
