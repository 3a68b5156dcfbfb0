package apprunner_guard.rules.iam.role_separation_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.role_separation as rule

access_path := "source_configuration.0.authentication_configuration.0.access_role_arn"

# Service api with instance role aws_iam_role.app and access role aws_iam_role.<access>.
two_roles(access, access_entry) := t.model(
	[
		t.with_refs(
			t.service("api", {
				"instance_configuration": [{"instance_role_arn": t.role_arn("app")}],
				"source_configuration": [{"authentication_configuration": [{"access_role_arn": t.role_arn(access)}]}],
			}),
			{
				"instance_configuration.0.instance_role_arn": ["aws_iam_role.app"],
				access_path: [concat("", ["aws_iam_role.", access])],
			},
		),
		t.resource("aws_iam_role", "app", {}),
		t.resource("aws_iam_role", "access", {}),
		t.resource("aws_iam_role_policy", "access", {}),
		t.resource("aws_iam_role_policy", "app", {}),
	],
	{
		"aws_iam_role.app": t.role([t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["arn:aws:s3:::b/*"])], [], t.apprunner_trust, []),
		"aws_iam_role.access": access_entry,
	},
)

pull := t.allow("aws_iam_role_policy.access", 0, ["ecr:batchgetimage", "ecr:getdownloadurlforlayer"], ["*"])

ecr_policy := {"arn": "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess", "via": "aws_iam_role.access"}

access_related := ["aws_apprunner_service.api", "aws_iam_role.access"]

test_fail_same_role if {
	r := rule.findings with input as two_roles("app", {})
	r == {
		{
			"resource": "aws_apprunner_service.api",
			"attribute": access_path,
			"message": "access role and instance role of aws_apprunner_service.api are the same role aws_iam_role.app",
			"related": t.related,
		},
		{
			"resource": "aws_iam_role_policy.app",
			"attribute": "policy",
			"message": `access role aws_iam_role.app of aws_apprunner_service.api grants more than ECR image pull (actions "s3:getobject") in statement 0 of aws_iam_role_policy.app`,
			"related": t.related,
		},
	}
}

test_fail_access_role_extra_actions if {
	st := t.allow("aws_iam_role_policy.access", 1, ["ecr:batchgetimage", "s3:getobject", "ecr:*"], ["*"])
	r := rule.findings with input as two_roles("access", t.role([pull, st], [ecr_policy], [], []))
	r == {{
		"resource": "aws_iam_role_policy.access",
		"attribute": "policy",
		"message": `access role aws_iam_role.access of aws_apprunner_service.api grants more than ECR image pull (actions "ecr:*", "s3:getobject") in statement 1 of aws_iam_role_policy.access`,
		"related": access_related,
	}}
}

test_fail_access_role_not_action if {
	st := object.union(t.allow("aws_iam_role_policy.access", 0, [], ["*"]), {"not_actions": ["iam:*"]})
	r := rule.findings with input as two_roles("access", t.role([st], [], [], []))
	r == {{
		"resource": "aws_iam_role_policy.access",
		"attribute": "policy",
		"message": "access role aws_iam_role.access of aws_apprunner_service.api grants more than ECR image pull (every action except NotAction) in statement 0 of aws_iam_role_policy.access",
		"related": access_related,
	}}
}

test_fail_access_role_other_managed_policy if {
	m := {"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "via": "aws_iam_role.access"}
	r := rule.findings with input as two_roles("access", t.role([], [ecr_policy, m], [], []))
	r == {{
		"resource": "aws_iam_role.access",
		"attribute": "managed_policy_arns",
		"message": "access role aws_iam_role.access of aws_apprunner_service.api has the AWS managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess attached by aws_iam_role.access; an access role needs only ECR image pull",
		"related": access_related,
	}}
}

test_pass_separate_roles_pull_only if {
	deny := object.union(t.allow("aws_iam_role_policy.access", 1, ["s3:*"], ["*"]), {"effect": "Deny"})
	r := rule.findings with input as two_roles("access", t.role([pull, deny], [ecr_policy], [], []))
	r == set()
}

# Applicability: services with an access role only.
test_applicable_services_with_access_role if {
	access := t.service("web", {"source_configuration": [{"authentication_configuration": [{"access_role_arn": "arn:aws:iam::1:role/pull"}]}]})
	m := t.model([t.service_with_role({}, "app"), access], {})
	a := rule.applicable with input as m
	a == {"aws_apprunner_service.web"}
}
