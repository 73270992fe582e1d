#!/usr/bin/env python3
"""Write a synthetic SARIF 2.1.0 scan of N results (default 100,000) to OUT.

For load runs of `aspm run`: rules, files, severities and snippets vary, and
results carry partial fingerprints, as real SAST output does. Usage:

    python3 scripts/synthetic-scan.py 100000 big/2026-03-01/synthetic.sarif
"""
import hashlib
import json
import os
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = sys.argv[2] if len(sys.argv) > 2 else "synthetic.sarif"
levels = ["error", "warning", "note"]
rules = [{"id": f"SYN{i:03d}", "shortDescription": {"text": f"synthetic rule {i}"},
          "properties": {"security-severity": str(round(2 + (i % 80) / 10, 1)), "tags": ["security", f"external/cwe/cwe-{20 + i % 60}"]}}
         for i in range(200)]
results = []
for i in range(n):
    path = f"src/module{i % 97}/file{i % 1009}.go"
    fp = hashlib.sha256(f"{path}:{i}".encode()).hexdigest()[:32]
    results.append({
        "ruleId": rules[i % len(rules)]["id"], "level": levels[i % 3],
        "message": {"text": f"synthetic finding {i}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": path},
                                            "region": {"startLine": 1 + i % 700, "snippet": {"text": f"call{i}()"}}}}],
        "partialFingerprints": {"primaryLocationLineHash": fp},
    })
doc = {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
       "runs": [{"tool": {"driver": {"name": "synthetic", "version": "1.0", "rules": rules}}, "results": results}]}
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w") as f:
    json.dump(doc, f)
