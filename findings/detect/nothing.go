package detect

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// decodeNothing returns the decoder of a format that holds no findings: it
// reads the whole input to check that it is well-formed JSON or XML (text
// formats are read through unchecked) and emits nothing.
func decodeNothing(format string) findings.DecodeFunc {
	return func(r io.Reader, opts findings.DecodeOptions, _ findings.Handler) error {
		br := newPeekReader(r, 512)
		head := bytes.TrimLeft(bytes.TrimPrefix(br.head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
		switch {
		case len(head) == 0:
			return drain(br, opts, format)
		case head[0] == '{' || head[0] == '[' || head[0] == 'n':
			return checkJSON(br, opts, format)
		case head[0] == '<':
			return checkXML(br, opts, format)
		}
		return drain(br, opts, format)
	}
}

// checkJSON streams every token of every top-level value, so that memory
// stays flat, and reports the first syntax or limit error.
func checkJSON(r io.Reader, opts findings.DecodeOptions, format string) error {
	g := jsonstream.NewReader(r, opts.Limits)
	dec := json.NewDecoder(g)
	dec.UseNumber() // only the syntax is checked: 1e400 is well-formed
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return jsonstream.Error(err, g, dec, opts.Name, format, "")
		}
	}
}

// checkXML walks every token, bounding depth and size by opts.Limits.
func checkXML(r io.Reader, opts findings.DecodeOptions, format string) error {
	l := opts.Limits.WithDefaults()
	lr := &limitedReader{r: r, max: l.MaxDocumentBytes}
	dec := xml.NewDecoder(lr)
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if depth != 0 {
				break
			}
			return nil
		}
		if err != nil {
			var le *findings.LimitError
			cause := err
			if !errors.As(err, &le) {
				cause = fmt.Errorf("%w: %v", findings.ErrSyntax, err)
			}
			return &findings.DecodeError{File: opts.Name, Format: format, Offset: dec.InputOffset(), Err: cause}
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > l.MaxDepth {
				return &findings.DecodeError{File: opts.Name, Format: format, Offset: dec.InputOffset(),
					Err: &findings.LimitError{Limit: "MaxDepth", Max: int64(l.MaxDepth)}}
			}
		case xml.EndElement:
			depth--
		}
	}
	return &findings.DecodeError{File: opts.Name, Format: format, Offset: dec.InputOffset(),
		Err: fmt.Errorf("%w: unexpected end of input", findings.ErrSyntax)}
}

// drain reads the rest of a text input, bounded by MaxDocumentBytes.
func drain(r io.Reader, opts findings.DecodeOptions, format string) error {
	l := opts.Limits.WithDefaults()
	lr := &limitedReader{r: r, max: l.MaxDocumentBytes}
	if _, err := io.Copy(io.Discard, lr); err != nil {
		return &findings.DecodeError{File: opts.Name, Format: format, Offset: lr.n, Err: err}
	}
	return nil
}

// limitedReader fails with a LimitError once more than max bytes are read.
type limitedReader struct {
	r   io.Reader
	max int64
	n   int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, &findings.LimitError{Limit: "MaxDocumentBytes", Max: l.max}
	}
	return n, err
}

// peekReader reads up to n bytes ahead and then replays them.
type peekReader struct {
	head []byte
	io.Reader
}

func newPeekReader(r io.Reader, n int) *peekReader {
	buf := make([]byte, n)
	k, err := io.ReadFull(r, buf)
	buf = buf[:k]
	var rest io.Reader = r
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		rest = io.MultiReader(errReader{err})
	}
	return &peekReader{head: buf, Reader: io.MultiReader(bytes.NewReader(buf), rest)}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
