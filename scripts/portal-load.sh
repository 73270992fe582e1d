#!/usr/bin/env bash
# Load the portal at 100,000 findings from a second process on loopback
# and watch its memory.
#
# Builds examples/portal and examples/portal/loadgen, creates a throwaway
# SQLite store and a users file with one team owning the application
# "big" and a generated token, starts the portal on a free loopback port,
# seeds FINDINGS findings of five tools through the portal's upload,
# runs loadgen for DURATION (readers on the dashboard, the findings list
# and details, one upload of a small scan every UPLOAD_EVERY), and samples
# the portal's resident memory (VmRSS) every 5 seconds. At the end it
# prints loadgen's table, the memory column with its minimum and maximum,
# and the mean of the first minute against that of the last (flat memory:
# the last not much above the first), then stops the portal and removes
# everything. Not run by CI: the default run lasts five minutes.
#
#   scripts/portal-load.sh                  # 5 minutes
#   DURATION=60s scripts/portal-load.sh     # a shorter run
#
# Settings (environment): DURATION (5m), FINDINGS (100000), CLIENTS (8),
# MIX (dashboard=2,list=2,detail=1), UPLOAD_EVERY (5s), UPLOAD_FINDINGS
# (20), KEEP=1 keeps the work directory and prints its path, OUT=FILE
# also copies loadgen's JSON there.
set -euo pipefail

DURATION=${DURATION:-5m}
FINDINGS=${FINDINGS:-100000}
CLIENTS=${CLIENTS:-8}
MIX=${MIX:-dashboard=2,list=2,detail=1}
UPLOAD_EVERY=${UPLOAD_EVERY:-5s}
UPLOAD_FINDINGS=${UPLOAD_FINDINGS:-20}
SAMPLE_EVERY=5

cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/portal-load.XXXXXX")
portal_pid=""
sampler_pid=""
cleanup() {
	if [[ -n $sampler_pid ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
	if [[ -n $portal_pid ]] && kill -0 "$portal_pid" 2>/dev/null; then
		kill -TERM "$portal_pid" 2>/dev/null || true
		wait "$portal_pid" 2>/dev/null || true
	fi
	if [[ ${KEEP:-} == 1 ]]; then
		echo "work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

echo "== building"
go build -o "$work/portal" ./examples/portal
go build -o "$work/loadgen" ./examples/portal/loadgen

read -r token hash < <("$work/portal" -hash-token | awk '/^token:/ {t=$2} /^hash:/ {h=$2} END {print t, h}')
cat >"$work/users.json" <<EOF
{"teams": [{"name": "load", "apps": ["big"]}],
 "users": [{"name": "loadgen", "role": "admin", "tokens": ["$hash"], "teams": ["load"]}]}
EOF

echo "== starting the portal"
"$work/portal" --addr 127.0.0.1:0 --db "$work/aspm.db" --users "$work/users.json" 2>"$work/portal.log" &
portal_pid=$!
url=""
for _ in $(seq 1 100); do
	url=$(sed -n 's/.*msg=serving url=\(http:[^ ]*\).*/\1/p' "$work/portal.log" | head -n 1)
	[[ -n $url ]] && break
	kill -0 "$portal_pid" 2>/dev/null || { cat "$work/portal.log" >&2; exit 1; }
	sleep 0.1
done
[[ -n $url ]] || { echo "the portal did not start" >&2; cat "$work/portal.log" >&2; exit 1; }
echo "portal $url (pid $portal_pid)"

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$portal_pid/status"; }

export LOADGEN_TOKEN=$token
echo "== seeding $FINDINGS findings"
"$work/loadgen" -app big -seed-findings "$FINDINGS" "$url"
echo "portal RSS after seeding: $(( $(rss) / 1024 )) MiB"

echo "== loading for $DURATION: $CLIENTS readers ($MIX), an upload of $UPLOAD_FINDINGS findings every $UPLOAD_EVERY"
(
	start=$(date +%s)
	while kill -0 "$portal_pid" 2>/dev/null; do
		kb=$(rss 2>/dev/null) || break
		echo "$(( $(date +%s) - start )) $kb"
		sleep "$SAMPLE_EVERY"
	done
) >"$work/rss.txt" &
sampler_pid=$!

status=0
"$work/loadgen" -app big -clients "$CLIENTS" -duration "$DURATION" -mix "$MIX" -upload-every "$UPLOAD_EVERY" \
	-upload-findings "$UPLOAD_FINDINGS" -json "$work/result.json" "$url" || status=$?
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
[[ -n ${OUT:-} ]] && cp "$work/result.json" "$OUT"

echo "== portal memory (VmRSS, every ${SAMPLE_EVERY} s)"
awk '
	{ t[NR] = $1; kb[NR] = $2; if (NR == 1 || $2 < min) min = $2; if ($2 > max) max = $2 }
	END {
		if (NR == 0) { print "no samples"; exit 1 }
		printf "%6s %10s\n", "t (s)", "RSS (MiB)"
		for (i = 1; i <= NR; i++) printf "%6d %10.1f\n", t[i], kb[i] / 1024
		span = t[NR]
		window = span >= 120 ? 60 : span / 2  # a minute, or half of a short run
		for (i = 1; i <= NR; i++) {
			if (t[i] <= window) { f += kb[i]; nf++ }
			if (t[i] >= span - window) { l += kb[i]; nl++ }
		}
		printf "min %.1f MiB, max %.1f MiB\n", min / 1024, max / 1024
		printf "mean of the first %d s: %.1f MiB; of the last %d s: %.1f MiB (%+.1f%%)\n",
			window, f / nf / 1024, window, l / nl / 1024, 100 * (l / nl - f / nf) / (f / nf)
	}' "$work/rss.txt"
if grep -q 'level=ERROR' "$work/portal.log"; then
	echo "== portal errors"
	grep 'level=ERROR' "$work/portal.log" | head -n 20
	status=1
fi
exit "$status"
