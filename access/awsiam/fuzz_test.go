package awsiam_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/awsiam"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// FuzzRead checks that Read never panics and either returns a valid
// model or a *access.ParseError, never both.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, pattern := range []string{
		"access/aws-iam/cloudgoat/*.json",
		"access/aws-iam/cloudsplaining/*.json",
		"access/aws-iam/iam-dataset-managed/*.json",
		"access/aws-iam/iam-vulnerable-terraform/privesc1-*.tf",
	} {
		seeds = append(seeds, testcorpus.Glob(pattern)...)
	}
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil && len(data) <= 64<<10 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{"Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":["a"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}}`,
		`{"RoleDetailList":[{"RoleName":"r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D","RoleLastUsed":{"LastUsedDate":"2024-01-01 00:00:00+00:00"}}]}`,
		`{"name":"n","document":"{\"Statement\":[]}"}`,
		`{"Policies":[{"PolicyName":"p","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","Document":{"Statement":[]}}]}]}`,
		"[request_definition]\nr = sub, obj, act\n",
		`{"Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Statement":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		awsiam.Detect(data)
		m, err := awsiam.Read(bytes.NewReader(data), awsiam.Options{File: "fuzz.json"})
		if err != nil {
			if m != nil {
				t.Fatalf("model and error: %v", err)
			}
			var pe *access.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil model without error")
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("invalid model: %v", err)
		}
		if _, err := awsiam.ParsePolicy(data, awsiam.Options{}); err != nil {
			var pe *access.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParsePolicy: not a ParseError: %v", err)
			}
		}
	})
}
