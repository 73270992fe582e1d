#!/usr/bin/env bash
# Prints "<path>\t<findings>\t<vex>" for every Dependency-Check report of the
# shared corpus, counted from the raw files with python3's standard library
# only (xml.etree and json), independently of the Go decoder.
#
# A finding is a vulnerability or suppressed vulnerability listed under a
# dependency (dependencies/dependency/vulnerabilities/*, or a JSON
# dependency's vulnerabilities[] and suppressedVulnerabilities[]); related
# dependencies add none.
set -euo pipefail
corpus="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)/../shared/corpus"
cd "$corpus"
find dependency-check -type f | LC_ALL=C sort | python3 -c '
import json, sys
import xml.etree.ElementTree as ET

def local(tag):
    return tag.rsplit("}", 1)[-1]

def children(e, name):
    return [c for c in e if local(c.tag) == name]

for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    with open(path, "rb") as f:
        head = f.read().lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    n = 0
    if head == b"<":
        root = ET.parse(path).getroot()
        for deps in children(root, "dependencies"):
            for dep in children(deps, "dependency"):
                for vulns in children(dep, "vulnerabilities"):
                    n += len(children(vulns, "vulnerability")) + len(children(vulns, "suppressedVulnerability"))
    else:
        with open(path, encoding="utf-8-sig") as f:
            doc = json.load(f)
        for dep in doc.get("dependencies") or []:
            n += len(dep.get("vulnerabilities") or []) + len(dep.get("suppressedVulnerabilities") or [])
    print(f"{path}\t{n}\t0")
'
