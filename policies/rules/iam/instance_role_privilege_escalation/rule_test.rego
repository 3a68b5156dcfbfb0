package apprunner_guard.rules.iam.instance_role_privilege_escalation_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.instance_role_privilege_escalation as rule

expected(index, reasons) := {
	"resource": "aws_iam_role_policy.app",
	"attribute": "policy",
	"message": concat("", [
		"instance role aws_iam_role.app of aws_apprunner_service.api can escalate privilege (", reasons,
		") in statement ", format_int(index, 10), " of aws_iam_role_policy.app",
	]),
	"related": t.related,
}

passed_to_apprunner := [{"test": "StringEquals", "variable": "iam:passedtoservice", "values": ["apprunner.amazonaws.com"]}]

test_fail_put_role_policy if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["iam:putrolepolicy"], ["arn:aws:iam::1:role/x"])])
	r == {expected(0, "allows iam:putrolepolicy")}
}

test_fail_wildcard_covers_attach if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["iam:attach*"], ["arn:aws:iam::1:role/x"])])
	r == {expected(0, "allows iam:attachgrouppolicy; allows iam:attachrolepolicy; allows iam:attachuserpolicy")}
}

test_fail_pass_role_on_any_resource if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["iam:passrole"], ["*"]), {"conditions": passed_to_apprunner})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(0, "iam:passrole on any resource")}
}

test_fail_pass_role_without_condition if {
	st := t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::1:role/x"])
	r := rule.findings with input as t.with_statements([st])
	r == {expected(1, "iam:passrole without an iam:passedtoservice condition")}
}

test_fail_assume_role_on_any_resource if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["sts:assumerole"], ["*"])])
	r == {expected(0, "sts:assumerole on any resource")}
}

test_fail_create_service_with_pass_role if {
	pass := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::1:role/x"]), {"conditions": passed_to_apprunner})
	create := t.allow("aws_iam_role_policy.app", 0, ["apprunner:createservice"], ["*"])
	r := rule.findings with input as t.with_statements([create, pass])
	r == {expected(0, "apprunner:createservice together with iam:passrole")}
}

test_fail_update_service_by_service_wildcard if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["apprunner:*"], ["arn:aws:apprunner:*"])])
	r == {expected(0, "allows apprunner:updateservice")}
}

# ★ role ARN unknown, linked by refs only.
test_fail_role_unknown_linked_by_refs if {
	svc := t.service_with_unknown_role({}, "app")
	m := t.iam_model(svc, t.role([t.allow("aws_iam_role_policy.app", 0, ["iam:createaccesskey"], ["*"])], [], t.apprunner_trust, []))
	r := rule.findings with input as m
	r == {expected(0, "allows iam:createaccesskey")}
}

test_pass_scoped_pass_role_with_condition if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["iam:passrole"], ["arn:aws:iam::1:role/x"]), {"conditions": passed_to_apprunner})
	r := rule.findings with input as t.with_statements([st])
	r == set()
}

test_pass_create_service_without_pass_role if {
	r := rule.findings with input as t.with_statements([t.allow("aws_iam_role_policy.app", 0, ["apprunner:createservice", "s3:getobject"], ["arn:aws:s3:::b/*"])])
	r == set()
}

# A PassedToService condition that names no service (a wildcard, a negated test) does not restrict PassRole.
test_fail_pass_role_with_wildcard_condition if {
	cond := [{"test": "StringLike", "variable": "iam:passedtoservice", "values": ["*"]}]
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::1:role/x"]), {"conditions": cond})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(1, "iam:passrole without an iam:passedtoservice condition")}
}

test_fail_pass_role_with_negated_condition if {
	cond := [{"test": "StringNotEquals", "variable": "iam:passedtoservice", "values": ["ec2.amazonaws.com"]}]
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::1:role/x"]), {"conditions": cond})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(1, "iam:passrole without an iam:passedtoservice condition")}
}

test_fail_pass_role_with_empty_condition if {
	cond := [{"test": "StringEquals", "variable": "iam:passedtoservice", "values": []}]
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::1:role/x"]), {"conditions": cond})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(1, "iam:passrole without an iam:passedtoservice condition")}
}

test_pass_pass_role_with_named_service if {
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::1:role/x"]), {"conditions": passed_to_apprunner})
	r := rule.findings with input as t.with_statements([st])
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

# Conditions that do not scope iam:PassRole to named services.
test_fail_pass_role_conditions_that_do_not_scope if {
	every cond in [
		[{"test": "Null", "variable": "iam:passedtoservice", "values": ["false"]}],
		[{"test": "ForAllValues:StringEquals", "variable": "iam:passedtoservice", "values": ["apprunner.amazonaws.com"]}],
		[{"test": "StringEqualsIfExists", "variable": "iam:passedtoservice", "values": ["apprunner.amazonaws.com"]}],
		[{"test": "StringNotLike", "variable": "iam:passedtoservice", "values": ["ec2.*"]}],
		[{"test": "StringLike", "variable": "iam:passedtoservice", "values": ["apprunner.amazonaws.com", "*.amazonaws.com"]}],
		[{"test": "StringEquals", "variable": "iam:passedtoservice", "values": [""]}],
	] {
		st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], [t.role_arn("task")]), {"conditions": cond})
		r := rule.findings with input as t.with_statements([st])
		r == {expected(1, "iam:passrole without an iam:passedtoservice condition")}
	}
}

test_pass_pass_role_string_like_named_service if {
	cond := [{"test": "StringLike", "variable": "iam:passedtoservice", "values": ["apprunner.amazonaws.com"]}]
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], [t.role_arn("task")]), {"conditions": cond})
	r := rule.findings with input as t.with_statements([st])
	r == set()
}

# A pattern covering every role in every account is "any resource" for iam:PassRole.
test_fail_pass_role_on_every_role_pattern if {
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["iam:passrole"], ["arn:aws:iam::*:role/*"]), {"conditions": passed_to_apprunner, "any_resource_services": ["iam", "sts"]})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(1, "iam:passrole on any resource")}
}
