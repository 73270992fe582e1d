package kev

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCatalogLimits holds a catalog to maxCatalogBytes (JSON and CSV) and
// maxCSVLines at N and N+1, lowered for the test, and JSON nesting to 512
// levels.
func TestCatalogLimits(t *testing.T) {
	const entry = `{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"N",` +
		`"dateAdded":"2021-12-10","shortDescription":"S","requiredAction":"A","dueDate":"2021-12-24"}`
	doc := func(extra string) string {
		return `{"catalogVersion":"2025.08.20","dateReleased":"2025-08-20T17:02:00.000Z","count":1` + extra +
			`,"vulnerabilities":[` + entry + `]}`
	}
	const header = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate\n"
	const row = "CVE-2021-44228,Apache,Log4j2,N,2021-12-10,S,A,2021-12-24\n"
	nest := func(n int) string { return `,"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) }
	defer func(b int64, l int) { maxCatalogBytes, maxCSVLines = b, l }(maxCatalogBytes, maxCSVLines)
	tests := []struct {
		name  string
		bytes int64
		lines int
		in    string
		want  string // text of the ErrLimit, "" for success
	}{
		{name: "JSON bytes at N", bytes: int64(len(doc(""))), lines: 10, in: doc("")},
		{name: "JSON bytes at N+1", bytes: int64(len(doc(""))), lines: 10, in: doc("") + " ", want: "document larger than"},
		{name: "JSON depth at N", bytes: 1 << 20, lines: 10, in: doc(nest(511))},
		{name: "JSON depth at N+1", bytes: 1 << 20, lines: 10, in: doc(nest(512)), want: "nesting deeper than 512 levels"},
		{name: "CSV bytes at N", bytes: int64(len(header + row)), lines: 10, in: header + row},
		{name: "CSV bytes at N+1", bytes: int64(len(header + row)), lines: 10, in: header + row + "\n", want: "catalog longer than 153 bytes"},
		{name: "CSV lines at N", bytes: 1 << 20, lines: 2, in: header + row},
		{name: "CSV lines at N+1", bytes: 1 << 20, lines: 2, in: header + row + "\n", want: "2 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			maxCatalogBytes, maxCSVLines = tt.bytes, tt.lines
			c, err := Read(strings.NewReader(tt.in), Options{Name: "kev"})
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, 1, c.Len())
				return
			}
			assert.ErrorIs(t, err, ErrLimit)
			assert.ErrorContains(t, err, tt.want)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.True(t, pe.Line > 0 || pe.Offset >= 0, "the error names a place: %v", err)
		})
	}
}

// TestQuotedFieldAcrossLines holds what the hostile-input suite
// (internal/hostile) found: a quoted field gathered lines without end,
// each shorter than the line limit. The limit now bounds a CSV record.
func TestQuotedFieldAcrossLines(t *testing.T) {
	const header = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate\n"
	in := header + "CVE-2021-44228,Apache,Log4j2,\"N" + strings.Repeat("nnnnnnnnn\n", 120<<10) + "\",2021-12-10,S,A,2021-12-24\n"
	_, err := Read(strings.NewReader(in), Options{Name: "kev.csv"})
	assert.ErrorIs(t, err, ErrSyntax)
	assert.ErrorContains(t, err, "line longer than 1048576 bytes")
}
