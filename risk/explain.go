package risk

import (
	"strconv"
	"strings"
)

// Text puts the factor in words, for example
//
//	threat +35.0: listed in CISA KEV (kev 2025.08.25)
//	reachability -32.0: unreachable (govulncheck), ×0.40
//
// Scoring never calls it: the words are built only when asked for.
func (f Factor) Text() string {
	var b strings.Builder
	b.WriteString(string(f.Name))
	b.WriteByte(' ')
	if f.Contribution >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.FormatFloat(f.Contribution, 'f', 1, 64))
	b.WriteString(": ")
	b.WriteString(f.describe())
	if f.Source != "" && f.Name != FactorSeverity {
		b.WriteString(" (")
		b.WriteString(f.Source)
		b.WriteByte(')')
	}
	if f.Points == 0 && f.Multiplier != 1 {
		b.WriteString(", ×")
		b.WriteString(strconv.FormatFloat(f.Multiplier, 'f', 2, 64))
	}
	return b.String()
}

func (f Factor) describe() string {
	num := func(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }
	if !f.Known {
		switch f.Name {
		case FactorSeverity:
			return "unknown, assumed CVSS " + num(f.Input, 1)
		case FactorThreat:
			return "no EPSS, KEV or exploit data, assumed level " + num(f.Input, 2)
		case FactorExposure, FactorCriticality, FactorDataSensitivity, FactorFixAvailable:
			return "unknown, assumed level " + num(f.Input, 2)
		}
		return "unknown, no adjustment"
	}
	switch f.Name {
	case FactorSeverity:
		if f.Value == "cvss" {
			return "CVSS " + num(f.Input, 1) + " (" + f.Source + ")"
		}
		return "tool severity, taken as CVSS " + num(f.Input, 1)
	case FactorThreat:
		switch f.Value {
		case "kev":
			return "listed in CISA KEV"
		case "attacked":
			return "attacks reported"
		case "poc":
			return "public proof of concept, level " + num(f.Input, 2)
		case "epss":
			p := f.Input * f.Input
			return "EPSS probability " + num(p, 4) + ", level " + num(f.Input, 2)
		case "unreported":
			return "no exploit reported"
		}
	case FactorRansomware:
		if f.Value == "known" {
			return "used in ransomware campaigns"
		}
		return "no known ransomware use"
	case FactorControls:
		if f.Input == 0 {
			return "no compensating control recorded"
		}
		return strconv.Itoa(int(f.Input)) + " compensating control(s)"
	case FactorReachability:
		return f.Value
	}
	return f.Value
}

// String puts the whole explanation in words: the model, the feeds, then
// one line per factor.
func (e Explanation) String() string {
	var b strings.Builder
	b.WriteString("model ")
	b.WriteString(e.Model)
	if len(e.Feeds) > 0 {
		b.WriteString("; feeds ")
		b.WriteString(strings.Join(e.Feeds, ", "))
	}
	b.WriteString("; ")
	b.WriteString(strconv.Itoa(e.Unknown))
	b.WriteString(" unknown signal(s)\n")
	for _, f := range e.Factors {
		b.WriteString("  ")
		b.WriteString(f.Text())
		b.WriteByte('\n')
	}
	return b.String()
}
