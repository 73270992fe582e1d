// Package schema holds the JSON Schema (draft-07) of aspm's posture
// document, the input compliance controls judge, so that tools outside Go
// can validate postures and generate types from it.
//
// # Use
//
// [Posture] returns the schema's bytes; [FS] holds it as the file
// [PostureFile]. The schema describes version "aspm-posture/1" (see
// [github.com/aspmkit/aspm/compliance.PostureVersion]);
// [github.com/aspmkit/aspm/compliance.ReadPosture] checks the same rules
// and a few a schema cannot express: unique asset and finding IDs, and
// references to assets the document holds.
//
// Everything here is read-only and safe for concurrent use.
package schema

import (
	"bytes"
	"embed"
)

// PostureFile is the name of the posture schema in [FS].
const PostureFile = "posture.schema.json"

// FS holds posture.schema.json.
//
//go:embed posture.schema.json
var FS embed.FS

//go:embed posture.schema.json
var posture []byte

// Posture returns the JSON Schema of the posture document. Each call
// returns a new copy.
func Posture() []byte { return bytes.Clone(posture) }
