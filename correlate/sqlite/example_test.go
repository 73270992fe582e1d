package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/correlate/sqlite"
	"github.com/aspmkit/aspm/findings"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "aspm-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := sqlite.Open(ctx, filepath.Join(dir, "aspm.db"), sqlite.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()

	sqli := findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G201",
		Severity: findings.SeverityHigh, Location: findings.Location{Path: "db.go", SnippetHash: "a1"}}
	weakHash := findings.Finding{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G401",
		Severity: findings.SeverityMedium, Location: findings.Location{Path: "hash.go", SnippetHash: "b2"}}
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

	// Monday's scan finds both; Tuesday's only the injection.
	for i, fs := range [][]findings.Finding{{sqli, weakHash}, {sqli}} {
		scan := correlate.Scan{ID: fmt.Sprintf("ci-%d", i+1), At: at.Add(time.Duration(i) * 24 * time.Hour),
			Application: "shop", Findings: fs}
		res, err := correlate.Track(ctx, st, scan, correlate.Options{})
		if err != nil {
			panic(err)
		}
		for _, c := range res.Changes {
			fmt.Println(scan.ID, c.Finding.RuleID, c.State)
		}
	}

	for r, err := range st.Records(ctx, "", "shop", sqlite.Query{Open: true}) {
		if err != nil {
			panic(err)
		}
		fmt.Println("open:", r.Finding.RuleID, "since", r.FirstSeen.Format(time.DateOnly))
	}
	scans, err := st.Scans(ctx, "", "shop")
	if err != nil {
		panic(err)
	}
	for _, s := range scans {
		fmt.Printf("%s: %d new, %d unchanged, %d fixed\n", s.ID, s.New, s.Unchanged, s.Fixed)
	}
	// Output:
	// ci-1 G201 new
	// ci-1 G401 new
	// ci-2 G201 unchanged
	// ci-2 G401 fixed
	// open: G201 since 2026-11-02
	// ci-1: 2 new, 0 unchanged, 0 fixed
	// ci-2: 0 new, 1 unchanged, 1 fixed
}

// The portal's findings list: open findings of one application, high or
// critical, newest first, at most 50.
func ExampleStore_Records() {
	dir, err := os.MkdirTemp("", "aspm-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "aspm.db"), sqlite.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()

	// Monday 08:00 gosec finds two problems, 09:00 semgrep one.
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	gosec := []findings.Finding{
		{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G201", Severity: findings.SeverityHigh,
			Location: findings.Location{Path: "db.go", SnippetHash: "a1"}},
		{Kind: findings.KindSAST, Tool: findings.Tool{Name: "gosec"}, RuleID: "G401", Severity: findings.SeverityMedium,
			Location: findings.Location{Path: "hash.go", SnippetHash: "b2"}},
	}
	semgrep := []findings.Finding{
		{Kind: findings.KindSAST, Tool: findings.Tool{Name: "semgrep"}, RuleID: "sqli", Severity: findings.SeverityCritical,
			Location: findings.Location{Path: "api.go", SnippetHash: "c3"}},
	}
	for i, fs := range [][]findings.Finding{gosec, semgrep} {
		scan := correlate.Scan{ID: fmt.Sprintf("ci-%d", i+1), At: at.Add(time.Duration(i) * time.Hour), Application: "shop",
			Tools: []string{fs[0].Tool.Name}, Findings: fs}
		if _, err := correlate.Track(ctx, st, scan, correlate.Options{}); err != nil {
			panic(err)
		}
	}

	q := correlate.Query{Open: true, Severities: []string{"critical", "high"}, Order: correlate.ByLastSeen, Limit: 50}
	for r, err := range st.Records(ctx, "", "shop", q) {
		if err != nil {
			panic(err)
		}
		fmt.Println(r.Finding.Tool.Name, r.Finding.RuleID, r.Finding.Severity, r.LastSeen.Format(time.TimeOnly))
	}
	// Output:
	// semgrep sqli critical 09:00:00
	// gosec G201 high 08:00:00
}
