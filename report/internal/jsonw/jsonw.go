// Package jsonw writes a large JSON document piece by piece: literal text
// for its structure, encoding/json for its values, indented to their
// depth, the first write error kept and every later write skipped. The
// SARIF and VEX renderers build their documents with it, one finding at a
// time, instead of holding the whole document in memory.
package jsonw

import (
	"bufio"
	"bytes"
	"encoding/json"
)

// Writer writes to W and remembers the first error in Err. The zero
// value with W set is ready to use; it is not safe for concurrent use.
type Writer struct {
	W   *bufio.Writer
	Err error
	buf bytes.Buffer
	enc *json.Encoder
}

// Str writes s as it is.
func (w *Writer) Str(s string) {
	if w.Err == nil {
		_, w.Err = w.W.WriteString(s)
	}
}

// Value writes v as indented JSON whose lines after the first start with
// prefix. encoding/json escapes <, > and & (as \u003c...), so the output
// is safe to embed in HTML.
func (w *Writer) Value(prefix string, v any) {
	if w.Err != nil {
		return
	}
	if w.enc == nil {
		w.enc = json.NewEncoder(&w.buf)
	}
	w.buf.Reset()
	w.enc.SetIndent(prefix, "  ")
	if w.Err = w.enc.Encode(v); w.Err != nil {
		return
	}
	_, w.Err = w.W.Write(bytes.TrimSuffix(w.buf.Bytes(), []byte("\n")))
}
