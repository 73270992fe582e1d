#!/usr/bin/env bash
# Regenerates testdata/correlate/multitool: scan pairs derived from real SARIF
# files of the shared corpus, and the verdict of an independent oracle on
# each pair, the SARIF Multitool's match-results-forward (Microsoft's SARIF
# SDK, 5.7.0). correlate/multitool_test.go compares correlate.Compare with
# those verdicts; it reads the committed files and never runs the multitool.
#
# For every pair in PAIRS below:
#
#  1. baseline.sarif is the corpus file (its sha256 checked against
#     MANIFEST.tsv), trimmed: first run only, results without a message left
#     out (the multitool cannot read them), first 200 results, rule "help"
#     texts, rules no kept result refers to (rule indices renumbered), result
#     "codeFlows" and invocation notifications removed (neither side of the
#     comparison reads them; they are most of the bytes); every result gets
#     a guid (see derive()), which lets the test see which baseline result
#     the multitool matched;
#  2. current.sarif is derived from the baseline by the transformation
#     documented in derive() below: every line moved down by the pair's
#     shift; then, by the result's index i in the baseline, i%8==1 dropped,
#     i%8==2 message reworded, i%8==3 level changed, i%8==5 snippet text
#     changed, i%8==6 copied to a new file (appended at the end); and every
#     result in one file (the pair's "rename" index names the result whose
#     file it is) moved to a renamed file;
#  3. transform.json records, for every result of current.sarif, the
#     baseline result it came from and the operations applied, and the
#     dropped baseline results;
#  4. oracle.sarif is the multitool's output for (baseline, current), with
#     its only nondeterministic values replaced: the random result guid and
#     correlationGuid by numbered ones (the same guid, the same number), and
#     provenance.firstDetectionTimeUtc (the clock when a run records no
#     time) by a constant. baselineState is left as the multitool wrote it.
#     The multitool runs a second time on the baseline without its guids,
#     and the script fails unless every result gets the same state.
#
# Usage: scripts/oracle-multitool.sh
# Environment: ASPM_CORPUS (default ../shared/corpus beside the repository),
# MULTITOOL (the Sarif.Multitool binary; default: where
# install-peers.sh sarif-multitool puts it under NPM_PREFIX).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${ASPM_CORPUS:-$repo/../shared/corpus}"
npm_prefix="${NPM_PREFIX:-$HOME/.cache/aspm-peers/npm}"
multitool="${MULTITOOL:-$npm_prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}"
out="$repo/testdata/correlate/multitool"

[ -d "$corpus" ] || { echo "corpus not found: $corpus (set ASPM_CORPUS)" >&2; exit 1; }
[ -x "$multitool" ] || { echo "Sarif.Multitool not found: $multitool (run install-peers.sh sarif-multitool, or set MULTITOOL)" >&2; exit 1; }
version="$("$multitool" --version 2>&1 || true)"
case "$version" in
"SARIF Multitool 5.7.0"*) ;;
*) echo "warning: expected SARIF Multitool 5.7.0, got: $version" >&2 ;;
esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# name, corpus file, shift, index of the result whose file is renamed (-1:
# none). Trivy's pair neither shifts nor renames: its "file" is the image and
# every result sits at the placeholder region 1:1, which no rescan moves.
PAIRS="
bandit        sarif/bandit/bandit.sarif                        3  -1
codeql        sarif/codeql/codeQL-output.sarif                 2   4
cppcheck      sarif/cppcheck/CppCheck_issueLog1_raw.xml.sarif  5  12
devskim       sarif/devskim/devskim_many_vuln.sarif            3   0
eslint        sarif/eslint/eslint.sarif                        1   4
flawfinder    sarif/flawfinder/flawfinder.sarif                4   4
semgrep       sarif/semgrep/semgrep_oss_issue_10191.sarif.json 3   4
shiftleft     sarif/shiftleft-scan/taint-python-report.sarif   1   4
snyk-code     sarif/snyk-code/snykcode_issue_9270.sarif.json   6   4
spotbugs      sarif/spotbugs/spotbugs.sarif                    2   4
trivy         sarif/trivy/nginx-trivy.sarif.json               0  -1
"

cat >"$tmp/oracle.py" <<'PY'
import copy, csv, hashlib, json, os, sys

def manifest_check(corpus, rel):
    with open(os.path.join(corpus, "MANIFEST.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["local_path"] == rel:
                with open(os.path.join(corpus, rel), "rb") as g:
                    got = hashlib.sha256(g.read()).hexdigest()
                if got != row["sha256"]:
                    sys.exit(f"{rel}: sha256 {got} differs from MANIFEST.tsv {row['sha256']}")
                return row
    sys.exit(f"{rel}: not in MANIFEST.tsv")

def regions(res):
    """Every region and context region of the result's locations and
    related locations."""
    for key in ("locations", "relatedLocations"):
        for loc in res.get(key) or []:
            pl = (loc or {}).get("physicalLocation") or {}
            for rk in ("region", "contextRegion"):
                if isinstance(pl.get(rk), dict):
                    yield rk, pl[rk]

def artifact_locations(res):
    for key in ("locations", "relatedLocations"):
        for loc in res.get(key) or []:
            al = ((loc or {}).get("physicalLocation") or {}).get("artifactLocation")
            if isinstance(al, dict):
                yield al

def first_uri(res):
    for al in artifact_locations(res):
        return al.get("uri")
    return None

def suffixed(uri, suffix):
    """dir/name.ext -> dir/name<suffix>.ext (works on file:// URIs too)."""
    head, sep, base = uri.rpartition("/")
    stem, dot, ext = base.partition(".")
    return head + sep + stem + suffix + dot + ext

def trim(doc):
    run = doc["runs"][0]
    doc["runs"] = [run]
    # The multitool cannot read a result without a message (SARIF requires
    # one; flawfinder writes a "pass" result without it): leave those out.
    results = [r for r in run.get("results") or [] if isinstance(r.get("message"), dict)]
    doc["_invalid"] = len(run.get("results") or []) - len(results)
    run["results"] = results[:200]
    tool = run.get("tool") or {}
    for comp in [tool.get("driver") or {}] + (tool.get("extensions") or []):
        for rule in comp.get("rules") or []:
            rule.pop("help", None)
    for res in run["results"]:
        res.pop("codeFlows", None)
    for inv in run.get("invocations") or []:
        inv.pop("toolExecutionNotifications", None)
        inv.pop("toolConfigurationNotifications", None)
    trim_rules(run)
    return doc

def trim_rules(run):
    """Leaves out the driver's rules no kept result refers to (by ruleIndex,
    rule.index or ruleId, a hierarchical id "a/b" also by "a") and renumbers
    the results' rule indices. Skipped when a result names a tool component."""
    driver = (run.get("tool") or {}).get("driver") or {}
    rules = driver.get("rules") or []
    results = run["results"]
    if not rules or any("toolComponent" in (r.get("rule") or {}) for r in results):
        return
    ids = {}
    for i, rule in enumerate(rules):
        ids.setdefault(rule.get("id"), i)
    used = set()
    for res in results:
        rule = res.get("rule") or {}
        for idx in (res.get("ruleIndex"), rule.get("index")):
            if isinstance(idx, int) and 0 <= idx < len(rules):
                used.add(idx)
        rid = res.get("ruleId") or rule.get("id")
        while rid:
            if rid in ids:
                used.add(ids[rid])
            rid = rid.rpartition("/")[0]
    remap = {old: new for new, old in enumerate(sorted(used))}
    driver["rules"] = [rules[i] for i in sorted(used)]
    for res in results:
        if res.get("ruleIndex") in remap:
            res["ruleIndex"] = remap[res["ruleIndex"]]
        rule = res.get("rule") or {}
        if rule.get("index") in remap:
            rule["index"] = remap[rule["index"]]

BASELINE_GUID = "00000000-0000-4000-8000-%012d"
ORACLE_GUID = "00000000-0000-4000-9000-%012d"

LEVELS = {"error": "warning", "warning": "error", "note": "warning", "none": "note"}

def reword(res):
    m = res.setdefault("message", {})
    if isinstance(m.get("text"), str):
        m["text"] += " (reworded)"
    elif m.get("arguments"):
        m["arguments"][-1] = str(m["arguments"][-1]) + " (reworded)"
    else:
        m["text"] = "reworded"

def change_snippet(res):
    for rk, reg in regions(res):
        sn = reg.get("snippet")
        if rk == "region" and isinstance(sn, dict) and isinstance(sn.get("text"), str):
            first, nl, rest = sn["text"].partition("\n")
            sn["text"] = first + " /* changed */" + nl + rest
            return "snippet"
    for rk, reg in regions(res):
        sn = reg.get("snippet")
        if isinstance(sn, dict) and isinstance(sn.get("text"), str):
            first, nl, rest = sn["text"].partition("\n")
            sn["text"] = first + " /* changed */" + nl + rest
            return "context-snippet"
    return None

def derive(corpus, src, shift, rename, outdir):
    row = manifest_check(corpus, src)
    with open(os.path.join(corpus, src), encoding="utf-8-sig") as f:
        baseline = trim(json.load(f))
    invalid = baseline.pop("_invalid")
    current = copy.deepcopy(baseline)
    run = current["runs"][0]
    base_results = baseline["runs"][0]["results"]
    # Baseline results carry a guid, as in a log that went through
    # match-results-forward before; the multitool carries it forward as the
    # matched result's correlationGuid, which tells which baseline result it
    # matched. A guid only in the baseline changes no match: the multitool
    # compares guids only for equality, and current results have none.
    for i, res in enumerate(base_results):
        res["guid"] = BASELINE_GUID % (i + 1)
    renamed_from = first_uri(base_results[rename]) if rename >= 0 else None
    renamed_to = suffixed(renamed_from, "_renamed") if renamed_from else None
    out, copies, dropped = [], [], []
    for i, res in enumerate(copy.deepcopy(base_results)):
        del res["guid"]
        ops = ["shift"] if shift else []
        for _, reg in regions(res):
            for k in ("startLine", "endLine"):
                if isinstance(reg.get(k), int):
                    reg[k] += shift
        if renamed_from and first_uri(res) == renamed_from:
            for al in artifact_locations(res):
                if al.get("uri") == renamed_from:
                    al["uri"] = renamed_to
            ops.append("rename")
        k = i % 8
        if k == 1:
            dropped.append(i)
            continue
        if k == 2:
            reword(res)
            ops.append("message")
        elif k == 3:
            res["level"] = LEVELS.get(res.get("level"), "error")
            ops.append("level")
        elif k == 5:
            op = change_snippet(res)
            if op:
                ops.append(op)
        elif k == 6 and first_uri(res):
            c = copy.deepcopy(res)
            for al in artifact_locations(c):
                if al.get("uri"):
                    al["uri"] = suffixed(al["uri"], "_copy")
                    al.pop("index", None)
            copies.append((c, {"baseline": i, "ops": [o for o in ops if o != "rename"] + ["copy"]}))
        out.append((res, {"baseline": i, "ops": ops}))
    out += copies
    run["results"] = [r for r, _ in out]
    if renamed_from:
        for a in run.get("artifacts") or []:
            loc = a.get("location") or {}
            if loc.get("uri") == renamed_from:
                loc["uri"] = renamed_to
    transform = {
        "source": src,
        "source_repo": row["source_repo"],
        "source_commit": row["commit"],
        "source_path": row["path_in_repo"],
        "source_license": row["license"],
        "source_sha256": row["sha256"],
        "left_out_without_message": invalid,
        "shift": shift,
        "renamed": {"from": renamed_from, "to": renamed_to} if renamed_from else None,
        "baseline_results": len(base_results),
        "dropped": dropped,
        "current": [t for _, t in out],
    }
    for name, doc in (("baseline.sarif", baseline), ("current.sarif", current), ("transform.json", transform)):
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")

def normalize(raw, dst):
    """Replaces the random guids the oracle made up (not the baseline's) and
    its clock times; keeps the rest."""
    with open(raw, encoding="utf-8-sig") as f:
        doc = json.load(f)
    guids = {}
    def num(g):
        if g.startswith(BASELINE_GUID.partition("%")[0]):
            return g
        return guids.setdefault(g, ORACLE_GUID % (len(guids) + 1))
    for run in doc.get("runs") or []:
        for res in run.get("results") or []:
            for k in ("guid", "correlationGuid"):
                if k in res:
                    res[k] = num(res[k])
            prov = res.get("provenance")
            if isinstance(prov, dict) and "firstDetectionTimeUtc" in prov:
                prov["firstDetectionTimeUtc"] = "2000-01-01T00:00:00.000Z"
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")

def canonical(res):
    """A result without what the multitool adds or rewrites (guids, state,
    provenance, its property, artifact indices, default and empty values)."""
    r = copy.deepcopy(res)
    for k in ("guid", "correlationGuid", "baselineState", "provenance", "ruleIndex"):
        r.pop(k, None)
    if r.get("level") == "warning":
        del r["level"]
    if r.get("kind") == "fail":
        del r["kind"]
    (r.get("properties") or {}).pop("ResultMatching", None)
    for key in ("locations", "relatedLocations"):
        for loc in r.get(key) or []:
            ((loc or {}).get("physicalLocation") or {}).get("artifactLocation", {}).pop("index", None)
    def prune(v):
        if isinstance(v, dict):
            v = {k: prune(x) for k, x in v.items()}
            return {k: x for k, x in v.items() if x not in ({}, [])}
        if isinstance(v, list):
            return [x for x in map(prune, v) if x not in ({}, [])]
        return v
    return json.dumps(prune(r), sort_keys=True)

def same_verdicts(a, b):
    """Fails unless two oracle outputs give every result the same state."""
    def verdicts(path):
        with open(path, encoding="utf-8-sig") as f:
            results = json.load(f)["runs"][0]["results"]
        return sorted((canonical(r), r.get("baselineState")) for r in results)
    if verdicts(a) != verdicts(b):
        sys.exit(f"{a} and {b}: the baseline guids changed the multitool's verdicts")

def strip_guids(src, dst):
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    for res in doc["runs"][0]["results"]:
        res.pop("guid", None)
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f)

cmd = sys.argv[1]
if cmd == "derive":
    derive(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
elif cmd == "normalize":
    normalize(sys.argv[2], sys.argv[3])
elif cmd == "strip-guids":
    strip_guids(sys.argv[2], sys.argv[3])
elif cmd == "same-verdicts":
    same_verdicts(sys.argv[2], sys.argv[3])
PY

echo "$PAIRS" | while read -r name src shift rename; do
	[ -n "$name" ] || continue
	dir="$out/$name"
	mkdir -p "$dir"
	python3 "$tmp/oracle.py" derive "$corpus" "$src" "$shift" "$rename" "$dir"
	"$multitool" match-results-forward "$dir/current.sarif" --previous "$dir/baseline.sarif" \
		--output-file-path "$tmp/$name.sarif" >"$tmp/$name.log" 2>&1 ||
		{ cat "$tmp/$name.log" >&2; exit 1; }
	python3 "$tmp/oracle.py" normalize "$tmp/$name.sarif" "$dir/oracle.sarif"
	# The baseline's guids must not change any verdict: run once without.
	python3 "$tmp/oracle.py" strip-guids "$dir/baseline.sarif" "$tmp/$name-noguid.sarif"
	"$multitool" match-results-forward "$dir/current.sarif" --previous "$tmp/$name-noguid.sarif" \
		--output-file-path "$tmp/$name-check.sarif" >"$tmp/$name.log" 2>&1 ||
		{ cat "$tmp/$name.log" >&2; exit 1; }
	python3 "$tmp/oracle.py" same-verdicts "$dir/oracle.sarif" "$tmp/$name-check.sarif"
	echo "$name: $(python3 -c 'import json,sys,collections; d=json.load(open(sys.argv[1])); print(dict(collections.Counter(r.get("baselineState") for r in d["runs"][0]["results"])))' "$dir/oracle.sarif")"
done
