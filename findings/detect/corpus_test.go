package detect_test

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// row is one line of testdata/corpus/*.tsv: what a corpus file must decode
// to. The counts were computed from the raw files by the count_*.sh scripts
// beside the tables, independently of the decoders.
type row struct {
	table    string
	path     string
	format   string
	findings int
	vex      int
	kinds    string
	err      string
}

var sentinels = map[string]error{
	"syntax":      findings.ErrSyntax,
	"invalid":     findings.ErrInvalid,
	"unsupported": findings.ErrUnsupportedFormat,
	"limit":       findings.ErrLimit,
}

func readRows(t *testing.T) []row {
	t.Helper()
	tables, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "*.tsv"))
	require.NoError(t, err)
	require.NotEmpty(t, tables, "no corpus tables in testdata/corpus")
	var rows []row
	for _, table := range tables {
		f, err := os.Open(table)
		require.NoError(t, err)
		s := bufio.NewScanner(f)
		line := 0
		for s.Scan() {
			line++
			text := strings.TrimSpace(s.Text())
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			c := strings.Split(text, "\t")
			require.Len(t, c, 6, "%s:%d: want 6 tab-separated columns", table, line)
			n, err := strconv.Atoi(c[2])
			require.NoError(t, err, "%s:%d", table, line)
			v, err := strconv.Atoi(c[3])
			require.NoError(t, err, "%s:%d", table, line)
			rows = append(rows, row{table: filepath.Base(table), path: c[0], format: c[1], findings: n, vex: v, kinds: c[4], err: c[5]})
		}
		require.NoError(t, s.Err())
		f.Close()
	}
	return rows
}

// manifest returns the corpus files outside access/.
func manifest(t *testing.T, dir string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	require.NoError(t, err)
	defer f.Close()
	s := bufio.NewScanner(f)
	var out []string
	for s.Scan() {
		p, _, _ := strings.Cut(s.Text(), "\t")
		if p == "local_path" || p == "" || strings.HasPrefix(p, "access/") {
			continue
		}
		out = append(out, p)
	}
	require.NoError(t, s.Err())
	return out
}

// TestCorpus decodes every file of the shared corpus (outside access/) and
// checks it against its row: format, finding and VEX counts, kinds, or the
// class of error. A corpus file without a row, or a row without a file,
// fails.
func TestCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	rows := readRows(t)
	byPath := map[string]row{}
	for _, r := range rows {
		_, dup := byPath[r.path]
		require.False(t, dup, "%s: %s has two rows", r.table, r.path)
		byPath[r.path] = r
	}
	files := manifest(t, dir)
	for _, p := range files {
		_, ok := byPath[p]
		assert.True(t, ok, "corpus file %s has no row in testdata/corpus/*.tsv", p)
	}
	for _, r := range rows {
		assert.True(t, slices.Contains(files, r.path), "%s: row for %s, which is not in the corpus manifest", r.table, r.path)
	}

	for _, r := range rows {
		t.Run(r.path, func(t *testing.T) {
			var fs []findings.Finding
			var vs []findings.VEXStatement
			h := findings.Handler{
				Finding: func(f findings.Finding) error { fs = append(fs, f); return nil },
				VEX:     func(s findings.VEXStatement) error { vs = append(vs, s); return nil },
			}
			f, err := os.Open(filepath.Join(dir, filepath.FromSlash(r.path)))
			require.NoError(t, err)
			defer f.Close()
			format, err := detect.Decode(f, detect.Options{DecodeOptions: findings.DecodeOptions{Name: r.path}}, h)
			if r.err != "-" {
				want, ok := sentinels[r.err]
				require.True(t, ok, "unknown error class %q", r.err)
				require.Error(t, err)
				assert.ErrorIs(t, err, want)
				var de *findings.DecodeError
				require.ErrorAs(t, err, &de, "errors are typed")
				assert.Equal(t, r.path, de.File, "the error names the file")
				if format != "" {
					assert.Equal(t, r.format, format)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, r.format, format, "detected format")
			assert.Equal(t, r.findings, len(fs), "findings")
			assert.Equal(t, r.vex, len(vs), "VEX statements")
			kinds := map[string]bool{}
			ids := map[string]bool{}
			for _, f := range fs {
				kinds[string(f.Kind)] = true
				assert.True(t, f.Kind.Valid(), "kind %q", f.Kind)
				assert.True(t, f.Severity.Valid(), "severity %q", f.Severity)
				assert.NotEmpty(t, f.ID)
				assert.False(t, ids[f.ID], "duplicate id %s", f.ID)
				ids[f.ID] = true
				assert.Equal(t, r.path, f.Source.File)
				if r.format != "cyclonedx" {
					// A CycloneDX document need not name the tool that
					// wrote it, and the decoder does not invent one.
					assert.NotEmpty(t, f.Tool.Name, "every finding names its tool")
				}
				if f.Severity != findings.SeverityUnknown {
					assert.NotEmpty(t, f.SeveritySource, "a known severity says where it came from")
				}
			}
			got := make([]string, 0, len(kinds))
			for k := range kinds {
				got = append(got, k)
			}
			slices.Sort(got)
			want := r.kinds
			if want == "-" {
				want = ""
			}
			assert.Equal(t, want, strings.Join(got, ","), "kinds")
		})
	}
}

// TestCorpusDeterministic decodes a few corpus files twice and checks that
// the output is identical, IDs included.
func TestCorpusDeterministic(t *testing.T) {
	for _, rel := range []string{"sarif/semgrep/semgrep.sarif", "trivy/trivy/npm.json", "zap/zap/some_2.9.0.xml"} {
		var runs [2][]findings.Finding
		for i := range runs {
			f, err := os.Open(testcorpus.Path(t, rel))
			require.NoError(t, err)
			_, err = detect.Decode(f, detect.Options{DecodeOptions: findings.DecodeOptions{Name: rel}},
				findings.Handler{Finding: func(x findings.Finding) error { runs[i] = append(runs[i], x); return nil }})
			f.Close()
			require.NoError(t, err, rel)
		}
		require.NotEmpty(t, runs[0], rel)
		assert.Equal(t, runs[0], runs[1], rel)
	}
}

var _ = errors.Is
