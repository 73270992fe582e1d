# Rego unit tests: the engine skips *_test.rego files; RunTests runs them.
package aspm.controls.open_critical_test

import data.aspm.controls.open_critical
import rego.v1

test_fails_on_open_critical if {
	count(open_critical.violations) == 1 with input as {"findings": [{"id": "f1", "title": "t", "severity": "critical", "open": true, "assets": ["a"]}]}
}

test_passes_when_fixed if {
	count(open_critical.violations) == 0 with input as {"findings": [{"id": "f1", "title": "t", "severity": "critical", "open": false, "assets": []}]}
}

test_not_applicable_without_findings if {
	not open_critical.applicable with input as {"findings": []}
}
