# METADATA
# title: Administrative AWS managed policy on the instance role
# description: >-
#   An administrative or full-access AWS managed policy (AdministratorAccess, PowerUserAccess,
#   IAMFullAccess, any arn:aws:iam::aws:policy/*FullAccess) is attached to the App Runner
#   instance role, by attachment resource, managed_policy_arns or exclusive attachments.
# scope: package
# custom:
#   id: AR-IAM-004
#   severity: critical
#   mappings:
#     - {framework: nist-800-53, control: "AC-6(5)"}
#     - {framework: cis-aws, control: "1.16"}
#     - {framework: pci-dss, control: "7.2.2"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     Detach the managed policy and grant the instance role a customer policy listing
#     only the actions and resources the application uses.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.instance_role_admin_managed_policy

import data.apprunner_guard.lib

admin_regex := `^arn:aws[a-z-]*:iam::aws:policy/(.+/)?(AdministratorAccess|PowerUserAccess|[A-Za-z0-9_+=,.@-]*FullAccess)$`

findings contains lib.finding(
	m.via,
	lib.managed_attribute(m.via),
	concat("", [lib.role_label(sr), " has the administrative AWS managed policy ", m.arn, " attached by ", m.via]),
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some m in input.iam.roles[sr.role].managed_policy_arns
	regex.match(admin_regex, m.arn)
}

# Applies to services with an instance role (a service without one has no permissions to check).
applicable := lib.services_with_role("instance")
