package apprunner_guard.rules.iam.instance_role_admin_managed_policy_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.iam.instance_role_admin_managed_policy as rule

expected(via, attribute, arn) := {
	"resource": via,
	"attribute": attribute,
	"message": concat("", [
		"instance role aws_iam_role.app of aws_apprunner_service.api has the administrative AWS managed policy ",
		arn, " attached by ", via,
	]),
	"related": t.related,
}

test_fail_administrator_access_by_attachment if {
	arn := "arn:aws:iam::aws:policy/AdministratorAccess"
	m := t.model(
		[
			t.service_with_role({}, "app"),
			t.resource("aws_iam_role", "app", {}),
			t.resource("aws_iam_role_policy_attachment", "admin", {"policy_arn": arn}),
		],
		{"aws_iam_role.app": t.role([], [{"arn": arn, "via": "aws_iam_role_policy_attachment.admin"}], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == {expected("aws_iam_role_policy_attachment.admin", "policy_arn", arn)}
}

test_fail_full_access_in_managed_policy_arns if {
	arn := "arn:aws:iam::aws:policy/AmazonS3FullAccess"
	r := rule.findings with input as t.with_managed([{"arn": arn, "via": "aws_iam_role.app"}])
	r == {expected("aws_iam_role.app", "managed_policy_arns", arn)}
}

test_fail_power_user_govcloud if {
	arn := "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"
	r := rule.findings with input as t.with_managed([{"arn": arn, "via": "aws_iam_role.app"}])
	r == {expected("aws_iam_role.app", "managed_policy_arns", arn)}
}

test_fail_iam_full_access_exclusive if {
	arn := "arn:aws:iam::aws:policy/IAMFullAccess"
	m := t.model(
		[
			t.service_with_role({}, "app"),
			t.resource("aws_iam_role", "app", {}),
			t.resource("aws_iam_role_policy_attachments_exclusive", "app", {}),
		],
		{"aws_iam_role.app": t.role([], [{"arn": arn, "via": "aws_iam_role_policy_attachments_exclusive.app"}], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == {expected("aws_iam_role_policy_attachments_exclusive.app", "policy_arns", arn)}
}

# ★ role ARN unknown, linked by refs only.
test_fail_role_unknown_linked_by_refs if {
	arn := "arn:aws:iam::aws:policy/AdministratorAccess"
	svc := t.service_with_unknown_role({}, "app")
	m := t.iam_model(svc, t.role([], [{"arn": arn, "via": "aws_iam_role.app"}], t.apprunner_trust, []))
	r := rule.findings with input as m
	r == {expected("aws_iam_role.app", "managed_policy_arns", arn)}
}

test_pass_read_only_managed_policy if {
	managed := [
		{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "via": "aws_iam_role.app"},
		{"arn": "arn:aws:iam::123456789012:policy/AdministratorAccess", "via": "aws_iam_role.app"},
	]
	r := rule.findings with input as t.with_managed(managed)
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

# By content: the attachment's copy of the managed policy's statements (from the snapshot).
managed_statement(arn, via, index, actions, resources) := object.union(t.allow(via, index, actions, resources), {"managed_policy": arn})

by_content(arn, statements) := t.iam_model(
	t.service_with_role({}, "app"),
	t.role(statements, [{"arn": arn, "via": "aws_iam_role.app"}], t.apprunner_trust, []),
)

content_expected(arn, why) := object.union(expected("aws_iam_role.app", "managed_policy_arns", arn), {"message": concat("", [
	"instance role aws_iam_role.app of aws_apprunner_service.api has the administrative AWS managed policy ",
	arn, " attached by aws_iam_role.app (by its content: statement ", why, ")",
])})

test_fail_amplify_admin_by_content if {
	arn := "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"
	m := by_content(arn, [
		managed_statement(arn, "aws_iam_role.app", 0, ["cloudformation:createstack"], ["arn:aws:cloudformation:*:*:stack/amplify-*"]),
		managed_statement(arn, "aws_iam_role.app", 1, ["iam:createrole", "iam:putrolepolicy", "iam:attachrolepolicy"], ["*"]),
	])
	r := rule.findings with input as m
	r == {content_expected(arn, "1 allows iam:attachrolepolicy on any resource")}
}

test_fail_every_action_by_content if {
	arn := "arn:aws:iam::aws:policy/SomethingNew"
	r := rule.findings with input as by_content(arn, [managed_statement(arn, "aws_iam_role.app", 0, ["*"], ["*"])])
	r == {content_expected(arn, "0 allows every action")}
}

test_fail_not_action_by_content if {
	arn := "arn:aws:iam::aws:policy/SomethingNew"
	st := object.union(managed_statement(arn, "aws_iam_role.app", 0, [], ["*"]), {"not_actions": ["iam:*"]})
	r := rule.findings with input as by_content(arn, [st])
	r == {content_expected(arn, "0 allows every action except NotAction")}
}

# Harmless managed policies stay accepted; a statement of another policy or attachment does not count.
test_pass_xray_daemon_by_content if {
	arn := "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
	other := "arn:aws:iam::aws:policy/Other"
	r := rule.findings with input as by_content(arn, [
		managed_statement(arn, "aws_iam_role.app", 0, ["xray:puttracesegments", "xray:puttelemetryrecords"], ["*"]),
		managed_statement(other, "aws_iam_role.app", 0, ["*"], ["*"]),
		managed_statement(arn, "aws_iam_role_policy_attachment.elsewhere", 0, ["*"], ["*"]),
		t.allow("aws_iam_role_policy.app", 0, ["iam:putrolepolicy"], ["*"]),
	])
	r == set()
}
