package load

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"
)

// Result is what a run measured. It is a plain value.
type Result struct {
	// Started is when the run began; Seconds how long it took, the last
	// requests included.
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	// Clients, App and UploadEvery repeat the configuration.
	Clients     int     `json:"clients"`
	App         string  `json:"app,omitempty"`
	UploadEvery float64 `json:"upload_every_seconds,omitempty"`
	// Endpoints has one line per endpoint that got requests (dashboard,
	// list, detail, upload), then the line of all requests.
	Endpoints []Stats `json:"endpoints"`
}

// Stats are the figures of one endpoint. Latencies are in milliseconds,
// from sending the request to reading the last byte of the response.
type Stats struct {
	Endpoint string  `json:"endpoint"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	// Statuses counts the responses by HTTP status; "transport" counts
	// requests that got none.
	Statuses map[string]int `json:"statuses"`
}

// Stat returns the line of one endpoint, and whether it got requests.
func (r *Result) Stat(endpoint string) (Stats, bool) {
	for _, s := range r.Endpoints {
		if s.Endpoint == endpoint {
			return s, true
		}
	}
	return Stats{}, false
}

// WriteText writes the figures as an aligned table.
func (r *Result) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "endpoint\trequests\terrors\trps\tp50 ms\tp90 ms\tp99 ms\tmax ms\t\n")
	for _, s := range r.Endpoints {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Endpoint, s.Requests, s.Errors, s.RPS, s.P50, s.P90, s.P99, s.Max)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d readers, %.1f s\n", r.Clients, r.Seconds)
	return err
}

// WriteJSON writes the result as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// recorder collects the latency and status of every request. It is safe
// for concurrent use.
type recorder struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	statuses  map[string]map[string]int
	errors    map[string]int
}

func newRecorder() *recorder {
	return &recorder{latencies: map[string][]time.Duration{}, statuses: map[string]map[string]int{}, errors: map[string]int{}}
}

// add records one request; status -1 is a transport error. A request
// that ended because ctx did is not counted: the run was stopped.
func (r *recorder) add(ctx context.Context, endpoint string, took time.Duration, status int) {
	if ctx.Err() != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies[endpoint] = append(r.latencies[endpoint], took)
	key := "transport"
	if status >= 0 {
		key = strconv.Itoa(status)
	}
	if r.statuses[endpoint] == nil {
		r.statuses[endpoint] = map[string]int{}
	}
	r.statuses[endpoint][key]++
	if status < 0 || status >= 400 {
		r.errors[endpoint]++
	}
}

// result computes the figures.
func (r *recorder) result(started time.Time, elapsed time.Duration, cfg Config) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := &Result{Started: started.UTC(), Seconds: round(elapsed.Seconds()), Clients: cfg.Clients, App: cfg.App}
	if cfg.UploadEvery > 0 {
		res.UploadEvery = cfg.UploadEvery.Seconds()
	}
	var all []time.Duration
	allStatuses := map[string]int{}
	allErrors := 0
	for _, e := range []string{Dashboard, List, Detail, Upload} {
		lat := r.latencies[e]
		if len(lat) == 0 {
			continue
		}
		all = append(all, lat...)
		for k, v := range r.statuses[e] {
			allStatuses[k] += v
		}
		allErrors += r.errors[e]
		res.Endpoints = append(res.Endpoints, stats(e, lat, r.errors[e], r.statuses[e], elapsed))
	}
	res.Endpoints = append(res.Endpoints, stats(All, all, allErrors, allStatuses, elapsed))
	return res
}

// stats computes one endpoint's line; it sorts lat.
func stats(endpoint string, lat []time.Duration, errors int, statuses map[string]int, elapsed time.Duration) Stats {
	s := Stats{Endpoint: endpoint, Requests: len(lat), Errors: errors, Statuses: map[string]int{}}
	for k, v := range statuses {
		s.Statuses[k] = v
	}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	if elapsed > 0 {
		s.RPS = round(float64(len(lat)) / elapsed.Seconds())
	}
	s.P50, s.P90, s.P99 = ms(percentile(lat, 50)), ms(percentile(lat, 90)), ms(percentile(lat, 99))
	s.Max = ms(lat[len(lat)-1])
	return s
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

// round keeps two decimals, for stable output.
func round(x float64) float64 { return math.Round(x*100) / 100 }
