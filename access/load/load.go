// Package load reads any access source aspm knows into one [access.Model],
// recognizing the format by content: Kubernetes RBAC manifests (YAML or
// JSON), AWS IAM policies and authorization-details exports, GitHub
// organization data, GCP Cloud Asset Inventory exports, Azure role
// definitions and assignments. It imports every
// importer, so that programs which need only one can import that one
// alone.
//
// Files of other kinds get an error wrapping [access.ErrUnsupported] that
// names the file: Terraform, Casbin models and policies, unrendered Helm
// templates.
//
// # Hostile input
//
// An input is read whole, at most [MaxBytes], and held while it is read
// to the limits of the importers: no JSON string and no YAML line longer
// than limits.MaxStringBytes (16 MiB), no JSON nesting deeper than
// limits.MaxDepth (512), each an error wrapping [access.ErrLimit] with the
// file and line, the read stopped there. The importer the content selects
// then applies its own rules (see its package documentation: duplicate
// keys, aliases, invalid UTF-8).
package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/awsiam"
	"github.com/aspmkit/aspm/access/azure"
	"github.com/aspmkit/aspm/access/gcp"
	"github.com/aspmkit/aspm/access/github"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
	"github.com/aspmkit/aspm/access/k8s"
)

// Format names an access source format.
type Format string

// The formats, in the order [Detect] tries them.
const (
	FormatGitHub     Format = "github"
	FormatGCP        Format = "gcp"
	FormatAWS        Format = "aws"
	FormatAzure      Format = "azure"
	FormatKubernetes Format = "kubernetes"
)

// Formats lists every format, in detection order.
var Formats = []Format{FormatGitHub, FormatGCP, FormatAWS, FormatAzure, FormatKubernetes}

// MaxBytes bounds one source: the importers read a source whole.
const MaxBytes = 256 << 20

// Options tunes the importers. The zero value is ready to use.
type Options struct {
	// Domain is the organization's own domain ("example.com"): GCP members
	// of other domains are marked external (see gcp.Options.Domain).
	Domain string
}

// Detect names the format of a source from its content (its first
// bytes suffice), or reports false.
func Detect(data []byte) (Format, bool) {
	switch {
	case github.Detect(data):
		return FormatGitHub, true
	case gcp.Detect(data):
		return FormatGCP, true
	case awsiam.Detect(data):
		return FormatAWS, true
	case azure.Detect(data):
		return FormatAzure, true
	case k8s.Detect(data):
		return FormatKubernetes, true
	}
	return "", false
}

// Read reads one source; name is used in errors and in the model's
// sources.
func Read(r io.Reader, name string) (*access.Model, Format, error) {
	return Options{}.Read(r, name)
}

// Read is [Read] with these options.
func (o Options) Read(r io.Reader, name string) (*access.Model, Format, error) {
	data, err := jsondoc.ReadAll(r, name, MaxBytes)
	var pe *access.ParseError
	if errors.As(err, &pe) {
		return nil, "", err
	}
	if err != nil {
		return nil, "", fmt.Errorf("access: %s: %w", name, err)
	}
	return o.readBytes(data, name)
}

func (o Options) readBytes(data []byte, name string) (*access.Model, Format, error) {
	f, ok := Detect(data)
	if !ok {
		return nil, "", &access.ParseError{File: name, Err: access.ErrUnsupported,
			Message: "not an access source aspm reads (Kubernetes RBAC YAML or JSON, AWS IAM policy or authorization-details JSON, GitHub organization JSON, GCP Cloud Asset Inventory JSON, Azure role definitions or assignments JSON)"}
	}
	var m *access.Model
	var err error
	r := bytes.NewReader(data)
	switch f {
	case FormatGitHub:
		m, err = github.Read(r, github.Options{File: name})
	case FormatGCP:
		m, err = gcp.Read(r, gcp.Options{File: name, Domain: o.Domain})
	case FormatAWS:
		m, err = awsiam.Read(r, awsiam.Options{File: name, Name: policyName(name)})
	case FormatAzure:
		m, err = azure.Read(r, azure.Options{File: name})
	case FormatKubernetes:
		m, err = k8s.Read(r, k8s.Options{File: name})
	}
	if err != nil {
		return nil, f, err
	}
	return m, f, nil
}

// policyName names a bare policy document by its file name.
func policyName(name string) string {
	base := filepath.Base(name)
	return base[:len(base)-len(filepath.Ext(base))]
}

// File reads the source at path.
func File(path string) (*access.Model, Format, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer fh.Close()
	return Read(fh, path)
}

// Files reads every source and merges them into one model. Kubernetes
// manifests are read together, as one stream, so that an aggregated
// ClusterRole in one file collects the rules of ClusterRoles in others.
// Every file is attempted; the errors of those that fail are joined.
func Files(paths ...string) (*access.Model, error) {
	return Options{}.Files(paths...)
}

// Files is [Files] with these options.
func (o Options) Files(paths ...string) (*access.Model, error) {
	m := &access.Model{}
	var errs []error
	var manifests []string
	for _, p := range paths {
		data, err := readFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if f, ok := Detect(data); ok && f == FormatKubernetes {
			manifests = append(manifests, p)
			continue
		}
		part, _, err := o.readBytes(data, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.Merge(part)
	}
	if len(manifests) > 0 {
		part, _, err := k8s.ReadFiles(manifests...)
		if err != nil {
			// Find the bad manifests one by one, and read the others
			// together.
			var good []string
			for _, p := range manifests {
				if _, _, ferr := File(p); ferr != nil {
					errs = append(errs, ferr)
				} else {
					good = append(good, p)
				}
			}
			part, err = nil, nil
			if len(good) > 0 && len(good) < len(manifests) {
				part, _, err = k8s.ReadFiles(good...)
			} else if len(good) == len(manifests) {
				err = fmt.Errorf("access: reading %d manifests together: %w", len(manifests), err)
			}
		}
		if err != nil {
			errs = append(errs, err)
		} else if part != nil {
			m.Merge(part)
		}
	}
	m.Sort()
	return m, errors.Join(errs...)
}

func readFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := jsondoc.ReadAll(fh, path, MaxBytes)
	var pe *access.ParseError
	if err != nil && !errors.As(err, &pe) {
		return nil, fmt.Errorf("access: %s: %w", path, err)
	}
	return data, err
}
