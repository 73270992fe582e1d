package sarif

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// FuzzDecode checks that Decode never panics, that every error is a
// *findings.DecodeError, that every finding is well-formed, and that
// seekable and plain readers agree.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"",
		"\xEF\xBB\xBF",
		"null",
		`{"version":"2.1.0","runs":[]}`,
		`{"version":"2.1.0","runs":null}`,
		`{"version":"2.0.0","runs":[]}`,
		minimal,
		`{"version":"2.1.0","runs":[{"results":[{"ruleIndex":0,"level":"note"}],"tool":{"driver":{"name":"S","rules":[{"id":"R"}]}}}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S"}},"originalUriBaseIds":{"A":{"uri":"x/","uriBaseId":"A"}},"results":[{"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a","uriBaseId":"A","index":0}}}],"fingerprints":{"a":{"value":"b"}},"suppressions":[{"kind":"inSource"}],"taxa":[{"index":0,"toolComponent":{"index":0}}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"S","rules":[{"id":"R","messageStrings":{"m":{"text":"{0}{1}{{"}}}]}},"results":[{"ruleId":"R","message":{"id":"m","arguments":["a"]}}]}]}`,
	} {
		f.Add([]byte(seed))
	}
	for _, path := range testcorpus.Glob("sarif/*/*") {
		b, err := os.ReadFile(path)
		if err == nil && len(b) < 64<<10 { // larger seeds slow minimization down
			f.Add(b)
		}
	}
	lim := findings.Limits{MaxDepth: 64, MaxStringBytes: 1 << 20, MaxDocumentBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got [2][]findings.Finding
		var errs [2]error
		for i, r := range []io.Reader{bytes.NewReader(data), onlyReader{bytes.NewReader(data)}} {
			err := Decode(r, findings.DecodeOptions{Name: "fuzz", Limits: lim}, findings.Handler{
				Finding: func(f findings.Finding) error {
					if !f.Severity.Valid() || !f.Kind.Valid() || f.ID == "" {
						t.Fatalf("malformed finding: %+v", f)
					}
					if s, ok := invalidUTF8(reflect.ValueOf(f)); ok {
						t.Fatalf("invalid UTF-8 in a finding: %q", s)
					}
					got[i] = append(got[i], f)
					return nil
				},
			})
			if err != nil {
				var de *findings.DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("error is not a *findings.DecodeError: %T %v", err, err)
				}
			}
			errs[i] = err
		}
		if (errs[0] == nil) != (errs[1] == nil) {
			t.Fatalf("seekable and plain readers disagree: %v / %v", errs[0], errs[1])
		}
		if errs[0] == nil && len(got[0]) != len(got[1]) {
			t.Fatalf("seekable and plain readers disagree: %d / %d findings", len(got[0]), len(got[1]))
		}
	})
}

// invalidUTF8 returns the first string reachable from v that is not valid
// UTF-8: encoding/json replaces invalid bytes with U+FFFD, and so must
// every fast path of the decoder.
func invalidUTF8(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return v.String(), true
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return invalidUTF8(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if s, ok := invalidUTF8(v.Field(i)); ok {
				return s, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s, ok := invalidUTF8(v.Index(i)); ok {
				return s, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if s, ok := invalidUTF8(it.Key()); ok {
				return s, true
			}
			if s, ok := invalidUTF8(it.Value()); ok {
				return s, true
			}
		}
	}
	return "", false
}
