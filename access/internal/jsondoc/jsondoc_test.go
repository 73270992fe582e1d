package jsondoc_test

import (
	"errors"
	"testing"

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
	})
}
