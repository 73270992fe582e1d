package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// dsnEnv names the environment variable that gives the tests a database;
// scripts/pg-test.sh starts a throwaway cluster and sets it.
const dsnEnv = "ASPM_POSTGRES_DSN"

// testDSN returns the DSN of the test database, or skips the test when
// there is none. CI sets it itself (see scripts/pg-test.sh), so a missing
// DSN skips even there.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		tb.Skip("skipping: " + dsnEnv + " is empty (scripts/pg-test.sh runs these tests against a throwaway cluster)")
	}
	return dsn
}

// tempSchema returns the name of a schema of its own for one test, and
// drops it when the test ends.
func tempSchema(tb testing.TB) string {
	tb.Helper()
	dsn := testDSN(tb)
	name := fmt.Sprintf("aspm_test_%016x", rand.Uint64())
	tb.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("dropping schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			tb.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return name
}

// openTemp opens a store in a schema of its own, closed and dropped when
// the test ends.
func openTemp(tb testing.TB, opts Options) *Store {
	tb.Helper()
	if opts.Schema == "" {
		opts.Schema = tempSchema(tb)
	}
	s, err := Open(context.Background(), testDSN(tb), opts)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// rawConn connects to the test database without the store, with the
// search path set to schema.
func rawConn(tb testing.TB, schema string) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(testDSN(tb))
	require.NoError(tb, err)
	cfg.RuntimeParams["search_path"] = schema
	conn, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = conn.Close(ctx) })
	return conn
}
