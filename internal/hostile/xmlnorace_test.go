//go:build !race

package hostile_test

// xmlRaceFactor scales allocation bounds; see xmlrace_test.go.
const xmlRaceFactor = 1
