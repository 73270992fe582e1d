package decide_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aspmkit/aspm/access/decide"
)

var fuzzDecider = sync.OnceValues(func() (*decide.Decider, error) {
	return decide.New(context.Background(), decide.Options{})
})

// FuzzDecodeRequest checks that DecodeRequest never panics, that its
// errors are typed, and that every request it accepts is decided without
// error by the baseline.
func FuzzDecodeRequest(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("testdata/invalid/*.json")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"principal":{"id":"u","time_zone":"Asia/Tokyo"},"action":"iam:*","context":{"time":"2025-01-01T00:00:00-12:00","ip":"::1","location":{"lat":-90,"lon":180}},"history":[{"time":"0001-01-01T00:00:01Z","location":{"lat":90,"lon":-180}}]}`))
	f.Add([]byte(`{"principal":{"id":"u"},"action":"a","context":{"time":"9999-12-31T23:59:59Z"},"history":[{"time":"2025-01-01T00:00:00Z","outcome":"deny"}]}`))
	f.Add([]byte(`{"principal":{"id":"u"},"action":"a","action":"b","context":{"time":"2025-01-01T00:00:00Z","location":{"lat":1e400,"lon":0}}}`))
	f.Add([]byte(`{"action":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`))
	d, err := fuzzDecider()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decide.DecodeRequest(bytes.NewReader(data))
		if err != nil {
			var re *decide.RequestError
			if !errors.As(err, &re) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if !errors.Is(err, decide.ErrSyntax) && !errors.Is(err, decide.ErrInvalid) && !errors.Is(err, decide.ErrLimit) {
				t.Fatalf("error without sentinel: %v", err)
			}
			return
		}
		dec, err := d.Decide(context.Background(), req)
		if err != nil {
			t.Fatalf("accepted request not decided: %v", err)
		}
		if dec.Risk < 0 || dec.Risk > 100 {
			t.Fatalf("risk %v out of range", dec.Risk)
		}
	})
}
