package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aspmkit/aspm/correlate/stores"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// run runs the portal until ctx ends, then shuts it down gracefully.
// When ready is not nil it receives the address the server listens on.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, ready chan<- string) int {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on this `address`")
	db := fs.String("db", "aspm.db", "the state store: a SQLite `file` (created when missing), or a PostgreSQL DSN (postgres://...)")
	app := fs.String("app", "default", "the application `name` whose findings the portal shows (without teams in the users file)")
	usersFlag := fs.String("users", "", "the users `file` (JSON; see the package documentation)")
	certFile := fs.String("tls-cert", "", "serve HTTPS with this certificate `file` (PEM)")
	keyFile := fs.String("tls-key", "", "the private key `file` of --tls-cert (PEM)")
	maxFile := fs.Int64("max-file-size", defaultMaxFileBytes, "refuse an uploaded file larger than this many `bytes`")
	maxUpload := fs.Int64("max-upload-size", defaultMaxUploadBytes, "refuse an upload larger than this many `bytes` in all")
	hashPw := fs.Bool("hash-password", false, "read a password from standard input, print its hash for the users file, and exit")
	hashTok := fs.Bool("hash-token", false, "print a new random bearer token and its hash for the users file, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "portal: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	switch {
	case *hashPw:
		line, err := bufio.NewReader(stdin).ReadString('\n')
		pw := strings.TrimRight(line, "\r\n")
		if (err != nil && !errors.Is(err, io.EOF)) || pw == "" {
			fmt.Fprintln(stderr, "portal: -hash-password: give the password on standard input")
			return exitUsage
		}
		h, err := hashPassword(pw, passwordIterations)
		if err != nil {
			fmt.Fprintf(stderr, "portal: %v\n", err)
			return exitError
		}
		fmt.Fprintln(stdout, h)
		return exitOK
	case *hashTok:
		tok := randomToken()
		fmt.Fprintf(stdout, "token: %s\nhash:  %s\n", tok, tokenHash(tok))
		return exitOK
	case *usersFlag == "":
		fmt.Fprintln(stderr, "portal: --users FILE is required")
		return exitUsage
	case (*certFile == "") != (*keyFile == ""):
		fmt.Fprintln(stderr, "portal: give both --tls-cert and --tls-key, or neither")
		return exitUsage
	}

	log := slog.New(slog.NewTextHandler(stderr, nil))
	f, err := os.Open(*usersFlag)
	if err != nil {
		fmt.Fprintf(stderr, "portal: %v\n", err)
		return exitError
	}
	users, err := parseUsers(f, *usersFlag)
	f.Close()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	appSet := false
	fs.Visit(func(f *flag.Flag) { appSet = appSet || f.Name == "app" })
	if users.teams && appSet {
		fmt.Fprintln(stderr, "portal: --app has no effect when the users file defines teams: each team names its applications")
		return exitUsage
	}
	st, err := stores.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "portal: %v\n", err)
		return exitError
	}
	defer st.Close()
	srv, err := newServer(config{App: *app, Store: st, Users: users, MaxFileBytes: *maxFile, MaxUploadBytes: *maxUpload, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "portal: %v\n", err)
		return exitError
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "portal: %v\n", err)
		return exitError
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if *certFile != "" {
		scheme = "https"
	}
	if users.teams {
		log.Info("serving", "url", scheme+"://"+ln.Addr().String(), "teams", true, "postgres", stores.IsPostgres(*db))
	} else {
		log.Info("serving", "url", scheme+"://"+ln.Addr().String(), "app", *app, "postgres", stores.IsPostgres(*db))
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() {
		if *certFile != "" {
			errc <- hs.ServeTLS(ln, *certFile, *keyFile)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "portal: %v\n", err)
		return exitError
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "portal: shutdown: %v\n", err)
		return exitError
	}
	return exitOK
}
