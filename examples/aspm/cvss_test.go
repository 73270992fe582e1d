package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCVSSPrintsOneLinePerVector(t *testing.T) {
	code, out, errOut := runCLI(t, "", "cvss",
		"AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H",
		"CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U",
		" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/RL:O/CR:L ",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
	)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)
	assert.Equal(t, strings.Join([]string{
		"AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H\t2.0\t7.8\thigh\ttemporal=6.4\tenvironmental=9.2",
		"CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U\t3.0\t5.0\tmedium\ttemporal=4.7\tenvironmental=4.7",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N/RL:O/CR:L\t3.1\t8.6\thigh\ttemporal=8.2\tenvironmental=6.0",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U\t4.0\t8.1\thigh\tnomenclature=CVSS-BT\tbase=9.3",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N\t4.0\t0.0\tnone\tnomenclature=CVSS-B\tbase=0.0",
		"",
	}, "\n"), out)
}

func TestCVSSRounding(t *testing.T) {
	const v = "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:N/SA:L/E:U/CR:L/IR:M/AR:H/MAV:L/MAC:L/MAT:P/MPR:H/MUI:N/MVC:L/MSC:L/MSI:N"
	for _, tc := range []struct {
		args  []string
		score string
	}{
		{[]string{"cvss", v}, "\t1.6\t"},
		{[]string{"cvss", "--rounding", "current", v}, "\t1.6\t"},
		{[]string{"cvss", "--rounding", "reference", v}, "\t1.5\t"},
	} {
		code, out, errOut := runCLI(t, "", tc.args...)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, tc.score, tc.args)
	}
	code, out, errOut := runCLI(t, "", "cvss", "--rounding", "nearest", v)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `unknown --rounding "nearest"`)
}

func TestCVSSInvalidVectorsAreNamedAndExit2(t *testing.T) {
	code, out, errOut := runCLI(t, "", "cvss",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"nonsense",
	)
	assert.Equal(t, exitBadInput, code)
	assert.Equal(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\t3.1\t9.8\tcritical\ttemporal=9.8\tenvironmental=9.8\n", out,
		"the valid vector is still printed")
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, `aspm cvss: invalid vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q": metric A: value "Q" is not one of H, L, N`, lines[0])
	assert.Equal(t, `aspm cvss: invalid vector "nonsense": "nonsense" is not METRIC:VALUE`, lines[1])
}

func TestCVSSUsage(t *testing.T) {
	code, out, errOut := runCLI(t, "", "cvss")
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "no VECTOR given")
	assert.Contains(t, errOut, "Usage: aspm cvss")

	for _, h := range []string{"-h", "--help", "-help"} {
		code, out, errOut = runCLI(t, "", "cvss", h)
		assert.Equal(t, exitOK, code, h)
		assert.Empty(t, errOut, h)
		assert.Contains(t, out, "Usage: aspm cvss", h)
		assert.Contains(t, out, "-rounding", h)
	}

	code, out, errOut = runCLI(t, "", "cvss", "--nope", "AV:N/AC:L/Au:N/C:P/I:P/A:P")
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "flag provided but not defined: -nope")
	assert.Contains(t, errOut, "Usage: aspm cvss")

	code, out, errOut = runCLI(t, "", "cvss", "AV:N/AC:L/Au:N/C:P/I:P/A:P", "--rounding", "reference")
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `flag "--rounding" after a vector`)
}
