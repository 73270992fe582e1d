#!/usr/bin/env bash
# Runs aspm side by side with what users would use instead, in one
# invocation, on the same inputs, the two sides interleaved round by round
# (so that load from other processes hits both alike), and prints a
# summary table. The figures in BENCHMARKS.md come from it.
#
#  sarif  our streaming SARIF decoder vs plain go-sarif (sarif.Open) on the
#         same 200 MB synthetic file: BenchmarkDecode200MB and
#         BenchmarkGoSarifOpen200MB of findings/sarif.
#  opa    `opa bench` vs our compliance engine: the built-in policies, the
#         single query the engine runs (Parallelism 1) and the same
#         postures, written by TestPeerOPAInputs (compliance): a small one
#         (one asset, five findings) and BenchmarkEvaluateBuiltinsLarge's
#         (10,000 assets, 100,000 findings). Ours: BenchmarkPeerOPASmall and
#         BenchmarkPeerOPALarge (raw query in the sandbox, the same query
#         through OPA's Go API, Engine.Evaluate at Parallelism 1 and
#         GOMAXPROCS) and BenchmarkEvaluateBuiltinsLarge (from JSON bytes,
#         conversion included). `opa eval` checks first that opa gives our
#         engine's answer on the small input.
#  match  SARIF Multitool `match-results-forward` vs correlate on one
#         baseline/current SARIF pair of MATCH_RESULTS results (written by
#         TestPeerMatchPair, correlate): the multitool, `aspm diff` and
#         `aspm track` (SQLite) under /usr/bin/time (wall, CPU, peak RSS),
#         and BenchmarkPeerMatchForward (correlate) in process.
#
# Usage: scripts/bench-peers.sh [OUTDIR]
#   OUTDIR receives the raw outputs and summary.md (default: a new
#   temporary directory, printed at the end). Work files (test binaries,
#   the 62 MB posture, the SARIF pair) go to a temporary directory removed
#   on exit.
# Environment:
#   COUNT          rounds per comparison (default 6: benchstat needs 6
#                  samples for a 95% interval)
#   LARGE_COUNT    rounds of the large posture (default 3; each takes
#                  about 20 s on a quiet 2-core machine, a minute loaded)
#   ONLY           comma-separated subset of sarif,opa,match (default all)
#   MATCH_RESULTS  baseline results of the matching pair (default 10000)
#   OPA            opa binary (default: opa on PATH; install with
#                  `bash ../shared/tools/install-peers.sh opa`)
#   OPA_GOMOD      optional second opa binary, built at the OPA version
#                  go.mod pins, to separate version from embedding
#   MULTITOOL      Sarif.Multitool binary (default: where
#                  `install-peers.sh sarif-multitool` puts it)
#   BENCHSTAT      benchstat command (default: benchstat on PATH, else
#                  `go run golang.org/x/perf/cmd/benchstat@latest`)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
count="${COUNT:-6}"
large_count="${LARGE_COUNT:-3}"
only=",${ONLY:-sarif,opa,match},"
match_results="${MATCH_RESULTS:-10000}"
opa="${OPA:-$(command -v opa || true)}"
opa_gomod="${OPA_GOMOD:-}"
npm_prefix="${NPM_PREFIX:-$HOME/.cache/aspm-peers/npm}"
multitool="${MULTITOOL:-$npm_prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}"
if [ -n "${BENCHSTAT:-}" ]; then
	benchstat="$BENCHSTAT"
elif command -v benchstat >/dev/null; then
	benchstat=benchstat
else
	benchstat="go run golang.org/x/perf/cmd/benchstat@latest"
fi

out="${1:-$(mktemp -d -t aspm-bench-peers.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d -t aspm-bench-work.XXXXXX)"
trap 'rm -rf "$work"' EXIT
want() { [[ "$only" == *",$1,"* ]]; }
log() { printf '== %s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# stat_cmp TITLE OUTFILE LABEL=FILE...: benchstat, or a note when it cannot run.
stat_cmp() {
	local title=$1 dst=$2
	shift 2
	{
		echo "# $title"
		# shellcheck disable=SC2086
		$benchstat "$@" 2>&1 || echo "benchstat failed (command: $benchstat); raw files are beside this one"
	} >"$dst"
}

# timed FILE LABEL ROUND CMD...: runs CMD under /usr/bin/time and appends
# "label round wall-s user-s sys-s maxrss-KiB" to FILE.
timed() {
	local dst=$1 label=$2 round=$3
	shift 3
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.$$" "$@"
	echo "$label $round $(cat "$work/time.$$")" >>"$dst"
}

log "machine"
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "go: $(go version)"
	echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	[ -n "$opa" ] && echo "opa: $("$opa" version 2>/dev/null | head -1)"
	[ -n "$opa_gomod" ] && echo "opa (go.mod version): $("$opa_gomod" version 2>/dev/null | head -1)"
	[ -x "$multitool" ] && echo "multitool: $("$multitool" --version 2>&1 | head -1)"
	echo "go.mod OPA: $(cd "$repo" && go list -m -f '{{.Version}}' github.com/open-policy-agent/opa)"
	echo "go.mod go-sarif: $(cd "$repo" && go list -m -f '{{.Version}}' github.com/owenrumney/go-sarif/v3)"
	echo "rounds: $count (large posture: $large_count)"
} >"$out/machine.txt"
cat "$out/machine.txt" >&2

log "building test binaries and aspm"
(
	cd "$repo"
	want sarif && go test -c -o "$work/sarif.test" ./findings/sarif/
	want opa && go test -c -o "$work/compliance.test" ./compliance/
	want match && go test -c -o "$work/correlate.test" ./correlate/ && go build -o "$work/aspm" ./examples/aspm
	true
)

# bench PKGDIR BINARY ARGS...: runs a test binary in its package directory.
bench() {
	local dir=$1 bin=$2
	shift 2
	(cd "$repo/$dir" && "$work/$bin" -test.run '^$' -test.benchmem "$@")
}

if want sarif; then
	log "sarif: $count rounds of aspm and go-sarif on 200 MB"
	mkdir -p "$out/sarif"
	: >"$out/sarif/raw.txt"
	for i in $(seq "$count"); do
		log "sarif round $i"
		bench findings/sarif sarif.test -test.bench '^BenchmarkDecode200MB$' -test.benchtime 1x | tee -a "$out/sarif/raw.txt" | grep '^Benchmark' >&2
		bench findings/sarif sarif.test -test.bench '^BenchmarkGoSarifOpen200MB$' -test.benchtime 1x | tee -a "$out/sarif/raw.txt" | grep '^Benchmark' >&2
	done
	sed -n 's/^BenchmarkDecode200MB\(-[0-9]*\)\{0,1\}\s/BenchmarkSARIF200MB /p' "$out/sarif/raw.txt" >"$out/sarif/aspm.txt"
	sed -n 's/^BenchmarkGoSarifOpen200MB\(-[0-9]*\)\{0,1\}\s/BenchmarkSARIF200MB /p' "$out/sarif/raw.txt" >"$out/sarif/go-sarif.txt"
	stat_cmp "200 MB SARIF: aspm streaming decoder vs go-sarif sarif.Open" "$out/sarif/benchstat.txt" \
		aspm="$out/sarif/aspm.txt" go-sarif="$out/sarif/go-sarif.txt"
fi

if want opa; then
	mkdir -p "$out/opa"
	if [ -z "$opa" ] || ! "$opa" version >/dev/null 2>&1; then
		echo "opa not found: install it with 'bash ../shared/tools/install-peers.sh opa' or set OPA" | tee "$out/opa/skipped.txt" >&2
	else
		log "opa: writing policies, query and postures"
		(cd "$repo/compliance" && ASPM_BENCH_OPA_DIR="$work/opa" "$work/compliance.test" -test.run '^TestPeerOPAInputs$' -test.count 1 >/dev/null)
		cp "$work/opa/query.rego" "$work/opa/small.json" "$work/opa/small.expected.json" "$out/opa/"
		query="$(cat "$work/opa/query.rego")"
		opas=("opa=$opa")
		[ -n "$opa_gomod" ] && opas+=("opa-gomod=$opa_gomod")
		for o in "${opas[@]}"; do
			name=${o%%=*} bin=${o#*=}
			"$bin" eval -f json --data "$work/opa/policies" --input "$work/opa/small.json" "$query" >"$work/opa/$name.eval.json"
			python3 - "$work/opa/$name.eval.json" "$work/opa/small.expected.json" "$name" >>"$out/opa/eval-check.txt" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["result"][0]["bindings"]["result"]
want = json.load(open(sys.argv[2]))
print(f"{sys.argv[3]}: opa eval on small.json {'equals' if got == want else 'DIFFERS FROM'} aspm's result ({len(want)} controls)")
sys.exit(0 if got == want else 1)
PY
		done
		cat "$out/opa/eval-check.txt" >&2
		: >"$out/opa/raw-aspm.txt"
		: >"$out/opa/raw-opa.txt"
		for i in $(seq "$count"); do
			log "opa round $i"
			bench compliance compliance.test -test.bench '^BenchmarkPeerOPASmall$' | tee -a "$out/opa/raw-aspm.txt" | grep '^Benchmark' >&2
			for o in "${opas[@]}"; do
				name=${o%%=*} bin=${o#*=}
				"$bin" bench --count 1 --metrics=false -f gobench --data "$work/opa/policies" --input "$work/opa/small.json" "$query" |
					sed "s/^BenchmarkOPAEval/BenchmarkOPASmall-$name/" | tee -a "$out/opa/raw-opa.txt" >&2
			done
			[ "$i" -le "$large_count" ] || continue
			bench compliance compliance.test -test.bench '^BenchmarkPeerOPALarge$|^BenchmarkEvaluateBuiltinsLarge$' -test.benchtime 1x -test.timeout 30m |
				tee -a "$out/opa/raw-aspm.txt" | grep '^Benchmark' >&2
			for o in "${opas[@]}"; do
				name=${o%%=*} bin=${o#*=}
				"$bin" bench --count 1 --metrics=false -f gobench --data "$work/opa/policies" --input "$work/opa/large.json" "$query" |
					sed "s/^BenchmarkOPAEval/BenchmarkOPALarge-$name/" | tee -a "$out/opa/raw-opa.txt" >&2
			done
		done
		# One file per implementation, every benchmark renamed to the input's name.
		for size in Small Large; do
			for sub in raw-query opa-rego-api evaluate-p1 evaluate-p2 evaluate-p4 evaluate-p8; do
				grep -q "^BenchmarkPeerOPA$size/$sub-" "$out/opa/raw-aspm.txt" || continue
				sed -n "s#^BenchmarkPeerOPA$size/$sub-[0-9]*\s#Benchmark$size #p" "$out/opa/raw-aspm.txt" >"$out/opa/$size-aspm-$sub.txt"
			done
			for o in "${opas[@]}"; do
				name=${o%%=*}
				sed -n "s#^BenchmarkOPA$size-$name\s#Benchmark$size #p" "$out/opa/raw-opa.txt" >"$out/opa/$size-$name.txt"
			done
		done
		sed -n 's#^BenchmarkEvaluateBuiltinsLarge-[0-9]*\s#BenchmarkLarge #p' "$out/opa/raw-aspm.txt" >"$out/opa/Large-aspm-evaluate-json.txt"
		for size in Small Large; do
			args=()
			for o in "${opas[@]}"; do args+=("${o%%=*}=$out/opa/$size-${o%%=*}.txt"); done
			for impl in raw-query opa-rego-api evaluate-p1 evaluate-p2 evaluate-p4 evaluate-p8 evaluate-json; do
				f="$out/opa/$size-aspm-$impl.txt"
				[ -s "$f" ] && args+=("aspm-$impl=$f")
			done
			stat_cmp "$size posture: opa bench vs aspm (first column is the base)" "$out/opa/benchstat-$size.txt" "${args[@]}"
		done
	fi
fi

if want match; then
	mkdir -p "$out/match"
	if [ ! -x "$multitool" ]; then
		echo "Sarif.Multitool not found at $multitool: install it with 'bash ../shared/tools/install-peers.sh sarif-multitool' or set MULTITOOL" |
			tee "$out/match/skipped.txt" >&2
	else
		log "match: writing a pair of $match_results baseline results"
		pair="$work/pair"
		mkdir -p "$pair"
		(cd "$repo/correlate" && ASPM_BENCH_PAIR_DIR="$pair" ASPM_BENCH_MATCH_RESULTS="$match_results" \
			"$work/correlate.test" -test.run '^TestPeerMatchPair$' -test.count 1 >/dev/null)
		ls -l "$pair" >"$out/match/pair.txt"
		: >"$out/match/times.txt"
		: >"$out/match/go-bench.txt"
		for i in $(seq "$count"); do
			log "match round $i"
			rm -f "$work/mt-out.sarif"
			timed "$out/match/times.txt" multitool "$i" "$multitool" match-results-forward "$pair/current.sarif" \
				--previous "$pair/baseline.sarif" --output-file-path "$work/mt-out.sarif" >"$work/mt.log" 2>&1 ||
				{ cat "$work/mt.log" >&2; exit 1; }
			timed "$out/match/times.txt" aspm-diff "$i" "$work/aspm" diff --baseline "$pair/baseline.sarif" "$pair/current.sarif" >"$work/diff.jsonl"
			rm -f "$work/track.db"*
			timed "$out/match/times.txt" aspm-track-baseline "$i" "$work/aspm" track --db "$work/track.db" "$pair/baseline.sarif" >/dev/null
			timed "$out/match/times.txt" aspm-track-current "$i" "$work/aspm" track --db "$work/track.db" "$pair/current.sarif" >"$work/track.jsonl"
			ASPM_BENCH_MATCH_RESULTS="$match_results" bench correlate correlate.test -test.bench '^BenchmarkPeerMatchForward$' |
				tee -a "$out/match/go-bench.txt" | grep '^Benchmark' >&2
		done
		python3 - "$work/mt-out.sarif" "$work/diff.jsonl" "$work/track.jsonl" >"$out/match/verdicts.txt" <<'PY'
import collections, json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8-sig"))
mt = collections.Counter(r.get("baselineState") for run in doc["runs"] for r in run.get("results") or [])
def states(path):
    return collections.Counter(json.loads(l).get("state") for l in open(path) if l.strip())
print("multitool baselineState:", dict(sorted(mt.items())))
print("aspm diff state:        ", dict(sorted(states(sys.argv[2]).items())))
print("aspm track state:       ", dict(sorted(states(sys.argv[3]).items())))
PY
		cat "$out/match/verdicts.txt" >&2
	fi
fi

log "summary"
python3 - "$out" >"$out/summary.md" <<'PY'
import os, re, statistics, sys
out = sys.argv[1]

def bench_lines(path, name=None):
    """{unit: [values]} of a benchmark file's lines (all lines, or those of one name)."""
    vals = {}
    if not os.path.exists(path):
        return vals
    for line in open(path):
        f = line.split()
        if not f or not f[0].startswith("Benchmark") or (name and f[0] != name):
            continue
        for v, u in zip(f[2::2], f[3::2]):
            try:
                vals.setdefault(u, []).append(float(v))
            except ValueError:
                pass
    return vals

def med(vals, unit):
    v = vals.get(unit)
    return statistics.median(v) if v else None

def fmt_s(ns):
    if ns is None:
        return "—"
    s = ns / 1e9
    return f"{s:.3f} s" if s >= 0.1 else f"{s*1e3:.3f} ms"

print("# bench-peers summary (medians of all rounds)\n")
print(open(os.path.join(out, "machine.txt")).read())
rows = []
s = os.path.join(out, "sarif")
if os.path.isdir(s):
    a, g = bench_lines(os.path.join(s, "aspm.txt")), bench_lines(os.path.join(s, "go-sarif.txt"))
    if a and g:
        print("## 200 MB SARIF decode\n")
        print("| | time | MB/s | cpu-s/op | peak heap MiB | allocs/op | n |")
        print("|---|---|---|---|---|---|---|")
        for name, v in (("aspm sarif.Decode (streaming)", a), ("go-sarif sarif.Open", g)):
            print(f"| {name} | {fmt_s(med(v,'ns/op'))} | {med(v,'MB/s'):.1f} | {med(v,'cpu-s/op'):.2f} | {med(v,'peak-heap-MiB'):.1f} | {med(v,'allocs/op'):,.0f} | {len(v['ns/op'])} |")
        print(f"\ngo-sarif / aspm time: {med(g,'ns/op')/med(a,'ns/op'):.2f}×; peak heap {med(g,'peak-heap-MiB')/med(a,'peak-heap-MiB'):.0f}×\n")
o = os.path.join(out, "opa")
if os.path.isdir(o) and not os.path.exists(os.path.join(o, "skipped.txt")):
    print("## Compliance: opa bench vs aspm (same policies, query, input)\n")
    if os.path.exists(os.path.join(o, "eval-check.txt")):
        print(open(os.path.join(o, "eval-check.txt")).read())
    order = ["opa", "opa-gomod", "aspm-raw-query", "aspm-opa-rego-api", "aspm-evaluate-p1", "aspm-evaluate-p2",
             "aspm-evaluate-p4", "aspm-evaluate-p8", "aspm-evaluate-json"]
    for size in ("Small", "Large"):
        print(f"### {size} posture\n")
        print("| implementation | time/eval | evals/s (one goroutine) | B/op | allocs/op | n |")
        print("|---|---|---|---|---|---|")
        for impl in order:
            p = os.path.join(o, f"{size}-{impl}.txt")
            v = bench_lines(p)
            if not v:
                continue
            ns = med(v, "ns/op")
            print(f"| {impl} | {fmt_s(ns)} | {1e9/ns:,.{1 if ns < 1e8 else 3}f} | {med(v,'B/op'):,.0f} | {med(v,'allocs/op'):,.0f} | {len(v['ns/op'])} |")
        print()
m = os.path.join(out, "match")
if os.path.exists(os.path.join(m, "times.txt")):
    print("## Baseline matching: SARIF Multitool match-results-forward vs aspm\n")
    print(open(os.path.join(m, "pair.txt")).read().replace("\n", "  \n"))
    t = {}
    for line in open(os.path.join(m, "times.txt")):
        f = line.split()
        if len(f) == 6:
            t.setdefault(f[0], []).append([float(x) for x in f[2:]])
    print("| command | wall s | CPU s (user+sys) | peak RSS MiB | n |")
    print("|---|---|---|---|---|")
    for k, runs in t.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] + r[2] for r in runs)
        rss = statistics.median(r[3] for r in runs) / 1024
        print(f"| {k} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {len(runs)} |")
    gb = os.path.join(m, "go-bench.txt")
    print("\nIn process (BenchmarkPeerMatchForward):\n")
    print("| sub-benchmark | time | allocs/op | n |")
    print("|---|---|---|---|")
    for sub in ("decode+compare", "compare", "track-memory"):
        v = {}
        for line in open(gb):
            f = line.split()
            if f and re.match(rf"^BenchmarkPeerMatchForward/{re.escape(sub)}(-\d+)?$", f[0]):
                for val, u in zip(f[2::2], f[3::2]):
                    v.setdefault(u, []).append(float(val))
        if v:
            print(f"| {sub} | {fmt_s(med(v,'ns/op'))} | {med(v,'allocs/op'):,.0f} | {len(v['ns/op'])} |")
    print()
    print(open(os.path.join(m, "verdicts.txt")).read())
PY
cat "$out/summary.md"
for f in "$out"/sarif/benchstat.txt "$out"/opa/benchstat-*.txt; do
	[ -f "$f" ] && cat "$f"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
echo "raw outputs: $out"
