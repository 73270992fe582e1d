package cvss_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss40 "github.com/pandatix/go-cvss/40"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/testcorpus"
)

// TestGoCVSSAloneDisagrees measures what the package documentation says
// about go-cvss v0.6.4 used alone, without this package's own v2, v3.0 and
// v4.0 scoring: how many test vectors it parses or scores differently
// from FIRST and Red Hat. If go-cvss is upgraded and this test fails,
// update the package documentation (section "Agreement with FIRST").
func TestGoCVSSAloneDisagrees(t *testing.T) {
	t.Run("v4.0 reference scores", func(t *testing.T) {
		corr := map[string]float64{}
		for _, r := range corrections(t) {
			corr[r.Vector] = r.Score
		}
		var wrongRef, wrongCur, wrongCorr, rejected, accepted int
		for _, r := range readScoreRecords(t, "v40-reference-complete.json.gz") {
			c, err := gocvss40.ParseVector(r.Vector)
			if !*r.Valid {
				if err == nil {
					accepted++
				}
				continue
			}
			if err != nil {
				rejected++
				continue
			}
			s := c.Score()
			if s != r.Score {
				wrongRef++
			}
			want, isCorr := corr[r.Vector]
			if !isCorr {
				want = r.Score
			}
			if s != want {
				wrongCur++
				if isCorr {
					wrongCorr++
				}
			}
		}
		t.Logf("go-cvss v4.0 on 41,270 valid reference records: %d differ from the reference scores, "+
			"%d from the current calculator (%d of them corrected records); %d valid rejected, %d invalid accepted",
			wrongRef, wrongCur, wrongCorr, rejected, accepted)
		assert.Equal(t, 61, wrongRef)
		assert.Equal(t, 146, wrongCur)
		assert.Equal(t, 122, wrongCorr)
		assert.Zero(t, rejected)
		assert.Zero(t, accepted)
	})

	t.Run("v4.0 Red Hat", func(t *testing.T) {
		wrong, n := 0, 0
		for _, file := range []string{"vectors_security4", "vectors_simple4", "vectors_supplemental4", "vectors_threat4"} {
			sc := bufio.NewScanner(bytes.NewReader(testcorpus.ReadData(t, redhatDir+file)))
			for sc.Scan() {
				sub := redhatLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
				require.NotNil(t, sub)
				n++
				want, _ := parseRedHatScore(t, strings.TrimSuffix(sub[2], ","))
				c, err := gocvss40.ParseVector(sub[1])
				if err != nil || c.Score() != want {
					wrong++
				}
			}
		}
		t.Logf("go-cvss v4.0 on %d Red Hat vectors: %d differ", n, wrong)
		assert.Equal(t, 1694, n)
		assert.Equal(t, 5, wrong)
	})

	t.Run("v3.0", func(t *testing.T) {
		var recs []completeRecord
		require.NoError(t, json.Unmarshal(testcorpus.ReadData(t, firstDir+"v30-complete.json"), &recs))
		wrong := 0
		for _, r := range recs {
			c, err := gocvss30.ParseVector(r.Vector)
			require.NoError(t, err)
			if c.BaseScore() != r.Base || c.TemporalScore() != r.Temporal || c.EnvironmentalScore() != r.Environmental {
				wrong++
			}
		}
		// CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U:
		// go-cvss applies v3.1's Roundup and gives 4.6; v3.0 gives 4.7.
		assert.Equal(t, 1, wrong)
	})

	t.Run("v2.0", func(t *testing.T) {
		wrong, rejected := 0, 0
		for _, file := range []string{"vectors_calculator2", "vectors_cvsslib2", "vectors_simple2"} {
			sc := bufio.NewScanner(bytes.NewReader(testcorpus.ReadData(t, redhatDir+file)))
			for sc.Scan() {
				sub := redhatLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
				require.NotNil(t, sub)
				c, err := gocvss20.ParseVector(sub[1])
				if err != nil {
					rejected++ // a vector that leaves out some temporal or environmental metrics
					continue
				}
				got := []float64{c.BaseScore(), c.TemporalScore(), c.EnvironmentalScore()}
				for i, f := range strings.Split(sub[2], ",") {
					if want, ok := parseRedHatScore(t, f); ok && got[i] != want {
						wrong++
						break
					}
				}
			}
		}
		var recs []completeRecord
		require.NoError(t, json.Unmarshal(testcorpus.ReadData(t, firstDir+"v20-complete.json"), &recs))
		for _, r := range recs {
			c, err := gocvss20.ParseVector(r.Vector)
			if err != nil {
				rejected++
				continue
			}
			if c.BaseScore() != r.Base || c.TemporalScore() != r.Temporal || c.EnvironmentalScore() != r.Environmental {
				wrong++
			}
		}
		// AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C: temporal 9.0 × 0.95 is
		// 8.549999999999999 in float64 and rounds to 8.5; 8.6 is right.
		assert.Equal(t, 1, wrong)
		assert.Equal(t, 2, rejected)
	})
}
