package sarif

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
)

var bom = "\xEF\xBB\xBF"

const minimal = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"results":[{"ruleId":"R","message":{"text":"m"}}]}]}`

// decodeErr decodes doc both ways (seekable and plain), checks that both
// fail alike with a *findings.DecodeError of the given cause, and returns
// it.
func decodeErr(t *testing.T, doc string, lim findings.Limits, cause error) *findings.DecodeError {
	t.Helper()
	var first *findings.DecodeError
	for _, seek := range []bool{true, false} {
		_, err := decodeAll(t, "bad.sarif", []byte(doc), seek, lim)
		require.Error(t, err)
		var de *findings.DecodeError
		require.ErrorAs(t, err, &de, "%v", err)
		assert.ErrorIs(t, err, cause, "%v", err)
		assert.Equal(t, "bad.sarif", de.File)
		assert.Equal(t, Format, de.Format)
		if first == nil {
			first = de
		} else {
			assert.Equal(t, first.Offset, de.Offset, "same offset both ways")
			assert.Equal(t, first.Path, de.Path)
		}
	}
	return first
}

func TestEmptyInput(t *testing.T) {
	for _, doc := range []string{"", "  \n\t", bom, bom + "\n"} {
		de := decodeErr(t, doc, findings.Limits{}, findings.ErrSyntax)
		assert.Contains(t, de.Error(), "empty input")
		assert.Equal(t, int64(len(doc)), de.Offset)
	}
}

func TestNoFindings(t *testing.T) {
	for name, doc := range map[string]string{
		"zero runs":            `{"version":"2.1.0","runs":[]}`,
		"runs null":            `{"version":"2.1.0","runs":null}`,
		"results null":         `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"results":null}]}`,
		"results empty":        `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"results":[]}]}`,
		"no results":           `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}}}]}`,
		"results null, before": `{"version":"2.1.0","runs":[{"results":null,"tool":{"driver":{"name":"S"}}}]}`,
		"run without tool":     `{"version":"2.1.0","runs":[{"results":[]}]}`,
		"version last":         `{"runs":[],"$schema":"x","version":"2.1.0"}`,
	} {
		t.Run(name, func(t *testing.T) {
			for _, seek := range []bool{true, false} {
				fs, err := decodeAll(t, "ok.sarif", []byte(doc), seek, findings.Limits{})
				assert.NoError(t, err)
				assert.Empty(t, fs)
			}
		})
	}
}

func TestBOM(t *testing.T) {
	fs, err := decodeAll(t, "bom.sarif", []byte(bom+minimal), false, findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	// Offsets count the byte order mark.
	doc := bom + `{"version":"2.1.0","runs":[}`
	de := decodeErr(t, doc, findings.Limits{}, findings.ErrSyntax)
	assert.Equal(t, int64(strings.Index(doc, "}")), de.Offset)
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, doc, mark string
		delta           int // the offset is strings.Index(doc, mark) + delta
	}{
		{"invalid token in a result", sarifLog(`{"name":"S"}`, `[{"ruleId":"R" "x"}]`, ""), `"x"`, 0},
		{"trailing comma in a result", sarifLog(`{"name":"S"}`, `[{"ruleId":"R",}]`, ""), `,}`, 1},
		{"trailing comma in results", sarifLog(`{"name":"S"}`, `[{"ruleId":"R"},]`, ""), `,]`, 1},
		{"bad literal in the tool", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":nope}}}]}`, `nope`, 1},
		{"bad token between keys", `{"version":"2.1.0" "runs":[]}`, `"runs"`, 0},
		{"in deferred results", `{"version":"2.1.0","runs":[{"results":[{"ruleId":"R"},{"a":1,,}],"tool":{"driver":{"name":"S"}}}]}`, `,,`, 1},
		{"in a skipped property", `{"version":"2.1.0","runs":[{"invocations":[{"x":[1,2,}]}],"tool":{"driver":{"name":"S"}}}]}`, `,}`, 1},
		{"data after the log", minimal + ` {}`, ` {}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			de := decodeErr(t, tt.doc, findings.Limits{}, findings.ErrSyntax)
			i := strings.Index(tt.doc, tt.mark)
			require.GreaterOrEqual(t, i, 0)
			assert.Equal(t, int64(i+tt.delta), de.Offset, "%v", de)
		})
	}
}

func TestTruncated(t *testing.T) {
	for _, n := range []int{1, 10, 30, 60, 80, len(minimal) - 1} {
		doc := minimal[:n]
		de := decodeErr(t, doc, findings.Limits{}, findings.ErrSyntax)
		assert.Equal(t, int64(n), de.Offset, "truncated at %d: %v", n, de)
	}
	// Truncated in results that precede their tool.
	doc := `{"version":"2.1.0","runs":[{"results":[{"ruleId":"R"},{"rule`
	de := decodeErr(t, doc, findings.Limits{}, findings.ErrSyntax)
	assert.Equal(t, int64(len(doc)), de.Offset)
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name, doc, path, at string // at: text whose first byte is the offset ("" to skip)
	}{
		{"null", `null`, "", ""},
		{"array", `[]`, "", ""},
		{"string", `"sarif"`, "", ""},
		{"no version", `{"runs":[]}`, "version", ""},
		{"version a number", `{"version":2.1,"runs":[]}`, "version", "2.1"},
		{"version null", `{"version":null,"runs":[]}`, "version", "null"},
		{"no runs", `{"version":"2.1.0"}`, "runs", ""},
		{"runs an object", `{"version":"2.1.0","runs":{}}`, "runs", "{}"},
		{"runs a string", `{"version":"2.1.0","runs":"x"}`, "runs", `"x"`},
		{"run null", `{"version":"2.1.0","runs":[null]}`, "runs[0]", "null"},
		{"results an object", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"results":{}}]}`, "runs[0].results", "{}"},
		{"result null", sarifLog(`{"name":"S"}`, `[{},null]`, ""), "runs[0].results[1]", "null"},
		{"ruleId a number", sarifLog(`{"name":"S"}`, `[{"ruleId":5}]`, ""), "runs[0].results[0].ruleId", ""},
		{"locations an object", sarifLog(`{"name":"S"}`, `[{"locations":{}}]`, ""), "runs[0].results[0].locations", ""},
		{"suppression without kind", sarifLog(`{"name":"S"}`, `[{"ruleId":"R"},{"suppressions":[{"status":"accepted"}]}]`, ""), "runs[0].results[1].suppressions[0].kind", `{"suppressions"`},
		{"suppression of unknown kind", sarifLog(`{"name":"S"}`, `[{"suppressions":[{"kind":"magic"}]}]`, ""), "runs[0].results[0].suppressions[0].kind", `{"suppressions"`},
		{"suppression of unknown status", sarifLog(`{"name":"S"}`, `[{"suppressions":[{"kind":"external","status":"maybe"}]}]`, ""), "runs[0].results[0].suppressions[0].status", `{"suppressions"`},
		{"fingerprint a number", sarifLog(`{"name":"S"}`, `[{"fingerprints":{"a":1}}]`, ""), "runs[0].results[0]", ""},
		{"fingerprint object without value", sarifLog(`{"name":"S"}`, `[{"partialFingerprints":{"a":{"v":"x"}}}]`, ""), "runs[0].results[0]", ""},
		{"tool a string", `{"version":"2.1.0","runs":[{"tool":"S"}]}`, "runs[0].tool", ""},
		{"rules not an array", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S","rules":{}}}}]}`, "runs[0].tool.driver.rules", ""},
		{"tags not strings", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S","rules":[{"id":"R","properties":{"tags":[1]}}]}}}]}`, "runs[0].tool", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			de := decodeErr(t, tt.doc, findings.Limits{}, findings.ErrInvalid)
			if tt.path != "" {
				assert.True(t, strings.HasPrefix(de.Path, tt.path), "path %q, want %q", de.Path, tt.path)
			}
			if tt.at != "" {
				assert.Equal(t, int64(strings.LastIndex(tt.doc, tt.at)), de.Offset, "%v", de)
			}
		})
	}
}

func TestUnsupportedVersion(t *testing.T) {
	doc := `{"version":"2.0.0","runs":[{"tool":{"name":"S"},"results":[{"ruleId":"R"}]}]}`
	de := decodeErr(t, doc, findings.Limits{}, findings.ErrUnsupportedFormat)
	assert.Equal(t, int64(strings.Index(doc, `"2.0.0"`)), de.Offset)
	assert.Equal(t, "version", de.Path)
	// A malformed 2.0.0 file is a syntax error: the syntax is checked first.
	decodeErr(t, `{"version":"2.0.0","runs":[{"tool":{},}]}`, findings.Limits{}, findings.ErrSyntax)
	decodeErr(t, `{"version":"1.0.0","runs":[]}`, findings.Limits{}, findings.ErrUnsupportedFormat)
	decodeErr(t, `{"version":"2.1.0-rtm.4","runs":[]}`, findings.Limits{}, findings.ErrUnsupportedFormat)
}

// nested returns a log whose deepest array is at depth levels (the log
// object is depth 1): the extra arrays sit in a result's property bag.
func nested(depth int) string {
	// log{ runs[ run{ results[ result{ properties{ → 6 levels.
	k := depth - 6
	return `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"results":[{"properties":{"a":` +
		strings.Repeat("[", k) + strings.Repeat("]", k) + `}}]}]}`
}

func TestMaxDepth(t *testing.T) {
	const n = 40
	lim := findings.Limits{MaxDepth: n}
	for _, seek := range []bool{true, false} {
		fs, err := decodeAll(t, "deep.sarif", []byte(nested(n)), seek, lim)
		require.NoError(t, err, "depth N passes")
		assert.Len(t, fs, 1)
	}
	doc := nested(n + 1)
	de := decodeErr(t, doc, lim, findings.ErrLimit)
	var le *findings.LimitError
	require.ErrorAs(t, de, &le)
	assert.Equal(t, findings.LimitError{Limit: "MaxDepth", Max: n}, *le)
	assert.Equal(t, int64(strings.Index(doc, "[[")+(n+1-6)-1), de.Offset, "offset of the bracket at depth N+1")

	// The default limit (512) holds against a much deeper document.
	deep := nested(100000)
	de = decodeErr(t, deep, findings.Limits{}, findings.ErrLimit)
	require.ErrorAs(t, de, &le)
	assert.Equal(t, int64(512), le.Max)
}

func TestMaxStringBytes(t *testing.T) {
	const n = 1000
	lim := findings.Limits{MaxStringBytes: n}
	msg := func(size int) string {
		return sarifLog(`{"name":"S"}`, `[{"message":{"text":"`+strings.Repeat("a", size)+`"}}]`, "")
	}
	fs, err := decodeAll(t, "s.sarif", []byte(msg(n)), true, lim)
	require.NoError(t, err, "N bytes pass")
	require.Len(t, fs, 1)
	assert.Len(t, fs[0].Title, n)
	doc := msg(n + 1)
	de := decodeErr(t, doc, lim, findings.ErrLimit)
	var le *findings.LimitError
	require.ErrorAs(t, de, &le)
	assert.Equal(t, "MaxStringBytes", le.Limit)
	assert.Equal(t, int64(strings.Index(doc, "aaa")+n), de.Offset, "offset of the first byte beyond the limit")

	// An enormous string under the default limit, and one beyond it.
	big := sarifLog(`{"name":"S"}`, `[{"message":{"text":"`+strings.Repeat("b", 4<<20)+`"}}]`, "")
	fs, err = decodeAll(t, "s.sarif", []byte(big), false, findings.Limits{})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	de = decodeErr(t, big, findings.Limits{MaxStringBytes: 1 << 20}, findings.ErrLimit)
	assert.Equal(t, int64(strings.Index(big, "bbb")+1<<20), de.Offset)
}

// errReader fails after its data.
type errReader struct {
	r   *bytes.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, _ := e.r.Read(p)
	if n == 0 {
		return 0, e.err
	}
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	err := Decode(&errReader{bytes.NewReader([]byte(minimal[:40])), boom}, findings.DecodeOptions{}, findings.Handler{})
	require.Error(t, err)
	assert.ErrorIs(t, err, boom, "an I/O error stays in the chain")
	var de *findings.DecodeError
	assert.ErrorAs(t, err, &de)
}

func TestDuplicateKeys(t *testing.T) {
	tests := []struct{ name, doc, key, path string }{
		{"runs", `{"version":"2.1.0","runs":[],"runs":[]}`, "runs", "runs"},
		{"version", `{"version":"2.1.0","version":"2.0.0","runs":[]}`, "version", "version"},
		{"results", sarifLog(`{"name":"S"}`, `[{"ruleId":"A"}],"results":[{"ruleId":"B"}]`, ""), "results", "runs[0].results"},
		{"results before the tool", `{"version":"2.1.0","runs":[{"results":[],"results":[],"tool":{"driver":{"name":"S"}}}]}`, "results", "runs[0].results"},
		{"tool", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"tool":{"driver":{"name":"T"}}}]}`, "tool", "runs[0].tool"},
		{"taxonomies", sarifLog(`{"name":"S"}`, `[]`, `,"taxonomies":[],"taxonomies":[]`), "taxonomies", "runs[0].taxonomies"},
		{"artifacts", sarifLog(`{"name":"S"}`, `[]`, `,"artifacts":[],"artifacts":[]`), "artifacts", "runs[0].artifacts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			de := decodeErr(t, tt.doc, findings.Limits{}, findings.ErrInvalid)
			assert.Equal(t, tt.path, de.Path)
			assert.Contains(t, de.Error(), `duplicate key "`+tt.key+`"`)
			q := `"` + tt.key + `"`
			assert.Equal(t, int64(strings.LastIndex(tt.doc, q)+len(q)), de.Offset)
		})
	}
	// Keys the decoder skips, and keys inside a result, may repeat: the
	// last one wins, as in encoding/json.
	doc := `{"version":"2.1.0","x":1,"x":2,"runs":[{"tool":{"driver":{"name":"S"}},"invocations":[],"invocations":[],"results":[{"ruleId":"A","ruleId":"B"}]}]}`
	for _, seek := range []bool{true, false} {
		fs, err := decodeAll(t, "dup.sarif", []byte(doc), seek, findings.Limits{})
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.Equal(t, "B", fs[0].RuleID)
	}
}

func TestInvalidUTF8BecomesReplacementCharacter(t *testing.T) {
	doc := sarifLog(`{"name":"S"}`, "[{\"ruleId\":\"R\",\"message\":{\"text\":\"m\x80\"},\"fingerprints\":{\"k\xff\":\"v\x80w\"},\"partialFingerprints\":{\"p\":\"ok\"}}]", "")
	for _, seek := range []bool{true, false} {
		fs, err := decodeAll(t, "utf8.sarif", []byte(doc), seek, findings.Limits{})
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.Equal(t, "m\uFFFD", fs[0].Title)
		assert.Equal(t, map[string]string{"k\uFFFD": "v\uFFFDw", "p": "ok"}, fs[0].Fingerprints)
	}
}

func TestLongBaseURIIsNotResolved(t *testing.T) {
	base := "file:///" + strings.Repeat("d/", maxBaseURI/2)
	loc := `[{"ruleId":"R","locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go","uriBaseId":"B"}}}]}]`
	f := decodeOne(t, sarifLog(`{"name":"S"}`, loc, `,"originalUriBaseIds":{"B":{"uri":"`+base+`"}}`))
	assert.Equal(t, "a.go", f.Location.Path, "a base over maxBaseURI stays unresolved")
	assert.Equal(t, "B", f.Location.URIBaseID)
	short := base[:maxBaseURI-1] + "/"
	f = decodeOne(t, sarifLog(`{"name":"S"}`, loc, `,"originalUriBaseIds":{"B":{"uri":"`+short+`"}}`))
	assert.Equal(t, short+"a.go", f.Location.Path, "a base of maxBaseURI bytes is resolved")
}
