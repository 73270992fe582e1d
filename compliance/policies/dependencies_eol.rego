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

# eol(a) is asked only of the assets with an eol property that is a
# string or with tags, the only ones it can hold for: two passes of plain
# tests instead of a function call per asset.
violations contains v if {
	some a in array.concat(
		[x | some x in posture.dependency_assets; is_string(x.properties.eol)],
		[x | some x in posture.dependency_assets; not is_string(object.get(x, ["properties", "eol"], null)); is_array(x.tags)],
	)
	why := eol(a)
	v := {
		"msg": sprintf("%s %s is end-of-life (%s)", [a.kind, a.id, why]),
		"evidence": [concat("", ["asset:", a.id])],
	}
}

# dependency_assets holds assets whose id is a string.
evidence contains concat("", ["asset:", a.id]) if {
	count(violations) == 0
	some a in posture.dependency_assets
}
