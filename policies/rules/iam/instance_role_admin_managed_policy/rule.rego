# METADATA
# title: Administrative AWS managed policy on the instance role
# description: >-
#   An administrative or full-access AWS managed policy (AdministratorAccess, PowerUserAccess,
#   IAMFullAccess, any arn:aws:iam::aws:policy/*FullAccess) is attached to the App Runner
#   instance role, by attachment resource, managed_policy_arns or exclusive attachments. A managed
#   policy is also administrative by its content (its document in the shipped snapshot of AWS
#   managed policies): it allows every action (Action "*" or NotAction), or on any resource an IAM
#   action that writes permissions or credentials (the role can then grant itself everything), as
#   AdministratorAccess-Amplify does.
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
	concat("", [lib.role_label(sr), " has the administrative AWS managed policy ", m.arn, " attached by ", m.via, why]),
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	iam := input.iam.roles[sr.role]
	some m in iam.managed_policy_arns
	some why in administrative(m, iam.statements)
}

administrative(m, statements) := {""} if regex.match(admin_regex, m.arn)

# By content: the first statement (in document order) of this attachment's copy of the policy that
# makes it administrative.
else := {concat("", [" (by its content: statement ", format_int(i, 10), " ", what, ")"])} if {
	reasons := [[st.index, what] |
		some st in statements_of(m, statements)
		some what in admin_grants(st)
	]
	count(reasons) > 0
	[i, what] := sort(reasons)[0]
}

statements_of(m, statements) := [st |
	some st in statements
	object.get(st, "managed_policy", "") == m.arn
	st.via == m.via
]

# Actions that write permissions or credentials: whoever holds one on any resource can grant itself
# every permission.
permission_writes := [
	"iam:attachrolepolicy",
	"iam:attachuserpolicy",
	"iam:attachgrouppolicy",
	"iam:putrolepolicy",
	"iam:putuserpolicy",
	"iam:putgrouppolicy",
	"iam:createpolicyversion",
	"iam:setdefaultpolicyversion",
	"iam:updateassumerolepolicy",
	"iam:createaccesskey",
	"iam:createloginprofile",
	"iam:updateloginprofile",
	"iam:addusertogroup",
]

admin_grants(st) := {"allows every action"} if {
	lib.is_allow(st)
	some a in st.actions
	lib.matches_every_action(a)
}

else := {"allows every action except NotAction"} if {
	lib.is_allow(st)
	count(st.not_actions) > 0
}

else := {concat("", ["allows ", a, " on any resource"]) |
	some a in permission_writes
	lib.grants_on_any(st, a)
}

# Applies to services with an instance role (a service without one has no permissions to check).
applicable := lib.services_with_role("instance")
