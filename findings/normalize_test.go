package findings

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/internal/limits"
)

func TestNormalize(t *testing.T) {
	f := Finding{
		Severity:         "",
		SeveritySource:   "made-up",
		CWEs:             []string{"external/cwe/cwe-079", "CWE-22", "79", "junk"},
		VulnerabilityIDs: []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228", ""},
		References:       []string{"https://a", "https://a", " "},
		Package:          &Package{FixedVersions: []string{"2.15.0", "2.15.0"}},
		Fingerprints:     map[string]string{},
		Properties:       map[string]any{},
	}
	f.Normalize()
	assert.Equal(t, SeverityUnknown, f.Severity)
	assert.Empty(t, f.SeveritySource, "an unknown severity has no source")
	assert.Equal(t, KindOther, f.Kind)
	assert.Equal(t, []string{"CWE-22", "CWE-79"}, f.CWEs)
	assert.Equal(t, []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"}, f.VulnerabilityIDs)
	assert.Equal(t, []string{"https://a"}, f.References)
	assert.Equal(t, []string{"2.15.0"}, f.Package.FixedVersions)
	assert.Nil(t, f.Fingerprints)
	assert.Nil(t, f.Properties)
}

func TestComputeIDIsContentDerived(t *testing.T) {
	a := Finding{Kind: KindSAST, Title: "x", Severity: SeverityHigh, Source: Source{Format: "sarif", Record: 0}}
	b := a
	assert.Equal(t, a.ComputeID(), b.ComputeID(), "identical content, identical id")
	assert.Len(t, a.ComputeID(), 32)
	b.Source.Record = 1
	assert.NotEqual(t, a.ComputeID(), b.ComputeID(), "two records of one document never share an id")
	c := a
	c.ID = "something else"
	assert.Equal(t, a.ComputeID(), c.ComputeID(), "the id itself is not part of the content")
}

func TestEmitter(t *testing.T) {
	var got []Finding
	var vex []VEXStatement
	em := NewEmitter(Handler{
		Finding: func(f Finding) error { got = append(got, f); return nil },
		VEX:     func(s VEXStatement) error { vex = append(vex, s); return nil },
	}, DecodeOptions{Name: "scan.json"}, "trivy")
	require.NoError(t, em.Finding(Finding{Title: "a", Severity: SeverityLow}))
	require.NoError(t, em.Finding(Finding{Title: "a", Severity: SeverityLow}))
	require.NoError(t, em.VEX(VEXStatement{VulnerabilityID: "CVE-1", Aliases: []string{"CVE-1", "GHSA-x"}}))
	require.Len(t, got, 2)
	assert.Equal(t, Source{File: "scan.json", Format: "trivy", Record: 1}, got[1].Source)
	assert.NotEqual(t, got[0].ID, got[1].ID)
	assert.Equal(t, []string{"GHSA-x"}, vex[0].Aliases, "the primary id is not repeated among aliases")
	n, v := em.Counts()
	assert.Equal(t, 2, n)
	assert.Equal(t, 1, v)

	stop := errors.New("stop")
	em = NewEmitter(Handler{Finding: func(Finding) error { return stop }}, DecodeOptions{}, "x")
	assert.ErrorIs(t, em.Finding(Finding{}), stop, "handler errors come back unchanged")
	em = NewEmitter(Handler{}, DecodeOptions{}, "x")
	assert.NoError(t, em.Finding(Finding{}), "a nil handler func discards")
}

func TestAllAndCollect(t *testing.T) {
	decode := func(h Handler) error {
		em := NewEmitter(h, DecodeOptions{}, "x")
		for i := range 3 {
			if err := em.Finding(Finding{Title: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		if err := em.VEX(VEXStatement{VulnerabilityID: "CVE-1"}); err != nil {
			return err
		}
		return errors.New("boom")
	}
	var titles []string
	var errs []error
	for f, err := range All(decode) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		titles = append(titles, f.Title)
	}
	assert.Equal(t, []string{"0", "1", "2"}, titles)
	require.Len(t, errs, 1)

	n := 0
	for range All(decode) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n, "breaking out of the loop stops the decoder")

	fs, vs, err := Collect(decode)
	assert.Len(t, fs, 3)
	assert.Len(t, vs, 1)
	assert.EqualError(t, err, "boom")
}

func TestDecodeErrorMessageAndChain(t *testing.T) {
	err := error(&DecodeError{File: "a.sarif", Format: "sarif", Offset: 1234, Path: "runs[0].results[3]",
		Err: fmt.Errorf("%w: invalid character ']'", ErrSyntax)})
	assert.Equal(t, "findings: sarif: a.sarif: byte 1234: runs[0].results[3]: syntax error: invalid character ']'", err.Error())
	assert.ErrorIs(t, err, ErrSyntax)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(1234), de.Offset)

	lim := &DecodeError{Offset: -1, Err: &LimitError{Limit: "MaxDepth", Max: 512}}
	assert.ErrorIs(t, lim, ErrLimit)
	assert.Equal(t, "findings: limit exceeded: MaxDepth (512)", lim.Error())
}

func TestFindingJSONNames(t *testing.T) {
	f := Finding{ID: "i", Kind: KindSCA, Tool: Tool{Name: "Trivy"}, RuleID: "CVE-1", Title: "t",
		Severity: SeverityHigh, VulnerabilityIDs: []string{"CVE-1"}, CWEs: []string{"CWE-79"},
		Package: &Package{Name: "p"}, RelatedLocations: []Location{{Path: "b"}}, Location: Location{Path: "a"}}
	b, err := json.Marshal(f)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"id", "kind", "tool", "rule_id", "severity", "title", "location", "related_locations", "package", "vulnerability_ids", "cwes", "source"} {
		assert.Contains(t, m, k)
	}
	assert.Equal(t, "Trivy", m["tool"].(map[string]any)["name"])
	var back Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, f, back, "JSON round-trips")
}

func TestSuppressed(t *testing.T) {
	assert.False(t, (&Finding{}).Suppressed())
	assert.True(t, (&Finding{Suppressions: []Suppression{{Kind: "in_source"}}}).Suppressed())
	assert.False(t, (&Finding{Suppressions: []Suppression{{Kind: "external", Status: "rejected"}}}).Suppressed())
	assert.True(t, (&Finding{VEX: &VEXAnalysis{Status: VEXNotAffected}}).Suppressed())
	assert.False(t, (&Finding{VEX: &VEXAnalysis{Status: VEXAffected}}).Suppressed())
}

func TestHashSnippetIgnoresIndentation(t *testing.T) {
	a := HashSnippet("  x := 1\n\ty := 2\n")
	b := HashSnippet("x := 1\n\n    y := 2")
	assert.Equal(t, a, b)
	assert.Len(t, a, 64)
	assert.Empty(t, HashSnippet(" \n\t"))
	assert.Empty(t, HashSecret(""))
	assert.NotEqual(t, HashSecret("a"), HashSecret("b"))
}

func TestLimitsWithDefaults(t *testing.T) {
	l := Limits{MaxDepth: 3}.WithDefaults()
	assert.Equal(t, 3, l.MaxDepth)
	assert.Equal(t, 16<<20, l.MaxStringBytes)
	assert.Equal(t, int64(1<<30), l.MaxDocumentBytes)
}

func TestNormalizeBoundsTexts(t *testing.T) {
	long := strings.Repeat("€", 30<<10) // 90 KiB, three bytes per character
	tests := []struct {
		name    string
		in      string
		max     int
		field   func(*Finding) *string
		wantLen int // 0: unchanged
	}{
		{"short title", "SQL injection", limits.MaxTitleBytes, func(f *Finding) *string { return &f.Title }, 0},
		{"title at the bound", strings.Repeat("a", limits.MaxTitleBytes), limits.MaxTitleBytes, func(f *Finding) *string { return &f.Title }, 0},
		{"title one over", strings.Repeat("a", limits.MaxTitleBytes+1), limits.MaxTitleBytes, func(f *Finding) *string { return &f.Title }, limits.MaxTitleBytes},
		{"description at the bound", strings.Repeat("d", limits.MaxDescriptionBytes), limits.MaxDescriptionBytes, func(f *Finding) *string { return &f.Description }, 0},
		{"description of three-byte characters", long, limits.MaxDescriptionBytes, func(f *Finding) *string { return &f.Description }, limits.MaxDescriptionBytes - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Finding
			*tt.field(&f) = tt.in
			f.Normalize()
			got := *tt.field(&f)
			if tt.wantLen == 0 {
				assert.Equal(t, tt.in, got)
				return
			}
			assert.Equal(t, tt.wantLen, len(got))
			assert.LessOrEqual(t, len(got), tt.max)
			assert.True(t, strings.HasSuffix(got, TruncatedMark))
			assert.True(t, utf8.ValidString(got), "cut on a character boundary")
			assert.True(t, strings.HasPrefix(tt.in, strings.TrimSuffix(got, TruncatedMark)))
		})
	}

	shared := []string{"ok", strings.Repeat("p", limits.MaxFieldBytes+1)}
	f := Finding{
		RuleID:           strings.Repeat("r", 1<<20),
		Tool:             Tool{Name: strings.Repeat("t", limits.MaxFieldBytes+1)},
		Location:         Location{Path: strings.Repeat("/", 1<<20), Image: strings.Repeat("i", 1<<20)},
		RelatedLocations: []Location{{Target: strings.Repeat("x", 1<<20)}},
		Package:          &Package{PURL: "pkg:npm/" + strings.Repeat("a", 1<<20), Paths: shared},
		Fingerprints:     map[string]string{"k": strings.Repeat("f", 1<<20)},
	}
	f.Normalize()
	for name, got := range map[string]string{"rule": f.RuleID, "tool": f.Tool.Name, "path": f.Location.Path, "image": f.Location.Image,
		"related": f.RelatedLocations[0].Target, "purl": f.Package.PURL, "package path": f.Package.Paths[1], "fingerprint": f.Fingerprints["k"]} {
		assert.LessOrEqual(t, len(got), limits.MaxFieldBytes, name)
		assert.True(t, strings.HasSuffix(got, TruncatedMark), name)
	}
	assert.Len(t, shared[1], limits.MaxFieldBytes+1, "a slice the decoder may share is copied, not changed")

	f = Finding{}
	for i := range limits.MaxReferences + 1 {
		f.References = append(f.References, fmt.Sprintf("https://example.com/%d", i))
	}
	f.Normalize()
	assert.Len(t, f.References, limits.MaxReferences)
	assert.Equal(t, "https://example.com/0", f.References[0])
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"a longer text than room", 15, "a l" + TruncatedMark},
		{"no room for the mark", 4, "no r"},
		{"€€€", 4, "€"},
		{"anything", 0, ""},
		{"anything", -1, ""},
	}
	for _, tt := range tests {
		got := Truncate(tt.s, tt.max)
		assert.Equal(t, tt.want, got, "Truncate(%q, %d)", tt.s, tt.max)
		assert.LessOrEqual(t, len(got), max(tt.max, 0))
	}
}
