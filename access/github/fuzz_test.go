package github

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// FuzzRead checks that Read never panics or hangs, that an error is always
// a *access.ParseError wrapping one of the access sentinels, and that a
// model it returns is valid.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	seeds = append(seeds, testcorpus.Glob(corpusDir+"*.json")...)
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `[{}]`, `{"members": null}`,
		`{"organization": {"login": "a"}, "teams": [{"slug": "t", "parent": {"slug": "p"}, "members": [{"login": "u"}]}]}`,
		`[{"method":"GET","path":"/orgs/a/teams/t/repos?x=%zz","status":200,"response":[{"full_name":"a/r","role_name":"x"}]}]`,
		`[{"method":"GET","path":"/repos/a/b/teams","status":200,"response":[{"slug":"t","permission":"push"}]}]`,
		`{"organization": {"login": "a"}, "admins": [{"login": "u"}], "admins": []}`,
		`{"organization": {"login": "a"}, "members": [{"login": "u", "Login": "v"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(bytes.NewReader(data), Options{File: "fuzz.json"})
		if err != nil {
			var pe *access.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *access.ParseError: %v", err)
			}
			if !errors.Is(err, access.ErrSyntax) && !errors.Is(err, access.ErrUnsupported) && !errors.Is(err, access.ErrLimit) {
				t.Fatalf("error wraps no access sentinel: %v", err)
			}
			if m != nil {
				t.Fatal("model returned with an error")
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("invalid model: %v", err)
		}
		_ = Detect(data)
	})
}
