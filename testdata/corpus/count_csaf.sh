#!/usr/bin/env bash
# Counts the VEX statements in every CSAF document of the shared corpus,
# independently of the Go decoder. For each vulnerability and each
# product_status list (except "recommended"), the products are grouped by
#   - the label of the first flag that names them (product_ids, or a
#     product group's group_ids; a flag naming nothing names every product),
#   - the details of the threats of category "impact" that name them,
#     joined by newlines,
#   - for the affected lists (first_affected, known_affected,
#     last_affected) only: their remediations as "<category>: <details>"
#     plus " (<url>)", joined by newlines;
# each group is one statement. CSAF documents hold no findings.
# Prints <corpus-relative path>\t<findings>\t<vex>.
set -euo pipefail
corpus="$(git rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find csaf -type f | LC_ALL=C sort | while IFS= read -r f; do
	n=$(python3 - "$f" <<'PY'
import json, sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
groups = {}
for g in (doc.get("product_tree") or {}).get("product_groups") or []:
    groups.setdefault(g.get("group_id"), []).extend(g.get("product_ids") or [])

def names(item, pid):
    ids, gids = item.get("product_ids") or [], item.get("group_ids") or []
    if not ids and not gids:
        return True
    return pid in ids or any(pid in groups.get(g, []) for g in gids)

affected = {"first_affected", "known_affected", "last_affected"}
count = 0
for v in doc.get("vulnerabilities") or []:
    for status, pids in (v.get("product_status") or {}).items():
        if status == "recommended":
            continue
        keys = set()
        for pid in pids or []:
            pid = pid.strip()
            if not pid:
                continue
            label = next((fl["label"].strip() for fl in v.get("flags") or []
                          if (fl.get("label") or "").strip() and names(fl, pid)), "")
            impact = "\n".join(t["details"].strip() for t in v.get("threats") or []
                               if t.get("category") == "impact" and (t.get("details") or "").strip() and names(t, pid))
            action = ""
            if status in affected:
                parts = []
                for r in v.get("remediations") or []:
                    if names(r, pid):
                        s = (r.get("category") or "").strip() + ": " + (r.get("details") or "").strip()
                        if (r.get("url") or "").strip():
                            s += " (" + r["url"].strip() + ")"
                        parts.append(s)
                action = "\n".join(parts)
            keys.add((label, impact, action))
        count += len(keys)
print(count)
PY
)
	printf '%s\t0\t%s\n' "$f" "$n"
done
