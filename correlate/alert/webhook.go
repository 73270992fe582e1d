package alert

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Headers the [WebhookSink] sets on every request.
const (
	// SignatureHeader carries [Sign] of the body under the sink's secret,
	// when it has one.
	SignatureHeader = "X-Aspm-Signature-256"
	// DeliveryHeader carries an identifier of the payload (the first half
	// of its SHA-256, in hex), the same for every retry of it, so that a
	// receiver can ignore a payload it has already processed.
	DeliveryHeader = "X-Aspm-Delivery"
)

// Defaults and bounds of [WebhookOptions].
const (
	// DefaultWebhookTimeout is the timeout of the HTTP client a
	// [WebhookSink] makes when given none.
	DefaultWebhookTimeout = 30 * time.Second
	// DefaultMaxAttempts is how many requests a [WebhookSink] makes for
	// one payload, the first one included.
	DefaultMaxAttempts = 3
	// MaxWebhookAttempts is the largest MaxAttempts accepted.
	MaxWebhookAttempts = 10
	// DefaultBackoff is the delay before the first retry; it doubles with
	// each retry.
	DefaultBackoff = time.Second
	// DefaultMaxBackoff caps the doubling delay between retries.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After a [WebhookSink]
	// waits for within one Send.
	DefaultMaxRetryAfter = time.Minute
	// maxRedirects bounds the same-host redirects followed.
	maxRedirects = 3
	// maxErrorBody is how much of an error response DeliveryError keeps.
	maxErrorBody = 512
	// maxDrain is how much of a response is read to reuse the connection.
	maxDrain = 64 << 10
)

// WebhookOptions configure a [WebhookSink]. The zero value is valid: a
// client with a 30-second timeout, no signature, three attempts. It is a
// plain value, read once by [NewWebhookSink] (which copies what it
// keeps), safe for concurrent use.
type WebhookOptions struct {
	// Client sends the requests. Nil means a client with
	// [DefaultWebhookTimeout]. The sink uses a copy of it whose redirect
	// policy refuses redirects to another host, from https to http, or
	// that would change the method (a 301, 302 or 303 turning the POST into
	// a GET), before applying the client's own CheckRedirect; the client
	// given is not modified.
	Client *http.Client
	// Secret, when not empty, signs every payload: the [SignatureHeader]
	// carries [Sign](Secret, body). The sink keeps a copy; it never writes
	// the secret anywhere else (errors, String, logs).
	Secret []byte
	// Header holds headers added to every request (an Authorization
	// token, for example). It cannot replace Content-Type, the
	// [SignatureHeader] or the [DeliveryHeader]. The sink keeps a copy.
	Header http.Header
	// MaxAttempts is how many requests are made for one payload, at most
	// [MaxWebhookAttempts]. Zero means [DefaultMaxAttempts].
	MaxAttempts int
	// Backoff is the delay before the first retry, doubled for each next
	// one, up to MaxBackoff. Zero means [DefaultBackoff] and
	// [DefaultMaxBackoff].
	Backoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After honored within one Send;
	// when the endpoint asks for longer, Send gives up at once and the
	// [*DeliveryError] carries the delay asked for. Zero means
	// [DefaultMaxRetryAfter].
	MaxRetryAfter time.Duration
	// Sleep waits between attempts; it returns early with ctx's error when
	// ctx is done. Nil means a timer. Tests set it to return at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time, to turn a Retry-After date into a delay. Nil
	// means time.Now.
	Now func() time.Time
	// AllowHTTPUnsafe accepts an http:// URL, which sends the payload and
	// its signature in clear text. Without it only https:// is accepted.
	AllowHTTPUnsafe bool
}

// WebhookSink is a [Sink] that POSTs each batch of digests as one JSON
// [Payload] to a URL the application configures, for receivers that want
// raw events (a SOAR, a chat bridge, a ticketing integration).
//
// Each request has Content-Type application/json, the [DeliveryHeader],
// the [SignatureHeader] when a secret is set, and the caller's headers.
// A 2xx answer is success. A 429, 408 or 5xx answer (except 501) and a
// transport error are retried, up to MaxAttempts, after the delay the
// Retry-After header asks for or else an exponential backoff; any other
// answer fails at once. Redirects are followed only to the same host and
// scheme with the same method (307 and 308).
//
// The sink identifies the endpoint by scheme and host only in its errors
// and String, since webhook URLs often hold a token.
//
// A WebhookSink is safe for concurrent use.
type WebhookSink struct {
	url      string
	endpoint string // scheme://host, safe to show
	client   *http.Client
	secret   []byte
	header   http.Header
	opts     WebhookOptions
}

// NewWebhookSink returns a sink posting to rawURL. It fails with an
// [*InputError] wrapping [ErrInvalid] when the URL is not an absolute
// https URL (or http with AllowHTTPUnsafe), or an option is out of range.
// The error does not repeat the URL.
func NewWebhookSink(rawURL string, opts WebhookOptions) (*WebhookSink, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, invalid("url", "not a URL")
	}
	switch {
	case u.Scheme == "http" && !opts.AllowHTTPUnsafe:
		return nil, invalid("url", "http:// sends in clear text; use https:// or set AllowHTTPUnsafe")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, invalid("url", "scheme %q is not https", u.Scheme)
	case u.Host == "":
		return nil, invalid("url", "no host")
	case opts.MaxAttempts < 0 || opts.MaxAttempts > MaxWebhookAttempts:
		return nil, invalid("MaxAttempts", "%d is not between 0 and %d", opts.MaxAttempts, MaxWebhookAttempts)
	case opts.Backoff < 0 || opts.MaxBackoff < 0 || opts.MaxRetryAfter < 0:
		return nil, invalid("Backoff", "delays must not be negative")
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Backoff == 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxRetryAfter == 0 {
		opts.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var c http.Client
	if opts.Client != nil {
		c = *opts.Client
	} else {
		c.Timeout = DefaultWebhookTimeout
	}
	c.CheckRedirect = checkRedirect(c.CheckRedirect)
	s := &WebhookSink{
		url:      u.String(),
		endpoint: u.Scheme + "://" + u.Host,
		client:   &c,
		secret:   slices.Clone(opts.Secret),
		header:   opts.Header.Clone(),
		opts:     opts,
	}
	s.opts.Client, s.opts.Secret, s.opts.Header = nil, nil, nil
	return s, nil
}

// checkRedirect returns a redirect policy that refuses another host, a
// downgrade to http and a change of method, then applies next.
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		orig := via[0]
		switch {
		case len(via) > maxRedirects:
			return fmt.Errorf("%w: more than %d redirects", ErrRedirect, maxRedirects)
		case !strings.EqualFold(req.URL.Host, orig.URL.Host):
			return fmt.Errorf("%w: to another host (%s)", ErrRedirect, req.URL.Host)
		case req.URL.Scheme != orig.URL.Scheme:
			return fmt.Errorf("%w: from %s to %s", ErrRedirect, orig.URL.Scheme, req.URL.Scheme)
		case req.Method != orig.Method:
			return fmt.Errorf("%w: it would turn the %s into a %s", ErrRedirect, orig.Method, req.Method)
		}
		if next != nil {
			if err := next(req, via); err != nil {
				// Wrapped so that it is not retried (ErrUseLastResponse
				// is the client's own signal and passes as is).
				if errors.Is(err, http.ErrUseLastResponse) {
					return err
				}
				return fmt.Errorf("%w: %w", ErrRedirect, err)
			}
		}
		return nil
	}
}

// String describes the sink without its URL's path, query or secret.
func (s *WebhookSink) String() string { return "alert.WebhookSink(" + s.endpoint + ")" }

// GoString is String, so that %#v does not print the secret either.
func (s *WebhookSink) GoString() string { return s.String() }

// LogValue implements [slog.LogValuer]: the endpoint (scheme and host) and
// whether payloads are signed, never the secret or the URL's path.
func (s *WebhookSink) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", s.endpoint), slog.Bool("signed", len(s.secret) > 0))
}

// Send posts the digests as one [Payload], retrying as the type's
// documentation describes. It returns nil without a request when there is
// no digest. Failure is a [*DeliveryError] (wrapping the context's error
// when ctx ended the attempts).
func (s *WebhookSink) Send(ctx context.Context, digests []Digest) error {
	if len(digests) == 0 {
		return nil
	}
	body, err := MarshalPayload(digests)
	if err != nil {
		return err
	}
	var sig string
	if len(s.secret) > 0 {
		sig = Sign(s.secret, body)
	}
	id := deliveryID(body)
	for attempt := 1; ; attempt++ {
		de, retry, wait := s.attempt(ctx, body, sig, id)
		if de == nil {
			return nil
		}
		de.Attempts = attempt
		if !retry || attempt >= s.opts.MaxAttempts {
			return de
		}
		if wait < 0 {
			wait = s.backoff(attempt)
		}
		if err := s.opts.Sleep(ctx, wait); err != nil {
			de.Err = err
			return de
		}
	}
}

// attempt makes one request. It returns nil on success; otherwise the
// error, whether to retry, and the delay the endpoint asked for (-1 when
// it asked for none).
func (s *WebhookSink) attempt(ctx context.Context, body []byte, sig, id string) (de *DeliveryError, retry bool, wait time.Duration) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Endpoint: s.endpoint, Err: errors.New("cannot build the request")}, false, -1
	}
	for k, vs := range s.header {
		req.Header[k] = slices.Clone(vs)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(DeliveryHeader, id)
	req.Header.Del(SignatureHeader)
	if sig != "" {
		req.Header.Set(SignatureHeader, sig)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		cause := err
		var ue *url.Error
		if errors.As(err, &ue) {
			cause = ue.Err // the url.Error repeats the URL, which may hold a token
		}
		if ctx.Err() != nil {
			return &DeliveryError{Endpoint: s.endpoint, Err: ctx.Err()}, false, -1
		}
		var cert *tls.CertificateVerificationError
		permanent := errors.Is(cause, ErrRedirect) || errors.As(cause, &cert)
		return &DeliveryError{Endpoint: s.endpoint, Err: cause}, !permanent, -1
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil, false, 0
	}
	de = &DeliveryError{Endpoint: s.endpoint, StatusCode: code, Body: strings.ToValidUTF8(string(head), string(utf8.RuneError))}
	retry = code == http.StatusTooManyRequests || code == http.StatusRequestTimeout ||
		(code >= 500 && code != http.StatusNotImplemented)
	wait = -1
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), s.opts.Now()); ok {
		de.RetryAfter = d
		wait = d
		if d > s.opts.MaxRetryAfter {
			retry = false
		}
	}
	return de, retry, wait
}

// backoff returns the delay after the given failed attempt: Backoff
// doubled attempt-1 times, at most MaxBackoff.
func (s *WebhookSink) backoff(attempt int) time.Duration {
	d := s.opts.Backoff
	for i := 1; i < attempt && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ParseRetryAfter reads the value of an HTTP Retry-After header: a number
// of seconds, or an HTTP date, which is turned into a delay from now (zero
// when it is past). It reports false for anything else, including an
// empty value. Very large values are capped at about 292 years, the
// largest [time.Duration].
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				return math.MaxInt64, true
			}
			return 0, false
		}
		if n > uint64(math.MaxInt64/int64(time.Second)) {
			return math.MaxInt64, true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
