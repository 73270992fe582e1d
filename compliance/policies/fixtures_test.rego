# Shared fixtures for the control tests: a small shop whose production
# application contains one repository and two services, each deploying an
# image, fully covered by SAST, SCA and secret scanning, with SBOMs for both
# images and no finding.
package aspm.test.fixtures

import rego.v1

now := "2025-06-30T00:00:00Z"

repo := "repository:github.com/acme/shop"

tools_repo := "repository:github.com/acme/tools"

api := "service:shop/api"

worker := "service:shop/worker"

api_image := "image:ghcr.io/acme/api:1.0"

worker_image := "image:ghcr.io/acme/worker:1.0"

lodash := "component:pkg:npm/lodash@4.17.20"

express := "component:pkg:npm/express@4.17.1"

assets := [
	{"id": "application:shop", "kind": "application", "name": "shop", "environment": "production", "exposure": "internet"},
	{"id": "environment:production", "kind": "environment", "name": "production", "environment": "production"},
	{"id": repo, "kind": "repository", "name": "github.com/acme/shop"},
	{"id": tools_repo, "kind": "repository", "name": "github.com/acme/tools"},
	{"id": api, "kind": "service", "name": "shop/api", "environment": "production", "exposure": "internet"},
	{"id": worker, "kind": "service", "name": "shop/worker", "exposure": "internal"},
	{"id": api_image, "kind": "image", "name": "ghcr.io/acme/api:1.0", "version": "1.0"},
	{"id": worker_image, "kind": "image", "name": "ghcr.io/acme/worker:1.0", "version": "1.0"},
	{"id": express, "kind": "component", "name": "express", "version": "4.17.1", "purl": "pkg:npm/express@4.17.1"},
	{"id": lodash, "kind": "component", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"},
]

edges := [
	{"from": "application:shop", "to": repo, "type": "contains"},
	{"from": "application:shop", "to": api, "type": "contains"},
	{"from": "application:shop", "to": worker, "type": "contains"},
	{"from": worker, "to": "environment:production", "type": "runs_in"},
	{"from": api, "to": api_image, "type": "deploys"},
	{"from": worker, "to": worker_image, "type": "deploys"},
	{"from": api_image, "to": express, "type": "contains"},
	{"from": express, "to": lodash, "type": "depends_on"},
	{"from": worker_image, "to": lodash, "type": "contains"},
]

coverage := [
	{"asset": repo, "tool": "gosec", "kind": "sast", "at": "2025-06-01T00:00:00Z"},
	{"asset": repo, "tool": "osv-scanner", "kind": "sca", "at": "2025-06-01T00:00:00Z"},
	{"asset": repo, "tool": "gitleaks", "kind": "secret", "at": "2025-06-01T00:00:00Z"},
]

sboms := [
	{"asset": api_image, "format": "cyclonedx", "at": "2025-06-01T00:00:00Z"},
	{"asset": worker_image, "format": "spdx", "at": "2025-06-01T00:00:00Z"},
]

posture := {
	"version": "aspm-posture/1",
	"generated_at": now,
	"assets": assets,
	"edges": edges,
	"findings": [],
	"coverage": coverage,
	"sboms": sboms,
	"access": [],
}

# empty is a posture that records nothing.
empty := {"version": "aspm-posture/1", "generated_at": now}

# empty_no_date is a posture without a generated_at.
empty_no_date := {"version": "aspm-posture/1"}

# finding(id, patch) is an open, untriaged, high-severity SCA finding on the
# API image, within its SLA, with patch merged over it.
finding(id, patch) := object.union(
	{
		"id": id,
		"kind": "sca",
		"tool": "osv-scanner",
		"rule_id": "GHSA-35jh-r3h4-6jhm",
		"title": "lodash: command injection",
		"severity": "high",
		"vulnerability_ids": ["CVE-2021-23337"],
		"package": {"name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"},
		"location": {"path": "package-lock.json"},
		"assets": [lodash],
		"state": "unchanged",
		"open": true,
		"suppressed": false,
		"first_seen": "2025-06-15T00:00:00Z",
		"last_seen": "2025-06-29T00:00:00Z",
		"triage": null,
		"risk": {"score": 55, "priority": "P3", "kev": false, "epss": 0.01, "reachability": ""},
		"sla": {"due": "2025-09-13T00:00:00Z", "breached": false},
	},
	patch,
)

# with_findings(fs) is the fixture posture with the findings fs.
with_findings(fs) := object.union(posture, {"findings": fs})

# breached is an SLA patch for a due date two weeks before now.
breached := {"sla": {"due": "2025-06-16T00:00:00Z", "breached": true}}
