package hostile

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestRepeat(t *testing.T) {
	tests := []struct {
		s    string
		n    int64
		want string
	}{
		{"ab", 3, "ababab"},
		{"x", 0, ""},
		{"", 5, ""},
		{"abc", 1, "abc"},
	}
	for _, tt := range tests {
		got, err := io.ReadAll(Repeat(tt.s, tt.n))
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got))
	}
	// Small reads cross the unit's boundary.
	r := Repeat("abc", 4)
	var out []byte
	buf := make([]byte, 5)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			break
		}
	}
	assert.Equal(t, "abcabcabcabc", string(out))
}

func TestGeneratorsMakeWhatTheySay(t *testing.T) {
	var v any
	b, _ := io.ReadAll(DeepJSONArray(3))
	assert.Equal(t, "[[[0]]]", string(b))
	require.NoError(t, json.Unmarshal(b, &v))
	b, _ = io.ReadAll(DeepJSONObject(2))
	assert.Equal(t, `{"a":{"a":1}}`, string(b))
	b, _ = io.ReadAll(LongJSONString(4))
	assert.Equal(t, `"AAAA"`, string(b))
	b, _ = io.ReadAll(DeepXML("x", 2))
	assert.Equal(t, `<?xml version="1.0"?><x><x></x></x>`, string(b))
	require.NoError(t, xml.Unmarshal(b, new(struct{})))

	// Go's XML decoder refuses the entity bomb: it knows no custom entity.
	err := xml.Unmarshal([]byte(XMLEntityBomb("r", 3)), new(struct{}))
	assert.Error(t, err)

	zr, err := gzip.NewReader(bytes.NewReader(GzipBomb(1 << 20)))
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, zr)
	require.NoError(t, err)
	assert.Equal(t, int64(1<<20), n)
	assert.Less(t, len(GzipBomb(1<<20)), 4096)

	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(YAMLAliasBomb("rules", 2, 3)), &m))
	assert.Len(t, m["rules"], 3)
	b, _ = io.ReadAll(DeepYAML("k", 2))
	require.NoError(t, yaml.Unmarshal(b, &m))
	assert.Equal(t, []any{[]any{"x"}}, m["k"])
}

func TestCounterAndRun(t *testing.T) {
	c := &Counter{R: Repeat("z", 1000)}
	var sink []byte
	cost := Run(func() { sink, _ = io.ReadAll(c) })
	assert.Equal(t, int64(1000), c.N)
	assert.Len(t, sink, 1000)
	assert.Positive(t, cost.Alloc)
	assert.Contains(t, cost.String(), "MiB allocated")
}
