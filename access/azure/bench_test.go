package azure_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/aspmkit/aspm/access/azure"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// BenchmarkReadBuiltInRoles reads the 1.26 MB file of 928 built-in role
// definitions.
func BenchmarkReadBuiltInRoles(b *testing.B) {
	data := testcorpus.Read(b, builtInRoles)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := azure.Read(bytes.NewReader(data), azure.Options{File: "built-in-roles-raw.json"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadAssignments reads the assignments fixture.
func BenchmarkReadAssignments(b *testing.B) {
	data, err := os.ReadFile("testdata/role-assignments.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := azure.Read(bytes.NewReader(data), azure.Options{File: "role-assignments.json"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetect sniffs the built-in roles file.
func BenchmarkDetect(b *testing.B) {
	data := testcorpus.Read(b, builtInRoles)
	b.ReportAllocs()
	for b.Loop() {
		if !azure.Detect(data) {
			b.Fatal("not detected")
		}
	}
}
