package jsondoc_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
)

func TestTree(t *testing.T) {
	d := &jsondoc.Doc{File: "x.json", Data: []byte("{\n  \"a\": [1, {\"b/c\": \"d\"}],\n  \"e\": null\n}\n"), What: "test data"}
	top, err := d.Top()
	require.NoError(t, err)
	fields, err := d.Fields(top)
	require.NoError(t, err)
	require.Len(t, fields, 2)
	assert.Equal(t, "a", fields[0].Key)
	elems, err := d.Elems(fields[0].Node)
	require.NoError(t, err)
	require.Len(t, elems, 2)
	inner, err := d.Fields(elems[1])
	require.NoError(t, err)
	assert.Equal(t, "/a/1/b~1c", inner[0].Ptr)
	assert.Equal(t, access.Source{File: "x.json", Line: 2, Path: "/a/1/b~1c"}, d.Source(inner[0].Node))
	assert.True(t, jsondoc.IsNull(fields[1].Raw))

	_, err = d.Fields(elems[0])
	assert.ErrorContains(t, err, "x.json:2: /a/0: want an object, got a number")
}

func TestTopErrors(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		sentinel error
	}{
		{"", "empty input", access.ErrUnsupported},
		{"key: value", "not a JSON object or array (YAML, Terraform, CSV or other text is not test data)", access.ErrUnsupported},
		{"[section]\nk=v", "not JSON", access.ErrUnsupported},
		{"{\"a\": 1,}", "invalid JSON", access.ErrSyntax},
		{"{\"a\": 1} {}", "data after the top-level value", access.ErrSyntax},
	} {
		_, err := (&jsondoc.Doc{File: "f", Data: []byte(tc.in), What: "test data"}).Top()
		require.Error(t, err, tc.in)
		assert.ErrorContains(t, err, tc.want)
		assert.True(t, errors.Is(err, tc.sentinel), "%q: %v", tc.in, err)
	}
}

// FuzzTree: any input gives a tree or a typed error, never a panic, and
// every node of the tree lies within the input.
func FuzzTree(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": "c"}], "d": null}`))
	f.Add([]byte(`[{"x": "\"y\\\\"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &jsondoc.Doc{File: "f", Data: data, What: "test data"}
		top, err := d.Top()
		if err != nil {
			var pe *access.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var walk func(n jsondoc.Node, depth int)
		walk = func(n jsondoc.Node, depth int) {
			if n.Off < 0 || n.Off+len(n.Raw) > len(data) || depth > 100 {
				t.Fatalf("node outside the input: %d+%d of %d", n.Off, len(n.Raw), len(data))
			}
			if len(n.Raw) == 0 {
				return
			}
			switch n.Raw[0] {
			case '{':
				fs, _ := d.Fields(n)
				for _, f := range fs {
					walk(f.Node, depth+1)
				}
			case '[':
				es, _ := d.Elems(n)
				for _, e := range es {
					walk(e, depth+1)
				}
			}
		}
		walk(top, 0)
		_, _ = d.Stream()
		if off, _, _, ok := jsondoc.DuplicateKey(top.Raw, true); ok && (off < 0 || off > len(top.Raw)) {
			t.Fatalf("duplicate at %d, outside the value of %d bytes", off, len(top.Raw))
		}
	})
}

func TestDuplicates(t *testing.T) {
	d := &jsondoc.Doc{File: "x.json", Data: []byte("{\"a\": [{\"b\": 1,\n \"B\": 2, \"b\": 3}], \"c\": {}}"), What: "test data"}
	top, err := d.Top()
	require.NoError(t, err)

	// Fields compares keys exactly, in the object it splits.
	fields, err := d.Fields(top)
	require.NoError(t, err)
	elems, err := d.Elems(fields[0].Node)
	require.NoError(t, err)
	_, err = d.Fields(elems[0])
	assert.EqualError(t, err, `access: x.json:2: /a/0/b: duplicate key "b": the object gives it twice (first on line 1)`)
	assert.ErrorIs(t, err, access.ErrSyntax)

	// Decode compares them as encoding/json matches them, at any depth.
	var v struct{ A []map[string]int }
	err = d.Decode(top, &v)
	assert.EqualError(t, err, `access: x.json:2: /a/0/B: duplicate key "B": the object gives it twice`)

	for _, tc := range []struct {
		in   string
		fold bool
		off  int
		ptr  string
		ok   bool
	}{
		{`{"a": 1, "b": 2}`, true, 0, "", false},
		{`{"a": 1, "a": 2}`, false, 14, "/a", true},
		{`{"a": 1, "A": 2}`, false, 0, "", false},
		{`{"a": 1, "A": 2}`, true, 14, "/A", true},
		{`[1, {"x": {"k\u0020": 1, "k ": 2}}]`, false, 31, "/1/x/k ", true},
		{`"a"`, false, 0, "", false},
	} {
		off, ptr, _, ok := jsondoc.DuplicateKey([]byte(tc.in), tc.fold)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.off, off, tc.in)
		assert.Equal(t, tc.ptr, ptr, tc.in)
	}
}

func TestReadAll(t *testing.T) {
	data, err := jsondoc.ReadAll(strings.NewReader(`{"a": "b"}`), "x.json", 10)
	require.NoError(t, err)
	assert.Equal(t, `{"a": "b"}`, string(data))

	_, err = jsondoc.ReadAll(strings.NewReader(`{"a": "b"}`), "x.json", 9)
	assert.EqualError(t, err, "access: x.json: input is larger than 9 bytes")
	assert.ErrorIs(t, err, access.ErrLimit)

	_, err = jsondoc.ReadAll(strings.NewReader("{\n\"a\": "+strings.Repeat("[", 600)), "x.json", 1<<20)
	assert.EqualError(t, err, "access: x.json:2: nesting deeper than 512 (MaxDepth) (column 517, byte 518)")
	assert.ErrorIs(t, err, access.ErrLimit)

	boom := errors.New("boom")
	_, err = jsondoc.ReadAll(iotest.ErrReader(boom), "x.json", 10)
	assert.ErrorIs(t, err, boom)
}
