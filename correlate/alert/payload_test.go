package alert_test

import (
	"bytes"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/risk"
)

// sampleDigests returns the digests of a few events, as a batcher makes
// them.
func sampleDigests(t testing.TB) []alert.Digest {
	t.Helper()
	b, err := alert.NewBatcher(alert.BatcherOptions{MaxEvents: 2})
	if err != nil {
		t.Fatal(err)
	}
	e1 := ev("CVE-2021-44228", "f1", 0, risk.P1)
	e1.Type = alert.TypeKEVListed
	e1.VulnerabilityIDs = []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"}
	e1.Details = map[string]string{"kev_due_date": "2021-12-24", "kev_cve": "CVE-2021-44228"}
	e2 := ev("go/sql-injection", "f2", time.Minute, risk.P2)
	e3 := ev("go/sql-injection", "f3", 2*time.Minute, risk.P2)
	e4 := ev("go/sql-injection", "f4", 3*time.Minute, risk.P2)
	e5 := ev("secret/aws-key", "f5", 4*time.Minute, "")
	e5.Type = alert.TypeAcceptanceExpired
	e5.Asset = "worker"
	e5.Details = map[string]string{"accepted_until": "2025-03-01"}
	for _, e := range []alert.Event{e5, e4, e3, e2, e1} {
		if err := b.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	return b.FlushAll()
}

func TestPayloadRoundTrip(t *testing.T) {
	ds := sampleDigests(t)
	body, err := alert.MarshalPayload(ds)
	require.NoError(t, err)
	p, err := alert.DecodePayload(bytes.NewReader(body), alert.DecodeOptions{Name: "body"})
	require.NoError(t, err)
	assert.Equal(t, alert.PayloadVersion, p.Version)
	assert.Equal(t, ds, p.Digests)
	again, err := alert.MarshalPayload(p.Digests)
	require.NoError(t, err)
	assert.Equal(t, string(body), string(again))

	empty, err := alert.MarshalPayload(nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"version":"aspm-alert/1","digests":[]}`, string(empty))
}

func TestDecodePayloadErrors(t *testing.T) {
	ds := sampleDigests(t)
	good, err := alert.MarshalPayload(ds[:1])
	require.NoError(t, err)
	g := string(good)
	digest0 := int64(strings.Index(g, `{"key"`))
	tests := []struct {
		name     string
		in       string
		sentinel error
		offset   int64
		path     string
	}{
		{"empty", ``, alert.ErrSyntax, 0, ""},
		{"truncated", g[:len(g)-3], alert.ErrSyntax, int64(len(g) - 3), ""},
		{"not an object", `[]`, alert.ErrInvalid, 0, ""},
		{"bad syntax", `{"version": x}`, alert.ErrSyntax, 12, ""},
		{"trailing comma", `{"version": "aspm-alert/1", "digests": [],}`, alert.ErrSyntax, 42, ""},
		{"trailing data", g + `{}`, alert.ErrSyntax, int64(len(g)), ""},
		{"no version", `{"digests": []}`, alert.ErrInvalid, -1, "version"},
		{"no digests", `{"version": "aspm-alert/1"}`, alert.ErrInvalid, -1, "digests"},
		{"null digests", `{"version": "aspm-alert/1", "digests": null}`, alert.ErrInvalid, 39, "digests"},
		{"other version", `{"version": "aspm-alert/2", "digests": []}`, alert.ErrInvalid, 12, "version"},
		{"version twice", `{"version": "aspm-alert/1", "version": "aspm-alert/1", "digests": []}`, alert.ErrInvalid, 28, "version"},
		{"count is a string", strings.Replace(g, `"count":1`, `"count":"1"`, 1), alert.ErrInvalid, digest0, "digests[0].count"},
		{"count too small", strings.Replace(g, `"count":1`, `"count":0`, 1), alert.ErrInvalid, digest0, "digests[0].count"},
		{"bad key type", strings.Replace(g, `"type":"kev_listed","rule_id"`, `"type":"fixed","rule_id"`, 1), alert.ErrInvalid, digest0, "digests[0].key.type"},
		{"bad first", strings.Replace(g, `"first":"2025`, `"first":"1999/`, 1), alert.ErrInvalid, digest0, "digests[0].first"},
		{"last before first", strings.Replace(g, `"last":"2025-03-01T12`, `"last":"2025-03-01T11`, 1), alert.ErrInvalid, digest0, "digests[0].last"},
		{"event type differs", strings.Replace(g, `{"type":"kev_listed","at"`, `{"type":"reopened","at"`, 1), alert.ErrInvalid, digest0, "digests[0].events[0]"},
		{"event outside times", strings.Replace(g, `"at":"2025-03-01T12:00:00Z"`, `"at":"2025-03-01T13:00:00Z"`, 1), alert.ErrInvalid, digest0, "digests[0].events[0].at"},
		{"event priority above digest", strings.Replace(g, `"priority":"P1","severity":"high","events"`, `"priority":"P2","severity":"high","events"`, 1), alert.ErrInvalid, digest0, "digests[0].events[0].priority"},
		{"event severity invalid", strings.Replace(g, `"title":"CVE-2021-44228 in f1","severity":"high"`, `"title":"x","severity":"HIGH"`, 1), alert.ErrInvalid, digest0, "digests[0].events[0].severity"},
		{"no events", `{"version":"aspm-alert/1","digests":[{"key":{"type":"reopened"},"count":1,"first":"2025-03-01T12:00:00Z","last":"2025-03-01T12:00:00Z"}]}`, alert.ErrInvalid, 37, "digests[0].events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := alert.DecodePayload(strings.NewReader(tt.in), alert.DecodeOptions{Name: "req-1"})
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			var ie *alert.InputError
			require.True(t, errors.As(err, &ie), "%T %v", err, err)
			assert.Equal(t, "req-1", ie.Name)
			assert.Equal(t, tt.path, ie.Path, err.Error())
			assert.Equal(t, tt.offset, ie.Offset, err.Error())
			assert.True(t, strings.HasPrefix(err.Error(), "alert: req-1: "), err.Error())
		})
	}
}

func TestDecodePayloadLimitAtNAndNPlus1(t *testing.T) {
	body, err := alert.MarshalPayload(sampleDigests(t))
	require.NoError(t, err)
	n := int64(len(body))
	_, err = alert.DecodePayload(bytes.NewReader(body), alert.DecodeOptions{MaxBytes: n})
	require.NoError(t, err, "exactly at the limit")
	_, err = alert.DecodePayload(bytes.NewReader(body), alert.DecodeOptions{MaxBytes: n - 1})
	require.ErrorIs(t, err, alert.ErrLimit, "one byte over")
	var le *alert.LimitError
	require.True(t, errors.As(err, &le))
	assert.Equal(t, alert.LimitError{Limit: "MaxPayloadBytes", Max: n - 1}, *le)
}

func TestDecodePayloadReaderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := alert.DecodePayload(iotest.ErrReader(boom), alert.DecodeOptions{})
	assert.ErrorIs(t, err, boom)
}

func TestDecodePayloadIgnoresUnknownMembers(t *testing.T) {
	p, err := alert.DecodePayload(strings.NewReader(`{"sent_by":{"x":[1,2]},"version":"aspm-alert/1","digests":[]}`), alert.DecodeOptions{})
	require.NoError(t, err)
	assert.Empty(t, p.Digests)
}

func TestSignVerify(t *testing.T) {
	secret := []byte("s3cr3t")
	body := []byte(`{"version":"aspm-alert/1","digests":[]}`)
	sig := alert.Sign(secret, body)
	assert.True(t, strings.HasPrefix(sig, "sha256="))
	assert.Len(t, sig, len("sha256=")+64)
	require.NoError(t, alert.Verify(secret, body, sig))
	require.NoError(t, alert.Verify(secret, body, " "+sig+" "))
	tests := map[string]struct {
		secret []byte
		body   []byte
		sig    string
	}{
		"other body":   {secret, append(bytes.Clone(body), ' '), sig},
		"other secret": {[]byte("other"), body, sig},
		"no secret":    {nil, body, sig},
		"no prefix":    {secret, body, strings.TrimPrefix(sig, "sha256=")},
		"not hex":      {secret, body, "sha256=zz"},
		"short":        {secret, body, sig[:len(sig)-2]},
		"empty":        {secret, body, ""},
	}
	for name, tt := range tests {
		err := alert.Verify(tt.secret, tt.body, tt.sig)
		assert.ErrorIs(t, err, alert.ErrSignature, name)
		if err != nil {
			assert.NotContains(t, err.Error(), string(secret), name)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second, true},
		{"99999999999999999999999", math.MaxInt64, true},
		{"9223372036", 9223372036 * time.Second, true},
		{"9223372037", math.MaxInt64, true},
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := alert.ParseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func FuzzDecodePayload(f *testing.F) {
	body, err := alert.MarshalPayload(sampleDigests(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"version":"aspm-alert/1","digests":[]}`))
	f.Add([]byte(`{"version":"aspm-alert/1","digests":[{"key":{"type":"reopened"},"count":1}]}`))
	f.Add([]byte(`{"digests":null,"version":1}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := alert.DecodePayload(bytes.NewReader(data), alert.DecodeOptions{MaxBytes: 1 << 20})
		if err != nil {
			var ie *alert.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an *InputError: %T %v", err, err)
			}
			if !errors.Is(err, alert.ErrSyntax) && !errors.Is(err, alert.ErrInvalid) && !errors.Is(err, alert.ErrLimit) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		// What decodes re-encodes, and decodes again to the same value.
		out, err := alert.MarshalPayload(p.Digests)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := alert.DecodePayload(bytes.NewReader(out), alert.DecodeOptions{})
		if err != nil {
			t.Fatalf("re-encoded payload does not decode: %v\n%s", err, out)
		}
		out2, err := alert.MarshalPayload(p2.Digests)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip differs:\n%s\n%s", out, out2)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "0", "Sat, 01 Mar 2025 12:00:30 GMT", "Saturday, 01-Mar-25 12:00:30 GMT", "Sat Mar  1 12:00:30 2025", "-1", "1e3", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := alert.ParseRetryAfter(s, now)
		if d < 0 {
			t.Fatalf("negative delay %v for %q", d, s)
		}
		if !ok && d != 0 {
			t.Fatalf("delay %v without ok for %q", d, s)
		}
	})
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte("k"), []byte(`{}`), "sha256=00")
	f.Add([]byte(""), []byte(""), "")
	f.Add([]byte("secret"), []byte("body"), alert.Sign([]byte("secret"), []byte("body")))
	f.Fuzz(func(t *testing.T, secret, body []byte, sig string) {
		err := alert.Verify(secret, body, sig)
		if err != nil && !errors.Is(err, alert.ErrSignature) {
			t.Fatalf("error does not wrap ErrSignature: %v", err)
		}
		if len(secret) > 0 {
			if err := alert.Verify(secret, body, alert.Sign(secret, body)); err != nil {
				t.Fatalf("own signature rejected: %v", err)
			}
		}
	})
}
