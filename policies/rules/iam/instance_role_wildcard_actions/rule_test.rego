package apprunner_guard.rules.iam.instance_role_wildcard_actions_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.instance_role_wildcard_actions as rule

expected(message) := {
	"resource": "aws_iam_role_policy.app",
	"attribute": "policy",
	"message": message,
	"related": t.related,
}

test_fail_service_wildcard if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:*", "dynamodb:put*", "sqs:sendmessage"], ["*"])
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows wildcard actions "dynamodb:put*", "s3:*" in statement 0 of aws_iam_role_policy.app`)}
}

test_fail_question_mark if {
	st := t.allow("aws_iam_role_policy.app", 3, ["s3:getobjec?"], ["arn:aws:s3:::b/*"])
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows wildcard actions "s3:getobjec?" in statement 3 of aws_iam_role_policy.app`)}
}

# ★ role ARN unknown, linked by refs only.
test_fail_role_unknown_linked_by_refs if {
	svc := t.service_with_unknown_role({}, "app")
	m := t.iam_model(svc, t.role([t.allow("aws_iam_role_policy.app", 0, ["s3:*"], ["*"])], [], t.apprunner_trust, []))
	r := rule.findings with input as m
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows wildcard actions "s3:*" in statement 0 of aws_iam_role_policy.app`)}
}

test_fail_not_in_allowed_list if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:*", "s3:get*"], ["*"])
	r := rule.findings with input as t.with_statements([st])
		with data.apprunner_guard.params.allowed_action_wildcards as ["S3:Get*"]
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows wildcard actions "s3:*" in statement 0 of aws_iam_role_policy.app`)}
}

test_pass_allowed_wildcard if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:get*"], ["*"])
	r := rule.findings with input as t.with_statements([st])
		with data.apprunner_guard.params.allowed_action_wildcards as ["S3:Get*"]
	r == set()
}

test_pass_full_wildcard_is_iam_001 if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["*", "*:*"], ["*"])])
	r == set()
}

test_pass_exact_actions if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["*"])])
	r == set()
}

test_pass_deny_wildcard if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["s3:*"], ["*"]), {"effect": "Deny"})
	r := rule.findings with input as t.with_statements([st])
	r == set()
}

# Patterns that match every action are AR-IAM-001's, not reported twice.
test_pass_every_action_pattern_left_to_allows_all if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["**", "?*", "*:*"], ["*"])])
	r == set()
}

# Applicability: services with an instance role (known ARN, unknown, or a ref); not "api2" without one.
test_applicable_services_with_instance_role if {
	svc := t.service_with_role({}, "app")
	unknown := t.with_unknown(t.service("web", {}), [t.instance_role_path])
	m := t.model([svc, unknown, t.service("api2", {})], {})
	a := rule.applicable with input as m
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
