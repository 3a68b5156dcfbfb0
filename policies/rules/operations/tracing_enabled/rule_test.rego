package apprunner_guard.rules.operations.tracing_enabled_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.operations.tracing_enabled as rule

arn_path := "observability_configuration.0.observability_configuration_arn"

with_config(trace_config) := t.model(
	[
		t.with_refs(
			t.with_unknown(t.service("api", {"observability_configuration": [{"observability_enabled": true}]}), [arn_path]),
			{arn_path: ["aws_apprunner_observability_configuration.obs"]},
		),
		t.resource("aws_apprunner_observability_configuration", "obs", {"trace_configuration": trace_config}),
	],
	{},
)

off := {
	"resource": "aws_apprunner_service.api",
	"attribute": "observability_configuration",
	"message": "aws_apprunner_service.api has tracing off: observability_configuration.observability_enabled is not true",
	"related": ["aws_apprunner_service.api"],
}

test_fail_no_observability if {
	r := rule.findings with input as t.model([t.service("api", {})], {})
	r == {off}
}

test_fail_disabled if {
	r := rule.findings with input as t.model([t.service("api", {"observability_configuration": [{"observability_enabled": false}]})], {})
	r == {off}
}

test_fail_no_xray_vendor if {
	r := rule.findings with input as with_config([])
	r == {{
		"resource": "aws_apprunner_observability_configuration.obs",
		"attribute": "trace_configuration.0.vendor",
		"message": "observability configuration aws_apprunner_observability_configuration.obs of aws_apprunner_service.api does not trace with AWSXRAY",
		"related": ["aws_apprunner_service.api"],
	}}
}

test_pass_xray if {
	r := rule.findings with input as with_config([{"vendor": "AWSXRAY"}])
	r == set()
}

test_pass_unknown_left_to_meta if {
	svc := t.with_unknown(t.service("api", {}), ["observability_configuration.0.observability_enabled"])
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

# Applicability: every service.
test_applicable_every_service if {
	a := rule.applicable with input as t.model([t.service("api", {}), t.service("web", {})], {})
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
