package aspm.test.controls.dependencies_eol

import data.aspm.controls.dependencies_eol
import data.aspm.test.fixtures
import rego.v1

# with_assets(extra) is the fixture posture with the assets extra added.
with_assets(extra) := object.union(fixtures.posture, {"assets": array.concat(fixtures.assets, extra)})

test_pass_supported_dependencies if {
	p := with_assets([
		{"id": "component:pkg:pypi/django@5.0", "kind": "component", "name": "django", "properties": {"eol": "2026-04-01"}},
		{"id": "component:pkg:npm/left-pad@1.3.0", "kind": "component", "name": "left-pad", "properties": {"eol": "false"}},
	])
	dependencies_eol.applicable with input as p
	count(dependencies_eol.violations) == 0 with input as p
	"asset:component:pkg:pypi/django@5.0" in dependencies_eol.evidence with input as p
	"asset:image:ghcr.io/acme/api:1.0" in dependencies_eol.evidence with input as p
}

test_fail_eol_property_date_and_tag if {
	p := with_assets([
		{"id": "component:pkg:npm/angular@1.8.3", "kind": "component", "name": "angular", "properties": {"eol": "true"}},
		{"id": "component:pkg:pypi/django@3.2", "kind": "component", "name": "django", "properties": {"eol": "2024-04-01"}},
		{"id": "image:docker.io/library/centos:7", "kind": "image", "name": "centos:7", "tags": ["EOL"]},
		{"id": "component:pkg:pypi/flask@3.0", "kind": "component", "name": "flask", "properties": {"eol": "2025-06-30T00:00:00Z"}},
		{"id": "repository:old", "kind": "repository", "name": "old", "properties": {"eol": "true"}},
	])
	msgs := {v.msg | some v in dependencies_eol.violations} with input as p
	msgs == {
		"component component:pkg:npm/angular@1.8.3 is end-of-life (property eol is \"true\")",
		"component component:pkg:pypi/django@3.2 is end-of-life (end of life since 2024-04-01)",
		"component component:pkg:pypi/flask@3.0 is end-of-life (end of life since 2025-06-30)",
		"image image:docker.io/library/centos:7 is end-of-life (tagged end-of-life)",
	}
	count(dependencies_eol.evidence) == 0 with input as p
}

test_pass_garbled_eol_property if {
	p := with_assets([{"id": "component:x", "kind": "component", "name": "x", "properties": {"eol": "2024-02-30"}}])
	count(dependencies_eol.violations) == 0 with input as p
}

test_not_applicable_no_dependency if {
	p := object.union(fixtures.posture, {"assets": [a | some a in fixtures.assets; not a.kind in {"component", "image"}]})
	not dependencies_eol.applicable with input as p
	not dependencies_eol.applicable with input as fixtures.empty
}
