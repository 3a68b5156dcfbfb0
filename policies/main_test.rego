package apprunner_guard.main_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.main

test_fail_findings_carry_the_rule if {
	svc := t.service("api", {
		"source_configuration": [{"image_repository": [{"image_identifier": "public.ecr.aws/x/api@sha256:00", "image_configuration": [{"port": "8080"}]}]}],
		"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}],
		"health_check_configuration": [{"protocol": "HTTP", "path": "/healthz"}],
		"encryption_configuration": [{"kms_key": "arn:aws:kms:us-east-1:1:key/x"}],
		"observability_configuration": [{"observability_enabled": true, "observability_configuration_arn": "arn:aws:apprunner:x"}],
		"tags": {"Environment": "prod", "Owner": "team"},
	})
	conn := t.with_refs(t.resource("aws_apprunner_vpc_ingress_connection", "api", {}), {"service_arn": ["aws_apprunner_service.api"]})
	obs := t.resource("aws_apprunner_observability_configuration", "obs", {"trace_configuration": [{"vendor": "AWSXRAY"}]})
	svc2 := t.with_refs(svc, {"observability_configuration.0.observability_configuration_arn": ["aws_apprunner_observability_configuration.obs"]})
	r := main.findings with input as t.model([svc2, conn, obs], {})
	r == set()
	r2 := main.findings with input as t.model([svc, conn], {})
	r2 == {{
		"rule": "meta.unknown_value",
		"resource": "aws_apprunner_service.api",
		"attribute": "observability_configuration.0.observability_configuration_arn",
		"message": "the observability configuration of aws_apprunner_service.api is not an aws_apprunner_observability_configuration in the input: cannot verify AR-OPS-001",
		"related": ["aws_apprunner_service.api"],
		"blocks": ["AR-OPS-001"],
	}}
}

test_evaluation_has_findings_and_applicability_of_every_rule if {
	private := t.service("internal", {"network_configuration": [{"ingress_configuration": [{"is_publicly_accessible": false}]}]})
	e := main.evaluation with input as t.model([t.service("api", {}), private], {})
	e.findings == main.findings with input as t.model([t.service("api", {}), private], {})
	object.keys(e.applicable) == object.keys(main.rules)
	e.applicable["network.waf_on_public_service"] == ["aws_apprunner_service.api"]
	e.applicable["network.private_intent"] == ["aws_apprunner_service.internal"]
}

test_fail_a_raw_plan_is_refused_not_passed if {
	plan := {"format_version": "1.2", "planned_values": {"root_module": {"resources": []}}, "resource_changes": []}
	r := main.findings with input as plan
	count(r) == 1
	some f in r
	f.rule == "meta.unknown_value"
	f.resource == "input"
	f.attribute == "model_version"
	f.blocks == main.rule_ids
	f.message == "the input is not an apprunner-guard input model (model_version null, expected 1); run \"apprunner-guard model <plan.json|cdk.tf.json|cdktf.out>\" and evaluate its output: cannot verify any rule"
}

test_fail_another_model_version_is_refused if {
	r := main.findings with input as object.union(t.model([], {}), {"model_version": 2})
	{f.attribute | some f in r} == {"model_version"}
}

test_pass_a_model_is_not_refused if {
	r := main.findings with input as t.model([], {})
	r == set()
}

test_pass_param_names_are_the_defaults if {
	main.param_names == object.keys(data.apprunner_guard.params)
}

test_fail_missing_params_are_refused if {
	r := main.findings with input as t.model([], {}) with data.apprunner_guard.params as {"forbidden_ports": [22]}
	count(r) == 1
	some f in r
	f.resource == "data.apprunner_guard.params"
	startswith(f.message, "rule parameters missing from data.apprunner_guard.params (actions_allowed_on_any_resource, allow_ssm_for_secret_names, allowed_action_wildcards, allowed_ports, internal_tag, ip_address_type, max_unhealthy_threshold, non_secret_name_words, require_private_ingress, require_vpc_egress, required_tags, secret_name_patterns, vpc_connector_required_tags)")
	f.blocks == main.rule_ids
}
