package alert

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. The package wraps them in typed errors ([*InputError],
// [*LimitError], [*DeliveryError], [*SinkError]), so callers test them with
// [errors.Is].
var (
	// ErrInvalid: an event, a policy, options or a decoded payload break
	// the rules of this package (an unknown event type, a zero time, a
	// priority that is not P1–P4, a digest whose events do not match its
	// key).
	ErrInvalid = errors.New("alert: invalid input")
	// ErrSyntax: a webhook payload is not well-formed JSON, or is
	// truncated.
	ErrSyntax = errors.New("alert: syntax error")
	// ErrLimit: a bound of the package was reached (pending digests of a
	// [Batcher], queued digests of a [Dispatcher], the size of a payload);
	// the error chain holds a [*LimitError] with the details.
	ErrLimit = errors.New("alert: limit exceeded")
	// ErrDelivery: a sink could not deliver digests. A [*DeliveryError]
	// carries the details for the [WebhookSink].
	ErrDelivery = errors.New("alert: delivery failed")
	// ErrRedirect: the webhook endpoint answered with a redirect to another
	// host (or from https to http), which the [WebhookSink] never follows.
	ErrRedirect = errors.New("alert: redirect refused")
	// ErrSignature: a webhook payload's signature is missing, malformed or
	// does not match the secret ([Verify]).
	ErrSignature = errors.New("alert: signature mismatch")
)

// InputError reports a problem in a value handed to the package: an
// [Event], a [Policy], options, or a webhook payload read by
// [DecodePayload]. Use [errors.As] to get one and [errors.Is] to test the
// cause against [ErrInvalid], [ErrSyntax] and [ErrLimit]. Like any error
// value it is not modified after it is returned, so it may be read
// concurrently.
type InputError struct {
	// Name is the input's name: [DecodeOptions.Name] for a payload; empty
	// otherwise.
	Name string
	// Offset is the byte offset in a payload of the offending byte (the
	// input's length for a truncated one); -1 when unknown or when the
	// input is not a byte stream.
	Offset int64
	// Path locates the problem: a field like "Priority" or
	// "MinPriority", or a JSON path like "digests[2].events[0].type" for a
	// payload; empty when the problem concerns the whole input.
	Path string
	// Err is the cause. It wraps [ErrInvalid], [ErrSyntax] or [ErrLimit],
	// or it is the error of the underlying reader.
	Err error
}

// Error formats the problem as "alert: NAME: byte N: PATH: cause", leaving
// out the parts that are unknown.
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString("alert: ")
	if e.Name != "" {
		b.WriteString(e.Name)
		b.WriteString(": ")
	}
	if e.Offset >= 0 {
		b.WriteString("byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "alert: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

// invalid returns an *InputError at a field of a value (no byte offset).
func invalid(path, format string, args ...any) error {
	return &InputError{Offset: -1, Path: path, Err: fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))}
}

// LimitError reports that a bound of the package was reached. errors.Is
// reports true for it and [ErrLimit]. It is not modified after it is
// returned, so it may be read concurrently.
type LimitError struct {
	// Limit names the bound: "MaxPending", "MaxQueued", "MaxPayloadBytes".
	Limit string
	// Max is the bound's value.
	Max int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("alert: limit exceeded: %s (%d)", e.Limit, e.Max)
}

// Is makes errors.Is(err, ErrLimit) true for every LimitError.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// DeliveryError reports that the [WebhookSink] gave up delivering a
// payload. It names the endpoint by scheme and host only: webhook URLs
// often carry a token in their path or query, and the error must be safe to
// log. errors.Is reports true for it and [ErrDelivery], and for its cause
// ([ErrRedirect], [context.Canceled], ...). It is not modified after it
// is returned, so it may be read concurrently.
type DeliveryError struct {
	// Endpoint is the scheme and host of the webhook URL
	// ("https://hooks.example.com").
	Endpoint string
	// StatusCode is the HTTP status of the last response; 0 when no
	// response was received.
	StatusCode int
	// Attempts is the number of requests made.
	Attempts int
	// RetryAfter is the delay the endpoint asked for in its last response
	// (Retry-After), when it asked for one; the caller may retry after it.
	RetryAfter time.Duration
	// Body is the start of the last response's body (at most 512 bytes),
	// to help diagnose a rejection.
	Body string
	// Err is the cause: a transport error, [ErrRedirect], a context error,
	// or nil when the endpoint answered with an error status.
	Err error
}

// Error formats the problem as "alert: webhook ENDPOINT: HTTP 503 after 3
// attempts: cause".
func (e *DeliveryError) Error() string {
	var b strings.Builder
	b.WriteString("alert: webhook ")
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	if e.StatusCode != 0 {
		b.WriteString("HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	} else {
		b.WriteString("delivery failed")
	}
	b.WriteString(" after ")
	b.WriteString(strconv.Itoa(e.Attempts))
	if e.Attempts == 1 {
		b.WriteString(" attempt")
	} else {
		b.WriteString(" attempts")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "alert: "))
	}
	return b.String()
}

// Unwrap returns the cause, nil when the endpoint answered with an error
// status.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrDelivery) true for every DeliveryError.
func (e *DeliveryError) Is(target error) bool { return target == ErrDelivery }

// SinkError names the sink of a [Dispatcher] whose Send failed. A
// dispatch that fails on several sinks returns their SinkErrors joined with
// [errors.Join], in the order of the sinks' names. It is not modified
// after it is returned, so it may be read concurrently.
type SinkError struct {
	// Sink is the [Target] name.
	Sink string
	// Digests is the number of digests that were not delivered.
	Digests int
	// Err is what the sink returned, or a [*LimitError] when the digests
	// could not be queued for the sink.
	Err error
}

func (e *SinkError) Error() string {
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "alert: ")
	}
	return fmt.Sprintf("alert: sink %s: %d digests not delivered: %s", e.Sink, e.Digests, msg)
}

// Unwrap returns the cause.
func (e *SinkError) Unwrap() error { return e.Err }
