package apprunner_guard.rules.meta.unknown_value_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.meta.unknown_value as rule

api := "aws_apprunner_service.api"

instance_rules := "AR-IAM-001, AR-IAM-002, AR-IAM-003, AR-IAM-004, AR-IAM-005, AR-IAM-006, AR-SEC-003"

# The blocked rule ids are the ones the message names after "cannot verify ".
expected(resource, attribute, message, related) := {
	"resource": resource,
	"attribute": attribute,
	"message": message,
	"related": related,
	"blocks": sort(split(split(message, "cannot verify ")[1], ", ")),
}

test_fail_role_arn_unknown_without_refs if {
	svc := t.with_unknown(t.service("api", {}), [t.instance_role_path])
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, t.instance_role_path, concat("", ["instance role ARN of aws_apprunner_service.api is unknown until apply and not linked to an aws_iam_role in the input: cannot verify ", instance_rules]), [api])}
}

test_fail_external_access_role if {
	path := "source_configuration.0.authentication_configuration.0.access_role_arn"
	svc := t.service("api", {"source_configuration": [{"authentication_configuration": [{"access_role_arn": "arn:aws:iam::1:role/shared"}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, path, "access role arn:aws:iam::1:role/shared of aws_apprunner_service.api is not in the input (external role): cannot verify AR-IAM-006, AR-IAM-007", [api])}
}

test_fail_unresolved_policy if {
	u := {"via": "aws_iam_role_policy.app", "attribute": "policy", "reason": "policy is unknown until apply"}
	m := t.iam_model(t.service_with_role({}, "app"), t.role([], [], t.apprunner_trust, [u]))
	r := rule.findings with input as m
	r == {expected("aws_iam_role_policy.app", "policy", concat("", ["a policy of instance role aws_iam_role.app of aws_apprunner_service.api cannot be read (policy is unknown until apply): cannot verify ", instance_rules]), t.related)}
}

# ★ AR-NET-002: a port from a variable cannot be recovered through refs; it is reported here.
test_fail_port_unknown if {
	path := concat(".", [t.image_config_path, "port"])
	svc := t.with_unknown(t.image_service({}), [path])
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, path, concat("", [path, " of aws_apprunner_service.api is unknown until apply: cannot verify AR-NET-002"]), [api])}
}

test_fail_ingress_unknown_through_ancestor if {
	svc := t.with_unknown(t.service("api", {}), ["network_configuration"])
	p := "network_configuration.0.ingress_configuration.0.is_publicly_accessible"
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, p, concat("", [p, " of aws_apprunner_service.api is unknown until apply: cannot verify AR-NET-001, AR-NET-004"]), [api])}
}

test_fail_external_observability_configuration if {
	p := "observability_configuration.0.observability_configuration_arn"
	svc := t.service("api", {"observability_configuration": [{"observability_enabled": true, "observability_configuration_arn": "arn:aws:apprunner:x"}]})
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, p, "the observability configuration of aws_apprunner_service.api is not an aws_apprunner_observability_configuration in the input: cannot verify AR-OPS-001", [api])}
}

test_fail_secret_source_unresolved_and_ambiguous if {
	sp := concat(".", [t.image_config_path, "runtime_environment_secrets"])
	svc := t.with_refs(
		t.with_unknown(t.image_service({}), [concat(".", [sp, "A"]), concat(".", [sp, "B"])]),
		{concat(".", [sp, "B"]): ["aws_secretsmanager_secret.b", "aws_ssm_parameter.b"]},
	)
	m := t.model([svc, t.resource("aws_secretsmanager_secret", "b", {}), t.resource("aws_ssm_parameter", "b", {})], {})
	r := rule.findings with input as m
	r == {
		expected(api, concat(".", [sp, "A"]), `the source of secret "A" of aws_apprunner_service.api is unknown until apply and not linked to a Secrets Manager secret or SSM parameter in the input: cannot verify AR-SEC-002, AR-SEC-003`, [api]),
		expected(api, concat(".", [sp, "B"]), `the source of secret "B" of aws_apprunner_service.api is unknown until apply and linked to both Secrets Manager and SSM Parameter Store: cannot verify AR-SEC-002, AR-SEC-003`, [api]),
	}
}

test_fail_plain_variable_unknown_without_refs if {
	p := concat(".", [t.image_config_path, "runtime_environment_variables", "DSN"])
	svc := t.with_unknown(t.image_service({}), [p])
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, p, `the value of "DSN" of aws_apprunner_service.api is unknown until apply and not linked to a resource in the input: cannot verify AR-SEC-001`, [api])}
}

test_fail_waf_association_target_unknown if {
	a := t.with_unknown(t.resource("aws_wafv2_web_acl_association", "x", {}), ["resource_arn"])
	r := rule.findings with input as t.model([a], {})
	r == {expected("aws_wafv2_web_acl_association.x", "resource_arn", "resource_arn of aws_wafv2_web_acl_association.x is unknown until apply and not linked to a resource in the input: cannot verify AR-NET-001", ["aws_wafv2_web_acl_association.x"])}
}

test_pass_everything_linked if {
	sp := concat(".", [t.image_config_path, "runtime_environment_secrets"])
	vp := concat(".", [t.image_config_path, "runtime_environment_variables"])
	svc := t.with_refs(
		t.with_unknown(
			t.service_with_unknown_role({"observability_configuration": [{"observability_enabled": true}]}, "app"),
			[t.instance_role_path, concat(".", [sp, "DB_PASSWORD"]), concat(".", [vp, "BUCKET"]), "observability_configuration.0.observability_configuration_arn"],
		),
		{
			t.instance_role_path: ["aws_iam_role.app"],
			sp: ["aws_secretsmanager_secret.db"],
			vp: ["aws_s3_bucket.b"],
			"observability_configuration.0.observability_configuration_arn": ["aws_apprunner_observability_configuration.obs"],
		},
	)
	waf := t.with_refs(t.with_unknown(t.resource("aws_wafv2_web_acl_association", "x", {}), ["resource_arn"]), {"resource_arn": [api]})
	m := t.model(
		[
			svc, waf,
			t.resource("aws_iam_role", "app", {}),
			t.resource("aws_secretsmanager_secret", "db", {}),
			t.resource("aws_s3_bucket", "b", {}),
			t.resource("aws_apprunner_observability_configuration", "obs", {}),
		],
		{"aws_iam_role.app": t.role([], [], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == set()
}

opaque_secrets_path := concat(".", [t.image_config_path, "runtime_environment_secrets"])

opaque(refs) := t.with_refs(t.with_unknown(t.image_service({}), [opaque_secrets_path]), {opaque_secrets_path: refs})

test_fail_opaque_map_references_nothing if {
	r := rule.findings with input as t.model([opaque([])], {})
	r == {expected(api, opaque_secrets_path, concat("", [opaque_secrets_path, " of aws_apprunner_service.api is unknown until apply and references nothing in the input: cannot verify AR-SEC-002, AR-SEC-003"]), [api])}
}

test_fail_opaque_map_references_no_secret_store if {
	m := t.model([opaque(["random_password.db"]), t.resource("random_password", "db", {})], {})
	r := rule.findings with input as m
	r == {expected(api, opaque_secrets_path, "the source of secret (name unknown until apply) from random_password.db of aws_apprunner_service.api is unknown until apply and not linked to a Secrets Manager secret or SSM parameter in the input: cannot verify AR-SEC-002, AR-SEC-003", [api])}
}

test_pass_opaque_map_linked_to_secrets_manager if {
	m := t.model([opaque(["aws_secretsmanager_secret.db"]), t.resource("aws_secretsmanager_secret", "db", {})], {})
	r := rule.findings with input as m
	r == set()
}

# Applicability: every service.
test_applicable_every_service if {
	a := rule.applicable with input as t.model([t.service("api", {}), t.service("web", {})], {})
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}

# Optional rules are blocked only while they are on.
test_fail_unknown_egress_blocks_vpc_egress_when_required if {
	path := "network_configuration.0.egress_configuration.0.egress_type"
	svc := t.with_unknown(t.service("api", {}), [path])
	r := rule.findings with input as t.model([svc], {}) with data.apprunner_guard.params.require_vpc_egress as true
	r == {expected(api, path, concat("", [path, " of aws_apprunner_service.api is unknown until apply: cannot verify AR-NET-005"]), [api])}
	off := rule.findings with input as t.model([svc], {}) with data.apprunner_guard.params.require_vpc_egress as false
	off == set()
}

test_fail_unknown_ingress_blocks_enabled_optional_rules if {
	svc := t.with_unknown(t.service("api", {}), ["network_configuration.0.ingress_configuration.0.is_publicly_accessible"])
	r := rule.findings with input as t.model([svc], {})
		with data.apprunner_guard.params.require_private_ingress as true
		with data.apprunner_guard.params.ip_address_type as "DUAL_STACK"
	some f in r
	f.blocks == ["AR-NET-001", "AR-NET-004", "AR-NET-006", "AR-NET-007"]
}

connector(tags, unknown) := t.with_unknown(t.resource("aws_apprunner_vpc_connector", "main", {"tags": tags, "tags_all": null}), unknown)

connector_meta := {expected("aws_apprunner_vpc_connector.main", "tags", "the tags of aws_apprunner_vpc_connector.main are unknown until apply: cannot verify AR-OPS-005", ["aws_apprunner_vpc_connector.main"])}

test_fail_connector_tags_unknown_when_required if {
	r := rule.findings with input as t.model([connector({"Environment": "prod"}, ["tags_all"])], {})
		with data.apprunner_guard.params.vpc_connector_required_tags as ["Owner"]
	r == connector_meta
	anyone := rule.findings with input as t.model([connector({}, ["tags_all"])], {})
		with data.apprunner_guard.params.vpc_connector_required_tags as []
	anyone == connector_meta
}

test_pass_connector_tags_known_enough if {
	r := rule.findings with input as t.model([connector({"Owner": "net"}, ["tags_all"])], {})
		with data.apprunner_guard.params.vpc_connector_required_tags as ["Owner"]
	r == set()
	anyone := rule.findings with input as t.model([connector({"Owner": "net"}, ["tags_all"])], {})
		with data.apprunner_guard.params.vpc_connector_required_tags as []
	anyone == set()
	off := rule.findings with input as t.model([connector({}, ["tags_all"])], {})
		with data.apprunner_guard.params.vpc_connector_required_tags as null
	off == set()
}

# A value set in a dynamic block: the reason the model records is named in the message.
test_fail_role_arn_in_dynamic_block_names_the_reason if {
	svc := object.union(
		t.with_unknown(t.service("api", {}), ["instance_configuration.0.instance_role_arn"]),
		{"unknown_reasons": {"instance_configuration.0.instance_role_arn": "it is set in a dynamic block"}},
	)
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, t.instance_role_path, concat("", ["instance role ARN of aws_apprunner_service.api is unknown until apply and not linked to an aws_iam_role in the input (it is set in a dynamic block): cannot verify ", instance_rules]), [api])}
}

all_rules := "AR-IAM-001, AR-IAM-002, AR-IAM-003, AR-IAM-004, AR-IAM-005, AR-IAM-006, AR-IAM-007, AR-NET-001, AR-NET-002, AR-NET-003, AR-NET-004, AR-OPS-001, AR-OPS-002, AR-OPS-003, AR-OPS-004, AR-SEC-001, AR-SEC-002, AR-SEC-003, AR-SEC-004"

test_fail_incomplete_plan_blocks_every_rule_once if {
	m := object.union(t.model([t.service("b", {}), t.service("a", {})], {}), {"source": {"incomplete": "the plan errored (errored: true)"}})
	r := rule.findings with input as m
	r == {expected(
		"aws_apprunner_service.a",
		"",
		concat("", ["test.json: the plan errored (errored: true), so it may hide changes the rules need: cannot verify ", all_rules]),
		["aws_apprunner_service.a", "aws_apprunner_service.b"],
	)}
}

test_pass_complete_plan if {
	r := rule.findings with input as t.model([t.service("a", {})], {})
	r == set()
}

test_fail_configuration_from_repository if {
	p := "source_configuration.0.code_repository.0.code_configuration.0.configuration_source"
	svc := t.service("api", {"source_configuration": [{"code_repository": [{"code_configuration": [{"configuration_source": "REPOSITORY"}]}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, p, "aws_apprunner_service.api reads its runtime configuration from apprunner.yaml in the repository (configuration_source = \"REPOSITORY\"): port, variables and secrets are not in the input: cannot verify AR-NET-002, AR-SEC-001, AR-SEC-002, AR-SEC-003", [api])}
}

test_pass_configuration_from_api if {
	svc := t.service("api", {"source_configuration": [{"code_repository": [{"code_configuration": [{"configuration_source": "API"}]}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

test_fail_inline_policies_unknown if {
	m := t.iam_model(t.service_with_role({}, "app"), t.role([], [], t.apprunner_trust, []))
	m2 := json.patch(m, [{"op": "replace", "path": "/resources/aws_iam_role.app/unknown", "value": ["inline_policy"]}])
	r := rule.findings with input as m2
	r == {expected("aws_iam_role.app", "inline_policy", concat("", ["the inline policies of instance role aws_iam_role.app of aws_apprunner_service.api are unknown until apply: cannot verify ", instance_rules]), t.related)}
}

# cdktf: the ARN of a public service goes to a stack that is not in the input.
test_fail_protection_in_unseen_stack if {
	why := "its ARN is exported (output cross-stack-output-x) to stack \"edge\", which is not in the input"
	svc := object.union(t.service("api", {}), {"unseen_consumers": {"aws_wafv2_web_acl_association": why}})
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, "arn", concat("", ["whether a web ACL association in another stack protects aws_apprunner_service.api cannot be seen (", why, "): cannot verify AR-NET-001"]), [api])}
}

test_pass_private_service_exported_to_unseen_stack if {
	svc := object.union(
		t.service("api", {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}]}),
		{"unseen_consumers": {"aws_wafv2_web_acl_association": "x"}},
	)
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

image_path := "source_configuration.0.image_repository.0.image_identifier"

unknown_image(suffix) := object.union(
	t.with_unknown(t.service("api", {"source_configuration": [{"image_repository": [{"image_repository_type": "ECR"}]}]}), [image_path]),
	{"visible_suffix": {image_path: suffix}},
)

# ★ "${aws_ecr_repository.app.repository_url}@sha256:<digest>": the pin is visible, AR-OPS-002 is not blocked.
test_pass_unknown_repository_url_with_visible_digest if {
	svc := unknown_image("@sha256:3b0c7f1d8f5a4e2b9c6d1a0e7f4b2c9d8e1f0a3b6c5d4e7f2a1b0c9d8e7f6a5b")
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

test_fail_ingress_connection_in_unseen_stack if {
	why := "its ARN is exported (output cross-stack-output-x) to stack \"net\", which is not in the input"
	svc := object.union(
		t.service("api", {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}]}),
		{"unseen_consumers": {"aws_apprunner_vpc_ingress_connection": why, "aws_wafv2_web_acl_association": why}},
	)
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, "arn", concat("", ["whether a VPC ingress connection in another stack reaches aws_apprunner_service.api cannot be seen (", why, "): cannot verify AR-NET-004"]), [api])}
}

# A visible tail that is not a whole digest ("${url}:${var.tag}" leaves nothing, ":v" is a tag) still cannot be verified.
test_fail_unknown_repository_url_with_tag_suffix if {
	svc := unknown_image(":v1")
	r := rule.findings with input as t.model([svc], {})
	r == {expected(api, image_path, concat("", [image_path, " of aws_apprunner_service.api is unknown until apply: cannot verify AR-OPS-002"]), [api])}
}
