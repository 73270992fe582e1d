package spdx_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/spdx"
)

// TestCorpus reads every row of testdata/inventory/spdx.tsv (written by
// count_spdx.sh beside it, which counts packages and edges from the raw
// files) and checks the importer against it; every file under spdx/ in the
// corpus must have a row.
func TestCorpus(t *testing.T) {
	dir := testcorpus.Dir(t)
	tsv, err := os.ReadFile("../../testdata/inventory/spdx.tsv")
	require.NoError(t, err)
	sentinels := map[string]error{"syntax": spdx.ErrSyntax, "invalid": spdx.ErrInvalid,
		"unsupported": spdx.ErrUnsupported, "limit": spdx.ErrLimit}
	rows := map[string]bool{}
	for line := range strings.Lines(string(tsv)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		require.Len(t, f, 4, "row %q", line)
		rel, pkgs, edges, want := f[0], f[1], f[2], f[3]
		rows[rel] = true
		t.Run(rel, func(t *testing.T) {
			fh, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
			require.NoError(t, err)
			defer fh.Close()
			name := filepath.Base(rel)
			g := inventory.New()
			res, err := spdx.Read(fh, g, spdx.Options{Name: name})
			if want != "-" {
				sentinel, ok := sentinels[want]
				require.True(t, ok, "unknown error %q", want)
				require.Error(t, err)
				assert.ErrorIs(t, err, sentinel)
				var e *spdx.Error
				require.True(t, errors.As(err, &e))
				assert.Equal(t, name, e.File)
				assert.Equal(t, 0, g.Len())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, pkgs, strconv.Itoa(res.Packages), "packages")
			assert.Equal(t, edges, strconv.Itoa(res.Edges), "edges")
			assert.Equal(t, res.Assets, g.Len())
			assert.LessOrEqual(t, g.EdgeCount(), res.Edges)
			for a := range g.All() {
				assert.Equal(t, []string{name}, a.Sources, a.ID)
			}
			if res.Root != "" {
				_, ok := g.Asset(res.Root)
				assert.True(t, ok, "root %s is in the graph", res.Root)
			}
		})
	}
	err = filepath.WalkDir(filepath.Join(dir, "spdx"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err == nil {
			assert.True(t, rows[filepath.ToSlash(rel)], "no row in spdx.tsv for %s", rel)
		}
		return err
	})
	require.NoError(t, err)
}

// TestCorpusDetails checks what the counts do not show on a few real files:
// roots, kinds, warnings.
func TestCorpusDetails(t *testing.T) {
	for _, tc := range []struct {
		file     string
		root     string
		kind     inventory.Kind
		warnings []string // paths
		skipped  spdx.Skipped
	}{
		{file: "spdx/trivy/trivy_multiple_observations.spdx.json",
			root: "image:sha256:ce5416f0ca293e258ac5c7d8500eb41198064904379c6b033416772e07c3cf36", kind: inventory.KindImage,
			warnings: []string{"packages[0].externalRefs[0]"}, skipped: spdx.Skipped{Files: 61}},
		{file: "spdx/syft/syft_relationship_order.spdx.json",
			root: "image:sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368", kind: inventory.KindImage,
			warnings: []string{"packages[0].externalRefs[1]"}, skipped: spdx.Skipped{Files: 6}},
		{file: "spdx/trivy/conda.spdx.json", root: "application:testdata/fixtures/repo/conda", kind: inventory.KindApplication,
			skipped: spdx.Skipped{Files: 2}},
		{file: "spdx/unknown/postgresql.spdx.json", root: "application:PostgreSQL", kind: inventory.KindApplication},
		{file: "spdx/syft/alpine-3.10.syft.spdx.json", skipped: spdx.Skipped{Files: 4, Undeclared: 4}},
		{file: "spdx/spec-example/SPDXJSONExample-v2.3.spdx.json", root: "application:glibc", kind: inventory.KindApplication,
			skipped: spdx.Skipped{Types: map[string]int{"COPY_OF": 1, "DYNAMIC_LINK": 1, "GENERATED_FROM": 2}, Document: 1, Files: 3}},
		{file: "spdx/spec-example/SPDXYAMLExample-2.3.spdx.yaml", root: "application:glibc", kind: inventory.KindApplication,
			skipped: spdx.Skipped{Types: map[string]int{"COPY_OF": 1, "DYNAMIC_LINK": 1, "GENERATED_FROM": 2}, Document: 1, Files: 3}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			fh, err := os.Open(testcorpus.Path(t, tc.file))
			require.NoError(t, err)
			defer fh.Close()
			g := inventory.New()
			res, err := spdx.Read(fh, g, spdx.Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.root, res.Root)
			if tc.root != "" {
				a, ok := g.Asset(tc.root)
				require.True(t, ok)
				assert.Equal(t, tc.kind, a.Kind)
			}
			var paths []string
			for _, w := range res.Warnings {
				paths = append(paths, w.Path)
			}
			assert.Equal(t, tc.warnings, paths)
			assert.Equal(t, tc.skipped, res.Skipped)
		})
	}
}
