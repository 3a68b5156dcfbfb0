package apprunner_guard.rules.meta.unknown_value_iam_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.meta.unknown_value as rule

expected(resource, attribute, message, blocks, related) := {
	"resource": resource,
	"attribute": attribute,
	"message": concat("", [message, ": cannot verify ", concat(", ", blocks)]),
	"related": related,
	"blocks": blocks,
}

unknown_statement(fields, actions) := object.union(t.allow("aws_iam_role_policy.app", 0, actions, ["arn:aws:s3:::b/*"]), {"unknown": fields})

test_fail_statement_effect_and_actions_unknown if {
	r := rule.findings with input as t.with_statements([unknown_statement(["effect", "actions"], [])])
	r == {expected(
		"aws_iam_role_policy.app", "policy",
		"statement 0 of aws_iam_role_policy.app (a policy of instance role aws_iam_role.app of aws_apprunner_service.api) has actions, effect unknown until apply",
		["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-SEC-003"], t.related,
	)}
}

test_fail_statement_resources_unknown_in_managed_policy if {
	st := object.union(unknown_statement(["resources"], ["s3:getobject"]), {"via": "aws_iam_role.app", "managed_policy": "arn:aws:iam::aws:policy/X"})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(
		"aws_iam_role.app", "managed_policy_arns",
		"statement 0 of AWS managed policy arn:aws:iam::aws:policy/X attached by aws_iam_role.app (a policy of instance role aws_iam_role.app of aws_apprunner_service.api) has resources unknown until apply",
		["AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-SEC-003"], t.related,
	)}
}

# An unknown condition matters where it could scope iam:PassRole, and nowhere else.
test_fail_condition_unknown_on_pass_role if {
	r := rule.findings with input as t.with_statements([unknown_statement(["conditions"], ["iam:passrole"])])
	r == {expected(
		"aws_iam_role_policy.app", "policy",
		"statement 0 of aws_iam_role_policy.app (a policy of instance role aws_iam_role.app of aws_apprunner_service.api) has conditions unknown until apply",
		["AR-IAM-005"], t.related,
	)}
}

test_pass_condition_unknown_without_pass_role if {
	r := rule.findings with input as t.with_statements([unknown_statement(["conditions"], ["s3:getobject"])])
	r == set()
}

test_fail_trust_principals_unknown if {
	tr := object.union(t.trust("aws_iam_role.app", {}), {"unknown": ["principals"]})
	m := t.iam_model(t.service_with_role({}, "app"), t.role([], [], [tr], []))
	r := rule.findings with input as m
	r == {expected(
		"aws_iam_role.app", "assume_role_policy",
		"trust statement 0 of aws_iam_role.app (of instance role aws_iam_role.app of aws_apprunner_service.api) has principals unknown until apply",
		["AR-IAM-006"], t.related,
	)}
}

test_fail_access_role_statement_actions_unknown if {
	path := "source_configuration.0.authentication_configuration.0.access_role_arn"
	svc := t.with_unknown(t.with_refs(t.service("api", {}), {path: ["aws_iam_role.app"]}), [path])
	m := t.iam_model(svc, t.role([unknown_statement(["actions"], [])], [], [], []))
	r := rule.findings with input as m
	r == {expected(
		"aws_iam_role_policy.app", "policy",
		"statement 0 of aws_iam_role_policy.app (a policy of access role aws_iam_role.app of aws_apprunner_service.api) has actions unknown until apply",
		["AR-IAM-007"], t.related,
	)}
}

test_fail_role_arn_references_several_roles if {
	svc := t.with_unknown(t.with_refs(t.service("api", {}), {t.instance_role_path: ["aws_iam_role.a", "aws_iam_role.b"]}), [t.instance_role_path])
	m := t.model(
		[svc, t.resource("aws_iam_role", "a", {"name": "a"}), t.resource("aws_iam_role", "b", {"name": "b"})],
		{"aws_iam_role.a": t.role([], [], t.apprunner_trust, []), "aws_iam_role.b": t.role([], [], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == {expected(
		"aws_apprunner_service.api", t.instance_role_path,
		"instance role ARN of aws_apprunner_service.api is unknown until apply and references several roles (aws_iam_role.a, aws_iam_role.b); which one Terraform applies cannot be told",
		["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-IAM-006", "AR-SEC-003"], ["aws_apprunner_service.api"],
	)}
}
