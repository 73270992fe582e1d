package gitleaks_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/gitleaks"
	"github.com/aspmkit/aspm/internal/golden"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decode(t testing.TB, name string, data []byte, l findings.Limits) ([]findings.Finding, error) {
	t.Helper()
	fs, vs, err := findings.Collect(func(h findings.Handler) error {
		return gitleaks.Decode(bytes.NewReader(data), findings.DecodeOptions{Name: name, Limits: l}, h)
	})
	assert.Empty(t, vs, "gitleaks reports have no VEX")
	return fs, err
}

func TestGolden(t *testing.T) {
	for _, rel := range []string{
		"gitleaks/gitleaks/gitleaks8_many.json",     // v8, git history, tags
		"gitleaks/gitleaks/gitleaks.dir.json",       // v8 directory scan, fingerprints, multi-line secret
		"gitleaks/gitleaks/redacted_data_many.json", // v7 --redact
		"gitleaks/gitleaks/data_many.json",          // v7 without lineNumber
	} {
		t.Run(path.Base(rel), func(t *testing.T) {
			fs, err := decode(t, rel, testcorpus.Read(t, rel), findings.Limits{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(struct {
				Findings []findings.Finding      `json:"findings"`
				VEX      []findings.VEXStatement `json:"vex,omitempty"`
			}{Findings: fs}, "", "  ")
			require.NoError(t, err)
			golden.Assert(t, filepath.Join("testdata", "golden", path.Base(rel)), append(got, '\n'))
		})
	}
}

// TestCorpus decodes every file listed in testdata/corpus/gitleaks.tsv,
// checks the counts, kinds and error the row states (the counts come from
// count_gitleaks.sh, not from this decoder), the invariants of every
// finding, and that no secret leaks into the output.
func TestCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	rows := readTSV(t, filepath.Join("..", "..", "testdata", "corpus", "gitleaks.tsv"))
	files, err := filepath.Glob(filepath.Join(dir, "gitleaks", "*", "*"))
	require.NoError(t, err)
	assert.Len(t, rows, len(files), "one row per corpus file")
	for _, cols := range rows {
		rel := cols[0]
		t.Run(path.Base(rel), func(t *testing.T) {
			if cols[1] != "empty" { // the detector's name for null and []
				assert.Equal(t, gitleaks.Format, cols[1])
			}
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			require.NoError(t, err)
			fs, err := decode(t, rel, data, findings.Limits{})
			require.Equal(t, "-", cols[5], "every gitleaks corpus file decodes")
			require.NoError(t, err)
			n, err := strconv.Atoi(cols[2])
			require.NoError(t, err)
			assert.Len(t, fs, n)
			assert.Equal(t, "0", cols[3])
			kinds := "-"
			if len(fs) > 0 {
				kinds = string(findings.KindSecret)
			}
			assert.Equal(t, kinds, cols[4])

			var raw []map[string]any
			require.NoError(t, json.Unmarshal(data, &raw))
			out, err := json.Marshal(fs)
			require.NoError(t, err)
			for i, f := range fs {
				assert.Equal(t, findings.KindSecret, f.Kind)
				assert.Equal(t, findings.SeverityUnknown, f.Severity)
				assert.Equal(t, "gitleaks", f.Tool.Name)
				assert.NotEmpty(t, f.ID)
				assert.NotEmpty(t, f.Title)
				assert.Empty(t, f.Location.SnippetHash, "the match holds the secret")
				assert.Equal(t, i, f.Source.Record)
				// Neither the secret nor the matched text nor e-mail
				// addresses nor commit messages appear in the output.
				for _, key := range []string{"Secret", "Match", "offender", "line", "Email", "email", "Message", "commitMessage"} {
					s, _ := raw[i][key].(string)
					if len(s) < 6 { // short values ("", "opps") may occur by chance
						continue
					}
					assert.NotContains(t, string(out), jsonString(s), "%s of record %d leaked", key, i)
				}
			}
		})
	}
}

func readTSV(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 6, "row %q", line)
		rows = append(rows, cols)
	}
	return rows
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

func TestMapping(t *testing.T) {
	v8 := `[{"RuleID":"aws-access-token","Description":"AWS Access Key","StartLine":3,"EndLine":3,
	  "StartColumn":7,"EndColumn":26,"Match":"key = AKIAIOSFODNN7EXAMPLE","Secret":"AKIAIOSFODNN7EXAMPLE",
	  "File":"cfg/app.ini","SymlinkFile":"","Commit":"abc123","Link":"https://example.com/leak","Entropy":3.5,
	  "Author":"A. Dev","Email":"a@example.com","Date":"2024-01-02T03:04:05Z","Message":"add key",
	  "Tags":["aws"],"Fingerprint":"abc123:cfg/app.ini:aws-access-token:3"}]`
	fs, err := decode(t, "v8.json", []byte(v8), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, "aws-access-token", f.RuleID)
	assert.Equal(t, "AWS Access Key", f.Title)
	assert.Equal(t, "cfg/app.ini", f.Location.Path)
	assert.Equal(t, &findings.Region{StartLine: 3, EndLine: 3, StartColumn: 7, EndColumn: 26}, f.Location.Region)
	assert.Equal(t, findings.HashSecret("AKIAIOSFODNN7EXAMPLE"), f.SecretHash)
	assert.Equal(t, map[string]string{"gitleaks": "abc123:cfg/app.ini:aws-access-token:3"}, f.Fingerprints)
	assert.Equal(t, map[string]any{"commit": "abc123", "author": "A. Dev", "date": "2024-01-02T03:04:05Z",
		"leak_url": "https://example.com/leak", "entropy": 3.5, "tags": []string{"aws"}}, f.Properties)
	assert.Equal(t, findings.Source{File: "v8.json", Format: gitleaks.Format}, f.Source)

	v7 := `[{"line":"token = ghp_x","lineNumber":9,"offender":"ghp_x","commit":"def","repo":"r",
	  "repoURL":"https://example.com/r","leakURL":"https://example.com/r/l9","rule":"GitHub",
	  "commitMessage":"m","author":"B","email":"b@example.com","file":"a.sh","date":"0001-01-01T00:00:00Z",
	  "tags":"key, GitHub","operation":"addition"}]`
	fs, err = decode(t, "v7.json", []byte(v7), findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	f = fs[0]
	assert.Equal(t, "GitHub", f.RuleID)
	assert.Equal(t, "GitHub", f.Title)
	assert.Equal(t, "a.sh", f.Location.Path)
	assert.Equal(t, &findings.Region{StartLine: 9}, f.Location.Region)
	assert.Equal(t, findings.HashSecret("ghp_x"), f.SecretHash)
	assert.Nil(t, f.Fingerprints)
	assert.Equal(t, map[string]any{"commit": "def", "author": "B", "repo": "r", "repo_url": "https://example.com/r",
		"leak_url": "https://example.com/r/l9", "operation": "addition", "tags": []string{"key", "GitHub"}}, f.Properties)
}

func TestRedacted(t *testing.T) {
	for _, secret := range []string{"REDACTED", "AKIA...", "********", "ab***"} {
		t.Run(secret, func(t *testing.T) {
			doc := `[{"RuleID":"r","Secret":"` + secret + `","Match":"k=` + secret + `","File":"f"}]`
			fs, err := decode(t, "", []byte(doc), findings.Limits{})
			require.NoError(t, err)
			require.Len(t, fs, 1)
			assert.Empty(t, fs[0].SecretHash)
			assert.Equal(t, true, fs[0].Properties["redacted"])
			assert.Equal(t, "r", fs[0].Title, "Description empty: the rule is the title")
		})
	}
}

func TestEmptyReports(t *testing.T) {
	for _, doc := range []string{"[]", " [ ] \n", "null", "null\n", "\xEF\xBB\xBF[]"} {
		fs, err := decode(t, "", []byte(doc), findings.Limits{})
		assert.NoError(t, err, "%q", doc)
		assert.Empty(t, fs, "%q", doc)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		want   error
		offset int64 // -2: do not check
		path   string
	}{
		{"zero bytes", "", findings.ErrSyntax, 0, ""},
		{"white space only", "  \n", findings.ErrSyntax, 3, ""},
		{"BOM only", "\xEF\xBB\xBF", findings.ErrSyntax, 3, ""},
		{"truncated", `[{"RuleID":"r"`, findings.ErrSyntax, 14, "[0]"},
		{"truncated after a record", `[{"RuleID":"r"}`, findings.ErrSyntax, 15, ""},
		// encoding/json's offsets of syntax errors met by Decoder.Token, and
		// of those inside a value read after tokens, do not follow one
		// convention, so they are approximate and not checked here.
		{"invalid JSON", `[{"RuleID" "r"}]`, findings.ErrSyntax, -2, "[0]"},
		{"invalid JSON at the top", `[}`, findings.ErrSyntax, -2, ""},
		{"trailing comma", `[{"RuleID":"r"},]`, findings.ErrSyntax, -2, "[1]"},
		{"trailing garbage", `[] x`, findings.ErrSyntax, -2, ""},
		{"second document", `[] []`, findings.ErrSyntax, -2, ""},
		{"object", `{"leaks":[]}`, findings.ErrInvalid, 0, ""},
		{"object after BOM", "\xEF\xBB\xBF{}", findings.ErrInvalid, 3, ""},
		{"string", `"x"`, findings.ErrInvalid, -2, ""},
		{"number", `7`, findings.ErrInvalid, -2, ""},
		{"null leak", `[null]`, findings.ErrInvalid, 1, "[0]"},
		{"leak is a string", `[ "x"]`, findings.ErrInvalid, 5, "[0]"},
		{"leak without a rule", `[{"File":"a"}]`, findings.ErrInvalid, 1, "[0]"},
		// A type error is reported just after the offending value.
		{"wrong type", `[{"RuleID":"r"}, {"RuleID":"r","StartLine":"3"}]`, findings.ErrInvalid, 46, "[1].StartLine"},
		{"wrong type after BOM", "\xEF\xBB\xBF[{\"RuleID\":7}]", findings.ErrInvalid, 15, "[0].RuleID"},
		{"v7 tags as array", `[{"rule":"r","tags":[1]}]`, findings.ErrInvalid, -2, "[0].tags"},
		{"v8 tags as string", `[{"RuleID":"r","Tags":"a"}]`, findings.ErrInvalid, -2, "[0].Tags"},
		{"line overflows int", `[{"RuleID":"r","StartLine":1e40}]`, findings.ErrInvalid, -2, "[0].StartLine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, "in.json", []byte(tt.doc), findings.Limits{})
			require.Error(t, err)
			var de *findings.DecodeError
			require.True(t, errors.As(err, &de), "%T: %v", err, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, "in.json", de.File)
			assert.Equal(t, gitleaks.Format, de.Format)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, de.Offset, "%v", err)
			}
			assert.Equal(t, tt.path, de.Path)
		})
	}
}

func TestLimits(t *testing.T) {
	nest := func(n int) string {
		// A leak whose Tags array holds n-2 nested arrays: depth n in total.
		return `[{"RuleID":"r","X":` + strings.Repeat("[", n-2) + strings.Repeat("]", n-2) + `}]`
	}
	l := findings.Limits{MaxDepth: 8}
	_, err := decode(t, "", []byte(nest(8)), l)
	assert.NoError(t, err, "depth at the limit")
	_, err = decode(t, "", []byte(nest(9)), l)
	var le *findings.LimitError
	require.True(t, errors.As(err, &le), "%v", err)
	assert.Equal(t, "MaxDepth", le.Limit)
	assert.ErrorIs(t, err, findings.ErrLimit)
	var de *findings.DecodeError
	require.True(t, errors.As(err, &de))
	assert.Equal(t, int64(len(`[{"RuleID":"r","X":`)+6), de.Offset, "the ninth opening bracket")

	ls := findings.Limits{MaxStringBytes: 10}
	_, err = decode(t, "", []byte(`[{"RuleID":"0123456789"}]`), ls)
	assert.NoError(t, err, "string at the limit")
	_, err = decode(t, "", []byte(`[{"RuleID":"0123456789A"}]`), ls)
	require.True(t, errors.As(err, &le), "%v", err)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	require.True(t, errors.As(err, &de))
	assert.Equal(t, int64(len(`[{"RuleID":"0123456789`)), de.Offset, "the eleventh byte of the string")
}

func TestHandlerError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := gitleaks.Decode(strings.NewReader(`[{"RuleID":"a"},{"RuleID":"b"}]`), findings.DecodeOptions{},
		findings.Handler{Finding: func(findings.Finding) error { n++; return stop }})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, n)
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`[]`, `null`, `[{"RuleID":"r","Secret":"s","File":"f","StartLine":1,"Tags":["t"]}]`,
		`[{"rule":"r","offender":"REDACTED","lineNumber":2,"tags":"a, b"}]`,
		`[{"RuleID":"r","StartLine":-1,"EndColumn":99999999999}]`, `{"a":1}`, `[null]`, `[1,`,
	} {
		f.Add([]byte(seed))
	}
	for _, file := range testcorpus.Glob("gitleaks/*/*") {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := gitleaks.Decode(bytes.NewReader(data), findings.DecodeOptions{Limits: findings.Limits{MaxDepth: 64}},
			findings.Handler{Finding: func(f findings.Finding) error {
				if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
					t.Fatalf("bad finding: %+v", f)
				}
				return nil
			}})
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is %T, not a *findings.DecodeError: %v", err, err)
			}
		}
	})
}
