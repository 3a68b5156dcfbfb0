# METADATA
# title: Instance role allows every action
# description: >-
#   The App Runner instance role has an Allow statement whose Action is "*" or "*:*" (or another
#   pattern that matches every action, such as "**" or "?*"),
#   or an Allow statement with NotAction (every action but a few).
# scope: package
# custom:
#   id: AR-IAM-001
#   severity: critical
#   mappings:
#     - {framework: nist-800-53, control: "AC-6"}
#     - {framework: cis-aws, control: "1.16"}
#     - {framework: pci-dss, control: "7.2.2"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     List the actions the application calls (e.g. s3:GetObject) and the resources it
#     calls them on; drop "*" actions and NotAction from the instance role's policies.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.instance_role_allows_all

import data.apprunner_guard.lib

findings contains lib.statement_finding(sr, st, concat("", ["allows every action (", lib.q(a), ")"])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some st in input.iam.roles[sr.role].statements
	lib.is_allow(st)
	some a in st.actions
	lib.matches_every_action(a)
}

findings contains lib.statement_finding(sr, st, concat("", ["allows every action except NotAction [", lib.q_list(st.not_actions), "]"])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some st in input.iam.roles[sr.role].statements
	lib.is_allow(st)
	count(st.not_actions) > 0
}

# Applies to services with an instance role (a service without one has no permissions to check).
applicable := lib.services_with_role("instance")
