package hostile_test

// Hostile webhook payloads against correlate/alert.DecodePayload, which an
// application runs on what arrives at its endpoint (after Verify):
//
//	input                                   limit                          what happens
//	JSON nested 1,000,000 deep              encoding/json's 10,000 levels  ErrSyntax at the byte past the limit;
//	  (1 MB, under MaxBytes)                                               < 10 s, < 64 MiB allocated
//	500 MB string                           DecodeOptions.MaxBytes 16 MiB  ErrLimit after reading 16 MiB + 1 byte;
//	                                                                       < 10 s, < 96 MiB allocated
//	invalid UTF-8 in the version            -                              ErrInvalid naming "version" (an
//	                                                                       unsupported version), never a panic
//	duplicate "digests" member              -                              ErrInvalid naming the member
//	number out of range (a count of 1e400)  -                              ErrInvalid naming digests[0].count

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/internal/hostile"
)

func TestHostileAlertPayload(t *testing.T) {
	const name = "webhook-request-42"
	tests := []struct {
		name     string
		input    func() *hostile.Counter
		sentinel error
		path     string
		maxAlloc uint64
		maxRead  int64
	}{
		{"deep nesting", func() *hostile.Counter {
			return &hostile.Counter{R: hostile.Concat(`{"version":"aspm-alert/1","digests":`, hostile.DeepJSONArray(1_000_000), `}`)}
		}, alert.ErrSyntax, "", 64 << 20, 3 << 20},
		{"500 MB string", func() *hostile.Counter {
			return &hostile.Counter{R: hostile.Concat(`{"version":`, hostile.LongJSONString(500<<20), `}`)}
		}, alert.ErrLimit, "", 96 << 20, alert.DefaultMaxPayloadBytes + 1},
		{"invalid UTF-8", func() *hostile.Counter {
			return &hostile.Counter{R: strings.NewReader(`{"version":"aspm-alert/1` + hostile.InvalidUTF8 + `","digests":[]}`)}
		}, alert.ErrInvalid, "version", 16 << 20, 1 << 20},
		{"duplicate member", func() *hostile.Counter {
			return &hostile.Counter{R: strings.NewReader(`{"version":"aspm-alert/1","digests":[],"digests":[]}`)}
		}, alert.ErrInvalid, "digests", 16 << 20, 1 << 20},
		{"number out of range", func() *hostile.Counter {
			return &hostile.Counter{R: strings.NewReader(`{"version":"aspm-alert/1","digests":[{"count":1e400}]}`)}
		}, alert.ErrInvalid, "digests[0]", 16 << 20, 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.input()
			var err error
			cost := hostile.Run(func() { _, err = alert.DecodePayload(in, alert.DecodeOptions{Name: name}) })
			t.Logf("cost: %v, read %d bytes: %v", cost, in.N, err)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			var ie *alert.InputError
			require.True(t, errors.As(err, &ie), "an InputError, got %T", err)
			assert.Equal(t, name, ie.Name)
			assert.Contains(t, err.Error(), name)
			if tt.path != "" {
				assert.True(t, strings.HasPrefix(ie.Path, tt.path), "path %q, want under %q", ie.Path, tt.path)
			}
			assert.LessOrEqual(t, in.N, tt.maxRead, "bytes read")
			assert.Less(t, cost.Elapsed, findingsMaxTime, "time: %v", cost)
			assert.Less(t, cost.Alloc, tt.maxAlloc, fmt.Sprintf("allocation: %v", cost))
		})
	}
}
