package hostile_test

// Hostile risk feeds and vectors: risk/epss (CSV, plain or gzip), risk/kev
// (JSON and CSV, plain or gzip), risk/cvss (every version) and risk/ssvc,
// each through its public entry point. Every row must end within feedsTime
// (10 s, generous for -race on 2 cores; feedsSlowTime, 30 s, for the rows
// that read 16 MiB or more) and allocate less than its bound (doubled
// under -race: see xmlrace_test.go), measured by hostile.Run; a
// hostile.Counter shows how much of the input was read.
//
//	input                                       limit                        what happens (time: 10 s; 30 s for rows reading 16 MiB or more)
//	EPSS gzip bomb: 10 GiB of zeros             a line: 64 KiB               ErrSyntax "line longer than 65536 bytes" at line 1 after
//	                                                                           143 compressed bytes, which inflate to 99,073 (bound: 1 MiB)
//	EPSS gzip bomb: a header, 10 GiB of         4,000,000 lines, 256 MiB     ErrLimit "feed longer than 4000000 lines" at line 4,000,001;
//	  newlines                                    decompressed                 after 4,032 compressed bytes, which inflate to 4,031,072
//	EPSS truncated or corrupt gzip              -                            ErrSyntax ("truncated input", "corrupt gzip stream")
//	EPSS 500 MB line; 500 MB quoted field       a line or CSV record: 64 KiB ErrSyntax at its line, ≤ 256 KiB read
//	  spanning lines; 500 MB comment line
//	EPSS scores -1, 2, 1e400, NaN, Inf, hex     [0, 1], decimal              ErrInvalid naming line and column; -0 and 1e-400 read as 0
//	EPSS invalid UTF-8, NUL, 20-digit CVE       -                            ErrInvalid (not a CVE ID); in the comment line, U+FFFD
//	KEV JSON 1,000,000 deep (entry, top)        MaxDepth 512                 ErrLimit at the 513th bracket, < 1 MiB read
//	KEV JSON 500 MB string                      MaxStringBytes 16 MiB        ErrLimit, ≤ 16 MiB + 128 KiB read, < 3 × 16 MiB allocated
//	KEV JSON gzip bomb of white space           32 MiB decompressed          ErrLimit "document larger than 33554432 bytes"
//	KEV JSON duplicate keys (top, entry)        -                            ErrInvalid "repeated member" naming the key
//	KEV JSON bad dates, huge counts             -                            ErrInvalid naming the path; NaN is ErrSyntax (not JSON)
//	KEV JSON invalid UTF-8 in a string          -                            decodes; U+FFFD, as encoding/json does
//	KEV CSV 500 MB line or quoted field;        a record: 1 MiB; 200,000     ErrSyntax; ErrLimit for the lines
//	  gzip bomb of zeros or newlines              lines; 32 MiB
//	CVSS v2, 3.0, 3.1, 4.0: 1 MB vector,        MaxVectorBytes 1,024         ErrInvalid quoting at most 64 bytes; 1 MB of surrounding
//	  repeated metric, invalid UTF-8, NUL                                      white space is trimmed (documented); < 1 s, < 4 MiB each
//	SSVC values: 1 MB, invalid UTF-8, NUL       32 bytes                     ErrInvalid quoting at most 64 bytes

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/hostile"
	"github.com/aspmkit/aspm/risk/cvss"
	"github.com/aspmkit/aspm/risk/epss"
	"github.com/aspmkit/aspm/risk/kev"
	"github.com/aspmkit/aspm/risk/ssvc"
)

const (
	feedsTime = 10 * time.Second
	// feedsSlowTime bounds the rows that read 16 MiB or more before the
	// limit: seconds under -race on a busy machine.
	feedsSlowTime = 30 * time.Second
	feedsMiB      = 1 << 20
	feedsHuge     = 500 << 20 // "500 MB"
	feedsGiB10    = 10 << 30
	// feedsSmallAlloc bounds what a reader allocates on an input it
	// refuses early.
	feedsSmallAlloc = 8 * feedsMiB
)

// feedsRepeat returns s repeated to total bytes (whole copies), made as
// it is read, in large units so that reading is fast.
func feedsRepeat(s string, total int64) io.Reader { return xmlRepeat(s, total) }

var (
	feedsBombMu sync.Mutex
	feedsBombs  = map[string][]byte{}
)

// feedsGzipBomb returns a gzip file whose first member holds head and
// whose following members each hold unit repeated to 4 MiB, as many as
// make total bytes once inflated: a bomb of any content, cheap to make
// (one 4 MiB member is compressed once and repeated, as gzip allows; a
// 10 GiB bomb of zeros is 10 MB). Results are cached.
func feedsGzipBomb(head string, unit string, total int64) []byte {
	key := fmt.Sprintf("%q/%q/%d", head, unit, total)
	feedsBombMu.Lock()
	defer feedsBombMu.Unlock()
	if b, ok := feedsBombs[key]; ok {
		return b
	}
	member := func(r io.Reader) []byte {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			panic(err) // the level is valid
		}
		if _, err := io.Copy(zw, r); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
		if err := zw.Close(); err != nil {
			panic(err)
		}
		return buf.Bytes()
	}
	const chunk = 4 << 20
	body := member(feedsRepeat(unit, chunk))
	out := member(strings.NewReader(head))
	for n := int64(0); n+chunk <= total-int64(len(head)); n += chunk {
		out = append(out, body...)
	}
	feedsBombs[key] = out
	return out
}

// feedsInflated returns how many bytes the gzip stream b inflates to,
// stopping at max: the test's measure of what a reader that consumed b
// can have inflated.
func feedsInflated(b []byte, max int64) int64 {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, max))
	return n
}

// feedsWant is an expected error: the sentinel, the line (CSV; 0 when
// not checked) and text the message holds.
type feedsWant struct {
	sentinel error
	line     int
	contains string
}

// feedsCheck checks err against want: the sentinel, the file named, the
// place, and a short message.
func feedsCheck(t *testing.T, file string, want feedsWant, err error) {
	t.Helper()
	if want.sentinel == nil {
		assert.NoError(t, err)
		return
	}
	require.Error(t, err)
	assert.ErrorIs(t, err, want.sentinel)
	msg := err.Error()
	assert.Contains(t, msg, file, "the error names the file")
	assert.Less(t, len(msg), 1024, "the error message stays short")
	assert.True(t, utf8.ValidString(msg), "the error message is UTF-8")
	if want.contains != "" {
		assert.Contains(t, msg, want.contains)
	}
	var ep *epss.ParseError
	var kp *kev.ParseError
	switch {
	case errors.As(err, &ep):
		assert.Positive(t, ep.Line, "the error names a line: %v", err)
		if want.line > 0 {
			assert.Equal(t, want.line, ep.Line, "%v", err)
		}
	case errors.As(err, &kp):
		assert.True(t, kp.Line > 0 || kp.Offset >= 0 || kp.Path != "", "the error names a place: %v", err)
		if want.line > 0 {
			assert.Equal(t, want.line, kp.Line, "%v", err)
		}
	default:
		t.Errorf("error %T is no *epss.ParseError or *kev.ParseError: %v", err, err)
	}
}

// feedsRun reads in through read, counting the bytes, and checks the cost.
func feedsRun(t *testing.T, in io.Reader, maxRead int64, maxAlloc uint64, slow bool, read func(io.Reader) error) (int64, error) {
	t.Helper()
	c := &hostile.Counter{R: in}
	var err error
	cost := hostile.Run(func() { err = read(c) })
	t.Logf("%s: read %d bytes; %.300v", cost, c.N, err)
	if maxAlloc == 0 {
		maxAlloc = feedsSmallAlloc
	}
	limit := feedsTime
	if slow {
		limit = feedsSlowTime
	}
	assert.Less(t, cost.Elapsed, limit)
	maxAlloc *= xmlRaceFactor
	assert.Less(t, cost.Alloc, maxAlloc, "allocated")
	if maxRead > 0 {
		assert.LessOrEqual(t, c.N, maxRead, "bytes read")
	}
	return c.N, err
}

const (
	feedsEPSSHeader = "#model_version:v2025.03.14,score_date:2025-08-20T12:55:00Z\ncve,epss,percentile\n"
	feedsEPSSRow    = "CVE-2021-44228,0.94358,0.99957\n"
)

// feedsEPSSFeed returns a valid feed of n rows.
func feedsEPSSFeed(n int) string {
	var b strings.Builder
	b.WriteString(feedsEPSSHeader)
	for i := range n {
		fmt.Fprintf(&b, "CVE-2024-%05d,0.%05d,0.5\n", i+1, i%100000)
	}
	return b.String()
}

func feedsGzip(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return buf.Bytes()
}

func TestFeedsEPSSGzipBomb(t *testing.T) {
	const file = "epss_scores-current.csv.gz"
	tests := []struct {
		name     string
		bomb     []byte
		want     feedsWant
		inflated int64 // bound on what the consumed input inflates to
		alloc    uint64
		slow     bool
	}{
		{name: "10 GiB of zeros", bomb: feedsGzipBomb("", "\x00", feedsGiB10),
			want: feedsWant{epss.ErrSyntax, 1, "line longer than 65536 bytes"}, inflated: feedsMiB},
		{name: "a header and 10 GiB of newlines", bomb: feedsGzipBomb(feedsEPSSHeader, "\n", feedsGiB10),
			want: feedsWant{epss.ErrLimit, 4_000_001, "4000000 lines"}, inflated: 8 * feedsMiB, slow: true},
		{name: "a header and 10 GiB of one row", bomb: feedsGzipBomb(feedsEPSSHeader, feedsEPSSRow, feedsGiB10),
			want: feedsWant{epss.ErrInvalid, 4, "duplicate row"}, inflated: feedsMiB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte per Read: the reader's buffers take no more of the
			// compressed stream than the inflater asks for, so what was
			// read measures what was inflated.
			n, err := feedsRun(t, iotest.OneByteReader(bytes.NewReader(tt.bomb)), 0, tt.alloc, tt.slow, func(r io.Reader) error {
				_, err := epss.Read(r, epss.Options{Name: file})
				return err
			})
			feedsCheck(t, file, tt.want, err)
			inflated := feedsInflated(tt.bomb[:n], feedsGiB10)
			t.Logf("stopped after %d compressed bytes, which inflate to %d bytes (of %d)", n, inflated, int64(feedsGiB10))
			assert.LessOrEqual(t, inflated, tt.inflated)
		})
	}
}

func TestFeedsEPSSHostile(t *testing.T) {
	const file = "epss.csv"
	valid := feedsEPSSFeed(1000)
	gz := feedsGzip(valid)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	row := func(epssValue, pct string) io.Reader {
		return strings.NewReader(feedsEPSSHeader + "CVE-2021-44228," + epssValue + "," + pct + "\n")
	}
	tests := []struct {
		name    string
		in      io.Reader
		want    feedsWant
		maxRead int64
		check   func(t *testing.T, f *epss.Feed)
	}{
		{name: "truncated gzip", in: bytes.NewReader(gz[:len(gz)/2]), want: feedsWant{epss.ErrSyntax, 0, "truncated input"}},
		{name: "gzip without its trailer", in: bytes.NewReader(gz[:len(gz)-8]), want: feedsWant{epss.ErrSyntax, 0, "truncated input"}},
		{name: "gzip with a bad checksum", in: bytes.NewReader(badCRC), want: feedsWant{epss.ErrSyntax, 0, "corrupt gzip stream"}},
		{name: "500 MB line", in: hostile.Concat(feedsEPSSHeader, "CVE-2021-44228,0.", feedsRepeat("1", feedsHuge), ",0.5\n"),
			want: feedsWant{epss.ErrSyntax, 3, "line longer than 65536 bytes"}, maxRead: 256 << 10},
		{name: "500 MB quoted field spanning lines", in: hostile.Concat(feedsEPSSHeader, `CVE-2021-44228,"0.`, feedsRepeat("123456789\n", feedsHuge), `",0.5`+"\n"),
			want: feedsWant{epss.ErrSyntax, 0, "line longer than 65536 bytes"}, maxRead: 256 << 10},
		{name: "500 MB comment line", in: hostile.Concat("#model_version:", feedsRepeat("v", feedsHuge), "\ncve,epss,percentile\n"),
			want: feedsWant{epss.ErrSyntax, 1, "line longer than"}, maxRead: 256 << 10},
		{name: "score -1", in: row("-1", "0.5"), want: feedsWant{epss.ErrInvalid, 3, "column epss"}},
		{name: "score 2", in: row("2", "0.5"), want: feedsWant{epss.ErrInvalid, 3, "outside [0, 1]"}},
		{name: "score 1e400", in: row("1e400", "0.5"), want: feedsWant{epss.ErrInvalid, 3, "not a number"}},
		{name: "score NaN", in: row("NaN", "0.5"), want: feedsWant{epss.ErrInvalid, 3, "not a number"}},
		{name: "percentile Inf", in: row("0.5", "Inf"), want: feedsWant{epss.ErrInvalid, 3, "column percentile"}},
		{name: "percentile of 30 digits", in: row("0.5", "123456789012345678901234567890"), want: feedsWant{epss.ErrInvalid, 3, "outside [0, 1]"}},
		{name: "score 0x1p-2", in: row("0x1p-2", "0.5"), want: feedsWant{epss.ErrInvalid, 3, "not a number"}},
		{name: "score of 1 MB of digits", in: row("0."+strings.Repeat("1", feedsMiB), "0.5"), want: feedsWant{epss.ErrSyntax, 3, "line longer"}},
		{name: "score 1e-400 reads as 0", in: row("1e-400", "-0"), check: func(t *testing.T, f *epss.Feed) {
			s, ok := f.Lookup("CVE-2021-44228")
			require.True(t, ok)
			assert.Equal(t, 0.0, s.Probability)
			assert.Equal(t, "0", fmt.Sprint(s.Percentile), "-0 reads as 0")
		}},
		{name: "invalid UTF-8 in the CVE", in: strings.NewReader(feedsEPSSHeader + "CVE-2021-4\x80228,0.1,0.5\n"),
			want: feedsWant{epss.ErrInvalid, 3, "not a CVE ID"}},
		{name: "NUL in the CVE", in: strings.NewReader(feedsEPSSHeader + "CVE-2021-44228\x00,0.1,0.5\n"),
			want: feedsWant{epss.ErrInvalid, 3, "not a CVE ID"}},
		{name: "a CVE of 20 digits", in: strings.NewReader(feedsEPSSHeader + "CVE-2021-12345678901234567890,0.1,0.5\n"),
			want: feedsWant{epss.ErrInvalid, 3, "not a CVE ID"}},
		{name: "a CVE twice", in: strings.NewReader(feedsEPSSHeader + feedsEPSSRow + "cve-2021-44228,0.1,0.5\n"),
			want: feedsWant{epss.ErrInvalid, 4, "duplicate row"}},
		{name: "invalid UTF-8 in the model version", in: strings.NewReader("#model_version:v\x80\xff,score_date:2025-08-20\ncve,epss,percentile\n" + feedsEPSSRow),
			check: func(t *testing.T, f *epss.Feed) {
				assert.Equal(t, "v\uFFFD", f.ModelVersion(), "invalid UTF-8 becomes U+FFFD")
				assert.True(t, utf8.ValidString(f.Version()))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f *epss.Feed
			_, err := feedsRun(t, tt.in, tt.maxRead, 0, false, func(r io.Reader) error {
				var err error
				f, err = epss.Read(r, epss.Options{Name: file})
				return err
			})
			feedsCheck(t, file, tt.want, err)
			if tt.check != nil && err == nil {
				tt.check(t, f)
			}
		})
	}
}

// feedsKEVEntry is one valid KEV entry, with its fields replaceable.
func feedsKEVEntry(over map[string]any) io.Reader {
	fields := []struct {
		k string
		v any
	}{
		{"cveID", `"CVE-2021-44228"`}, {"vendorProject", `"Apache"`}, {"product", `"Log4j2"`},
		{"vulnerabilityName", `"Apache Log4j2 Remote Code Execution Vulnerability"`}, {"dateAdded", `"2021-12-10"`},
		{"shortDescription", `"Apache Log4j2 contains a vulnerability."`}, {"requiredAction", `"Apply updates."`},
		{"dueDate", `"2021-12-24"`}, {"knownRansomwareCampaignUse", `"Known"`}, {"notes", `""`}, {"cwes", `["CWE-20"]`},
	}
	parts := []any{"{"}
	for i, f := range fields {
		if i > 0 {
			parts = append(parts, ",")
		}
		v := f.v
		if o, ok := over[f.k]; ok {
			v = o
		}
		parts = append(parts, `"`+f.k+`":`, v)
	}
	if extra, ok := over[""]; ok {
		parts = append(parts, extra)
	}
	return hostile.Concat(append(parts, "}")...)
}

// feedsKEVCatalog is a catalog of the entries, with top-level members
// replaceable.
func feedsKEVCatalog(over map[string]any, entries ...io.Reader) io.Reader {
	count := any(fmt.Sprint(len(entries)))
	if c, ok := over["count"]; ok {
		count = c
	}
	released := any(`"2025-08-20T17:02:00.000Z"`)
	if r, ok := over["dateReleased"]; ok {
		released = r
	}
	parts := []any{`{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2025.08.20","dateReleased":`, released,
		`,"count":`, count}
	if extra, ok := over[""]; ok {
		parts = append(parts, extra)
	}
	parts = append(parts, `,"vulnerabilities":[`)
	for i, e := range entries {
		if i > 0 {
			parts = append(parts, ",")
		}
		parts = append(parts, e)
	}
	return hostile.Concat(append(parts, "]}")...)
}

func TestFeedsKEVHostile(t *testing.T) {
	const file = "known_exploited_vulnerabilities.json"
	entry := func(over map[string]any) io.Reader { return feedsKEVCatalog(nil, feedsKEVEntry(over)) }
	tests := []struct {
		name     string
		in       io.Reader
		want     feedsWant
		path     string
		maxRead  int64
		maxAlloc uint64
		check    func(t *testing.T, c *kev.Catalog)
	}{
		{name: "1,000,000 deep in an entry", in: entry(map[string]any{"": hostile.Concat(`,"x":`, hostile.DeepJSONArray(1_000_000))}),
			want: feedsWant{kev.ErrLimit, 0, "nesting deeper than 512"}, maxRead: feedsMiB},
		{name: "1,000,000 deep objects at the top", in: hostile.Concat(`{"x":`, hostile.DeepJSONObject(1_000_000), `}`),
			want: feedsWant{kev.ErrLimit, 0, "nesting deeper than 512"}, maxRead: feedsMiB},
		{name: "500 MB description", in: entry(map[string]any{"shortDescription": hostile.LongJSONString(feedsHuge)}),
			want: feedsWant{kev.ErrLimit, 0, "a string longer than 16777216 bytes"}, maxRead: 16*feedsMiB + 128<<10, maxAlloc: 48 * feedsMiB},
		{name: "gzip bomb of white space", in: bytes.NewReader(feedsGzipBomb(`{"vulnerabilities":[`, " ", feedsGiB10)),
			want: feedsWant{kev.ErrLimit, 0, "document larger than 33554432 bytes"}, maxRead: feedsMiB, maxAlloc: 96 * feedsMiB},
		{name: "duplicate top-level key", in: feedsKEVCatalog(map[string]any{"": `,"count":1`}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "repeated member"}, path: "count"},
		{name: "duplicate vulnerabilities", in: feedsKEVCatalog(map[string]any{"": `,"vulnerabilities":[]`}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "repeated member"}, path: "vulnerabilities"},
		{name: "duplicate key in an entry", in: entry(map[string]any{"": `,"cveID":"CVE-2021-45046"`}),
			want: feedsWant{kev.ErrInvalid, 0, "repeated member"}, path: "vulnerabilities[0].cveID"},
		{name: "a CVE twice", in: feedsKEVCatalog(nil, feedsKEVEntry(nil), feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "duplicate entry"}, path: "vulnerabilities[1].cveID"},
		{name: "count of 30 digits", in: feedsKEVCatalog(map[string]any{"count": "123456789012345678901234567890"}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "non-negative integer"}, path: "count"},
		{name: "count 1e400", in: feedsKEVCatalog(map[string]any{"count": "1e400"}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "non-negative integer"}, path: "count"},
		{name: "count -1", in: feedsKEVCatalog(map[string]any{"count": "-1"}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "non-negative integer"}, path: "count"},
		{name: "count NaN", in: feedsKEVCatalog(map[string]any{"count": "NaN"}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrSyntax, 0, "invalid character"}},
		{name: "dateReleased not a date", in: feedsKEVCatalog(map[string]any{"dateReleased": `"yesterday"`}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "RFC 3339"}, path: "dateReleased"},
		{name: "dateReleased February 30", in: feedsKEVCatalog(map[string]any{"dateReleased": `"2025-02-30T00:00:00Z"`}, feedsKEVEntry(nil)),
			want: feedsWant{kev.ErrInvalid, 0, "RFC 3339"}, path: "dateReleased"},
		{name: "dateAdded February 30", in: entry(map[string]any{"dateAdded": `"2021-02-30"`}),
			want: feedsWant{kev.ErrInvalid, 0, "not a date"}, path: "vulnerabilities[0].dateAdded"},
		{name: "dateAdded month 13", in: entry(map[string]any{"dateAdded": `"2021-13-01"`}),
			want: feedsWant{kev.ErrInvalid, 0, "not a date"}, path: "vulnerabilities[0].dateAdded"},
		{name: "dateAdded year 99999", in: entry(map[string]any{"dateAdded": `"99999-01-01"`}),
			want: feedsWant{kev.ErrInvalid, 0, "not a date"}, path: "vulnerabilities[0].dateAdded"},
		{name: "dateAdded with a time", in: entry(map[string]any{"dateAdded": `"2021-12-10T00:00:00Z"`}),
			want: feedsWant{kev.ErrInvalid, 0, "not a date"}, path: "vulnerabilities[0].dateAdded"},
		{name: "dueDate empty", in: entry(map[string]any{"dueDate": `""`}),
			want: feedsWant{kev.ErrInvalid, 0, "not a date"}, path: "vulnerabilities[0].dueDate"},
		{name: "dueDate a number", in: entry(map[string]any{"dueDate": `20211224`}),
			want: feedsWant{kev.ErrInvalid, 0, "must be a string"}, path: "vulnerabilities[0].dueDate"},
		{name: "dateAdded of 1 MB", in: entry(map[string]any{"dateAdded": `"` + strings.Repeat("2", feedsMiB) + `"`}),
			want: feedsWant{kev.ErrInvalid, 0, "not a date"}, path: "vulnerabilities[0].dateAdded", maxAlloc: 16 * feedsMiB},
		{name: "invalid UTF-8 in a string", in: entry(map[string]any{"vendorProject": `"Apa` + hostile.InvalidUTF8 + `"`}),
			check: func(t *testing.T, c *kev.Catalog) {
				e, ok := c.Lookup("CVE-2021-44228")
				require.True(t, ok)
				assert.Contains(t, e.VendorProject, "\uFFFD", "invalid UTF-8 becomes U+FFFD, as in encoding/json")
				assert.True(t, utf8.ValidString(e.VendorProject))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *kev.Catalog
			// The rows allowed more than 16 MiB are those that read that much.
			_, err := feedsRun(t, tt.in, tt.maxRead, tt.maxAlloc, tt.maxAlloc > 16*feedsMiB, func(r io.Reader) error {
				var err error
				c, err = kev.Read(r, kev.Options{Name: file})
				return err
			})
			feedsCheck(t, file, tt.want, err)
			if tt.path != "" {
				var pe *kev.ParseError
				if assert.ErrorAs(t, err, &pe) {
					assert.Equal(t, tt.path, pe.Path)
				}
			}
			if tt.check != nil && err == nil {
				tt.check(t, c)
			}
		})
	}
}

func TestFeedsKEVCSVHostile(t *testing.T) {
	const file = "known_exploited_vulnerabilities.csv"
	const header = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n"
	tests := []struct {
		name    string
		in      io.Reader
		want    feedsWant
		maxRead int64
	}{
		{name: "500 MB line", in: hostile.Concat(header, "CVE-2021-44228,Apache,Log4j2,N,2021-12-10,", feedsRepeat("s", feedsHuge), ",A,2021-12-24,Known,,\n"),
			want: feedsWant{kev.ErrSyntax, 2, "line longer than 1048576 bytes"}, maxRead: 2 * feedsMiB},
		{name: "500 MB quoted field spanning lines", in: hostile.Concat(header, `CVE-2021-44228,Apache,Log4j2,N,2021-12-10,"`, feedsRepeat("123456789\n", feedsHuge), `",A,2021-12-24,Known,,`+"\n"),
			want: feedsWant{kev.ErrSyntax, 0, "line longer than 1048576 bytes"}, maxRead: 2 * feedsMiB},
		{name: "gzip bomb of zeros", in: bytes.NewReader(feedsGzipBomb("", "\x00", feedsGiB10)),
			want: feedsWant{kev.ErrSyntax, 1, "line longer than 1048576 bytes"}, maxRead: feedsMiB},
		{name: "gzip bomb of newlines", in: bytes.NewReader(feedsGzipBomb(header, "\n", feedsGiB10)),
			want: feedsWant{kev.ErrLimit, 200_001, "200000 lines"}, maxRead: feedsMiB},
		{name: "a date of February 30", in: strings.NewReader(header + "CVE-2021-44228,Apache,Log4j2,N,2021-02-30,S,A,2021-12-24,Known,,\n"),
			want: feedsWant{kev.ErrInvalid, 2, "not a date"}},
		{name: "a CVE twice", in: strings.NewReader(header + strings.Repeat("CVE-2021-44228,Apache,Log4j2,N,2021-12-10,S,A,2021-12-24,Known,,\n", 2)),
			want: feedsWant{kev.ErrInvalid, 3, "duplicate entry"}},
		{name: "a column twice", in: strings.NewReader("cveID," + header + "CVE-2021-44228,CVE-2021-44228,Apache,Log4j2,N,2021-12-10,S,A,2021-12-24,Known,,\n"),
			want: feedsWant{kev.ErrInvalid, 1, "repeated column"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := feedsRun(t, tt.in, tt.maxRead, 0, false, func(r io.Reader) error {
				_, err := kev.Read(r, kev.Options{Name: file})
				return err
			})
			feedsCheck(t, file, tt.want, err)
		})
	}
}

// TestFeedsCVSSHostile gives every CVSS version hostile vectors.
func TestFeedsCVSSHostile(t *testing.T) {
	bases := map[string]string{
		"2.0": "AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"3.0": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"3.1": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"4.0": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	}
	for _, ver := range []string{"2.0", "3.0", "3.1", "4.0"} {
		base := bases[ver]
		tests := []struct {
			name   string
			vector string
			ok     bool
		}{
			{"1 MB of repeated metrics", base + strings.Repeat("/AV:N", feedsMiB/5), false},
			{"1 MB of one metric value", strings.Replace(base, "AV:N", "AV:"+strings.Repeat("N", feedsMiB), 1), false},
			{"1 MB of garbage", strings.Repeat("\xff", feedsMiB), false},
			{"1 MB of white space around it", strings.Repeat(" ", feedsMiB/2) + base + strings.Repeat("\n", feedsMiB/2), true},
			{"a metric twice", base + "/AV:N", false},
			{"a metric twice with another value", base + "/AV:L", false},
			{"invalid UTF-8 in a value", strings.Replace(base, "AV:N", "AV:\x80", 1), false},
			{"invalid UTF-8 in a name", strings.Replace(base, "AV:N", "A\xc3:N", 1), false},
			{"invalid UTF-8 at the cut of a long vector", "x" + strings.Repeat("é", 600), false},
			{"NUL after it", base + "\x00", false},
			{"NUL in a value", strings.Replace(base, "AV:N", "AV:N\x00", 1), false},
			{"NUL as a separator", strings.ReplaceAll(base, "/", "\x00"), false},
		}
		for _, tt := range tests {
			t.Run(ver+"/"+tt.name, func(t *testing.T) {
				var v *cvss.Vector
				var err error
				cost := hostile.Run(func() { v, err = cvss.Parse(tt.vector) })
				assert.Less(t, cost.Elapsed, time.Second)
				assert.Less(t, cost.Alloc, uint64(4*feedsMiB))
				if tt.ok {
					require.NoError(t, err)
					assert.Equal(t, base, v.String())
					return
				}
				require.Error(t, err)
				assert.ErrorIs(t, err, cvss.ErrInvalid)
				var pe *cvss.ParseError
				require.ErrorAs(t, err, &pe)
				assert.LessOrEqual(t, len(pe.Vector), cvss.MaxVectorBytes, "the error keeps at most MaxVectorBytes of the vector")
				assert.Less(t, len(err.Error()), 2*cvss.MaxVectorBytes+256, "the message stays short")
				assert.True(t, utf8.ValidString(err.Error()), "the message is UTF-8: %q", err.Error())
			})
		}
		t.Run(ver+"/With a hostile value", func(t *testing.T) {
			v, err := cvss.Parse(base)
			require.NoError(t, err)
			for _, val := range []string{strings.Repeat("X", feedsMiB), "\x00", "\x80", ""} {
				_, err := v.With(map[string]string{"AV": val})
				assert.ErrorIs(t, err, cvss.ErrInvalid)
				if err != nil {
					assert.Less(t, len(err.Error()), 2*cvss.MaxVectorBytes+256)
					assert.True(t, utf8.ValidString(err.Error()))
				}
			}
		})
	}
}

// TestFeedsSSVCHostile gives every SSVC parser hostile values.
func TestFeedsSSVCHostile(t *testing.T) {
	parsers := map[string]func(string) error{
		"Exploitation":     func(s string) error { _, err := ssvc.ParseExploitation(s); return err },
		"Automatable":      func(s string) error { _, err := ssvc.ParseAutomatable(s); return err },
		"TechnicalImpact":  func(s string) error { _, err := ssvc.ParseTechnicalImpact(s); return err },
		"MissionWellbeing": func(s string) error { _, err := ssvc.ParseMissionWellbeing(s); return err },
		"Exposure":         func(s string) error { _, err := ssvc.ParseExposure(s); return err },
		"HumanImpact":      func(s string) error { _, err := ssvc.ParseHumanImpact(s); return err },
		"Decision":         func(s string) error { _, err := ssvc.ParseDecision(s); return err },
		"Priority":         func(s string) error { _, err := ssvc.ParsePriority(s); return err },
	}
	values := map[string]string{
		"1 MB":                   strings.Repeat("a", feedsMiB),
		"1 MB of separators":     strings.Repeat("- _", feedsMiB/3),
		"invalid UTF-8":          hostile.InvalidUTF8,
		"NUL":                    "\x00",
		"a value and a NUL":      "none\x00",
		"empty":                  "",
		"a value in a long text": strings.Repeat(" ", feedsMiB) + "x" + strings.Repeat(" ", feedsMiB),
	}
	for pname, parse := range parsers {
		for vname, v := range values {
			t.Run(pname+"/"+vname, func(t *testing.T) {
				var err error
				cost := hostile.Run(func() { err = parse(v) })
				assert.Less(t, cost.Elapsed, time.Second)
				assert.Less(t, cost.Alloc, uint64(feedsMiB))
				require.Error(t, err)
				assert.ErrorIs(t, err, ssvc.ErrInvalid)
				assert.Less(t, len(err.Error()), 512, "the message stays short")
				assert.True(t, utf8.ValidString(err.Error()))
			})
		}
	}
}
