package gitleaks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "gitleaks"

// toolName is the scanner's name as gitleaks spells it.
const toolName = "gitleaks"

// leak holds the fields of one leak that the decoder uses, in both report
// generations. encoding/json prefers an exact key match, so the v8 and v7
// spellings of one name ("Commit", "commit") land in their own fields. The
// matched text (Match, line) is deliberately absent: it holds the secret.
type leak struct {
	// gitleaks v8.
	RuleID      string   `json:"RuleID"`
	Description string   `json:"Description"`
	StartLine   int      `json:"StartLine"`
	EndLine     int      `json:"EndLine"`
	StartColumn int      `json:"StartColumn"`
	EndColumn   int      `json:"EndColumn"`
	Secret      string   `json:"Secret"`
	File        string   `json:"File"`
	SymlinkFile string   `json:"SymlinkFile"`
	Commit      string   `json:"Commit"`
	Link        string   `json:"Link"`
	Entropy     float64  `json:"Entropy"`
	Author      string   `json:"Author"`
	Date        string   `json:"Date"`
	Tags        []string `json:"Tags"`
	Fingerprint string   `json:"Fingerprint"`

	// gitleaks v7.
	Rule       string `json:"rule"`
	LineNumber int    `json:"lineNumber"`
	Offender   string `json:"offender"`
	Commit7    string `json:"commit"`
	Repo       string `json:"repo"`
	RepoURL    string `json:"repoURL"`
	LeakURL    string `json:"leakURL"`
	Author7    string `json:"author"`
	File7      string `json:"file"`
	Date7      string `json:"date"`
	Tags7      string `json:"tags"`
	Operation  string `json:"operation"`
}

// Decode reads one gitleaks JSON report (v7 or v8) from r and hands each
// leak, as a finding of kind secret, to h in document order. It returns nil
// when the whole report was read; a report of null or [] has no findings.
// Bad input gives a [*findings.DecodeError]; an error returned by h is
// returned unchanged. Decode keeps no state between calls; concurrent
// calls on different readers are safe.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	g := jsonstream.NewReader(r, opts.Limits)
	dec := json.NewDecoder(g)
	em := findings.NewEmitter(h, opts, Format)
	fail := func(err error, path string) error {
		return jsonstream.Error(err, g, dec, opts.Name, Format, path)
	}
	invalid := func(offset int64, path, format string, args ...any) error {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: offset, Path: path,
			Err: fmt.Errorf("%w: "+format, append([]any{findings.ErrInvalid}, args...)...)}
	}

	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return &findings.DecodeError{File: opts.Name, Format: Format, Offset: g.Offset(),
			Err: fmt.Errorf("%w: empty input", findings.ErrSyntax)}
	}
	if err != nil {
		return fail(err, "")
	}
	switch t := tok.(type) {
	case nil:
		// gitleaks v7 writes null when it found no leaks.
		return expectEOF(dec, g, opts.Name)
	case json.Delim:
		if t != '[' {
			return invalid(dec.InputOffset()+g.BOMLen()-1, "", "expected an array of leaks, found an object")
		}
	default:
		return invalid(dec.InputOffset()+g.BOMLen(), "", "expected an array of leaks, found %s", jsonstream.Describe(tok))
	}

	for i := 0; dec.More(); i++ {
		path := "[" + strconv.Itoa(i) + "]"
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(err, path)
		}
		start := dec.InputOffset() - int64(len(raw))
		if bytes.Equal(raw, []byte("null")) {
			return invalid(start+g.BOMLen(), path, "leak is null")
		}
		var l leak
		if err := json.Unmarshal(raw, &l); err != nil {
			return fail(shift(err, start), path)
		}
		f, err := l.finding()
		if err != nil {
			return invalid(start+g.BOMLen(), path, "%s", err.Error())
		}
		if err := em.Finding(f); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return fail(err, "")
	}
	return expectEOF(dec, g, opts.Name)
}

// finding maps one leak.
func (l *leak) finding() (findings.Finding, error) {
	rule := first(strings.TrimSpace(l.RuleID), strings.TrimSpace(l.Rule))
	title := first(strings.TrimSpace(l.Description), rule)
	if title == "" {
		return findings.Finding{}, errors.New("leak names no rule (no RuleID, rule or Description)")
	}
	f := findings.Finding{
		Kind:     findings.KindSecret,
		Tool:     findings.Tool{Name: toolName},
		RuleID:   rule,
		Title:    title,
		Severity: findings.SeverityUnknown,
		Location: findings.Location{Path: first(l.File, l.File7)},
	}
	reg := findings.Region{
		StartLine:   positive(first(l.StartLine, l.LineNumber)),
		EndLine:     positive(l.EndLine),
		StartColumn: positive(l.StartColumn),
		EndColumn:   positive(l.EndColumn),
	}
	if reg != (findings.Region{}) {
		f.Location.Region = &reg
	}
	if l.Fingerprint != "" {
		f.Fingerprints = map[string]string{"gitleaks": l.Fingerprint}
	}

	props := map[string]any{}
	secret := first(l.Secret, l.Offender)
	if redacted(secret) {
		props["redacted"] = true
	} else {
		f.SecretHash = findings.HashSecret(secret)
	}
	setString(props, "commit", first(l.Commit, l.Commit7))
	setString(props, "author", first(l.Author, l.Author7))
	if d := first(l.Date, l.Date7); !zeroDate(d) {
		setString(props, "date", d)
	}
	setString(props, "leak_url", first(l.Link, l.LeakURL))
	setString(props, "repo", l.Repo)
	setString(props, "repo_url", l.RepoURL)
	setString(props, "operation", l.Operation)
	setString(props, "symlink_file", l.SymlinkFile)
	if l.Entropy != 0 {
		props["entropy"] = l.Entropy
	}
	if tags := tagList(l.Tags, l.Tags7); len(tags) > 0 {
		props["tags"] = tags
	}
	f.Properties = props
	return f, nil
}

// redacted reports whether a reported secret was hidden: gitleaks --redact
// writes "REDACTED", --redact=N keeps a prefix followed by "...", and some
// wrappers mask with asterisks.
func redacted(secret string) bool {
	return strings.Contains(secret, "REDACTED") || strings.HasSuffix(secret, "...") ||
		strings.Contains(secret, "***")
}

// zeroDate reports whether d is empty or Go's zero time, which gitleaks v7
// writes for directory scans.
func zeroDate(d string) bool {
	d = strings.TrimSpace(d)
	return d == "" || strings.HasPrefix(d, "0001-01-01T00:00:00")
}

// tagList returns the v8 tag array, or the v7 comma-separated tags split.
func tagList(v8 []string, v7 string) []string {
	var out []string
	for _, t := range v8 {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	for _, t := range strings.Split(v7, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func setString(props map[string]any, key, value string) {
	if value = strings.TrimSpace(value); value != "" {
		props[key] = value
	}
}

func first[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}

func positive(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// shift makes the offset of a type error found in a record relative to the
// whole input instead of to the record.
func shift(err error, start int64) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		typ.Offset += start
	}
	return err
}

// expectEOF checks that nothing but white space follows the document.
func expectEOF(dec *json.Decoder, g *jsonstream.Reader, name string) error {
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return jsonstream.Error(err, g, dec, name, Format, "")
	}
	return &findings.DecodeError{File: name, Format: Format, Offset: dec.InputOffset() + g.BOMLen(),
		Err: fmt.Errorf("%w: unexpected %s after the report", findings.ErrSyntax, jsonstream.Describe(tok))}
}
