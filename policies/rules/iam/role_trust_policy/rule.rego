# METADATA
# title: Role trust policy admits only App Runner
# description: >-
#   The instance role may be assumed only by tasks.apprunner.amazonaws.com and the access
#   role only by build.apprunner.amazonaws.com; no "*" principal, no other principal, no NotPrincipal.
# scope: package
# custom:
#   id: AR-IAM-006
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "AC-6"}
#     - {framework: nist-800-53, control: "IA-9"}
#     - {framework: soc2, control: "CC6.1"}
#   remediation: >-
#     Make the role's assume_role_policy a single Allow of sts:AssumeRole to the Service
#     principal tasks.apprunner.amazonaws.com (instance role) or build.apprunner.amazonaws.com
#     (access role).
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.role_trust_policy

import data.apprunner_guard.lib

expected_principal := {
	"instance": "tasks.apprunner.amazonaws.com",
	"access": "build.apprunner.amazonaws.com",
}

findings contains lib.finding(
	st.via,
	trust_attribute(st.via),
	concat("", [
		lib.role_label(sr), " may be assumed by ", what, " (expected only the Service principal ",
		expected_principal[sr.kind], ") in trust statement ", format_int(st.index, 10), " of ", st.via,
	]),
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	some st in input.iam.roles[sr.role].trust
	lib.is_allow(st)
	some what in offending(st, expected_principal[sr.kind])
}

offending(st, expected) := {concat("", ["principals ", lib.q_list(others)])} if {
	others := [concat(":", [kind, p]) |
		some kind, ps in st.principals
		some p in ps
		not expected_pair(kind, p, expected)
	]
	count(others) > 0
}

offending(st, _) := {"anyone but NotPrincipal"} if count(st.not_principals) > 0

expected_pair(kind, p, expected) if {
	kind == "Service"
	p == expected
}

trust_attribute(via) := "assume_role_policy" if lib.type_of(via) == "aws_iam_role"

trust_attribute(via) := lib.policy_attribute(via) if lib.type_of(via) != "aws_iam_role"

# Applies to services with an instance or an access role.
applicable := lib.services_with_role("instance") | lib.services_with_role("access")
