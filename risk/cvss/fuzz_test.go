package cvss_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/aspmkit/aspm/risk/cvss"
)

// FuzzParse checks that Parse never panics, that every error is a
// *ParseError wrapping ErrInvalid, that scores stay within [0, 10], and
// that a vector re-parsed from its String scores the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"(AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H)",
		"AV:L/AC:L/Au:S/C:P/I:P/A:P/E:U/RC:C/CDP:LM/TD:L/IR:H/AR:M",
		"CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
		"CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L/E:U/CR:L/IR:M/AR:H/MAV:L/MAC:L/MAT:P/MPR:H/MUI:N/MVC:L/MVI:X/MVA:X/MSC:L/MSI:N/MSA:X/S:X/AU:X/R:U/V:D/RE:X/U:Green",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/CR:H/IR:H/AR:H/MSI:S/MSA:S",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
		"", "CVSS:", "CVSS:3.1/", "()", "(", "AV:N//", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC::/VI:L",
		"CVSS:3.1/A\xc3:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", // invalid UTF-8 in a metric's name
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, ref bool) {
		opts := cvss.Options{}
		if ref {
			opts.Rounding = cvss.RoundingReference
		}
		v, err := cvss.ParseWith(s, opts)
		if err != nil {
			var pe *cvss.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, cvss.ErrInvalid) {
				t.Fatalf("Parse(%q): error %v is not a *ParseError wrapping ErrInvalid", s, err)
			}
			if len(pe.Vector) > cvss.MaxVectorBytes {
				t.Fatalf("Parse(%q): ParseError.Vector has %d bytes", s, len(pe.Vector))
			}
			if msg := err.Error(); !utf8.ValidString(msg) || len(msg) > 2*cvss.MaxVectorBytes+256 {
				t.Fatalf("Parse(%q): message not short UTF-8: %q", s, msg)
			}
			return
		}
		sc := v.Scores()
		for _, x := range []float64{sc.Base, sc.Temporal, sc.Environmental, sc.Score} {
			if !(x >= 0 && x <= 10) {
				t.Fatalf("Parse(%q): score out of range: %+v", s, sc)
			}
		}
		if sc.Rating == "" || sc.Version != v.Version() {
			t.Fatalf("Parse(%q): %+v", s, sc)
		}
		again, err := cvss.ParseWith(v.String(), opts)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", s, v.String(), err)
		}
		if again.Scores() != sc || again.String() != v.String() {
			t.Fatalf("Parse(%q): re-parsed %+v, first %+v", s, again.Scores(), sc)
		}
		w, err := v.With(nil)
		if err != nil {
			t.Fatalf("Parse(%q).With(nil): %v", s, err)
		}
		if w.Scores() != sc {
			t.Fatalf("Parse(%q).With(nil) scores %+v, want %+v", s, w.Scores(), sc)
		}
	})
}
