package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aspmkit/aspm/compliance"
	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/atomicfile"
	"github.com/aspmkit/aspm/report"
	"github.com/aspmkit/aspm/report/junit"
	"github.com/aspmkit/aspm/report/sarif"
	"github.com/aspmkit/aspm/risk"
)

// entry is one finding of the comparison with its score and the signals
// behind it.
type entry struct {
	change correlate.Change
	risk   risk.Score
	sig    risk.Signals
}

// isNew reports whether the entry is what the gate judges: new (or back
// after a fix) and neither triaged away nor suppressed by its tool or VEX.
func (e *entry) isNew() bool {
	c := &e.change
	return (c.State == correlate.StateNew || c.State == correlate.StateReopened) && !c.Suppressed && !c.Finding.Suppressed()
}

// score scores every change. It is risk.Model.ScoreFinding in two steps,
// so that the signals (KEV, EPSS, reachability) can go into the reports.
func score(changes []correlate.Change, ctx risk.Context, stderr io.Writer) []entry {
	var model risk.Model
	out := make([]entry, len(changes))
	for i, c := range changes {
		sig, err := risk.SignalsFrom(c.Finding, ctx)
		if err != nil {
			// The score stands without the signal that did not parse.
			fmt.Fprintf(stderr, "cigate: %s: %s: %v\n", c.Finding.Source.File, report.Plain(c.Finding.Title, 80), err)
		}
		out[i] = entry{change: c, risk: model.Score(sig), sig: sig}
	}
	return out
}

// verdict is the gate's decision and what it rests on.
type verdict struct {
	states         map[correlate.State]int
	byPriority     map[risk.Priority]int
	blocking       []entry // new findings at or above a threshold, most urgent first
	postureChecked bool
	controls       []string // failed gating controls
}

// judge counts the entries and picks the blocking ones.
func judge(entries []entry, cfg config) verdict {
	v := verdict{states: map[correlate.State]int{}, byPriority: map[risk.Priority]int{}}
	for _, e := range entries {
		v.states[e.change.State]++
		if !e.isNew() {
			continue
		}
		v.byPriority[e.risk.Priority]++
		if (cfg.priority != "" && e.risk.Priority.Rank() <= cfg.priority.Rank()) ||
			(cfg.severity != "" && e.risk.Severity.Rank() >= cfg.severity.Rank()) {
			v.blocking = append(v.blocking, e)
		}
	}
	slices.SortStableFunc(v.blocking, func(a, b entry) int {
		return cmp.Or(risk.Compare(a.risk, b.risk), cmp.Compare(a.change.Finding.Tool.Name, b.change.Finding.Tool.Name),
			cmp.Compare(a.change.Finding.Location.Path, b.change.Finding.Location.Path),
			cmp.Compare(line(&a.change.Finding), line(&b.change.Finding)),
			cmp.Compare(a.change.Finding.RuleID, b.change.Finding.RuleID), cmp.Compare(a.change.ID, b.change.ID))
	})
	return v
}

func (v *verdict) passed() bool { return len(v.blocking) == 0 && len(v.controls) == 0 }

// print writes the summary and the verdict.
func (v *verdict) print(w io.Writer, cfg config, baselines, scans int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "cigate: %d scan file(s) against %d baseline file(s):", scans, baselines)
	for _, s := range []correlate.State{correlate.StateNew, correlate.StateReopened, correlate.StateUpdated,
		correlate.StateUnchanged, correlate.StateFixed} {
		fmt.Fprintf(bw, " %d %s", v.states[s], s)
	}
	fmt.Fprint(bw, "\nnew by priority:")
	for _, p := range []risk.Priority{risk.P1, risk.P2, risk.P3, risk.P4} {
		fmt.Fprintf(bw, " %s %d", p, v.byPriority[p])
	}
	fmt.Fprintln(bw)
	if len(v.blocking) > 0 {
		fmt.Fprintf(bw, "\nnew findings at or above %s:\n", thresholds(cfg))
		for _, e := range v.blocking {
			f := &e.change.Finding
			id := f.RuleID
			if len(f.VulnerabilityIDs) > 0 {
				id = f.VulnerabilityIDs[0]
			}
			fmt.Fprintf(bw, "  %s %5.1f %-8s %s  %s  %s  %s\n", e.risk.Priority, e.risk.Value, e.risk.Severity,
				report.Plain(f.Tool.Name, 40), report.Plain(id, 60), report.Plain(where(f), 100), report.Plain(f.Title, 100))
		}
	}
	if v.postureChecked {
		fmt.Fprint(bw, "\nposture controls: ")
		if len(v.controls) == 0 {
			fmt.Fprintln(bw, "passed")
		} else {
			fmt.Fprintf(bw, "failed: %s\n", strings.Join(v.controls, ", "))
		}
	}
	var why []string
	if n := len(v.blocking); n > 0 {
		why = append(why, fmt.Sprintf("%d new finding(s) at or above %s", n, thresholds(cfg)))
	}
	if n := len(v.controls); n > 0 {
		why = append(why, fmt.Sprintf("%d gating control(s) failed", n))
	}
	if len(why) == 0 {
		fmt.Fprintf(bw, "\ngate passed (%s)\n", thresholds(cfg))
	} else {
		fmt.Fprintf(bw, "\ngate FAILED: %s\n", strings.Join(why, "; "))
	}
	return bw.Flush()
}

// thresholds says what the gate fails on.
func thresholds(cfg config) string {
	var t []string
	if cfg.priority != "" {
		t = append(t, "priority "+string(cfg.priority))
	}
	if cfg.severity != "" {
		t = append(t, "severity "+string(cfg.severity))
	}
	if len(t) == 0 {
		return "no threshold"
	}
	return strings.Join(t, " or ")
}

// line is a finding's start line; 0 when unknown.
func line(f *findings.Finding) int {
	if f.Location.Region == nil {
		return 0
	}
	return f.Location.Region.StartLine
}

// where is a finding's location in a few words.
func where(f *findings.Finding) string {
	l := f.Location
	switch {
	case l.Path != "" && line(f) > 0:
		return fmt.Sprintf("%s:%d", l.Path, line(f))
	case f.Package != nil && f.Package.Name != "":
		return f.Package.Name + "@" + f.Package.Version
	}
	return cmp.Or(l.Path, l.URL, l.Image, l.Target, "-")
}

// reportData turns the comparison into report data: lifecycle state from
// the comparison, risk from the score.
func reportData(entries []entry, at time.Time) *report.Data {
	d := &report.Data{Title: "cigate", GeneratedAt: at, Findings: make([]report.Finding, len(entries))}
	for i, e := range entries {
		c := &e.change
		open := c.State != correlate.StateFixed
		rf := report.Finding{Finding: c.Finding, State: string(c.State), Open: &open, Cluster: c.Cluster,
			Suppressed: c.Suppressed || c.Finding.Suppressed()}
		rf.Risk = report.RiskOf(e.risk, e.sig)
		d.Findings[i] = rf
	}
	return d
}

// writeReports writes the SARIF and JUnit files asked for.
func writeReports(cfg config, entries []entry, at time.Time, stderr io.Writer) int {
	if cfg.sarif == "" && cfg.junit == "" {
		return exitOK
	}
	r := report.New(reportData(entries, at), report.Options{})
	var errs []error
	if cfg.sarif != "" {
		errs = append(errs, writeFile(cfg.sarif, func(w io.Writer) error { return sarif.Write(w, r, sarif.Options{}) }))
	}
	if cfg.junit != "" {
		// JUnit fails what the gate judges: new and reopened findings at the
		// severity threshold; the others are passing test cases.
		opts := junit.Options{FailOn: cfg.severity, FailStates: []string{"new", "reopened"}, Name: "cigate"}
		errs = append(errs, writeFile(cfg.junit, func(w io.Writer) error { return junit.Write(w, r, opts) }))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(stderr, "cigate: %v\n", err)
		return exitBadInput
	}
	return exitOK
}

// writeFile writes name with write, atomically, in name's directory
// (which must exist); a symbolic link at name is replaced, not followed.
func writeFile(name string, write func(io.Writer) error) error {
	return atomicfile.Write(name, write, atomicfile.Options{})
}

// postureGate evaluates the compliance controls against the posture of the
// scan (its findings, with the lifecycle records of the comparison) and
// returns the gating controls that failed.
func postureGate(policies []string, scanned []findings.Finding, records []correlate.Record,
	ctx risk.Context, at time.Time, stderr io.Writer) ([]string, error) {
	bg := context.Background()
	engine, err := compliance.New(bg, compliance.Options{Dirs: policies})
	if err != nil {
		return nil, fmt.Errorf("loading policies: %w", err)
	}
	p, err := compliance.NewBuilder(at).Findings(scanned, compliance.FindingOptions{Context: ctx, Records: records}).Build()
	if err != nil {
		if p == nil {
			return nil, fmt.Errorf("building the posture: %w", err)
		}
		// The posture is complete; what could not be used is worth a word.
		fmt.Fprintf(stderr, "cigate: building the posture: %v\n", err)
	}
	rep, err := engine.Evaluate(bg, p)
	if err != nil {
		return nil, fmt.Errorf("evaluating the controls: %w", err)
	}
	return rep.Gate.Failed, nil
}
