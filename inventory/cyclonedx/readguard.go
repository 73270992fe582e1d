package cyclonedx

import (
	"errors"
	"fmt"
	"io"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
	"github.com/aspmkit/aspm/internal/xmlstream"
)

// readGuarded reads a BOM whole, at most lim.MaxDocumentBytes, checking
// the other limits as the bytes arrive: an XML document passes through
// xmlstream's guard (text nodes, attributes, comments, DOCTYPE and tags
// bounded in raw bytes, depth), a JSON one through jsonstream's (syntax,
// depth, string size). A hostile document therefore stops the read where
// it breaks a limit instead of being buffered up to a gigabyte first. The
// error is an [*Error] naming file and the offset, wrapping [ErrLimit] or
// [ErrSyntax], or the reader's own error.
func readGuarded(r io.Reader, lim findings.Limits, file string) ([]byte, error) {
	var jg *jsonstream.Reader
	raw, off, err := xmlstream.ReadAll(r, lim, func(r io.Reader) io.Reader {
		jg = jsonstream.NewReader(r, lim)
		return jg
	})
	if err == nil {
		return raw, nil
	}
	var syn *jsonstream.SyntaxError
	var le *findings.LimitError
	switch {
	case errors.As(err, &syn):
		return nil, newError(file, raw, syn.Offset, "", fmt.Errorf("%w: %s", ErrSyntax, syn.Msg))
	case errors.As(err, &le):
		if jg != nil && jg.ErrOffset() >= 0 {
			off = jg.ErrOffset()
		}
		return nil, newError(file, raw, off, "", fmt.Errorf("%w: %w", ErrLimit, le))
	}
	return nil, fmt.Errorf("cyclonedx: reading %s: %w", cmpOr(file, "input"), err)
}
