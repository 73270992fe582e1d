package alert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/internal/golden"
)

// request is what a test server received.
type request struct {
	method string
	path   string
	header http.Header
	body   []byte
}

// server is a test endpoint that answers with the responses of replies in
// turn (200 once they run out) and records the requests.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []request
	replies []reply
}

type reply struct {
	status int
	header map[string]string
	body   string
}

func newServer(t *testing.T, replies ...reply) *server {
	t.Helper()
	s := &server{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, request{r.Method, r.URL.Path, r.Header.Clone(), body})
		rep := reply{status: http.StatusOK}
		if len(s.replies) > 0 {
			rep, s.replies = s.replies[0], s.replies[1:]
		}
		s.mu.Unlock()
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.reqs...)
}

// sleeper records the delays asked for and returns at once.
type sleeper struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays = append(s.delays, d)
	return ctx.Err()
}

const testToken = "T0KEN-in-the-path"

var testSecret = []byte("hunter2-webhook-secret")

func newSink(t *testing.T, url string, opts alert.WebhookOptions) (*alert.WebhookSink, *sleeper) {
	t.Helper()
	sl := &sleeper{}
	if opts.Sleep == nil {
		opts.Sleep = sl.sleep
	}
	opts.AllowHTTPUnsafe = true
	s, err := alert.NewWebhookSink(url, opts)
	require.NoError(t, err)
	return s, sl
}

// TestWebhookBody checks the request: method, headers, signature, and the
// body against a golden file.
func TestWebhookBody(t *testing.T) {
	srv := newServer(t)
	sink, _ := newSink(t, srv.URL+"/hooks/"+testToken+"?team=sec", alert.WebhookOptions{
		Secret: testSecret,
		Header: http.Header{"Authorization": {"Bearer abc"}, "Content-Type": {"text/plain"}, alert.SignatureHeader: {"forged"}},
	})
	ds := sampleDigests(t)
	require.NoError(t, sink.Send(context.Background(), ds))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.method)
	assert.Equal(t, "/hooks/"+testToken, r.path)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"), "the caller cannot replace it")
	assert.Equal(t, "Bearer abc", r.header.Get("Authorization"))
	require.NoError(t, alert.Verify(testSecret, r.body, r.header.Get(alert.SignatureHeader)))
	assert.Len(t, r.header.Values(alert.SignatureHeader), 1)
	assert.Len(t, r.header.Get(alert.DeliveryHeader), 32)

	want, err := alert.MarshalPayload(ds)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(r.body), "the body is the compact payload")
	p, err := alert.DecodePayload(bytes.NewReader(r.body), alert.DecodeOptions{})
	require.NoError(t, err)
	assert.Equal(t, ds, p.Digests)

	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, r.body, "", "  "))
	pretty.WriteByte('\n')
	golden.Assert(t, "testdata/golden/webhook_body.json", pretty.Bytes())

	// The same payload again has the same delivery ID.
	require.NoError(t, sink.Send(context.Background(), ds))
	reqs = srv.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, reqs[0].header.Get(alert.DeliveryHeader), reqs[1].header.Get(alert.DeliveryHeader))
}

func TestWebhookUnsigned(t *testing.T) {
	srv := newServer(t)
	sink, _ := newSink(t, srv.URL, alert.WebhookOptions{})
	require.NoError(t, sink.Send(context.Background(), sampleDigests(t)))
	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Empty(t, reqs[0].header.Values(alert.SignatureHeader))
}

func TestWebhookNoDigestsNoRequest(t *testing.T) {
	srv := newServer(t)
	sink, _ := newSink(t, srv.URL, alert.WebhookOptions{})
	require.NoError(t, sink.Send(context.Background(), nil))
	assert.Empty(t, srv.requests())
}

func TestWebhookRetries(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		opts       alert.WebhookOptions
		replies    []reply
		attempts   int
		sleeps     []time.Duration
		status     int // 0: success expected
		retryAfter time.Duration
		body       string
	}{
		{"503 then success", alert.WebhookOptions{},
			[]reply{{status: 503}, {status: 503}}, 3, []time.Duration{time.Second, 2 * time.Second}, 0, 0, ""},
		{"429 with Retry-After seconds", alert.WebhookOptions{},
			[]reply{{status: 429, header: map[string]string{"Retry-After": "7"}}}, 2, []time.Duration{7 * time.Second}, 0, 0, ""},
		{"503 with Retry-After date", alert.WebhookOptions{},
			[]reply{{status: 503, header: map[string]string{"Retry-After": now.Add(30 * time.Second).Format(http.TimeFormat)}}},
			2, []time.Duration{30 * time.Second}, 0, 0, ""},
		{"429 asking too long gives up at once", alert.WebhookOptions{},
			[]reply{{status: 429, header: map[string]string{"Retry-After": "3600"}}}, 1, nil, 429, time.Hour, ""},
		{"400 is permanent", alert.WebhookOptions{},
			[]reply{{status: 400, body: "bad payload"}}, 1, nil, 400, 0, "bad payload"},
		{"404 is permanent", alert.WebhookOptions{},
			[]reply{{status: 404}}, 1, nil, 404, 0, ""},
		{"501 is permanent", alert.WebhookOptions{},
			[]reply{{status: 501}}, 1, nil, 501, 0, ""},
		{"500 until attempts run out", alert.WebhookOptions{},
			[]reply{{status: 500}, {status: 502}, {status: 504, body: "gateway"}}, 3, []time.Duration{time.Second, 2 * time.Second}, 504, 0, "gateway"},
		{"one attempt", alert.WebhookOptions{MaxAttempts: 1},
			[]reply{{status: 503}}, 1, nil, 503, 0, ""},
		{"backoff capped", alert.WebhookOptions{MaxAttempts: 5, Backoff: time.Second, MaxBackoff: 3 * time.Second},
			[]reply{{status: 503}, {status: 503}, {status: 503}, {status: 503}}, 5,
			[]time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, 0, 0, ""},
		{"408 is retried", alert.WebhookOptions{},
			[]reply{{status: 408}}, 2, []time.Duration{time.Second}, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.replies...)
			opts := tt.opts
			opts.Now = func() time.Time { return now }
			sink, sl := newSink(t, srv.URL+"/"+testToken, opts)
			err := sink.Send(context.Background(), sampleDigests(t))
			assert.Len(t, srv.requests(), tt.attempts)
			assert.Equal(t, tt.sleeps, sl.delays)
			if tt.status == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, alert.ErrDelivery)
			var de *alert.DeliveryError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tt.status, de.StatusCode)
			assert.Equal(t, tt.attempts, de.Attempts)
			assert.Equal(t, tt.retryAfter, de.RetryAfter)
			assert.Equal(t, tt.body, de.Body)
			assert.Equal(t, srv.URL, de.Endpoint)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

func TestWebhookErrorMessage(t *testing.T) {
	srv := newServer(t, reply{status: 429, header: map[string]string{"Retry-After": "120"}})
	sink, _ := newSink(t, srv.URL+"/"+testToken, alert.WebhookOptions{MaxRetryAfter: time.Minute})
	err := sink.Send(context.Background(), sampleDigests(t))
	require.Error(t, err)
	assert.Equal(t, "alert: webhook "+srv.URL+": HTTP 429 after 1 attempt (retry after 2m0s)", err.Error())
}

func TestWebhookTransportErrorRetried(t *testing.T) {
	srv := newServer(t)
	url := srv.URL + "/" + testToken
	srv.Close() // connection refused from now on
	sink, sl := newSink(t, url, alert.WebhookOptions{Secret: testSecret})
	err := sink.Send(context.Background(), sampleDigests(t))
	require.Error(t, err)
	var de *alert.DeliveryError
	require.True(t, errors.As(err, &de))
	assert.Zero(t, de.StatusCode)
	assert.Equal(t, 3, de.Attempts)
	assert.Len(t, sl.delays, 2)
	assert.NotContains(t, err.Error(), testToken)
	assert.NotContains(t, err.Error(), string(testSecret))
}

func TestWebhookContext(t *testing.T) {
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		srv := newServer(t, reply{status: 503})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sink, _ := newSink(t, srv.URL, alert.WebhookOptions{Sleep: func(ctx context.Context, _ time.Duration) error {
			cancel()
			return ctx.Err()
		}})
		err := sink.Send(ctx, sampleDigests(t))
		require.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, alert.ErrDelivery)
		assert.Len(t, srv.requests(), 1)
	})
	t.Run("deadline during the request", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		defer srv.Close()
		defer close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		sink, sl := newSink(t, srv.URL, alert.WebhookOptions{})
		err := sink.Send(ctx, sampleDigests(t))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var de *alert.DeliveryError
		require.True(t, errors.As(err, &de))
		assert.Equal(t, 1, de.Attempts, "not retried")
		assert.Empty(t, sl.delays)
	})
	t.Run("real sleep honours the context", func(t *testing.T) {
		srv := newServer(t, reply{status: 503})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		sink, err := alert.NewWebhookSink(srv.URL, alert.WebhookOptions{AllowHTTPUnsafe: true, Backoff: time.Hour})
		require.NoError(t, err)
		start := time.Now()
		err = sink.Send(ctx, sampleDigests(t))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 10*time.Second)
	})
}

func TestWebhookRedirects(t *testing.T) {
	t.Run("to another host is refused", func(t *testing.T) {
		other := newServer(t)
		srv := newServer(t, reply{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": other.URL + "/steal"}})
		sink, sl := newSink(t, srv.URL+"/"+testToken, alert.WebhookOptions{Secret: testSecret})
		err := sink.Send(context.Background(), sampleDigests(t))
		require.ErrorIs(t, err, alert.ErrRedirect)
		assert.Empty(t, other.requests(), "the other host got nothing")
		assert.Len(t, srv.requests(), 1, "not retried")
		assert.Empty(t, sl.delays)
		assert.NotContains(t, err.Error(), testToken)
	})
	t.Run("same host 307 is followed with the body", func(t *testing.T) {
		srv := newServer(t, reply{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": "/moved"}})
		sink, _ := newSink(t, srv.URL+"/hook", alert.WebhookOptions{Secret: testSecret})
		require.NoError(t, sink.Send(context.Background(), sampleDigests(t)))
		reqs := srv.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "/moved", reqs[1].path)
		assert.Equal(t, reqs[0].body, reqs[1].body)
		assert.NoError(t, alert.Verify(testSecret, reqs[1].body, reqs[1].header.Get(alert.SignatureHeader)))
	})
	t.Run("same host 302 would turn the POST into a GET", func(t *testing.T) {
		srv := newServer(t, reply{status: http.StatusFound, header: map[string]string{"Location": "/moved"}})
		sink, _ := newSink(t, srv.URL, alert.WebhookOptions{})
		err := sink.Send(context.Background(), sampleDigests(t))
		require.ErrorIs(t, err, alert.ErrRedirect)
		assert.Len(t, srv.requests(), 1)
	})
	t.Run("redirect loop", func(t *testing.T) {
		var replies []reply
		for range 10 {
			replies = append(replies, reply{status: http.StatusPermanentRedirect, header: map[string]string{"Location": "/again"}})
		}
		srv := newServer(t, replies...)
		sink, _ := newSink(t, srv.URL, alert.WebhookOptions{})
		err := sink.Send(context.Background(), sampleDigests(t))
		require.ErrorIs(t, err, alert.ErrRedirect)
		assert.Len(t, srv.requests(), 4, "the first request and 3 redirects")
	})
	t.Run("the caller's client and policy are kept", func(t *testing.T) {
		srv := newServer(t, reply{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": "/moved"}})
		mine := errors.New("my policy")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return mine }}
		before := fmt.Sprintf("%p", client.CheckRedirect)
		sink, _ := newSink(t, srv.URL, alert.WebhookOptions{Client: client})
		err := sink.Send(context.Background(), sampleDigests(t))
		require.ErrorIs(t, err, mine)
		assert.ErrorIs(t, err, alert.ErrRedirect)
		assert.Len(t, srv.requests(), 1, "not retried")
		assert.Equal(t, before, fmt.Sprintf("%p", client.CheckRedirect), "the client given is not modified")
	})
}

func TestWebhookTLS(t *testing.T) {
	var got []byte
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure below is expected
	srv.StartTLS()
	defer srv.Close()
	sink, err := alert.NewWebhookSink(srv.URL, alert.WebhookOptions{Client: srv.Client()})
	require.NoError(t, err)
	require.NoError(t, sink.Send(context.Background(), sampleDigests(t)))
	assert.NotEmpty(t, got)

	// Without the server's certificate the failure is permanent.
	sink, err = alert.NewWebhookSink(srv.URL, alert.WebhookOptions{Sleep: (&sleeper{}).sleep})
	require.NoError(t, err)
	err = sink.Send(context.Background(), sampleDigests(t))
	var de *alert.DeliveryError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Equal(t, 1, de.Attempts)
}

func TestNewWebhookSinkRejects(t *testing.T) {
	tests := []struct {
		name string
		url  string
		opts alert.WebhookOptions
		path string
	}{
		{"http without the unsafe switch", "http://hooks.example.com/" + testToken, alert.WebhookOptions{}, "url"},
		{"other scheme", "ftp://hooks.example.com/" + testToken, alert.WebhookOptions{}, "url"},
		{"relative", "/hooks/" + testToken, alert.WebhookOptions{}, "url"},
		{"not a URL", "https://hooks example.com/%zz" + testToken, alert.WebhookOptions{}, "url"},
		{"no host", "https:///" + testToken, alert.WebhookOptions{}, "url"},
		{"too many attempts", "https://hooks.example.com/", alert.WebhookOptions{MaxAttempts: alert.MaxWebhookAttempts + 1}, "MaxAttempts"},
		{"negative attempts", "https://hooks.example.com/", alert.WebhookOptions{MaxAttempts: -1}, "MaxAttempts"},
		{"negative backoff", "https://hooks.example.com/", alert.WebhookOptions{Backoff: -1}, "Backoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := alert.NewWebhookSink(tt.url, tt.opts)
			require.ErrorIs(t, err, alert.ErrInvalid)
			var ie *alert.InputError
			require.True(t, errors.As(err, &ie))
			assert.Equal(t, tt.path, ie.Path)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
	_, err := alert.NewWebhookSink("https://hooks.example.com/", alert.WebhookOptions{MaxAttempts: alert.MaxWebhookAttempts})
	assert.NoError(t, err, "at the limit")
}

// TestWebhookSinkNeverShowsSecrets formats and logs a sink every way.
func TestWebhookSinkNeverShowsSecrets(t *testing.T) {
	secret := []byte("hunter2-webhook-secret")
	sink, err := alert.NewWebhookSink("https://user:pw@hooks.example.com/services/"+testToken, alert.WebhookOptions{
		Secret: secret, Header: http.Header{"Authorization": {"Bearer sensitive"}},
	})
	require.NoError(t, err)
	secret[0] = 'X' // the sink kept a copy
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("sink", "sink", sink)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("sink", "sink", sink)
	for _, s := range []string{fmt.Sprint(sink), fmt.Sprintf("%v %+v %#v %s", sink, sink, sink, sink), buf.String()} {
		for _, leak := range []string{"hunter2", testToken, "pw", "sensitive"} {
			assert.NotContains(t, s, leak)
		}
	}
	assert.Equal(t, "alert.WebhookSink(https://hooks.example.com)", sink.String())
	assert.Contains(t, buf.String(), `"signed":true`)
	assert.True(t, strings.Contains(buf.String(), "hooks.example.com"))
}
