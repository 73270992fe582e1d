package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aspmkit/aspm/examples/portal/internal/load"
)

// Exit statuses.
const (
	exitOK     = 0
	exitErrors = 1
	exitUsage  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run runs loadgen with args; getenv reads the environment.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	token := fs.String("token", "", "the bearer `token` (default $LOADGEN_TOKEN)")
	app := fs.String("app", "", "the application `name`, addressed under /apps/NAME/ (default: the root routes)")
	clients := fs.Int("clients", load.DefaultClients, "the `number` of readers")
	duration := fs.Duration("duration", 30*time.Second, "how long readers start requests")
	mix := fs.String("mix", "dashboard=2,list=2,detail=1", "the readers' `weights` of dashboard, list and detail")
	uploadEvery := fs.Duration("upload-every", load.DefaultUploadEvery, "start an upload this often (0: no uploads)")
	uploadFindings := fs.Int("upload-findings", load.DefaultUploadFindings, "the `number` of findings of each uploaded scan")
	timeout := fs.Duration("timeout", load.DefaultTimeout, "bound each request to this long")
	seed := fs.Uint64("seed", 1, "seed the random choices with this `number`")
	jsonOut := fs.String("json", "", "also write the figures as JSON to this `file` (\"-\": standard output, without the table)")
	seedFindings := fs.Int("seed-findings", 0, "upload this `number` of findings of five tools to the application, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "loadgen: give the portal's address, like http://127.0.0.1:8080")
		return exitUsage
	}
	if *token == "" {
		*token = getenv("LOADGEN_TOKEN")
	}
	m, err := load.ParseMix(*mix)
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: %v\n", err)
		return exitUsage
	}
	every := *uploadEvery
	if every == 0 {
		every = -1 // Config's "no uploads"
	}
	cfg := load.Config{BaseURL: fs.Arg(0), Token: *token, App: *app, Clients: *clients, Duration: *duration, Mix: m,
		UploadEvery: every, UploadFindings: *uploadFindings, Timeout: *timeout, Seed: *seed}
	if *seedFindings > 0 {
		began := time.Now()
		if err := load.Seed(ctx, cfg, *seedFindings); err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			if errors.Is(err, load.ErrConfig) {
				return exitUsage
			}
			return exitErrors
		}
		fmt.Fprintf(stdout, "seeded %d findings in %.1f s\n", *seedFindings, time.Since(began).Seconds())
		return exitOK
	}
	res, err := load.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: %v\n", err)
		return exitUsage
	}
	if *jsonOut != "-" {
		if err := res.WriteText(stdout); err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return exitErrors
		}
	}
	if *jsonOut != "" {
		if err := writeJSON(res, *jsonOut, stdout); err != nil {
			fmt.Fprintf(stderr, "loadgen: %v\n", err)
			return exitErrors
		}
	}
	if all, _ := res.Stat(load.All); all.Errors > 0 {
		return exitErrors
	}
	return exitOK
}

// writeJSON writes the result to a file, or to stdout for "-".
func writeJSON(res *load.Result, name string, stdout io.Writer) error {
	if name == "-" {
		return res.WriteJSON(stdout)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := res.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
