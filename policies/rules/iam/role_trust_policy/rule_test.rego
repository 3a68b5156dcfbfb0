package apprunner_guard.rules.iam.role_trust_policy_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.role_trust_policy as rule

with_trust(trust) := t.iam_model(t.service_with_role({}, "app"), t.role([], [], trust, []))

test_fail_star_principal if {
	r := rule.findings with input as with_trust([t.trust("aws_iam_role.app", {"AWS": ["*"], "Service": ["tasks.apprunner.amazonaws.com"]})])
	r == {{
		"resource": "aws_iam_role.app",
		"attribute": "assume_role_policy",
		"message": `instance role aws_iam_role.app of aws_apprunner_service.api may be assumed by principals "AWS:*" (expected only the Service principal tasks.apprunner.amazonaws.com) in trust statement 0 of aws_iam_role.app`,
		"related": t.related,
	}}
}

test_fail_wrong_service_from_policy_document if {
	m := t.model(
		[
			t.service_with_role({}, "app"),
			t.resource("aws_iam_role", "app", {}),
			t.data_resource("aws_iam_policy_document", "trust", {}),
		],
		{"aws_iam_role.app": t.role([], [], [t.trust("data.aws_iam_policy_document.trust", {"Service": ["ecs-tasks.amazonaws.com"]})], [])},
	)
	r := rule.findings with input as m
	r == {{
		"resource": "data.aws_iam_policy_document.trust",
		"attribute": "statement",
		"message": `instance role aws_iam_role.app of aws_apprunner_service.api may be assumed by principals "Service:ecs-tasks.amazonaws.com" (expected only the Service principal tasks.apprunner.amazonaws.com) in trust statement 0 of data.aws_iam_policy_document.trust`,
		"related": t.related,
	}}
}

test_fail_not_principal if {
	st := object.union(t.trust("aws_iam_role.app", {}), {"not_principals": {"AWS": ["arn:aws:iam::1:root"]}})
	r := rule.findings with input as with_trust([st])
	r == {{
		"resource": "aws_iam_role.app",
		"attribute": "assume_role_policy",
		"message": `instance role aws_iam_role.app of aws_apprunner_service.api may be assumed by anyone but NotPrincipal (expected only the Service principal tasks.apprunner.amazonaws.com) in trust statement 0 of aws_iam_role.app`,
		"related": t.related,
	}}
}

test_fail_access_role_trusts_tasks if {
	svc := t.with_refs(
		t.service("api", {"source_configuration": [{"authentication_configuration": [{"access_role_arn": t.role_arn("access")}]}]}),
		{"source_configuration.0.authentication_configuration.0.access_role_arn": ["aws_iam_role.access"]},
	)
	m := t.model(
		[svc, t.resource("aws_iam_role", "access", {})],
		{"aws_iam_role.access": t.role([], [], [t.trust("aws_iam_role.access", {"Service": ["tasks.apprunner.amazonaws.com"]})], [])},
	)
	r := rule.findings with input as m
	r == {{
		"resource": "aws_iam_role.access",
		"attribute": "assume_role_policy",
		"message": `access role aws_iam_role.access of aws_apprunner_service.api may be assumed by principals "Service:tasks.apprunner.amazonaws.com" (expected only the Service principal build.apprunner.amazonaws.com) in trust statement 0 of aws_iam_role.access`,
		"related": ["aws_apprunner_service.api", "aws_iam_role.access"],
	}}
}

test_pass_apprunner_tasks_only if {
	r := rule.findings with input as with_trust(t.apprunner_trust)
	r == set()
}

test_pass_deny_statement if {
	st := object.union(t.trust("aws_iam_role.app", {"AWS": ["*"]}), {"effect": "Deny"})
	r := rule.findings with input as with_trust(array.concat(t.apprunner_trust, [st]))
	r == set()
}

# Applicability: services with an instance or an access role.
test_applicable_services_with_a_role if {
	access := t.service("web", {"source_configuration": [{"authentication_configuration": [{"access_role_arn": "arn:aws:iam::1:role/pull"}]}]})
	m := t.model([t.service_with_role({}, "app"), access, t.service("none", {})], {})
	a := rule.applicable with input as m
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
