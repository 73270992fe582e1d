package osvscanner_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/osvscanner"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `1E1000`, `{"results":[]}`, `{"results":null}`,
		`{"results":[{"source":{"path":"p","type":"lockfile"},"packages":[{"package":{"name":"a","version":"1","ecosystem":"npm"},"vulnerabilities":[{"id":"GHSA-1","database_specific":{"severity":"HIGH","cwe_ids":["CWE-79"]}}],"groups":[{"ids":["GHSA-1"],"max_severity":"7.5"}]}]}]}`,
		`{"results":[{"packages":[{"package":{"commit":"abc"},"vulnerabilities":[{"id":"CVE-1","affected":[{"ranges":[{"type":"GIT","events":[{"fixed":"def"}]}]}]}]}],"source":{"path":"/r","type":"git"}}]}`,
		`{"results":[{"source":{"path":"p"},"packages":[{"package":{"name":"a"},"license_violations":["MIT"]}]}]}`,
		strings3,
	} {
		f.Add([]byte(seed))
	}
	for _, path := range testcorpus.Glob("osv-scanner/*/*") {
		// Files beyond 128 KiB (many_findings.json) are left out: the
		// fuzzer spends its time minimizing mutations of them.
		if b, err := os.ReadFile(path); err == nil && len(b) <= 128<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := findings.DecodeOptions{Name: "fuzz.json", Limits: findings.Limits{MaxDocumentBytes: 1 << 20}}
		err := osvscanner.Decode(bytes.NewReader(data), opts, findings.Handler{
			Finding: func(fd findings.Finding) error {
				if !fd.Severity.Valid() || !fd.Kind.Valid() || fd.ID == "" {
					t.Fatalf("bad finding: severity %q kind %q id %q", fd.Severity, fd.Kind, fd.ID)
				}
				return nil
			},
		})
		if err != nil {
			var de *findings.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *findings.DecodeError: %T %v", err, err)
			}
			if de.Offset < -1 || de.Offset > int64(len(data)) {
				t.Fatalf("offset %d outside the input of %d bytes: %v", de.Offset, len(data), err)
			}
		}
	})
}

// strings3 is a document with a package before its source and a deep
// database_specific value.
const strings3 = `{"results":[{"packages":[{"package":{"name":"x","ecosystem":"Debian:12"},"vulnerabilities":[{"id":"DSA-1","database_specific":{"a":[[[[{}]]]]},"severity":[{"type":"Ubuntu","score":"high"}]}]}],"source":{"path":"img","type":"docker"}}]}`
