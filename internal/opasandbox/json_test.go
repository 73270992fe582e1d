package opasandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/limits"
)

var jsonSamples = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `1.5`, `-0.25e+10`, `1E3`, `1e-7`, `123456789012345678901234567890`,
	`1e400`, `511`, `512`, `""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	`"\ud83d\u0041"`, "\"caf\xc3\xa9\"", "\"bad \xff utf8\"", "\"\xed\xa0\x80\"",
	` { "a" : [ 1 , 2 , { "b" : null } ] , "c" : "d" } `,
	`{"a": 1, "a": 2}`, `{"a": {"x": 1}, "a": [1]}`, `[[[[]]]]`, `[{"k": "v"}, {"k": "v"}]`,
	`{"findings": [{"id": "f1", "severity": "critical", "open": true, "assets": ["a", "b"], "risk": {"score": 9.5, "epss": 0.97}}]}`,
}

func TestParseJSONMatchesValueFromReader(t *testing.T) {
	for _, s := range jsonSamples {
		t.Run(s, func(t *testing.T) {
			want, err := ast.ValueFromReader(strings.NewReader(s))
			require.NoError(t, err)
			got, err := ParseJSON([]byte(s))
			require.NoError(t, err)
			assert.Equal(t, 0, want.Compare(got), "want %v, got %v", want, got)
			assert.Equal(t, want.String(), got.String())
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int64
	}{
		{"", 0}, {" ", 1}, {"{", 1}, {"[", 1}, {"[1,]", 3}, {"[1 2]", 3}, {`{"a" 1}`, 5}, {`{"a":}`, 5}, {`{a:1}`, 1},
		{`{"a":1,}`, 7}, {`{"a":1 "b":2}`, 7}, {`"abc`, 4}, {`"a\x"`, 2}, {`"\u12"`, 1}, {`"\u12zz"`, 1}, {"\"a\x01\"", 2},
		{`tru`, 0}, {`nul`, 0}, {`-`, 1}, {`01`, 1}, {`1.`, 2}, {`1e`, 2}, {`.5`, 0}, {`+1`, 0}, {`{} {}`, 3}, {`[] x`, 3},
		{`"\`, 1}, {"\"a\\\x01\"", 2},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			require.False(t, json.Valid([]byte(tc.in)), "the sample is invalid JSON")
			_, err := ParseJSON([]byte(tc.in))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrJSON)
			var je *JSONError
			require.ErrorAs(t, err, &je)
			assert.Equal(t, tc.offset, je.Offset, je.Error())
		})
	}
}

func TestParseJSONDepth(t *testing.T) {
	ok := strings.Repeat("[", limits.MaxDepth) + strings.Repeat("]", limits.MaxDepth)
	_, err := ParseJSON([]byte(ok))
	require.NoError(t, err)
	deep := "[" + ok + "]"
	_, err = ParseJSON([]byte(deep))
	assert.ErrorIs(t, err, ErrJSON)
	assert.ErrorContains(t, err, "nesting deeper than 512")
	deepObj := strings.Repeat(`{"a":`, limits.MaxDepth+1) + "1" + strings.Repeat("}", limits.MaxDepth+1)
	_, err = ParseJSON([]byte(deepObj))
	assert.ErrorIs(t, err, ErrJSON)
}

func TestParseJSONSharesStrings(t *testing.T) {
	v, err := ParseJSON([]byte(`[{"kind": "sca"}, {"kind": "sca"}]`))
	require.NoError(t, err)
	arr := v.(*ast.Array)
	a := arr.Elem(0).Value.(ast.Object)
	b := arr.Elem(1).Value.(ast.Object)
	assert.Same(t, a.Get(ast.StringTerm("kind")), b.Get(ast.StringTerm("kind")))
}

// FuzzParseJSON checks ParseJSON against encoding/json and OPA's own
// conversion: the same verdict on validity, the same value when valid, and
// never a panic.
func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"a": [1, "x\u0000y", {"b": -1.5e-3}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseJSON(data)
		valid := json.Valid(data)
		if depthOver(data) {
			if err == nil {
				t.Fatalf("accepted nesting over the limit")
			}
			return
		}
		if valid != (err == nil) {
			t.Fatalf("json.Valid=%v but ParseJSON error=%v for %q", valid, err, data)
		}
		if !valid {
			return
		}
		want, err := ast.ValueFromReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("ValueFromReader: %v", err)
		}
		if want.Compare(got) != 0 {
			t.Fatalf("ParseJSON(%q) = %v, want %v", data, got, want)
		}
	})
}

// depthOver reports whether valid-looking data nests deeper than the limit
// (counting brackets outside strings).
func depthOver(data []byte) bool {
	depth, inStr, esc := 0, false, false
	for _, c := range data {
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case inStr && c == '"':
			inStr = false
		case inStr:
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			depth++
			if depth > limits.MaxDepth {
				return true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return false
}

func benchJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"version": "aspm-posture/1", "findings": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "%032x", "kind": "sca", "tool": "trivy", "title": "finding %d", "severity": "high", "open": true, `+
			`"assets": ["repository:asset-%d"], "risk": {"score": %d.5, "priority": "P2", "kev": false, "epss": 0.0%d}, `+
			`"sla": {"due": "2025-07-01T00:00:00Z", "breached": false}}`, i, i, i%100, i%10, i%97)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func BenchmarkParseJSON(b *testing.B) {
	data := benchJSON(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValueFromReader is OPA's conversion of the same document, for
// comparison with BenchmarkParseJSON.
func BenchmarkValueFromReader(b *testing.B) {
	data := benchJSON(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ast.ValueFromReader(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParseJSONSplit holds ParseJSONSplit to ParseJSON: the same value or
// the same error for every document, the member split or not.
func FuzzParseJSONSplit(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s), uint8(2))
	}
	f.Add([]byte(`{"f": [1, "x\"]", {"b": [-1.5e-3, "]"]}, [], {}], "g": {"f": 2}}`), uint8(3))
	f.Add([]byte(`{"f": [1, 2], "f": [3]}`), uint8(2))
	f.Add([]byte(`{"f": [1, 2,]}`), uint8(2))
	f.Add([]byte(`{"f": [1 2]}`), uint8(2))
	f.Add([]byte(`{"f\u0020": [1], "f": [{"a": "\\"}, "\\\\\"", true, null]}  `), uint8(4))
	f.Add([]byte(`{"f": [[[[1]]], {"x": [}]]}`), uint8(2))
	f.Add([]byte(`{"f": [tru, 1]}`), uint8(2))
	f.Add([]byte(`{"f": ["a", "b"]} x`), uint8(2))
	defer func(a, b, c int) { minSplitElements, minElementsPerWorker, minSplitBytes = a, b, c }(minSplitElements, minElementsPerWorker, minSplitBytes)
	minSplitElements, minElementsPerWorker, minSplitBytes = 1, 1, 0
	f.Fuzz(func(t *testing.T, data []byte, workers uint8) {
		want, wantErr := ParseJSON(data)
		got, err := ParseJSONSplit(data, "f", int(workers%8))
		if (wantErr == nil) != (err == nil) {
			t.Fatalf("ParseJSON error %v, ParseJSONSplit error %v for %q", wantErr, err, data)
		}
		if err != nil {
			if err.Error() != wantErr.Error() {
				t.Fatalf("errors differ: %v and %v", wantErr, err)
			}
			return
		}
		if want.Compare(got) != 0 {
			t.Fatalf("ParseJSONSplit(%q) = %v, want %v", data, got, want)
		}
	})
}

func TestParseJSONSplitLarge(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"version": "x", "findings": [`)
	for i := range 10_000 {
		if i > 0 {
			b.WriteString(",\n ")
		}
		fmt.Fprintf(&b, `{"id": "f%d", "s": "a\"b\\", "n": [%d, {"k": null}], "t": true}`, i, i)
	}
	b.WriteString(`], "assets": [{"id": "a"}]}`)
	want, err := ParseJSON(b.Bytes())
	require.NoError(t, err)
	defer func(n int) { minSplitBytes = n }(minSplitBytes)
	minSplitBytes = 0
	got, err := ParseJSONSplit(b.Bytes(), "findings", 3)
	require.NoError(t, err)
	assert.Equal(t, 0, want.Compare(got))
	// An element that is not valid JSON: ParseJSON's error, at its offset.
	bad := bytes.Replace(b.Bytes(), []byte(`"t": true}`), []byte(`"t": tru}`), 1)
	_, wantErr := ParseJSON(bad)
	require.Error(t, wantErr)
	_, err = ParseJSONSplit(bad, "findings", 3)
	assert.Equal(t, wantErr, err)
}
