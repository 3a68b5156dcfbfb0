package apprunner_guard.rules.iam.instance_role_any_resource_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.instance_role_any_resource as rule

expected(message) := {
	"resource": "aws_iam_role_policy.app",
	"attribute": "policy",
	"message": message,
	"related": t.related,
}

test_fail_resource_star if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:getobject", "xray:puttracesegments"], ["*"])
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows actions "s3:getobject" on Resource "*" in statement 0 of aws_iam_role_policy.app`)}
}

test_fail_wildcard_of_exempt_service if {
	st := t.allow("aws_iam_role_policy.app", 0, ["xray:*"], ["*"])
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows actions "xray:*" on Resource "*" in statement 0 of aws_iam_role_policy.app`)}
}

test_fail_not_resource if {
	st := object.union(t.allow("aws_iam_role_policy.app", 1, ["s3:getobject"], []), {"not_resources": ["arn:aws:s3:::other/*"]})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows actions "s3:getobject" on every resource except NotResource ["arn:aws:s3:::other/*"] in statement 1 of aws_iam_role_policy.app`)}
}

test_fail_not_action if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, [], ["*"]), {"not_actions": ["iam:*"]})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action except NotAction ["iam:*"] on Resource "*" in statement 0 of aws_iam_role_policy.app`)}
}

# ★ role ARN unknown, linked by refs only.
test_fail_role_unknown_linked_by_refs if {
	svc := t.service_with_unknown_role({}, "app")
	m := t.iam_model(svc, t.role([t.allow("aws_iam_role_policy.app", 0, ["sqs:sendmessage"], ["*"])], [], t.apprunner_trust, []))
	r := rule.findings with input as m
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows actions "sqs:sendmessage" on Resource "*" in statement 0 of aws_iam_role_policy.app`)}
}

test_pass_exempt_actions if {
	st := t.allow("aws_iam_role_policy.app", 0, ["xray:puttracesegments", "cloudwatch:putmetricdata", "ecr:getauthorizationtoken"], ["*"])
	r := rule.findings with input as t.with_statements([st])
	r == set()
}

test_pass_scoped_resource if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["arn:aws:s3:::b/*"])
	r := rule.findings with input as t.with_statements([st])
	r == set()
}

test_pass_deny if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["*"]), {"effect": "Deny"})
	r := rule.findings with input as t.with_statements([st])
	r == set()
}

# A pattern that matches every ARN is Resource "*" spelled another way.
test_fail_resource_pattern_matching_every_arn if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["arn:aws:s3:::b/*", "arn:*", "arn:aws:*:*:*:*"])
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows actions "s3:getobject" on Resource "arn:*", "arn:aws:*:*:*:*" (matches every ARN) in statement 0 of aws_iam_role_policy.app`)}
}

test_pass_service_wide_arn_pattern if {
	st := t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["arn:aws:s3:::*", "arn:aws:iam::*:role/*"])
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

# A pattern that covers the action's whole resource space (from the services' ARN formats).
test_fail_pattern_covering_service if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["s3:getobject", "iam:passrole", "xray:puttracesegments"], ["arn:aws:s3:::*/*"]), {"any_resource_services": ["s3"]})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows actions "s3:getobject" on Resource "arn:aws:s3:::*/*" (every resource of the service) in statement 0 of aws_iam_role_policy.app`)}
}

test_fail_not_action_on_pattern_covering_service if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, [], ["arn:aws:iam::*:role/*"]), {"not_actions": ["s3:*"], "any_resource_services": ["iam"]})
	r := rule.findings with input as t.with_statements([st])
	r == {expected(`instance role aws_iam_role.app of aws_apprunner_service.api allows every action except NotAction ["s3:*"] on Resource "arn:aws:iam::*:role/*" (every resource of the service) in statement 0 of aws_iam_role_policy.app`)}
}

test_pass_pattern_covering_another_service if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["iam:passrole"], ["arn:aws:s3:::*/*"]), {"any_resource_services": ["s3"]})
	r := rule.findings with input as t.with_statements([st])
	r == set()
}
