package kev_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/risk/kev"
)

const (
	jsonRel = "kev/known_exploited_vulnerabilities.json"
	csvRel  = "kev/known_exploited_vulnerabilities.csv"
)

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// rawCatalog is the JSON catalog decoded independently of the package.
type rawCatalog struct {
	Title           string           `json:"title"`
	CatalogVersion  string           `json:"catalogVersion"`
	DateReleased    string           `json:"dateReleased"`
	Count           int              `json:"count"`
	Vulnerabilities []map[string]any `json:"vulnerabilities"`
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

// TestRealCatalogs reads CISA's JSON and CSV files of the same day and
// checks that they give the same entries, field by field, and that these
// match the JSON as encoding/json decodes it on its own.
func TestRealCatalogs(t *testing.T) {
	jsonData := testcorpus.ReadData(t, jsonRel)
	csvData := testcorpus.ReadData(t, csvRel)

	var raw rawCatalog
	require.NoError(t, json.Unmarshal(jsonData, &raw))
	require.Len(t, raw.Vulnerabilities, raw.Count, "the file's own count")
	rows, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, raw.Count+1, "header and one row per JSON entry")

	fromJSON, err := kev.ReadJSON(bytes.NewReader(jsonData), kev.Options{Name: jsonRel})
	require.NoError(t, err)
	fromCSV, err := kev.ReadCSV(bytes.NewReader(csvData), kev.Options{Name: csvRel})
	require.NoError(t, err)

	assert.Equal(t, raw.Count, fromJSON.Len())
	assert.Equal(t, raw.Count, fromCSV.Len())
	assert.Equal(t, "CISA Catalog of Known Exploited Vulnerabilities", fromJSON.Title())
	assert.Equal(t, raw.CatalogVersion, fromJSON.Version())
	assert.Equal(t, "2025.08.25", fromJSON.Version())
	assert.Equal(t, time.Date(2025, 8, 25, 17, 4, 19, 979600000, time.UTC), fromJSON.Released())
	assert.Empty(t, fromCSV.Title())
	assert.Equal(t, fromJSON.Version(), fromCSV.Version(), "the derived version matches CISA's on this day")
	assert.Equal(t, time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC), fromCSV.Released())

	je, ce := fromJSON.Entries(), fromCSV.Entries()
	require.Len(t, je, raw.Count)
	require.Len(t, ce, raw.Count)
	for i := range je {
		j, c := je[i], ce[i]
		assert.Equal(t, j.CVE, c.CVE)
		assert.Equal(t, j.VendorProject, c.VendorProject, j.CVE)
		assert.Equal(t, j.Product, c.Product, j.CVE)
		assert.Equal(t, j.Name, c.Name, j.CVE)
		assert.Equal(t, j.DateAdded, c.DateAdded, j.CVE)
		assert.Equal(t, j.ShortDescription, c.ShortDescription, j.CVE)
		assert.Equal(t, j.RequiredAction, c.RequiredAction, j.CVE)
		assert.Equal(t, j.DueDate, c.DueDate, j.CVE)
		assert.Equal(t, j.KnownRansomwareCampaignUse, c.KnownRansomwareCampaignUse, j.CVE)
		assert.Equal(t, j.Notes, c.Notes, j.CVE)
		assert.Equal(t, j.CWEs, c.CWEs, j.CVE)
		assert.Equal(t, j, c) // and nothing else differs
	}

	var known int
	for _, v := range raw.Vulnerabilities {
		id := v["cveID"].(string)
		e, ok := fromJSON.Lookup(id)
		require.True(t, ok, id)
		assert.Equal(t, id, e.CVE)
		assert.Equal(t, v["vendorProject"], e.VendorProject, id)
		assert.Equal(t, v["product"], e.Product, id)
		assert.Equal(t, v["vulnerabilityName"], e.Name, id)
		assert.Equal(t, date(t, v["dateAdded"].(string)), e.DateAdded, id)
		assert.Equal(t, v["shortDescription"], e.ShortDescription, id)
		assert.Equal(t, v["requiredAction"], e.RequiredAction, id)
		assert.Equal(t, date(t, v["dueDate"].(string)), e.DueDate, id)
		assert.Equal(t, v["knownRansomwareCampaignUse"], string(e.KnownRansomwareCampaignUse), id)
		assert.Equal(t, v["notes"], e.Notes, id)
		var cwes []string
		for _, c := range v["cwes"].([]any) {
			cwes = append(cwes, c.(string))
		}
		assert.Equal(t, cwes, e.CWEs, id)
		if e.Ransomware() {
			known++
		}
	}
	assert.Equal(t, 293, known, "entries with knownRansomwareCampaignUse Known in this file")

	// Read detects both formats, compressed or not, and gives the same
	// catalogs.
	for name, in := range map[string][]byte{
		"json": jsonData, "csv": csvData, "json.gz": gzipped(t, jsonData), "csv.gz": gzipped(t, csvData),
		"json with BOM and blank lines": append([]byte("\uFEFF\n\n  "), jsonData...),
	} {
		t.Run("Read "+name, func(t *testing.T) {
			c, err := kev.Read(bytes.NewReader(in), kev.Options{Name: name})
			require.NoError(t, err)
			assert.Equal(t, je, c.Entries())
			if strings.HasPrefix(name, "json") {
				assert.Equal(t, fromJSON.Version(), c.Version())
				assert.Equal(t, fromJSON.Released(), c.Released())
				assert.Equal(t, fromJSON.Title(), c.Title())
			}
		})
	}
}

const (
	csvHeader = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n"
	entryA    = `{"cveID":"CVE-2021-10000","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2021-03-01","shortDescription":"S","requiredAction":"A","dueDate":"2021-03-15","knownRansomwareCampaignUse":"Known","notes":"","cwes":[]}`
	entryB    = `{"cveID":"CVE-2021-9999","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2022-01-02","shortDescription":"S","requiredAction":"A","dueDate":"2022-01-16","knownRansomwareCampaignUse":"Unknown","notes":"n","cwes":["CWE-79"]}`
	entryC    = `{"cveID":"CVE-2002-0367","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2022-03-03","shortDescription":"S","requiredAction":"A","dueDate":"2022-03-24"}`
)

func jsonDoc(count int, entries ...string) string {
	return fmt.Sprintf(`{"title":"T","catalogVersion":"2022.03.03","dateReleased":"2022-03-03T10:00:00.5Z","count":%d,"vulnerabilities":[%s]}`,
		count, strings.Join(entries, ","))
}

func TestCatalog(t *testing.T) {
	c, err := kev.Read(strings.NewReader(jsonDoc(3, entryA, entryB, entryC)), kev.Options{})
	require.NoError(t, err)
	assert.Equal(t, "T", c.Title())
	assert.Equal(t, "2022.03.03", c.Version())
	assert.Equal(t, time.Date(2022, 3, 3, 10, 0, 0, 5e8, time.UTC), c.Released())
	assert.Equal(t, 3, c.Len())

	var ids []string
	for _, e := range c.Entries() {
		ids = append(ids, e.CVE)
	}
	assert.Equal(t, []string{"CVE-2002-0367", "CVE-2021-9999", "CVE-2021-10000"}, ids, "numeric order")

	e, ok := c.Lookup(" cve-2021-9999\n")
	require.True(t, ok)
	assert.Equal(t, kev.Entry{CVE: "CVE-2021-9999", VendorProject: "V", Product: "P", Name: "N",
		DateAdded: time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC), ShortDescription: "S", RequiredAction: "A",
		DueDate: time.Date(2022, 1, 16, 0, 0, 0, 0, time.UTC), KnownRansomwareCampaignUse: kev.RansomwareUnknown,
		Notes: "n", CWEs: []string{"CWE-79"}}, e)
	assert.False(t, e.Ransomware())
	e, ok = c.Lookup("CVE-2021-10000")
	require.True(t, ok)
	assert.True(t, e.Ransomware())
	assert.Nil(t, e.CWEs, "an empty cwes array is nil")
	e, ok = c.Lookup("CVE-2002-0367")
	require.True(t, ok)
	assert.Equal(t, kev.Ransomware(""), e.KnownRansomwareCampaignUse, "absent")
	for _, id := range []string{"", "CVE-2021-0001", "GHSA-jfh8-c2jp-5v3q", "CVE-2021-09999"} {
		_, ok := c.Lookup(id)
		assert.False(t, ok, id)
	}

	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{nil, ""},
		{[]string{"GHSA-x", "CVE-2000-0001"}, ""},
		{[]string{"GHSA-x", "CVE-2021-10000", "CVE-2021-9999"}, "CVE-2021-10000"},
		{[]string{"cve-2021-9999", "CVE-2021-10000"}, "CVE-2021-9999"},
	} {
		e, ok := c.LookupAny(tc.ids...)
		assert.Equal(t, tc.want != "", ok, tc.ids)
		assert.Equal(t, tc.want, e.CVE, tc.ids)
	}

	// Results are copies: changing them does not change the catalog.
	all := c.Entries()
	all[1].CWEs[0] = "CWE-1"
	all[0].CVE = "changed"
	e, _ = c.Lookup("CVE-2021-9999")
	e.CWEs[0] = "CWE-2"
	again := c.Entries()
	assert.Equal(t, "CVE-2002-0367", again[0].CVE)
	assert.Equal(t, []string{"CWE-79"}, again[1].CWEs)
}

func TestCSVForms(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		n       int
		version string
	}{
		{"header only", csvHeader, 0, ""},
		{"header only, no newline", strings.TrimSpace(csvHeader), 0, ""},
		{"CRLF", strings.ReplaceAll(csvHeader+"CVE-2020-0001,V,P,N,2020-01-02,S,A,2020-01-16,Known,,\n", "\n", "\r\n"), 1, "2020.01.02"},
		{"BOM", "\uFEFF" + csvHeader + "CVE-2020-0001,V,P,N,2020-01-02,S,A,2020-01-16,Known,,\n", 1, "2020.01.02"},
		{"required columns only, reordered, extra column",
			"dueDate,cveID,product,vendorProject,extra,vulnerabilityName,dateAdded,shortDescription,requiredAction\n" +
				"2020-01-16,CVE-2020-0001,P,V,x,N,2020-01-02,S,A\n2020-01-16,CVE-2020-0002,P,V,x,N,2020-01-05,S,A\n", 2, "2020.01.05"},
		{"quoted newlines", csvHeader + "CVE-2020-0001,V,P,\"N\nN\",2020-01-02,\"S\n\nS\",A,2020-01-16,Unknown,\"a ; b\",\"CWE-1,CWE-2\"\n", 1, "2020.01.02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kev.ReadCSV(strings.NewReader(tc.in), kev.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.n, c.Len())
			assert.Equal(t, tc.version, c.Version())
			assert.Empty(t, c.Title())
		})
	}
	c, err := kev.ReadCSV(strings.NewReader(csvHeader+"CVE-2020-0001,V,P,\"N\nN\",2020-01-02,S,A,2020-01-16,Unknown,,\"CWE-1, CWE-22\"\n"), kev.Options{})
	require.NoError(t, err)
	e, _ := c.Lookup("CVE-2020-0001")
	assert.Equal(t, "N\nN", e.Name)
	assert.Equal(t, []string{"CWE-1", "CWE-22"}, e.CWEs)
}

// at returns the offset of the first occurrence of marker in s.
func at(s, marker string) int64 {
	i := strings.Index(s, marker)
	if i < 0 {
		panic("marker not found: " + marker)
	}
	return int64(i)
}

func TestBadJSON(t *testing.T) {
	valid := jsonDoc(2, entryA, entryB)
	replace := func(old, new string) string {
		if !strings.Contains(valid, old) {
			panic(old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	type tc struct {
		name   string
		in     string
		is     error
		path   string
		offset int64
		msg    string
	}
	var cases []tc
	add := func(name, in string, is error, path string, offset int64, msg string) {
		cases = append(cases, tc{name, in, is, path, offset, msg})
	}
	in := valid[:len(valid)-20]
	add("truncated", in, kev.ErrSyntax, "", int64(len(in)), "unexpected end of input")
	in = replace(`"count":2,`, `"count":2,,`)
	add("double comma", in, kev.ErrSyntax, "", at(in, ",,")+1, "invalid character ','")
	in = valid + "x"
	add("trailing data", in, kev.ErrSyntax, "", int64(len(valid)), "after top-level value")
	in = "\uFEFF" + replace(`"dueDate":"2021-03-15"`, `"dueDate":2021-03-15`)
	add("BOM counts in offsets", in, kev.ErrSyntax, "", at(in, "-03-15"), "invalid character '-'")
	in = "  {"
	add("only an opening brace", in, kev.ErrSyntax, "", 3, "unexpected end of input")
	in = replace(`"count":2`, `"count":3`)
	add("count too high", in, kev.ErrInvalid, "count", at(in, "3,"), "count is 3, but the catalog holds 2 entries")
	in = replace(`"count":2`, `"count":-1`)
	add("negative count", in, kev.ErrInvalid, "count", at(in, "-1"), "non-negative integer")
	in = replace(`"count":2`, `"count":"2"`)
	add("string count", in, kev.ErrInvalid, "count", at(in, `"2"`), "non-negative integer")
	in = replace(`"count":2`, `"count":2.0`)
	add("fractional count", in, kev.ErrInvalid, "count", at(in, `2.0,`), "non-negative integer")
	in = replace(`"count":2,`, ``)
	add("count missing", in, kev.ErrInvalid, "count", -1, "required member missing")
	in = replace(`"catalogVersion":"2022.03.03",`, ``)
	add("version missing", in, kev.ErrInvalid, "catalogVersion", -1, "required member missing")
	in = replace(`"catalogVersion":"2022.03.03"`, `"catalogVersion":null`)
	add("version null", in, kev.ErrInvalid, "catalogVersion", at(in, "null"), "must be a string")
	in = replace(`"title":"T"`, `"title":7`)
	add("title a number", in, kev.ErrInvalid, "title", at(in, "7"), "must be a string")
	in = replace(`"dateReleased":"2022-03-03T10:00:00.5Z"`, `"dateReleased":"2022-03-03"`)
	add("released without time", in, kev.ErrInvalid, "dateReleased", at(in, `"2022-03-03"`), "not an RFC 3339 date-time")
	in = `{"title":"T","catalogVersion":"1","dateReleased":"2022-03-03T10:00:00Z","count":0,"vulnerabilities":{}}`
	add("vulnerabilities an object", in, kev.ErrInvalid, "vulnerabilities", at(in, "{}"), "must be an array")
	add("vulnerabilities missing", `{"catalogVersion":"1","dateReleased":"2022-03-03T10:00:00Z","count":0}`,
		kev.ErrInvalid, "vulnerabilities", -1, "required member missing")
	in = `{"catalogVersion":"1","catalogVersion":"2"}`
	add("repeated member", in, kev.ErrInvalid, "catalogVersion", at(in, `"2"`), "repeated member")
	in = `[` + valid + `]`
	add("array", in, kev.ErrInvalid, "", 0, "not a JSON object")
	in = jsonDoc(2, entryA, `"CVE-2020-0001"`)
	add("entry a string", in, kev.ErrInvalid, "vulnerabilities[1]", at(in, `"CVE-2020-0001"`), "not an object")
	in = jsonDoc(2, entryA, entryA)
	add("duplicate", in, kev.ErrInvalid, "vulnerabilities[1].cveID", int64(strings.LastIndex(in, `"CVE-2021-10000"`)), "duplicate entry for CVE-2021-10000 (first at vulnerabilities[0])")
	in = jsonDoc(2, entryA, strings.Replace(entryA, "CVE-2021-10000", "cve-2021-10000", 1))
	add("duplicate differing in case", in, kev.ErrInvalid, "vulnerabilities[1].cveID", at(in, `"cve-2021-10000"`), "duplicate entry for CVE-2021-10000")
	in = replace(`"CVE-2021-9999"`, `"CVE-2021-999"`)
	add("short CVE", in, kev.ErrInvalid, "vulnerabilities[1].cveID", at(in, `"CVE-2021-999"`), `"CVE-2021-999" is not a CVE ID`)
	in = replace(`"dateAdded":"2022-01-02"`, `"dateAdded":"2022-02-30"`)
	add("impossible date", in, kev.ErrInvalid, "vulnerabilities[1].dateAdded", at(in, `"2022-02-30"`), "not a date")
	in = replace(`"dueDate":"2022-01-16"`, `"dueDate":"01/16/2022"`)
	add("US date", in, kev.ErrInvalid, "vulnerabilities[1].dueDate", at(in, `"01/16/2022"`), "not a date")
	in = replace(`"knownRansomwareCampaignUse":"Unknown"`, `"knownRansomwareCampaignUse":"known"`)
	add("ransomware lower case", in, kev.ErrInvalid, "vulnerabilities[1].knownRansomwareCampaignUse", at(in, `"known"`), `"known" is neither "Known" nor "Unknown"`)
	in = replace(`"cwes":["CWE-79"]`, `"cwes":["CWE-79","XSS-1"]`)
	add("bad CWE", in, kev.ErrInvalid, "vulnerabilities[1].cwes[1]", at(in, `"XSS-1"`), "not a CWE ID")
	in = replace(`"cwes":["CWE-79"]`, `"cwes":"CWE-79"`)
	add("cwes a string", in, kev.ErrInvalid, "vulnerabilities[1].cwes", at(in, `"CWE-79"`), "must be an array")
	in = replace(`"cwes":["CWE-79"]`, `"cwes":[79]`)
	add("CWE a number", in, kev.ErrInvalid, "vulnerabilities[1].cwes[0]", at(in, `79]`), "not a CWE ID")
	in = replace(`"product":"P","vulnerabilityName":"N","dateAdded":"2022-01-02"`, `"product":"P","dateAdded":"2022-01-02"`)
	add("required field missing", in, kev.ErrInvalid, "vulnerabilities[1].vulnerabilityName", at(in, entryB[:20]), "required member missing")
	in = replace(`"vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2022-01-02"`, `"vendorProject":null,"product":"P","vulnerabilityName":"N","dateAdded":"2022-01-02"`)
	add("required field null", in, kev.ErrInvalid, "vulnerabilities[1].vendorProject", at(in, "null"), "must be a string")
	in = replace(`"notes":"n"`, `"notes":["n"]`)
	add("notes an array", in, kev.ErrInvalid, "vulnerabilities[1].notes", at(in, `["n"]`), "must be a string")
	in = replace(`"notes":"n"`, `"notes":"n","product":"Q"`)
	add("repeated field", in, kev.ErrInvalid, "vulnerabilities[1].product", at(in, `"Q"`), "repeated member")

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat, err := kev.ReadJSON(strings.NewReader(c.in), kev.Options{Name: "kev.json"})
			require.Error(t, err)
			assert.Nil(t, cat)
			assert.ErrorIs(t, err, c.is)
			var pe *kev.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "kev.json", pe.File)
			assert.Equal(t, 0, pe.Line)
			assert.Equal(t, c.path, pe.Path)
			assert.Equal(t, c.offset, pe.Offset)
			assert.Contains(t, err.Error(), c.msg)
			// Read takes the same path for input that starts with '{'.
			if strings.HasPrefix(strings.TrimLeft(c.in, "\uFEFF \n"), "{") {
				_, err2 := kev.Read(strings.NewReader(c.in), kev.Options{Name: "kev.json"})
				assert.Equal(t, err.Error(), err2.Error())
			}
		})
	}
}

func TestJSONForms(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		n    int
	}{
		{"empty catalog", jsonDoc(0), 0},
		{"unknown members ignored", strings.Replace(jsonDoc(1, strings.Replace(entryC, `{`, `{"future":{"x":[1]},`, 1)), `{`, `{"schemaVersion":"2",`, 1), 1},
		{"title null", strings.Replace(jsonDoc(1, entryC), `"title":"T"`, `"title":null`, 1), 1},
		{"optional fields null", jsonDoc(1, strings.Replace(entryC, `}`, `,"notes":null,"cwes":null,"knownRansomwareCampaignUse":null}`, 1)), 1},
		{"escapes", jsonDoc(1, strings.Replace(entryC, `"product":"P"`, `"product":"P\u00e9\/\n"`, 1)), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kev.ReadJSON(strings.NewReader(tc.in), kev.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.n, c.Len())
		})
	}
	c, err := kev.ReadJSON(strings.NewReader(jsonDoc(1, strings.Replace(entryC, `"product":"P"`, `"product":"P\u00e9\/\n"`, 1))), kev.Options{})
	require.NoError(t, err)
	e, _ := c.Lookup("CVE-2002-0367")
	assert.Equal(t, "Pé/\n", e.Product)
}

func TestBadCSV(t *testing.T) {
	const row = "CVE-2020-0001,V,P,N,2020-01-02,S,A,2020-01-16,Known,,CWE-1\n"
	for _, tc := range []struct {
		name string
		in   string
		is   error
		line int
		path string
		msg  string
	}{
		{"empty input", "", kev.ErrInvalid, 1, "", "missing header"},
		{"required column missing", strings.Replace(csvHeader, "dueDate,", "", 1), kev.ErrInvalid, 1, "dueDate", "required column missing"},
		{"repeated column", strings.Replace(csvHeader, "notes", "product", 1), kev.ErrInvalid, 1, "product", "repeated column"},
		{"not a catalog", "hello world\n", kev.ErrInvalid, 1, "cveID", "required column missing"},
		{"too few fields", csvHeader + row + "CVE-2020-0002,V,P\n", kev.ErrSyntax, 3, "", "row has 3 fields, want 11"},
		{"too many fields", csvHeader + strings.Replace(row, "CWE-1", "CWE-1,x", 1), kev.ErrSyntax, 2, "", "row has 12 fields"},
		{"bare quote", csvHeader + row + `CVE-2020-0002,V,P,N"x,2020-01-02,S,A,2020-01-16,Known,,` + "\n", kev.ErrSyntax, 3, "", `bare "`},
		{"bad CVE", csvHeader + strings.Replace(row, "CVE-2020-0001", "CVE-2020-1", 1), kev.ErrInvalid, 2, "cveID", `"CVE-2020-1" is not a CVE ID`},
		{"duplicate", csvHeader + row + "\n" + row, kev.ErrInvalid, 4, "cveID", "duplicate entry for CVE-2020-0001 (first on line 2)"},
		{"bad date after a multi-line field", csvHeader + "CVE-2020-0002,V,P,\"N\n\nN\",2020-1-2,S,A,2020-01-16,Known,,\n", kev.ErrInvalid, 4, "dateAdded", `"2020-1-2" is not a date`},
		{"empty due date", csvHeader + strings.Replace(row, "2020-01-16", "", 1), kev.ErrInvalid, 2, "dueDate", `"" is not a date`},
		{"bad ransomware", csvHeader + strings.Replace(row, "Known", "Yes", 1), kev.ErrInvalid, 2, "knownRansomwareCampaignUse", `"Yes" is neither`},
		{"bad CWE", csvHeader + strings.Replace(row, "CWE-1", `"CWE-1, ,CWE-2"`, 1), kev.ErrInvalid, 2, "cwes", `"" is not a CWE ID`},
		{"not a CWE", csvHeader + strings.Replace(row, "CWE-1", "CWE-X1", 1), kev.ErrInvalid, 2, "cwes", `"CWE-X1" is not a CWE ID`},
		{"overlong line", csvHeader + row + "CVE-2020-0002,V,P,N,2020-01-02,\"" + strings.Repeat("s", 1<<20) + "\",A,2020-01-16,Known,,\n", kev.ErrSyntax, 3, "", "line longer than 1048576 bytes"},
		{"JSON array", "[1,2]", kev.ErrInvalid, 1, "cveID", "required column missing"},
		{"JSON array of objects", "[{\"cveID\":1}]", kev.ErrSyntax, 1, "", `bare "`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, read := range []func(r *strings.Reader, o kev.Options) (*kev.Catalog, error){
				func(r *strings.Reader, o kev.Options) (*kev.Catalog, error) { return kev.ReadCSV(r, o) },
				func(r *strings.Reader, o kev.Options) (*kev.Catalog, error) { return kev.Read(r, o) },
			} {
				c, err := read(strings.NewReader(tc.in), kev.Options{Name: "kev.csv"})
				require.Error(t, err)
				assert.Nil(t, c)
				assert.ErrorIs(t, err, tc.is)
				var pe *kev.ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "kev.csv", pe.File)
				assert.Equal(t, tc.line, pe.Line)
				assert.Equal(t, int64(-1), pe.Offset)
				assert.Equal(t, tc.path, pe.Path)
				assert.Contains(t, err.Error(), tc.msg)
			}
		})
	}
}

func TestBadGzip(t *testing.T) {
	data := gzipped(t, []byte(jsonDoc(0)))
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"bad header", []byte("\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x00")},
		{"truncated header", []byte("\x1f\x8b\x08")},
		{"truncated", data[:len(data)-6]},
		{"bad checksum", append(append([]byte{}, data[:len(data)-8]...), 0, 0, 0, 0, 0, 0, 0, 0)},
		{"trailing garbage", append(append([]byte{}, data...), "garbage"...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := kev.Read(bytes.NewReader(tc.in), kev.Options{})
			assert.ErrorIs(t, err, kev.ErrSyntax)
			_, err = kev.ReadJSON(bytes.NewReader(tc.in), kev.Options{})
			assert.ErrorIs(t, err, kev.ErrSyntax)
			_, err = kev.ReadCSV(bytes.NewReader(tc.in), kev.Options{})
			assert.ErrorIs(t, err, kev.ErrSyntax)
		})
	}
}

var errDisk = errors.New("disk on fire")

type failingReader struct{ data []byte }

func (r *failingReader) Read(b []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errDisk
	}
	n := copy(b, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReaderError(t *testing.T) {
	for name, in := range map[string]string{"json": jsonDoc(0), "csv": csvHeader} {
		t.Run(name, func(t *testing.T) {
			_, err := kev.Read(&failingReader{data: []byte(in)}, kev.Options{})
			require.Error(t, err)
			assert.ErrorIs(t, err, errDisk)
			assert.NotErrorIs(t, err, kev.ErrSyntax)
			assert.NotErrorIs(t, err, kev.ErrInvalid)
			var pe *kev.ParseError
			assert.ErrorAs(t, err, &pe)
		})
	}
}

func TestParseErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  *kev.ParseError
		want string
	}{
		{&kev.ParseError{File: "k.json", Offset: 12, Path: "count", Err: fmt.Errorf("%w: bad", kev.ErrInvalid)}, "kev: k.json: byte 12: count: invalid catalog: bad"},
		{&kev.ParseError{File: "k.csv", Line: 3, Offset: -1, Path: "dueDate", Err: kev.ErrInvalid}, "kev: k.csv: line 3: dueDate: invalid catalog"},
		{&kev.ParseError{Offset: -1, Err: errDisk}, "kev: disk on fire"},
		{&kev.ParseError{Offset: -1}, "kev: unknown error"},
	} {
		assert.Equal(t, tc.want, tc.err.Error())
	}
}

func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"", "{}", "[]", jsonDoc(0), jsonDoc(3, entryA, entryB, entryC), jsonDoc(2, entryA, entryA),
		csvHeader, csvHeader + "CVE-2020-0001,V,P,\"N\nN\",2020-01-02,S,A,2020-01-16,Known,,\"CWE-1, CWE-2\"\n",
		"cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate\nCVE-2020-0001,V,P,N,2020-01-02,S,A,2020-01-16\n",
		"\x1f\x8b", "\uFEFF{",
	} {
		f.Add([]byte(seed))
	}
	if dir := testcorpus.DataRoot(); dir != "" {
		for _, rel := range []string{jsonRel, csvRel} {
			if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel))); err == nil {
				f.Add(b[:min(len(b), 8<<10)]) // a head: the whole files make each run slow
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := kev.Read(bytes.NewReader(data), kev.Options{Name: "fuzz"})
		if err != nil {
			var pe *kev.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, not a *kev.ParseError: %v", err, err)
			}
			if !errors.Is(err, kev.ErrSyntax) && !errors.Is(err, kev.ErrInvalid) && !errors.Is(err, kev.ErrLimit) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if c != nil {
				t.Fatal("a catalog and an error")
			}
			if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) && (pe.Offset < -1 || pe.Offset > int64(len(data))) {
				t.Fatalf("offset %d outside the input of %d bytes: %v", pe.Offset, len(data), err)
			}
			return
		}
		entries := c.Entries()
		if len(entries) != c.Len() {
			t.Fatalf("Entries has %d, Len %d", len(entries), c.Len())
		}
		for i, e := range entries {
			got, ok := c.Lookup(e.CVE)
			if !ok || got.CVE != e.CVE {
				t.Fatalf("entry %d (%s) not found by Lookup", i, e.CVE)
			}
			if i > 0 && entries[i-1].CVE == e.CVE {
				t.Fatalf("duplicate %s", e.CVE)
			}
		}
	})
}

func BenchmarkReadJSON(b *testing.B) {
	data := testcorpus.ReadData(b, jsonRel)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kev.ReadJSON(bytes.NewReader(data), kev.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadCSV(b *testing.B) {
	data := testcorpus.ReadData(b, csvRel)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kev.ReadCSV(bytes.NewReader(data), kev.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	c, err := kev.ReadJSON(bytes.NewReader(testcorpus.ReadData(b, jsonRel)), kev.Options{})
	require.NoError(b, err)
	ids := make([]string, 0, c.Len())
	for _, e := range c.Entries() {
		ids = append(ids, e.CVE)
	}
	slices.Reverse(ids)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := c.Lookup(ids[i%len(ids)]); !ok {
			b.Fatal("not found")
		}
		i++
	}
}

// NVD's weakness placeholders are not CWE IDs, but catalogs copied from NVD
// data carry them; rejecting the whole catalog for them would help no one.
func TestNVDWeaknessPlaceholders(t *testing.T) {
	in := csvHeader + "CVE-2020-0001,V,P,N,2020-01-02,S,A,2020-01-16,Known,,\"CWE-1, NVD-CWE-noinfo, NVD-CWE-Other\"\n"
	c, err := kev.ReadCSV(strings.NewReader(in), kev.Options{})
	require.NoError(t, err)
	e, ok := c.Lookup("CVE-2020-0001")
	require.True(t, ok)
	assert.Equal(t, []string{"CWE-1", "NVD-CWE-noinfo", "NVD-CWE-Other"}, e.CWEs)
}
