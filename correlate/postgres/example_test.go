package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/postgres"
)

// Open refuses a bad option before it connects.
func ExampleOpen_invalidOptions() {
	_, err := postgres.Open(context.Background(), "postgres://aspm@localhost/aspm", postgres.Options{Schema: "Security-Team"})
	fmt.Println(errors.Is(err, postgres.ErrInvalidOptions))
	fmt.Println(err)
	// Output:
	// true
	// postgres: invalid options: schema "Security-Team" is not a lower-case identifier
}

// Tracking a scan and listing the portal's page of findings.
func ExampleStore_Records() {
	dsn := os.Getenv("ASPM_POSTGRES_DSN")
	if dsn == "" {
		return // needs a server
	}
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn, postgres.Options{Schema: "aspm_example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	if _, err := correlate.Track(ctx, st, correlate.Scan{ID: "ci-1", Tenant: "acme", Application: "shop"}, correlate.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	q := correlate.Query{Open: true, Severities: []string{"critical", "high"}, Order: correlate.ByLastSeen, Limit: 50}
	for r, err := range st.Records(ctx, "acme", "shop", q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.ID, r.State, r.Finding.Severity, r.LastSeen)
	}
}

func ExampleRowError() {
	err := error(&postgres.RowError{Schema: "aspm", Table: "records", Tenant: "acme", Application: "shop", ID: "k1",
		Column: "finding", Err: errors.New("unexpected end of JSON input")})
	var re *postgres.RowError
	fmt.Println(errors.Is(err, postgres.ErrCorrupt), errors.As(err, &re) && re.Column == "finding")
	fmt.Println(err)
	// Output:
	// true true
	// postgres: schema "aspm": records row "acme"/"shop"/"k1": column finding: unexpected end of JSON input
}
