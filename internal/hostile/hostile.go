package hostile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Repeat returns a reader of s repeated n times, made as it is read.
func Repeat(s string, n int64) io.Reader {
	if s == "" || n <= 0 {
		return strings.NewReader("")
	}
	return &repeater{unit: []byte(s), left: int64(len(s)) * n}
}

type repeater struct {
	unit []byte
	pos  int
	left int64
}

func (r *repeater) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:], r.unit[r.pos:])
		if int64(c) > r.left {
			c = int(r.left)
		}
		n += c
		r.left -= int64(c)
		r.pos = (r.pos + c) % len(r.unit)
	}
	return n, nil
}

// Concat returns a reader of the parts one after the other; each part is a
// string, a []byte or an io.Reader.
func Concat(parts ...any) io.Reader {
	rs := make([]io.Reader, 0, len(parts))
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			rs = append(rs, strings.NewReader(v))
		case []byte:
			rs = append(rs, bytes.NewReader(v))
		case io.Reader:
			rs = append(rs, v)
		default:
			panic(fmt.Sprintf("hostile.Concat: part of type %T", p))
		}
	}
	return io.MultiReader(rs...)
}

// DeepJSONArray returns depth opening brackets, a 0, and depth closing
// brackets: [[[...0...]]].
func DeepJSONArray(depth int64) io.Reader {
	return Concat(Repeat("[", depth), "0", Repeat("]", depth))
}

// DeepJSONObject returns an object nested depth deep: {"a":{"a":...1...}}.
func DeepJSONObject(depth int64) io.Reader {
	return Concat(Repeat(`{"a":`, depth), "1", Repeat("}", depth))
}

// LongJSONString returns a JSON string literal whose content is n bytes of
// 'A', quotes included around it.
func LongJSONString(n int64) io.Reader {
	return Concat(`"`, Repeat("A", n), `"`)
}

// InvalidUTF8 is text with bytes that are not UTF-8: a lone continuation
// byte, a truncated sequence, an overlong encoding and a surrogate.
const InvalidUTF8 = "bad\x80text\xc3(\xc0\xaf\xed\xa0\x80end"

// HugeNumbers are JSON numbers no field of a scanner report can hold.
var HugeNumbers = []string{"1e400", "-1e400", "123456789012345678901234567890", "-9223372036854775809", "1e-400", "NaN"}

// DeepXML returns an XML document of depth nested <name> elements.
func DeepXML(name string, depth int64) io.Reader {
	return Concat(`<?xml version="1.0"?>`, Repeat("<"+name+">", depth), Repeat("</"+name+">", depth))
}

// XMLEntityBomb returns a "billion laughs" document: levels of entities
// each expanding to ten of the previous, referenced from the element root.
func XMLEntityBomb(root string, levels int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n<!DOCTYPE " + root + " [\n <!ENTITY lol0 \"lol\">\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, " <!ENTITY lol%d \"%s\">\n", i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	fmt.Fprintf(&b, "]>\n<%s>&lol%d;</%s>\n", root, levels, root)
	return b.String()
}

// XMLExternalEntity returns a document whose root element references an
// external entity naming a local file (XXE).
func XMLExternalEntity(root, file string) string {
	return `<?xml version="1.0"?>` + "\n<!DOCTYPE " + root + ` [<!ENTITY xxe SYSTEM "file://` + file + `">]>` + "\n<" + root + ">&xxe;</" + root + ">\n"
}

var (
	bombMu    sync.Mutex
	bombCache = map[int64][]byte{}
)

// GzipBomb returns a gzip stream that inflates to size zero bytes. The
// result is cached per size: making a 1 GiB bomb compresses a gigabyte
// once, about a megabyte of output.
func GzipBomb(size int64) []byte {
	bombMu.Lock()
	defer bombMu.Unlock()
	if b, ok := bombCache[size]; ok {
		return b
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		panic(err) // the level is valid
	}
	if _, err := io.Copy(zw, io.LimitReader(zeros{}, size)); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	bombCache[size] = buf.Bytes()
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// YAMLAliasBomb returns a YAML document whose anchors each alias the
// previous one width times, levels deep: width^levels nodes once expanded.
// key names the top-level mapping key the bomb hangs under, so that it can
// sit where a decoder expects a value (for example "rules").
func YAMLAliasBomb(key string, levels, width int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"lol\"]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range width {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	fmt.Fprintf(&b, "%s: *a%d\n", key, levels)
	return b.String()
}

// DeepYAML returns a YAML flow sequence nested depth deep under key.
func DeepYAML(key string, depth int64) io.Reader {
	return Concat(key+": ", Repeat("[", depth), "x", Repeat("]", depth), "\n")
}

// Counter counts the bytes read through it.
type Counter struct {
	R io.Reader
	N int64
}

// Read reads from the underlying reader and counts what it returns.
func (c *Counter) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// Cost is what an operation took.
type Cost struct {
	// Elapsed is the wall time.
	Elapsed time.Duration
	// Alloc is the bytes allocated on the heap meanwhile, by every
	// goroutine of the process.
	Alloc uint64
}

// String formats the cost as "1.2s, 34 MiB allocated".
func (c Cost) String() string {
	return fmt.Sprintf("%v, %.1f MiB allocated", c.Elapsed.Round(time.Millisecond), float64(c.Alloc)/(1<<20))
}

// Run runs f and measures it. Tests that compare Alloc to a bound must not
// run in parallel with others.
func Run(f func()) Cost {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return Cost{Elapsed: elapsed, Alloc: after.TotalAlloc - before.TotalAlloc}
}
