// Package storetest is the conformance suite of [correlate.Store]
// implementations: it runs the same sequences of scans and triage
// decisions against a store and against a [correlate.MemoryStore], and
// checks that they agree record for record.
//
// # Use
//
// A store's tests call [Run] with a function that opens a fresh, empty
// store for one subtest (closed by the caller's cleanup):
//
//	func TestStoreSuite(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) correlate.Store {
//			s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{})
//			require.NoError(t, err)
//			t.Cleanup(func() { _ = s.Close() })
//			return s
//		})
//	}
//
// The suite covers new, unchanged, updated, fixed and reopened findings,
// triage with expiry and suppression, triage decisions recorded between
// the Load and the Save of a tracked scan (kept, as [correlate.Store]
// requires), tenants and applications kept
// apart, times to the nanosecond (before 1970 and near year 9999 too),
// finding properties and text a database may refuse, cancelled contexts,
// and real scans: the demo scans of the repository and, when the shared
// corpus is present, container scans (see internal/testcorpus).
//
// # Concurrency
//
// [Concurrent] runs writers and readers against one store for a while:
// 16 writers, two of them on one application, and 2 readers that check
// that every load sees whole scans, and with [ConcurrentOptions.Triage]
// an analyst who triages one writer's records meanwhile. At the end,
// every application must hold exactly the records a
// [correlate.MemoryStore] holds after the same scans, and every decision
// the analyst made: no update is lost. [Synthetic] builds the scans it
// uses.
//
// # Differences the suite allows
//
// Stores that keep findings as JSON return their properties in JSON's
// shape (float64 numbers, []any lists): the suite compares properties
// after a JSON round trip ([JSONShape]). Everything else must be equal,
// times to the nanosecond.
package storetest
