package schema_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/aspmkit/aspm/compliance/schema"
)

func TestPostureSchema(t *testing.T) {
	b := schema.Posture()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, "http://json-schema.org/draft-07/schema#", doc["$schema"])
	_, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(b))
	require.NoError(t, err, "the schema compiles")

	fromFS, err := schema.FS.ReadFile(schema.PostureFile)
	require.NoError(t, err)
	assert.Equal(t, b, fromFS)

	b[0] = 'x'
	assert.Equal(t, byte('{'), schema.Posture()[0], "each call returns a copy")
}

// Validate a document against the posture schema with any JSON Schema
// draft-07 validator.
func ExamplePosture() {
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(schema.Posture()))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.Validate(gojsonschema.NewStringLoader(`{"version": "aspm-posture/1"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Valid(), len(res.Errors()), "errors, first:", res.Errors()[0])
	// Output:
	// false 7 errors, first: (root): generated_at is required
}
