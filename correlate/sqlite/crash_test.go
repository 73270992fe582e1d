package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate"
)

// crashEnv names the database the helper process tracks scans into.
const crashEnv = "ASPM_SQLITE_CRASH_HELPER_DB"

// crashFindings is the size of each scan of the crash test.
const crashFindings = 2000

// TestCrashHelper is not a test: run by TestKillNeverLeavesHalfAScan in a
// child process, it applies scan after scan to the database, like a CI
// job running "aspm track" in a loop, until it is killed.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("the helper process of TestKillNeverLeavesHalfAScan")
	}
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash helper:", err)
		os.Exit(3)
	}
	s, err := Open(ctx, path, Options{})
	if err != nil {
		fail(err)
	}
	scans, err := s.Scans(ctx, "", "")
	if err != nil {
		fail(err)
	}
	fmt.Println("ready", len(scans))
	// A child whose parent died stops by itself.
	deadline := time.Now().Add(2 * time.Minute)
	for k := len(scans) + 1; time.Now().Before(deadline); k++ {
		if _, err := correlate.Track(ctx, s, syntheticScan(crashFindings, k), correlate.Options{}); err != nil {
			fail(err)
		}
		fmt.Println("applied", k)
	}
	os.Exit(0)
}

// TestKillNeverLeavesHalfAScan kills a process applying scans with
// SIGKILL at random moments, then checks that the database is intact and
// holds exactly the state after some whole number of scans: the scans
// table and the records agree with a MemoryStore that applied as many.
func TestKillNeverLeavesHalfAScan(t *testing.T) {
	switch runtime.GOOS {
	case "js", "wasip1", "ios", "android":
		t.Skipf("cannot re-execute the test binary on %s", runtime.GOOS)
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "crash.db")
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	ctx := context.Background()
	mem := &correlate.MemoryStore{}
	var memResults []correlate.Result
	const kills = 5
	for round := 1; round <= kills; round++ {
		cmd := exec.Command(exe, "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		start := time.Now()
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		// Odd rounds kill at any moment from the start (perhaps while
		// Open migrates); even rounds let the helper apply a scan or two,
		// then kill it at a random point of the next one.
		if round%2 == 1 {
			time.Sleep(time.Duration(rng.Int64N(int64(1500 * time.Millisecond))))
		} else {
			want := 1 + rng.IntN(2)
			var last, took time.Duration
			for applied := 0; applied < want; {
				line, ok := <-lines
				if !ok {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
					t.Fatalf("the helper stopped before it was killed:\n%s", stderr.String())
				}
				if strings.HasPrefix(line, "applied") {
					applied++
					now := time.Since(start)
					took, last = now-last, now
				} else if strings.HasPrefix(line, "ready") {
					last = time.Since(start)
				}
			}
			time.Sleep(time.Duration(rng.Int64N(int64(took) + 1)))
		}
		require.NoError(t, cmd.Process.Kill()) // SIGKILL on Unix
		err = cmd.Wait()
		require.Error(t, err, "the helper exited before it was killed: %s", stderr.String())
		require.NotContains(t, stderr.String(), "crash helper:", "the helper failed on its own")

		// Inspect what the kill left.
		s, err := Open(ctx, path, Options{})
		for range lines {
			// Drain what the helper wrote before it died.
		}
		require.NoError(t, err, "round %d: the database does not open after a kill", round)
		require.NoError(t, s.Check(ctx), "round %d: integrity_check", round)
		scans, err := s.Scans(ctx, "", "")
		require.NoError(t, err)
		n := len(scans)
		t.Logf("round %d: killed after %v, %d scans applied", round, time.Since(start).Round(time.Millisecond), n)
		require.GreaterOrEqual(t, n, len(memResults), "round %d: committed scans were lost", round)
		for len(memResults) < n {
			r, err := correlate.Track(ctx, mem, syntheticScan(crashFindings, len(memResults)+1), correlate.Options{})
			require.NoError(t, err)
			memResults = append(memResults, r)
		}
		for i, sc := range scans {
			require.Equal(t, int64(i+1), sc.Seq, "round %d: scans are numbered without gaps", round)
			require.Equal(t, fmt.Sprintf("scan-%d", i+1), sc.ID, "round %d: scans were applied in order, once each", round)
			require.Equal(t, len(memResults[i].Modified), sc.Modified)
		}
		if n > 0 {
			// The last scan's marker: the records it wrote carry its
			// sequence number, as many as it counted.
			var marked int
			require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE scan = ?`, n).Scan(&marked))
			assert.Equal(t, scans[n-1].Modified, marked, "round %d", round)
		}
		want, err := mem.Load(ctx, "", "")
		require.NoError(t, err)
		got, err := s.Load(ctx, "", "")
		require.NoError(t, err)
		require.Equal(t, len(want), len(got), "round %d: records after %d scans", round, n)
		for i := range want {
			if !assert.Equal(t, want[i], got[i], "round %d: record %d after %d scans", round, i, n) {
				break
			}
		}
		require.NoError(t, s.Close())
	}
	assert.NotEmpty(t, memResults, "no scan was ever applied: the helper was always killed too early")
}
