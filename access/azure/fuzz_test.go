package azure_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/azure"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// FuzzRead checks that Read never panics and returns either a valid model
// or a *access.ParseError, never both.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	seeds = append(seeds, testcorpus.Glob("access/gcp-iam/iam-dataset-gcp/roles_owner.json")...)
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`[{"roleName":"r","roleType":"CustomRole","permissions":[{"actions":["*"],"notActions":["a"],"dataActions":["d"],"notDataActions":["n"],"condition":"c","conditionVersion":"2.0"}],"assignableScopes":["/s/"]}]`,
		`{"value":[{"type":"Microsoft.Authorization/roleAssignments","properties":{"principalId":"p","principalType":"Group","roleDefinitionId":"/x/G","scope":"/"}},{"name":"g","properties":{"roleName":"r","type":"BuiltInRole"}}]}`,
		`{"Name":"r","IsCustom":false,"Actions":["a"],"AssignableScopes":["/"]}`,
		`[{"principalName":"a#EXT#","principalType":"User","roleDefinitionName":"Owner","scope":"/"},{"principalId":"p","principalType":"ForeignGroup","roleDefinitionId":"x","scope":"/a"}]`,
		"[request_definition]\n",
		`[{"roleName":"r","permissions":[{"actions":[1]}]}]`,
		`[{"principalId":"p","roleDefinitionName":"Reader","RoleDefinitionName":"Owner","scope":"/"}]`,
		`[{"roleName":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		azure.Detect(data)
		m, err := azure.Read(bytes.NewReader(data), azure.Options{File: "fuzz.json"})
		if err != nil {
			if m != nil {
				t.Fatalf("model and error: %v", err)
			}
			var pe *access.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
			if pe.Line < 0 {
				t.Fatalf("negative line: %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil model without error")
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("invalid model: %v", err)
		}
	})
}
