package kev

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Top-level members of the JSON catalog.
const (
	memberTitle           = "title"
	memberCatalogVersion  = "catalogVersion"
	memberDateReleased    = "dateReleased"
	memberCount           = "count"
	memberVulnerabilities = "vulnerabilities"
)

// readJSON reads the whole document, at most maxCatalogBytes, and checks
// its syntax before it walks it, so that the offset of a syntax error is
// exact and no entry is built from a document that turns out to be
// truncated.
func (p *parser) readJSON(br *bufio.Reader, bomLen int64) (*Catalog, error) {
	data, err := p.readGuarded(br, bomLen)
	if err != nil {
		return nil, err
	}
	if !json.Valid(data) {
		return nil, p.syntaxErr(data, bomLen)
	}
	start := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	if data[start] != '{' {
		return nil, p.errAt(bomLen+int64(start), "", ErrInvalid, "the catalog is not a JSON object")
	}

	var (
		title, version string
		released       time.Time
		count          int64
		countOff       int64
		entries        []Entry
		seen           = map[string]bool{}
	)
	err = members(data[start:], func(key string, val []byte, at int) error {
		off := bomLen + int64(start+at)
		switch key {
		case memberTitle, memberCatalogVersion, memberDateReleased, memberCount, memberVulnerabilities:
			if seen[key] {
				return p.errAt(off, key, ErrInvalid, "repeated member")
			}
			seen[key] = true
		}
		switch key {
		case memberTitle:
			if isNull(val) {
				return nil
			}
			s, ok := jsonString(val)
			if !ok {
				return p.errAt(off, key, ErrInvalid, "must be a string")
			}
			title = s
		case memberCatalogVersion:
			s, ok := jsonString(val)
			if !ok {
				return p.errAt(off, key, ErrInvalid, "must be a string")
			}
			version = s
		case memberDateReleased:
			s, ok := jsonString(val)
			if !ok {
				return p.errAt(off, key, ErrInvalid, "must be a string")
			}
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return p.errAt(off, key, ErrInvalid, "%s is not an RFC 3339 date-time", quote(s))
			}
			released = t.UTC()
		case memberCount:
			n, err := strconv.ParseInt(string(val), 10, 64)
			if err != nil || n < 0 {
				return p.errAt(off, key, ErrInvalid, "must be a non-negative integer, not %s", quote(string(val)))
			}
			count, countOff = n, off
		case memberVulnerabilities:
			if val[0] != '[' {
				return p.errAt(off, key, ErrInvalid, "must be an array")
			}
			var err error
			entries, err = p.jsonEntries(val, off)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, p.walkErr(err)
	}
	for _, key := range []string{memberCatalogVersion, memberDateReleased, memberCount, memberVulnerabilities} {
		if !seen[key] {
			return nil, p.errAt(-1, key, ErrInvalid, "required member missing")
		}
	}
	if count != int64(len(entries)) {
		return nil, p.errAt(countOff, memberCount, ErrInvalid, "count is %d, but the catalog holds %d entries", count, len(entries))
	}
	return newCatalog(title, version, released, entries), nil
}

// readGuarded reads the document through a JSON guard that bounds
// nesting (limits.MaxDepth) and strings (limits.MaxStringBytes) as the
// bytes arrive, so that a hostile document stops the read where it
// breaks a limit; the document itself is bounded by maxCatalogBytes. A
// syntax error the guard finds does not stop the read: the rest is read
// as it is (still bounded) and located below with encoding/json's words.
func (p *parser) readGuarded(br *bufio.Reader, bomLen int64) ([]byte, error) {
	var buf bytes.Buffer
	lr := io.LimitReader(br, maxCatalogBytes+1)
	g := jsonstream.NewReader(io.TeeReader(lr, &buf), findings.Limits{})
	_, err := io.Copy(io.Discard, g)
	var syn *jsonstream.SyntaxError
	var le *findings.LimitError
	switch {
	case err == nil:
	case errors.As(err, &syn):
		if _, err := io.Copy(&buf, lr); err != nil {
			return nil, p.readErr(0, err)
		}
	case errors.As(err, &le):
		what := "nesting deeper than %d levels"
		if le.Limit == "MaxStringBytes" {
			what = "a string longer than %d bytes"
		}
		return nil, p.errAt(bomLen+g.ErrOffset(), "", ErrLimit, what, le.Max)
	default:
		return nil, p.readErr(0, err)
	}
	if int64(buf.Len()) > maxCatalogBytes {
		return nil, p.errAt(bomLen+maxCatalogBytes, "", ErrLimit, "document larger than %d bytes", maxCatalogBytes)
	}
	return buf.Bytes(), nil
}

// jsonEntries reads the vulnerabilities array val found at offset off.
func (p *parser) jsonEntries(val []byte, off int64) ([]Entry, error) {
	var entries []Entry
	first := map[string]int{}
	err := elements(val, func(i int, ev []byte, at int) error {
		e, cveOff, err := p.jsonEntry(i, ev, off+int64(at))
		if err != nil {
			return err
		}
		if j, dup := first[e.CVE]; dup {
			return p.errAt(cveOff, entryPath(i, fieldCVE), ErrInvalid,
				"duplicate entry for %s (first at %s)", e.CVE, entryPath(j, ""))
		}
		first[e.CVE] = i
		entries = append(entries, e)
		return nil
	})
	return entries, err
}

// jsonEntry reads element i of the vulnerabilities array, found at offset
// off. It returns the entry and the offset of its cveID value.
func (p *parser) jsonEntry(i int, val []byte, off int64) (Entry, int64, error) {
	var e Entry
	if val[0] != '{' {
		return e, 0, p.errAt(off, entryPath(i, ""), ErrInvalid, "entry is not an object")
	}
	var (
		seen   [len(allFields)]bool
		cveOff int64
	)
	err := members(val, func(key string, fv []byte, at int) error {
		foff := off + int64(at)
		idx := fieldIndex(key)
		if idx < 0 {
			return nil
		}
		if seen[idx] {
			return p.errAt(foff, entryPath(i, key), ErrInvalid, "repeated member")
		}
		seen[idx] = true
		if key == fieldCVE {
			cveOff = foff
		}
		if key == fieldCWEs {
			return p.jsonCWEs(&e, i, fv, foff)
		}
		if isNull(fv) && idx >= len(requiredFields) {
			return nil
		}
		s, ok := jsonString(fv)
		if !ok {
			return p.errAt(foff, entryPath(i, key), ErrInvalid, "must be a string")
		}
		if msg := setField(&e, key, s); msg != "" {
			return p.errAt(foff, entryPath(i, key), ErrInvalid, "%s", msg)
		}
		return nil
	})
	if err != nil {
		return e, 0, err
	}
	for idx, name := range requiredFields {
		if !seen[idx] {
			return e, 0, p.errAt(off, entryPath(i, name), ErrInvalid, "required member missing")
		}
	}
	return e, cveOff, nil
}

func (p *parser) jsonCWEs(e *Entry, i int, val []byte, off int64) error {
	if isNull(val) {
		return nil
	}
	if val[0] != '[' {
		return p.errAt(off, entryPath(i, fieldCWEs), ErrInvalid, "must be an array")
	}
	return elements(val, func(j int, cv []byte, at int) error {
		s, ok := jsonString(cv)
		if !ok || !validCWE(s) {
			return p.errAt(off+int64(at), entryPath(i, fieldCWEs)+"["+strconv.Itoa(j)+"]", ErrInvalid,
				"%s is not a CWE ID (CWE-NNN)", quote(string(cv)))
		}
		e.CWEs = append(e.CWEs, s)
		return nil
	})
}

// entryPath is the path of field (or of the entry, when field is empty)
// of element i of the vulnerabilities array.
func entryPath(i int, field string) string {
	s := memberVulnerabilities + "[" + strconv.Itoa(i) + "]"
	if field != "" {
		s += "." + field
	}
	return s
}

// syntaxErr locates the syntax error in data, which json.Valid rejected.
// A NUL byte, invalid everywhere in JSON, is appended so that a document
// that merely ends too early fails at its end, which tells that case
// apart from an error in its last byte.
func (p *parser) syntaxErr(data []byte, base int64) error {
	err := json.Unmarshal(append(data, 0), new(json.RawMessage))
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return p.errAt(-1, "", ErrSyntax, "%v", err)
	}
	at := se.Offset - 1 // the scanner counts the offending byte
	if at >= int64(len(data)) {
		return p.errAt(base+int64(len(data)), "", ErrSyntax, "unexpected end of input")
	}
	return p.errAt(base+at, "", ErrSyntax, "%s", se.Error())
}

// walkErr passes a *ParseError through; anything else is an error of
// encoding/json on a document json.Valid accepted, which does not happen,
// but would be a syntax error.
func (p *parser) walkErr(err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	return p.errAt(-1, "", ErrSyntax, "%v", err)
}

// The walkers below run over documents that json.Valid accepted, so they
// need not check the grammar, only stay inside the bounds: they return
// errMalformed rather than panic should that assumption ever break.

var errMalformed = errors.New("malformed document")

// members calls fn for each member of the JSON object that starts at
// data[0], with the member's key, its value's bytes and their offset in
// data.
func members(data []byte, fn func(key string, val []byte, at int) error) error {
	if len(data) == 0 || data[0] != '{' {
		return errMalformed
	}
	i := skipSpace(data, 1)
	for i < len(data) && data[i] != '}' {
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
		kend := valueEnd(data, i)
		key, ok := jsonString(data[i:kend])
		i = skipSpace(data, kend)
		if !ok || i >= len(data) || data[i] != ':' {
			return errMalformed
		}
		i = skipSpace(data, i+1)
		end := valueEnd(data, i)
		if end <= i {
			return errMalformed
		}
		if err := fn(key, data[i:end], i); err != nil {
			return err
		}
		i = skipSpace(data, end)
	}
	if i >= len(data) {
		return errMalformed
	}
	return nil
}

// elements calls fn for each element of the JSON array that starts at
// data[0], with the element's index, its bytes and their offset in data.
func elements(data []byte, fn func(i int, val []byte, at int) error) error {
	if len(data) == 0 || data[0] != '[' {
		return errMalformed
	}
	i := skipSpace(data, 1)
	for n := 0; i < len(data) && data[i] != ']'; n++ {
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
		end := valueEnd(data, i)
		if end <= i {
			return errMalformed
		}
		if err := fn(n, data[i:end], i); err != nil {
			return err
		}
		i = skipSpace(data, end)
	}
	if i >= len(data) {
		return errMalformed
	}
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// valueEnd returns the index just past the value that starts at data[i].
func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = stringEnd(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	j := i // a number or a literal
	for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' &&
		data[j] != ' ' && data[j] != '\t' && data[j] != '\r' && data[j] != '\n' {
		j++
	}
	return j
}

// stringEnd returns the index just past the string that starts at data[i].
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

func isNull(val []byte) bool { return string(val) == "null" }

// jsonString decodes a JSON string value; ok is false for any other value.
// Invalid UTF-8 becomes U+FFFD, as encoding/json does.
func jsonString(val []byte) (string, bool) {
	if len(val) < 2 || val[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(val, '\\') < 0 && utf8.Valid(val) {
		return string(val[1 : len(val)-1]), true
	}
	var s string
	if err := json.Unmarshal(val, &s); err != nil {
		return "", false
	}
	return s, true
}
