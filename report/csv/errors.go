package csv

import (
	"errors"
	"strconv"
)

// ErrOptions is the cause of every error about [Options]; the chain holds
// an [*OptionError] with the details.
var ErrOptions = errors.New("csv: invalid options")

// OptionError reports an option [Write] cannot use. Test for it with
// [errors.As], or for its cause with errors.Is(err, [ErrOptions]). It is
// a plain value, safe for concurrent reads.
type OptionError struct {
	// Option names the option, like "Columns[2]" or "Comma".
	Option string
	// Value is the offending value, quoted as Go would.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

func (e *OptionError) Error() string {
	return "csv: invalid options: " + e.Option + " " + e.Value + ": " + e.Reason
}

// Unwrap returns [ErrOptions].
func (e *OptionError) Unwrap() error { return ErrOptions }

func optionError(option string, value any, reason string) error {
	var v string
	switch x := value.(type) {
	case string:
		v = strconv.Quote(x)
	case rune:
		v = strconv.QuoteRune(x)
	case int:
		v = strconv.Itoa(x)
	}
	return &OptionError{Option: option, Value: v, Reason: reason}
}
