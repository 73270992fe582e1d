package correlate

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/testcorpus"
)

func decodeCorpus(t testing.TB, rel string) []findings.Finding {
	t.Helper()
	f, err := os.Open(testcorpus.Path(t, rel))
	require.NoError(t, err)
	defer f.Close()
	var out []findings.Finding
	_, err = detect.Decode(f, detect.Options{DecodeOptions: findings.DecodeOptions{Name: rel}}, findings.Handler{
		Finding: func(x findings.Finding) error { out = append(out, x); return nil },
	})
	require.NoError(t, err, rel)
	return out
}

// Real pairs: the same image scanned by different tools.
func TestCrossToolClustersOnRealScans(t *testing.T) {
	tests := []struct {
		name            string
		files           []string
		clusters, multi int
	}{
		// 99 Grype and 99 Trivy results: every one has its twin.
		{"nginx image: Grype and Trivy SARIF", []string{"sarif/grype/nginx-grype.sarif.json", "sarif/trivy/nginx-trivy.sarif.json"}, 99, 99},
		// 93 Trivy, 708 Grype (JSON and CycloneDX of other scans of
		// Debian 10 images): 68 problems seen by both tools.
		{"debian image: Trivy JSON, Grype JSON, Grype CycloneDX", []string{"trivy/trivy/legacy_many_vulns.json", "grype/grype/many_vulns3.json", "cyclonedx/grype/dd_1_15_0.xml"}, 629, 68},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var all []findings.Finding
			perTool := map[string]int{}
			for _, f := range tc.files {
				fs := decodeCorpus(t, f)
				all = append(all, fs...)
				for _, x := range fs {
					perTool[x.Tool.Name]++
				}
			}
			clusters := Dedup(all, Options{})
			multi := 0
			members := 0
			for _, c := range clusters {
				members += len(c.Members)
				if len(c.Tools) > 1 {
					multi++
					// Every member of a cross-tool cluster shares a
					// vulnerability ID and the package.
					first := all[c.Members[0].Index]
					for _, m := range c.Members[1:] {
						f := all[m.Index]
						assert.Equal(t, first.Package.Name, f.Package.Name, c.ID)
						assert.Equal(t, first.Package.Version, f.Package.Version, c.ID)
						assert.True(t, shareID(first, f), "cluster %s: %v vs %v", c.ID, first.VulnerabilityIDs, f.VulnerabilityIDs)
					}
				}
			}
			assert.Equal(t, len(all), members, "every finding is in exactly one cluster")
			t.Logf("%d findings %v → %d clusters, %d reported by more than one tool", len(all), perTool, len(clusters), multi)
			assert.Equal(t, tc.clusters, len(clusters))
			assert.Equal(t, tc.multi, multi)

			// Adding a tool's findings after the first keeps the clusters'
			// IDs: the oldest member's identity survives.
			alone := Dedup(decodeCorpus(t, tc.files[0]), Options{})
			ids := map[string]bool{}
			for _, c := range clusters {
				ids[c.ID] = true
			}
			for _, c := range alone {
				assert.True(t, ids[c.ID], "cluster %s lost its ID when another tool joined", c.ID)
			}
		})
	}
}

func shareID(a, b findings.Finding) bool {
	for _, x := range a.VulnerabilityIDs {
		for _, y := range b.VulnerabilityIDs {
			if x == y {
				return true
			}
		}
	}
	return false
}

func tryDecode(path string) ([]findings.Finding, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var out []findings.Finding
	if _, err := detect.Decode(f, detect.Options{}, findings.Handler{Finding: func(x findings.Finding) error { out = append(out, x); return nil }}); err != nil {
		return nil, false
	}
	return out, true
}
