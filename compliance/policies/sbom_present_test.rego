package aspm.test.controls.sbom_present

import data.aspm.controls.sbom_present
import data.aspm.test.fixtures
import rego.v1

test_pass_every_image_has_sbom if {
	sbom_present.applicable with input as fixtures.posture
	count(sbom_present.violations) == 0 with input as fixtures.posture
	sbom_present.evidence == {"asset:image:ghcr.io/acme/api:1.0", "asset:image:ghcr.io/acme/worker:1.0"} with input as fixtures.posture
}

test_pass_sbom_recorded_for_the_deploying_service if {
	p := object.union(fixtures.posture, {"sboms": [
		{"asset": fixtures.api, "format": "cyclonedx", "at": fixtures.now},
		{"asset": fixtures.worker_image, "format": "cyclonedx", "at": fixtures.now},
	]})
	count(sbom_present.violations) == 0 with input as p
}

test_fail_image_without_sbom if {
	p := object.union(fixtures.posture, {"sboms": [{"asset": fixtures.api_image, "format": "cyclonedx", "at": fixtures.now}]})
	sbom_present.violations == {{
		"msg": "image image:ghcr.io/acme/worker:1.0, deployed by service:shop/worker, has no SBOM",
		"evidence": ["asset:image:ghcr.io/acme/worker:1.0", "asset:service:shop/worker"],
	}} with input as p
	count(sbom_present.evidence) == 0 with input as p
}

test_fail_service_without_image_or_sbom if {
	p := object.union(fixtures.posture, {"assets": array.concat(fixtures.assets, [{"id": "service:shop/cron", "kind": "service", "name": "shop/cron"}])})
	sbom_present.violations == {{
		"msg": "service service:shop/cron has no SBOM and deploys no image that has one",
		"evidence": ["asset:service:shop/cron"],
	}} with input as p
}

test_pass_service_without_image_with_sbom if {
	p := object.union(fixtures.posture, {
		"assets": array.concat(fixtures.assets, [{"id": "service:shop/cron", "kind": "service", "name": "shop/cron"}]),
		"sboms": array.concat(fixtures.sboms, [{"asset": "service:shop/cron", "format": "spdx", "at": fixtures.now}]),
	})
	count(sbom_present.violations) == 0 with input as p
	"asset:service:shop/cron" in sbom_present.evidence with input as p
}

test_not_applicable_no_service_nor_image if {
	p := object.union(fixtures.empty, {"assets": [{"id": fixtures.repo, "kind": "repository", "name": "shop"}]})
	not sbom_present.applicable with input as p
	not sbom_present.applicable with input as fixtures.empty
}
