package load

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrConfig is the sentinel a bad [Config] or mix wraps.
var ErrConfig = errors.New("load: bad configuration")

// The endpoints, as [Result] names them.
const (
	Dashboard = "dashboard"
	List      = "list"
	Detail    = "detail"
	Upload    = "upload"
	// All is the line of every request together.
	All = "all"
)

// Defaults of [Config].
const (
	DefaultClients        = 8
	DefaultUploadEvery    = 2 * time.Second
	DefaultUploadFindings = 20
	DefaultTimeout        = time.Minute
	// SeedTimeout bounds the upload of [Seed], which applies many
	// findings.
	SeedTimeout = 15 * time.Minute
)

// Mix is the weight of each read endpoint in the readers' traffic.
type Mix struct {
	Dashboard, List, Detail int
}

// DefaultMix is the mix of a zero [Config.Mix]: as many lists as
// dashboards, and a detail for every two of those.
var DefaultMix = Mix{Dashboard: 2, List: 2, Detail: 1}

// ParseMix reads a mix written "dashboard=2,list=2,detail=1"; endpoints
// left out weigh zero.
func ParseMix(s string) (Mix, error) {
	var m Mix
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 || n > 1000 {
			return Mix{}, fmt.Errorf("%w: mix %q: want NAME=WEIGHT (0 to 1000), comma-separated", ErrConfig, s)
		}
		switch name {
		case Dashboard:
			m.Dashboard = n
		case List:
			m.List = n
		case Detail:
			m.Detail = n
		default:
			return Mix{}, fmt.Errorf("%w: mix %q: unknown endpoint %q (dashboard, list, detail)", ErrConfig, s, name)
		}
	}
	if m.total() == 0 {
		return Mix{}, fmt.Errorf("%w: mix %q weighs nothing", ErrConfig, s)
	}
	return m, nil
}

func (m Mix) total() int { return m.Dashboard + m.List + m.Detail }

// pick returns an endpoint, with probability by weight.
func (m Mix) pick(r *rand.Rand) string {
	n := r.IntN(m.total())
	switch {
	case n < m.Dashboard:
		return Dashboard
	case n < m.Dashboard+m.List:
		return List
	}
	return Detail
}

// Config is a load run. BaseURL, Token and Duration are required; the
// zero value of every other field is its default. It is a plain value,
// safe to copy.
type Config struct {
	// BaseURL is the portal's address, like "http://127.0.0.1:8080".
	BaseURL string
	// Token is a bearer token of a user who may read and, for uploads,
	// upload.
	Token string
	// App is the application to load, addressed under /apps/{app}/; empty
	// means the root routes of the single-application mode.
	App string
	// Clients is the number of readers; zero means [DefaultClients].
	Clients int
	// Duration is how long readers start requests; those in flight at
	// the end are waited for.
	Duration time.Duration
	// Mix weighs the readers' endpoints; zero means [DefaultMix].
	Mix Mix
	// UploadEvery is how often the uploader starts an upload (at once
	// after one that took longer); zero means [DefaultUploadEvery],
	// negative no uploads.
	UploadEvery time.Duration
	// UploadFindings is the size of each uploaded scan; zero means
	// [DefaultUploadFindings].
	UploadFindings int
	// Timeout bounds each request; zero means [DefaultTimeout].
	Timeout time.Duration
	// Seed seeds the random choices, so that two runs send the same
	// requests; zero means 1.
	Seed uint64
	// Client sends the requests; nil means a client that keeps a
	// connection per reader. It must not follow redirects.
	Client *http.Client
}

// withDefaults fills the zero fields and checks the others.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.BaseURL == "":
		return c, fmt.Errorf("%w: no portal address", ErrConfig)
	case c.Token == "":
		return c, fmt.Errorf("%w: no bearer token", ErrConfig)
	case c.Duration <= 0:
		return c, fmt.Errorf("%w: the duration must be positive", ErrConfig)
	case c.Clients < 0 || c.UploadFindings < 0 || c.Timeout < 0:
		return c, fmt.Errorf("%w: negative clients, upload size or timeout", ErrConfig)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("%w: %q is not an http(s) address", ErrConfig, c.BaseURL)
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	c.Clients = cmp.Or(c.Clients, DefaultClients)
	if c.Mix.total() == 0 {
		c.Mix = DefaultMix
	}
	c.UploadEvery = cmp.Or(c.UploadEvery, DefaultUploadEvery)
	c.UploadFindings = cmp.Or(c.UploadFindings, DefaultUploadFindings)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.Seed = cmp.Or(c.Seed, 1)
	if c.Client == nil {
		c.Client = &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: c.Clients + 1, IdleConnTimeout: time.Minute},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return c, nil
}

// prefix is the start of the application's addresses.
func (c *Config) prefix() string {
	if c.App == "" {
		return c.BaseURL
	}
	return c.BaseURL + "/apps/" + url.PathEscape(c.App)
}

// Run sends the traffic of cfg until its duration ends or ctx does, and
// returns what it measured. Requests that ctx's end interrupts are not
// counted. It fails only on a bad configuration.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	rec := newRecorder()
	ids := &idPool{}
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		r := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				endpoint := cfg.Mix.pick(r)
				var path string
				switch endpoint {
				case Dashboard:
					path = "/"
				case Detail:
					id, ok := ids.pick(r)
					if ok {
						path = "/findings/" + url.PathEscape(id)
						break
					}
					endpoint = List // nothing listed yet
					fallthrough
				case List:
					path = "/findings" + listQuery(r)
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.prefix()+path, nil)
				if err != nil {
					rec.add(ctx, endpoint, 0, -1)
					continue
				}
				body, status, took := send(ctx, &cfg, req)
				rec.add(ctx, endpoint, took, status)
				if endpoint == List && status == http.StatusOK {
					ids.addFrom(body)
				}
			}
		})
	}
	if cfg.UploadEvery > 0 {
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				began := time.Now()
				req, err := uploadRequest(ctx, &cfg, n)
				if err != nil {
					rec.add(ctx, Upload, 0, -1)
				} else {
					_, status, took := send(ctx, &cfg, req)
					rec.add(ctx, Upload, took, status)
				}
				next := began.Add(cfg.UploadEvery)
				if next.After(deadline) {
					next = deadline
				}
				wait := time.Until(next)
				if wait > 0 {
					select {
					case <-time.After(wait):
					case <-ctx.Done():
					}
				}
			}
		})
	}
	wg.Wait()
	return rec.result(start, time.Since(start), cfg), nil
}

// send sends a request with the token and reads the whole response. The
// status is -1 for a transport error.
func send(ctx context.Context, cfg *Config, req *http.Request) ([]byte, int, time.Duration) {
	rctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req = req.WithContext(rctx)
	req.Header.Set("Authorization", "Bearer "+cfg.Token)
	began := time.Now()
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return nil, -1, time.Since(began)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(began)
	if err != nil {
		return nil, -1, took
	}
	return body, resp.StatusCode, took
}

// The values of the list's random filters: those of the seeded
// application, and some that match nothing.
var (
	severities = []string{"critical", "high", "medium", "low", "info"}
	states     = []string{"open", "new", "unchanged", "fixed", "suppressed"}
	kinds      = []string{"sast", "secret", "iac", "sca"}
)

// listQuery returns a random query of the findings list: each filter in
// about a third of the requests, and mostly the first pages.
func listQuery(r *rand.Rand) string {
	v := url.Values{}
	maybe := func(name string, values []string) {
		if r.IntN(3) == 0 {
			v.Set(name, values[r.IntN(len(values))])
		}
	}
	maybe("severity", severities)
	maybe("state", states)
	maybe("tool", append(slices.Clone(seedTools), uploadTool))
	maybe("kind", kinds)
	if p := r.IntN(10); p >= 5 {
		v.Set("page", strconv.Itoa(p-3)) // 2 to 6, half the time
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// idPool keeps the finding IDs the lists showed, the last 1,000.
type idPool struct {
	mu   sync.Mutex
	ids  []string
	next int
}

var findingLink = regexp.MustCompile(`class="finding" href="[^"]*/findings/([^"/?]+)"`)

// addFrom adds the IDs a list page links to.
func (p *idPool) addFrom(page []byte) {
	ms := findingLink.FindAllSubmatch(page, 5)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range ms {
		id, err := url.PathUnescape(string(m[1]))
		if err != nil {
			continue
		}
		if len(p.ids) < 1000 {
			p.ids = append(p.ids, id)
			continue
		}
		p.ids[p.next] = id
		p.next = (p.next + 1) % len(p.ids)
	}
}

func (p *idPool) pick(r *rand.Rand) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ids) == 0 {
		return "", false
	}
	return p.ids[r.IntN(len(p.ids))], true
}

// uploadTool names the tool of the uploaded scans.
const uploadTool = "loadgen"

// uploadRequest is the n-th upload: a scan of a window of findings that
// moves by a quarter of its size at each upload, among ten windows'
// worth, so that each scan opens and fixes some.
func uploadRequest(ctx context.Context, cfg *Config, n int) (*http.Request, error) {
	k := cfg.UploadFindings
	step := max(1, k/4)
	space := 10 * k
	first := (n * step) % space
	results := make([]result, k)
	for i := range results {
		j := (first + i) % space
		results[i] = sastResult(uploadTool, j)
	}
	doc, err := sarifDoc(uploadTool, results)
	if err != nil {
		return nil, err
	}
	return multipartRequest(ctx, cfg.prefix()+"/upload", map[string][]byte{"loadgen-" + strconv.Itoa(n) + ".sarif": doc})
}

// multipartRequest builds an upload of files (by name), in name order.
func multipartRequest(ctx context.Context, target string, files map[string][]byte) (*http.Request, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := mw.CreateFormFile("files", name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
}

// Seed uploads n findings of five tools to the application of cfg,
// through the portal, in one request, and waits for the portal to apply
// them (up to [SeedTimeout]). Only cfg's address, token, application and
// client are used.
func Seed(ctx context.Context, cfg Config, n int) error {
	cfg.Duration = time.Second // not used; keeps the checks quiet
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("%w: a negative number of findings", ErrConfig)
	}
	files := map[string][]byte{}
	for t, tool := range seedTools {
		count := n / len(seedTools)
		if t < n%len(seedTools) {
			count++
		}
		doc, err := SeedScan(tool, count)
		if err != nil {
			return err
		}
		files[tool+".sarif"] = doc
	}
	req, err := multipartRequest(ctx, cfg.prefix()+"/upload", files)
	if err != nil {
		return err
	}
	cfg.Timeout = SeedTimeout
	body, status, _ := send(ctx, &cfg, req)
	if status < 200 || status >= 300 {
		return fmt.Errorf("load: seeding %s: status %d: %s", cfg.prefix(), status, bytes.TrimSpace(body[:min(len(body), 500)]))
	}
	return nil
}
