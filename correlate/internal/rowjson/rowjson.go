// Package rowjson encodes the JSON columns of the correlate stores
// (a record's finding, history and triage) the same way in every store:
// compact, without HTML escaping, reusing one buffer.
package rowjson

import (
	"bytes"
	"encoding/json"
)

// Encoder encodes values to JSON text. The zero value is not usable: call
// [New]. Not safe for concurrent use.
type Encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// New returns an Encoder.
func New() *Encoder {
	e := &Encoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// String returns v's JSON encoding, without the trailing newline.
func (e *Encoder) String(v any) (string, error) {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(e.buf.Bytes(), []byte{'\n'})), nil
}
