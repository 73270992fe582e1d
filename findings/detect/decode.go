package detect

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/limits"
)

// Formats returns every format aspm reads, in a stable order. The slice is
// a copy; changing it changes nothing here.
func Formats() []Format {
	return append([]Format(nil), formats...)
}

// Lookup returns the format with the given name.
func Lookup(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Options configures [Decode]. The zero value detects the format and uses
// the default limits.
type Options struct {
	findings.DecodeOptions
	// Format names the decoder to use (see [Formats]), skipping detection.
	// Empty means detect.
	Format string
}

// Decode reads one document from r: it detects the format from the first
// bytes (unless opts.Format names one), then hands every finding and VEX
// statement to h, in document order. It returns the format's name.
//
// When r is an [io.ReadSeeker] (an *os.File, a *bytes.Reader), the decoder
// receives r itself, positioned where it was, so that decoders able to make
// two passes (SARIF whose results precede their tool section) do so instead
// of buffering.
//
// Errors are [*findings.DecodeError]s; an unrecognized input wraps
// [findings.ErrUnsupportedFormat].
func Decode(r io.Reader, opts Options, h findings.Handler) (string, error) {
	if opts.Format != "" {
		f, ok := Lookup(opts.Format)
		if !ok {
			return "", &findings.DecodeError{File: opts.Name, Format: opts.Format, Offset: -1,
				Err: fmt.Errorf("%w: no decoder named %q", findings.ErrUnsupportedFormat, opts.Format)}
		}
		return f.Name, f.Decode(r, opts.DecodeOptions, h)
	}
	head, rest, err := peek(r)
	if err != nil {
		return "", &findings.DecodeError{File: opts.Name, Offset: int64(len(head)), Err: err}
	}
	name, err := Detect(head)
	if err != nil {
		return "", &findings.DecodeError{File: opts.Name, Offset: 0, Err: err}
	}
	f, _ := Lookup(name)
	return f.Name, f.Decode(rest, opts.DecodeOptions, h)
}

// DecodeFile opens the file at path and decodes it with [Decode]. When
// opts.Name is empty, errors and [findings.Source.File] name path.
func DecodeFile(path string, opts Options, h findings.Handler) (string, error) {
	if opts.Name == "" {
		opts.Name = path
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return Decode(f, opts, h)
}

// peek returns the first SniffBytes of r and a reader that yields all of r
// from its start.
func peek(r io.Reader) ([]byte, io.Reader, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		pos, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			buf := make([]byte, limits.SniffBytes)
			n, err := io.ReadFull(rs, buf)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
				return buf[:n], nil, err
			}
			if _, err := rs.Seek(pos, io.SeekStart); err != nil {
				return buf[:n], nil, err
			}
			return buf[:n], rs, nil
		}
	}
	br := bufio.NewReaderSize(r, limits.SniffBytes)
	head, err := br.Peek(limits.SniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return head, nil, err
	}
	return head, br, nil
}
