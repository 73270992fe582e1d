# METADATA
# title: An SBOM is present for every deployed service and image
# description: >-
#   Every container image that a service deploys (a deploys edge) has a
#   software bill of materials recorded in the posture's sboms list, for the
#   image itself or for a service that deploys it; every service that
#   deploys no known image has an SBOM recorded for the service. Not
#   applicable when the posture knows no service and no deployed image.
# custom:
#   id: ASPM-SBOM-01
#   gate: false
#   severity: medium
#   frameworks:
#     asvs: ["V14.2.5"]
#     ssdf: ["PS.3.2"]
#     pci-dss-4: ["6.3.2"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.5.9", "A.8.8"]
package aspm.controls.sbom_present

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if {
	count(posture.services) == 0
	count(posture.deployed_images) == 0
}

violations contains v if {
	some i in posture.deployed_images
	not i in posture.sbom_covered
	deployers := {e.from |
		some e in posture.deploy_edges
		e.to == i
	}
	by := sort(deployers)
	v := {
		"msg": sprintf("image %s, deployed by %s, has no SBOM", [i, concat(", ", by)]),
		"evidence": array.concat([sprintf("asset:%s", [i])], [sprintf("asset:%s", [d]) | some d in by]),
	}
}

violations contains v if {
	some s in posture.services
	not s in posture.deploying_services
	not s in posture.sbom_assets
	v := {
		"msg": sprintf("service %s has no SBOM and deploys no image that has one", [s]),
		"evidence": [sprintf("asset:%s", [s])],
	}
}

evidence contains e if {
	count(violations) == 0
	some a in (posture.deployed_images | (posture.services - posture.deploying_services))
	e := sprintf("asset:%s", [a])
}
