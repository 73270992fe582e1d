#!/usr/bin/env bash
# Prints "<path>\t<findings>\t<vex>" for every ZAP report of the shared
# corpus, counted from the raw files with python3's standard library only
# (xml.etree and json), independently of the Go decoder.
#
# A finding is an alert instance; an alert without listed instances counts
# as one finding (its own uri in old reports, or none at all).
set -euo pipefail
corpus="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find zap -type f | LC_ALL=C sort | python3 -c '
import json, sys
import xml.etree.ElementTree as ET

def local(tag):
    return tag.rsplit("}", 1)[-1]

for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    with open(path, "rb") as f:
        head = f.read().lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    n = 0
    if head == b"<":
        root = ET.parse(path).getroot()
        for item in root.iter():
            if local(item.tag) != "alertitem":
                continue
            instances = [e for c in item if local(c.tag) == "instances" for e in c if local(e.tag) == "instance"]
            n += max(len(instances), 1)
    else:
        with open(path, encoding="utf-8-sig") as f:
            doc = json.load(f)
        sites = doc.get("site") or []
        if isinstance(sites, dict):
            sites = [sites]
        for site in sites:
            for alert in site.get("alerts") or []:
                n += max(len(alert.get("instances") or []), 1)
    print(f"{path}\t{n}\t0")
'
