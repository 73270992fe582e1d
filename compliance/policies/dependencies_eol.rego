# METADATA
# title: Dependencies are not end-of-life
# description: >-
#   No component (a third-party package) or container image in the
#   inventory has reached its end of life.
#   An asset is end-of-life when its property "eol" is "true" or "yes", or a
#   date (YYYY-MM-DD, or an RFC 3339 timestamp) on or before the posture's
#   date, or when it is tagged "eol" or "end-of-life" (an SBOM or inventory
#   importer, or a catalog entry, records it). Not applicable when the
#   posture has no component and no image.
# custom:
#   id: ASPM-DEP-01
#   gate: false
#   severity: medium
#   frameworks:
#     asvs: ["V1.14.3", "V14.2.1"]
#     ssdf: ["PW.4.1", "PW.4.4"]
#     pci-dss-4: ["6.3.3", "12.3.4"]
#     soc2: ["CC7.1"]
#     iso27001: ["A.8.8"]
package aspm.controls.dependencies_eol

import data.aspm.lib.posture
import rego.v1

default applicable := true

applicable := false if count(posture.dependency_assets) == 0

# eol(a) explains why asset a is end-of-life; undefined when it is not.
eol(a) := sprintf("property eol is %q", [posture.prop(a, "eol")]) if {
	lower(posture.prop(a, "eol")) in {"true", "yes"}
}

else := sprintf("end of life since %s", [d]) if {
	d := substring(posture.prop(a, "eol"), 0, 10)
	posture.valid_date(d)
	d <= posture.today
}

else := "tagged end-of-life" if {
	some t in posture.tags(a)
	t in {"eol", "end-of-life"}
}

violations contains v if {
	some a in posture.dependency_assets
	why := eol(a)
	v := {
		"msg": sprintf("%s %s is end-of-life (%s)", [a.kind, a.id, why]),
		"evidence": [sprintf("asset:%s", [a.id])],
	}
}

evidence contains e if {
	count(violations) == 0
	some a in posture.dependency_assets
	e := sprintf("asset:%s", [a.id])
}
