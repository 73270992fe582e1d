package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
)

// The environment of the helper processes that the process tests start:
// the test binary itself, run again with -test.run=^TestHelperProcess$.
const (
	// helperRole is "track" (apply scans in a loop, like a CI job running
	// "aspm track") or "portal" (set triage decisions in a loop, like
	// analysts in the portal).
	helperRole = "ASPM_SQLITE_HELPER"
	// helperDB is the database file.
	helperDB = "ASPM_SQLITE_HELPER_DB"
	// helperApp is the application scanned or triaged.
	helperApp = "ASPM_SQLITE_HELPER_APP"
	// helperFindings is the number of findings of each scan.
	helperFindings = "ASPM_SQLITE_HELPER_FINDINGS"
	// helperFor bounds how long the helper runs (a Go duration); a killed
	// test's helpers stop by themselves.
	helperFor = "ASPM_SQLITE_HELPER_FOR"
	// helperSeed seeds the portal's choices.
	helperSeed = "ASPM_SQLITE_HELPER_SEED"
)

// helperBusyTimeout is the busy timeout of the helpers: the two
// processes of TestCLIAndPortalAtOnce wait for each other's lock.
const helperBusyTimeout = 30 * time.Second

// TestHelperProcess is not a test: the process tests run it in child
// processes (see helperRole). It writes one line per step to stdout:
// "opening" before [Open], "ready N" after it (N scans of the
// application are stored), then for the track role "saving scan-K" just
// before [Store.Save] and "applied K" after [correlate.Track] returned,
// and for the portal role "triaged ID N" or "cleared ID N" after decision
// N was committed. It exits 0 when its time is up, 3 on an error.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(helperRole)
	if role == "" {
		t.Skip("the helper process of the process tests")
	}
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	d, err := time.ParseDuration(os.Getenv(helperFor))
	if err != nil {
		fail(err)
	}
	deadline := time.Now().Add(d)
	app := os.Getenv(helperApp)
	fmt.Println("opening")
	s, err := Open(ctx, os.Getenv(helperDB), Options{BusyTimeout: helperBusyTimeout})
	if err != nil {
		fail(err)
	}
	scans, err := s.Scans(ctx, "", app)
	if err != nil {
		fail(err)
	}
	fmt.Println("ready", len(scans))
	switch role {
	case "track":
		n, err := strconv.Atoi(os.Getenv(helperFindings))
		if err != nil {
			fail(err)
		}
		for k := len(scans) + 1; time.Now().Before(deadline); k++ {
			sc := syntheticScan(n, k)
			sc.Application = app
			if _, err := correlate.Track(ctx, announcing{s}, sc, correlate.Options{}); err != nil {
				fail(err)
			}
			fmt.Println("applied", k)
		}
	case "portal":
		seed, err := strconv.ParseUint(os.Getenv(helperSeed), 10, 64)
		if err != nil {
			fail(err)
		}
		rng := rand.New(rand.NewPCG(seed, 0))
		var recs []correlate.Record
		for n := 0; time.Now().Before(deadline); {
			if n%16 == 0 || len(recs) == 0 {
				// Records are never deleted: an ID stays valid.
				if recs, err = s.Load(ctx, "", app); err != nil {
					fail(err)
				}
				if len(recs) == 0 {
					time.Sleep(5 * time.Millisecond)
					continue
				}
			}
			id := recs[rng.IntN(len(recs))].ID
			tr := portalDecision(n)
			if err := s.SetTriage(ctx, "", app, id, tr); err != nil {
				fail(err)
			}
			if tr == nil {
				fmt.Println("cleared", id, n)
			} else {
				fmt.Println("triaged", id, n)
			}
			n++
		}
	default:
		fail(fmt.Errorf("unknown role %q", role))
	}
	if err := s.Close(); err != nil {
		fail(err)
	}
	os.Exit(0)
}

// announcing prints "saving <scan ID>" before each Save, so that the
// parent knows when to kill the process inside one.
type announcing struct{ *Store }

func (a announcing) Save(ctx context.Context, scan correlate.Scan, res correlate.Result) error {
	fmt.Println("saving", scan.ID)
	return a.Store.Save(ctx, scan, res)
}

// portalDecision is the portal's decision number n: every fifth clears
// the triage, the others set one of each status in turn (accepted risks
// expire long after every scan of the test).
func portalDecision(n int) *correlate.Triage {
	if n%5 == 4 {
		return nil
	}
	statuses := []correlate.TriageStatus{correlate.FalsePositive, correlate.AcceptedRisk, correlate.NotAffected, correlate.WontFix}
	tr := &correlate.Triage{Status: statuses[n%4], Author: "portal", Justification: fmt.Sprint("decision ", n),
		At: t0.Add(time.Duration(n) * time.Second)}
	if tr.Status == correlate.AcceptedRisk {
		tr.Expires = t0.AddDate(1, 0, 0)
	}
	return tr
}

// helperLine is a line a helper wrote, with the time the parent read it.
type helperLine struct {
	text string
	at   time.Time
}

// helper is a running helper process.
type helper struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	lines  chan helperLine // closed at the end of the helper's output
	start  time.Time
}

// canReexec skips a test on platforms that cannot run the test binary
// again.
func canReexec(t *testing.T) string {
	t.Helper()
	switch runtime.GOOS {
	case "js", "wasip1", "ios", "android":
		t.Skipf("cannot re-execute the test binary on %s", runtime.GOOS)
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	return exe
}

// startHelper starts the test binary as a helper with the given role and
// environment (helperDB, helperApp...).
func startHelper(t *testing.T, exe, role string, env map[string]string) *helper {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperRole+"="+role)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	// A deep buffer: a helper never waits for the parent to read.
	h := &helper{cmd: cmd, lines: make(chan helperLine, 1<<16)}
	cmd.Stderr = &h.stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	h.start = time.Now()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	go func() {
		defer close(h.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			h.lines <- helperLine{text: sc.Text(), at: time.Now()}
		}
	}()
	return h
}

// helperTimeout bounds every wait for a helper's line or exit.
const helperTimeout = 2 * time.Minute

// next returns the helper's next line; ok is false at the end of its
// output.
func (h *helper) next(t *testing.T) (helperLine, bool) {
	t.Helper()
	select {
	case l, ok := <-h.lines:
		return l, ok
	case <-time.After(helperTimeout):
		t.Fatalf("the helper wrote nothing for %v", helperTimeout)
	}
	return helperLine{}, false
}

// until reads lines up to and including the first that starts with
// prefix, handing every line to seen (which may be nil). It fails the
// test when the helper's output ends first.
func (h *helper) until(t *testing.T, prefix string, seen func(helperLine)) helperLine {
	t.Helper()
	for {
		l, ok := h.next(t)
		if !ok {
			_ = h.cmd.Wait()
			t.Fatalf("the helper ended before %q:\n%s", prefix, h.stderr.String())
		}
		if seen != nil {
			seen(l)
		}
		if strings.HasPrefix(l.text, prefix) {
			return l
		}
	}
}

// kill sends SIGKILL (on Unix) and waits for the process to die; it
// returns the lines the helper wrote that were not read.
func (h *helper) kill(t *testing.T) []helperLine {
	t.Helper()
	require.NoError(t, h.cmd.Process.Kill())
	rest := h.drain() // the output ends when the process dies
	err := h.cmd.Wait()
	require.Error(t, err, "the helper exited before it was killed: %s", h.stderr.String())
	require.NotContains(t, h.stderr.String(), "helper:", "the helper failed on its own")
	return rest
}

// wait waits for the helper to exit by itself and returns the lines it
// wrote that were not read.
func (h *helper) wait(t *testing.T) []helperLine {
	t.Helper()
	var rest []helperLine
	for {
		l, ok := h.next(t)
		if !ok {
			break
		}
		rest = append(rest, l)
	}
	require.NoError(t, h.cmd.Wait(), "the helper failed: %s", h.stderr.String())
	return rest
}

func (h *helper) drain() []helperLine {
	var rest []helperLine
	for l := range h.lines {
		rest = append(rest, l)
	}
	return rest
}

// TestCLIAndPortalAtOnce runs two processes on one new database file for
// a few seconds: one applies scans of an application in a loop (the CLI
// in a CI job), the other sets and clears triage decisions on the
// application's records (analysts in the portal). At the end the
// database passes the integrity check, holds every scan the CLI applied
// and exactly the records a MemoryStore holds after them, and every
// decision the portal committed holds: a Save whose Load came before a
// decision does not write the record's older triage back.
func TestCLIAndPortalAtOnce(t *testing.T) {
	exe := canReexec(t)
	path := filepath.Join(t.TempDir(), "shared.db")
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	const app, size, d = "shop", 300, 3 * time.Second
	env := map[string]string{helperDB: path, helperApp: app, helperFor: d.String()}
	cliEnv := maps.Clone(env)
	cliEnv[helperFindings] = strconv.Itoa(size)
	portalEnv := maps.Clone(env)
	portalEnv[helperSeed] = strconv.FormatUint(seed, 10)
	// Both open the new file at once: one migrates it, the other waits.
	cli := startHelper(t, exe, "track", cliEnv)
	portal := startHelper(t, exe, "portal", portalEnv)
	cliLines, portalLines := cli.wait(t), portal.wait(t)

	// What the CLI applied, and when each Track loaded its baseline (after
	// the previous scan) and saved.
	applied := 0
	var windows [][2]time.Time // from the end of a Track to the next Save
	var since time.Time
	for _, l := range cliLines {
		switch {
		case strings.HasPrefix(l.text, "ready"):
			since = l.at
		case strings.HasPrefix(l.text, "saving"):
			windows = append(windows, [2]time.Time{since, l.at})
		case strings.HasPrefix(l.text, "applied"):
			k, err := strconv.Atoi(strings.TrimPrefix(l.text, "applied "))
			require.NoError(t, err)
			require.Equal(t, applied+1, k, "scans are applied in order")
			applied, since = k, l.at
		}
	}
	require.Positive(t, applied, "the CLI applied no scan")
	// The portal's decisions, the last per record; and how many were
	// committed while the CLI was between a Load and its Save.
	last := map[string]int{}
	decisions, between := 0, 0
	for _, l := range portalLines {
		var verb, id string
		var n int
		if _, err := fmt.Sscan(l.text, &verb, &id, &n); err != nil || (verb != "triaged" && verb != "cleared") {
			continue
		}
		decisions++
		last[id] = n
		for _, w := range windows {
			if l.at.After(w[0]) && l.at.Before(w[1]) {
				between++
				break
			}
		}
	}
	require.Positive(t, decisions, "the portal committed no decision")

	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Check(ctx))
	scans, err := s.Scans(ctx, "", app)
	require.NoError(t, err)
	assert.Len(t, scans, applied, "every scan the CLI applied is stored")
	got, err := s.Load(ctx, "", app)
	require.NoError(t, err)
	mem := &correlate.MemoryStore{}
	for k := 1; k <= applied; k++ {
		sc := syntheticScan(size, k)
		sc.Application = app
		_, err := correlate.Track(ctx, mem, sc, correlate.Options{})
		require.NoError(t, err)
	}
	want, err := mem.Load(ctx, "", app)
	require.NoError(t, err)
	require.Equal(t, len(want), len(got), "records")
	lost := 0
	for i, r := range got {
		// Triage suppresses reopening: compare what it leaves alone.
		assert.Equal(t, want[i].ID, r.ID)
		assert.Equal(t, want[i].Open, r.Open, r.ID)
		assert.Equal(t, want[i].LastSeen, r.LastSeen, r.ID)
		assert.Equal(t, want[i].Finding, r.Finding, r.ID)
		n, ok := last[r.ID]
		if !ok {
			assert.Nil(t, r.Triage, "%s was never triaged", r.ID)
			continue
		}
		if !assert.Equal(t, portalDecision(n), r.Triage, "%s: the portal's decision %d", r.ID, n) {
			lost++
		}
	}
	assert.Zero(t, lost, "decisions lost")
	t.Logf("%d scans of %d findings and %d triage decisions (%d on %d records) in %v; %d decisions committed between a Track's Load and its Save",
		applied, size, decisions, len(last), len(got), d, between)
}
