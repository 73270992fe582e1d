#!/usr/bin/env bash
# Counts, independently of the Go importer (inventory/cyclonedx), the
# components and the dependency edges of every CycloneDX document of the
# shared corpus: every file holding "bomFormat" (JSON) or a CycloneDX XML
# namespace, wherever it sits.
#   - components: metadata.component (unless it is an empty placeholder:
#     no name, group, purl or version and no nested components), the
#     top-level components, and every component nested in either, through
#     "components" only (not tools, pedigree or evidence).
#   - dependencies: dependsOn entries whose ref and target both resolve: to
#     the bom-ref of a counted component or of a service (nested ones too),
#     or else to a purl ("pkg:type/..."), which names a component by itself.
#   - error: "invalid" when a counted component has a purl that is not of
#     the form pkg:<type>/<name> (the importer rejects it unless told
#     otherwise), else "-".
# XML is matched by local names, so the 1.1 dependency-graph extension
# counts like 1.2+ dependencies.
# Prints <corpus-relative path>\t<components>\t<dependencies>\t<error>.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${ASPM_CORPUS:-$here/../../../shared/corpus}"
cd "$corpus"
grep -rlE --exclude=MANIFEST.tsv --exclude=README.md '"bomFormat"|http://cyclonedx\.org/schema/bom/1\.[0-7]' . |
	sed 's|^\./||' | LC_ALL=C sort | python3 -c '
import json, re, sys
import xml.etree.ElementTree as ET

PURL = re.compile(r"^pkg:/*[A-Za-z][A-Za-z0-9.+-]*/+[^/?#@]")

def local(tag):
    return tag.rsplit("}", 1)[-1]

def kids(el, name):
    return [c for c in el if local(c.tag) == name]

def count(path):
    refs, purls = set(), []
    n = 0
    if path.endswith(".xml"):
        root = ET.parse(path).getroot()
        def text(el, name):
            c = kids(el, name)
            return (c[0].text or "").strip() if c else ""
        def comp(el):
            nonlocal n
            n += 1
            if el.get("bom-ref"):
                refs.add(el.get("bom-ref"))
            if text(el, "purl"):
                purls.append(text(el, "purl"))
            for cs in kids(el, "components"):
                for c in kids(cs, "component"):
                    comp(c)
        def svc(el):
            if el.get("bom-ref"):
                refs.add(el.get("bom-ref"))
            for ss in kids(el, "services"):
                for s in kids(ss, "service"):
                    svc(s)
        for md in kids(root, "metadata"):
            for c in kids(md, "component"):
                nested = [x for cs in kids(c, "components") for x in kids(cs, "component")]
                if any(text(c, f) for f in ("name", "group", "purl", "version")) or nested:
                    comp(c)
        for cs in kids(root, "components"):
            for c in kids(cs, "component"):
                comp(c)
        for ss in kids(root, "services"):
            for s in kids(ss, "service"):
                svc(s)
        deps = [(d.get("ref", ""), [t.get("ref", "") for t in kids(d, "dependency")])
                for ds in kids(root, "dependencies") for d in kids(ds, "dependency")]
    else:
        with open(path, encoding="utf-8-sig") as f:
            doc = json.load(f)
        def comp(c):
            nonlocal n
            n += 1
            if c.get("bom-ref"):
                refs.add(c["bom-ref"])
            if (c.get("purl") or "").strip():
                purls.append(c["purl"].strip())
            for x in c.get("components") or []:
                comp(x)
        def svc(s):
            if s.get("bom-ref"):
                refs.add(s["bom-ref"])
            for x in s.get("services") or []:
                svc(x)
        md = (doc.get("metadata") or {}).get("component")
        if md and (any(md.get(f) for f in ("name", "group", "purl", "version")) or md.get("components")):
            comp(md)
        for c in doc.get("components") or []:
            comp(c)
        for s in doc.get("services") or []:
            svc(s)
        deps = [(d.get("ref", ""), d.get("dependsOn") or []) for d in doc.get("dependencies") or []]
    def resolves(r):
        return r in refs or bool(PURL.match(r))
    edges = sum(1 for ref, targets in deps if resolves(ref) for t in targets if resolves(t))
    err = "invalid" if any(not PURL.match(p) for p in purls) else "-"
    return n, edges, err

for line in sys.stdin:
    path = line.rstrip("\n")
    n, edges, err = count(path)
    print(f"{path}\t{n}\t{edges}\t{err}")
'
