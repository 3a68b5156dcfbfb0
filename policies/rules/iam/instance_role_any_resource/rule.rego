# METADATA
# title: Instance role allows actions on any resource
# description: >-
#   The App Runner instance role allows actions on Resource "*" (or with NotResource, or a
#   pattern that covers the action's whole resource space, such as arn:aws:s3:::*/* or
#   arn:aws:iam::*:role/*, decided from the services' ARN formats), other than actions AWS does
#   not scope by resource (parameter actions_allowed_on_any_resource).
# scope: package
# custom:
#   id: AR-IAM-003
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "AC-6"}
#     - {framework: pci-dss, control: "7.2.2"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     Scope each statement to the ARNs the application uses (bucket/key prefix, table,
#     queue, secret); keep Resource "*" only for actions AWS cannot scope (X-Ray,
#     cloudwatch:PutMetricData, ecr:GetAuthorizationToken).
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.instance_role_any_resource

import data.apprunner_guard.lib

findings contains lib.statement_finding(sr, st, concat("", ["allows ", what])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some st in input.iam.roles[sr.role].statements
	lib.is_allow(st)
	some what in offending(st)
}

# Actions granted on Resource "*" (or NotResource, or a pattern that matches every ARN).
offending(st) := {concat("", ["actions ", lib.q_list(actions), " on ", scope(st)])} if {
	lib.any_resource(st)
	actions := [a |
		some a in st.actions
		not lib.action_in(a, lib.param("actions_allowed_on_any_resource"))
	]
	count(actions) > 0
}

offending(st) := {concat("", ["every action except NotAction [", lib.q_list(st.not_actions), "] on ", scope(st)])} if {
	lib.any_resource(st)
	count(st.not_actions) > 0
}

# Actions granted on a pattern that covers their service's whole resource space (arn:aws:s3:::*/*).
offending(st) := {concat("", ["actions ", lib.q_list(actions), " on ", service_scope(st), " (every resource of the service)"])} if {
	not lib.any_resource(st)
	actions := [a |
		some a in st.actions
		lib.service_covered(st, a)
		not lib.action_in(a, lib.param("actions_allowed_on_any_resource"))
	]
	count(actions) > 0
}

offending(st) := {concat("", ["every action except NotAction [", lib.q_list(st.not_actions), "] on ", service_scope(st), " (every resource of the service)"])} if {
	not lib.any_resource(st)
	count(object.get(st, "any_resource_services", [])) > 0
	count(st.not_actions) > 0
}

scope(st) := `Resource "*"` if "*" in st.resources

else := concat("", ["Resource ", lib.q_list(any_arn_patterns(st)), " (matches every ARN)"]) if count(any_arn_patterns(st)) > 0

else := concat("", ["every resource except NotResource [", lib.q_list(st.not_resources), "]"])

any_arn_patterns(st) := [r |
	some r in st.resources
	lib.matches_any_arn(r)
]

# Applies to services with an instance role (a service without one has no permissions to check).
applicable := lib.services_with_role("instance")

service_scope(st) := concat("", ["Resource ", lib.q_list([r | some r in st.resources; lib.has_wildcard(r)])])
