package sarif

import (
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// synthLog is an io.Reader that writes a synthetic SARIF log of about
// size bytes on the fly, never holding more than one result: a tool with
// genRules rules, then results with a message, a location with a region
// and snippet, partial fingerprints, a related location, and (on every
// tenth result) a code flow. Results stop once size bytes are written;
// Results reports how many were written.
type synthLog struct {
	size      int64
	written   int64
	buf       []byte
	off       int
	stage     int // 0 header, 1 results, 2 done
	results   int
	codeFlows bool
}

const genRules = 300

func newSynthLog(size int64, codeFlows bool) *synthLog {
	return &synthLog{size: size, codeFlows: codeFlows, buf: make([]byte, 0, 64<<10)}
}

// Results is the number of results written so far (all of them once Read
// has returned io.EOF).
func (g *synthLog) Results() int { return g.results }

func (g *synthLog) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if g.off == len(g.buf) {
			if g.stage == 2 {
				if n == 0 {
					return 0, io.EOF
				}
				g.written += int64(n)
				return n, nil
			}
			g.buf, g.off = g.buf[:0], 0
			g.fill()
		}
		c := copy(p[n:], g.buf[g.off:])
		g.off += c
		n += c
	}
	g.written += int64(n)
	return n, nil
}

// fill appends the next piece of the log to g.buf: the header with the
// rules, a batch of results, or the footer.
func (g *synthLog) fill() {
	b := g.buf
	switch g.stage {
	case 0:
		b = append(b, `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"SynthScanner","version":"1.2.3","organization":"aspm","informationUri":"https://example.com/synth","rules":[`...)
		for i := range genRules {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":"SYN`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `","name":"SyntheticRule`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `","shortDescription":{"text":"Synthetic rule `...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `"},"fullDescription":{"text":"A synthetic rule that flags tainted data reaching a dangerous sink; used to measure the decoder."},"defaultConfiguration":{"level":"warning"},"helpUri":"https://example.com/rules/SYN`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `","properties":{"precision":"high","tags":["security","external/cwe/cwe-`...)
			b = strconv.AppendInt(b, int64(20+i%900), 10)
			b = append(b, `"]`...)
			if i%3 == 0 {
				b = append(b, `,"security-severity":"`...)
				b = strconv.AppendFloat(b, float64(i%100)/10, 'f', 1, 64)
				b = append(b, '"')
			}
			b = append(b, `}}`...)
		}
		b = append(b, `]}},"originalUriBaseIds":{"%SRCROOT%":{"uri":"file:///src/"}},"results":[`...)
		g.stage = 1
	case 1:
		for len(b) < 32<<10 {
			if g.written+int64(len(b)) >= g.size {
				b = append(b, `]}]}`...)
				g.stage = 2
				break
			}
			if g.results > 0 {
				b = append(b, ',')
			}
			b = g.result(b, g.results)
			g.results++
		}
	}
	g.buf = b
}

func (g *synthLog) result(b []byte, i int) []byte {
	r := i % genRules
	line := int64(1 + i%5000)
	b = append(b, `{"ruleId":"SYN`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, `","ruleIndex":`...)
	b = strconv.AppendInt(b, int64(r), 10)
	if i%4 == 0 {
		b = append(b, `,"level":"error"`...)
	}
	b = append(b, `,"message":{"text":"Synthetic finding `...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, `: user input flows into a dangerous sink without sanitization."},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"pkg/mod`...)
	b = strconv.AppendInt(b, int64(i%97), 10)
	b = append(b, `/file`...)
	b = strconv.AppendInt(b, int64(i%1013), 10)
	b = append(b, `.go","uriBaseId":"%SRCROOT%"},"region":{"startLine":`...)
	b = strconv.AppendInt(b, line, 10)
	b = append(b, `,"startColumn":5,"endLine":`...)
	b = strconv.AppendInt(b, line+2, 10)
	b = append(b, `,"endColumn":17,"snippet":{"text":"    query := \"SELECT * FROM t WHERE id = \" + r.FormValue(\"id\")\n    db.Exec(query)\n"}}},"logicalLocations":[{"fullyQualifiedName":"example.com/mod.Handler`...)
	b = strconv.AppendInt(b, int64(i%211), 10)
	b = append(b, `","kind":"function"}]}],"relatedLocations":[{"id":1,"physicalLocation":{"artifactLocation":{"uri":"pkg/source.go","uriBaseId":"%SRCROOT%"},"region":{"startLine":12}},"message":{"text":"user input"}}],"partialFingerprints":{"primaryLocationLineHash":"`...)
	b = strconv.AppendUint(b, uint64(i)*0x9E3779B97F4A7C15, 16)
	b = append(b, `:1"}`...)
	if g.codeFlows && i%10 == 0 {
		b = append(b, `,"codeFlows":[{"threadFlows":[{"locations":[`...)
		for k := range 3 {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"location":{"physicalLocation":{"artifactLocation":{"uri":"pkg/flow.go","uriBaseId":"%SRCROOT%"},"region":{"startLine":`...)
			b = strconv.AppendInt(b, int64(10+k), 10)
			b = append(b, `}},"message":{"text":"step"}}}`...)
		}
		b = append(b, `]}]}]`...)
	}
	return append(b, '}')
}

// heapSampler records the peak of runtime.MemStats.HeapInuse, sampled by a
// ticker goroutine and on demand.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startHeapSampler(every time.Duration) *heapSampler {
	s := &heapSampler{stop: make(chan struct{})}
	s.sample()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *heapSampler) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	for {
		old := s.peak.Load()
		if m.HeapInuse <= old || s.peak.CompareAndSwap(old, m.HeapInuse) {
			return
		}
	}
}

// Stop ends sampling and returns the peak heap in use, in bytes.
func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	s.wg.Wait()
	s.sample()
	return s.peak.Load()
}
