package cvss_test

import (
	"testing"

	"github.com/aspmkit/aspm/risk/cvss"
)

const (
	benchV2  = "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H"
	benchV31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	benchV40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	// benchV40BTE sets threat and environmental metrics: two scorings.
	benchV40BTE = "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L/E:U/CR:L/IR:M/AR:H/MAV:L/MAC:L/MAT:P/MPR:H/MUI:N/MVC:L/MSC:L/MSI:N"
)

var sink cvss.Scores

func benchParse(b *testing.B, s string) {
	b.ReportAllocs()
	for b.Loop() {
		v, err := cvss.Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		sink = v.Scores()
	}
}

func BenchmarkParseV2(b *testing.B)     { benchParse(b, benchV2) }
func BenchmarkParseV31(b *testing.B)    { benchParse(b, benchV31) }
func BenchmarkParseV40(b *testing.B)    { benchParse(b, benchV40) }
func BenchmarkParseV40BTE(b *testing.B) { benchParse(b, benchV40BTE) }

func BenchmarkScores(b *testing.B) {
	v, err := cvss.Parse(benchV40BTE)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = v.Scores()
	}
}
