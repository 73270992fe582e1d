//go:build race

package hostile_test

// xmlRaceFactor scales allocation bounds: under the race detector, growing
// a bytes.Buffer allocates about twice what it does otherwise (the
// compiler no longer fuses the make and the append of its growth), and
// encoding/xml and the CycloneDX and KEV readers grow theirs to the limit.
const xmlRaceFactor = 2
