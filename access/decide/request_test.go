package decide_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/aspmkit/aspm/access/decide"
)

// TestTestdataRequests decodes and decides each example request.
func TestTestdataRequests(t *testing.T) {
	d := newDecider(t, decide.Options{})
	tests := []struct {
		file    string
		outcome decide.Outcome
		risk    float64
		rules   []string
	}{
		{"minimal.json", decide.Allow, 0, []string{}},
		{"impossible-travel.json", decide.StepUp, 70, []string{"impossible_travel"}},
		{"sensitive-without-mfa.json", decide.StepUp, 40, []string{"sensitive_without_mfa"}},
		{"disabled.json", decide.Deny, 100, []string{"principal_disabled"}},
		{"full-history.json", decide.Deny, 85, []string{"new_country", "new_device", "new_network", "unusual_hour"}},
	}
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.Len(t, files, len(tests), "every example has a row")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			defer f.Close()
			req, err := decide.DecodeRequest(f)
			require.NoError(t, err)
			got, err := d.Decide(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, got.Outcome)
			assert.Equal(t, tt.risk, got.Risk)
			assert.Equal(t, tt.rules, rules(got))
		})
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		is     error
		field  string
		offset int64 // -2: do not check
	}{
		{"empty", ``, decide.ErrSyntax, "", 0},
		{"truncated", `{"principal": {"id": "u"`, decide.ErrSyntax, "", 24},
		{"bad token", `{"principal": x}`, decide.ErrSyntax, "", 14},
		{"trailing data", `{"principal": {"id": "u"}, "action": "a", "context": {"time": "2025-01-01T00:00:00Z"}} {}`, decide.ErrSyntax, "", -2},
		{"not an object", `[1, 2]`, decide.ErrInvalid, "", -2},
		{"wrong type", `{"principal": {"id": 7}}`, decide.ErrInvalid, "principal.id", -2},
		{"wrong type in history", `{"history": [{"time": "2025-01-01T00:00:00Z", "location": {"lat": "north"}}]}`, decide.ErrInvalid, "history.location.lat", -2},
		{"unknown field", `{"principal": {"id": "u", "name": "x"}}`, decide.ErrInvalid, "name", -2},
		{"bad time", `{"context": {"time": "yesterday"}}`, decide.ErrInvalid, "", -2},
		{"null", `null`, decide.ErrInvalid, "principal.id", -1},
		{"missing action", `{"principal": {"id": "u"}, "context": {"time": "2025-01-01T00:00:00Z"}}`, decide.ErrInvalid, "action", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decide.DecodeRequest(strings.NewReader(tt.doc))
			require.ErrorIs(t, err, tt.is)
			var re *decide.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.field, re.Field)
			if tt.offset != -2 {
				assert.Equal(t, tt.offset, re.Offset)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "decide: "), err.Error())
		})
	}
}

func TestDecodeRequestReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := decide.DecodeRequest(iotest.ErrReader(boom))
	assert.ErrorIs(t, err, boom)
}

func TestDecodeRequestSizeLimit(t *testing.T) {
	doc := []byte(`{"principal": {"id": "u"}, "action": "a", "context": {"time": "2025-01-01T00:00:00Z"}}`)
	pad := func(n int) []byte { return append(bytes.Clone(doc), bytes.Repeat([]byte(" "), n-len(doc))...) }
	_, err := decide.DecodeRequest(bytes.NewReader(pad(decide.MaxRequestBytes)))
	require.NoError(t, err, "exactly MaxRequestBytes")
	_, err = decide.DecodeRequest(bytes.NewReader(pad(decide.MaxRequestBytes + 1)))
	require.ErrorIs(t, err, decide.ErrLimit)
	var re *decide.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, int64(decide.MaxRequestBytes), re.Offset)
}

// A reader with a name names the input in errors.
type namedReader struct {
	*strings.Reader
	name string
}

func (n namedReader) Name() string { return n.name }

func TestDecodeRequestHostile(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		is   error
		msg  string
	}{
		{"nested too deep", `{"action": ` + strings.Repeat("[", 600), decide.ErrLimit, "decide: req.json: limit exceeded: byte 522: nesting deeper than 512 (MaxDepth)"},
		{"string too long", `{"action": "` + strings.Repeat("a", 5<<20), decide.ErrLimit, "decide: req.json: limit exceeded: byte 4194304: request larger than 4194304 bytes"},
		{"number out of range", `{"principal": {"id": "u"}, "action": "a", "context": {"time": "2025-01-01T00:00:00Z", "location": {"lat": 1e400, "lon": 0}}}`,
			decide.ErrInvalid, "decide: req.json: invalid request: byte 111: context.location.lat: cannot hold a JSON number 1e400"},
		{"syntax", `{"action" 1}`, decide.ErrSyntax, "decide: req.json: syntax error: byte 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decide.DecodeRequest(namedReader{strings.NewReader(tt.doc), "req.json"})
			require.ErrorIs(t, err, tt.is)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
	// The last of a key given twice counts, as with encoding/json; invalid
	// UTF-8 becomes U+FFFD.
	req, err := decide.DecodeRequest(strings.NewReader(`{"principal": {"id": "u"}, "action": "a", "action": "b` + "\xff" + `", "context": {"time": "2025-01-01T00:00:00Z"}}`))
	require.NoError(t, err)
	assert.Equal(t, "b\uFFFD", req.Action)
}

func TestRequestJSONRoundTrip(t *testing.T) {
	b, err := os.ReadFile("testdata/full-history.json")
	require.NoError(t, err)
	req, err := decide.DecodeRequest(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := json.Marshal(req)
	require.NoError(t, err)
	again, err := decide.DecodeRequest(bytes.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, req, again)
}

func loadSchema(t *testing.T) *gojsonschema.Schema {
	t.Helper()
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(decide.Schema()))
	require.NoError(t, err)
	return s
}

// TestSchemaExamples validates the examples against request.schema.json:
// the valid ones pass both the schema and DecodeRequest, the invalid ones
// fail both.
func TestSchemaExamples(t *testing.T) {
	s := loadSchema(t)
	valid, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	invalid, err := filepath.Glob("testdata/invalid/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, valid)
	require.NotEmpty(t, invalid)
	for _, f := range append(valid, invalid...) {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			res, err := s.Validate(gojsonschema.NewBytesLoader(b))
			require.NoError(t, err)
			_, derr := decide.DecodeRequest(bytes.NewReader(b))
			if strings.Contains(f, "invalid") {
				assert.False(t, res.Valid(), "schema accepts %s", f)
				assert.Error(t, derr)
				return
			}
			assert.True(t, res.Valid(), "%v", res.Errors())
			assert.NoError(t, derr)
		})
	}
}

// TestSchemaMatchesTypes checks that the schema names exactly the JSON
// fields of the Go types.
func TestSchemaMatchesTypes(t *testing.T) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(decide.Schema(), &doc))
	props := func(node any) []string {
		m := node.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			m = doc["definitions"].(map[string]any)[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
		}
		var out []string
		for k := range m["properties"].(map[string]any) {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	get := func(node any, keys ...string) any {
		for _, k := range keys {
			node = node.(map[string]any)[k]
		}
		return node
	}
	tests := []struct {
		name string
		typ  reflect.Type
		node any
	}{
		{"request", reflect.TypeFor[decide.Request](), doc},
		{"principal", reflect.TypeFor[decide.Principal](), get(doc, "properties", "principal")},
		{"context", reflect.TypeFor[decide.Context](), get(doc, "properties", "context")},
		{"device", reflect.TypeFor[decide.Device](), get(doc, "properties", "context", "properties", "device")},
		{"location", reflect.TypeFor[decide.Location](), get(doc, "properties", "context", "properties", "location")},
		{"event", reflect.TypeFor[decide.Event](), get(doc, "properties", "history", "items")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fields []string
			for i := range tt.typ.NumField() {
				f := tt.typ.Field(i)
				fields = append(fields, strings.Split(f.Tag.Get("json"), ",")[0])
			}
			sort.Strings(fields)
			assert.Equal(t, fields, props(tt.node))
		})
	}
}
