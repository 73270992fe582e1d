// Package lineguard bounds the lines a reader passes, so a feed parser
// fails with the line's number instead of buffering a line without end:
// the length of a line (or of a CSV record, whose quoted fields may hold
// newlines), the number of lines and the number of bytes.
package lineguard

import (
	"bytes"
	"io"
	"strconv"
)

// Reader passes the bytes of R through and fails once a line grows longer
// than Max bytes, once a line beyond MaxLines begins, or once more than
// MaxBytes bytes have come (a zero MaxLines or MaxBytes is no bound). With
// CSV set, a newline inside a double-quoted field does not end the line,
// so that Max bounds a whole CSV record: encoding/csv gathers a quoted
// field across lines, and would otherwise buffer one without end. Line
// counts the newlines passed (the complete physical lines), N the bytes
// passed. A Reader is not safe for concurrent use.
type Reader struct {
	R        io.Reader
	Max      int
	MaxLines int
	MaxBytes int64
	CSV      bool
	Line     int
	N        int64

	cur    int  // length of the current line (record) so far
	quoted bool // inside a double-quoted CSV field
	err    error
}

// TooLongError is the error of the line that grew longer than Max.
type TooLongError struct{ Line int }

func (e *TooLongError) Error() string {
	return "line " + strconv.Itoa(e.Line) + " too long"
}

// LimitError is the error of an input with more lines than MaxLines or
// more bytes than MaxBytes.
type LimitError struct {
	// What is "lines" or "bytes".
	What string
	// Max is the bound that was exceeded.
	Max int64
	// Line is the line whose byte exceeded it.
	Line int
}

func (e *LimitError) Error() string {
	return "more than " + strconv.FormatInt(e.Max, 10) + " " + e.What
}

// Read implements io.Reader.
func (g *Reader) Read(b []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.R.Read(b)
	for i := 0; i < n; {
		switch {
		case g.MaxBytes > 0 && g.N >= g.MaxBytes:
			g.err = &LimitError{What: "bytes", Max: g.MaxBytes, Line: g.Line + 1}
		case g.MaxLines > 0 && g.Line >= g.MaxLines:
			g.err = &LimitError{What: "lines", Max: int64(g.MaxLines), Line: g.Line + 1}
		}
		if g.err != nil {
			return i, g.err
		}
		seg := b[i:n]
		if g.MaxBytes > 0 && int64(len(seg)) > g.MaxBytes-g.N {
			seg = seg[:g.MaxBytes-g.N]
		}
		j := g.plain(seg)
		if g.cur+j > g.Max {
			k := g.Max - g.cur // the bytes that fit
			g.N += int64(k)
			g.err = &TooLongError{Line: g.Line + 1}
			return i + k, g.err
		}
		g.cur += j
		g.N += int64(j)
		i += j
		if j == len(seg) {
			continue
		}
		switch b[i] {
		case '"':
			g.quoted = !g.quoted
			g.cur++
		case '\n':
			g.Line++
			if g.quoted {
				g.cur++
			} else {
				g.cur = 0
			}
		}
		if g.cur > g.Max {
			g.err = &TooLongError{Line: g.Line + 1}
			return i, g.err
		}
		g.N++
		i++
	}
	return n, err
}

// plain returns how many bytes at the start of b neither end a line nor,
// in CSV mode, open or close a quoted field.
func (g *Reader) plain(b []byte) int {
	j := bytes.IndexByte(b, '\n')
	if j < 0 {
		j = len(b)
	}
	if g.CSV {
		if q := bytes.IndexByte(b[:j], '"'); q >= 0 {
			j = q
		}
	}
	return j
}
