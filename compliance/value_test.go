package compliance_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/opasandbox"
	"github.com/aspmkit/aspm/risk"
)

// valFill sets every field reachable from v to a value that is not the
// zero value, so a field the direct conversion forgets shows up as a
// difference from the JSON encoding.
func valFill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(*n))
			return
		}
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		valFill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			valFill(v.Index(i), n)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2025, 6, 1, 12, 0, *n%60, 123456789, time.FixedZone("", 5*3600+1800))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				valFill(v.Field(i), n)
			}
		}
	default:
		panic("valFill: unhandled kind " + v.Kind().String())
	}
}

// valViaJSON is the reference conversion: encoding/json, then the
// sandbox's JSON reader.
func valViaJSON(tb testing.TB, p *compliance.Posture) (ast.Value, error) {
	tb.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return opasandbox.ParseJSON(b)
}

func TestPostureValueMatchesJSON(t *testing.T) {
	full := compliance.Finding{}
	n := 0
	valFill(reflect.ValueOf(&full).Elem(), &n)
	g, fs := pstSyntheticInput(t, 1_000, 5_000)
	synthetic, err := compliance.NewBuilder(pstAt).Inventory(g).Findings(fs, compliance.FindingOptions{}).Build()
	require.NoError(t, err)
	demo, err := pstDemoBuilder(t).Build()
	require.NoError(t, err)
	epss := 1e-7
	odd := compliance.Finding{ID: "odd", Risk: compliance.Risk{Score: 1e21, EPSS: &epss}, Location: compliance.FindingLocation{Line: 1 << 40}}
	for _, tc := range []struct {
		name    string
		posture *compliance.Posture
	}{
		{"every field set", &compliance.Posture{Version: compliance.PostureVersion, Findings: []compliance.Finding{full}}},
		{"zero finding", &compliance.Posture{Findings: []compliance.Finding{{}}}},
		{"odd numbers", &compliance.Posture{Findings: []compliance.Finding{odd}}},
		{"zero and negative zero", &compliance.Posture{Findings: []compliance.Finding{{ID: "zero"}, {ID: "negative zero", Risk: compliance.Risk{Score: math.Copysign(0, -1)}}, {ID: "zero again"}}}},
		{"no findings", &compliance.Posture{}},
		{"empty findings", &compliance.Posture{Findings: []compliance.Finding{}}},
		{"demo", demo},
		{"synthetic, converted on several goroutines", synthetic},
		{"every index group", valEveryGroup()},
		{"fixed versions that join alike", &compliance.Posture{Findings: []compliance.Finding{
			{ID: "one", Package: &compliance.FindingPackage{Name: "x", FixedVersions: []string{"a\x00b"}}},
			{ID: "two", Package: &compliance.FindingPackage{Name: "x", FixedVersions: []string{"a", "b"}}},
			{ID: "three", Package: &compliance.FindingPackage{Name: "x", FixedVersions: []string{"1:a"}}},
			{ID: "four", Package: &compliance.FindingPackage{Name: "x", FixedVersions: []string{"", "a"}}},
		}}},
		{"invalid UTF-8", &compliance.Posture{Findings: []compliance.Finding{{ID: "bad\xff", Title: "t\xfe\xfe", Kind: "secret",
			Assets: []string{"a\xc3"}, Location: compliance.FindingLocation{Path: "\xe2\x82"}, Open: true}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The posture's value carries the engine's index, computed
			// from the Go fields: it must equal the index of the JSON's
			// value.
			want, err := valViaJSON(t, tc.posture)
			require.NoError(t, err)
			want = compliance.WithIndex(want)
			got, err := compliance.PostureValue(tc.posture)
			require.NoError(t, err)
			if ast.Compare(want, got) != 0 {
				// Narrow the difference down to one finding for the message.
				w, g := want.(ast.Object).Get(ast.StringTerm("findings")), got.(ast.Object).Get(ast.StringTerm("findings"))
				if wa, ok := w.Value.(*ast.Array); ok {
					ga := g.Value.(*ast.Array)
					for i := range wa.Len() {
						require.Equal(t, wa.Elem(i).String(), ga.Elem(i).String(), "finding %d", i)
					}
				}
				wi, gi := want.(ast.Object).Get(ast.StringTerm("_aspm_index")), got.(ast.Object).Get(ast.StringTerm("_aspm_index"))
				require.Equal(t, fmt.Sprint(wi), fmt.Sprint(gi), "index")
				t.Fatalf("values differ:\nwant %v\ngot  %v", want, got)
			}
		})
	}
}

// valEveryGroup is a posture with a finding in each of the index's
// groups, and in none.
func valEveryGroup() *compliance.Posture {
	var fs []compliance.Finding
	i := 0
	for _, kind := range []findings.Kind{findings.KindSecret, findings.KindAccess, findings.KindSCA} {
		for _, open := range []bool{true, false} {
			for _, suppressed := range []bool{true, false} {
				for _, breached := range []bool{true, false} {
					for _, p := range []risk.Priority{risk.P1, risk.P2, risk.P3} {
						for _, status := range []string{"", "accepted_risk", "wont_fix", "false_positive"} {
							for _, urgent := range []int{0, 1, 2} {
								i++
								f := compliance.Finding{ID: fmt.Sprintf("f%d", i), Kind: kind, Open: open, Suppressed: suppressed,
									Severity: findings.SeverityHigh, Risk: compliance.Risk{Priority: p}, SLA: compliance.SLA{Breached: breached}}
								if status != "" {
									f.Triage = &compliance.Triage{Status: correlate.TriageStatus(status)}
								}
								switch urgent {
								case 1:
									f.Severity = findings.SeverityCritical
								case 2:
									f.Risk.KEV = true
								}
								fs = append(fs, f)
							}
						}
					}
				}
			}
		}
	}
	return &compliance.Posture{Version: compliance.PostureVersion, Findings: fs}
}

func TestPostureValueErrorsLikeJSON(t *testing.T) {
	for _, f := range []compliance.Finding{
		{ID: "year", FirstSeen: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "nan", Risk: compliance.Risk{Score: nanScore()}},
	} {
		p := &compliance.Posture{Findings: []compliance.Finding{f}}
		_, jerr := valViaJSON(t, p)
		require.Error(t, jerr, f.ID)
		_, err := compliance.PostureValue(p)
		assert.Error(t, err, f.ID)
	}
}

func nanScore() float64 {
	zero := 0.0
	return zero / zero
}
