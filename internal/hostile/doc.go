// Package hostile makes the hostile inputs aspm's decoders and importers are
// tested against: JSON and YAML nested far deeper than any limit, strings
// of hundreds of megabytes, numbers out of range, invalid UTF-8, duplicate
// keys, XML entity expansion and external entities, gzip bombs and YAML
// alias bombs. Large inputs are streamed from an [io.Reader] that makes
// them on demand, so a 500 MB string costs the test nothing until a decoder
// reads it, and a [Counter] tells how far a decoder read before it stopped.
//
// # Bounds
//
// [Run] measures an operation's wall time and the bytes it allocated, so a
// test can hold each hostile case to a stated bound in time and memory.
//
// The package is for tests; it is internal because users have no use for
// it.
package hostile
