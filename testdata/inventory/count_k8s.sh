#!/usr/bin/env bash
# Counts the assets and edges that Kubernetes manifests describe,
# independently of the Go importer (inventory/k8s), with PyYAML: for every
# file of the shared corpus that holds Kubernetes manifests
# (access/kubernetes-rbac) and every fixture in testdata/inventory/k8s.
#
# The rules, as the package documentation states them: a workload
# (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
# Job, CronJob of the core, apps, batch or extensions groups) is a service
# asset, each distinct container or init container image an image asset
# (deploys edge); a core Service is an endpoint asset that exposes the
# workloads of its namespace whose pod labels its selector matches; every
# Ingress rule path (or host without paths, or default backend) is an
# endpoint asset that exposes the endpoint of its backend Service.
#
# Prints <path>\t<assets>\t<edges>\t<error>, the path relative to the
# corpus root, or to the repository for the fixtures; <error> is "-", or
# "syntax" for a file that is not YAML.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="${ASPM_CORPUS:-$repo/../shared/corpus}"
python3 - "$corpus" "$repo" <<'PY'
import os, sys, yaml

corpus, repo = sys.argv[1], sys.argv[2]

class Loader(yaml.SafeLoader):
    pass

def mapping(loader, node):
    loader.flatten_mapping(node)
    out = {}
    for k, v in node.value:
        key = loader.construct_object(k, deep=True)
        try:
            hash(key)
        except TypeError:
            key = repr(key)  # an unrendered template: "{{ .Values.x }}"
        out[key] = loader.construct_object(v, deep=True)
    return out

Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)

WORKLOADS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
             "ReplicationController", "Job", "CronJob"}

def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).strip()

def group(api):
    return api.split("/")[0] if "/" in api else ""

def meta(o, default_ns):
    md = o.get("metadata") or {}
    name = text(md.get("name")) or text(md.get("generateName")).rstrip("-")
    return name, text(md.get("namespace")) or default_ns

def count(path, default_ns="default"):
    with open(path, encoding="utf-8") as f:
        docs = list(yaml.load_all(f, Loader))
    objs = []
    def walk(o, dkind, dapi):
        kind = text(o.get("kind")) or dkind
        api = text(o.get("apiVersion")) or dapi
        if kind.endswith("List"):
            for it in o.get("items") or []:
                walk(it, "" if kind == "List" else kind[:-4], api)
            return
        objs.append((kind, group(api), o))
    for d in docs:
        if d is not None:
            walk(d, "", "")
    assets, edges = set(), set()
    workloads = []   # (ns, name, labels)
    services = {}    # (ns, name) -> selector
    for kind, grp, o in objs:
        if kind in WORKLOADS and grp in ("", "apps", "batch", "extensions"):
            name, ns = meta(o, default_ns)
            spec = o.get("spec") or {}
            if kind == "Pod":
                tmeta, pspec = o.get("metadata") or {}, spec
            else:
                t = spec
                for step in (["jobTemplate", "spec", "template"] if kind == "CronJob" else ["template"]):
                    t = (t or {}).get(step) or {}
                tmeta, pspec = t.get("metadata") or {}, t.get("spec") or {}
            labels = {text(k): text(v) for k, v in (tmeta.get("labels") or {}).items()}
            wid = "service:%s/%s" % (ns, name)
            assets.add(wid)
            workloads.append((ns, name, labels))
            for key in ("containers", "initContainers"):
                for c in pspec.get(key) or []:
                    ref = text(c.get("image"))
                    if not ref:
                        continue
                    iid = image_id(ref)
                    assets.add(iid)
                    edges.add((wid, iid, "deploys"))
        elif kind == "Service" and grp == "":
            name, ns = meta(o, default_ns)
            services[(ns, name)] = {text(k): text(v) for k, v in ((o.get("spec") or {}).get("selector") or {}).items()}
            assets.add("endpoint:%s.%s.svc" % (name, ns))
    for (ns, name), sel in services.items():
        for wns, wname, labels in workloads:
            if wns == ns and sel and all(labels.get(k) == v for k, v in sel.items()):
                edges.add(("endpoint:%s.%s.svc" % (name, ns), "service:%s/%s" % (wns, wname), "exposes"))
    for kind, grp, o in objs:
        if kind == "Ingress" and grp in ("networking.k8s.io", "extensions"):
            name, ns = meta(o, default_ns)
            spec = o.get("spec") or {}
            tls = spec.get("tls") or []
            tls_all = any(not t.get("hosts") for t in tls)
            tls_hosts = {text(h).lower() for t in tls for h in (t.get("hosts") or [])}
            def url(host, p):
                scheme = "https" if tls_all or host in tls_hosts else "http"
                p = p or "/"
                if not p.startswith("/"):
                    p = "/" + p
                return "endpoint:%s://%s%s" % (scheme, host or "*", p)
            def backend(b):
                if not b:
                    return ""
                if b.get("service"):
                    return text(b["service"].get("name"))
                return text(b.get("serviceName"))
            default = spec.get("defaultBackend") or spec.get("backend")
            routes = []
            for r in spec.get("rules") or []:
                host = text(r.get("host")).lower()
                paths = ((r.get("http") or {}).get("paths")) or []
                if not paths:
                    routes.append((url(host, "/"), backend(default)))
                for p in paths:
                    routes.append((url(host, text(p.get("path"))), backend(p.get("backend"))))
            if default:
                routes.append((url("", "/"), backend(default)))
            for eid, svc in routes:
                assets.add(eid)
                if svc:
                    sid = "endpoint:%s.%s.svc" % (svc, ns)
                    assets.add(sid)
                    edges.add((eid, sid, "exposes"))
    return len(assets), len(edges)

def image_id(ref):
    if "@" in ref:
        return "image:" + ref.rsplit("@", 1)[1].lower()
    first, _, rest = ref.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        ref = ("docker.io/library/" + ref) if not rest else ("docker.io/" + ref)
    else:
        ref = first.lower() + "/" + rest
    if ":" not in ref.rsplit("/", 1)[1]:
        ref += ":latest"
    return "image:" + ref

rows = []
base = os.path.join(corpus, "access", "kubernetes-rbac")
for d, _, files in os.walk(base):
    for f in files:
        if f.endswith((".yaml", ".yml", ".json")):
            full = os.path.join(d, f)
            rows.append((os.path.relpath(full, corpus), full, "default"))
fixtures = os.path.join(repo, "testdata", "inventory", "k8s")
for f in os.listdir(fixtures):
    # payments-clusterip.yaml is read as kubectl -n payments would.
    rows.append(("testdata/inventory/k8s/" + f, os.path.join(fixtures, f),
                 "payments" if f == "payments-clusterip.yaml" else "default"))
for rel, full, ns in sorted(rows):
    try:
        n, e = count(full, ns)
        print("%s\t%d\t%d\t-" % (rel, n, e))
    except yaml.YAMLError:
        print("%s\t0\t0\tsyntax" % rel)
PY
