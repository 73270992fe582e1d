package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/examples/portal/internal/load"
)

// TestLoad runs the load generator against an in-process portal in the
// teams mode for two seconds: readers on the dashboard, the list and
// details while scans are uploaded, with no error, and the store holding
// every upload.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a two-second load run")
	}
	ts := newTeamServer(t)
	hs := httptest.NewServer(ts)
	defer hs.Close()
	ctx := context.Background()
	cfg := load.Config{BaseURL: hs.URL, Token: "tok-admin", App: "shop", Clients: 4, Duration: 2 * time.Second,
		UploadEvery: 200 * time.Millisecond, UploadFindings: 10}
	require.NoError(t, load.Seed(ctx, cfg, 500))
	scans, err := ts.store.Scans(ctx, "", "shop")
	require.NoError(t, err)
	require.Len(t, scans, 5, "one scan per seeded tool")

	res, err := load.Run(ctx, cfg)
	require.NoError(t, err)
	all, ok := res.Stat(load.All)
	require.True(t, ok)
	assert.Zero(t, all.Errors, "%+v", res.Endpoints)
	for _, e := range []string{load.Dashboard, load.List, load.Detail, load.Upload} {
		s, ok := res.Stat(e)
		if assert.True(t, ok, e) {
			assert.Positive(t, s.Requests, e)
			assert.Zero(t, s.Errors, e)
			assert.LessOrEqual(t, s.P50, s.Max, e)
		}
	}
	up, _ := res.Stat(load.Upload)
	scans, err = ts.store.Scans(ctx, "", "shop")
	require.NoError(t, err)
	assert.Len(t, scans, 5+up.Requests, "every upload is a scan")
	recs, err := ts.store.Load(ctx, "", "shop")
	require.NoError(t, err)
	assert.LessOrEqual(t, len(recs), 500+10*10, "the uploads' findings stay bounded")

	// The dashboard counts what the store holds after the last upload.
	w := ts.do(request("GET", "/apps/shop/", roleViewer, nil))
	require.Equal(t, 200, w.Code)
	assert.Contains(t, w.Body.String(), itoa(len(recs))+" findings tracked for shop")

	// The other team's application is untouched.
	none, err := ts.store.Scans(ctx, "", "bank")
	require.NoError(t, err)
	assert.Empty(t, none)
}
