package apprunner_guard.rules.iam.instance_role_allows_all_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.instance_role_allows_all as rule

expected(message) := {
	"resource": "aws_iam_role_policy.app",
	"attribute": "policy",
	"message": message,
	"related": t.related,
}

test_fail_star if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["*"], ["*"])])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action ("*") in statement 0 of aws_iam_role_policy.app`)}
}

test_fail_star_colon_star if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 2, ["s3:getobject", "*:*"], ["*"])])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action ("*:*") in statement 2 of aws_iam_role_policy.app`)}
}

test_fail_not_action if {
	st := object.union(t.allow("aws_iam_role_policy.app", 1, [], ["*"]), {"not_actions": ["iam:*", "organizations:*"]})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action except NotAction ["iam:*", "organizations:*"] in statement 1 of aws_iam_role_policy.app`)}
}

# ★ the role ARN is unknown until apply; the service reaches the role only through refs.
test_fail_role_unknown_linked_by_refs if {
	svc := t.service_with_unknown_role({}, "app")
	m := t.iam_model(svc, t.role([t.allow("aws_iam_role_policy.app", 0, ["*"], ["*"])], [], t.apprunner_trust, []))
	r := rule.findings with input as m
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action ("*") in statement 0 of aws_iam_role_policy.app`)}
}

test_pass_scoped_actions if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["arn:aws:s3:::b/*"])])
	r == set()
}

test_pass_deny_star if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["*"], ["*"]), {"effect": "Deny"})
	st2 := object.union(st, {"actions": [], "not_actions": ["s3:getobject"]})
	r := rule.findings with input as t.with_statements([st, st2])
	r == set()
}

test_pass_role_not_used_by_a_service if {
	m := t.model(
		[t.resource("aws_iam_role", "app", {})],
		{"aws_iam_role.app": t.role([t.allow("aws_iam_role_policy.app", 0, ["*"], ["*"])], [], [], [])},
	)
	r := rule.findings with input as m
	r == set()
}

# Any pattern that matches every action is "*" spelled another way.
test_fail_other_every_action_patterns if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["**"], ["*"]), t.allow("aws_iam_role_policy.app", 1, ["?*"], ["*"])])
	r == {
		expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action ("**") in statement 0 of aws_iam_role_policy.app`),
		expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action ("?*") in statement 1 of aws_iam_role_policy.app`),
	}
}

test_pass_service_prefix_pattern if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["s*:*"], ["*"])])
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
