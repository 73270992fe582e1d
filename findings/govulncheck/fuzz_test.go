package govulncheck_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/govulncheck"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func FuzzDecode(f *testing.F) {
	cfg := `{"config":{"scanner_name":"govulncheck","scanner_version":"v1.1.0","scan_level":"symbol"}}`
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `1E1000`, cfg, "[" + cfg + "]",
		cfg + osvMsg + modFinding + pkgFinding + symFinding,
		"[" + cfg + "," + osvMsg + "," + symFinding + "]",
		`{"Vulns":[{"OSV":{"id":"GO-1"},"Symbol":"F","PkgPath":"p","ModPath":"m","CallSink":1}],"Calls":{"Functions":{"1":{"ID":1,"Name":"F","CallSites":[{"Parent":2,"Pos":{"Filename":"a.go","Line":1}}]},"2":{"ID":2,"Name":"main","RecvType":"*p.T","PkgPath":"app"}}},"Modules":[{"Path":"app"},{"Path":"m","Version":"v1.0.0"}]}`,
	} {
		f.Add([]byte(seed))
	}
	for _, path := range testcorpus.Glob("govulncheck/*/*") {
		// Files beyond 128 KiB (issue_14642.json) are left out: the fuzzer
		// spends its time minimizing mutations of them.
		if b, err := os.ReadFile(path); err == nil && len(b) <= 128<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := findings.DecodeOptions{Name: "fuzz.json", Limits: findings.Limits{MaxDocumentBytes: 1 << 20}}
		err := govulncheck.Decode(bytes.NewReader(data), opts, findings.Handler{
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
