package findings

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLocalPath(t *testing.T) {
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"src/a.go", "src/a.go", true},
		{"./src/./a/../b.go", "src/b.go", true},
		{`src\win\a.cs`, "src/win/a.cs", true},
		{"src/a%20b.go", "src/a b.go", true},
		{"dir with spaces/ünï.go", "dir with spaces/ünï.go", true},
		{"a..b/c", "a..b/c", true},
		{"", "", false},
		{".", "", false},
		{"src/..", "", false},
		{"..", "", false},
		{"../../../etc/passwd", "", false},
		{"src/../../etc/passwd", "", false},
		{`..\..\windows\win.ini`, "", false},
		{`src\..\..\x`, "", false},
		{"%2e%2e/%2e%2e/etc/passwd", "", false},
		{"%2E%2E%2Fetc%2Fpasswd", "", false},
		{"src/%zz", "", false},
		{"/etc/passwd", "", false},
		{`\\server\share\x`, "", false},
		{"%2fetc%2fpasswd", "", false},
		{"file:///etc/passwd", "", false},
		{"file:src/a.go", "", false},
		{"https://example.com/a.go", "", false},
		{"javascript:alert(1)", "", false},
		{`C:\Windows\win.ini`, "", false},
		{"C:/x", "", false},
		{"c:x", "", false},
		{"src/a\x00.go", "", false},
		{"src/a%00.go", "", false},
		{"src/\x1b[31ma.go", "", false},
		{"src/a\x7f.go", "", false},
		{"bad\x80.go", "", false},
	}
	for _, tt := range tests {
		got, ok := Location{Path: tt.path}.LocalPath()
		assert.Equal(t, tt.ok, ok, "%q", tt.path)
		assert.Equal(t, tt.want, got, "%q", tt.path)
	}
}

func TestNormalizeNumbers(t *testing.T) {
	score := func(v float64) *float64 { return &v }
	f := Finding{
		CVSS:     []CVSS{{Vector: "CVSS:3.1/AV:N", Score: score(11)}, {Score: score(-1)}, {Score: score(9.8)}, {Score: score(0)}},
		Location: Location{Path: "a.go", Region: &Region{StartLine: -5, EndLine: 7, StartColumn: -1}},
		RelatedLocations: []Location{
			{Path: "b.go", Region: &Region{StartLine: -1}},
			{Path: "c.go", Region: &Region{StartLine: 3}},
		},
	}
	f.Normalize()
	assert.Nil(t, f.CVSS[0].Score, "out of range: dropped")
	assert.Equal(t, "CVSS:3.1/AV:N", f.CVSS[0].Vector, "the vector stays")
	assert.Nil(t, f.CVSS[1].Score)
	assert.Equal(t, 9.8, *f.CVSS[2].Score)
	assert.Equal(t, 0.0, *f.CVSS[3].Score)
	assert.Equal(t, &Region{EndLine: 7}, f.Location.Region)
	assert.Nil(t, f.RelatedLocations[0].Region, "nothing left")
	assert.Equal(t, &Region{StartLine: 3}, f.RelatedLocations[1].Region)
}
