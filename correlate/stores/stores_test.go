package stores_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aspmkit/aspm/correlate/postgres"
	"github.com/aspmkit/aspm/correlate/sqlite"
	"github.com/aspmkit/aspm/correlate/stores"
)

func TestOpen(t *testing.T) {
	assert.True(t, stores.IsPostgres("postgres://u@localhost/db"))
	assert.True(t, stores.IsPostgres("postgresql://localhost/db"))
	assert.False(t, stores.IsPostgres("aspm.db"))
	assert.False(t, stores.IsPostgres("/var/lib/postgres/aspm.db"))

	ctx := context.Background()
	st, err := stores.Open(ctx, filepath.Join(t.TempDir(), "aspm.db"))
	require.NoError(t, err)
	_, ok := st.(*sqlite.Store)
	assert.True(t, ok, "a path opens SQLite")
	require.NoError(t, st.Close())

	dsn := os.Getenv("ASPM_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("ASPM_POSTGRES_DSN is not set: PostgreSQL part skipped (scripts/pg-test.sh sets it)")
	}
	st, err = stores.Open(ctx, dsn)
	require.NoError(t, err)
	_, ok = st.(*postgres.Store)
	assert.True(t, ok, "a DSN opens PostgreSQL")
	require.NoError(t, st.Close())
}
