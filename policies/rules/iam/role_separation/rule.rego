# METADATA
# title: Access role and instance role are separate; access role only pulls images
# description: >-
#   The access role (ECR pull at build time) and the instance role (the application's
#   permissions) are different roles, and the access role grants nothing beyond ECR image
#   pull (ecr:GetDownloadUrlForLayer, ecr:BatchGetImage, ecr:BatchCheckLayerAvailability,
#   ecr:DescribeImages, ecr:GetAuthorizationToken, or service-role/AWSAppRunnerServicePolicyForECRAccess).
# scope: package
# custom:
#   id: AR-IAM-007
#   severity: medium
#   mappings:
#     - {framework: nist-800-53, control: "AC-5"}
#     - {framework: nist-800-53, control: "AC-6"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     Give the service two roles: an access role trusted by build.apprunner.amazonaws.com
#     with only AWSAppRunnerServicePolicyForECRAccess, and an instance role trusted by
#     tasks.apprunner.amazonaws.com with what the application needs.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.role_separation

import data.apprunner_guard.lib

ecr_pull := [
	"ecr:batchchecklayeravailability",
	"ecr:batchgetimage",
	"ecr:describeimages",
	"ecr:getauthorizationtoken",
	"ecr:getdownloadurlforlayer",
]

ecr_access_policy_regex := `^arn:aws[a-z-]*:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess$`

findings contains lib.finding(
	s,
	lib.access_role_path,
	concat("", ["access role and instance role of ", s, " are the same role ", r]),
	[s, r],
) if {
	some s in lib.services
	svc := input.resources[s]
	some r in (lib.instance_roles(svc) & lib.access_roles(svc))
}

findings contains lib.statement_finding(sr, st, concat("", ["grants more than ECR image pull (", what, ")"])) if {
	some sr in lib.service_roles
	sr.kind == "access"
	some st in input.iam.roles[sr.role].statements
	lib.is_allow(st)
	some what in beyond_pull(st)
}

findings contains lib.finding(
	m.via,
	lib.managed_attribute(m.via),
	concat("", [lib.role_label(sr), " has the AWS managed policy ", m.arn, " attached by ", m.via, "; an access role needs only ECR image pull"]),
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	sr.kind == "access"
	some m in input.iam.roles[sr.role].managed_policy_arns
	not regex.match(ecr_access_policy_regex, m.arn)
}

beyond_pull(st) := {concat("", ["actions ", lib.q_list(extra)])} if {
	extra := [a |
		some a in st.actions
		not a in ecr_pull
	]
	count(extra) > 0
}

beyond_pull(st) := {"every action except NotAction"} if count(st.not_actions) > 0

# Applies to services with an access role (private ECR images); others have nothing to separate.
applicable := lib.services_with_role("access")
