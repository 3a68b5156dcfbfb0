# METADATA
# title: Instance role allows wildcard actions
# description: >-
#   The App Runner instance role allows a service-wide or pattern wildcard action
#   (s3:*, dynamodb:Put*) that is not listed in the parameter allowed_action_wildcards.
# scope: package
# custom:
#   id: AR-IAM-002
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "AC-6"}
#     - {framework: pci-dss, control: "7.2.2"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     Replace each wildcard with the exact actions the application calls, or list a
#     deliberate wildcard in allowed_action_wildcards in the apprunner-guard config.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.instance_role_wildcard_actions

import data.apprunner_guard.lib

findings contains lib.statement_finding(sr, st, concat("", ["allows wildcard actions ", lib.q_list(wildcards)])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some st in input.iam.roles[sr.role].statements
	lib.is_allow(st)
	wildcards := [a |
		some a in st.actions
		offending(a)
	]
	count(wildcards) > 0
}

allowed contains lower(a) if some a in lib.param("allowed_action_wildcards")

# "*", "*:*" and other patterns that match every action are AR-IAM-001's.
offending(a) if {
	lib.has_wildcard(a)
	not lib.matches_every_action(a)
	not lower(a) in allowed
}

# Applies to services with an instance role (a service without one has no permissions to check).
applicable := lib.services_with_role("instance")
