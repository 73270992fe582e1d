#!/usr/bin/env bash
# Counts, independently of the Go importer (inventory/spdx), the packages and
# the package-to-package edges of every SPDX document in the shared corpus
# (every file whose content is SPDX, wherever it sits), and prints
#   <corpus-relative path>\t<packages>\t<edges>\t<error>
# sorted by path; spdx.tsv beside this script pins the output.
#
# Rules (the importer's, restated):
#   - packages: the entries of "packages" (JSON, YAML) or the PackageName
#     tags (tag-value).
#   - edges: distinct (from, to, type) triples over the relationships whose
#     two ends are packages of the document (SPDXRef-... naming a package:
#     not a file, a snippet, the document, DocumentRef-..., NONE or
#     NOASSERTION). DEPENDS_ON a b gives a->b depends_on; DEPENDENCY_OF and
#     DEV_, BUILD_, TEST_, OPTIONAL_, RUNTIME_, PROVIDED_DEPENDENCY_OF a b
#     give b->a depends_on; CONTAINS a b gives a->b contains; CONTAINED_BY
#     a b gives b->a contains. Other types give no edge.
#   - error: "-" when the document imports; "unsupported" for RDF (XML or
#     Turtle), SPDX 3 (JSON-LD, "@context") and versions other than
#     SPDX-2.1 to SPDX-2.3; "invalid" for a tag-value document with a
#     snippet right after a package (the tools-golang parser accepts
#     snippets only after their file). Counts are "-" on error rows.
# Needs python3 with PyYAML. The corpus is ../shared/corpus beside the
# repository, or $ASPM_CORPUS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${ASPM_CORPUS:-$here/../../../shared/corpus}"
cd "$corpus"
python3 - <<'PY'
import json
import os
import re
import sys

import yaml

DEP_OF = {"DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "TEST_DEPENDENCY_OF",
          "OPTIONAL_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF"}


def edge(a, t, b):
    t = t.strip().upper()
    if t == "DEPENDS_ON":
        return (a, b, "depends_on")
    if t in DEP_OF:
        return (b, a, "depends_on")
    if t == "CONTAINS":
        return (a, b, "contains")
    if t == "CONTAINED_BY":
        return (b, a, "contains")
    return None


def count_edges(pkg_ids, rels):
    seen = set()
    for a, t, b in rels:
        e = edge(a, t, b)
        if e and e[0] in pkg_ids and e[1] in pkg_ids:
            seen.add(e)
    return len(seen)


def version_error(v):
    return "" if v in ("SPDX-2.1", "SPDX-2.2", "SPDX-2.3") else "unsupported"


def count_object(d):
    if "@context" in d or not isinstance(d.get("spdxVersion"), str):
        return None, None, "unsupported"
    err = version_error(d["spdxVersion"])
    if err:
        return None, None, err
    pkgs = d.get("packages") or []
    ids = {p.get("SPDXID") for p in pkgs}
    rels = [(r.get("spdxElementId", ""), r.get("relationshipType", ""), r.get("relatedSpdxElement", ""))
            for r in (d.get("relationships") or [])]
    return len(pkgs), count_edges(ids, rels), ""


def tag_values(text):
    """Yields (tag, value) as the tag-value format splits lines, <text> blocks included."""
    tag, value, mid = None, None, False
    for line in text.split("\n"):
        if mid:
            if "</text>" in line:
                yield tag, value + line.split("</text>", 1)[0]
                mid = False
            else:
                value += line + "\n"
            continue
        s = line.lstrip()
        if not s or s.startswith("#") or ":" not in s:
            continue
        tag, rest = s.split(":", 1)
        tag = tag.strip()
        if "<text>" in rest:
            after = rest.split("<text>", 1)[1]
            if "</text>" in after:
                yield tag, after.split("</text>", 1)[0]
            else:
                value, mid = after + "\n", True
            continue
        yield tag, rest.strip()


def count_tag_value(text):
    version, npkg, ids, rels, section = None, 0, set(), [], "document"
    for tag, value in tag_values(text):
        if tag == "SPDXVersion" and version is None:
            version = value
        elif tag == "PackageName":
            npkg, section = npkg + 1, "package"
        elif tag == "FileName":
            section = "file"
        elif tag == "SnippetSPDXID":
            if section == "package":
                return None, None, "invalid"
            section = "snippet"
        elif tag == "LicenseID":
            section = "license"
        elif tag == "SPDXID" and section == "package":
            ids.add(value)
        elif tag == "Relationship":
            f = value.split()
            if len(f) == 3:
                rels.append((f[0], f[1], f[2]))
    err = version_error(version)
    if err:
        return None, None, err
    return npkg, count_edges(ids, rels), ""


def classify(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", "replace")
    head = text.lstrip()
    if head.startswith("{"):
        try:
            d = json.loads(text)
        except ValueError:
            return None
        if isinstance(d, dict) and ("spdxVersion" in d or "spdx.org/rdf" in str(d.get("@context", ""))):
            return count_object(d)
        return None
    if head.startswith("<"):
        return (None, None, "unsupported") if "spdx.org/rdf/terms" in text else None
    if re.search(r"^\s*SPDXVersion\s*:", text, re.M):
        return count_tag_value(text)
    if re.search(r"^spdxVersion:", text, re.M):
        return count_object(yaml.safe_load(text))
    return None


rows = []
for root, dirs, files in os.walk("."):
    for name in files:
        path = os.path.relpath(os.path.join(root, name), ".")
        if root == "." or name == "MANIFEST.tsv":
            continue
        r = classify(path)
        if r is not None:
            rows.append((path, *r))
for path, pkgs, edges, err in sorted(rows):
    if err:
        print(f"{path}\t-\t-\t{err}")
    else:
        print(f"{path}\t{pkgs}\t{edges}\t-")
PY
