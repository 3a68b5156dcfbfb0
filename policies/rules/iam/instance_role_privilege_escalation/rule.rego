# METADATA
# title: Instance role can escalate privilege
# description: >-
#   The App Runner instance role can grant itself or others more access: iam:PassRole on "*"
#   (or on a pattern covering every role, such as arn:aws:iam::*:role/*) or without a positive
#   StringEquals / StringLike iam:PassedToService condition naming specific services, iam:Attach*Policy, iam:Put*Policy,
#   iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:UpdateAssumeRolePolicy,
#   iam:CreateAccessKey, sts:AssumeRole on "*", apprunner:CreateService together with
#   iam:PassRole, or apprunner:UpdateService. Wildcards that cover these count.
# scope: package
# custom:
#   id: AR-IAM-005
#   severity: critical
#   mappings:
#     - {framework: nist-800-53, control: "AC-6(10)"}
#     - {framework: pci-dss, control: "7.2.2"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     Remove IAM write, sts:AssumeRole on "*" and App Runner service management actions
#     from the instance role; if the application must pass a role, scope iam:PassRole to
#     that role ARN with an iam:PassedToService condition.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.iam.instance_role_privilege_escalation

import data.apprunner_guard.lib

dangerous := {
	"apprunner:updateservice",
	"iam:attachgrouppolicy",
	"iam:attachrolepolicy",
	"iam:attachuserpolicy",
	"iam:createaccesskey",
	"iam:createpolicyversion",
	"iam:putgrouppolicy",
	"iam:putrolepolicy",
	"iam:putuserpolicy",
	"iam:setdefaultpolicyversion",
	"iam:updateassumerolepolicy",
}

findings contains lib.statement_finding(sr, st, concat("", ["can escalate privilege (", concat("; ", sort(rs)), ")"])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	statements := input.iam.roles[sr.role].statements
	some st in statements
	rs := reasons(st, statements)
	count(rs) > 0
}

reasons(st, statements) := (((granted_dangerous(st) | pass_role_any(st)) | pass_role_unconditioned(st)) | assume_any(st)) | create_service(st, statements)

granted_dangerous(st) := {concat("", ["allows ", a]) | some a in lib.granted_among(st, dangerous)}

pass_role_any(st) := {"iam:passrole on any resource" | lib.grants_on_any(st, "iam:passrole")}

pass_role_unconditioned(st) := {"iam:passrole without an iam:passedtoservice condition" |
	lib.grants(st, "iam:passrole")
	not passed_to_service_condition(st)
}

# Only a positive StringEquals / StringLike on iam:PassedToService naming specific services scopes
# iam:PassRole. Null (only tests that the key is present), negated tests (StringNotEquals,
# StringNotLike: every other service), set operators (ForAllValues is true when the key is absent,
# ForAnyValue adds nothing for this single-valued key), ...IfExists (true when absent), other
# operators, and values with * or ? (StringLike "*" is any service) do not.
passed_to_service_condition(st) if {
	some c in st.conditions
	c.variable == "iam:passedtoservice"
	c.test in {"StringEquals", "StringLike"}
	count(c.values) > 0
	every v in c.values {
		not lib.has_wildcard(v)
		v != ""
	}
}

assume_any(st) := {"sts:assumerole on any resource" | lib.grants_on_any(st, "sts:assumerole")}

create_service(st, statements) := {"apprunner:createservice together with iam:passrole" |
	lib.grants(st, "apprunner:createservice")
	some other in statements
	lib.grants(other, "iam:passrole")
}

# Applies to services with an instance role (a service without one has no permissions to check).
applicable := lib.services_with_role("instance")
