// Package stores opens the correlate.Store a target names: a PostgreSQL
// DSN ("postgres://..." or "postgresql://...") opens the PostgreSQL store
// of package correlate/postgres, anything else is the path of the SQLite
// file of package correlate/sqlite. It imports both drivers, so programs
// that need only one import that package instead.
package stores

import (
	"context"
	"strings"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/postgres"
	"github.com/aspmkit/aspm/correlate/sqlite"
)

// IsPostgres reports whether target is a PostgreSQL DSN.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens the store target names, with each store's default options.
func Open(ctx context.Context, target string) (correlate.Store, error) {
	if IsPostgres(target) {
		return postgres.Open(ctx, target, postgres.Options{})
	}
	return sqlite.Open(ctx, target, sqlite.Options{})
}
