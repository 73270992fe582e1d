package epss_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk/epss"
)

const sampleRel = "epss/epss_scores-sample-head.csv"

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestSample reads the real head of a FIRST daily file, plain and gzipped,
// and checks every row against the file's text.
func TestSample(t *testing.T) {
	data := testcorpus.ReadData(t, sampleRel)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 22, "comment, header and 20 rows")
	for name, in := range map[string][]byte{"plain": data, "gzip": gzipped(t, data)} {
		t.Run(name, func(t *testing.T) {
			f, err := epss.Read(bytes.NewReader(in), epss.Options{Name: sampleRel})
			require.NoError(t, err)
			assert.Equal(t, "v2026.06.15", f.ModelVersion())
			assert.Equal(t, time.Date(2026, 9, 29, 12, 0, 22, 0, time.UTC), f.ScoreDate())
			assert.Equal(t, "v2026.06.15@2026-09-29", f.Version())
			assert.Equal(t, 20, f.Len())
			for _, line := range lines[2:] {
				var id string
				var p, pct float64
				_, err := fmt.Sscanf(strings.ReplaceAll(line, ",", " "), "%s %g %g", &id, &p, &pct)
				require.NoError(t, err, line)
				s, ok := f.Lookup(id)
				require.True(t, ok, id)
				assert.Equal(t, epss.Score{CVE: id, Probability: p, Percentile: pct}, s)
			}
			s, ok := f.Lookup("  cve-1999-0016 ")
			require.True(t, ok)
			assert.Equal(t, epss.Score{CVE: "CVE-1999-0016", Probability: 0.95739, Percentile: 0.99871}, s)
			_, ok = f.Lookup("CVE-1999-0020") // absent from the file
			assert.False(t, ok)
		})
	}
}

func TestHeaderForms(t *testing.T) {
	rows := "cve,epss,percentile\nCVE-2020-0001,0.5,0.75\n"
	for _, tc := range []struct {
		name    string
		in      string
		model   string
		date    time.Time
		version string
		n       int
	}{
		{"current", "#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\n" + rows,
			"v2026.06.15", time.Date(2026, 9, 29, 12, 0, 22, 0, time.UTC), "v2026.06.15@2026-09-29", 1},
		{"2023 numeric zone", "#model_version:v2023.03.01,score_date:2023-03-15T00:00:00+0000\n" + rows,
			"v2023.03.01", time.Date(2023, 3, 15, 0, 0, 0, 0, time.UTC), "v2023.03.01@2023-03-15", 1},
		{"zone converted to UTC", "#model_version:v1,score_date:2023-03-15T01:00:00+0200\n" + rows,
			"v1", time.Date(2023, 3, 14, 23, 0, 0, 0, time.UTC), "v1@2023-03-14", 1},
		{"date only", "#score_date:2022-02-04\n" + rows, "", time.Date(2022, 2, 4, 0, 0, 0, 0, time.UTC), "@2022-02-04", 1},
		{"model only, unknown field ignored", "#model_version:v2022.01.01,extra:1\n" + rows, "v2022.01.01", time.Time{}, "v2022.01.01", 1},
		{"empty comment", "#\n" + rows, "", time.Time{}, "", 1},
		{"no comment line", rows, "", time.Time{}, "", 1},
		{"CRLF", strings.ReplaceAll("#model_version:v1,score_date:2023-01-02T00:00:00Z\n"+rows, "\n", "\r\n"),
			"v1", time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC), "v1@2023-01-02", 1},
		{"BOM", "\uFEFF#model_version:v1\n" + rows, "v1", time.Time{}, "v1", 1},
		{"BOM without comment", "\uFEFF" + rows, "", time.Time{}, "", 1},
		{"header only", "#model_version:v1\ncve,epss,percentile\n", "v1", time.Time{}, "v1", 0},
		{"header only, no newline", "cve,epss,percentile", "", time.Time{}, "", 0},
		{"upper-case header, blank lines", "CVE,EPSS,Percentile\n\nCVE-2020-0001,0.5,0.75\n\n", "", time.Time{}, "", 1},
		{"no final newline", "cve,epss,percentile\nCVE-2020-0001,0.5,0.75", "", time.Time{}, "", 1},
		{"exponent and bounds", "cve,epss,percentile\nCVE-2020-0001,4e-05,0\nCVE-2020-0002,1,1.0\nCVE-2020-0003,-0,0.5\n", "", time.Time{}, "", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := epss.Read(strings.NewReader(tc.in), epss.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.model, f.ModelVersion())
			assert.Equal(t, tc.date, f.ScoreDate())
			assert.Equal(t, tc.version, f.Version())
			assert.Equal(t, tc.n, f.Len())
		})
	}
}

func TestValues(t *testing.T) {
	in := "cve,epss,percentile\nCVE-2020-0001,4e-05,0\nCVE-2020-0002,1,1.0\nCVE-2020-0003,-0,0.5\ncve-2020-12345,0.25,0.5\nCVE-2020-012345,0.5,0.6\n"
	f, err := epss.Read(strings.NewReader(in), epss.Options{})
	require.NoError(t, err)
	for _, want := range []epss.Score{
		{CVE: "CVE-2020-0001", Probability: 4e-05, Percentile: 0},
		{CVE: "CVE-2020-0002", Probability: 1, Percentile: 1},
		{CVE: "CVE-2020-0003", Probability: 0, Percentile: 0.5},
		{CVE: "CVE-2020-12345", Probability: 0.25, Percentile: 0.5}, // lower case in the feed
		{CVE: "CVE-2020-012345", Probability: 0.5, Percentile: 0.6}, // leading zero: a different ID
	} {
		got, ok := f.Lookup(want.CVE)
		require.True(t, ok, want.CVE)
		assert.Equal(t, want, got)
	}
	s, _ := f.Lookup("CVE-2020-0003")
	assert.False(t, s.Probability < 0 || 1/s.Probability < 0, "-0 is stored as 0")
	for _, id := range []string{"", "CVE-2020-1", "CVE-2020-00001", "GHSA-jfh8-c2jp-5v3q", "CVE-20a0-0001", "CVE-2020-0001x"} {
		_, ok := f.Lookup(id)
		assert.False(t, ok, id)
	}
}

func TestLookupAny(t *testing.T) {
	in := "cve,epss,percentile\nCVE-2023-0001,0.1,0.5\nCVE-2023-0002,0.7,0.9\nCVE-2023-0003,0.7,0.91\n"
	f, err := epss.Read(strings.NewReader(in), epss.Options{})
	require.NoError(t, err)
	for _, tc := range []struct {
		ids  []string
		want string
		ok   bool
	}{
		{nil, "", false},
		{[]string{"GHSA-1234-5678-9abc", "CVE-2023-9999"}, "", false},
		{[]string{"CVE-2023-0001"}, "CVE-2023-0001", true},
		{[]string{"GHSA-x", "CVE-2023-0001", "cve-2023-0002"}, "CVE-2023-0002", true},
		{[]string{"CVE-2023-0002", "CVE-2023-0001"}, "CVE-2023-0002", true},
		{[]string{"CVE-2023-0003", "CVE-2023-0002"}, "CVE-2023-0003", true}, // tie: first wins
		{[]string{"CVE-2023-0002", "CVE-2023-0003"}, "CVE-2023-0002", true},
	} {
		s, ok := f.LookupAny(tc.ids...)
		assert.Equal(t, tc.ok, ok, tc.ids)
		assert.Equal(t, tc.want, s.CVE, tc.ids)
	}
}

func TestBadInput(t *testing.T) {
	const hdr = "cve,epss,percentile\n"
	const cmt = "#model_version:v1,score_date:2026-01-01T00:00:00Z\n"
	for _, tc := range []struct {
		name   string
		in     string
		is     error
		line   int
		column string
		msg    string // substring of the message
	}{
		{"empty input", "", epss.ErrInvalid, 1, "", "missing header"},
		{"comment only", cmt, epss.ErrInvalid, 2, "", "missing header"},
		{"wrong header", "cve,score,percentile\n", epss.ErrInvalid, 1, "epss", `"score"`},
		{"wrong header after comment", cmt + "id,epss,percentile\n", epss.ErrInvalid, 2, "cve", `"id"`},
		{"two-column header", "cve,epss\nCVE-2020-0001,0.1\n", epss.ErrInvalid, 1, "", "2 columns"},
		{"rows without header", "CVE-2020-0001,0.1,0.2\n", epss.ErrInvalid, 1, "cve", "header column 1"},
		{"bad number", hdr + "CVE-2020-0001,0.1,0.2\nCVE-2020-0002,abc,0.2\n", epss.ErrInvalid, 3, "epss", `"abc" is not a number`},
		{"empty number", cmt + hdr + "CVE-2020-0001,0.1,\n", epss.ErrInvalid, 3, "percentile", `"" is not a number`},
		{"NaN", hdr + "CVE-2020-0001,NaN,0.2\n", epss.ErrInvalid, 2, "epss", "not a number"},
		{"Inf", hdr + "CVE-2020-0001,0.1,Inf\n", epss.ErrInvalid, 2, "percentile", "not a number"},
		{"hex float", hdr + "CVE-2020-0001,0x1p-2,0.2\n", epss.ErrInvalid, 2, "epss", "not a number"},
		{"overflow", hdr + "CVE-2020-0001,1e400,0.2\n", epss.ErrInvalid, 2, "epss", "not a number"},
		{"above 1", hdr + "CVE-2020-0001,1.0001,0.2\n", epss.ErrInvalid, 2, "epss", "outside [0, 1]"},
		{"negative", hdr + "CVE-2020-0001,0.5,-0.2\n", epss.ErrInvalid, 2, "percentile", "outside [0, 1]"},
		{"percent scale", hdr + "CVE-2020-0001,0.5,98.1\n", epss.ErrInvalid, 2, "percentile", "outside [0, 1]"},
		{"duplicate", cmt + hdr + "CVE-2020-0001,0.1,0.2\nCVE-2020-0002,0.1,0.2\ncve-2020-0001,0.3,0.4\n", epss.ErrInvalid, 5, "cve", "duplicate row for CVE-2020-0001"},
		{"not a CVE", hdr + "GHSA-jfh8-c2jp-5v3q,0.1,0.2\n", epss.ErrInvalid, 2, "cve", "not a CVE ID"},
		{"short sequence", hdr + "CVE-2020-001,0.1,0.2\n", epss.ErrInvalid, 2, "cve", "not a CVE ID"},
		{"empty id", hdr + ",0.1,0.2\n", epss.ErrInvalid, 2, "cve", "not a CVE ID"},
		{"too many fields", hdr + "CVE-2020-0001,0.1,0.2\nCVE-2020-0002,0.1,0.2,x\n", epss.ErrSyntax, 3, "", "4 fields"},
		{"too few fields", hdr + "CVE-2020-0001,0.1\n", epss.ErrSyntax, 2, "", "2 fields"},
		{"bare quote", hdr + "CVE-2020-0001,0\"1,0.2\n", epss.ErrSyntax, 2, "", "bare \""},
		{"unterminated quote", hdr + "\"CVE-2020-0001,0.1,0.2\n", epss.ErrSyntax, 2, "", "quoted-field"},
		{"comment without colon", "#model_version\n" + hdr, epss.ErrSyntax, 1, "", "not key:value"},
		{"bad score date", "#score_date:yesterday\n" + hdr, epss.ErrInvalid, 1, "score_date", `"yesterday" is not a date`},
		{"repeated score date", "#score_date:2022-01-01,score_date:2022-01-02\n" + hdr, epss.ErrInvalid, 1, "score_date", "repeated"},
		{"empty model version", "#model_version:,score_date:2022-01-01\n" + hdr, epss.ErrInvalid, 1, "model_version", "empty"},
		{"second comment line", cmt + "#model_version:v2\n" + hdr, epss.ErrInvalid, 2, "", "header has 1 columns"},
		{"comment after header", hdr + "#x\n", epss.ErrSyntax, 2, "", "row has 1 fields"},
		{"comment row after header", hdr + "#x,0.1,0.2\n", epss.ErrInvalid, 2, "cve", `"#x" is not a CVE ID`},
		{"overlong line", hdr + "CVE-2020-0001,0.1,0.2\nCVE-2020-0002,0." + strings.Repeat("1", 70<<10) + ",0.2\n", epss.ErrSyntax, 3, "", "line longer than 65536 bytes"},
		{"overlong comment", "#" + strings.Repeat("x", 70<<10) + "\n" + hdr, epss.ErrSyntax, 1, "", "line longer than"},
		{"corrupt gzip header", "\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x00", epss.ErrSyntax, 0, "", "corrupt gzip stream"},
		{"truncated gzip header", "\x1f\x8b\x08\x00", epss.ErrSyntax, 0, "", "truncated input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := epss.Read(strings.NewReader(tc.in), epss.Options{Name: "feed.csv"})
			require.Error(t, err)
			assert.Nil(t, f)
			assert.ErrorIs(t, err, tc.is)
			var pe *epss.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "feed.csv", pe.File)
			assert.Equal(t, tc.line, pe.Line)
			assert.Equal(t, tc.column, pe.Column)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "epss: feed.csv: "), err.Error())
		})
	}
}

func TestBadGzip(t *testing.T) {
	data := gzipped(t, []byte("cve,epss,percentile\nCVE-2020-0001,0.1,0.2\n"))
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"truncated", data[:len(data)-6]},
		{"bad checksum", append(append([]byte{}, data[:len(data)-8]...), 0, 0, 0, 0, 0, 0, 0, 0)},
		{"corrupt deflate", append(append([]byte{}, data[:12]...), 0xff, 0xff, 0xff, 0xff)},
		{"trailing garbage", append(append([]byte{}, data...), "garbage"...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := epss.Read(bytes.NewReader(tc.in), epss.Options{})
			assert.ErrorIs(t, err, epss.ErrSyntax)
		})
	}
	// A gzip bomb without newlines stops at the line limit, not at the
	// end of the stream.
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	require.NoError(t, err)
	_, err = zw.Write([]byte("cve,epss,percentile\n"))
	require.NoError(t, err)
	zero := make([]byte, 1<<20)
	for range 4 {
		_, err = zw.Write(zero)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	_, err = epss.Read(&buf, epss.Options{})
	assert.ErrorIs(t, err, epss.ErrSyntax)
	var pe *epss.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, pe.Line)
}

var errDisk = errors.New("disk on fire")

type failingReader struct {
	data []byte
}

func (r *failingReader) Read(b []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errDisk
	}
	n := copy(b, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReaderError(t *testing.T) {
	_, err := epss.Read(&failingReader{data: []byte("cve,epss,percentile\nCVE-2020-0001,0.1,0.2\n")}, epss.Options{Name: "f"})
	require.Error(t, err)
	assert.ErrorIs(t, err, errDisk)
	assert.NotErrorIs(t, err, epss.ErrSyntax)
	assert.NotErrorIs(t, err, epss.ErrInvalid)
	var pe *epss.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, pe.Line)
}

func TestParseErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  *epss.ParseError
		want string
	}{
		{&epss.ParseError{File: "a.csv", Line: 3, Column: "cve", Err: fmt.Errorf("%w: bad", epss.ErrInvalid)}, "epss: a.csv: line 3: column cve: invalid feed: bad"},
		{&epss.ParseError{Line: 1, Err: epss.ErrSyntax}, "epss: line 1: syntax error"},
		{&epss.ParseError{Err: io.ErrUnexpectedEOF}, "epss: unexpected EOF"},
		{&epss.ParseError{}, "epss: unknown error"},
	} {
		assert.Equal(t, tc.want, tc.err.Error())
	}
}

func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"", "cve,epss,percentile\n", "cve,epss,percentile\nCVE-2020-0001,0.1,0.2\n",
		"#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\ncve,epss,percentile\nCVE-1999-0001,0.03351,0.88255\n",
		"#model_version:v2023.03.01,score_date:2023-03-15T00:00:00+0000\r\ncve,epss,percentile\r\ncve-2020-0001,1e-5,1\r\n",
		"cve,epss,percentile\nCVE-2020-0001,0.1,0.2\nCVE-2020-0001,0.1,0.2\n", "#a\n\"x", "\x1f\x8b",
	} {
		f.Add([]byte(seed))
	}
	if dir := testcorpus.DataRoot(); dir != "" {
		if b, err := readFile(dir, sampleRel); err == nil {
			f.Add(b)
			f.Add(gzipped(f, b))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := epss.Read(bytes.NewReader(data), epss.Options{Name: "fuzz"})
		if err != nil {
			var pe *epss.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, not a *epss.ParseError: %v", err, err)
			}
			if !errors.Is(err, epss.ErrSyntax) && !errors.Is(err, epss.ErrInvalid) && !errors.Is(err, epss.ErrLimit) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if feed != nil {
				t.Fatal("a feed and an error")
			}
			return
		}
		if feed.Len() < 0 || (feed.Version() != "" && feed.ModelVersion() == "" && feed.ScoreDate().IsZero()) {
			t.Fatalf("inconsistent feed: %d %q", feed.Len(), feed.Version())
		}
	})
}

// synthetic returns a feed shaped like FIRST's daily file with n rows.
func synthetic(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 32)
	b.WriteString("#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\ncve,epss,percentile\n")
	for i := range n {
		fmt.Fprintf(&b, "CVE-%d-%04d,%.5f,%.5f\n", 1999+i/20000, i%20000, float64(i%1000)/1000, float64(i)/float64(n))
	}
	return b.Bytes()
}

func BenchmarkRead300k(b *testing.B) {
	data := synthetic(300_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := epss.Read(bytes.NewReader(data), epss.Options{})
		if err != nil || f.Len() != 300_000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead300kGzip(b *testing.B) {
	data := gzipped(b, synthetic(300_000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := epss.Read(bytes.NewReader(data), epss.Options{})
		if err != nil || f.Len() != 300_000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	f, err := epss.Read(bytes.NewReader(synthetic(300_000)), epss.Options{})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := f.Lookup("CVE-2005-1234"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkLookupAny(b *testing.B) {
	f, err := epss.Read(bytes.NewReader(synthetic(300_000)), epss.Options{})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := f.LookupAny("GHSA-jfh8-c2jp-5v3q", "CVE-2005-1234", "cve-2006-0042", "CVE-2030-0001"); !ok {
			b.Fatal("not found")
		}
	}
}

func readFile(dir, rel string) ([]byte, error) {
	return os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
}
