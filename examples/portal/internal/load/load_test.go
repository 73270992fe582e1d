package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
)

func TestParseMix(t *testing.T) {
	cases := []struct {
		in   string
		want Mix
		ok   bool
	}{
		{"dashboard=2,list=2,detail=1", Mix{2, 2, 1}, true},
		{"list=1", Mix{List: 1}, true},
		{" dashboard=3 , detail=0 ", Mix{Dashboard: 3}, true},
		{"", Mix{}, false},
		{"list=0", Mix{}, false},
		{"upload=1", Mix{}, false},
		{"list=-1", Mix{}, false},
		{"list", Mix{}, false},
		{"list=1001", Mix{}, false},
	}
	for _, c := range cases {
		got, err := ParseMix(c.in)
		if !c.ok {
			assert.ErrorIs(t, err, ErrConfig, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestMixPick(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
	for range 10_000 {
		counts[Mix{Dashboard: 1, List: 3}.pick(r)]++
	}
	assert.Zero(t, counts[Detail])
	assert.InDelta(t, 7500, counts[List], 300)
	assert.InDelta(t, 2500, counts[Dashboard], 300)
}

func TestConfigChecks(t *testing.T) {
	ok := Config{BaseURL: "http://127.0.0.1:1", Token: "t", Duration: time.Second}
	cases := []struct {
		name string
		mod  func(*Config)
	}{
		{"no address", func(c *Config) { c.BaseURL = "" }},
		{"not http", func(c *Config) { c.BaseURL = "ftp://x" }},
		{"no host", func(c *Config) { c.BaseURL = "http://" }},
		{"no token", func(c *Config) { c.Token = "" }},
		{"no duration", func(c *Config) { c.Duration = 0 }},
		{"negative clients", func(c *Config) { c.Clients = -1 }},
	}
	for _, c := range cases {
		cfg := ok
		c.mod(&cfg)
		_, err := Run(context.Background(), cfg)
		assert.ErrorIs(t, err, ErrConfig, c.name)
	}
	got, err := ok.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultClients, got.Clients)
	assert.Equal(t, DefaultMix, got.Mix)
	assert.Equal(t, DefaultUploadEvery, got.UploadEvery)
	assert.Equal(t, "http://127.0.0.1:1", got.prefix())
	got.App = "a b"
	assert.Equal(t, "http://127.0.0.1:1/apps/a%20b", got.prefix())
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	cases := []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}}
	for _, c := range cases {
		assert.Equal(t, c.want, percentile(lat, c.p), c.p)
	}
	assert.Equal(t, time.Duration(0), percentile(nil, 50))
	assert.Equal(t, 7*time.Millisecond, percentile([]time.Duration{7 * time.Millisecond}, 99))
}

// TestSeedScans decodes the seeding scans as the portal does: every
// result is a finding, of the kind its tool gives.
func TestSeedScans(t *testing.T) {
	want := map[string]findings.Kind{"gosec": findings.KindSAST, "semgrep": findings.KindSAST, "gitleaks": findings.KindSecret,
		"checkov": findings.KindIaC, "osv-scanner": findings.KindSCA}
	for _, tool := range seedTools {
		doc, err := SeedScan(tool, 40)
		require.NoError(t, err, tool)
		var got []findings.Finding
		format, err := detect.Decode(bytes.NewReader(doc), detect.Options{}, findings.Handler{
			Finding: func(f findings.Finding) error { got = append(got, f); return nil }})
		require.NoError(t, err, tool)
		assert.Equal(t, "sarif", format, tool)
		require.Len(t, got, 40, tool)
		sevs := map[findings.Severity]bool{}
		for _, f := range got {
			assert.Equal(t, want[tool], f.Kind, tool)
			sevs[f.Severity] = true
		}
		assert.GreaterOrEqual(t, len(sevs), 3, "%s: severities vary: %v", tool, sevs)
		again, err := SeedScan(tool, 40)
		require.NoError(t, err)
		assert.Equal(t, doc, again, "deterministic")
	}
}

// TestRunCounts runs against a stub portal: every request is counted,
// errors are the statuses of 400 and more, and detail requests name IDs
// the lists showed.
func TestRunCounts(t *testing.T) {
	var uploads, details atomic.Int64
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/apps/shop/upload":
			_, _ = io.Copy(io.Discard, r.Body)
			uploads.Add(1)
		case r.URL.Path == "/apps/shop/findings":
			_, _ = io.WriteString(w, `<a class="finding" href="/apps/shop/findings/abc">x</a><a class="finding" href="/apps/shop/findings/d%2Fe">y</a>`)
		case r.URL.Path == "/apps/shop/findings/abc" || r.URL.EscapedPath() == "/apps/shop/findings/d%2Fe":
			details.Add(1)
		case r.URL.Path == "/apps/shop/":
		default:
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer stub.Close()
	res, err := Run(context.Background(), Config{BaseURL: stub.URL, Token: "tok", App: "shop", Clients: 3,
		Duration: 300 * time.Millisecond, UploadEvery: 50 * time.Millisecond})
	require.NoError(t, err)
	all, ok := res.Stat(All)
	require.True(t, ok)
	assert.Zero(t, all.Errors, "%+v", res.Endpoints)
	for _, e := range []string{Dashboard, List, Detail, Upload} {
		s, ok := res.Stat(e)
		require.True(t, ok, e)
		assert.Positive(t, s.Requests, e)
		assert.LessOrEqual(t, s.P50, s.P99, e)
		assert.LessOrEqual(t, s.P99, s.Max, e)
		assert.Equal(t, s.Requests, s.Statuses["200"], e)
	}
	up, _ := res.Stat(Upload)
	assert.Equal(t, uploads.Load(), int64(up.Requests))
	det, _ := res.Stat(Detail)
	assert.Equal(t, details.Load(), int64(det.Requests))

	var text, js bytes.Buffer
	require.NoError(t, res.WriteText(&text))
	assert.Contains(t, text.String(), "dashboard")
	assert.Contains(t, text.String(), "p99 ms")
	require.NoError(t, res.WriteJSON(&js))
	var back Result
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, res.Endpoints, back.Endpoints)

	// A wrong token: every request is an error.
	res, err = Run(context.Background(), Config{BaseURL: stub.URL, Token: "nope", Clients: 1, Duration: 100 * time.Millisecond, UploadEvery: -1})
	require.NoError(t, err)
	all, _ = res.Stat(All)
	assert.Equal(t, all.Requests, all.Errors)
	assert.Equal(t, all.Requests, all.Statuses["401"])
	_, ok = res.Stat(Upload)
	assert.False(t, ok, "no uploads")
}

func TestSeedFailure(t *testing.T) {
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
	}))
	defer stub.Close()
	err := Seed(context.Background(), Config{BaseURL: stub.URL, Token: "t"}, 10)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "413") && strings.Contains(err.Error(), "too large"), err.Error())
	assert.ErrorIs(t, Seed(context.Background(), Config{BaseURL: stub.URL}, 10), ErrConfig)
}

// FuzzParseMix feeds arbitrary mixes to the parser: it never panics, and
// a mix it accepts weighs something and picks only its endpoints.
func FuzzParseMix(f *testing.F) {
	for _, s := range []string{"dashboard=2,list=2,detail=1", "list=1", "", "=", "list=1,,", "detail=0,list=", "dashboard=1000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMix(s)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if m.total() <= 0 || m.Dashboard < 0 || m.List < 0 || m.Detail < 0 {
			t.Fatalf("accepted %+v", m)
		}
		r := rand.New(rand.NewPCG(1, 1))
		for range 20 {
			switch e := m.pick(r); e {
			case Dashboard, List, Detail:
			default:
				t.Fatalf("picked %q", e)
			}
		}
	})
}
