package load_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/load"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

// TestCorpus reads every file of the access corpus: each either loads in
// the format of its directory or is refused with ErrUnsupported naming
// the file (Terraform, Casbin, the unrendered Helm template, GCP role
// catalogs, which gcp.ReadRoles reads).
func TestCorpus(t *testing.T) {
	root := testcorpus.Path(t, "access")
	want := map[string]load.Format{
		"kubernetes-rbac": load.FormatKubernetes,
		"aws-iam":         load.FormatAWS,
		"github-org":      load.FormatGitHub,
		"gcp-iam":         load.FormatGCP,
		"azure-rbac":      load.FormatAzure,
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() || !strings.Contains(rel, string(filepath.Separator)) {
			return nil
		}
		n++
		kind := strings.Split(filepath.ToSlash(rel), "/")[0]
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			m, f, err := load.File(path)
			unsupported := strings.HasSuffix(path, ".tf") || kind == "casbin" ||
				strings.Contains(path, "helm-template") || strings.HasSuffix(path, "predefined_roles.json") ||
				strings.Contains(path, "iam-dataset-gcp")
			if unsupported {
				require.Error(t, err)
				assert.True(t, errors.Is(err, access.ErrUnsupported), "%v", err)
				assert.Contains(t, err.Error(), path)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want[kind], f)
			require.NoError(t, m.Validate())
		})
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 100)
}

// TestFilesAggregatesAcrossManifests: the bootstrap ClusterRoles and the
// kube-prometheus metrics reader, read as separate files, still aggregate
// (the reader's rules reach view, edit and admin).
func TestFilesAggregatesAcrossManifests(t *testing.T) {
	m, err := load.Files(
		testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-bootstrappolicy/cluster-roles.yaml"),
		testcorpus.Path(t, "access/kubernetes-rbac/kube-prometheus/prometheusAdapter-clusterRoleAggregatedMetricsReader.yaml"),
		testcorpus.Path(t, "access/aws-iam/cloudgoat/iam_privesc_by_rollback_v3.json"),
	)
	require.NoError(t, err)
	var view *access.Role
	for i := range m.Roles {
		if m.Roles[i].ID == "kubernetes:role:clusterrole/view" {
			view = &m.Roles[i]
		}
	}
	require.NotNil(t, view)
	found := false
	for _, p := range view.Permissions {
		for _, r := range p.Resources {
			if strings.HasPrefix(r, "metrics.k8s.io/") {
				found = true
			}
		}
	}
	assert.True(t, found, "view aggregates the metrics reader of another file")
	assert.True(t, strings.HasPrefix(m.Roles[len(m.Roles)-1].ID, "kubernetes:") || len(m.Roles) > 1)

	// A bad file among good ones: the good ones still load, the bad one is
	// named.
	m, err = load.Files(
		testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-goat/insecure-rbac-setup.yaml"),
		testcorpus.Path(t, "access/kubernetes-rbac/kubernetes-goat/pwnchart-clusterrolebinding.helm-template.yaml"),
	)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pwnchart-clusterrolebinding.helm-template.yaml")
	assert.NotEmpty(t, m.Bindings, "the good manifest is read")
}

func TestUnknown(t *testing.T) {
	_, _, err := load.Read(strings.NewReader("just text"), "notes.txt")
	require.ErrorIs(t, err, access.ErrUnsupported)
	assert.Contains(t, err.Error(), "notes.txt")
	_, ok := load.Detect([]byte(`{"unrelated": true}`))
	assert.False(t, ok)
}
