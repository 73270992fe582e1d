package awsiam_test

import (
	"bytes"
	"testing"

	"github.com/aspmkit/aspm/access/awsiam"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// BenchmarkReadAuthorizationDetails reads the 824 KB export of the corpus.
func BenchmarkReadAuthorizationDetails(b *testing.B) {
	data := testcorpus.Read(b, "access/aws-iam/cloudsplaining/examples_files_example.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := awsiam.Read(bytes.NewReader(data), awsiam.Options{File: "example.json"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPolicy reads a bare policy document.
func BenchmarkReadPolicy(b *testing.B) {
	data := testcorpus.Read(b, "access/aws-iam/iam-dataset-managed/IAMFullAccess.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := awsiam.Read(bytes.NewReader(data), awsiam.Options{File: "IAMFullAccess.json"}); err != nil {
			b.Fatal(err)
		}
	}
}
