package cvss

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Test for them with [errors.Is].
var (
	// ErrInvalid: the text is not a valid CVSS vector of a supported
	// version. The error chain holds a [*ParseError] with the details.
	ErrInvalid = errors.New("cvss: invalid vector")
	// ErrOptions: an [Options] field holds a value this package does not
	// know.
	ErrOptions = errors.New("cvss: invalid options")
)

// MaxVectorBytes is the longest text, after trimming surrounding white
// space, that [Parse] reads. The longest valid vector (every CVSS v4.0
// metric given) has under 200 bytes.
const MaxVectorBytes = 1024

// ParseError reports why a text is not a valid CVSS vector: which vector,
// which metric (when one is at fault) and the reason. Its Unwrap returns
// [ErrInvalid], so errors.Is(err, ErrInvalid) holds. A ParseError is a plain
// value, safe for concurrent use.
type ParseError struct {
	// Vector is the text given to Parse, trimmed of surrounding white space;
	// a text longer than MaxVectorBytes is cut short and ends in "...".
	Vector string
	// Metric is the abbreviation of the metric at fault as it appears in
	// the vector ("AV", "MSI"), "CVSS" for an unsupported version prefix,
	// or empty when no single metric is at fault.
	Metric string
	// Reason says what is wrong, in lower case.
	Reason string
}

// Error returns `cvss: invalid vector "TEXT": metric M: REASON`.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("cvss: invalid vector ")
	b.WriteString(quoteCut(e.Vector, maxQuotedVector))
	if e.Metric != "" {
		b.WriteString(": metric ")
		b.WriteString(metricName(e.Metric))
	}
	b.WriteString(": ")
	if e.Reason == "" {
		b.WriteString("unknown reason")
	} else {
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns [ErrInvalid].
func (e *ParseError) Unwrap() error { return ErrInvalid }

// metricName returns a metric's abbreviation for an error message: as it
// is when it is short printable ASCII, as all real ones are, else quoted
// (and cut to 64 bytes), so that the message stays short and valid UTF-8
// whatever the vector held.
func metricName(m string) string {
	plain := len(m) <= 64
	for i := 0; plain && i < len(m); i++ {
		plain = m[i] > ' ' && m[i] < 0x7f && m[i] != '"'
	}
	switch {
	case plain:
		return m
	}
	return quoteCut(m, 64)
}

// maxQuotedVector is how much of a vector an error message quotes: more
// than any real vector holds.
const maxQuotedVector = 320

// quoteCut quotes s, cut to its first n bytes (then followed by "...").
// Quoting may write four bytes for one (invalid UTF-8 as \xNN), so a
// message built of cut quotes stays short whatever the input held.
func quoteCut(s string, n int) string {
	if len(s) > n {
		return strconv.Quote(s[:n]) + "..."
	}
	return strconv.Quote(s)
}

func parseError(vector, metric, reason string) *ParseError {
	if len(vector) > MaxVectorBytes {
		vector = vector[:64] + "..."
	}
	return &ParseError{Vector: vector, Metric: metric, Reason: reason}
}
