// Package lineguard bounds the length of the lines a reader passes, so a
// feed parser fails with the line's number instead of buffering a line
// without end.
package lineguard

import (
	"bytes"
	"io"
	"strconv"
)

// Reader passes the bytes of R through and fails once a line grows longer
// than Max bytes. Line counts the complete lines passed.
type Reader struct {
	R    io.Reader
	Max  int
	Line int
	cur  int // length of the current line so far
	err  error
}

// TooLongError is the error of the line that grew longer than Max.
type TooLongError struct{ Line int }

func (e *TooLongError) Error() string {
	return "line " + strconv.Itoa(e.Line) + " too long"
}

// Read implements io.Reader.
func (g *Reader) Read(b []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.R.Read(b)
	for i := 0; i < n; {
		j := bytes.IndexByte(b[i:n], '\n')
		if j < 0 {
			j = n - i
		}
		if g.cur += j; g.cur > g.Max {
			g.err = &TooLongError{Line: g.Line + 1}
			return i + j, g.err
		}
		i += j
		if i < n { // at a newline
			g.cur = 0
			g.Line++
			i++
		}
	}
	return n, err
}
