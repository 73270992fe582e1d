package github

import (
	"errors"
	"io"
	"os"
	"strings"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/internal/sniff"
)

// DefaultMaxBytes is the largest input [Read] accepts when
// [Options.MaxBytes] is zero: 256 MiB.
const DefaultMaxBytes = 256 << 20

// Options configures [Read]. The zero value is valid. Options is a plain
// value: safe to copy and to share between goroutines.
type Options struct {
	// File is the input's name, used in every [access.Source] and
	// [*access.ParseError]; "" when there is none.
	File string
	// MaxBytes bounds the input size; a larger input fails with an error
	// wrapping [access.ErrLimit]. Zero (or less) means [DefaultMaxBytes].
	MaxBytes int64
}

// Read reads a GitHub organization export or a recording of GitHub REST
// API exchanges (see the package documentation) from r and returns the
// access model it describes, sorted with [access.Model.Sort].
//
// Bad input gives a [*access.ParseError] naming the file, line and JSON
// pointer of the problem and wrapping [access.ErrSyntax]; input that is
// not GitHub data at all (YAML, Terraform, another JSON format) wraps
// [access.ErrUnsupported]; input over [Options.MaxBytes] wraps
// [access.ErrLimit]. No partial model is returned with an error.
//
// Read is safe for concurrent use: it keeps no state between calls.
func Read(r io.Reader, opts Options) (*access.Model, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	data, err := jsondoc.ReadAll(r, opts.File, max)
	var pe *access.ParseError
	if errors.As(err, &pe) {
		return nil, err
	}
	if err != nil {
		return nil, &access.ParseError{File: opts.File, Message: "read: " + err.Error(), Err: access.ErrSyntax}
	}
	return parse(data, opts.File)
}

// ReadFile reads the file at path with [Read], using path as
// [Options.File].
func ReadFile(path string) (*access.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, Options{File: path})
}

// Detect reports whether data (the whole input or its first bytes) looks
// like input [Read] reads: a JSON array of recorded exchanges with GitHub
// API paths, or a JSON object with the top-level keys of the export
// format. It reads at most the first 64 KiB and does not validate. It is
// safe for concurrent use.
func Detect(data []byte) bool {
	if len(data) > limits.SniffBytes {
		data = data[:limits.SniffBytes]
	}
	p := sniff.New(data)
	if p.Syntax != sniff.JSON {
		return false
	}
	if p.Array {
		if !p.Has("method") || !p.Has("path") || !p.Has("response") {
			return false
		}
		return apiPath(p.Value("path")) || strings.Contains(p.Value("scope"), "github")
	}
	switch {
	case p.Has("organization") && p.Has("organization.login"),
		p.Has("outside_collaborators"), p.Has("members_2fa_disabled"),
		p.Has("repositories[].full_name"),
		p.Has("teams[].slug"),
		p.Has("members[].login"):
		return true
	}
	return false
}
