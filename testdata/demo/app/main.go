// Command demoapp is a deliberately flawed program that aspm's demo data is
// produced from: gosec, govulncheck, osv-scanner and gitleaks scan it.
package main

import (
	"crypto/md5"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"

	"golang.org/x/text/language"
)

func lookup(db *sql.DB, r *http.Request) (*sql.Rows, error) {
	// SQL built by string concatenation (gosec G202).
	return db.Query("SELECT name FROM users WHERE id = " + r.URL.Query().Get("id"))
}

func run(r *http.Request) error {
	// Command built from request input (gosec G204).
	return exec.Command("sh", "-c", r.URL.Query().Get("cmd")).Run()
}

func main() {
	// A weak hash (gosec G401/G501).
	fmt.Printf("%x\n", md5.Sum([]byte("demo")))
	// Parsing untrusted language tags reaches a known-vulnerable symbol.
	tags, _, err := language.ParseAcceptLanguage(os.Getenv("ACCEPT_LANGUAGE"))
	fmt.Println(tags, err)
	_ = lookup
	_ = run
	// Listening without timeouts (gosec G114).
	_ = http.ListenAndServe(":8080", nil)
}
